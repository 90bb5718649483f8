// TCP/IPv4 header builder (TX): one 64-octet descriptor on s_desc (record:
// wire/include/tcpoe/wire/tx_descriptor.h, docs/descriptors.md) and, when its
// payload_len is not zero, one payload packet on s_axis in; the Ethernet II /
// IPv4 / TCP frame on m_axis out, with the IPv4 total length and header
// checksum, the TCP data offset, options (Linux's SYN layout) and checksum
// filled in. No padding to 60 octets and no FCS: the MAC adds both.
//
// One beat per clock on m_axis while descriptors wait and m_axis_tready is
// high, header-only segments back to back included; 3 cycles from the
// descriptor handshake to the first beat. The pipeline, stage by stage, the
// bad-input rules and the C++ reference this must match cycle for cycle are
// in hls/builder/tcp_tx_builder.h (class TcpTxBuilder: same register names).
//
// Payload: store and forward, up to PAYLOAD_DEPTH octets per segment, lane 0
// of the first beat is payload octet 0, every beat but the last keeps all
// lanes, the last keeps lanes 0..n-1. Payload packets pair, in order, with
// the descriptors whose payload_len is not zero.
module tcp_tx_builder #(
  parameter int DATA_W        = 64,
  parameter int PAYLOAD_DEPTH = 2048  // octets: the largest payload, and the buffer
) (
  input  logic                clk,
  input  logic                rst,            // synchronous, active high
  input  logic [511:0]        s_desc_tdata,   // the record, octet i at [8i+7:8i]
  input  logic                s_desc_tvalid,
  output logic                s_desc_tready,
  input  logic [DATA_W-1:0]   s_axis_tdata,   // payload
  input  logic [DATA_W/8-1:0] s_axis_tkeep,
  input  logic                s_axis_tvalid,
  output logic                s_axis_tready,
  input  logic                s_axis_tlast,
  output logic [DATA_W-1:0]   m_axis_tdata,   // frame
  output logic [DATA_W/8-1:0] m_axis_tkeep,
  output logic                m_axis_tvalid,
  input  logic                m_axis_tready,
  output logic                m_axis_tlast,
  output logic [31:0]         stat_bad_desc,    // descriptors refused (window scale, length)
  output logic [31:0]         stat_bad_payload  // segments whose payload disagreed with them
);

  localparam int B          = DATA_W / 8;
  localparam int LANE_BITS  = $clog2(B);
  localparam int HDR_MAX    = 74;
  localparam int HDR_BITS   = 8 * HDR_MAX;
  localparam int HDR_BEATS  = (HDR_MAX + B - 1) / B;
  localparam int HSEL_W     = HDR_BEATS > 1 ? $clog2(HDR_BEATS) : 1;
  localparam int BASE_W     = 16 + LANE_BITS;  // octet offset of beat em_k
  localparam int HQ_DEPTH   = 4;
  localparam int INFO_DEPTH = 8;
  localparam int MAX_WORDS  = (PAYLOAD_DEPTH + B - 1) / B;
  localparam int BUF_AW     = MAX_WORDS <= 1 ? 1 : $clog2(MAX_WORDS);
  localparam int BUF_WORDS  = 1 << BUF_AW;
  localparam int WORDS_W    = $clog2(MAX_WORDS + 1);
  localparam int IP         = tcpoe_wire_pkg::FRAME_IPV4_OFF;
  localparam int TC         = tcpoe_wire_pkg::FRAME_TCP_OFF;
  localparam int IP_CSUM    = IP + tcpoe_wire_pkg::IPV4_CHECKSUM_OFF;
  localparam int TCP_CSUM   = TC + tcpoe_wire_pkg::TCP_CHECKSUM_OFF;

  // ================================================================ descriptor path
  logic               s1_valid, s1_bad;
  logic [HDR_BITS-1:0] s1_hdr, asm_hdr;
  logic [6:0]         s1_hlen, asm_hlen;
  logic [15:0]        s1_plen, asm_plen;
  logic               asm_bad;

  tcp_tx_hdr_assemble #(.PAYLOAD_DEPTH(PAYLOAD_DEPTH)) u_assemble (
    .desc(s_desc_tdata), .hdr(asm_hdr), .hlen(asm_hlen), .plen(asm_plen), .bad(asm_bad));

  logic [2:0] hq_count;
  logic       s2_valid;

  // Room in the header queue for everything in s1 and s2 plus this one, so
  // s_desc_tready never waits on m_axis_tready combinationally.
  assign s_desc_tready = 32'(hq_count) + 32'(s1_valid) + 32'(s2_valid) < HQ_DEPTH;
  wire desc_taken = s_desc_tvalid && s_desc_tready;

  always_ff @(posedge clk) begin
    if (desc_taken) begin
      s1_hdr  <= asm_hdr;
      s1_hlen <= asm_hlen;
      s1_plen <= asm_plen;
      s1_bad  <= asm_bad;
    end
    s1_valid <= desc_taken;
    if (rst) s1_valid <= 1'b0;
  end

  // ---------------------------------------------------------------- s1 -> s2: raw sums
  logic [HDR_BITS-1:0] s2_hdr;
  logic [6:0]          s2_hlen;
  logic [15:0]         s2_plen;
  logic                s2_bad;
  logic [31:0]         s2_ip_sum, s2_tcp_sum, ip_sum_in, tcp_sum_in;

  function automatic logic [31:0] hdr_word(input logic [HDR_BITS-1:0] h, input int off);
    hdr_word = {16'd0, h[8*off +: 8], h[8*(off+1) +: 8]};
  endfunction

  always_comb begin
    ip_sum_in = '0;
    for (int w = 0; w < tcpoe_wire_pkg::IPV4_HEADER_LEN / 2; w++)
      ip_sum_in = ip_sum_in + hdr_word(s1_hdr, IP + 2 * w);
    // Pseudo-header: addresses, protocol, TCP length; then header and options.
    tcp_sum_in = hdr_word(s1_hdr, IP + tcpoe_wire_pkg::IPV4_SRC_ADDR_OFF)
               + hdr_word(s1_hdr, IP + tcpoe_wire_pkg::IPV4_SRC_ADDR_OFF + 2)
               + hdr_word(s1_hdr, IP + tcpoe_wire_pkg::IPV4_DST_ADDR_OFF)
               + hdr_word(s1_hdr, IP + tcpoe_wire_pkg::IPV4_DST_ADDR_OFF + 2)
               + 32'(tcpoe_wire_pkg::IPV4_PROTOCOL_TCP)
               + 32'(s1_hlen) - 32'(TC) + 32'(s1_plen);
    for (int w = 0; w < (HDR_MAX - TC) / 2; w++)
      tcp_sum_in = tcp_sum_in + hdr_word(s1_hdr, TC + 2 * w);
  end

  always_ff @(posedge clk) begin
    if (s1_valid) begin
      s2_hdr     <= s1_hdr;
      s2_hlen    <= s1_hlen;
      s2_plen    <= s1_plen;
      s2_bad     <= s1_bad;
      s2_ip_sum  <= ip_sum_in;
      s2_tcp_sum <= tcp_sum_in;
    end
    s2_valid <= s1_valid;
    if (rst) s2_valid <= 1'b0;
  end

  // ---------------------------------------------------------------- s2 -> header queue
  function automatic logic [15:0] fold32(input logic [31:0] s);
    logic [16:0] t;
    t = 17'(s[15:0]) + 17'(s[31:16]);
    fold32 = t[15:0] + 16'(t[16]);
  endfunction

  function automatic logic [15:0] ones_add(input logic [15:0] a, input logic [15:0] b);
    logic [16:0] t;
    t = 17'(a) + 17'(b);
    ones_add = t[15:0] + 16'(t[16]);
  endfunction

  logic [HDR_BITS-1:0] push_hdr;
  logic [15:0]         ip_csum;

  always_comb begin
    ip_csum  = ~fold32(s2_ip_sum);
    push_hdr = s2_hdr;
    push_hdr[8*IP_CSUM +: 16] = {ip_csum[7:0], ip_csum[15:8]};
  end

  logic [HQ_DEPTH*HDR_BITS-1:0] hq_hdr;
  logic [HQ_DEPTH*7-1:0]        hq_hlen;
  logic [HQ_DEPTH*16-1:0]       hq_plen, hq_tcp_sum;
  logic [HQ_DEPTH-1:0]          hq_bad;
  logic [1:0]                   hq_rd, hq_wr;
  logic                         hq_pop;

  always_ff @(posedge clk) begin
    if (s2_valid) begin
      hq_hdr[hq_wr*HDR_BITS +: HDR_BITS] <= push_hdr;
      hq_hlen[hq_wr*7 +: 7]      <= s2_hlen;
      hq_plen[hq_wr*16 +: 16]    <= s2_plen;
      hq_bad[hq_wr]              <= s2_bad;
      hq_tcp_sum[hq_wr*16 +: 16] <= fold32(s2_tcp_sum);
      hq_wr <= hq_wr + 1'b1;
    end
    if (hq_pop) hq_rd <= hq_rd + 1'b1;
    hq_count <= hq_count + 3'(s2_valid) - 3'(hq_pop);
    if (rst) begin
      hq_rd    <= '0;
      hq_wr    <= '0;
      hq_count <= '0;
    end
  end

  // ================================================================ payload path
  logic [DATA_W-1:0] buf_mem [BUF_WORDS];
  logic [BUF_AW-1:0] buf_rd, buf_wr;
  logic [BUF_AW:0]   buf_count;
  logic [WORDS_W-1:0] wr_words, p1_words;
  logic [16:0]       wr_bytes, p1_bytes;
  logic              wr_over, p1_over, p1_valid, p1_last;
  logic [31:0]       p1_sum, acc, beat_sum;
  logic              acc_in_pkt;
  logic [3:0]        info_count;
  logic [LANE_BITS:0] beat_bytes;

  // A packet beyond MAX_WORDS words is still taken (and thrown away), so an
  // oversized payload cannot wedge the buffer.
  assign s_axis_tready = (32'(buf_count) < BUF_WORDS || 32'(wr_words) >= MAX_WORDS)
                      && 32'(info_count) + 32'(p1_valid && p1_last) < INFO_DEPTH;
  wire p_taken = s_axis_tvalid && s_axis_tready;
  wire store   = p_taken && 32'(wr_words) < MAX_WORDS;

  always_comb begin
    beat_bytes = '0;
    beat_sum   = '0;
    for (int l = 0; l < B; l++) beat_bytes = beat_bytes + (LANE_BITS+1)'(s_axis_tkeep[l]);
    // RFC 1071: lanes not kept read as zero.
    for (int w = 0; w < B / 2; w++)
      beat_sum = beat_sum + {16'd0, s_axis_tkeep[2*w] ? s_axis_tdata[16*w +: 8] : 8'h00,
                                    s_axis_tkeep[2*w+1] ? s_axis_tdata[16*w+8 +: 8] : 8'h00};
  end

  logic [WORDS_W-1:0] n_words;
  logic [16:0]        n_bytes;
  logic               n_over;
  always_comb begin
    n_words = wr_words + WORDS_W'(store);
    n_bytes = wr_bytes + (store ? 17'(beat_bytes) : 17'd0);
    n_over  = wr_over || (p_taken && !store);
  end

  logic [31:0] acc_total;
  assign acc_total = (acc_in_pkt ? acc : 32'd0) + p1_sum;

  always_ff @(posedge clk) begin
    if (p_taken) begin
      p1_sum  <= beat_sum;
      p1_last <= s_axis_tlast;
      if (s_axis_tlast) begin
        p1_words <= n_words;
        p1_bytes <= n_bytes;
        p1_over  <= n_over;
        wr_words <= '0;
        wr_bytes <= '0;
        wr_over  <= 1'b0;
      end else begin
        wr_words <= n_words;
        wr_bytes <= n_bytes;
        wr_over  <= n_over;
      end
    end
    p1_valid <= p_taken;
    if (p1_valid) begin
      acc        <= acc_total;
      acc_in_pkt <= !p1_last;
    end
    if (rst) begin
      p1_valid   <= 1'b0;
      acc_in_pkt <= 1'b0;
      wr_words   <= '0;
      wr_bytes   <= '0;
      wr_over    <= 1'b0;
    end
  end

  // ---------------------------------------------------------------- info queue
  logic [INFO_DEPTH*16-1:0]      info_sum;
  logic [INFO_DEPTH*WORDS_W-1:0] info_words;
  logic [INFO_DEPTH*17-1:0]      info_bytes;
  logic [INFO_DEPTH-1:0]         info_over;
  logic [2:0]                    info_rd, info_wr;
  logic                          info_pop;
  wire                           info_push = p1_valid && p1_last;

  always_ff @(posedge clk) begin
    if (info_push) begin
      info_sum[info_wr*16 +: 16]            <= fold32(acc_total);
      info_words[info_wr*WORDS_W +: WORDS_W] <= p1_words;
      info_bytes[info_wr*17 +: 17]          <= p1_bytes;
      info_over[info_wr]                    <= p1_over;
      info_wr <= info_wr + 1'b1;
    end
    if (info_pop) info_rd <= info_rd + 1'b1;
    info_count <= info_count + 4'(info_push) - 4'(info_pop);
    if (rst) begin
      info_rd    <= '0;
      info_wr    <= '0;
      info_count <= '0;
    end
  end

  // ================================================================ emitter
  logic [HDR_BITS-1:0] head_hdr;
  logic [6:0]          head_hlen;
  logic [15:0]         head_plen, head_tcp_sum, head_psum, tcp_csum;
  logic                head_bad, have, need_p, go, mismatch, drop, emit, last;
  logic [WORDS_W-1:0]  head_words;
  logic [16:0]         len;
  logic [15:0]         em_k, nbeats, hb;
  logic [BASE_W-1:0]   base, hdr_left, all_left;
  logic [LANE_BITS:0]  hdr_lanes, all_lanes;
  logic [HSEL_W-1:0]   hsel;
  logic [LANE_BITS-1:0] sh;
  logic [DATA_W-1:0]   cur, carry, hdr_beat, pay_beat;
  logic [HDR_BEATS*DATA_W-1:0] hdr_ext;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [2*DATA_W-1:0] pair;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [BUF_AW:0]     buf_pop;
  logic                carry_load;

  always_comb begin
    head_hdr     = hq_hdr[hq_rd*HDR_BITS +: HDR_BITS];
    head_hlen    = hq_hlen[hq_rd*7 +: 7];
    head_plen    = hq_plen[hq_rd*16 +: 16];
    head_tcp_sum = hq_tcp_sum[hq_rd*16 +: 16];
    head_bad     = hq_bad[hq_rd];
    head_psum    = info_sum[info_rd*16 +: 16];
    head_words   = info_words[info_rd*WORDS_W +: WORDS_W];
    have     = hq_count != 0;
    need_p   = head_plen != 0;
    go       = have && (!need_p || info_count != 0);
    mismatch = need_p && (info_over[info_rd] || info_bytes[info_rd*17 +: 17] != 17'(head_plen));
    drop     = go && (head_bad || mismatch);
    emit     = go && !drop;

    len    = 17'(head_hlen) + 17'(head_plen);
    nbeats = 16'((len + 17'(B - 1)) >> LANE_BITS);
    hb     = 16'(head_hlen) >> LANE_BITS;
    sh     = head_hlen[LANE_BITS-1:0];
    last   = em_k == nbeats - 16'd1;

    // The TCP checksum goes in as the beat carrying it leaves.
    tcp_csum = ~ones_add(head_tcp_sum, need_p ? head_psum : 16'd0);
    hdr_ext = '0;
    hdr_ext[HDR_BITS-1:0] = head_hdr;
    hdr_ext[8*TCP_CSUM +: 16] = {tcp_csum[7:0], tcp_csum[15:8]};
    hsel     = 32'(em_k) < HDR_BEATS ? HSEL_W'(em_k) : '0;
    hdr_beat = hdr_ext[32'(hsel) * DATA_W +: DATA_W];

    // Lanes of this beat that carry header octets, and frame octets at all:
    // two small numbers, so each lane compares against a constant.
    base      = {em_k, LANE_BITS'(0)};
    hdr_left  = BASE_W'(head_hlen) - base;
    all_left  = BASE_W'(len) - base;
    hdr_lanes = BASE_W'(head_hlen) <= base ? '0
              : hdr_left >= BASE_W'(B) ? (LANE_BITS+1)'(B) : (LANE_BITS+1)'(hdr_left);
    all_lanes = BASE_W'(len) <= base ? '0
              : all_left >= BASE_W'(B) ? (LANE_BITS+1)'(B) : (LANE_BITS+1)'(all_left);

    // Payload octets: {head word, carry} rotated right by B - sh lanes.
    cur      = buf_mem[buf_rd];
    pair     = {cur, carry} >> (8 * (B - 32'(sh)));
    pay_beat = pair[DATA_W-1:0];  // the upper half is shifted-out octets

    for (int l = 0; l < B; l++) begin
      if ((LANE_BITS+1)'(l) < hdr_lanes) begin
        m_axis_tdata[8*l +: 8] = hdr_beat[8*l +: 8];
        m_axis_tkeep[l] = 1'b1;
      end else if ((LANE_BITS+1)'(l) < all_lanes) begin
        m_axis_tdata[8*l +: 8] = pay_beat[8*l +: 8];
        m_axis_tkeep[l] = 1'b1;
      end else begin
        m_axis_tdata[8*l +: 8] = 8'h00;
        m_axis_tkeep[l] = 1'b0;
      end
    end
    m_axis_tvalid = emit;
    m_axis_tlast  = last;
  end

  wire sent = emit && m_axis_tready;

  always_comb begin
    hq_pop     = drop || (sent && last);
    info_pop   = need_p && (drop || (sent && last));
    carry_load = sent && need_p && em_k >= hb && 32'(em_k) - 32'(hb) < 32'(head_words);
    buf_pop    = drop && need_p ? (BUF_AW+1)'(head_words) : (BUF_AW+1)'(carry_load);
  end

  always_ff @(posedge clk) begin
    if (carry_load) carry <= cur;
    if (store) begin
      buf_mem[buf_wr] <= s_axis_tdata;
      buf_wr <= buf_wr + 1'b1;
    end
    buf_rd    <= buf_rd + BUF_AW'(buf_pop);
    buf_count <= buf_count + (BUF_AW+1)'(store) - buf_pop;
    if (sent) em_k <= last ? 16'd0 : em_k + 16'd1;
    if (drop && head_bad) stat_bad_desc <= stat_bad_desc + 32'd1;
    if (drop && !head_bad) stat_bad_payload <= stat_bad_payload + 32'd1;
    if (rst) begin
      buf_rd           <= '0;
      buf_wr           <= '0;
      buf_count        <= '0;
      em_k             <= '0;
      stat_bad_desc    <= '0;
      stat_bad_payload <= '0;
    end
  end

`ifndef SYNTHESIS
  // The payload port's rule, as the checksum engine's: full beats before the
  // last, and a last beat that keeps lanes 0..n-1 with n >= 1.
  always_ff @(posedge clk) begin
    if (!rst && p_taken) begin
      if (!s_axis_tlast)
        assert (&s_axis_tkeep)
          else $error("tcp_tx_builder: tkeep %h on a beat that is not the last", s_axis_tkeep);
      else
        assert (s_axis_tkeep != '0 && (s_axis_tkeep & (s_axis_tkeep + 1'b1)) == '0)
          else $error("tcp_tx_builder: last beat tkeep %h is not lanes 0..n-1", s_axis_tkeep);
    end
  end
`endif

  if (DATA_W != 64 && DATA_W != 128 && DATA_W != 256 && DATA_W != 512) begin : g_bad_width
    $error("tcp_tx_builder: DATA_W must be 64, 128, 256 or 512");
  end
  if (PAYLOAD_DEPTH < 1 || PAYLOAD_DEPTH > 65535 - 60) begin : g_bad_depth
    $error("tcp_tx_builder: PAYLOAD_DEPTH must be 1..65475 octets");
  end

endmodule

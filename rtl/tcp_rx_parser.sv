// Receive parser: Ethernet II / IPv4 / TCP frames (no FCS) on s_axis, one
// 64-octet descriptor per frame on m_desc, in order, malformed frames
// included: every header field, the TCP options MSS, window scale,
// SACK-permitted and timestamps, payload offset and length, and the verdict
// (the Malformed code of layout.h, IPv4 and TCP checksum judged/ok). The
// record's layout is wire/include/tcpoe/wire/rx_descriptor.h (RX_DESC_* in
// tcpoe_wire_pkg); m_desc_tdata octet i is bits [8i+7:8i], and multi-octet
// fields are big-endian in the record (octet RX_DESC_*_OFF holds the most
// significant byte), so header fields are the frame's octets in order. The
// rules are parse_frame()'s (wire/include/tcpoe/wire/frame.h).
//
// One beat per clock, forever; back-to-back one-beat frames give one
// descriptor per clock. m_desc_tvalid rises 8 cycles after the frame's last
// beat, at every DATA_W. The stages, and the C++ reference this module must
// match cycle for cycle, are in hls/parser/tcp_rx_parser.h (class
// TcpRxParser: the same register names; w_<name> stage s here is
// w[s].<name> there). Nothing inside stalls; s_axis_tready falls only when
// the output queue could not hold every frame already inside plus one more.
//
// Frames of any length (1 octet up, jumbo and beyond: the length saturates
// where it can no longer pass the total-length check) never hang the block
// or mix with the next frame. The counters wrap.
module tcp_rx_parser #(
  parameter int DATA_W = 64
) (
  input  logic                clk,
  input  logic                rst,            // synchronous, active high
  input  logic [DATA_W-1:0]   s_axis_tdata,
  input  logic [DATA_W/8-1:0] s_axis_tkeep,
  input  logic                s_axis_tvalid,
  output logic                s_axis_tready,
  input  logic                s_axis_tlast,
  output logic [8*tcpoe_wire_pkg::RX_DESC_LEN-1:0] m_desc_tdata,
  output logic                m_desc_tvalid,
  input  logic                m_desc_tready,
  output logic [31:0]         stat_frames,       // descriptors produced
  output logic [31:0]         stat_malformed,    // with a Malformed code
  output logic [31:0]         stat_ip_csum_bad,  // IPv4 checksum judged and wrong
  output logic [31:0]         stat_tcp_csum_bad  // TCP checksum judged and wrong
);

  localparam int BYTES       = DATA_W / 8;
  localparam int IP_OFF      = tcpoe_wire_pkg::FRAME_IPV4_OFF;                          // 14
  localparam int TCP_OFF     = tcpoe_wire_pkg::FRAME_TCP_OFF;                           // 34
  localparam int OPT_OFF     = tcpoe_wire_pkg::FRAME_MIN_TCP_FRAME_LEN;                 // 54
  localparam int HDR         = TCP_OFF + tcpoe_wire_pkg::TCP_MAX_HEADER_LEN;            // 94
  localparam int OPT         = tcpoe_wire_pkg::TCP_MAX_HEADER_LEN - tcpoe_wire_pkg::TCP_HEADER_LEN;
  localparam int MIN_FRAME   = tcpoe_wire_pkg::ETH_MIN_FRAME_LEN;                       // 60
  localparam int PAD_BYTES   = MIN_FRAME - TCP_OFF;                                     // 26
  localparam int DESC_W      = 8 * tcpoe_wire_pkg::RX_DESC_LEN;
  localparam int WALK_STEPS  = 8;
  localparam int WALK_STAGES = 5;   // 40 option octets hold at most 40 options
  localparam int NS          = WALK_STAGES + 1;  // w[0] decode, w[1..5] walk
  localparam int CSUM_STAGE  = 3;   // loaded when tcp_csum's sum shows (4 cycles)
  localparam int FIFO_DEPTH  = 16;
  localparam int PTR_W       = 4;
  localparam int LEN_W       = 17;  // frame length, saturating
  localparam int POS_W       = 6;
  localparam int CLS_W       = 3;
  localparam int UNK_W       = 5;   // at most 20 options of 2 octets

  // Frame offsets of the fields (octets).
  localparam int ETHERTYPE = tcpoe_wire_pkg::ETH_ETHERTYPE_OFF;
  localparam int IP_VIHL   = IP_OFF + tcpoe_wire_pkg::IPV4_VERSION_WORD_OFF;
  localparam int IP_TOS    = IP_VIHL + 1;
  localparam int IP_TLEN   = IP_OFF + tcpoe_wire_pkg::IPV4_TOTAL_LEN_OFF;
  localparam int IP_IDENT  = IP_OFF + tcpoe_wire_pkg::IPV4_IDENT_OFF;
  localparam int IP_FRAG   = IP_OFF + tcpoe_wire_pkg::IPV4_DONT_FRAG_WORD_OFF;
  localparam int IP_TTL    = IP_OFF + tcpoe_wire_pkg::IPV4_TTL_OFF;
  localparam int IP_PROTO  = IP_OFF + tcpoe_wire_pkg::IPV4_PROTOCOL_OFF;
  localparam int IP_SRC    = IP_OFF + tcpoe_wire_pkg::IPV4_SRC_ADDR_OFF;
  localparam int IP_DST    = IP_OFF + tcpoe_wire_pkg::IPV4_DST_ADDR_OFF;
  localparam int T_SPORT   = TCP_OFF + tcpoe_wire_pkg::TCP_SRC_PORT_OFF;
  localparam int T_DPORT   = TCP_OFF + tcpoe_wire_pkg::TCP_DST_PORT_OFF;
  localparam int T_SEQ     = TCP_OFF + tcpoe_wire_pkg::TCP_SEQ_NUM_OFF;
  localparam int T_ACK     = TCP_OFF + tcpoe_wire_pkg::TCP_ACK_NUM_OFF;
  localparam int T_DOFF    = TCP_OFF + tcpoe_wire_pkg::TCP_DATA_OFFSET_WORD_OFF;
  localparam int T_WIN     = TCP_OFF + tcpoe_wire_pkg::TCP_WINDOW_OFF;
  localparam int T_URG     = TCP_OFF + tcpoe_wire_pkg::TCP_URGENT_PTR_OFF;

  // Option classes of the walk table.
  localparam logic [CLS_W-1:0] CLS_STOP = 3'd0, CLS_NOP = 3'd1, CLS_MSS = 3'd2, CLS_WS = 3'd3,
                               CLS_SACK = 3'd4, CLS_TS = 3'd5, CLS_UNK = 3'd6, CLS_BAD = 3'd7;

  // ================================================================ input
  logic [3:0]       in_beat;   // beat index in the frame, saturating at 15
  logic [LEN_W-1:0] in_bytes;  // octets before this beat, saturating
  logic [8*HDR-1:0] hdr, n_hdr;
  logic [7:0]       lanes;
  logic [LEN_W:0]   len_sum;
  logic [LEN_W-1:0] n_len;
  logic [4:0]       fifo_count;
  logic [3:0]       inflight;
  logic             fa_valid;
  logic [NS-1:0]    w_valid;

  always_comb begin
    inflight = 4'(fa_valid);
    for (int s = 0; s < NS; s++) inflight = inflight + 4'(w_valid[s]);
    s_axis_tready = (5'(FIFO_DEPTH) - fifo_count) > 5'(inflight);
  end

  wire accept    = s_axis_tvalid && s_axis_tready;
  wire frame_end = accept && s_axis_tlast;

  always_comb begin
    lanes = '0;
    for (int l = 0; l < BYTES; l++) lanes = lanes + 8'(s_axis_tkeep[l]);
    len_sum = {1'b0, in_bytes} + (LEN_W+1)'(lanes);
    n_len   = len_sum[LEN_W] ? {LEN_W{1'b1}} : len_sum[LEN_W-1:0];
    for (int b = 0; b < HDR; b++) begin
      if (32'(in_beat) == 32'(b / BYTES))
        n_hdr[8*b +: 8] = s_axis_tkeep[b % BYTES] ? s_axis_tdata[8*(b % BYTES) +: 8] : 8'h00;
      else if (in_beat == 4'd0)
        n_hdr[8*b +: 8] = 8'h00;  // a new frame: nothing of the previous one shows through
      else
        n_hdr[8*b +: 8] = hdr[8*b +: 8];
    end
  end

  always_ff @(posedge clk) begin
    if (accept) begin
      hdr      <= n_hdr;
      in_beat  <= frame_end ? 4'd0 : (in_beat == 4'd15 ? in_beat : in_beat + 4'd1);
      in_bytes <= frame_end ? '0 : n_len;
    end
    if (rst) begin
      in_beat  <= '0;
      in_bytes <= '0;
    end
  end

  // ---------------------------------------------------------------- checksum engine
  // It sums the TCP segment plus any padding: octets 0..33 read as zero. It
  // is always ready: its result queue is drained every cycle.
  logic [DATA_W-1:0] csum_data;
  logic              csum_ready, csum_valid;
  logic [15:0]       csum_sum;

  always_comb begin
    for (int l = 0; l < BYTES; l++)
      csum_data[8*l +: 8] = (32'(in_beat) * 32'(BYTES) + 32'(l) < 32'(TCP_OFF))
                          ? 8'h00 : s_axis_tdata[8*l +: 8];
  end

  tcp_csum #(.DATA_W(DATA_W)) u_csum (
    .clk          (clk),
    .rst          (rst),
    .s_axis_tdata (csum_data),
    .s_axis_tkeep (s_axis_tkeep),
    .s_axis_tvalid(accept),
    .s_axis_tready(csum_ready),
    .s_axis_tlast (s_axis_tlast),
    .m_axis_tdata (csum_sum),
    .m_axis_tvalid(csum_valid),
    .m_axis_tready(1'b1)
  );

  // ================================================================ fa: a frame has ended
  logic [8*HDR-1:0] fa_hdr;
  logic [LEN_W-1:0] fa_len;

  always_ff @(posedge clk) begin
    if (frame_end) begin
      fa_hdr <= n_hdr;
      fa_len <= n_len;
    end
    fa_valid <= frame_end;
    if (rst) fa_valid <= 1'b0;
  end

  // ================================================================ fa -> w[0]: decode
  logic [15:0]         ethertype, tl, fragw, seg_len;
  logic [3:0]          version, ihl, doff;
  logic [7:0]          proto;
  logic [31:0]         ip_src, ip_dst;
  logic [LEN_W:0]      l3, tl_end;
  logic [3:0]          d_code;
  logic                d_ip_chk, d_ip_ok;
  logic [19:0]         ip_acc, pad_acc, ps_acc;
  logic [16:0]         fold_t;
  logic [15:0]         ip_sum, pad_sum, pad_inv, pseudo, d_adj;
  logic [16:0]         adj_t;
  logic [7:0]          d_pl_off;
  logic [15:0]         d_pl_len;
  logic [POS_W-1:0]    opt_len;
  logic [7:0]          okind, olen;
  logic [CLS_W*OPT-1:0] d_cls;
  logic [POS_W*OPT-1:0] d_nxt;
  logic [8*OPT-1:0]    d_opt;
  logic [DESC_W-1:0]   d_desc;
  logic [POS_W-1:0]    onext;

  always_comb begin
    ethertype = {fa_hdr[8*ETHERTYPE +: 8], fa_hdr[8*(ETHERTYPE+1) +: 8]};
    version   = fa_hdr[8*IP_VIHL + 4 +: 4];
    ihl       = fa_hdr[8*IP_VIHL +: 4];
    tl        = {fa_hdr[8*IP_TLEN +: 8], fa_hdr[8*(IP_TLEN+1) +: 8]};
    fragw     = {fa_hdr[8*IP_FRAG +: 8], fa_hdr[8*(IP_FRAG+1) +: 8]};
    proto     = fa_hdr[8*IP_PROTO +: 8];
    for (int i = 0; i < 4; i++) begin
      ip_src[8*(3-i) +: 8] = fa_hdr[8*(IP_SRC+i) +: 8];
      ip_dst[8*(3-i) +: 8] = fa_hdr[8*(IP_DST+i) +: 8];
    end
    doff     = fa_hdr[8*T_DOFF + 4 +: 4];
    l3       = {1'b0, fa_len} - (LEN_W+1)'(IP_OFF);
    seg_len  = tl - 16'(tcpoe_wire_pkg::IPV4_HEADER_LEN);

    // The Malformed checks, in code order: the first that applies.
    if (fa_len < LEN_W'(tcpoe_wire_pkg::FRAME_MIN_TCP_FRAME_LEN))
      d_code = 4'(tcpoe_wire_pkg::MALFORMED_SHORT_FRAME);
    else if (ethertype != 16'(tcpoe_wire_pkg::ETH_ETHERTYPE_IPV4)
             || version != 4'(tcpoe_wire_pkg::IPV4_VERSION_4))
      d_code = 4'(tcpoe_wire_pkg::MALFORMED_NOT_IPV4);
    else if (ihl < 4'd5)
      d_code = 4'(tcpoe_wire_pkg::MALFORMED_IP_HEADER_LEN);
    else if (ihl > 4'd5)
      d_code = 4'(tcpoe_wire_pkg::MALFORMED_IP_OPTIONS);
    else if (tl < 16'(tcpoe_wire_pkg::IPV4_HEADER_LEN) || (LEN_W+1)'(tl) > l3
             || ((LEN_W+1)'(tl) < l3 && fa_len > LEN_W'(MIN_FRAME)))
      d_code = 4'(tcpoe_wire_pkg::MALFORMED_IP_TOTAL_LEN);
    else if (fragw[tcpoe_wire_pkg::IPV4_MORE_FRAGS_SHIFT] || fragw[12:0] != 13'd0)
      d_code = 4'(tcpoe_wire_pkg::MALFORMED_FRAGMENT);
    else if (proto != 8'(tcpoe_wire_pkg::IPV4_PROTOCOL_TCP))
      d_code = 4'(tcpoe_wire_pkg::MALFORMED_NOT_TCP);
    else if (seg_len < 16'(tcpoe_wire_pkg::TCP_HEADER_LEN) || doff < 4'd5
             || 16'({doff, 2'b00}) > seg_len)
      d_code = 4'(tcpoe_wire_pkg::MALFORMED_TCP_DATA_OFFSET);
    else
      d_code = 4'(tcpoe_wire_pkg::MALFORMED_NONE);

    // The IPv4 header sum (judged once the header is known to be 20 octets).
    ip_acc = '0;
    for (int i = 0; i < 10; i++)
      ip_acc = ip_acc + 20'({fa_hdr[8*(IP_OFF+2*i) +: 8], fa_hdr[8*(IP_OFF+2*i+1) +: 8]});
    fold_t   = 17'(ip_acc[15:0]) + 17'(ip_acc[19:16]);
    ip_sum   = fold_t[15:0] + 16'(fold_t[16]);
    d_ip_chk = d_code == 4'd0 || d_code >= 4'(tcpoe_wire_pkg::MALFORMED_IP_TOTAL_LEN);
    d_ip_ok  = d_ip_chk && ip_sum == 16'hFFFF;

    // tcp_csum also summed the padding (octets 14 + total length up to the
    // frame's end, all below 60 whenever the TCP checksum is judged); its sum
    // comes off again here, and the pseudo-header's goes on.
    tl_end  = (LEN_W+1)'(tl) + (LEN_W+1)'(IP_OFF);
    pad_acc = '0;
    for (int i = 0; i < PAD_BYTES; i++) begin
      if ((LEN_W+1)'(TCP_OFF + i) >= tl_end && LEN_W'(TCP_OFF + i) < fa_len) begin
        if (i % 2 == 0) pad_acc = pad_acc + 20'({fa_hdr[8*(TCP_OFF+i) +: 8], 8'h00});
        else            pad_acc = pad_acc + 20'(fa_hdr[8*(TCP_OFF+i) +: 8]);
      end
    end
    fold_t  = 17'(pad_acc[15:0]) + 17'(pad_acc[19:16]);
    pad_sum = fold_t[15:0] + 16'(fold_t[16]);
    ps_acc  = 20'(ip_src[31:16]) + 20'(ip_src[15:0]) + 20'(ip_dst[31:16]) + 20'(ip_dst[15:0])
            + 20'(tcpoe_wire_pkg::IPV4_PROTOCOL_TCP) + 20'(seg_len);
    fold_t  = 17'(ps_acc[15:0]) + 17'(ps_acc[19:16]);
    pseudo  = fold_t[15:0] + 16'(fold_t[16]);
    pad_inv = ~pad_sum;  // ones' complement subtraction
    adj_t   = 17'(pad_inv) + 17'(pseudo);
    d_adj   = adj_t[15:0] + 16'(adj_t[16]);

    d_pl_off = 8'(TCP_OFF) + 8'({doff, 2'b00});
    d_pl_len = seg_len - 16'({doff, 2'b00});

    // The option table: what an option starting at octet p would be, given
    // the option area's length; octets at or past it stop the walk.
    opt_len = doff >= 4'd5 ? POS_W'({doff, 2'b00}) - POS_W'(tcpoe_wire_pkg::TCP_HEADER_LEN) : '0;
    for (int p = 0; p < OPT; p++) begin
      okind = fa_hdr[8*(OPT_OFF+p) +: 8];
      olen  = (p + 1 < OPT) ? fa_hdr[8*(OPT_OFF+p+1) +: 8] : 8'h00;
      onext = POS_W'(p) + olen[POS_W-1:0];  // used when olen <= 40 - p
      d_opt[8*p +: 8] = okind;
      d_nxt[POS_W*p +: POS_W] = '0;
      if (POS_W'(p) >= opt_len || okind == 8'(tcpoe_wire_pkg::TCP_OPT_EOL)) begin
        d_cls[CLS_W*p +: CLS_W] = CLS_STOP;
      end else if (okind == 8'(tcpoe_wire_pkg::TCP_OPT_NOP)) begin
        d_cls[CLS_W*p +: CLS_W] = CLS_NOP;
        d_nxt[POS_W*p +: POS_W] = POS_W'(p + 1);
      end else if (POS_W'(p + 1) >= opt_len || olen < 8'd2
                   || olen > 8'(opt_len) - 8'(p)) begin
        d_cls[CLS_W*p +: CLS_W] = CLS_BAD;
      end else begin
        d_nxt[POS_W*p +: POS_W] = onext;
        if (okind == 8'(tcpoe_wire_pkg::TCP_OPT_MSS))
          d_cls[CLS_W*p +: CLS_W] = olen == 8'(tcpoe_wire_pkg::TCP_OPT_MSS_LEN) ? CLS_MSS : CLS_BAD;
        else if (okind == 8'(tcpoe_wire_pkg::TCP_OPT_WINDOW_SCALE))
          d_cls[CLS_W*p +: CLS_W] = olen == 8'(tcpoe_wire_pkg::TCP_OPT_WINDOW_SCALE_LEN)
                                  ? CLS_WS : CLS_BAD;
        else if (okind == 8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED))
          d_cls[CLS_W*p +: CLS_W] = olen == 8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED_LEN)
                                  ? CLS_SACK : CLS_BAD;
        else if (okind == 8'(tcpoe_wire_pkg::TCP_OPT_TIMESTAMPS))
          d_cls[CLS_W*p +: CLS_W] = olen == 8'(tcpoe_wire_pkg::TCP_OPT_TIMESTAMPS_LEN)
                                  ? CLS_TS : CLS_BAD;
        else
          d_cls[CLS_W*p +: CLS_W] = CLS_UNK;
        if (d_cls[CLS_W*p +: CLS_W] == CLS_BAD) d_nxt[POS_W*p +: POS_W] = '0;
      end
    end

    // The fixed fields, placed in the record. Multi-octet fields are
    // big-endian there, as in the frame: their octets are copied in order.
    d_desc = '0;
    for (int i = 0; i < 6; i++) begin
      d_desc[8*(tcpoe_wire_pkg::RX_DESC_ETH_DST_OFF+i) +: 8] =
          fa_hdr[8*(tcpoe_wire_pkg::ETH_DST_OFF+i) +: 8];
      d_desc[8*(tcpoe_wire_pkg::RX_DESC_ETH_SRC_OFF+i) +: 8] =
          fa_hdr[8*(tcpoe_wire_pkg::ETH_SRC_OFF+i) +: 8];
    end
    for (int i = 0; i < 2; i++) begin
      d_desc[8*(tcpoe_wire_pkg::RX_DESC_ETHERTYPE_OFF+i) +: 8]    = fa_hdr[8*(ETHERTYPE+i) +: 8];
      d_desc[8*(tcpoe_wire_pkg::RX_DESC_IP_TOTAL_LEN_OFF+i) +: 8] = fa_hdr[8*(IP_TLEN+i) +: 8];
      d_desc[8*(tcpoe_wire_pkg::RX_DESC_IP_IDENT_OFF+i) +: 8]     = fa_hdr[8*(IP_IDENT+i) +: 8];
      d_desc[8*(tcpoe_wire_pkg::RX_DESC_TCP_SRC_PORT_OFF+i) +: 8] = fa_hdr[8*(T_SPORT+i) +: 8];
      d_desc[8*(tcpoe_wire_pkg::RX_DESC_TCP_DST_PORT_OFF+i) +: 8] = fa_hdr[8*(T_DPORT+i) +: 8];
      d_desc[8*(tcpoe_wire_pkg::RX_DESC_TCP_WINDOW_OFF+i) +: 8]   = fa_hdr[8*(T_WIN+i) +: 8];
      d_desc[8*(tcpoe_wire_pkg::RX_DESC_TCP_URGENT_OFF+i) +: 8]   = fa_hdr[8*(T_URG+i) +: 8];
    end
    for (int i = 0; i < 4; i++) begin
      d_desc[8*(tcpoe_wire_pkg::RX_DESC_IP_SRC_OFF+i) +: 8]  = fa_hdr[8*(IP_SRC+i) +: 8];
      d_desc[8*(tcpoe_wire_pkg::RX_DESC_IP_DST_OFF+i) +: 8]  = fa_hdr[8*(IP_DST+i) +: 8];
      d_desc[8*(tcpoe_wire_pkg::RX_DESC_TCP_SEQ_OFF+i) +: 8] = fa_hdr[8*(T_SEQ+i) +: 8];
      d_desc[8*(tcpoe_wire_pkg::RX_DESC_TCP_ACK_OFF+i) +: 8] = fa_hdr[8*(T_ACK+i) +: 8];
    end
    d_desc[8*tcpoe_wire_pkg::RX_DESC_IP_TOS_OFF +: 8] = fa_hdr[8*IP_TOS +: 8];
    d_desc[8*tcpoe_wire_pkg::RX_DESC_IP_TTL_OFF +: 8] = fa_hdr[8*IP_TTL +: 8];
    d_desc[8*tcpoe_wire_pkg::RX_DESC_IP_FLAGS_OFF + tcpoe_wire_pkg::RX_DESC_IP_FLAG_DF_BIT] =
        fragw[tcpoe_wire_pkg::IPV4_DONT_FRAG_SHIFT];
    d_desc[8*tcpoe_wire_pkg::RX_DESC_IP_FLAGS_OFF + tcpoe_wire_pkg::RX_DESC_IP_FLAG_MF_BIT] =
        fragw[tcpoe_wire_pkg::IPV4_MORE_FRAGS_SHIFT];
    d_desc[8*tcpoe_wire_pkg::RX_DESC_IP_FLAGS_OFF + tcpoe_wire_pkg::RX_DESC_IP_FLAG_RESERVED_BIT] =
        fragw[tcpoe_wire_pkg::IPV4_RESERVED_FLAG_SHIFT];
    d_desc[8*tcpoe_wire_pkg::RX_DESC_IP_PROTOCOL_OFF +: 8]     = proto;
    d_desc[8*tcpoe_wire_pkg::RX_DESC_TCP_DATA_OFFSET_OFF +: 8] =
        {fa_hdr[8*T_DOFF +: 4], doff};  // [3:0] data offset, [7:4] reserved bits
    d_desc[8*tcpoe_wire_pkg::RX_DESC_TCP_FLAGS_OFF +: 8]    = fa_hdr[8*(T_DOFF+1) +: 8];
  end

  // ================================================================ w[0..5]: the option walk
  logic [DESC_W*NS-1:0]      w_desc;
  logic [8*OPT*NS-1:0]       w_opt;
  logic [CLS_W*OPT*NS-1:0]   w_cls;
  logic [POS_W*OPT*NS-1:0]   w_nxt;
  logic [4*NS-1:0]           w_code;
  logic [NS-1:0]             w_ip_chk, w_ip_ok;
  logic [16*NS-1:0]          w_adj, w_csum, w_pl_len;
  logic [8*NS-1:0]           w_pl_off;
  logic [POS_W*NS-1:0]       w_ptr, w_mss_pos, w_ws_pos, w_ts_pos;
  logic [NS-1:0]             w_done, w_bad, w_mss_f, w_ws_f, w_sack_f, w_ts_f;
  logic [UNK_W*NS-1:0]       w_unk;

  // Next walk state of stage s (1..5) from stage s-1: WALK_STEPS options.
  logic [POS_W*NS-1:0]       wn_ptr, wn_mss_pos, wn_ws_pos, wn_ts_pos;
  logic [NS-1:0]             wn_done, wn_bad, wn_mss_f, wn_ws_f, wn_sack_f, wn_ts_f;
  logic [UNK_W*NS-1:0]       wn_unk;
  logic [POS_W-1:0]          k_ptr, k_nxt;
  logic [CLS_W-1:0]          k_cls;

  always_comb begin
    wn_ptr = '0; wn_mss_pos = '0; wn_ws_pos = '0; wn_ts_pos = '0;
    wn_done = '0; wn_bad = '0; wn_mss_f = '0; wn_ws_f = '0; wn_sack_f = '0; wn_ts_f = '0;
    wn_unk = '0;
    k_ptr = '0; k_nxt = '0; k_cls = CLS_STOP;
    for (int s = 1; s < NS; s++) begin
      wn_ptr[POS_W*s +: POS_W]     = w_ptr[POS_W*(s-1) +: POS_W];
      wn_mss_pos[POS_W*s +: POS_W] = w_mss_pos[POS_W*(s-1) +: POS_W];
      wn_ws_pos[POS_W*s +: POS_W]  = w_ws_pos[POS_W*(s-1) +: POS_W];
      wn_ts_pos[POS_W*s +: POS_W]  = w_ts_pos[POS_W*(s-1) +: POS_W];
      wn_done[s]   = w_done[s-1];
      wn_bad[s]    = w_bad[s-1];
      wn_mss_f[s]  = w_mss_f[s-1];
      wn_ws_f[s]   = w_ws_f[s-1];
      wn_sack_f[s] = w_sack_f[s-1];
      wn_ts_f[s]   = w_ts_f[s-1];
      wn_unk[UNK_W*s +: UNK_W] = w_unk[UNK_W*(s-1) +: UNK_W];
      for (int k = 0; k < WALK_STEPS; k++) begin
        k_ptr = wn_ptr[POS_W*s +: POS_W];
        k_cls = CLS_STOP;  // past the table (pointer 40)
        k_nxt = '0;
        for (int q = 0; q < OPT; q++) begin
          if (k_ptr == POS_W'(q)) begin
            k_cls = w_cls[CLS_W*(OPT*(s-1) + q) +: CLS_W];
            k_nxt = w_nxt[POS_W*(OPT*(s-1) + q) +: POS_W];
          end
        end
        if (!wn_done[s]) begin
          case (k_cls)
            CLS_STOP: wn_done[s] = 1'b1;
            CLS_BAD: begin
              wn_done[s] = 1'b1;
              wn_bad[s]  = 1'b1;
            end
            CLS_MSS: begin
              wn_mss_f[s] = 1'b1;
              wn_mss_pos[POS_W*s +: POS_W] = k_ptr;
            end
            CLS_WS: begin
              wn_ws_f[s] = 1'b1;
              wn_ws_pos[POS_W*s +: POS_W] = k_ptr;
            end
            CLS_SACK: wn_sack_f[s] = 1'b1;
            CLS_TS: begin
              wn_ts_f[s] = 1'b1;
              wn_ts_pos[POS_W*s +: POS_W] = k_ptr;
            end
            CLS_UNK: wn_unk[UNK_W*s +: UNK_W] = wn_unk[UNK_W*s +: UNK_W] + 1'b1;
            default: ;  // NOP
          endcase
          if (!wn_done[s]) wn_ptr[POS_W*s +: POS_W] = k_nxt;
        end
      end
    end
  end

  always_ff @(posedge clk) begin
    w_valid[0]                 <= fa_valid;
    w_desc[0 +: DESC_W]        <= d_desc;
    w_opt[0 +: 8*OPT]          <= d_opt;
    w_cls[0 +: CLS_W*OPT]      <= d_cls;
    w_nxt[0 +: POS_W*OPT]      <= d_nxt;
    w_code[0 +: 4]             <= d_code;
    w_ip_chk[0]                <= d_ip_chk;
    w_ip_ok[0]                 <= d_ip_ok;
    w_adj[0 +: 16]             <= d_adj;
    w_csum[0 +: 16]            <= '0;
    w_pl_off[0 +: 8]           <= d_pl_off;
    w_pl_len[0 +: 16]          <= d_pl_len;
    for (int s = 1; s < NS; s++) begin
      w_valid[s]                         <= w_valid[s-1];
      w_desc[DESC_W*s +: DESC_W]         <= w_desc[DESC_W*(s-1) +: DESC_W];
      w_opt[8*OPT*s +: 8*OPT]            <= w_opt[8*OPT*(s-1) +: 8*OPT];
      w_cls[CLS_W*OPT*s +: CLS_W*OPT]    <= w_cls[CLS_W*OPT*(s-1) +: CLS_W*OPT];
      w_nxt[POS_W*OPT*s +: POS_W*OPT]    <= w_nxt[POS_W*OPT*(s-1) +: POS_W*OPT];
      w_code[4*s +: 4]                   <= w_code[4*(s-1) +: 4];
      w_ip_chk[s]                        <= w_ip_chk[s-1];
      w_ip_ok[s]                         <= w_ip_ok[s-1];
      w_adj[16*s +: 16]                  <= w_adj[16*(s-1) +: 16];
      w_csum[16*s +: 16]                 <= s == CSUM_STAGE ? csum_sum : w_csum[16*(s-1) +: 16];
      w_pl_off[8*s +: 8]                 <= w_pl_off[8*(s-1) +: 8];
      w_pl_len[16*s +: 16]               <= w_pl_len[16*(s-1) +: 16];
    end
    // The walk state: stage 0 starts at octet 0 with nothing found (wn_* [0] is zero).
    w_ptr     <= wn_ptr;
    w_mss_pos <= wn_mss_pos;
    w_ws_pos  <= wn_ws_pos;
    w_ts_pos  <= wn_ts_pos;
    w_done    <= wn_done;
    w_bad     <= wn_bad;
    w_mss_f   <= wn_mss_f;
    w_ws_f    <= wn_ws_f;
    w_sack_f  <= wn_sack_f;
    w_ts_f    <= wn_ts_f;
    w_unk     <= wn_unk;
    if (rst) w_valid <= '0;
  end

  // ================================================================ w[5] -> final -> queue
  localparam int Z = NS - 1;
  logic [3:0]        f_code;
  logic              f_ok, f_tcp_chk, f_tcp_ok;
  logic [16:0]       f_t;
  logic [15:0]       f_tcp_sum;
  logic [DESC_W-1:0] f_desc;
  // The options' values as octets in record order (octet 0 at [7:0]), i.e.
  // big-endian once placed, as they were in the option.
  logic [15:0]       f_mss;
  logic [7:0]        f_ws;
  logic [31:0]       f_tsval, f_tsecr;
  logic [3:0]        f_unk;

  always_comb begin
    f_code = w_code[4*Z +: 4] != 4'd0 ? w_code[4*Z +: 4]
           : (w_bad[Z] ? 4'(tcpoe_wire_pkg::MALFORMED_TCP_OPTION) : 4'd0);
    f_ok      = f_code == 4'd0;
    f_tcp_chk = f_ok || f_code == 4'(tcpoe_wire_pkg::MALFORMED_TCP_DATA_OFFSET)
                     || f_code == 4'(tcpoe_wire_pkg::MALFORMED_TCP_OPTION);
    f_t       = 17'(w_csum[16*Z +: 16]) + 17'(w_adj[16*Z +: 16]);
    f_tcp_sum = f_t[15:0] + 16'(f_t[16]);
    f_tcp_ok  = f_tcp_chk && f_tcp_sum == 16'hFFFF;

    // Values at the recorded positions, their octets in frame order (the
    // record is big-endian like the option); only options that fit the area
    // were recorded, so the candidates stop where a whole option still fits.
    f_mss = '0; f_ws = '0; f_tsval = '0; f_tsecr = '0;
    for (int q = 0; q + 4 <= OPT; q++)
      if (w_mss_pos[POS_W*Z +: POS_W] == POS_W'(q))
        f_mss = w_opt[8*(OPT*Z+q+2) +: 16];
    for (int q = 0; q + 3 <= OPT; q++)
      if (w_ws_pos[POS_W*Z +: POS_W] == POS_W'(q)) f_ws = w_opt[8*(OPT*Z+q+2) +: 8];
    for (int q = 0; q + 10 <= OPT; q++) begin
      if (w_ts_pos[POS_W*Z +: POS_W] == POS_W'(q)) begin
        f_tsval = w_opt[8*(OPT*Z+q+2) +: 32];
        f_tsecr = w_opt[8*(OPT*Z+q+6) +: 32];
      end
    end
    f_unk = w_unk[UNK_W*Z +: UNK_W] > UNK_W'(tcpoe_wire_pkg::RX_DESC_OPT_UNKNOWN_MAX)
          ? 4'(tcpoe_wire_pkg::RX_DESC_OPT_UNKNOWN_MAX) : w_unk[UNK_W*Z +: 4];

    f_desc = w_desc[DESC_W*Z +: DESC_W];
    if (f_ok) begin
      if (w_mss_f[Z]) f_desc[8*tcpoe_wire_pkg::RX_DESC_OPT_MSS_OFF +: 16] = f_mss;
      if (w_ws_f[Z])  f_desc[8*tcpoe_wire_pkg::RX_DESC_OPT_WINDOW_SCALE_OFF +: 8] = f_ws;
      if (w_ts_f[Z]) begin
        f_desc[8*tcpoe_wire_pkg::RX_DESC_OPT_TS_VAL_OFF +: 32] = f_tsval;
        f_desc[8*tcpoe_wire_pkg::RX_DESC_OPT_TS_ECR_OFF +: 32] = f_tsecr;
      end
      f_desc[8*tcpoe_wire_pkg::RX_DESC_OPT_FOUND_OFF + tcpoe_wire_pkg::RX_DESC_OPT_FOUND_MSS_BIT]
          = w_mss_f[Z];
      f_desc[8*tcpoe_wire_pkg::RX_DESC_OPT_FOUND_OFF + tcpoe_wire_pkg::RX_DESC_OPT_FOUND_WS_BIT]
          = w_ws_f[Z];
      f_desc[8*tcpoe_wire_pkg::RX_DESC_OPT_FOUND_OFF + tcpoe_wire_pkg::RX_DESC_OPT_FOUND_SACK_BIT]
          = w_sack_f[Z];
      f_desc[8*tcpoe_wire_pkg::RX_DESC_OPT_FOUND_OFF + tcpoe_wire_pkg::RX_DESC_OPT_FOUND_TS_BIT]
          = w_ts_f[Z];
      f_desc[8*tcpoe_wire_pkg::RX_DESC_OPT_FOUND_OFF + tcpoe_wire_pkg::RX_DESC_OPT_UNKNOWN_SHIFT
             +: 4] = f_unk;
      f_desc[8*tcpoe_wire_pkg::RX_DESC_PAYLOAD_OFFSET_OFF +: 8] = w_pl_off[8*Z +: 8];
      f_desc[8*tcpoe_wire_pkg::RX_DESC_PAYLOAD_LEN_OFF +: 16]   =  // big-endian
          {w_pl_len[16*Z +: 8], w_pl_len[16*Z+8 +: 8]};
    end
    f_desc[8*tcpoe_wire_pkg::RX_DESC_VERDICT_OFF +: 4] = f_code;
    f_desc[8*tcpoe_wire_pkg::RX_DESC_VERDICT_OFF + tcpoe_wire_pkg::RX_DESC_VERDICT_IP_CHECKED_BIT]
        = w_ip_chk[Z];
    f_desc[8*tcpoe_wire_pkg::RX_DESC_VERDICT_OFF + tcpoe_wire_pkg::RX_DESC_VERDICT_TCP_CHECKED_BIT]
        = f_tcp_chk;
    f_desc[8*tcpoe_wire_pkg::RX_DESC_VERDICT_OFF + tcpoe_wire_pkg::RX_DESC_VERDICT_IP_OK_BIT]
        = w_ip_ok[Z];
    f_desc[8*tcpoe_wire_pkg::RX_DESC_VERDICT_OFF + tcpoe_wire_pkg::RX_DESC_VERDICT_TCP_OK_BIT]
        = f_tcp_ok;
  end

  logic [DESC_W-1:0] fifo_mem [FIFO_DEPTH];
  logic [PTR_W-1:0]  fifo_rd, fifo_wr;

  wire push = w_valid[Z];
  wire pop  = m_desc_tvalid && m_desc_tready;

  always_ff @(posedge clk) begin
    if (push) begin
      fifo_mem[fifo_wr] <= f_desc;
      fifo_wr           <= fifo_wr + 1'b1;
      stat_frames       <= stat_frames + 32'd1;
      stat_malformed    <= stat_malformed + 32'(!f_ok);
      stat_ip_csum_bad  <= stat_ip_csum_bad + 32'(w_ip_chk[Z] && !w_ip_ok[Z]);
      stat_tcp_csum_bad <= stat_tcp_csum_bad + 32'(f_tcp_chk && !f_tcp_ok);
    end
    if (pop) fifo_rd <= fifo_rd + 1'b1;
    fifo_count <= fifo_count + 5'(push) - 5'(pop);
    if (rst) begin
      fifo_rd           <= '0;
      fifo_wr           <= '0;
      fifo_count        <= '0;
      stat_frames       <= '0;
      stat_malformed    <= '0;
      stat_ip_csum_bad  <= '0;
      stat_tcp_csum_bad <= '0;
    end
  end

  assign m_desc_tvalid = fifo_count != 5'd0;
  assign m_desc_tdata  = fifo_mem[fifo_rd];

`ifndef SYNTHESIS
  // The sum and its frame meet in w[CSUM_STAGE]; the engine never refuses.
  always_ff @(posedge clk) begin
    if (!rst) begin
      assert (csum_valid == w_valid[CSUM_STAGE-1])
        else $error("tcp_rx_parser: checksum engine out of step with the header pipeline");
      if (accept)
        assert (csum_ready) else $error("tcp_rx_parser: checksum engine not ready");
    end
  end
`endif

  if (DATA_W != 64 && DATA_W != 128 && DATA_W != 256 && DATA_W != 512) begin : g_bad_width
    $error("tcp_rx_parser: DATA_W must be 64, 128, 256 or 512");
  end

endmodule

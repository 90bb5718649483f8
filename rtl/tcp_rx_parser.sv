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
// TcpRxParser: the same register names; w_<name> of pipeline stage s here is
// w[s].<name> there, and the registers of walk unit k, the struct
// g_walk[k].u_unit.state (tcp_rx_opt_walk_pkg::unit_t), are u[k] there,
// field for field).
// Nothing inside stalls; s_axis_tready falls only when the output queue could
// not hold every frame already inside plus one more.
//
// Where the area goes, and why it is small:
// - the header is kept once (`hdr`), and the decode reads it in the cycle
//   after the last beat; the fixed fields go straight into the output
//   queue's memory (`fix_mem`), and what the last stage needs of the decode
//   waits in small memories (`dec_mem`, `opt_mem`) rather than in pipeline
//   registers;
// - the option area is walked one octet position at a time, 7 positions a
//   cycle (a window), with the position of the next option's start, so each
//   position costs a comparison and a small update rather than a lookup;
//   the MSS and window-scale values are picked up where their options start,
//   only the timestamps value is shifted out at the end;
// - a walk unit (rtl/tcp_rx_opt_walk_unit.sv, one instance per unit, in a
//   chain from the decode to the last stage) keeps a frame for several
//   windows where frames that need the walk cannot come every cycle: one
//   unit for all 6 windows at DATA_W=64, 2 at 128, 3 at 256, 6 (a plain
//   pipeline) at 512. The windows read the option octets in `hdr` while the
//   next frame has not yet overwritten them, copies only where it has;
// - the checksum engine is given only the TCP segment (octets before it and
//   Ethernet padding read as zero), so its sum and the pseudo-header's decide
//   the TCP verdict with one comparison.
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
  // The counters wrap. The simulation harness may preload them, so that a
  // test can prove their width and wrap-around: the public_flat_rw pragmas
  // make the registers writable from the harness; synthesis sees comments.
  // descriptors produced; with a Malformed code; IPv4 checksum judged and
  // wrong; TCP checksum judged and wrong
  output logic [31:0]         stat_frames        /*verilator public_flat_rw*/,
  output logic [31:0]         stat_malformed     /*verilator public_flat_rw*/,
  output logic [31:0]         stat_ip_csum_bad   /*verilator public_flat_rw*/,
  output logic [31:0]         stat_tcp_csum_bad  /*verilator public_flat_rw*/
);

  localparam int BYTES       = DATA_W / 8;
  localparam int LANE_W      = $clog2(BYTES);
  localparam int IP_OFF      = tcpoe_wire_pkg::FRAME_IPV4_OFF;                          // 14
  localparam int TCP_OFF     = tcpoe_wire_pkg::FRAME_TCP_OFF;                           // 34
  localparam int OPT_OFF     = tcpoe_wire_pkg::FRAME_MIN_TCP_FRAME_LEN;                 // 54
  localparam int HDR         = TCP_OFF + tcpoe_wire_pkg::TCP_MAX_HEADER_LEN;            // 94
  localparam int OPT         = tcpoe_wire_pkg::TCP_MAX_HEADER_LEN - tcpoe_wire_pkg::TCP_HEADER_LEN;
  localparam int MIN_FRAME   = tcpoe_wire_pkg::ETH_MIN_FRAME_LEN;                       // 60
  localparam int DESC_W      = 8 * tcpoe_wire_pkg::RX_DESC_LEN;
  // The record in two parts: octets 0..47 (the fixed fields) are written when
  // the frame is decoded, octets 48..63 (options, payload, verdict) at the end.
  localparam int FIX_W       = 8 * tcpoe_wire_pkg::RX_DESC_OPT_MSS_OFF;                 // 384
  localparam int VAR_W       = DESC_W - FIX_W;                                          // 128
  localparam int VAR_OFF     = tcpoe_wire_pkg::RX_DESC_OPT_MSS_OFF;                     // 48
  localparam int STAGES      = 6;   // the frame pipeline: w[0] decode .. w[5]
  // w[CSUM_STAGE] is loaded when tcp_csum's sum shows: w[s] at edge t+1+s, the sum
  // at cycle t+latency (6 at DATA_W=64: w[5]; 4 wider: w[3]); hls: kCsumStage.
  localparam int CSUM_STAGE  = tcp_csum_pkg::latency(DATA_W) - 1;
  localparam int FIFO_DEPTH  = 16;
  localparam int PTR_W       = 4;
  localparam int LEN_W       = 17;  // frame length, saturating
  localparam int POS_W       = tcp_rx_opt_walk_pkg::POS_W;
  localparam int UNK_W       = tcp_rx_opt_walk_pkg::UNK_W;
  localparam int OPT_VALUE_OFF    = tcp_rx_opt_walk_pkg::OPT_VALUE_OFF;
  localparam int OPT_VALUE_OCTETS = OPT - OPT_VALUE_OFF;  // option octets 2..39: the values
  // The option walk (rtl/tcp_rx_opt_walk_unit.sv): window j (walked in cycle
  // t+1+j, the frame's last beat taken at edge t) is positions
  // POS_PER_WINDOW*j .. POS_PER_WINDOW*j+6 (positions 40, 41 lie past every
  // option area). A frame that needs the walk (well-formed as far as check 8
  // and with options: 58 octets or more) comes at most once per SPACING
  // beats, so one walk unit can take a frame for WINDOWS_PER_UNIT
  // consecutive windows: UNITS = WINDOWS / WINDOWS_PER_UNIT units.
  localparam int POS_PER_WINDOW   = tcp_rx_opt_walk_pkg::POS_PER_WINDOW;
  localparam int WINDOWS          = tcp_rx_opt_walk_pkg::WINDOWS;
  localparam int SPACING          = (OPT_OFF + 4 + BYTES - 1) / BYTES;  // 8, 4, 2, 1
  localparam int WINDOWS_PER_UNIT = SPACING >= 6 ? 6 : (SPACING >= 3 ? 3 : SPACING);  // 6, 3, 2, 1
  localparam int UNITS            = WINDOWS / WINDOWS_PER_UNIT;
  localparam int UNIT_W           = tcp_rx_opt_walk_pkg::UNIT_W;
  // Windows FIRST_COPIED_WINDOW on are no longer in hdr when walked (see
  // in_hdr): they read copies.
  localparam int FIRST_COPIED_WINDOW = BYTES == 64 ? 1 : (BYTES == 32 ? 3 : WINDOWS);
  // The option octets 2..39 are still in `hdr` when the last stage reads
  // them (octet 56 is in beat 7) at DATA_W=64; otherwise they wait in opt_mem.
  localparam bit OPT_VALUES_IN_HDR = (OPT_OFF + OPT_VALUE_OFF) / BYTES >= STAGES;
  // dec_mem word: payload offset, payload length, code (checks 1..8), IPv4
  // verdict.
  localparam int DEC_PAYLOAD_OFFSET = 0;
  localparam int DEC_PAYLOAD_LEN    = DEC_PAYLOAD_OFFSET + 8;
  localparam int DEC_CODE           = DEC_PAYLOAD_LEN + 16;
  localparam int DEC_IP_CHECKED     = DEC_CODE + tcpoe_wire_pkg::MALFORMED_W;
  localparam int DEC_IP_OK          = DEC_IP_CHECKED + 1;
  localparam int DEC_W              = DEC_IP_OK + 1;

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

  // Window j's octets are still in `hdr` in cycle t+1+j: the next frame has
  // not yet overwritten them (octet b arrives in beat b / BYTES, and octets
  // from 54 on are not cleared when a frame starts). True for every window
  // at DATA_W 64 and 128, for windows 0..2 at 256 and window 0 at 512; the
  // others read copies taken at the decode and handed from unit to unit.
  // Checks 5 on (and none failing) are made once the IPv4 header is known to
  // be 20 octets long: then its checksum is judged.
  function automatic bit ip_header_judged(input tcpoe_wire_pkg::malformed_e code);
    ip_header_judged = code == tcpoe_wire_pkg::MALFORMED_NONE
                       || code >= tcpoe_wire_pkg::MALFORMED_IP_TOTAL_LEN;
  endfunction

  function automatic bit in_hdr(input int j);
    in_hdr = (OPT_OFF + POS_PER_WINDOW * j) / BYTES >= j;
  endfunction

  // ================================================================ input
  logic [3:0]        in_beat;   // beat index in the frame, saturating at 15
  logic [LEN_W-1:0]  in_bytes;  // octets before this beat, saturating
  logic [8*HDR-1:0]  hdr;       // octets 0..93 of the frame; 0..53 zero past its end
  logic [7:0]        lanes;
  logic [LEN_W:0]    len_sum;
  logic [LEN_W-1:0]  n_len;
  logic [4:0]        fifo_count;
  logic [3:0]        inflight;
  logic              fa_valid;
  logic [STAGES-1:0]     w_valid;

  always_comb begin
    inflight = 4'(fa_valid);
    for (int s = 0; s < STAGES; s++) inflight = inflight + 4'(w_valid[s]);
    s_axis_tready = (5'(FIFO_DEPTH) - fifo_count) > 5'(inflight);
  end

  wire accept    = s_axis_tvalid && s_axis_tready;
  wire frame_end = accept && s_axis_tlast;

  always_comb begin
    lanes = '0;
    for (int l = 0; l < BYTES; l++) lanes = lanes + 8'(s_axis_tkeep[l]);
    len_sum = {1'b0, in_bytes} + (LEN_W+1)'(lanes);
    n_len   = len_sum[LEN_W] ? {LEN_W{1'b1}} : len_sum[LEN_W-1:0];
  end

  // Octet b arrives in beat b / BYTES. The first beat of a frame clears
  // octets 0..53, so nothing of the previous frame shows through in the
  // fixed fields; the option octets (54 on) are only ever read inside a
  // well-formed frame's option area and stay until overwritten, so the walk
  // can read them while the next frame comes in. The frame's octets 0..53
  // stay in `hdr` until the next beat is taken: the decode reads them in the
  // cycle after the last beat (fa_valid).
  always_ff @(posedge clk) begin
    if (accept) begin
      for (int b = 0; b < HDR; b++) begin
        if (32'(in_beat) == 32'(b / BYTES) && s_axis_tkeep[b % BYTES])
          hdr[8*b +: 8] <= s_axis_tdata[8*(b % BYTES) +: 8];
        else if (32'(in_beat) == 32'(b / BYTES) || (in_beat == 4'd0 && b < OPT_OFF))
          hdr[8*b +: 8] <= 8'h00;  // a lane not kept; the previous frame's octets
      end
      in_beat  <= frame_end ? 4'd0 : (in_beat == 4'd15 ? in_beat : in_beat + 4'd1);
      in_bytes <= frame_end ? '0 : n_len;
    end
    if (rst) begin
      in_beat  <= '0;
      in_bytes <= '0;
    end
  end

  // ---------------------------------------------------------------- checksum engine
  // It sums the TCP segment only: octets 0..33 and the Ethernet padding (from
  // octet 14 + total length up to octet 59; a frame with padding is at most
  // 60 octets long whenever the TCP checksum is judged) read as zero. The
  // total length (octets 16..17) is in this beat or already in hdr. The
  // engine is always ready: its result queue is drained every cycle.
  logic [DATA_W-1:0]  csum_data;
  logic               csum_ready, csum_valid;
  logic [15:0]        csum_sum;
  logic [15:0]        tl_now;
  logic [6:0]         seg_end;   // 14 + total length, when below 64
  logic [LANE_W+3:0]  idx;

  always_comb begin
    for (int i = 0; i < 2; i++) begin
      if (32'(in_beat) == 32'((IP_TLEN + i) / BYTES))
        tl_now[8*(1-i) +: 8] = s_axis_tkeep[(IP_TLEN + i) % BYTES]
                             ? s_axis_tdata[8*((IP_TLEN + i) % BYTES) +: 8] : 8'h00;
      else
        tl_now[8*(1-i) +: 8] = hdr[8*(IP_TLEN + i) +: 8];
    end
    seg_end = 7'(tl_now[5:0]) + 7'(IP_OFF);
    for (int l = 0; l < BYTES; l++) begin
      idx = {in_beat, LANE_W'(l)};
      if (idx < (LANE_W+4)'(TCP_OFF)
          || (idx < (LANE_W+4)'(MIN_FRAME) && tl_now[15:6] == 10'd0
              && (LANE_W+4)'(seg_end) <= idx))
        csum_data[8*l +: 8] = 8'h00;
      else
        csum_data[8*l +: 8] = s_axis_tdata[8*l +: 8];
    end
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
  logic [LEN_W-1:0] fa_len;

  always_ff @(posedge clk) begin
    if (frame_end) fa_len <= n_len;
    fa_valid <= frame_end;
    if (rst) fa_valid <= 1'b0;
  end

  // ================================================================ fa -> w[0]: decode
  logic [15:0]       ethertype, tl, fragw;
  logic [3:0]        version, ihl, doff;
  logic [7:0]        proto;
  logic [LEN_W:0]    tl_end;
  logic [6:0]        doff_end;  // 20 + 4 x data offset
  tcpoe_wire_pkg::malformed_e d_code;
  logic              d_ip_chk, d_ip_ok;
  logic [17:0]       sd_acc;    // the addresses' words, shared by both sums
  logic [19:0]       ip_acc;
  logic [18:0]       ps_acc;
  logic [16:0]       ps_t;
  logic [15:0]       d_p16;     // pseudo-header sum, folded
  logic [7:0]        d_pl_off;
  logic [15:0]       d_pl_len;
  logic [FIX_W-1:0]  d_fix;
  logic [DEC_W-1:0]   d_dm;

  always_comb begin
    ethertype = {hdr[8*ETHERTYPE +: 8], hdr[8*(ETHERTYPE+1) +: 8]};
    version   = hdr[8*IP_VIHL + 4 +: 4];
    ihl       = hdr[8*IP_VIHL +: 4];
    tl        = {hdr[8*IP_TLEN +: 8], hdr[8*(IP_TLEN+1) +: 8]};
    fragw     = {hdr[8*IP_FRAG +: 8], hdr[8*(IP_FRAG+1) +: 8]};
    proto     = hdr[8*IP_PROTO +: 8];
    doff      = hdr[8*T_DOFF + 4 +: 4];
    tl_end    = (LEN_W+1)'(tl) + (LEN_W+1)'(IP_OFF);
    doff_end  = 7'(tcpoe_wire_pkg::IPV4_HEADER_LEN) + 7'({doff, 2'b00});

    // The Malformed checks, in code order: the first that applies. (Check 8
    // is parse_frame's "segment below 20, data offset below 5 or past the
    // segment", written for a total length of at least 20, which check 5
    // has made sure of.)
    if (fa_len < LEN_W'(tcpoe_wire_pkg::FRAME_MIN_TCP_FRAME_LEN))
      d_code = tcpoe_wire_pkg::MALFORMED_SHORT_FRAME;
    else if (ethertype != 16'(tcpoe_wire_pkg::ETH_ETHERTYPE_IPV4)
             || version != 4'(tcpoe_wire_pkg::IPV4_VERSION_4))
      d_code = tcpoe_wire_pkg::MALFORMED_NOT_IPV4;
    else if (ihl < 4'd5)
      d_code = tcpoe_wire_pkg::MALFORMED_IP_HEADER_LEN;
    else if (ihl > 4'd5)
      d_code = tcpoe_wire_pkg::MALFORMED_IP_OPTIONS;
    else if (tl < 16'(tcpoe_wire_pkg::IPV4_HEADER_LEN) || tl_end > (LEN_W+1)'(fa_len)
             || (tl_end < (LEN_W+1)'(fa_len) && fa_len > LEN_W'(MIN_FRAME)))
      d_code = tcpoe_wire_pkg::MALFORMED_IP_TOTAL_LEN;
    else if (fragw[tcpoe_wire_pkg::IPV4_MORE_FRAGS_SHIFT] || fragw[12:0] != 13'd0)
      d_code = tcpoe_wire_pkg::MALFORMED_FRAGMENT;
    else if (proto != 8'(tcpoe_wire_pkg::IPV4_PROTOCOL_TCP))
      d_code = tcpoe_wire_pkg::MALFORMED_NOT_TCP;
    else if (doff < 4'd5 || tl < 16'(doff_end))
      d_code = tcpoe_wire_pkg::MALFORMED_TCP_DATA_OFFSET;
    else
      d_code = tcpoe_wire_pkg::MALFORMED_NONE;

    // Both sums are judged modulo 0xffff (ones' complement): a sum whose
    // folded value is 0xffff. The IPv4 header (judged once it is known to be
    // 20 octets; never all zero then: version 4) sums to 0xffff when its
    // 20-bit total H:L has L = 0xffff - H.
    sd_acc = 18'({hdr[8*IP_SRC +: 8], hdr[8*(IP_SRC+1) +: 8]})
           + 18'({hdr[8*(IP_SRC+2) +: 8], hdr[8*(IP_SRC+3) +: 8]})
           + 18'({hdr[8*IP_DST +: 8], hdr[8*(IP_DST+1) +: 8]})
           + 18'({hdr[8*(IP_DST+2) +: 8], hdr[8*(IP_DST+3) +: 8]});
    ip_acc = 20'(sd_acc);
    for (int i = 0; i < 6; i++)
      ip_acc = ip_acc + 20'({hdr[8*(IP_OFF+2*i) +: 8], hdr[8*(IP_OFF+2*i+1) +: 8]});
    d_ip_chk = ip_header_judged(d_code);
    d_ip_ok  = d_ip_chk && ip_acc[15:0] == {12'hFFF, ~ip_acc[19:16]};

    // The pseudo-header: addresses, protocol 6, segment length total - 20;
    // 6 - 20 = -14 = 0xfff1 modulo 0xffff. Folded to 16 bits, never zero.
    ps_acc = 19'(sd_acc) + 19'(tl) + 19'(16'hFFF1);
    ps_t   = 17'(ps_acc[15:0]) + 17'(ps_acc[18:16]);
    d_p16  = ps_t[15:0] + 16'(ps_t[16]);

    d_pl_off = 8'(TCP_OFF) + 8'({doff, 2'b00});
    d_pl_len = tl - 16'(doff_end);

    // The fixed fields, placed in the record. Multi-octet fields are
    // big-endian there, as in the frame: their octets are copied in order.
    d_fix = '0;
    for (int i = 0; i < 6; i++) begin
      d_fix[8*(tcpoe_wire_pkg::RX_DESC_ETH_DST_OFF+i) +: 8] = hdr[8*(tcpoe_wire_pkg::ETH_DST_OFF+i) +: 8];
      d_fix[8*(tcpoe_wire_pkg::RX_DESC_ETH_SRC_OFF+i) +: 8] = hdr[8*(tcpoe_wire_pkg::ETH_SRC_OFF+i) +: 8];
    end
    for (int i = 0; i < 2; i++) begin
      d_fix[8*(tcpoe_wire_pkg::RX_DESC_ETHERTYPE_OFF+i) +: 8]    = hdr[8*(ETHERTYPE+i) +: 8];
      d_fix[8*(tcpoe_wire_pkg::RX_DESC_IP_TOTAL_LEN_OFF+i) +: 8] = hdr[8*(IP_TLEN+i) +: 8];
      d_fix[8*(tcpoe_wire_pkg::RX_DESC_IP_IDENT_OFF+i) +: 8]     = hdr[8*(IP_IDENT+i) +: 8];
      d_fix[8*(tcpoe_wire_pkg::RX_DESC_TCP_SRC_PORT_OFF+i) +: 8] = hdr[8*(T_SPORT+i) +: 8];
      d_fix[8*(tcpoe_wire_pkg::RX_DESC_TCP_DST_PORT_OFF+i) +: 8] = hdr[8*(T_DPORT+i) +: 8];
      d_fix[8*(tcpoe_wire_pkg::RX_DESC_TCP_WINDOW_OFF+i) +: 8]   = hdr[8*(T_WIN+i) +: 8];
      d_fix[8*(tcpoe_wire_pkg::RX_DESC_TCP_URGENT_OFF+i) +: 8]   = hdr[8*(T_URG+i) +: 8];
    end
    for (int i = 0; i < 4; i++) begin
      d_fix[8*(tcpoe_wire_pkg::RX_DESC_IP_SRC_OFF+i) +: 8]  = hdr[8*(IP_SRC+i) +: 8];
      d_fix[8*(tcpoe_wire_pkg::RX_DESC_IP_DST_OFF+i) +: 8]  = hdr[8*(IP_DST+i) +: 8];
      d_fix[8*(tcpoe_wire_pkg::RX_DESC_TCP_SEQ_OFF+i) +: 8] = hdr[8*(T_SEQ+i) +: 8];
      d_fix[8*(tcpoe_wire_pkg::RX_DESC_TCP_ACK_OFF+i) +: 8] = hdr[8*(T_ACK+i) +: 8];
    end
    d_fix[8*tcpoe_wire_pkg::RX_DESC_IP_TOS_OFF +: 8] = hdr[8*IP_TOS +: 8];
    d_fix[8*tcpoe_wire_pkg::RX_DESC_IP_TTL_OFF +: 8] = hdr[8*IP_TTL +: 8];
    d_fix[8*tcpoe_wire_pkg::RX_DESC_IP_FLAGS_OFF + tcpoe_wire_pkg::RX_DESC_IP_FLAG_DF_BIT] =
        fragw[tcpoe_wire_pkg::IPV4_DONT_FRAG_SHIFT];
    d_fix[8*tcpoe_wire_pkg::RX_DESC_IP_FLAGS_OFF + tcpoe_wire_pkg::RX_DESC_IP_FLAG_MF_BIT] =
        fragw[tcpoe_wire_pkg::IPV4_MORE_FRAGS_SHIFT];
    d_fix[8*tcpoe_wire_pkg::RX_DESC_IP_FLAGS_OFF + tcpoe_wire_pkg::RX_DESC_IP_FLAG_RESERVED_BIT] =
        fragw[tcpoe_wire_pkg::IPV4_RESERVED_FLAG_SHIFT];
    d_fix[8*tcpoe_wire_pkg::RX_DESC_IP_PROTOCOL_OFF +: 8]     = proto;
    d_fix[8*tcpoe_wire_pkg::RX_DESC_TCP_DATA_OFFSET_OFF +: 8] =
        {hdr[8*T_DOFF +: 4], doff};  // [3:0] data offset, [7:4] reserved bits
    d_fix[8*tcpoe_wire_pkg::RX_DESC_TCP_FLAGS_OFF +: 8]    = hdr[8*(T_DOFF+1) +: 8];

    // What the last stage needs of the decode.
    d_dm = {d_ip_ok, d_ip_chk, d_code, d_pl_len, d_pl_off};
  end

  // ================================================================ the option walk
  // Unit u (rtl/tcp_rx_opt_walk_unit.sv) walks windows u * WINDOWS_PER_UNIT
  // .. u * WINDOWS_PER_UNIT + WINDOWS_PER_UNIT - 1 of a frame, one per cycle:
  // it takes the frame from unit u-1 (from the decode for unit 0) the cycle
  // after that one's `fin`, and holds its state for unit u+1 and, the last
  // unit, for the last stage (t+7), which it reaches before the next frame
  // can come. The units' registers (tcp_rx_opt_walk_pkg::unit_t, struct Unit
  // of the C++ reference) are carried flat, unit u's at
  // walk_chain[UNIT_W*(u+1) +: UNIT_W]; at [0 +: UNIT_W] what the decode
  // hands to unit 0.
  logic                        claim;       // the decoded frame needs the walk
  tcp_rx_opt_walk_pkg::unit_t  walk_start;  // the decoded frame, to unit 0
  // The last unit: the walk's result (its findings; not its copies).
  /* verilator lint_off UNUSEDSIGNAL */
  tcp_rx_opt_walk_pkg::unit_t  walk_end;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [UNIT_W*(UNITS+1)-1:0] walk_chain;

  always_comb begin
    claim = fa_valid && (WINDOWS_PER_UNIT == 1
                         || (d_code == tcpoe_wire_pkg::MALFORMED_NONE && doff > 4'd5));
    walk_start      = '0;
    walk_start.fin  = claim;
    walk_start.doff = doff;
    walk_start.opt  = hdr[8*OPT_OFF +: 8*OPT];
  end
  assign walk_chain[0 +: UNIT_W] = walk_start;
  assign walk_end = walk_chain[UNIT_W*UNITS +: UNIT_W];

  for (genvar u = 0; u < UNITS; u++) begin : g_walk
    tcp_rx_opt_walk_unit #(
      .UNIT               (u),
      .WINDOWS_PER_UNIT   (WINDOWS_PER_UNIT),
      .FIRST_COPIED_WINDOW(FIRST_COPIED_WINDOW)
    ) u_unit (
      .clk    (clk),
      .rst    (rst),
      .hdr_opt(hdr[8*OPT_OFF +: 8*OPT]),
      .prev   (walk_chain[UNIT_W*u +: UNIT_W]),
      .state  (walk_chain[UNIT_W*(u+1) +: UNIT_W])
    );
  end

  // ================================================================ w[0..5]: the frame pipeline
  logic [STAGES-1:0]          w_walked;   // the frame went through the walk units
  logic [16*STAGES-1:0]       w_p16;      // the pseudo-header sum, up to w[CSUM_STAGE-1]
  logic [STAGES-1:0]          w_tsum_ok;  // from w[CSUM_STAGE]: segment + pseudo-header = 0xffff

  always_ff @(posedge clk) begin
    w_valid[0]     <= fa_valid;
    w_walked[0]    <= claim;
    w_p16[0 +: 16] <= d_p16;
    w_tsum_ok[0]   <= 1'b0;
    for (int s = 1; s < STAGES; s++) begin
      w_valid[s]  <= w_valid[s-1];
      w_walked[s] <= w_walked[s-1];
      w_p16[16*s +: 16] <= s < CSUM_STAGE ? w_p16[16*(s-1) +: 16] : 16'h0000;
      // The TCP verdict's sums meet in w[CSUM_STAGE].
      if (s == CSUM_STAGE)
        w_tsum_ok[s] <= csum_sum == ~w_p16[16*(s-1) +: 16]
                        || (csum_sum == 16'hFFFF && w_p16[16*(s-1) +: 16] == 16'hFFFF);
      else
        w_tsum_ok[s] <= s > CSUM_STAGE ? w_tsum_ok[s-1] : 1'b0;
    end
    if (rst) w_valid <= '0;
  end

  // ================================================================ w[5] -> final -> queue
  localparam int LAST_STAGE  = STAGES - 1;
  localparam int TS_W = 8;      // timestamps value: TSval, TSecr
  logic [DEC_W-1:0]     dm;            // dec_mem of the frame at the end
  tcpoe_wire_pkg::malformed_e dm_code;  // its code
  logic [8*OPT_VALUE_OCTETS-1:0]     opt_values;            // its option octets 2..39
  tcpoe_wire_pkg::malformed_e f_code;
  logic                f_ok, f_tcp_chk, f_tcp_ok;
  logic                f_bad, f_mss_f, f_ws_f, f_sack_f, f_ts_f;
  logic [VAR_W-1:0]    f_var;
  // The timestamps value: octets 2..9 of the option at the recorded
  // position, in frame order (the record is big-endian like the option),
  // picked by a shifter that halves the candidates per position bit.
  logic [8*(OPT_VALUE_OCTETS+16)-1:0] sh_ts;
  logic [3:0]          f_unk;

  logic [DEC_W-1:0]     dec_mem [FIFO_DEPTH];
  logic [FIX_W-1:0]    fix_mem [FIFO_DEPTH];
  logic [VAR_W-1:0]    var_mem [FIFO_DEPTH];
  logic [PTR_W-1:0]    fifo_rd, fifo_wr, fix_wr;

  assign dm = dec_mem[fifo_wr];
  // The code's bits as the decode stored them (d_code): one of the names.
  /* verilator lint_off ENUMVALUE */
  assign dm_code = dm[DEC_CODE +: tcpoe_wire_pkg::MALFORMED_W];
  /* verilator lint_on ENUMVALUE */

  if (OPT_VALUES_IN_HDR) begin : g_opt_values_hdr
    assign opt_values = hdr[8*(OPT_OFF+OPT_VALUE_OFF) +: 8*OPT_VALUE_OCTETS];
  end else begin : g_opt_values_mem
    logic [8*OPT_VALUE_OCTETS-1:0] opt_mem [FIFO_DEPTH];
    always_ff @(posedge clk)
      if (fa_valid) opt_mem[fix_wr] <= hdr[8*(OPT_OFF+OPT_VALUE_OFF) +: 8*OPT_VALUE_OCTETS];
    assign opt_values = opt_mem[fifo_wr];
  end

  always_comb begin
    // A frame that did not go through the walk has no options to report.
    f_bad    = w_walked[LAST_STAGE] && walk_end.bad;
    f_mss_f  = w_walked[LAST_STAGE] && walk_end.mss_f;
    f_ws_f   = w_walked[LAST_STAGE] && walk_end.ws_f;
    f_sack_f = w_walked[LAST_STAGE] && walk_end.sack_f;
    f_ts_f   = w_walked[LAST_STAGE] && walk_end.ts_f;
    f_unk    = !w_walked[LAST_STAGE] ? 4'd0
             : walk_end.unk > UNK_W'(tcpoe_wire_pkg::RX_DESC_OPT_UNKNOWN_MAX)
             ? 4'(tcpoe_wire_pkg::RX_DESC_OPT_UNKNOWN_MAX) : walk_end.unk[3:0];

    f_code = dm_code != tcpoe_wire_pkg::MALFORMED_NONE ? dm_code
           : (f_bad ? tcpoe_wire_pkg::MALFORMED_TCP_OPTION : tcpoe_wire_pkg::MALFORMED_NONE);
    f_ok      = f_code == tcpoe_wire_pkg::MALFORMED_NONE;
    f_tcp_chk = f_ok || f_code == tcpoe_wire_pkg::MALFORMED_TCP_DATA_OFFSET
                     || f_code == tcpoe_wire_pkg::MALFORMED_TCP_OPTION;
    f_tcp_ok  = f_tcp_chk && w_tsum_ok[LAST_STAGE];

    // Timestamps options that fit the area start at 30 or before.
    sh_ts = (8*(OPT_VALUE_OCTETS+16))'(opt_values);
    for (int k = POS_W - 2; k >= 0; k--) begin
      for (int j = 0; j + (1 << k) < OPT_VALUE_OCTETS + 16; j++)
        if (walk_end.ts_pos[k]) sh_ts[8*j +: 8] = sh_ts[8*(j + (1 << k)) +: 8];
    end

    f_var = '0;
    if (f_ok) begin
      if (f_mss_f)
        f_var[8*(tcpoe_wire_pkg::RX_DESC_OPT_MSS_OFF - VAR_OFF) +: 16] =  // big-endian
            {walk_end.mss[7:0], walk_end.mss[15:8]};
      if (f_ws_f)
        f_var[8*(tcpoe_wire_pkg::RX_DESC_OPT_WINDOW_SCALE_OFF - VAR_OFF) +: 8] =
            walk_end.ws;
      if (f_ts_f)
        f_var[8*(tcpoe_wire_pkg::RX_DESC_OPT_TS_VAL_OFF - VAR_OFF) +: 8*TS_W] = sh_ts[0 +: 8*TS_W];
      f_var[8*(tcpoe_wire_pkg::RX_DESC_OPT_FOUND_OFF - VAR_OFF)
            + tcpoe_wire_pkg::RX_DESC_OPT_FOUND_MSS_BIT] = f_mss_f;
      f_var[8*(tcpoe_wire_pkg::RX_DESC_OPT_FOUND_OFF - VAR_OFF)
            + tcpoe_wire_pkg::RX_DESC_OPT_FOUND_WS_BIT] = f_ws_f;
      f_var[8*(tcpoe_wire_pkg::RX_DESC_OPT_FOUND_OFF - VAR_OFF)
            + tcpoe_wire_pkg::RX_DESC_OPT_FOUND_SACK_BIT] = f_sack_f;
      f_var[8*(tcpoe_wire_pkg::RX_DESC_OPT_FOUND_OFF - VAR_OFF)
            + tcpoe_wire_pkg::RX_DESC_OPT_FOUND_TS_BIT] = f_ts_f;
      f_var[8*(tcpoe_wire_pkg::RX_DESC_OPT_FOUND_OFF - VAR_OFF)
            + tcpoe_wire_pkg::RX_DESC_OPT_UNKNOWN_SHIFT +: 4] = f_unk;
      f_var[8*(tcpoe_wire_pkg::RX_DESC_PAYLOAD_OFFSET_OFF - VAR_OFF) +: 8] =
          dm[DEC_PAYLOAD_OFFSET +: 8];
      f_var[8*(tcpoe_wire_pkg::RX_DESC_PAYLOAD_LEN_OFF - VAR_OFF) +: 16] =  // big-endian
          {dm[DEC_PAYLOAD_LEN +: 8], dm[DEC_PAYLOAD_LEN + 8 +: 8]};
    end
    f_var[8*(tcpoe_wire_pkg::RX_DESC_VERDICT_OFF - VAR_OFF) +: tcpoe_wire_pkg::MALFORMED_W] = f_code;
    f_var[8*(tcpoe_wire_pkg::RX_DESC_VERDICT_OFF - VAR_OFF)
          + tcpoe_wire_pkg::RX_DESC_VERDICT_IP_CHECKED_BIT] = dm[DEC_IP_CHECKED];
    f_var[8*(tcpoe_wire_pkg::RX_DESC_VERDICT_OFF - VAR_OFF)
          + tcpoe_wire_pkg::RX_DESC_VERDICT_TCP_CHECKED_BIT] = f_tcp_chk;
    f_var[8*(tcpoe_wire_pkg::RX_DESC_VERDICT_OFF - VAR_OFF)
          + tcpoe_wire_pkg::RX_DESC_VERDICT_IP_OK_BIT] = dm[DEC_IP_OK];
    f_var[8*(tcpoe_wire_pkg::RX_DESC_VERDICT_OFF - VAR_OFF)
          + tcpoe_wire_pkg::RX_DESC_VERDICT_TCP_OK_BIT] = f_tcp_ok;
  end

  // ---------------------------------------------------------------- the output queue
  // Frame n owns slot n mod 16 from its decode until its descriptor is
  // taken: fix_mem, dec_mem (and opt_mem) are written then (at fix_wr),
  // var_mem when the frame leaves w[5] (at fifo_wr). s_axis_tready keeps the
  // frames in the queue plus those inside at 16 or fewer, so a slot is never
  // written while it still holds a descriptor not yet taken.
  wire push = w_valid[LAST_STAGE];
  wire pop  = m_desc_tvalid && m_desc_tready;

  always_ff @(posedge clk) begin
    if (fa_valid) begin
      fix_mem[fix_wr] <= d_fix;
      dec_mem[fix_wr] <= d_dm;
      fix_wr          <= fix_wr + 1'b1;
    end
    if (push) begin
      var_mem[fifo_wr]  <= f_var;
      fifo_wr           <= fifo_wr + 1'b1;
      stat_frames       <= stat_frames + 32'd1;
      stat_malformed    <= stat_malformed + 32'(!f_ok);
      stat_ip_csum_bad  <= stat_ip_csum_bad + 32'(dm[DEC_IP_CHECKED] && !dm[DEC_IP_OK]);
      stat_tcp_csum_bad <= stat_tcp_csum_bad + 32'(f_tcp_chk && !f_tcp_ok);
    end
    if (pop) fifo_rd <= fifo_rd + 1'b1;
    fifo_count <= fifo_count + 5'(push) - 5'(pop);
    if (rst) begin
      fifo_rd           <= '0;
      fifo_wr           <= '0;
      fix_wr            <= '0;
      fifo_count        <= '0;
      stat_frames       <= '0;
      stat_malformed    <= '0;
      stat_ip_csum_bad  <= '0;
      stat_tcp_csum_bad <= '0;
    end
  end

  assign m_desc_tvalid = fifo_count != 5'd0;
  assign m_desc_tdata  = {var_mem[fifo_rd], fix_mem[fifo_rd]};

`ifndef SYNTHESIS
  // The sum and its frame meet in w[CSUM_STAGE]; the engine never refuses.
  // (A walk unit checks that it is free when a frame comes to it.)
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
  // A unit keeps a frame for WINDOWS_PER_UNIT windows: no longer than
  // frames needing the walk are apart; copies exactly for the windows hdr no
  // longer holds.
  if (WINDOWS_PER_UNIT > SPACING || UNITS * WINDOWS_PER_UNIT != WINDOWS
      || OPT != tcp_rx_opt_walk_pkg::OPT_OCTETS
      || POS_PER_WINDOW * WINDOWS < OPT + 2 || !in_hdr(FIRST_COPIED_WINDOW - 1)
      || (FIRST_COPIED_WINDOW < WINDOWS && in_hdr(FIRST_COPIED_WINDOW))) begin : g_bad_walk
    $error("tcp_rx_parser: the walk units do not fit this DATA_W");
  end

endmodule

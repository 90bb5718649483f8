// The header octets of the frame a TX descriptor describes (combinational):
// Ethernet II, IPv4 (no options), TCP with its options laid out as Linux lays
// them out on a SYN, and the lengths. Octet i of the frame is hdr[8i+7:8i].
// Both checksum fields are zero: the builder inserts them as the beats that
// carry them leave. Octets past the header are don't-care (they are never
// sent): each 4-octet option slot holds the one block that can appear there,
// chosen with as few conditions as possible.
//
// The descriptor record is wire/include/tcpoe/wire/tx_descriptor.h, octet i at
// desc[8i+7:8i]. Both are in lane order, so a multi-octet big-endian field
// moves from the record to the header as one part-select. Octets 56..63 of
// the record are reserved, so the port takes octets 0..55.
// The C++ twin is TcpTxBuilder::assemble() in hls/builder/tcp_tx_builder.h.
module tcp_tx_hdr_assemble #(
  parameter int PAYLOAD_DEPTH = 2048,  // largest payload_len accepted, octets
  // Octets 0..55 of the record (the rest is reserved).
  localparam int DESC_BITS = 8 * (tcpoe_wire_pkg::TX_DESC_STREAM_OPT_LEN_OFF + 1),
  // The longest option area of the layout: MSS, NOP NOP TS, NOP WS (20
  // octets); the longest header this builder makes, 74 octets.
  localparam int OPT_MAX   = tcpoe_wire_pkg::TCP_OPT_MSS_LEN + 2 + tcpoe_wire_pkg::TCP_OPT_TIMESTAMPS_LEN
                           + 1 + tcpoe_wire_pkg::TCP_OPT_WINDOW_SCALE_LEN,
  localparam int HDR_BITS  = 8 * (tcpoe_wire_pkg::FRAME_MIN_TCP_FRAME_LEN + OPT_MAX)
) (
  input  logic [DESC_BITS-1:0] desc,
  output logic [HDR_BITS-1:0]  hdr,
  output logic [2:0]           opt_words,  // option length / 4 (0..5): the header is 54 + 4 * this
  output logic [15:0]          plen,
  output logic                 bad         // window scale above 14, payload_len above PAYLOAD_DEPTH,
                                           // or stream options not whole words within the payload
                                           // and the 60-octet header
);

  localparam int IP  = tcpoe_wire_pkg::FRAME_IPV4_OFF;
  localparam int TC  = tcpoe_wire_pkg::FRAME_TCP_OFF;
  localparam int OPT = TC + tcpoe_wire_pkg::TCP_HEADER_LEN;
  localparam logic [15:0] ETHERTYPE = 16'(tcpoe_wire_pkg::ETH_ETHERTYPE_IPV4);
  localparam logic [7:0]  NOP = 8'(tcpoe_wire_pkg::TCP_OPT_NOP);

  // Octet `off` of the descriptor, and `n` octets from it.
  `define TXD(off, n) desc[8*(off) +: 8*(n)]

  logic [7:0]   opt_flags, shift, tcp_flags, stream_opt;
  logic         df, has_mss, has_ws, has_sack, has_ts;
  logic [5:0]   tcp_hlen;
  logic [15:0]  total_len;
  // The option blocks, 4 octets each, octet 0 in bits 7:0.
  logic [31:0]  mss_blk, ts0_blk, ts1_blk, ts2_blk, ws_blk, sack_blk;
  logic [8*OPT_MAX-1:0] opt;   // slot s (4 octets) at [32s+31:32s]

  always_comb begin
    opt_flags = `TXD(tcpoe_wire_pkg::TX_DESC_OPT_FLAGS_OFF, 1);
    shift     = `TXD(tcpoe_wire_pkg::TX_DESC_WINDOW_SCALE_OFF, 1);
    tcp_flags = `TXD(tcpoe_wire_pkg::TX_DESC_TCP_FLAGS_OFF, 1);
    // Option octets at the head of the payload packet (SACK blocks): in
    // the data offset, and in plen with the payload.
    stream_opt = `TXD(tcpoe_wire_pkg::TX_DESC_STREAM_OPT_LEN_OFF, 1);
    plen      = {`TXD(tcpoe_wire_pkg::TX_DESC_PAYLOAD_LEN_OFF, 1),
                 `TXD(tcpoe_wire_pkg::TX_DESC_PAYLOAD_LEN_OFF + 1, 1)};
    df        = opt_flags[tcpoe_wire_pkg::TX_DESC_OPT_DF_BIT];
    has_mss   = opt_flags[tcpoe_wire_pkg::TX_DESC_OPT_MSS_BIT];
    has_ws    = opt_flags[tcpoe_wire_pkg::TX_DESC_OPT_WS_BIT];
    has_sack  = opt_flags[tcpoe_wire_pkg::TX_DESC_OPT_SACK_BIT];
    has_ts    = opt_flags[tcpoe_wire_pkg::TX_DESC_OPT_TS_BIT];

    // Linux's SYN layout (tcp_options_write()), in 4-octet blocks: MSS;
    // SACK_PERM or NOP NOP, then TS (three blocks); NOP NOP SACK_PERM when
    // there is no TS to pair with; NOP WS.
    opt_words = 3'(has_mss) + (has_ts ? 3'd3 : 3'd0) + 3'(has_ws) + 3'(has_sack && !has_ts);
    tcp_hlen  = 6'(tcpoe_wire_pkg::TCP_HEADER_LEN) + {1'b0, opt_words, 2'b00};
    bad       = (has_ws && shift > 8'(tcpoe_wire_pkg::TCP_OPT_MAX_WINDOW_SCALE))
             || 32'(plen) > PAYLOAD_DEPTH
             || stream_opt[1:0] != 2'b00 || 16'(stream_opt) > plen
             || 32'(tcp_hlen) + 32'(stream_opt) > tcpoe_wire_pkg::TCP_MAX_HEADER_LEN;

    mss_blk  = {`TXD(tcpoe_wire_pkg::TX_DESC_MSS_OFF, 2),
                8'(tcpoe_wire_pkg::TCP_OPT_MSS_LEN), 8'(tcpoe_wire_pkg::TCP_OPT_MSS)};
    ts0_blk  = {8'(tcpoe_wire_pkg::TCP_OPT_TIMESTAMPS_LEN), 8'(tcpoe_wire_pkg::TCP_OPT_TIMESTAMPS),
                has_sack ? 8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED_LEN) : NOP,
                has_sack ? 8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED) : NOP};
    ts1_blk  = `TXD(tcpoe_wire_pkg::TX_DESC_TSVAL_OFF, 4);
    ts2_blk  = `TXD(tcpoe_wire_pkg::TX_DESC_TSECR_OFF, 4);
    ws_blk   = {shift, 8'(tcpoe_wire_pkg::TCP_OPT_WINDOW_SCALE_LEN),
                8'(tcpoe_wire_pkg::TCP_OPT_WINDOW_SCALE), NOP};
    sack_blk = {8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED_LEN),
                8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED), NOP, NOP};
    // Slot s holds block s of [MSS] [TS0 TS1 TS2] [SACK] [WS] (TS and SACK
    // never both), whenever that block exists; otherwise whatever is cheapest.
    opt[32*0 +: 32] = has_mss ? mss_blk : has_ts ? ts0_blk : has_sack ? sack_blk : ws_blk;
    opt[32*1 +: 32] = has_ts ? (has_mss ? ts0_blk : ts1_blk) : (has_mss && has_sack ? sack_blk : ws_blk);
    opt[32*2 +: 32] = has_ts ? (has_mss ? ts1_blk : ts2_blk) : ws_blk;
    opt[32*3 +: 32] = has_mss ? ts2_blk : ws_blk;
    opt[32*4 +: 32] = ws_blk;

    total_len = 16'(tcpoe_wire_pkg::IPV4_HEADER_LEN) + 16'(tcp_hlen) + plen;

    hdr = '0;
    hdr[8*tcpoe_wire_pkg::ETH_DST_OFF +: 48] = `TXD(tcpoe_wire_pkg::TX_DESC_ETH_DST_OFF, 6);
    hdr[8*tcpoe_wire_pkg::ETH_SRC_OFF +: 48] = `TXD(tcpoe_wire_pkg::TX_DESC_ETH_SRC_OFF, 6);
    hdr[8*tcpoe_wire_pkg::ETH_ETHERTYPE_OFF +: 16] = {ETHERTYPE[7:0], ETHERTYPE[15:8]};
    hdr[8*(IP + tcpoe_wire_pkg::IPV4_VERSION_WORD_OFF) +: 8] =
        8'((tcpoe_wire_pkg::IPV4_VERSION_4 << (tcpoe_wire_pkg::IPV4_VERSION_SHIFT - 8))
         | ((tcpoe_wire_pkg::IPV4_HEADER_LEN / 4) << (tcpoe_wire_pkg::IPV4_IHL_SHIFT - 8)));
    hdr[8*(IP + tcpoe_wire_pkg::IPV4_VERSION_WORD_OFF + 1) +: 8] =
        `TXD(tcpoe_wire_pkg::TX_DESC_TOS_OFF, 1);
    hdr[8*(IP + tcpoe_wire_pkg::IPV4_TOTAL_LEN_OFF) +: 16] = {total_len[7:0], total_len[15:8]};
    hdr[8*(IP + tcpoe_wire_pkg::IPV4_IDENT_OFF) +: 16] = `TXD(tcpoe_wire_pkg::TX_DESC_IDENT_OFF, 2);
    hdr[8*(IP + tcpoe_wire_pkg::IPV4_DONT_FRAG_WORD_OFF) + tcpoe_wire_pkg::IPV4_DONT_FRAG_SHIFT - 8]
        = df;
    hdr[8*(IP + tcpoe_wire_pkg::IPV4_TTL_OFF) +: 8] = `TXD(tcpoe_wire_pkg::TX_DESC_TTL_OFF, 1);
    hdr[8*(IP + tcpoe_wire_pkg::IPV4_PROTOCOL_OFF) +: 8] = 8'(tcpoe_wire_pkg::IPV4_PROTOCOL_TCP);
    hdr[8*(IP + tcpoe_wire_pkg::IPV4_SRC_ADDR_OFF) +: 32] =
        `TXD(tcpoe_wire_pkg::TX_DESC_IP_SRC_OFF, 4);
    hdr[8*(IP + tcpoe_wire_pkg::IPV4_DST_ADDR_OFF) +: 32] =
        `TXD(tcpoe_wire_pkg::TX_DESC_IP_DST_OFF, 4);
    hdr[8*(TC + tcpoe_wire_pkg::TCP_SRC_PORT_OFF) +: 16] =
        `TXD(tcpoe_wire_pkg::TX_DESC_SRC_PORT_OFF, 2);
    hdr[8*(TC + tcpoe_wire_pkg::TCP_DST_PORT_OFF) +: 16] =
        `TXD(tcpoe_wire_pkg::TX_DESC_DST_PORT_OFF, 2);
    hdr[8*(TC + tcpoe_wire_pkg::TCP_SEQ_NUM_OFF) +: 32] = `TXD(tcpoe_wire_pkg::TX_DESC_SEQ_OFF, 4);
    hdr[8*(TC + tcpoe_wire_pkg::TCP_ACK_NUM_OFF) +: 32] = `TXD(tcpoe_wire_pkg::TX_DESC_ACK_OFF, 4);
    // Data offset in the high nibble of the word's first octet, flags in its second.
    hdr[8*(TC + tcpoe_wire_pkg::TCP_DATA_OFFSET_WORD_OFF) +: 8] =
        8'(4'(tcp_hlen[5:2] + stream_opt[5:2])) << (tcpoe_wire_pkg::TCP_DATA_OFFSET_SHIFT - 8);
    hdr[8*(TC + tcpoe_wire_pkg::TCP_FLAGS_WORD_OFF + 1) +: 8] = tcp_flags;
    hdr[8*(TC + tcpoe_wire_pkg::TCP_WINDOW_OFF) +: 16] = `TXD(tcpoe_wire_pkg::TX_DESC_WINDOW_OFF, 2);
    hdr[8*(TC + tcpoe_wire_pkg::TCP_URGENT_PTR_OFF) +: 16] =
        `TXD(tcpoe_wire_pkg::TX_DESC_URGENT_OFF, 2);
    hdr[8*OPT +: 8*OPT_MAX] = opt;
  end

  `undef TXD

endmodule

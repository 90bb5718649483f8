// The header octets of the frame a TX descriptor describes (combinational):
// Ethernet II, IPv4 (no options, checksum zero), TCP with its options laid
// out as Linux lays them out on a SYN (checksum zero), and the lengths.
// Octet i of the frame is hdr[8i+7:8i]; octets past hlen are zero.
//
// The descriptor record is wire/include/tcpoe/wire/tx_descriptor.h, octet i at
// desc[8i+7:8i]. Both are in lane order, so a multi-octet big-endian field
// moves from the record to the header as one part-select.
// The C++ twin is TcpTxBuilder::assemble() in hls/builder/tcp_tx_builder.h.
module tcp_tx_hdr_assemble #(
  parameter int PAYLOAD_DEPTH = 2048  // largest payload_len accepted, octets
) (
  input  logic [511:0]  desc,
  output logic [591:0]  hdr,   // 74 octets: the longest header this builder makes
  output logic [6:0]    hlen,  // 54 + option octets
  output logic [15:0]   plen,
  output logic          bad    // window scale above 14, or payload_len above PAYLOAD_DEPTH
);

  localparam int IP  = tcpoe_wire_pkg::FRAME_IPV4_OFF;
  localparam int TC  = tcpoe_wire_pkg::FRAME_TCP_OFF;
  localparam int OPT = TC + tcpoe_wire_pkg::TCP_HEADER_LEN;

  localparam int MSS_LEN  = tcpoe_wire_pkg::TCP_OPT_MSS_LEN;
  localparam int TS_LEN   = 2 + tcpoe_wire_pkg::TCP_OPT_TIMESTAMPS_LEN;      // with 2 octets before
  localparam int WS_LEN   = 1 + tcpoe_wire_pkg::TCP_OPT_WINDOW_SCALE_LEN;    // NOP WS
  localparam logic [15:0] ETHERTYPE = 16'(tcpoe_wire_pkg::ETH_ETHERTYPE_IPV4);
  localparam int SACK_LEN = 2 + tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED_LEN;  // NOP NOP SACK_PERM

  // Octet `off` of the descriptor, and `n` octets from it.
  `define TXD(off, n) desc[8*(off) +: 8*(n)]

  logic [7:0]   opt_flags, shift, tos, tcp_flags;
  logic         df, has_mss, has_ws, has_sack, has_ts;
  logic [4:0]   off_ts, off_ws, off_sack, opt_len;
  logic [5:0]   tcp_hlen;
  logic [159:0] opt, mss_blk, ts_blk, ws_blk, sack_blk;
  logic [15:0]  total_len;

  always_comb begin
    opt_flags = `TXD(tcpoe_wire_pkg::TX_DESC_OPT_FLAGS_OFF, 1);
    shift     = `TXD(tcpoe_wire_pkg::TX_DESC_WINDOW_SCALE_OFF, 1);
    tos       = `TXD(tcpoe_wire_pkg::TX_DESC_TOS_OFF, 1);
    tcp_flags = `TXD(tcpoe_wire_pkg::TX_DESC_TCP_FLAGS_OFF, 1);
    plen      = {`TXD(tcpoe_wire_pkg::TX_DESC_PAYLOAD_LEN_OFF, 1),
                 `TXD(tcpoe_wire_pkg::TX_DESC_PAYLOAD_LEN_OFF + 1, 1)};
    df        = opt_flags[tcpoe_wire_pkg::TX_DESC_OPT_DF_BIT];
    has_mss   = opt_flags[tcpoe_wire_pkg::TX_DESC_OPT_MSS_BIT];
    has_ws    = opt_flags[tcpoe_wire_pkg::TX_DESC_OPT_WS_BIT];
    has_sack  = opt_flags[tcpoe_wire_pkg::TX_DESC_OPT_SACK_BIT];
    has_ts    = opt_flags[tcpoe_wire_pkg::TX_DESC_OPT_TS_BIT];

    // Linux's SYN layout (tcp_options_write()): MSS; SACK_PERM or NOP NOP,
    // then TS; NOP WS; NOP NOP SACK_PERM when there is no TS to pair with.
    off_ts   = has_mss ? 5'(MSS_LEN) : 5'd0;
    off_ws   = off_ts + (has_ts ? 5'(TS_LEN) : 5'd0);
    off_sack = off_ws + (has_ws ? 5'(WS_LEN) : 5'd0);
    opt_len  = off_sack + (has_sack && !has_ts ? 5'(SACK_LEN) : 5'd0);
    tcp_hlen = 6'(tcpoe_wire_pkg::TCP_HEADER_LEN) + 6'(opt_len);
    hlen     = 7'(TC) + 7'(tcp_hlen);
    bad      = (has_ws && shift > 8'(tcpoe_wire_pkg::TCP_OPT_MAX_WINDOW_SCALE))
            || 32'(plen) > PAYLOAD_DEPTH;

    mss_blk  = '0;
    mss_blk[31:0] = {`TXD(tcpoe_wire_pkg::TX_DESC_MSS_OFF, 2),
                     8'(tcpoe_wire_pkg::TCP_OPT_MSS_LEN), 8'(tcpoe_wire_pkg::TCP_OPT_MSS)};
    ts_blk   = '0;
    ts_blk[95:0] = {`TXD(tcpoe_wire_pkg::TX_DESC_TSECR_OFF, 4),
                    `TXD(tcpoe_wire_pkg::TX_DESC_TSVAL_OFF, 4),
                    8'(tcpoe_wire_pkg::TCP_OPT_TIMESTAMPS_LEN),
                    8'(tcpoe_wire_pkg::TCP_OPT_TIMESTAMPS),
                    has_sack ? 8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED_LEN)
                             : 8'(tcpoe_wire_pkg::TCP_OPT_NOP),
                    has_sack ? 8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED)
                             : 8'(tcpoe_wire_pkg::TCP_OPT_NOP)};
    ws_blk   = '0;
    ws_blk[31:0] = {shift, 8'(tcpoe_wire_pkg::TCP_OPT_WINDOW_SCALE_LEN),
                    8'(tcpoe_wire_pkg::TCP_OPT_WINDOW_SCALE), 8'(tcpoe_wire_pkg::TCP_OPT_NOP)};
    sack_blk = '0;
    sack_blk[31:0] = {8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED_LEN),
                      8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED),
                      8'(tcpoe_wire_pkg::TCP_OPT_NOP), 8'(tcpoe_wire_pkg::TCP_OPT_NOP)};
    opt = (has_mss ? mss_blk : '0)
        | (has_ts ? ts_blk << (8 * off_ts) : '0)
        | (has_ws ? ws_blk << (8 * off_ws) : '0)
        | (has_sack && !has_ts ? sack_blk << (8 * off_sack) : '0);

    total_len = 16'(tcpoe_wire_pkg::IPV4_HEADER_LEN) + 16'(tcp_hlen) + plen;

    hdr = '0;
    hdr[8*tcpoe_wire_pkg::ETH_DST_OFF +: 48] = `TXD(tcpoe_wire_pkg::TX_DESC_ETH_DST_OFF, 6);
    hdr[8*tcpoe_wire_pkg::ETH_SRC_OFF +: 48] = `TXD(tcpoe_wire_pkg::TX_DESC_ETH_SRC_OFF, 6);
    hdr[8*tcpoe_wire_pkg::ETH_ETHERTYPE_OFF +: 16] = {ETHERTYPE[7:0], ETHERTYPE[15:8]};
    hdr[8*(IP + tcpoe_wire_pkg::IPV4_VERSION_WORD_OFF) +: 8] =
        8'((tcpoe_wire_pkg::IPV4_VERSION_4 << (tcpoe_wire_pkg::IPV4_VERSION_SHIFT - 8))
         | ((tcpoe_wire_pkg::IPV4_HEADER_LEN / 4) << (tcpoe_wire_pkg::IPV4_IHL_SHIFT - 8)));
    hdr[8*(IP + tcpoe_wire_pkg::IPV4_VERSION_WORD_OFF + 1) +: 8] = tos;
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
        8'(tcp_hlen[5:2]) << (tcpoe_wire_pkg::TCP_DATA_OFFSET_SHIFT - 8);
    hdr[8*(TC + tcpoe_wire_pkg::TCP_FLAGS_WORD_OFF + 1) +: 8] = tcp_flags;
    hdr[8*(TC + tcpoe_wire_pkg::TCP_WINDOW_OFF) +: 16] = `TXD(tcpoe_wire_pkg::TX_DESC_WINDOW_OFF, 2);
    hdr[8*(TC + tcpoe_wire_pkg::TCP_URGENT_PTR_OFF) +: 16] =
        `TXD(tcpoe_wire_pkg::TX_DESC_URGENT_OFF, 2);
    hdr[8*OPT +: 160] = opt;
  end

  `undef TXD

  // Octets 55..63 of the record are reserved.
  logic unused;
  assign unused = ^{desc[511:8*(tcpoe_wire_pkg::TX_DESC_WINDOW_SCALE_OFF + 1)]};

endmodule

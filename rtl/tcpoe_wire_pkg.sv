// Generated from wire/include/tcpoe/wire/layout.h by wire/gen_sv_pkg.cpp — do not edit.
// Regenerate: <build>/wire/tcpoe_gen_sv_pkg rtl/tcpoe_wire_pkg.sv
//
// Octet offsets are from the start of their header; multi-octet fields are
// big-endian. A *_WORD_OFF/*_SHIFT/*_WIDTH field lives in the big-endian
// 16-bit word at *_WORD_OFF, its least significant bit at *_SHIFT.
package tcpoe_wire_pkg;

  // Every design uses a few of these; Verilator would flag the rest.
  /* verilator lint_off UNUSEDPARAM */

  // Ethernet II header (octet offsets from the frame start)
  localparam int unsigned ETH_DST_OFF        = 0;
  localparam int unsigned ETH_DST_LEN        = 6;
  localparam int unsigned ETH_SRC_OFF        = 6;
  localparam int unsigned ETH_SRC_LEN        = 6;
  localparam int unsigned ETH_ETHERTYPE_OFF  = 12;
  localparam int unsigned ETH_ETHERTYPE_LEN  = 2;
  localparam int unsigned ETH_HEADER_LEN     = 14;
  localparam int unsigned ETH_MIN_FRAME_LEN  = 60;
  localparam int unsigned ETH_ETHERTYPE_IPV4 = 'h0800;

  // IPv4 header (octet offsets from the IPv4 header start)
  localparam int unsigned IPV4_VERSION_WORD_OFF       = 0;
  localparam int unsigned IPV4_VERSION_SHIFT          = 12;
  localparam int unsigned IPV4_VERSION_WIDTH          = 4;
  localparam int unsigned IPV4_IHL_WORD_OFF           = 0;
  localparam int unsigned IPV4_IHL_SHIFT              = 8;
  localparam int unsigned IPV4_IHL_WIDTH              = 4;
  localparam int unsigned IPV4_DSCP_WORD_OFF          = 0;
  localparam int unsigned IPV4_DSCP_SHIFT             = 2;
  localparam int unsigned IPV4_DSCP_WIDTH             = 6;
  localparam int unsigned IPV4_ECN_WORD_OFF           = 0;
  localparam int unsigned IPV4_ECN_SHIFT              = 0;
  localparam int unsigned IPV4_ECN_WIDTH              = 2;
  localparam int unsigned IPV4_TOTAL_LEN_OFF          = 2;
  localparam int unsigned IPV4_TOTAL_LEN_LEN          = 2;
  localparam int unsigned IPV4_IDENT_OFF              = 4;
  localparam int unsigned IPV4_IDENT_LEN              = 2;
  localparam int unsigned IPV4_RESERVED_FLAG_WORD_OFF = 6;
  localparam int unsigned IPV4_RESERVED_FLAG_SHIFT    = 15;
  localparam int unsigned IPV4_RESERVED_FLAG_WIDTH    = 1;
  localparam int unsigned IPV4_DONT_FRAG_WORD_OFF     = 6;
  localparam int unsigned IPV4_DONT_FRAG_SHIFT        = 14;
  localparam int unsigned IPV4_DONT_FRAG_WIDTH        = 1;
  localparam int unsigned IPV4_MORE_FRAGS_WORD_OFF    = 6;
  localparam int unsigned IPV4_MORE_FRAGS_SHIFT       = 13;
  localparam int unsigned IPV4_MORE_FRAGS_WIDTH       = 1;
  localparam int unsigned IPV4_FRAG_OFFSET_WORD_OFF   = 6;
  localparam int unsigned IPV4_FRAG_OFFSET_SHIFT      = 0;
  localparam int unsigned IPV4_FRAG_OFFSET_WIDTH      = 13;
  localparam int unsigned IPV4_TTL_OFF                = 8;
  localparam int unsigned IPV4_TTL_LEN                = 1;
  localparam int unsigned IPV4_PROTOCOL_OFF           = 9;
  localparam int unsigned IPV4_PROTOCOL_LEN           = 1;
  localparam int unsigned IPV4_CHECKSUM_OFF           = 10;
  localparam int unsigned IPV4_CHECKSUM_LEN           = 2;
  localparam int unsigned IPV4_SRC_ADDR_OFF           = 12;
  localparam int unsigned IPV4_SRC_ADDR_LEN           = 4;
  localparam int unsigned IPV4_DST_ADDR_OFF           = 16;
  localparam int unsigned IPV4_DST_ADDR_LEN           = 4;
  localparam int unsigned IPV4_HEADER_LEN             = 20;
  localparam int unsigned IPV4_VERSION_4              = 4;
  localparam int unsigned IPV4_PROTOCOL_TCP           = 6;

  // TCP header (octet offsets from the TCP header start)
  localparam int unsigned TCP_SRC_PORT_OFF         = 0;
  localparam int unsigned TCP_SRC_PORT_LEN         = 2;
  localparam int unsigned TCP_DST_PORT_OFF         = 2;
  localparam int unsigned TCP_DST_PORT_LEN         = 2;
  localparam int unsigned TCP_SEQ_NUM_OFF          = 4;
  localparam int unsigned TCP_SEQ_NUM_LEN          = 4;
  localparam int unsigned TCP_ACK_NUM_OFF          = 8;
  localparam int unsigned TCP_ACK_NUM_LEN          = 4;
  localparam int unsigned TCP_DATA_OFFSET_WORD_OFF = 12;
  localparam int unsigned TCP_DATA_OFFSET_SHIFT    = 12;
  localparam int unsigned TCP_DATA_OFFSET_WIDTH    = 4;
  localparam int unsigned TCP_RESERVED_WORD_OFF    = 12;
  localparam int unsigned TCP_RESERVED_SHIFT       = 8;
  localparam int unsigned TCP_RESERVED_WIDTH       = 4;
  localparam int unsigned TCP_FLAGS_WORD_OFF       = 12;
  localparam int unsigned TCP_FLAGS_SHIFT          = 0;
  localparam int unsigned TCP_FLAGS_WIDTH          = 8;
  localparam int unsigned TCP_WINDOW_OFF           = 14;
  localparam int unsigned TCP_WINDOW_LEN           = 2;
  localparam int unsigned TCP_CHECKSUM_OFF         = 16;
  localparam int unsigned TCP_CHECKSUM_LEN         = 2;
  localparam int unsigned TCP_URGENT_PTR_OFF       = 18;
  localparam int unsigned TCP_URGENT_PTR_LEN       = 2;
  localparam int unsigned TCP_HEADER_LEN           = 20;
  localparam int unsigned TCP_MAX_HEADER_LEN       = 60;

  // TCP control bits: bit positions within the TCP_FLAGS field
  localparam int unsigned TCP_FLAG_FIN_BIT = 0;
  localparam int unsigned TCP_FLAG_SYN_BIT = 1;
  localparam int unsigned TCP_FLAG_RST_BIT = 2;
  localparam int unsigned TCP_FLAG_PSH_BIT = 3;
  localparam int unsigned TCP_FLAG_ACK_BIT = 4;
  localparam int unsigned TCP_FLAG_URG_BIT = 5;
  localparam int unsigned TCP_FLAG_ECE_BIT = 6;
  localparam int unsigned TCP_FLAG_CWR_BIT = 7;

  // TCP option kinds and their lengths in octets
  localparam int unsigned TCP_OPT_EOL                = 0;
  localparam int unsigned TCP_OPT_NOP                = 1;
  localparam int unsigned TCP_OPT_MSS                = 2;
  localparam int unsigned TCP_OPT_MSS_LEN            = 4;
  localparam int unsigned TCP_OPT_WINDOW_SCALE       = 3;
  localparam int unsigned TCP_OPT_WINDOW_SCALE_LEN   = 3;
  localparam int unsigned TCP_OPT_SACK_PERMITTED     = 4;
  localparam int unsigned TCP_OPT_SACK_PERMITTED_LEN = 2;
  localparam int unsigned TCP_OPT_SACK               = 5;
  localparam int unsigned TCP_OPT_TIMESTAMPS         = 8;
  localparam int unsigned TCP_OPT_TIMESTAMPS_LEN     = 10;
  localparam int unsigned TCP_OPT_MAX_WINDOW_SCALE   = 14;

  // Header positions in the frames the device builds and accepts
  localparam int unsigned FRAME_IPV4_OFF          = 14;
  localparam int unsigned FRAME_TCP_OFF           = 34;
  localparam int unsigned FRAME_MIN_TCP_FRAME_LEN = 54;

  // RX descriptor (rx_descriptor.h): octet offsets in the 64-octet record, multi-octet fields big-endian
  localparam int unsigned RX_DESC_LEN                     = 64;
  localparam int unsigned RX_DESC_ETH_DST_OFF             = 0;
  localparam int unsigned RX_DESC_ETH_DST_LEN             = 6;
  localparam int unsigned RX_DESC_ETH_SRC_OFF             = 6;
  localparam int unsigned RX_DESC_ETH_SRC_LEN             = 6;
  localparam int unsigned RX_DESC_ETHERTYPE_OFF           = 12;
  localparam int unsigned RX_DESC_ETHERTYPE_LEN           = 2;
  localparam int unsigned RX_DESC_IP_TOS_OFF              = 14;
  localparam int unsigned RX_DESC_IP_TOS_LEN              = 1;
  localparam int unsigned RX_DESC_IP_TTL_OFF              = 15;
  localparam int unsigned RX_DESC_IP_TTL_LEN              = 1;
  localparam int unsigned RX_DESC_IP_SRC_OFF              = 16;
  localparam int unsigned RX_DESC_IP_SRC_LEN              = 4;
  localparam int unsigned RX_DESC_IP_DST_OFF              = 20;
  localparam int unsigned RX_DESC_IP_DST_LEN              = 4;
  localparam int unsigned RX_DESC_IP_TOTAL_LEN_OFF        = 24;
  localparam int unsigned RX_DESC_IP_TOTAL_LEN_LEN        = 2;
  localparam int unsigned RX_DESC_IP_IDENT_OFF            = 26;
  localparam int unsigned RX_DESC_IP_IDENT_LEN            = 2;
  localparam int unsigned RX_DESC_IP_FLAGS_OFF            = 28;
  localparam int unsigned RX_DESC_IP_FLAGS_LEN            = 1;
  localparam int unsigned RX_DESC_IP_PROTOCOL_OFF         = 29;
  localparam int unsigned RX_DESC_IP_PROTOCOL_LEN         = 1;
  localparam int unsigned RX_DESC_TCP_DATA_OFFSET_OFF     = 30;
  localparam int unsigned RX_DESC_TCP_DATA_OFFSET_LEN     = 1;
  localparam int unsigned RX_DESC_TCP_FLAGS_OFF           = 31;
  localparam int unsigned RX_DESC_TCP_FLAGS_LEN           = 1;
  localparam int unsigned RX_DESC_TCP_SRC_PORT_OFF        = 32;
  localparam int unsigned RX_DESC_TCP_SRC_PORT_LEN        = 2;
  localparam int unsigned RX_DESC_TCP_DST_PORT_OFF        = 34;
  localparam int unsigned RX_DESC_TCP_DST_PORT_LEN        = 2;
  localparam int unsigned RX_DESC_TCP_SEQ_OFF             = 36;
  localparam int unsigned RX_DESC_TCP_SEQ_LEN             = 4;
  localparam int unsigned RX_DESC_TCP_ACK_OFF             = 40;
  localparam int unsigned RX_DESC_TCP_ACK_LEN             = 4;
  localparam int unsigned RX_DESC_TCP_WINDOW_OFF          = 44;
  localparam int unsigned RX_DESC_TCP_WINDOW_LEN          = 2;
  localparam int unsigned RX_DESC_TCP_URGENT_OFF          = 46;
  localparam int unsigned RX_DESC_TCP_URGENT_LEN          = 2;
  localparam int unsigned RX_DESC_OPT_MSS_OFF             = 48;
  localparam int unsigned RX_DESC_OPT_MSS_LEN             = 2;
  localparam int unsigned RX_DESC_OPT_WINDOW_SCALE_OFF    = 50;
  localparam int unsigned RX_DESC_OPT_WINDOW_SCALE_LEN    = 1;
  localparam int unsigned RX_DESC_OPT_FOUND_OFF           = 51;
  localparam int unsigned RX_DESC_OPT_FOUND_LEN           = 1;
  localparam int unsigned RX_DESC_OPT_TS_VAL_OFF          = 52;
  localparam int unsigned RX_DESC_OPT_TS_VAL_LEN          = 4;
  localparam int unsigned RX_DESC_OPT_TS_ECR_OFF          = 56;
  localparam int unsigned RX_DESC_OPT_TS_ECR_LEN          = 4;
  localparam int unsigned RX_DESC_PAYLOAD_OFFSET_OFF      = 60;
  localparam int unsigned RX_DESC_PAYLOAD_OFFSET_LEN      = 1;
  localparam int unsigned RX_DESC_VERDICT_OFF             = 61;
  localparam int unsigned RX_DESC_VERDICT_LEN             = 1;
  localparam int unsigned RX_DESC_PAYLOAD_LEN_OFF         = 62;
  localparam int unsigned RX_DESC_PAYLOAD_LEN_LEN         = 2;
  localparam int unsigned RX_DESC_IP_FLAG_DF_BIT          = 0;
  localparam int unsigned RX_DESC_IP_FLAG_MF_BIT          = 1;
  localparam int unsigned RX_DESC_IP_FLAG_RESERVED_BIT    = 2;
  localparam int unsigned RX_DESC_OPT_FOUND_MSS_BIT       = 0;
  localparam int unsigned RX_DESC_OPT_FOUND_WS_BIT        = 1;
  localparam int unsigned RX_DESC_OPT_FOUND_SACK_BIT      = 2;
  localparam int unsigned RX_DESC_OPT_FOUND_TS_BIT        = 3;
  localparam int unsigned RX_DESC_OPT_UNKNOWN_SHIFT       = 4;
  localparam int unsigned RX_DESC_OPT_UNKNOWN_MAX         = 15;
  localparam int unsigned RX_DESC_VERDICT_IP_CHECKED_BIT  = 4;
  localparam int unsigned RX_DESC_VERDICT_TCP_CHECKED_BIT = 5;
  localparam int unsigned RX_DESC_VERDICT_IP_OK_BIT       = 6;
  localparam int unsigned RX_DESC_VERDICT_TCP_OK_BIT      = 7;

  // TX descriptor (tx_descriptor.h): octet offsets in the 64-octet record
  localparam int unsigned TX_DESC_LEN                = 64;
  localparam int unsigned TX_DESC_ETH_DST_OFF        = 0;
  localparam int unsigned TX_DESC_ETH_DST_LEN        = 6;
  localparam int unsigned TX_DESC_ETH_SRC_OFF        = 6;
  localparam int unsigned TX_DESC_ETH_SRC_LEN        = 6;
  localparam int unsigned TX_DESC_IP_SRC_OFF         = 12;
  localparam int unsigned TX_DESC_IP_SRC_LEN         = 4;
  localparam int unsigned TX_DESC_IP_DST_OFF         = 16;
  localparam int unsigned TX_DESC_IP_DST_LEN         = 4;
  localparam int unsigned TX_DESC_SRC_PORT_OFF       = 20;
  localparam int unsigned TX_DESC_SRC_PORT_LEN       = 2;
  localparam int unsigned TX_DESC_DST_PORT_OFF       = 22;
  localparam int unsigned TX_DESC_DST_PORT_LEN       = 2;
  localparam int unsigned TX_DESC_SEQ_OFF            = 24;
  localparam int unsigned TX_DESC_SEQ_LEN            = 4;
  localparam int unsigned TX_DESC_ACK_OFF            = 28;
  localparam int unsigned TX_DESC_ACK_LEN            = 4;
  localparam int unsigned TX_DESC_WINDOW_OFF         = 32;
  localparam int unsigned TX_DESC_WINDOW_LEN         = 2;
  localparam int unsigned TX_DESC_URGENT_OFF         = 34;
  localparam int unsigned TX_DESC_URGENT_LEN         = 2;
  localparam int unsigned TX_DESC_TSVAL_OFF          = 36;
  localparam int unsigned TX_DESC_TSVAL_LEN          = 4;
  localparam int unsigned TX_DESC_TSECR_OFF          = 40;
  localparam int unsigned TX_DESC_TSECR_LEN          = 4;
  localparam int unsigned TX_DESC_MSS_OFF            = 44;
  localparam int unsigned TX_DESC_MSS_LEN            = 2;
  localparam int unsigned TX_DESC_PAYLOAD_LEN_OFF    = 46;
  localparam int unsigned TX_DESC_PAYLOAD_LEN_LEN    = 2;
  localparam int unsigned TX_DESC_IDENT_OFF          = 48;
  localparam int unsigned TX_DESC_IDENT_LEN          = 2;
  localparam int unsigned TX_DESC_TTL_OFF            = 50;
  localparam int unsigned TX_DESC_TTL_LEN            = 1;
  localparam int unsigned TX_DESC_TOS_OFF            = 51;
  localparam int unsigned TX_DESC_TOS_LEN            = 1;
  localparam int unsigned TX_DESC_TCP_FLAGS_OFF      = 52;
  localparam int unsigned TX_DESC_TCP_FLAGS_LEN      = 1;
  localparam int unsigned TX_DESC_OPT_FLAGS_OFF      = 53;
  localparam int unsigned TX_DESC_OPT_FLAGS_LEN      = 1;
  localparam int unsigned TX_DESC_WINDOW_SCALE_OFF   = 54;
  localparam int unsigned TX_DESC_WINDOW_SCALE_LEN   = 1;
  localparam int unsigned TX_DESC_STREAM_OPT_LEN_OFF = 55;
  localparam int unsigned TX_DESC_STREAM_OPT_LEN_LEN = 1;
  localparam int unsigned TX_DESC_OPT_DF_BIT         = 0;
  localparam int unsigned TX_DESC_OPT_MSS_BIT        = 1;
  localparam int unsigned TX_DESC_OPT_WS_BIT         = 2;
  localparam int unsigned TX_DESC_OPT_SACK_BIT       = 3;
  localparam int unsigned TX_DESC_OPT_TS_BIT         = 4;

  // The receive parser's verdict, in the order the checks are made: the
  // first that applies is reported (see docs/wire-format.md).
  localparam int unsigned MALFORMED_CODE_COUNT = 10;
  localparam int unsigned MALFORMED_W = 4;
  typedef enum logic [3:0] {
    MALFORMED_NONE            = 4'd0,
    MALFORMED_SHORT_FRAME     = 4'd1,
    MALFORMED_NOT_IPV4        = 4'd2,
    MALFORMED_IP_HEADER_LEN   = 4'd3,
    MALFORMED_IP_OPTIONS      = 4'd4,
    MALFORMED_IP_TOTAL_LEN    = 4'd5,
    MALFORMED_FRAGMENT        = 4'd6,
    MALFORMED_NOT_TCP         = 4'd7,
    MALFORMED_TCP_DATA_OFFSET = 4'd8,
    MALFORMED_TCP_OPTION      = 4'd9
  } malformed_e;
  /* verilator lint_on UNUSEDPARAM */

endpackage

// Generated from wire/include/tcpoe/wire/device_regs.h by wire/gen_sv_pkg.cpp — do not edit.
// Regenerate: <build>/wire/tcpoe_gen_sv_pkg --device rtl/tcpoe_regs_pkg.sv
//
// The device's host interface: BAR0 register offsets (REG_*), their reset
// values (REG_*_RESET, where not zero), and the ring entries' octet offsets.
// Registers are 32-bit numbers; ring entries are big-endian records.
package tcpoe_regs_pkg;

  /* verilator lint_off UNUSEDPARAM */

  // BAR0 registers: byte offsets
  localparam int unsigned REG_ID                            = 'h0000;
  localparam int unsigned REG_VERSION                       = 'h0004;
  localparam int unsigned REG_CAPS                          = 'h0008;
  localparam int unsigned REG_DATA_WIDTH                    = 'h000C;
  localparam int unsigned REG_CONTROL                       = 'h0010;
  localparam int unsigned REG_STATUS                        = 'h0014;
  localparam int unsigned REG_CFG_ERROR                     = 'h0018;
  localparam int unsigned REG_DMA_ERROR_ADDR_LO             = 'h0020;
  localparam int unsigned REG_DMA_ERROR_ADDR_HI             = 'h0024;
  localparam int unsigned REG_DMA_ERROR_INFO                = 'h0028;
  localparam int unsigned REG_MAX_FRAME                     = 'h002C;
  localparam int unsigned REG_TXD_BASE_LO                   = 'h0100;
  localparam int unsigned REG_TXD_BASE_HI                   = 'h0104;
  localparam int unsigned REG_TXD_SIZE_LOG2                 = 'h0108;
  localparam int unsigned REG_TXD_PROD                      = 'h010C;
  localparam int unsigned REG_TXD_CONS                      = 'h0110;
  localparam int unsigned REG_TXD_WB_LO                     = 'h0114;
  localparam int unsigned REG_TXD_WB_HI                     = 'h0118;
  localparam int unsigned REG_TXD_CTRL                      = 'h011C;
  localparam int unsigned REG_RXB_BASE_LO                   = 'h0120;
  localparam int unsigned REG_RXB_BASE_HI                   = 'h0124;
  localparam int unsigned REG_RXB_SIZE_LOG2                 = 'h0128;
  localparam int unsigned REG_RXB_PROD                      = 'h012C;
  localparam int unsigned REG_RXB_CONS                      = 'h0130;
  localparam int unsigned REG_RXB_WB_LO                     = 'h0134;
  localparam int unsigned REG_RXB_WB_HI                     = 'h0138;
  localparam int unsigned REG_RXB_CTRL                      = 'h013C;
  localparam int unsigned REG_TXC_BASE_LO                   = 'h0140;
  localparam int unsigned REG_TXC_BASE_HI                   = 'h0144;
  localparam int unsigned REG_TXC_SIZE_LOG2                 = 'h0148;
  localparam int unsigned REG_TXC_PROD                      = 'h014C;
  localparam int unsigned REG_TXC_CONS                      = 'h0150;
  localparam int unsigned REG_TXC_WB_LO                     = 'h0154;
  localparam int unsigned REG_TXC_WB_HI                     = 'h0158;
  localparam int unsigned REG_TXC_CTRL                      = 'h015C;
  localparam int unsigned REG_RXC_BASE_LO                   = 'h0160;
  localparam int unsigned REG_RXC_BASE_HI                   = 'h0164;
  localparam int unsigned REG_RXC_SIZE_LOG2                 = 'h0168;
  localparam int unsigned REG_RXC_PROD                      = 'h016C;
  localparam int unsigned REG_RXC_CONS                      = 'h0170;
  localparam int unsigned REG_RXC_WB_LO                     = 'h0174;
  localparam int unsigned REG_RXC_WB_HI                     = 'h0178;
  localparam int unsigned REG_RXC_CTRL                      = 'h017C;
  localparam int unsigned REG_IRQ_ENABLE                    = 'h0200;
  localparam int unsigned REG_IRQ_STATUS                    = 'h0204;
  localparam int unsigned REG_IRQ_TXC_MOD_COUNT             = 'h0210;
  localparam int unsigned REG_IRQ_TXC_MOD_TIME              = 'h0214;
  localparam int unsigned REG_IRQ_RXC_MOD_COUNT             = 'h0218;
  localparam int unsigned REG_IRQ_RXC_MOD_TIME              = 'h021C;
  localparam int unsigned REG_MSIX_TXC_ADDR_LO              = 'h0400;
  localparam int unsigned REG_MSIX_TXC_ADDR_HI              = 'h0404;
  localparam int unsigned REG_MSIX_TXC_DATA                 = 'h0408;
  localparam int unsigned REG_MSIX_TXC_VECTOR_CTRL          = 'h040C;
  localparam int unsigned REG_MSIX_RXC_ADDR_LO              = 'h0410;
  localparam int unsigned REG_MSIX_RXC_ADDR_HI              = 'h0414;
  localparam int unsigned REG_MSIX_RXC_DATA                 = 'h0418;
  localparam int unsigned REG_MSIX_RXC_VECTOR_CTRL          = 'h041C;
  localparam int unsigned REG_CNT_FRAMES_TX                 = 'h0800;
  localparam int unsigned REG_CNT_FRAMES_RX                 = 'h0804;
  localparam int unsigned REG_CNT_IP_CSUM_BAD               = 'h0808;
  localparam int unsigned REG_CNT_TCP_CSUM_BAD              = 'h080C;
  localparam int unsigned REG_CNT_MALFORMED                 = 'h0810;
  localparam int unsigned REG_CNT_DESC_REJECTED             = 'h0814;
  localparam int unsigned REG_CNT_DMA_ERRORS                = 'h0818;
  localparam int unsigned REG_CNT_RX_DROP_NO_BUFFER         = 'h081C;
  localparam int unsigned REG_CNT_RX_DROP_TOO_LONG          = 'h0820;
  localparam int unsigned REG_CNT_TX_COMPLETIONS            = 'h0824;
  localparam int unsigned REG_CNT_RX_COMPLETIONS            = 'h0828;
  localparam int unsigned REG_CNT_INTERRUPTS                = 'h082C;
  localparam int unsigned REG_CNT_MALFORMED_SHORT_FRAME     = 'h0830;
  localparam int unsigned REG_CNT_MALFORMED_NOT_IPV4        = 'h0834;
  localparam int unsigned REG_CNT_MALFORMED_IP_HEADER_LEN   = 'h0838;
  localparam int unsigned REG_CNT_MALFORMED_IP_OPTIONS      = 'h083C;
  localparam int unsigned REG_CNT_MALFORMED_IP_TOTAL_LEN    = 'h0840;
  localparam int unsigned REG_CNT_MALFORMED_FRAGMENT        = 'h0844;
  localparam int unsigned REG_CNT_MALFORMED_NOT_TCP         = 'h0848;
  localparam int unsigned REG_CNT_MALFORMED_TCP_DATA_OFFSET = 'h084C;
  localparam int unsigned REG_CNT_MALFORMED_TCP_OPTION      = 'h0850;

  // Reset values that are not zero
  localparam int unsigned REG_ID_RESET                   = 'h54504F45;
  localparam int unsigned REG_VERSION_RESET              = 'h10000;
  localparam int unsigned REG_IRQ_TXC_MOD_COUNT_RESET    = 'h0001;
  localparam int unsigned REG_IRQ_RXC_MOD_COUNT_RESET    = 'h0001;
  localparam int unsigned REG_MSIX_TXC_VECTOR_CTRL_RESET = 'h0001;
  localparam int unsigned REG_MSIX_RXC_VECTOR_CTRL_RESET = 'h0001;

  // Identity
  localparam int unsigned DEVICE_ID      = 'h54504F45;
  localparam int unsigned DEVICE_VERSION = 'h10000;
  localparam int unsigned BAR_SIZE       = 'h10000;

  // Bits of CAPS, CONTROL and STATUS
  localparam int unsigned CAP_MSIX_BIT            = 0;
  localparam int unsigned CAP_IRQ_MODERATION_BIT  = 1;
  localparam int unsigned CAP_INDEX_WRITEBACK_BIT = 2;
  localparam int unsigned CAP_TX_CHECKSUM_BIT     = 3;
  localparam int unsigned CAP_RX_CHECKSUM_BIT     = 4;
  localparam int unsigned CONTROL_ENABLE_BIT      = 0;
  localparam int unsigned CONTROL_SOFT_RESET_BIT  = 1;
  localparam int unsigned STATUS_RUNNING_BIT      = 0;
  localparam int unsigned STATUS_RESET_BUSY_BIT   = 1;
  localparam int unsigned STATUS_DMA_IDLE_BIT     = 2;

  // Ring blocks: RING_BASE + ring * RING_STRIDE + RING_<reg>_OFF
  localparam int unsigned RING_COUNT         = 4;
  localparam int unsigned RING_BASE          = 'h0100;
  localparam int unsigned RING_STRIDE        = 'h0020;
  localparam int unsigned RING_MIN_LOG2      = 2;
  localparam int unsigned RING_MAX_LOG2      = 12;
  localparam int unsigned RING_TXD           = 0;
  localparam int unsigned RING_RXB           = 1;
  localparam int unsigned RING_TXC           = 2;
  localparam int unsigned RING_RXC           = 3;
  localparam int unsigned RING_BASE_LO_OFF   = 'h0000;
  localparam int unsigned RING_BASE_HI_OFF   = 'h0004;
  localparam int unsigned RING_SIZE_LOG2_OFF = 'h0008;
  localparam int unsigned RING_PROD_OFF      = 'h000C;
  localparam int unsigned RING_CONS_OFF      = 'h0010;
  localparam int unsigned RING_WB_LO_OFF     = 'h0014;
  localparam int unsigned RING_WB_HI_OFF     = 'h0018;
  localparam int unsigned RING_CTRL_OFF      = 'h001C;

  // Interrupt moderation and the MSI-X table, per vector
  localparam int unsigned IRQ_VECTOR_COUNT     = 2;
  localparam int unsigned IRQ_MOD_BASE         = 'h0210;
  localparam int unsigned IRQ_MOD_STRIDE       = 'h0008;
  localparam int unsigned MSIX_BASE            = 'h0400;
  localparam int unsigned MSIX_STRIDE          = 'h0010;
  localparam int unsigned IRQ_VECTOR_TXC       = 0;
  localparam int unsigned IRQ_VECTOR_RXC       = 1;
  localparam int unsigned IRQ_MOD_COUNT_OFF    = 'h0000;
  localparam int unsigned IRQ_MOD_TIME_OFF     = 'h0004;
  localparam int unsigned MSIX_ADDR_LO_OFF     = 'h0000;
  localparam int unsigned MSIX_ADDR_HI_OFF     = 'h0004;
  localparam int unsigned MSIX_DATA_OFF        = 'h0008;
  localparam int unsigned MSIX_VECTOR_CTRL_OFF = 'h000C;

  // Counters: CNT_BASE + 4 * index
  localparam int unsigned CNT_BASE                  = 'h0800;
  localparam int unsigned CNT_COUNT                 = 21;
  localparam int unsigned CNT_MALFORMED_BY_CODE_IDX = 12;
  localparam int unsigned CNT_FRAMES_TX_IDX         = 0;
  localparam int unsigned CNT_FRAMES_RX_IDX         = 1;
  localparam int unsigned CNT_IP_CSUM_BAD_IDX       = 2;
  localparam int unsigned CNT_TCP_CSUM_BAD_IDX      = 3;
  localparam int unsigned CNT_MALFORMED_IDX         = 4;
  localparam int unsigned CNT_DESC_REJECTED_IDX     = 5;
  localparam int unsigned CNT_DMA_ERRORS_IDX        = 6;
  localparam int unsigned CNT_RX_DROP_NO_BUFFER_IDX = 7;
  localparam int unsigned CNT_RX_DROP_TOO_LONG_IDX  = 8;
  localparam int unsigned CNT_TX_COMPLETIONS_IDX    = 9;
  localparam int unsigned CNT_RX_COMPLETIONS_IDX    = 10;
  localparam int unsigned CNT_INTERRUPTS_IDX        = 11;

  // TX_DESC ring entry: the TX descriptor, then the gather list at TX_RING_PARTS_OFF, part k at TX_RING_PARTS_OFF + k * TX_RING_PART_SIZE (fields relative to the part)
  localparam int unsigned TX_RING_ENTRY_LEN     = 128;
  localparam int unsigned TX_RING_PARTS_OFF     = 64;
  localparam int unsigned TX_RING_PART_SIZE     = 16;
  localparam int unsigned TX_RING_MAX_PARTS     = 4;
  localparam int unsigned TX_RING_PART_ADDR_OFF = 0;
  localparam int unsigned TX_RING_PART_ADDR_LEN = 8;
  localparam int unsigned TX_RING_PART_LEN_OFF  = 8;
  localparam int unsigned TX_RING_PART_LEN_LEN  = 2;

  // RX_BUF ring entry
  localparam int unsigned RX_BUF_ENTRY_LEN = 16;
  localparam int unsigned RX_BUF_ADDR_OFF  = 0;
  localparam int unsigned RX_BUF_ADDR_LEN  = 8;
  localparam int unsigned RX_BUF_LEN_OFF   = 8;
  localparam int unsigned RX_BUF_LEN_LEN   = 4;

  // TX completion
  localparam int unsigned TX_COMPL_ENTRY_LEN      = 16;
  localparam int unsigned TX_COMPL_DESC_INDEX_OFF = 0;
  localparam int unsigned TX_COMPL_DESC_INDEX_LEN = 2;
  localparam int unsigned TX_COMPL_STATUS_OFF     = 2;
  localparam int unsigned TX_COMPL_STATUS_LEN     = 1;
  localparam int unsigned TX_COMPL_TIMESTAMP_OFF  = 4;
  localparam int unsigned TX_COMPL_TIMESTAMP_LEN  = 8;
  localparam int unsigned TX_COMPL_FLAGS_OFF      = 15;
  localparam int unsigned TX_COMPL_FLAGS_LEN      = 1;

  // RX completion
  localparam int unsigned RX_COMPL_ENTRY_LEN     = 128;
  localparam int unsigned RX_COMPL_RX_DESC_OFF   = 0;
  localparam int unsigned RX_COMPL_RX_DESC_LEN   = 64;
  localparam int unsigned RX_COMPL_BUF_INDEX_OFF = 64;
  localparam int unsigned RX_COMPL_BUF_INDEX_LEN = 2;
  localparam int unsigned RX_COMPL_FRAME_LEN_OFF = 66;
  localparam int unsigned RX_COMPL_FRAME_LEN_LEN = 2;
  localparam int unsigned RX_COMPL_STATUS_OFF    = 68;
  localparam int unsigned RX_COMPL_STATUS_LEN    = 1;
  localparam int unsigned RX_COMPL_TIMESTAMP_OFF = 72;
  localparam int unsigned RX_COMPL_TIMESTAMP_LEN = 8;
  localparam int unsigned RX_COMPL_FLAGS_OFF     = 127;
  localparam int unsigned RX_COMPL_FLAGS_LEN     = 1;
  localparam int unsigned COMPL_FLAG_PHASE_BIT   = 7;

  // Why a register write was refused (CFG_ERROR[7:0]).
  localparam int unsigned CFG_ERROR_W = 4;
  typedef enum logic [3:0] {
    CFG_ERR_NONE = 4'd0,
    CFG_ERR_READ_ONLY = 4'd1,
    CFG_ERR_UNMAPPED = 4'd2,
    CFG_ERR_RING_ENABLED = 4'd3,
    CFG_ERR_BAD_RING_SIZE = 4'd4,
    CFG_ERR_BAD_ALIGNMENT = 4'd5,
    CFG_ERR_BAD_INDEX = 4'd6,
    CFG_ERR_NOT_CONFIGURED = 4'd7,
    CFG_ERR_RESET_BUSY = 4'd8,
    CFG_ERR_PARTIAL_WRITE = 4'd9,
    CFG_ERR_RING_DISABLED = 4'd10
  } cfg_error_e;

  // Which DMA user made a faulting access (DMA_ERROR_INFO[7:4]).
  localparam int unsigned DMA_SOURCE_W = 3;
  typedef enum logic [2:0] {
    DMA_SRC_TX_DESC_FETCH = 3'd0,
    DMA_SRC_TX_PAYLOAD_READ = 3'd1,
    DMA_SRC_RX_BUFFER_WRITE = 3'd2,
    DMA_SRC_TX_COMPL_WRITE = 3'd3,
    DMA_SRC_RX_COMPL_WRITE = 3'd4,
    DMA_SRC_INDEX_WRITEBACK = 3'd5,
    DMA_SRC_MSIX = 3'd6
  } dma_source_e;

  // The status octet of TX and RX completions.
  localparam int unsigned COMPL_STATUS_W = 2;
  typedef enum logic [1:0] {
    COMPL_OK = 2'd0,
    COMPL_DESC_REJECTED = 2'd1,
    COMPL_PAYLOAD_TOO_LONG = 2'd2,
    COMPL_DMA_ERROR = 2'd3
  } compl_status_e;
  /* verilator lint_on UNUSEDPARAM */

endpackage

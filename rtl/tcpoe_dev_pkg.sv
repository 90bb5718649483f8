// Types shared by the device's blocks (register file, DMA engine, TX and RX
// paths, interrupts): what the register file hands to the engines. The
// register offsets and ring formats themselves are in the generated
// tcpoe_regs_pkg (wire/include/tcpoe/wire/device_regs.h).
package tcpoe_dev_pkg;

  // Every block uses a few of these.
  /* verilator lint_off UNUSEDPARAM */

  localparam int unsigned ADDR_W  = 64;  // host (device-visible) addresses
  localparam int unsigned INDEX_W = 16;  // free-running ring indices
  localparam int unsigned LOG2_W  = 4;   // SIZE_LOG2 field, enough for RING_MAX_LOG2

  typedef logic [INDEX_W-1:0] index_t;

  // One ring as the host configured it. `host_idx` is the index the host
  // owns: PROD of the rings it fills (TXD, RXB), CONS of the completion
  // rings (TXC, RXC). The engines own the other index.
  typedef struct packed {
    logic               enable;
    logic [ADDR_W-1:0]  base;       // aligned to 64 octets
    logic [LOG2_W-1:0]  size_log2;  // RING_MIN_LOG2..RING_MAX_LOG2 once enabled
    logic [ADDR_W-1:0]  wb_addr;    // where the device writes its index; 0: nowhere
    logic [INDEX_W-1:0] host_idx;
  } ring_cfg_t;
  localparam int unsigned RING_CFG_W = 1 + ADDR_W + LOG2_W + ADDR_W + INDEX_W;  // its $bits

  // One interrupt vector: moderation and its MSI-X table entry.
  typedef struct packed {
    logic              enable;     // IRQ_ENABLE bit
    logic [31:0]       mod_count;  // fire after this many completions (0, 1: each)
    logic [31:0]       mod_time;   // or this many cycles after the first (0: no limit)
    logic [ADDR_W-1:0] msix_addr;
    logic [31:0]       msix_data;
    logic              masked;     // VECTOR_CTRL[0]
  } irq_cfg_t;
  localparam int unsigned IRQ_CFG_W = 1 + 32 + 32 + ADDR_W + 32 + 1;  // its $bits

  // Ports carry arrays of these structs as flat vectors, entry i at
  // [i*W +: W] (yosys 0.23 reads no packed arrays of structs); each block
  // casts its entry back to the struct.

  /* verilator lint_on UNUSEDPARAM */

endpackage

// Where a BAR0 offset falls in the register map (docs/register-map.md): the
// block, the ring or interrupt vector it belongs to, the register's offset
// within that entry, and whether anything can be read there. Combinational;
// the register file decodes its write and its read address with one each.
module tcpoe_bar_decode #(
  parameter int BAR_ADDR_W = 16
) (
  input  logic [BAR_ADDR_W-1:0] offset,
  output logic                  in_ring,     // a ring block
  output logic                  in_irq_mod,  // an interrupt vector's moderation
  output logic                  in_msix,     // the MSI-X table
  output logic                  in_counter,  // a counter (aligned)
  output logic [1:0]            entry,       // the ring or vector
  output logic [4:0]            reg_off,     // offset within the ring block or vector entry
  output logic [BAR_ADDR_W-1:0] counter,     // the counter's index
  output logic                  mapped       // a register is there
);

  localparam logic [BAR_ADDR_W-1:0] RING_END =
      BAR_ADDR_W'(tcpoe_regs_pkg::RING_BASE + tcpoe_regs_pkg::RING_COUNT * tcpoe_regs_pkg::RING_STRIDE);
  localparam logic [BAR_ADDR_W-1:0] IRQ_MOD_END =
      BAR_ADDR_W'(tcpoe_regs_pkg::IRQ_MOD_BASE +
                tcpoe_regs_pkg::IRQ_VECTOR_COUNT * tcpoe_regs_pkg::IRQ_MOD_STRIDE);
  localparam logic [BAR_ADDR_W-1:0] MSIX_END =
      BAR_ADDR_W'(tcpoe_regs_pkg::MSIX_BASE + tcpoe_regs_pkg::IRQ_VECTOR_COUNT * tcpoe_regs_pkg::MSIX_STRIDE);
  localparam logic [BAR_ADDR_W-1:0] CNT_END = BAR_ADDR_W'(tcpoe_regs_pkg::CNT_BASE + 4 * tcpoe_regs_pkg::CNT_COUNT);

  logic aligned, global;

  always_comb begin
    aligned = offset[1:0] == 2'b00;
    in_ring = offset >= BAR_ADDR_W'(tcpoe_regs_pkg::RING_BASE) && offset < RING_END;
    in_irq_mod = offset >= BAR_ADDR_W'(tcpoe_regs_pkg::IRQ_MOD_BASE) && offset < IRQ_MOD_END;
    in_msix = offset >= BAR_ADDR_W'(tcpoe_regs_pkg::MSIX_BASE) && offset < MSIX_END;
    in_counter = offset >= BAR_ADDR_W'(tcpoe_regs_pkg::CNT_BASE) && offset < CNT_END && aligned;
    entry = 2'((offset - BAR_ADDR_W'(tcpoe_regs_pkg::RING_BASE)) >> $clog2(tcpoe_regs_pkg::RING_STRIDE));
    reg_off = 5'(offset & BAR_ADDR_W'(tcpoe_regs_pkg::RING_STRIDE - 1));
    if (in_irq_mod) begin
      entry = 2'((offset - BAR_ADDR_W'(tcpoe_regs_pkg::IRQ_MOD_BASE)) >>
                 $clog2(tcpoe_regs_pkg::IRQ_MOD_STRIDE));
      reg_off = 5'(offset & BAR_ADDR_W'(tcpoe_regs_pkg::IRQ_MOD_STRIDE - 1));
    end else if (in_msix) begin
      entry = 2'((offset - BAR_ADDR_W'(tcpoe_regs_pkg::MSIX_BASE)) >> $clog2(tcpoe_regs_pkg::MSIX_STRIDE));
      reg_off = 5'(offset & BAR_ADDR_W'(tcpoe_regs_pkg::MSIX_STRIDE - 1));
    end
    counter = (offset - BAR_ADDR_W'(tcpoe_regs_pkg::CNT_BASE)) >> 2;
    // Every aligned offset of a ring block, moderation entry or MSI-X entry
    // holds a register; of the global ones, those listed.
    global = offset == BAR_ADDR_W'(tcpoe_regs_pkg::REG_ID) ||
             offset == BAR_ADDR_W'(tcpoe_regs_pkg::REG_VERSION) ||
             offset == BAR_ADDR_W'(tcpoe_regs_pkg::REG_CAPS) ||
             offset == BAR_ADDR_W'(tcpoe_regs_pkg::REG_DATA_WIDTH) ||
             offset == BAR_ADDR_W'(tcpoe_regs_pkg::REG_CONTROL) ||
             offset == BAR_ADDR_W'(tcpoe_regs_pkg::REG_STATUS) ||
             offset == BAR_ADDR_W'(tcpoe_regs_pkg::REG_CFG_ERROR) ||
             offset == BAR_ADDR_W'(tcpoe_regs_pkg::REG_DMA_ERROR_ADDR_LO) ||
             offset == BAR_ADDR_W'(tcpoe_regs_pkg::REG_DMA_ERROR_ADDR_HI) ||
             offset == BAR_ADDR_W'(tcpoe_regs_pkg::REG_DMA_ERROR_INFO) ||
             offset == BAR_ADDR_W'(tcpoe_regs_pkg::REG_MAX_FRAME) ||
             offset == BAR_ADDR_W'(tcpoe_regs_pkg::REG_IRQ_ENABLE) ||
             offset == BAR_ADDR_W'(tcpoe_regs_pkg::REG_IRQ_STATUS);
    mapped = global || in_counter || ((in_ring || in_irq_mod || in_msix) && aligned);
  end
endmodule

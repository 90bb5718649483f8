// The registers of one interrupt vector: its IRQ_ENABLE bit, its moderation
// (MOD_COUNT, MOD_TIME) and its MSI-X table entry (address, data, mask).
// Every value is accepted; misaligned offsets are refused on `wr_error`.
module tcpoe_regfile_vector (
  input  logic                       clk,
  input  logic                       clear,       // reset, or the end of a soft reset
  input  logic                       enable_wr,   // IRQ_ENABLE written
  input  logic                       enable_bit,  // ... this vector's bit of it
  input  logic                       mod_wr,      // a write to this vector's moderation entry
  input  logic                       msix_wr,     // a write to this vector's MSI-X entry
  input  logic [4:0]                 wr_reg_off,
  input  logic [31:0]                wr_data,
  output tcpoe_regs_pkg::cfg_error_e wr_error,
  input  logic                       rd_mod,      // read of the moderation entry (else MSI-X)
  input  logic [4:0]                 rd_reg_off,
  output logic [31:0]                rd_value,
  output tcpoe_dev_pkg::irq_cfg_t    cfg,
  output logic                       enable       // cfg.enable, for IRQ_ENABLE's read
);
  tcpoe_dev_pkg::irq_cfg_t irq_q, irq_d;

  always_comb begin
    irq_d = irq_q;
    wr_error = tcpoe_regs_pkg::CFG_ERR_NONE;
    if (enable_wr) irq_d.enable = enable_bit;
    if (mod_wr) begin
      if (wr_reg_off == 5'(tcpoe_regs_pkg::IRQ_MOD_COUNT_OFF)) irq_d.mod_count = wr_data;
      else if (wr_reg_off == 5'(tcpoe_regs_pkg::IRQ_MOD_TIME_OFF)) irq_d.mod_time = wr_data;
      else wr_error = tcpoe_regs_pkg::CFG_ERR_UNMAPPED;
    end
    if (msix_wr) begin
      if (wr_reg_off == 5'(tcpoe_regs_pkg::MSIX_ADDR_LO_OFF)) irq_d.msix_addr[31:0] = wr_data;
      else if (wr_reg_off == 5'(tcpoe_regs_pkg::MSIX_ADDR_HI_OFF)) irq_d.msix_addr[63:32] = wr_data;
      else if (wr_reg_off == 5'(tcpoe_regs_pkg::MSIX_DATA_OFF)) irq_d.msix_data = wr_data;
      else if (wr_reg_off == 5'(tcpoe_regs_pkg::MSIX_VECTOR_CTRL_OFF)) irq_d.masked = wr_data[0];
      else wr_error = tcpoe_regs_pkg::CFG_ERR_UNMAPPED;
    end
  end

  always_ff @(posedge clk) begin
    if (clear) begin
      irq_q <= '0;
      irq_q.mod_count <= 32'(tcpoe_regs_pkg::REG_IRQ_TXC_MOD_COUNT_RESET);  // the same for every vector
      irq_q.masked <= 1'(tcpoe_regs_pkg::REG_MSIX_TXC_VECTOR_CTRL_RESET);
    end else begin
      irq_q <= irq_d;
    end
  end

  always_comb begin
    rd_value = '0;
    if (rd_mod) begin
      if (rd_reg_off == 5'(tcpoe_regs_pkg::IRQ_MOD_COUNT_OFF)) rd_value = irq_q.mod_count;
      else if (rd_reg_off == 5'(tcpoe_regs_pkg::IRQ_MOD_TIME_OFF)) rd_value = irq_q.mod_time;
    end else begin
      unique case (rd_reg_off)
        5'(tcpoe_regs_pkg::MSIX_ADDR_LO_OFF):     rd_value = irq_q.msix_addr[31:0];
        5'(tcpoe_regs_pkg::MSIX_ADDR_HI_OFF):     rd_value = irq_q.msix_addr[63:32];
        5'(tcpoe_regs_pkg::MSIX_DATA_OFF):        rd_value = irq_q.msix_data;
        5'(tcpoe_regs_pkg::MSIX_VECTOR_CTRL_OFF): rd_value = 32'(irq_q.masked);
        default: ;
      endcase
    end
  end

  assign cfg = irq_q;
  assign enable = irq_q.enable;

endmodule

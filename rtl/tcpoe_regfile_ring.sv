// The registers of one ring (a ring block of docs/register-map.md): base,
// size, write-back address, enable, and the index the host owns (PROD of the
// rings the host fills, CONS of the completion rings). A write this ring
// cannot apply is refused whole, with its reason on `wr_error`, in the same
// cycle, and changes nothing.
module tcpoe_regfile_ring #(
  parameter bit COMPLETION = 1'b0  // a completion ring (TXC, RXC): the host owns CONS
) (
  input  logic                          clk,
  input  logic                          clear,     // reset, or the end of a soft reset
  input  logic                          wr_en,     // a full-width write to this ring's block
  input  logic [4:0]                    wr_reg_off,
  input  logic [31:0]                   wr_data,
  output tcpoe_regs_pkg::cfg_error_e    wr_error,  // CFG_ERR_NONE: applied
  input  tcpoe_dev_pkg::index_t         dev_idx,   // the engine's index of this ring
  input  logic [4:0]                    rd_reg_off,
  output logic [31:0]                   rd_value,
  input  logic                          stop,      // a soft reset drains: show the ring disabled
  output tcpoe_dev_pkg::ring_cfg_t      cfg        // to the engines
);
  localparam int INDEX_W = tcpoe_dev_pkg::INDEX_W;
  localparam int LOG2_W  = tcpoe_dev_pkg::LOG2_W;
  // BASE_LO and WB_LO: 64 octets, so each DMA starts on a bus beat at every
  // DATA_W (the index write-back's 4 octets on lane 0).
  localparam int ADDR_ALIGN_LOG2 = 6;
  localparam logic [4:0] HOST_IDX_OFF =
      COMPLETION ? 5'(tcpoe_regs_pkg::RING_CONS_OFF) : 5'(tcpoe_regs_pkg::RING_PROD_OFF);
  localparam logic [4:0] DEV_IDX_OFF =
      COMPLETION ? 5'(tcpoe_regs_pkg::RING_PROD_OFF) : 5'(tcpoe_regs_pkg::RING_CONS_OFF);

  tcpoe_dev_pkg::ring_cfg_t ring_q, ring_d;
  tcpoe_dev_pkg::index_t    next_idx, size;
  logic                     index_ok;

  // May the host's index move to `next_idx`? PROD: forward, at most to the
  // device's CONS + size. CONS: forward, at most to the device's PROD.
  // Indices are free-running, compared modulo 2^16.
  always_comb begin
    next_idx = INDEX_W'(wr_data);
    size = INDEX_W'(1) << ring_q.size_log2;
    if (COMPLETION) index_ok = INDEX_W'(dev_idx - next_idx) <= INDEX_W'(dev_idx - ring_q.host_idx);
    else index_ok = INDEX_W'(next_idx - dev_idx) <= size &&
                    INDEX_W'(next_idx - dev_idx) >= INDEX_W'(ring_q.host_idx - dev_idx);
  end

  always_comb begin
    ring_d = ring_q;
    wr_error = tcpoe_regs_pkg::CFG_ERR_NONE;
    if (wr_en) begin
      if (wr_reg_off[1:0] != 2'b00) begin
        wr_error = tcpoe_regs_pkg::CFG_ERR_UNMAPPED;
      end else if (wr_reg_off == 5'(tcpoe_regs_pkg::RING_CTRL_OFF)) begin
        if (!wr_data[0]) begin
          ring_d.enable = 1'b0;
        end else if (!ring_q.enable) begin
          if (ring_q.base == '0 || ring_q.size_log2 == '0) begin
            wr_error = tcpoe_regs_pkg::CFG_ERR_NOT_CONFIGURED;
          end else begin
            ring_d.enable = 1'b1;
            ring_d.host_idx = '0;
          end
        end
      end else if (wr_reg_off == HOST_IDX_OFF) begin
        if (!ring_q.enable) wr_error = tcpoe_regs_pkg::CFG_ERR_RING_DISABLED;
        else if (!index_ok) wr_error = tcpoe_regs_pkg::CFG_ERR_BAD_INDEX;
        else ring_d.host_idx = next_idx;
      end else if (wr_reg_off == DEV_IDX_OFF) begin
        wr_error = tcpoe_regs_pkg::CFG_ERR_READ_ONLY;
      end else if (ring_q.enable) begin
        wr_error = tcpoe_regs_pkg::CFG_ERR_RING_ENABLED;
      end else if (wr_reg_off == 5'(tcpoe_regs_pkg::RING_BASE_LO_OFF)) begin
        if (wr_data[ADDR_ALIGN_LOG2-1:0] != '0) wr_error = tcpoe_regs_pkg::CFG_ERR_BAD_ALIGNMENT;
        else ring_d.base[31:0] = wr_data;
      end else if (wr_reg_off == 5'(tcpoe_regs_pkg::RING_BASE_HI_OFF)) begin
        ring_d.base[63:32] = wr_data;
      end else if (wr_reg_off == 5'(tcpoe_regs_pkg::RING_SIZE_LOG2_OFF)) begin
        if (wr_data < tcpoe_regs_pkg::RING_MIN_LOG2 || wr_data > tcpoe_regs_pkg::RING_MAX_LOG2)
          wr_error = tcpoe_regs_pkg::CFG_ERR_BAD_RING_SIZE;
        else ring_d.size_log2 = LOG2_W'(wr_data);
      end else if (wr_reg_off == 5'(tcpoe_regs_pkg::RING_WB_LO_OFF)) begin
        if (wr_data[ADDR_ALIGN_LOG2-1:0] != '0) wr_error = tcpoe_regs_pkg::CFG_ERR_BAD_ALIGNMENT;
        else ring_d.wb_addr[31:0] = wr_data;
      end else begin  // RING_WB_HI_OFF, the last offset of the block
        ring_d.wb_addr[63:32] = wr_data;
      end
      if (wr_error != tcpoe_regs_pkg::CFG_ERR_NONE) ring_d = ring_q;
    end
  end

  always_ff @(posedge clk) begin
    if (clear) ring_q <= '0;
    else ring_q <= ring_d;
  end

  always_comb begin
    unique case (rd_reg_off)
      5'(tcpoe_regs_pkg::RING_BASE_LO_OFF):   rd_value = ring_q.base[31:0];
      5'(tcpoe_regs_pkg::RING_BASE_HI_OFF):   rd_value = ring_q.base[63:32];
      5'(tcpoe_regs_pkg::RING_SIZE_LOG2_OFF): rd_value = 32'(ring_q.size_log2);
      HOST_IDX_OFF:                           rd_value = 32'(ring_q.host_idx);
      DEV_IDX_OFF:                            rd_value = 32'(dev_idx);
      5'(tcpoe_regs_pkg::RING_WB_LO_OFF):     rd_value = ring_q.wb_addr[31:0];
      5'(tcpoe_regs_pkg::RING_WB_HI_OFF):     rd_value = ring_q.wb_addr[63:32];
      5'(tcpoe_regs_pkg::RING_CTRL_OFF):      rd_value = 32'(ring_q.enable);
      default:                                rd_value = '0;
    endcase
  end

  always_comb begin
    cfg = ring_q;
    cfg.enable = ring_q.enable && !stop;
  end

endmodule

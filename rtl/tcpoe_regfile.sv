// BAR0 register file: the device's registers behind an AXI4-Lite slave, as
// docs/register-map.md lists them (offsets and reset values from the
// generated tcpoe_regs_pkg, wire/include/tcpoe/wire/device_regs.h).
//
// - Writes: AW and W are taken together, one write at a time; B follows the
//   next cycle. A write the device cannot apply (read-only or unmapped
//   offset, partial strobes, ring configuration of an enabled ring, a ring
//   size, alignment or index it cannot use, anything during a soft reset)
//   changes nothing, answers SLVERR and records its code and offset in
//   CFG_ERROR. (On PCIe the write is posted: the host learns of it only
//   through CFG_ERROR.)
// - Reads have no side effects: the value comes one cycle after AR; an
//   unmapped offset reads all ones with SLVERR, as an unsupported request
//   does on PCIe.
// - Enabling a ring checks that it has a base and a size and zeroes the
//   host's index; the engines zero theirs when they see the ring enabled.
//   PROD (TXD, RXB) may move forward at most to CONS + size; CONS (TXC, RXC)
//   forward at most to PROD.
// - CONTROL.SOFT_RESET: the engines are told to stop (`soft_reset_busy`, the
//   device and every ring read as disabled) and, once they report `dma_idle`,
//   every register but the read-only identity returns to its reset value and
//   `soft_reset_done` pulses for one cycle so the engines clear their state.
// - Counters count `cnt_inc` pulses (index CNT_*_IDX), 32 bits, wrapping.
module tcpoe_regfile #(
  parameter int DATA_W     = 64,    // reported in DATA_WIDTH
  parameter int MAX_FRAME  = 9018,  // reported in MAX_FRAME
  parameter int BAR_ADDR_W = 16     // log2 of the BAR size
) (
  input  logic                  clk,
  input  logic                  rst,  // synchronous, active high

  input  logic [BAR_ADDR_W-1:0] s_axil_awaddr,
  input  logic                  s_axil_awvalid,
  output logic                  s_axil_awready,
  input  logic [31:0]           s_axil_wdata,
  input  logic [3:0]            s_axil_wstrb,
  input  logic                  s_axil_wvalid,
  output logic                  s_axil_wready,
  output logic [1:0]            s_axil_bresp,
  output logic                  s_axil_bvalid,
  input  logic                  s_axil_bready,
  input  logic [BAR_ADDR_W-1:0] s_axil_araddr,
  input  logic                  s_axil_arvalid,
  output logic                  s_axil_arready,
  output logic [31:0]           s_axil_rdata,
  output logic [1:0]            s_axil_rresp,
  output logic                  s_axil_rvalid,
  input  logic                  s_axil_rready,

  // To and from the engines.
  // ring r's configuration at [r*RING_CFG_W +: RING_CFG_W], a tcpoe_dev_pkg::ring_cfg_t
  output logic [tcpoe_regs_pkg::RING_COUNT*tcpoe_dev_pkg::RING_CFG_W-1:0] ring_cfg,
  // the engines' index of ring r at [r*INDEX_W +: INDEX_W] (TXD, RXB: CONS; TXC, RXC: PROD)
  input  logic [tcpoe_regs_pkg::RING_COUNT*tcpoe_dev_pkg::INDEX_W-1:0] ring_dev_idx,
  output logic                  dev_enable,
  output logic                  soft_reset_busy,
  output logic                  soft_reset_done,
  input  logic                  dma_idle,
  // vector v's configuration at [v*IRQ_CFG_W +: IRQ_CFG_W], a tcpoe_dev_pkg::irq_cfg_t
  output logic [tcpoe_regs_pkg::IRQ_VECTOR_COUNT*tcpoe_dev_pkg::IRQ_CFG_W-1:0] irq_cfg,
  input  logic [tcpoe_regs_pkg::IRQ_VECTOR_COUNT-1:0] irq_fired,
  input  logic [tcpoe_regs_pkg::CNT_COUNT-1:0] cnt_inc,
  input  logic                  dma_err_valid,
  input  logic [tcpoe_dev_pkg::ADDR_W-1:0] dma_err_addr,
  input  logic                  dma_err_write,
  input  tcpoe_regs_pkg::dma_source_e dma_err_source
);

  localparam int RINGS    = tcpoe_regs_pkg::RING_COUNT;
  localparam int VECTORS  = tcpoe_regs_pkg::IRQ_VECTOR_COUNT;
  localparam int COUNTERS = tcpoe_regs_pkg::CNT_COUNT;
  localparam logic [1:0] RESP_OKAY   = 2'b00;
  localparam logic [1:0] RESP_SLVERR = 2'b10;
  localparam logic [31:0] CAPS =
      (32'd1 << tcpoe_regs_pkg::CAP_MSIX_BIT) | (32'd1 << tcpoe_regs_pkg::CAP_IRQ_MODERATION_BIT) |
      (32'd1 << tcpoe_regs_pkg::CAP_INDEX_WRITEBACK_BIT) |
      (32'd1 << tcpoe_regs_pkg::CAP_TX_CHECKSUM_BIT) | (32'd1 << tcpoe_regs_pkg::CAP_RX_CHECKSUM_BIT);

  // --------------------------------------------------------------------------
  // AXI4-Lite handshakes: AW and W together, one write and one read at a time.

  logic wr_fire, rd_fire, wr_allowed;

  assign wr_fire        = s_axil_awvalid && s_axil_wvalid && !s_axil_bvalid;
  assign s_axil_awready = wr_fire;
  assign s_axil_wready  = wr_fire;
  assign rd_fire        = s_axil_arvalid && !s_axil_rvalid;
  assign s_axil_arready = rd_fire;

  // --------------------------------------------------------------------------
  // Decoding both addresses

  logic       wr_in_ring, wr_in_irq_mod, wr_in_msix, wr_mapped;
  logic [1:0] wr_entry;
  logic [4:0] wr_reg_off;
  logic       rd_hit, rd_in_ring, rd_in_irq_mod, rd_in_msix, rd_in_counter;
  logic [1:0] rd_entry;
  logic [4:0] rd_reg_off;
  logic [BAR_ADDR_W-1:0] rd_counter;

  /* verilator lint_off PINCONNECTEMPTY */  // counters are read-only: no write decodes them
  tcpoe_bar_decode #(.BAR_ADDR_W(BAR_ADDR_W)) u_wr_decode (
    .offset(s_axil_awaddr), .in_ring(wr_in_ring), .in_irq_mod(wr_in_irq_mod),
    .in_msix(wr_in_msix), .in_counter(), .entry(wr_entry), .reg_off(wr_reg_off), .counter(),
    .mapped(wr_mapped));
  /* verilator lint_on PINCONNECTEMPTY */
  tcpoe_bar_decode #(.BAR_ADDR_W(BAR_ADDR_W)) u_rd_decode (
    .offset(s_axil_araddr), .in_ring(rd_in_ring), .in_irq_mod(rd_in_irq_mod),
    .in_msix(rd_in_msix), .in_counter(rd_in_counter), .entry(rd_entry), .reg_off(rd_reg_off),
    .counter(rd_counter), .mapped(rd_hit));

  // A write reaches a register only with all strobes set and no soft reset
  // draining; otherwise it is refused before any register sees it.
  assign wr_allowed = wr_fire && s_axil_wstrb == 4'hF && !reset_busy_q;

  function automatic logic wr_at(logic [BAR_ADDR_W-1:0] reg_offset);
    wr_at = wr_allowed && s_axil_awaddr == reg_offset;
  endfunction

  // --------------------------------------------------------------------------
  // Rings and interrupt vectors, one module each

  logic clear_all;
  logic reset_busy_q;
  // Per ring and per vector, flat (entry i at [i*W +: W]).
  localparam int ERR_W = tcpoe_regs_pkg::CFG_ERROR_W;
  logic [RINGS*ERR_W-1:0]   ring_wr_error;
  logic [VECTORS*ERR_W-1:0] vector_wr_error;
  logic [RINGS*32-1:0]      ring_rd_value;
  logic [VECTORS*32-1:0]    vector_rd_value;
  logic [VECTORS-1:0] irq_enable;

  for (genvar r = 0; r < RINGS; r++) begin : g_ring
    tcpoe_regfile_ring #(
      .COMPLETION(r == tcpoe_regs_pkg::RING_TXC || r == tcpoe_regs_pkg::RING_RXC)
    ) u_ring (
      .clk, .clear(clear_all),
      .wr_en(wr_allowed && wr_in_ring && wr_entry == 2'(r)), .wr_reg_off, .wr_data(s_axil_wdata),
      .wr_error(ring_wr_error[r*ERR_W +: ERR_W]),
      .dev_idx(ring_dev_idx[r*tcpoe_dev_pkg::INDEX_W +: tcpoe_dev_pkg::INDEX_W]),
      .rd_reg_off, .rd_value(ring_rd_value[r*32 +: 32]),
      // While a soft reset drains, every ring reads as disabled to the engines.
      .stop(reset_busy_q),
      .cfg(ring_cfg[r*tcpoe_dev_pkg::RING_CFG_W +: tcpoe_dev_pkg::RING_CFG_W]));
  end

  for (genvar v = 0; v < VECTORS; v++) begin : g_vector
    tcpoe_regfile_vector u_vector (
      .clk, .clear(clear_all),
      .enable_wr(wr_at(BAR_ADDR_W'(tcpoe_regs_pkg::REG_IRQ_ENABLE))),
      .enable_bit(s_axil_wdata[v]),
      .mod_wr(wr_allowed && wr_in_irq_mod && wr_entry == 2'(v)),
      .msix_wr(wr_allowed && wr_in_msix && wr_entry == 2'(v)),
      .wr_reg_off, .wr_data(s_axil_wdata), .wr_error(vector_wr_error[v*ERR_W +: ERR_W]),
      .rd_mod(rd_in_irq_mod), .rd_reg_off, .rd_value(vector_rd_value[v*32 +: 32]),
      .cfg(irq_cfg[v*tcpoe_dev_pkg::IRQ_CFG_W +: tcpoe_dev_pkg::IRQ_CFG_W]),
      .enable(irq_enable[v]));
  end

  // --------------------------------------------------------------------------
  // Global registers

  logic                        enable_q;
  logic [31:0]                 cfg_error_q;
  logic [VECTORS-1:0]          irq_status_q;
  logic [tcpoe_dev_pkg::ADDR_W-1:0] dma_err_addr_q;
  logic [7:0]                  dma_err_info_q;
  logic [COUNTERS*32-1:0]      cnt_q;  // counter c at [c*32 +: 32]
  logic [ERR_W-1:0]            wr_error;  // a tcpoe_regs_pkg::cfg_error_e

  // Why the write (if any) is refused; CFG_ERR_NONE when it was applied.
  always_comb begin
    wr_error = tcpoe_regs_pkg::CFG_ERR_NONE;
    if (!wr_fire) wr_error = tcpoe_regs_pkg::CFG_ERR_NONE;
    else if (s_axil_wstrb != 4'hF) wr_error = tcpoe_regs_pkg::CFG_ERR_PARTIAL_WRITE;
    else if (reset_busy_q) wr_error = tcpoe_regs_pkg::CFG_ERR_RESET_BUSY;
    else if (wr_in_ring) begin
      for (int r = 0; r < RINGS; r++) if (wr_entry == 2'(r))
        wr_error = ring_wr_error[r*ERR_W +: ERR_W];
    end else if (wr_in_irq_mod || wr_in_msix) begin
      for (int v = 0; v < VECTORS; v++) if (wr_entry == 2'(v))
        wr_error = vector_wr_error[v*ERR_W +: ERR_W];
    end else if (!wr_mapped) wr_error = tcpoe_regs_pkg::CFG_ERR_UNMAPPED;
    else if (s_axil_awaddr != BAR_ADDR_W'(tcpoe_regs_pkg::REG_CONTROL) &&
             s_axil_awaddr != BAR_ADDR_W'(tcpoe_regs_pkg::REG_CFG_ERROR) &&
             s_axil_awaddr != BAR_ADDR_W'(tcpoe_regs_pkg::REG_DMA_ERROR_INFO) &&
             s_axil_awaddr != BAR_ADDR_W'(tcpoe_regs_pkg::REG_IRQ_ENABLE) &&
             s_axil_awaddr != BAR_ADDR_W'(tcpoe_regs_pkg::REG_IRQ_STATUS))
      wr_error = tcpoe_regs_pkg::CFG_ERR_READ_ONLY;
  end

  // A soft reset ends, and every register returns to its reset value, once
  // the engines have nothing outstanding.
  assign clear_all = rst || (reset_busy_q && dma_idle);

  always_ff @(posedge clk) begin
    if (clear_all) begin
      enable_q <= 1'b0;
      reset_busy_q <= 1'b0;
      cfg_error_q <= '0;
      irq_status_q <= '0;
      dma_err_addr_q <= '0;
      dma_err_info_q <= '0;
      cnt_q <= '0;
    end else begin
      if (wr_at(BAR_ADDR_W'(tcpoe_regs_pkg::REG_CONTROL))) begin
        enable_q <= s_axil_wdata[tcpoe_regs_pkg::CONTROL_ENABLE_BIT] &&
                    !s_axil_wdata[tcpoe_regs_pkg::CONTROL_SOFT_RESET_BIT];
        reset_busy_q <= s_axil_wdata[tcpoe_regs_pkg::CONTROL_SOFT_RESET_BIT];
      end
      if (wr_fire && wr_error != tcpoe_regs_pkg::CFG_ERR_NONE)
        cfg_error_q <= {s_axil_awaddr, 8'h00, 8'(wr_error)};
      else if (wr_at(BAR_ADDR_W'(tcpoe_regs_pkg::REG_CFG_ERROR)) && s_axil_wdata != '0)
        cfg_error_q <= '0;
      irq_status_q <= (wr_at(BAR_ADDR_W'(tcpoe_regs_pkg::REG_IRQ_STATUS)) ?
                       irq_status_q & ~s_axil_wdata[VECTORS-1:0] : irq_status_q) | irq_fired;
      if (dma_err_valid) begin
        dma_err_addr_q <= dma_err_addr;
        dma_err_info_q <= {4'(dma_err_source), 2'b00, dma_err_write, 1'b1};
      end else if (wr_at(BAR_ADDR_W'(tcpoe_regs_pkg::REG_DMA_ERROR_INFO)) && s_axil_wdata[0]) begin
        dma_err_info_q <= '0;
      end
      for (int c = 0; c < COUNTERS; c++) cnt_q[c*32 +: 32] <= cnt_q[c*32 +: 32] + 32'(cnt_inc[c]);
    end
  end

  // --------------------------------------------------------------------------
  // Reads: no side effects; all ones and SLVERR where nothing is mapped.

  logic [31:0] rd_value;

  always_comb begin
    rd_value = '0;
    if (rd_in_ring) begin
      for (int r = 0; r < RINGS; r++) if (rd_entry == 2'(r)) rd_value = ring_rd_value[r*32 +: 32];
    end else if (rd_in_irq_mod || rd_in_msix) begin
      for (int v = 0; v < VECTORS; v++) if (rd_entry == 2'(v)) rd_value = vector_rd_value[v*32 +: 32];
    end else if (rd_in_counter) begin
      for (int c = 0; c < COUNTERS; c++)
        if (rd_counter == BAR_ADDR_W'(c)) rd_value = cnt_q[c*32 +: 32];
    end else begin
      unique case (s_axil_araddr)
        BAR_ADDR_W'(tcpoe_regs_pkg::REG_ID):         rd_value = tcpoe_regs_pkg::DEVICE_ID;
        BAR_ADDR_W'(tcpoe_regs_pkg::REG_VERSION):    rd_value = tcpoe_regs_pkg::DEVICE_VERSION;
        BAR_ADDR_W'(tcpoe_regs_pkg::REG_CAPS):       rd_value = CAPS;
        BAR_ADDR_W'(tcpoe_regs_pkg::REG_DATA_WIDTH): rd_value = 32'(DATA_W);
        BAR_ADDR_W'(tcpoe_regs_pkg::REG_CONTROL):
          rd_value = (32'(enable_q) << tcpoe_regs_pkg::CONTROL_ENABLE_BIT) |
                     (32'(reset_busy_q) << tcpoe_regs_pkg::CONTROL_SOFT_RESET_BIT);
        BAR_ADDR_W'(tcpoe_regs_pkg::REG_STATUS):
          rd_value = (32'(dev_enable) << tcpoe_regs_pkg::STATUS_RUNNING_BIT) |
                     (32'(reset_busy_q) << tcpoe_regs_pkg::STATUS_RESET_BUSY_BIT) |
                     (32'(dma_idle) << tcpoe_regs_pkg::STATUS_DMA_IDLE_BIT);
        BAR_ADDR_W'(tcpoe_regs_pkg::REG_CFG_ERROR):         rd_value = cfg_error_q;
        BAR_ADDR_W'(tcpoe_regs_pkg::REG_DMA_ERROR_ADDR_LO): rd_value = dma_err_addr_q[31:0];
        BAR_ADDR_W'(tcpoe_regs_pkg::REG_DMA_ERROR_ADDR_HI): rd_value = dma_err_addr_q[63:32];
        BAR_ADDR_W'(tcpoe_regs_pkg::REG_DMA_ERROR_INFO):    rd_value = 32'(dma_err_info_q);
        BAR_ADDR_W'(tcpoe_regs_pkg::REG_MAX_FRAME):         rd_value = 32'(MAX_FRAME);
        BAR_ADDR_W'(tcpoe_regs_pkg::REG_IRQ_ENABLE):
          rd_value = 32'(irq_enable);
        BAR_ADDR_W'(tcpoe_regs_pkg::REG_IRQ_STATUS):        rd_value = 32'(irq_status_q);
        default: ;
      endcase
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      s_axil_bvalid <= 1'b0;
      s_axil_bresp <= RESP_OKAY;
      s_axil_rvalid <= 1'b0;
      s_axil_rresp <= RESP_OKAY;
      s_axil_rdata <= '0;
    end else begin
      if (wr_fire) begin
        s_axil_bvalid <= 1'b1;
        s_axil_bresp <= wr_error == tcpoe_regs_pkg::CFG_ERR_NONE ? RESP_OKAY : RESP_SLVERR;
      end else if (s_axil_bready) begin
        s_axil_bvalid <= 1'b0;
      end
      if (rd_fire) begin
        s_axil_rvalid <= 1'b1;
        s_axil_rresp <= rd_hit ? RESP_OKAY : RESP_SLVERR;
        s_axil_rdata <= rd_hit ? rd_value : '1;
      end else if (s_axil_rready) begin
        s_axil_rvalid <= 1'b0;
      end
    end
  end

  assign dev_enable = enable_q && !reset_busy_q;
  assign soft_reset_busy = reset_busy_q;
  assign soft_reset_done = reset_busy_q && dma_idle;

  if (BAR_ADDR_W != $clog2(tcpoe_regs_pkg::BAR_SIZE)) begin : g_bad_bar
    $error("tcpoe_regfile: BAR_ADDR_W must be log2 of tcpoe_regs_pkg::BAR_SIZE");
  end

endmodule

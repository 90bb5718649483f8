// Sends the interrupt vectors' MSI-X messages: each message (a 32-bit DATA
// to a host ADDR, from a tcpoe_irq_vector) becomes one AXI4 write
// of one beat, the 4 octets little-endian as PCIe carries a DWORD: the beat
// is the aligned DATA_W/8-octet block holding ADDR, WSTRB the message's four
// lanes (ADDR mod DATA_W/8 onwards). AW and W go out together; one message
// at a time, the next taken after the B response. Vectors take turns (round
// robin). A SLVERR/DECERR response is reported like an engine's DMA error
// (source DMA_SRC_MSIX, the message's address); the message is not resent.
// ADDR's bits 1:0 are ignored (taken as zero), as PCIe's MSI-X table has them.
//
// `stop` (a soft reset draining) takes no new message; `idle`: no write
// outstanding. AWID 0; AWCACHE, AWPROT as tcpoe_dma_wr's.
module tcpoe_msix_writer #(
  parameter int DATA_W  = 64,
  parameter int VECTORS = 2,
  parameter int ID_W    = 4,
  localparam int A_W    = tcpoe_dev_pkg::ADDR_W,
  localparam int STRB_W = DATA_W / 8
) (
  input  logic                     clk,
  input  logic                     rst,  // synchronous, active high
  input  logic                     stop,
  // Vector v's message at [v*W +: W].
  input  logic [VECTORS-1:0]       msix_valid,
  input  logic [VECTORS*A_W-1:0]   msix_addr,
  input  logic [VECTORS*32-1:0]    msix_data,
  output logic [VECTORS-1:0]       msix_ready,
  output logic                     idle,
  output logic                     dma_err_valid,
  output logic [A_W-1:0]           dma_err_addr,
  output logic                     dma_err_write,
  output tcpoe_regs_pkg::dma_source_e dma_err_source,
  // AXI4 write address, data and response channels.
  output logic                     m_axi_awvalid,
  input  logic                     m_axi_awready,
  output logic [ID_W-1:0]          m_axi_awid,
  output logic [A_W-1:0]           m_axi_awaddr,
  output logic [7:0]               m_axi_awlen,
  output logic [2:0]               m_axi_awsize,
  output logic [1:0]               m_axi_awburst,
  output logic [3:0]               m_axi_awcache,
  output logic [2:0]               m_axi_awprot,
  output logic                     m_axi_wvalid,
  input  logic                     m_axi_wready,
  output logic [DATA_W-1:0]        m_axi_wdata,
  output logic [STRB_W-1:0]        m_axi_wstrb,
  output logic                     m_axi_wlast,
  input  logic                     m_axi_bvalid,
  output logic                     m_axi_bready,
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [ID_W-1:0]          m_axi_bid,   // always AWID
  input  logic [1:0]               m_axi_bresp  // bit 0 (EXOKAY, DECERR vs SLVERR) unused
  /* verilator lint_on UNUSEDSIGNAL */
);
  localparam int LANE_W = $clog2(STRB_W);
  localparam int SEL_W  = VECTORS > 1 ? $clog2(VECTORS) : 1;

  logic [SEL_W-1:0]  sel;
  logic              any, take, busy_q, aw_pending_q, w_pending_q;
  logic [A_W-1:0]    addr_q;
  logic [31:0]       data_q;
  logic [LANE_W-1:0] lane;

  tcpoe_rr_arbiter #(.N(VECTORS)) u_arb (
    .clk, .rst, .req(msix_valid), .shown(take), .take, .sel, .any);

  assign take = !busy_q && !stop && any && msix_valid[sel];
  always_comb begin
    msix_ready = '0;
    msix_ready[sel] = take;
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      busy_q <= 1'b0;
      aw_pending_q <= 1'b0;
      w_pending_q <= 1'b0;
    end else if (take) begin
      busy_q <= 1'b1;
      aw_pending_q <= 1'b1;
      w_pending_q <= 1'b1;
    end else begin
      if (m_axi_awvalid && m_axi_awready) aw_pending_q <= 1'b0;
      if (m_axi_wvalid && m_axi_wready) w_pending_q <= 1'b0;
      if (m_axi_bvalid && m_axi_bready) busy_q <= 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    if (take) begin
      addr_q <= {msix_addr[sel*A_W + 2 +: A_W - 2], 2'b00};
      data_q <= msix_data[sel*32 +: 32];
    end
  end

  assign lane = addr_q[LANE_W-1:0];
  assign m_axi_awvalid = aw_pending_q;
  assign m_axi_awid    = '0;
  assign m_axi_awaddr  = {addr_q[A_W-1:LANE_W], LANE_W'(0)};
  assign m_axi_awlen   = 8'd0;
  assign m_axi_awsize  = 3'(LANE_W);
  assign m_axi_awburst = 2'b01;    // INCR
  assign m_axi_awcache = 4'b0010;  // Normal Non-cacheable Non-bufferable
  assign m_axi_awprot  = 3'b010;   // data, non-secure, unprivileged
  assign m_axi_wvalid  = w_pending_q;
  assign m_axi_wdata   = DATA_W'(data_q) << {lane, 3'b000};
  assign m_axi_wstrb   = STRB_W'(4'hF) << lane;
  assign m_axi_wlast   = 1'b1;
  // B comes only after AW and W have gone.
  assign m_axi_bready  = busy_q && !aw_pending_q && !w_pending_q;

  assign idle = !busy_q;
  assign dma_err_valid  = m_axi_bvalid && m_axi_bready && m_axi_bresp[1];
  assign dma_err_addr   = addr_q;
  assign dma_err_write  = 1'b1;
  assign dma_err_source = tcpoe_regs_pkg::DMA_SRC_MSIX;

endmodule

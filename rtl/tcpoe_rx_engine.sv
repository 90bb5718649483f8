// STUB (to be replaced by the real RX engine from main): the interface of
// docs/device.md's tcpoe_rx_engine with every output tied off, so the top
// can be built and bound before the engine lands. Takes no work, always idle.
module tcpoe_rx_engine #(
  /* verilator lint_off UNUSEDPARAM */
  parameter int DATA_W          = 64,
  parameter int MAX_FRAME       = 2182,
  parameter int STORE_FRAMES    = 2,
  parameter int FETCH_BATCH     = 8,
  parameter int DMA_MAX_BURST   = 64,
  parameter int DMA_OUTSTANDING = 8,
  parameter int ID_W            = 4
  /* verilator lint_on UNUSEDPARAM */
) (
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic                                clk,
  input  logic                                rst,
  input  logic                                enable,
  input  logic [tcpoe_dev_pkg::RING_CFG_W-1:0] rxb_cfg,
  input  logic [tcpoe_dev_pkg::RING_CFG_W-1:0] rxc_cfg,
  output logic [tcpoe_dev_pkg::INDEX_W-1:0]   rxb_cons,
  output logic [tcpoe_dev_pkg::INDEX_W-1:0]   rxc_prod,
  input  logic [63:0]                         now,
  input  logic [DATA_W-1:0]                   s_axis_rx_tdata,
  input  logic [DATA_W/8-1:0]                 s_axis_rx_tkeep,
  input  logic                                s_axis_rx_tvalid,
  output logic                                s_axis_rx_tready,
  input  logic                                s_axis_rx_tlast,
  output logic                                m_axi_arvalid,
  input  logic                                m_axi_arready,
  output logic [ID_W-1:0]                     m_axi_arid,
  output logic [tcpoe_dev_pkg::ADDR_W-1:0]    m_axi_araddr,
  output logic [7:0]                          m_axi_arlen,
  output logic [2:0]                          m_axi_arsize,
  output logic [1:0]                          m_axi_arburst,
  output logic [3:0]                          m_axi_arcache,
  output logic [2:0]                          m_axi_arprot,
  input  logic                                m_axi_rvalid,
  output logic                                m_axi_rready,
  input  logic [ID_W-1:0]                     m_axi_rid,
  input  logic [1:0]                          m_axi_rresp,
  input  logic [DATA_W-1:0]                   m_axi_rdata,
  input  logic                                m_axi_rlast,
  output logic                                m_axi_awvalid,
  input  logic                                m_axi_awready,
  output logic [ID_W-1:0]                     m_axi_awid,
  output logic [tcpoe_dev_pkg::ADDR_W-1:0]    m_axi_awaddr,
  output logic [7:0]                          m_axi_awlen,
  output logic [2:0]                          m_axi_awsize,
  output logic [1:0]                          m_axi_awburst,
  output logic [3:0]                          m_axi_awcache,
  output logic [2:0]                          m_axi_awprot,
  output logic                                m_axi_wvalid,
  input  logic                                m_axi_wready,
  output logic [DATA_W-1:0]                   m_axi_wdata,
  output logic [DATA_W/8-1:0]                 m_axi_wstrb,
  output logic                                m_axi_wlast,
  input  logic                                m_axi_bvalid,
  output logic                                m_axi_bready,
  input  logic [ID_W-1:0]                     m_axi_bid,
  input  logic [1:0]                          m_axi_bresp,
  output logic                                idle,
  output logic                                compl_event,
  output logic                                cnt_frames_rx,
  output logic                                cnt_ip_csum_bad,
  output logic                                cnt_tcp_csum_bad,
  output logic                                cnt_malformed,
  output logic [8:0]                          cnt_malformed_code,
  output logic                                cnt_rx_drop_no_buffer,
  output logic                                cnt_rx_drop_too_long,
  output logic                                cnt_rx_completions,
  output logic                                dma_err_valid,
  output logic [63:0]                         dma_err_addr,
  output logic                                dma_err_write,
  output tcpoe_regs_pkg::dma_source_e         dma_err_source
  /* verilator lint_on UNUSEDSIGNAL */
);
  assign rxb_cons = '0;
  assign rxc_prod = '0;
  assign s_axis_rx_tready = 1'b1;  // the stub drops every frame
  assign m_axi_arvalid = 1'b0;
  assign m_axi_arid = '0;
  assign m_axi_araddr = '0;
  assign m_axi_arlen = '0;
  assign m_axi_arsize = '0;
  assign m_axi_arburst = '0;
  assign m_axi_arcache = '0;
  assign m_axi_arprot = '0;
  assign m_axi_rready = 1'b1;
  assign m_axi_awvalid = 1'b0;
  assign m_axi_awid = '0;
  assign m_axi_awaddr = '0;
  assign m_axi_awlen = '0;
  assign m_axi_awsize = '0;
  assign m_axi_awburst = '0;
  assign m_axi_awcache = '0;
  assign m_axi_awprot = '0;
  assign m_axi_wvalid = 1'b0;
  assign m_axi_wdata = '0;
  assign m_axi_wstrb = '0;
  assign m_axi_wlast = 1'b0;
  assign m_axi_bready = 1'b1;
  assign idle = 1'b1;
  assign compl_event = 1'b0;
  assign cnt_frames_rx = 1'b0;
  assign cnt_ip_csum_bad = 1'b0;
  assign cnt_tcp_csum_bad = 1'b0;
  assign cnt_malformed = 1'b0;
  assign cnt_malformed_code = '0;
  assign cnt_rx_drop_no_buffer = 1'b0;
  assign cnt_rx_drop_too_long = 1'b0;
  assign cnt_rx_completions = 1'b0;
  assign dma_err_valid = 1'b0;
  assign dma_err_addr = '0;
  assign dma_err_write = 1'b0;
  assign dma_err_source = tcpoe_regs_pkg::DMA_SRC_RX_BUFFER_WRITE;
endmodule

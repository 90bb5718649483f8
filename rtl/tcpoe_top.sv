// The device: a NIC around the TCP header builder and parser, its host
// interface the BAR0 registers (AXI4-Lite) and DMA into host memory (AXI4),
// its network side the MAC's AXI4-Stream ports. docs/device.md describes it.
//
//              BAR0 AXI4-Lite ─▶ tcpoe_regfile ─┬─ ring cfgs, dev_enable, soft reset ─▶ engines
//                                               └─ irq cfgs ─▶ 2 × tcpoe_irq_vector ─▶ tcpoe_msix_writer ─┐
//  MAC m_axis_tx ◀─ tcpoe_tx_engine (TXD fetch, payload read, builder, TXC write, index write-back) ─AXI──┤
//  MAC s_axis_rx ─▶ tcpoe_rx_engine (parser + frame store, RXB fetch, frame write, RXC write, wb)   ─AXI──┤
//                                                    tcpoe_axi_mux (read: TX, RX; write: TX, RX, MSI-X) ─▶ m_axi_*
//
// - Each engine and the MSI-X writer is an AXI4 master with IDs of ID_W bits;
//   the mux prefixes them with the master's index (AXI_ID_W = ID_W + 2):
//   reads TX 0, RX 1; writes TX 0, RX 1, MSI-X 2.
// - Reset: `rst` resets everything. A soft reset (CONTROL.SOFT_RESET) stops
//   the engines (the regfile shows them every ring disabled) and, once all of
//   them and the MSI-X writer are idle (`dma_idle`), returns the registers to
//   their reset values and pulses soft_reset_done, which resets the engines,
//   the interrupt vectors and the writer. `now`, the 64-bit cycle count the
//   completions carry, runs on through a soft reset.
// - Interrupts: the TXC vector counts the TX engine's completion events, the
//   RXC vector the RX engine's; their MSI-X messages go out as DMA writes.
//   IRQ_STATUS and CNT_INTERRUPTS count the messages sent.
// - Counters: the engines' pulses; CNT_DMA_ERRORS counts cycles in which an
//   engine or the MSI-X writer reported a failed DMA. DMA_ERROR_ADDR/INFO
//   record the report; of two or more in one cycle only the first in the
//   order TX engine, RX engine, MSI-X writer is recorded (and counted once).
module tcpoe_top #(
  parameter int DATA_W          = 64,
  parameter int MAX_PAYLOAD     = 2048,
  parameter int ID_W            = 4,
  parameter int DMA_MAX_BURST   = DATA_W >= 512 ? 16 : 64,
  parameter int DMA_OUTSTANDING = 8,
  localparam int AXI_ID_W       = ID_W + 2,
  localparam int BAR_ADDR_W     = 16,
  localparam int STRB_W         = DATA_W / 8
) (
  input  logic                  clk,
  input  logic                  rst,  // synchronous, active high

  // BAR0
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

  // Host memory
  output logic                  m_axi_arvalid,
  input  logic                  m_axi_arready,
  output logic [AXI_ID_W-1:0]   m_axi_arid,
  output logic [63:0]           m_axi_araddr,
  output logic [7:0]            m_axi_arlen,
  output logic [2:0]            m_axi_arsize,
  output logic [1:0]            m_axi_arburst,
  output logic [3:0]            m_axi_arcache,
  output logic [2:0]            m_axi_arprot,
  input  logic                  m_axi_rvalid,
  output logic                  m_axi_rready,
  input  logic [AXI_ID_W-1:0]   m_axi_rid,
  input  logic [DATA_W-1:0]     m_axi_rdata,
  input  logic [1:0]            m_axi_rresp,
  input  logic                  m_axi_rlast,
  output logic                  m_axi_awvalid,
  input  logic                  m_axi_awready,
  output logic [AXI_ID_W-1:0]   m_axi_awid,
  output logic [63:0]           m_axi_awaddr,
  output logic [7:0]            m_axi_awlen,
  output logic [2:0]            m_axi_awsize,
  output logic [1:0]            m_axi_awburst,
  output logic [3:0]            m_axi_awcache,
  output logic [2:0]            m_axi_awprot,
  output logic                  m_axi_wvalid,
  input  logic                  m_axi_wready,
  output logic [DATA_W-1:0]     m_axi_wdata,
  output logic [STRB_W-1:0]     m_axi_wstrb,
  output logic                  m_axi_wlast,
  input  logic                  m_axi_bvalid,
  output logic                  m_axi_bready,
  input  logic [AXI_ID_W-1:0]   m_axi_bid,
  input  logic [1:0]            m_axi_bresp,

  // MAC
  output logic [DATA_W-1:0]     m_axis_tx_tdata,
  output logic [STRB_W-1:0]     m_axis_tx_tkeep,
  output logic                  m_axis_tx_tvalid,
  input  logic                  m_axis_tx_tready,
  output logic                  m_axis_tx_tlast,
  input  logic [DATA_W-1:0]     s_axis_rx_tdata,
  input  logic [STRB_W-1:0]     s_axis_rx_tkeep,
  input  logic                  s_axis_rx_tvalid,
  output logic                  s_axis_rx_tready,
  input  logic                  s_axis_rx_tlast
);
  localparam int MAX_FRAME = 14 + 60 + 60 + MAX_PAYLOAD;  // Ethernet, IPv4 and TCP headers at their longest
  localparam int RING_CFG_W = tcpoe_dev_pkg::RING_CFG_W;
  localparam int IRQ_CFG_W  = tcpoe_dev_pkg::IRQ_CFG_W;
  localparam int INDEX_W    = tcpoe_dev_pkg::INDEX_W;
  localparam int A_W        = tcpoe_dev_pkg::ADDR_W;
  localparam int VECTORS    = tcpoe_regs_pkg::IRQ_VECTOR_COUNT;
  localparam int N_RD = 2;  // read masters: TX, RX
  localparam int N_WR = 3;  // write masters: TX, RX, MSI-X
  localparam int M_TX = 0, M_RX = 1, M_MSIX = 2;

  // --------------------------------------------------------------------------
  // Cycle count for the completions' timestamps

  logic [63:0] now_q;
  always_ff @(posedge clk) begin
    if (rst) now_q <= '0;
    else now_q <= now_q + 64'd1;
  end

  // --------------------------------------------------------------------------
  // Register file

  logic [tcpoe_regs_pkg::RING_COUNT*RING_CFG_W-1:0] ring_cfg;
  logic [tcpoe_regs_pkg::RING_COUNT*INDEX_W-1:0]    ring_dev_idx;
  logic [VECTORS*IRQ_CFG_W-1:0]                      irq_cfg;
  logic [VECTORS-1:0]                                irq_fired;
  logic [tcpoe_regs_pkg::CNT_COUNT-1:0]              cnt_inc;
  logic dev_enable, soft_reset_busy, soft_reset_done, dma_idle, engine_rst;
  logic                                dma_err_valid, dma_err_write;
  logic [A_W-1:0]                      dma_err_addr;
  tcpoe_regs_pkg::dma_source_e         dma_err_source;

  tcpoe_regfile #(.DATA_W(DATA_W), .MAX_FRAME(MAX_FRAME), .BAR_ADDR_W(BAR_ADDR_W)) u_regfile (
    .clk, .rst,
    .s_axil_awaddr, .s_axil_awvalid, .s_axil_awready, .s_axil_wdata, .s_axil_wstrb,
    .s_axil_wvalid, .s_axil_wready, .s_axil_bresp, .s_axil_bvalid, .s_axil_bready,
    .s_axil_araddr, .s_axil_arvalid, .s_axil_arready, .s_axil_rdata, .s_axil_rresp,
    .s_axil_rvalid, .s_axil_rready,
    .ring_cfg, .ring_dev_idx, .dev_enable, .soft_reset_busy, .soft_reset_done, .dma_idle,
    .irq_cfg, .irq_fired, .cnt_inc, .dma_err_valid, .dma_err_addr, .dma_err_write, .dma_err_source);

  // The engines, vectors and MSI-X writer start afresh after a soft reset.
  assign engine_rst = rst || soft_reset_done;

  function automatic logic [RING_CFG_W-1:0] ring(int unsigned r);
    ring = ring_cfg[r*RING_CFG_W +: RING_CFG_W];
  endfunction

  // --------------------------------------------------------------------------
  // The masters' AXI ports, flat, master m at [m*W +: W] (the mux's order).

  logic [N_RD-1:0]        rd_arvalid, rd_arready, rd_rvalid, rd_rready;
  logic [N_RD*ID_W-1:0]   rd_arid;
  logic [N_RD*A_W-1:0]    rd_araddr;
  logic [N_RD*8-1:0]      rd_arlen;
  logic [N_RD*3-1:0]      rd_arsize, rd_arprot;
  logic [N_RD*2-1:0]      rd_arburst;
  logic [N_RD*4-1:0]      rd_arcache;
  logic [ID_W-1:0]        rd_rid;
  logic [DATA_W-1:0]      rd_rdata;
  logic [1:0]             rd_rresp;
  logic                   rd_rlast;
  logic [N_WR-1:0]        wr_awvalid, wr_awready, wr_wvalid, wr_wready, wr_wlast, wr_bvalid, wr_bready;
  logic [N_WR*ID_W-1:0]   wr_awid;
  logic [N_WR*A_W-1:0]    wr_awaddr;
  logic [N_WR*8-1:0]      wr_awlen;
  logic [N_WR*3-1:0]      wr_awsize, wr_awprot;
  logic [N_WR*2-1:0]      wr_awburst;
  logic [N_WR*4-1:0]      wr_awcache;
  logic [N_WR*DATA_W-1:0] wr_wdata;
  logic [N_WR*STRB_W-1:0] wr_wstrb;
  logic [ID_W-1:0]        wr_bid;
  logic [1:0]             wr_bresp;

  // --------------------------------------------------------------------------
  // TX engine

  logic [INDEX_W-1:0] txd_cons, txc_prod;
  logic tx_idle, tx_compl_event, tx_cnt_frames, tx_cnt_desc_rejected, tx_cnt_completions;
  logic tx_err_valid, tx_err_write;
  logic [A_W-1:0] tx_err_addr;
  tcpoe_regs_pkg::dma_source_e tx_err_source;

  tcpoe_tx_engine #(
    .DATA_W(DATA_W), .MAX_PAYLOAD(MAX_PAYLOAD), .DMA_MAX_BURST(DMA_MAX_BURST),
    .DMA_OUTSTANDING(DMA_OUTSTANDING), .ID_W(ID_W)
  ) u_tx (
    .clk, .rst(engine_rst), .enable(dev_enable),
    .txd_cfg(ring(tcpoe_regs_pkg::RING_TXD)), .txc_cfg(ring(tcpoe_regs_pkg::RING_TXC)),
    .txd_cons, .txc_prod, .now(now_q),
    .m_axis_tx_tdata, .m_axis_tx_tkeep, .m_axis_tx_tvalid, .m_axis_tx_tready, .m_axis_tx_tlast,
    .m_axi_arvalid(rd_arvalid[M_TX]), .m_axi_arready(rd_arready[M_TX]),
    .m_axi_arid(rd_arid[M_TX*ID_W +: ID_W]), .m_axi_araddr(rd_araddr[M_TX*A_W +: A_W]),
    .m_axi_arlen(rd_arlen[M_TX*8 +: 8]), .m_axi_arsize(rd_arsize[M_TX*3 +: 3]),
    .m_axi_arburst(rd_arburst[M_TX*2 +: 2]), .m_axi_arcache(rd_arcache[M_TX*4 +: 4]),
    .m_axi_arprot(rd_arprot[M_TX*3 +: 3]),
    .m_axi_rvalid(rd_rvalid[M_TX]), .m_axi_rready(rd_rready[M_TX]), .m_axi_rid(rd_rid),
    .m_axi_rresp(rd_rresp), .m_axi_rdata(rd_rdata), .m_axi_rlast(rd_rlast),
    .m_axi_awvalid(wr_awvalid[M_TX]), .m_axi_awready(wr_awready[M_TX]),
    .m_axi_awid(wr_awid[M_TX*ID_W +: ID_W]), .m_axi_awaddr(wr_awaddr[M_TX*A_W +: A_W]),
    .m_axi_awlen(wr_awlen[M_TX*8 +: 8]), .m_axi_awsize(wr_awsize[M_TX*3 +: 3]),
    .m_axi_awburst(wr_awburst[M_TX*2 +: 2]), .m_axi_awcache(wr_awcache[M_TX*4 +: 4]),
    .m_axi_awprot(wr_awprot[M_TX*3 +: 3]),
    .m_axi_wvalid(wr_wvalid[M_TX]), .m_axi_wready(wr_wready[M_TX]),
    .m_axi_wdata(wr_wdata[M_TX*DATA_W +: DATA_W]), .m_axi_wstrb(wr_wstrb[M_TX*STRB_W +: STRB_W]),
    .m_axi_wlast(wr_wlast[M_TX]),
    .m_axi_bvalid(wr_bvalid[M_TX]), .m_axi_bready(wr_bready[M_TX]), .m_axi_bid(wr_bid),
    .m_axi_bresp(wr_bresp),
    .idle(tx_idle), .compl_event(tx_compl_event),
    .cnt_frames_tx(tx_cnt_frames), .cnt_desc_rejected(tx_cnt_desc_rejected),
    .cnt_tx_completions(tx_cnt_completions),
    .dma_err_valid(tx_err_valid), .dma_err_addr(tx_err_addr), .dma_err_write(tx_err_write),
    .dma_err_source(tx_err_source));

  // --------------------------------------------------------------------------
  // RX engine

  logic [INDEX_W-1:0] rxb_cons, rxc_prod;
  logic rx_idle, rx_compl_event, rx_cnt_frames, rx_cnt_ip_csum_bad, rx_cnt_tcp_csum_bad;
  logic rx_cnt_malformed, rx_cnt_drop_no_buffer, rx_cnt_drop_too_long, rx_cnt_completions;
  logic [8:0] rx_cnt_malformed_code;
  logic rx_err_valid, rx_err_write;
  logic [A_W-1:0] rx_err_addr;
  tcpoe_regs_pkg::dma_source_e rx_err_source;

  tcpoe_rx_engine #(
    .DATA_W(DATA_W), .MAX_FRAME(MAX_FRAME), .DMA_MAX_BURST(DMA_MAX_BURST),
    .DMA_OUTSTANDING(DMA_OUTSTANDING), .ID_W(ID_W)
  ) u_rx (
    .clk, .rst(engine_rst), .enable(dev_enable),
    .rxb_cfg(ring(tcpoe_regs_pkg::RING_RXB)), .rxc_cfg(ring(tcpoe_regs_pkg::RING_RXC)),
    .rxb_cons, .rxc_prod, .now(now_q),
    .s_axis_rx_tdata, .s_axis_rx_tkeep, .s_axis_rx_tvalid, .s_axis_rx_tready, .s_axis_rx_tlast,
    .m_axi_arvalid(rd_arvalid[M_RX]), .m_axi_arready(rd_arready[M_RX]),
    .m_axi_arid(rd_arid[M_RX*ID_W +: ID_W]), .m_axi_araddr(rd_araddr[M_RX*A_W +: A_W]),
    .m_axi_arlen(rd_arlen[M_RX*8 +: 8]), .m_axi_arsize(rd_arsize[M_RX*3 +: 3]),
    .m_axi_arburst(rd_arburst[M_RX*2 +: 2]), .m_axi_arcache(rd_arcache[M_RX*4 +: 4]),
    .m_axi_arprot(rd_arprot[M_RX*3 +: 3]),
    .m_axi_rvalid(rd_rvalid[M_RX]), .m_axi_rready(rd_rready[M_RX]), .m_axi_rid(rd_rid),
    .m_axi_rresp(rd_rresp), .m_axi_rdata(rd_rdata), .m_axi_rlast(rd_rlast),
    .m_axi_awvalid(wr_awvalid[M_RX]), .m_axi_awready(wr_awready[M_RX]),
    .m_axi_awid(wr_awid[M_RX*ID_W +: ID_W]), .m_axi_awaddr(wr_awaddr[M_RX*A_W +: A_W]),
    .m_axi_awlen(wr_awlen[M_RX*8 +: 8]), .m_axi_awsize(wr_awsize[M_RX*3 +: 3]),
    .m_axi_awburst(wr_awburst[M_RX*2 +: 2]), .m_axi_awcache(wr_awcache[M_RX*4 +: 4]),
    .m_axi_awprot(wr_awprot[M_RX*3 +: 3]),
    .m_axi_wvalid(wr_wvalid[M_RX]), .m_axi_wready(wr_wready[M_RX]),
    .m_axi_wdata(wr_wdata[M_RX*DATA_W +: DATA_W]), .m_axi_wstrb(wr_wstrb[M_RX*STRB_W +: STRB_W]),
    .m_axi_wlast(wr_wlast[M_RX]),
    .m_axi_bvalid(wr_bvalid[M_RX]), .m_axi_bready(wr_bready[M_RX]), .m_axi_bid(wr_bid),
    .m_axi_bresp(wr_bresp),
    .idle(rx_idle), .compl_event(rx_compl_event),
    .cnt_frames_rx(rx_cnt_frames), .cnt_ip_csum_bad(rx_cnt_ip_csum_bad),
    .cnt_tcp_csum_bad(rx_cnt_tcp_csum_bad), .cnt_malformed(rx_cnt_malformed),
    .cnt_malformed_code(rx_cnt_malformed_code), .cnt_rx_drop_no_buffer(rx_cnt_drop_no_buffer),
    .cnt_rx_drop_too_long(rx_cnt_drop_too_long), .cnt_rx_completions(rx_cnt_completions),
    .dma_err_valid(rx_err_valid), .dma_err_addr(rx_err_addr), .dma_err_write(rx_err_write),
    .dma_err_source(rx_err_source));

  assign ring_dev_idx[tcpoe_regs_pkg::RING_TXD*INDEX_W +: INDEX_W] = txd_cons;
  assign ring_dev_idx[tcpoe_regs_pkg::RING_RXB*INDEX_W +: INDEX_W] = rxb_cons;
  assign ring_dev_idx[tcpoe_regs_pkg::RING_TXC*INDEX_W +: INDEX_W] = txc_prod;
  assign ring_dev_idx[tcpoe_regs_pkg::RING_RXC*INDEX_W +: INDEX_W] = rxc_prod;

  // --------------------------------------------------------------------------
  // Interrupts: one moderation vector per completion ring, their messages
  // written by the MSI-X writer.

  logic [VECTORS-1:0]     vec_event, msix_valid, msix_ready;
  logic [VECTORS*A_W-1:0] msix_addr;
  logic [VECTORS*32-1:0]  msix_data;
  logic msix_idle, msix_err_valid, msix_err_write;
  logic [A_W-1:0] msix_err_addr;
  tcpoe_regs_pkg::dma_source_e msix_err_source;

  assign vec_event[tcpoe_regs_pkg::IRQ_VECTOR_TXC] = tx_compl_event;
  assign vec_event[tcpoe_regs_pkg::IRQ_VECTOR_RXC] = rx_compl_event;

  for (genvar v = 0; v < VECTORS; v++) begin : g_vector
    tcpoe_irq_vector u_vector (
      .clk, .rst(engine_rst), .cfg(irq_cfg[v*IRQ_CFG_W +: IRQ_CFG_W]), .event_valid(vec_event[v]),
      .msix_valid(msix_valid[v]), .msix_addr(msix_addr[v*A_W +: A_W]),
      .msix_data(msix_data[v*32 +: 32]), .msix_ready(msix_ready[v]), .fired(irq_fired[v]));
  end

  tcpoe_msix_writer #(.DATA_W(DATA_W), .VECTORS(VECTORS), .ID_W(ID_W)) u_msix (
    .clk, .rst(engine_rst), .stop(soft_reset_busy),
    .msix_valid, .msix_addr, .msix_data, .msix_ready, .idle(msix_idle),
    .dma_err_valid(msix_err_valid), .dma_err_addr(msix_err_addr),
    .dma_err_write(msix_err_write), .dma_err_source(msix_err_source),
    .m_axi_awvalid(wr_awvalid[M_MSIX]), .m_axi_awready(wr_awready[M_MSIX]),
    .m_axi_awid(wr_awid[M_MSIX*ID_W +: ID_W]), .m_axi_awaddr(wr_awaddr[M_MSIX*A_W +: A_W]),
    .m_axi_awlen(wr_awlen[M_MSIX*8 +: 8]), .m_axi_awsize(wr_awsize[M_MSIX*3 +: 3]),
    .m_axi_awburst(wr_awburst[M_MSIX*2 +: 2]), .m_axi_awcache(wr_awcache[M_MSIX*4 +: 4]),
    .m_axi_awprot(wr_awprot[M_MSIX*3 +: 3]),
    .m_axi_wvalid(wr_wvalid[M_MSIX]), .m_axi_wready(wr_wready[M_MSIX]),
    .m_axi_wdata(wr_wdata[M_MSIX*DATA_W +: DATA_W]),
    .m_axi_wstrb(wr_wstrb[M_MSIX*STRB_W +: STRB_W]), .m_axi_wlast(wr_wlast[M_MSIX]),
    .m_axi_bvalid(wr_bvalid[M_MSIX]), .m_axi_bready(wr_bready[M_MSIX]), .m_axi_bid(wr_bid),
    .m_axi_bresp(wr_bresp));

  assign dma_idle = tx_idle && rx_idle && msix_idle;

  // --------------------------------------------------------------------------
  // DMA errors (the first of TX, RX, MSI-X reporting in a cycle) and counters

  always_comb begin
    dma_err_valid = 1'b1;
    dma_err_addr = tx_err_addr;
    dma_err_write = tx_err_write;
    dma_err_source = tx_err_source;
    if (tx_err_valid) begin
      // TX's, as set above
    end else if (rx_err_valid) begin
      dma_err_addr = rx_err_addr;
      dma_err_write = rx_err_write;
      dma_err_source = rx_err_source;
    end else if (msix_err_valid) begin
      dma_err_addr = msix_err_addr;
      dma_err_write = msix_err_write;
      dma_err_source = msix_err_source;
    end else begin
      dma_err_valid = 1'b0;
    end
  end

  always_comb begin
    cnt_inc = '0;
    cnt_inc[tcpoe_regs_pkg::CNT_FRAMES_TX_IDX]         = tx_cnt_frames;
    cnt_inc[tcpoe_regs_pkg::CNT_DESC_REJECTED_IDX]     = tx_cnt_desc_rejected;
    cnt_inc[tcpoe_regs_pkg::CNT_TX_COMPLETIONS_IDX]    = tx_cnt_completions;
    cnt_inc[tcpoe_regs_pkg::CNT_FRAMES_RX_IDX]         = rx_cnt_frames;
    cnt_inc[tcpoe_regs_pkg::CNT_IP_CSUM_BAD_IDX]       = rx_cnt_ip_csum_bad;
    cnt_inc[tcpoe_regs_pkg::CNT_TCP_CSUM_BAD_IDX]      = rx_cnt_tcp_csum_bad;
    cnt_inc[tcpoe_regs_pkg::CNT_MALFORMED_IDX]         = rx_cnt_malformed;
    cnt_inc[tcpoe_regs_pkg::CNT_RX_DROP_NO_BUFFER_IDX] = rx_cnt_drop_no_buffer;
    cnt_inc[tcpoe_regs_pkg::CNT_RX_DROP_TOO_LONG_IDX]  = rx_cnt_drop_too_long;
    cnt_inc[tcpoe_regs_pkg::CNT_RX_COMPLETIONS_IDX]    = rx_cnt_completions;
    cnt_inc[tcpoe_regs_pkg::CNT_DMA_ERRORS_IDX]        = dma_err_valid;
    cnt_inc[tcpoe_regs_pkg::CNT_INTERRUPTS_IDX]        = irq_fired != '0;
    // Malformed code c (1..9) at CNT_MALFORMED_BY_CODE_IDX + c - 1.
    for (int c = 1; c <= 9; c++)
      cnt_inc[tcpoe_regs_pkg::CNT_MALFORMED_BY_CODE_IDX + c - 1] = rx_cnt_malformed_code[c-1];
  end

  // --------------------------------------------------------------------------
  // Onto the one AXI4 port

  tcpoe_axi_mux #(.DATA_W(DATA_W), .ID_W(ID_W), .PREFIX_W(AXI_ID_W - ID_W), .N_RD(N_RD), .N_WR(N_WR)) u_mux (
    .clk, .rst,
    .s_axi_arvalid(rd_arvalid), .s_axi_arready(rd_arready), .s_axi_arid(rd_arid),
    .s_axi_araddr(rd_araddr), .s_axi_arlen(rd_arlen), .s_axi_arsize(rd_arsize),
    .s_axi_arburst(rd_arburst), .s_axi_arcache(rd_arcache), .s_axi_arprot(rd_arprot),
    .s_axi_rvalid(rd_rvalid), .s_axi_rready(rd_rready), .s_axi_rid(rd_rid),
    .s_axi_rdata(rd_rdata), .s_axi_rresp(rd_rresp), .s_axi_rlast(rd_rlast),
    .s_axi_awvalid(wr_awvalid), .s_axi_awready(wr_awready), .s_axi_awid(wr_awid),
    .s_axi_awaddr(wr_awaddr), .s_axi_awlen(wr_awlen), .s_axi_awsize(wr_awsize),
    .s_axi_awburst(wr_awburst), .s_axi_awcache(wr_awcache), .s_axi_awprot(wr_awprot),
    .s_axi_wvalid(wr_wvalid), .s_axi_wready(wr_wready), .s_axi_wdata(wr_wdata),
    .s_axi_wstrb(wr_wstrb), .s_axi_wlast(wr_wlast),
    .s_axi_bvalid(wr_bvalid), .s_axi_bready(wr_bready), .s_axi_bid(wr_bid), .s_axi_bresp(wr_bresp),
    .m_axi_arvalid, .m_axi_arready, .m_axi_arid, .m_axi_araddr, .m_axi_arlen, .m_axi_arsize,
    .m_axi_arburst, .m_axi_arcache, .m_axi_arprot,
    .m_axi_rvalid, .m_axi_rready, .m_axi_rid, .m_axi_rdata, .m_axi_rresp, .m_axi_rlast,
    .m_axi_awvalid, .m_axi_awready, .m_axi_awid, .m_axi_awaddr, .m_axi_awlen, .m_axi_awsize,
    .m_axi_awburst, .m_axi_awcache, .m_axi_awprot,
    .m_axi_wvalid, .m_axi_wready, .m_axi_wdata, .m_axi_wstrb, .m_axi_wlast,
    .m_axi_bvalid, .m_axi_bready, .m_axi_bid, .m_axi_bresp);

endmodule

// N_RD read masters and N_WR write masters of AXI4 onto one AXI4 master port
// (the device's host memory interface). Each master's IDs go out prefixed
// with its index (ID = {index, id}), so R and B come back to the master whose
// index the ID carries, in whatever order the slave interleaves them.
//
// - AR and AW: round-robin between masters with a request up, one address
//   handshake (one burst) at a time; a choice shown downstream stays until it
//   is taken (tcpoe_rr_arbiter).
// - W: the bursts' data go out in the order their AWs were granted (a queue
//   of the granted indices, W_QUEUE deep; AW waits while it is full), the
//   head master's beats passed through up to its WLAST, so bursts never mix.
//   A master may raise WVALID before its AW (AXI allows it); its beats wait.
// - R and B: the payload (ID without the prefix, data, resp, last) goes to
//   every master at once; only the addressed master sees VALID, and READY
//   comes from it.
//
// Ports carry the masters as flat vectors, master m's field at [m*W +: W].
module tcpoe_axi_mux #(
  parameter int DATA_W   = 64,
  parameter int ID_W     = 4,   // the masters' ID width
  parameter int PREFIX_W = 2,   // the mux adds this many ID bits: N_RD, N_WR <= 2^PREFIX_W
  parameter int N_RD     = 2,
  parameter int N_WR     = 3,
  parameter int W_QUEUE  = 8,   // AWs granted whose data have not all gone
  localparam int OUT_ID_W = ID_W + PREFIX_W,
  localparam int A_W      = tcpoe_dev_pkg::ADDR_W,
  localparam int STRB_W   = DATA_W / 8
) (
  input  logic                     clk,
  input  logic                     rst,  // synchronous, active high

  // Read masters.
  input  logic [N_RD-1:0]          s_axi_arvalid,
  output logic [N_RD-1:0]          s_axi_arready,
  input  logic [N_RD*ID_W-1:0]     s_axi_arid,
  input  logic [N_RD*A_W-1:0]      s_axi_araddr,
  input  logic [N_RD*8-1:0]        s_axi_arlen,
  input  logic [N_RD*3-1:0]        s_axi_arsize,
  input  logic [N_RD*2-1:0]        s_axi_arburst,
  input  logic [N_RD*4-1:0]        s_axi_arcache,
  input  logic [N_RD*3-1:0]        s_axi_arprot,
  output logic [N_RD-1:0]          s_axi_rvalid,
  input  logic [N_RD-1:0]          s_axi_rready,
  output logic [ID_W-1:0]          s_axi_rid,    // to every read master
  output logic [DATA_W-1:0]        s_axi_rdata,
  output logic [1:0]               s_axi_rresp,
  output logic                     s_axi_rlast,

  // Write masters.
  input  logic [N_WR-1:0]          s_axi_awvalid,
  output logic [N_WR-1:0]          s_axi_awready,
  input  logic [N_WR*ID_W-1:0]     s_axi_awid,
  input  logic [N_WR*A_W-1:0]      s_axi_awaddr,
  input  logic [N_WR*8-1:0]        s_axi_awlen,
  input  logic [N_WR*3-1:0]        s_axi_awsize,
  input  logic [N_WR*2-1:0]        s_axi_awburst,
  input  logic [N_WR*4-1:0]        s_axi_awcache,
  input  logic [N_WR*3-1:0]        s_axi_awprot,
  input  logic [N_WR-1:0]          s_axi_wvalid,
  output logic [N_WR-1:0]          s_axi_wready,
  input  logic [N_WR*DATA_W-1:0]   s_axi_wdata,
  input  logic [N_WR*STRB_W-1:0]   s_axi_wstrb,
  input  logic [N_WR-1:0]          s_axi_wlast,
  output logic [N_WR-1:0]          s_axi_bvalid,
  input  logic [N_WR-1:0]          s_axi_bready,
  output logic [ID_W-1:0]          s_axi_bid,    // to every write master
  output logic [1:0]               s_axi_bresp,

  // The one master port.
  output logic                     m_axi_arvalid,
  input  logic                     m_axi_arready,
  output logic [OUT_ID_W-1:0]      m_axi_arid,
  output logic [A_W-1:0]           m_axi_araddr,
  output logic [7:0]               m_axi_arlen,
  output logic [2:0]               m_axi_arsize,
  output logic [1:0]               m_axi_arburst,
  output logic [3:0]               m_axi_arcache,
  output logic [2:0]               m_axi_arprot,
  input  logic                     m_axi_rvalid,
  output logic                     m_axi_rready,
  input  logic [OUT_ID_W-1:0]      m_axi_rid,
  input  logic [DATA_W-1:0]        m_axi_rdata,
  input  logic [1:0]               m_axi_rresp,
  input  logic                     m_axi_rlast,
  output logic                     m_axi_awvalid,
  input  logic                     m_axi_awready,
  output logic [OUT_ID_W-1:0]      m_axi_awid,
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
  input  logic [OUT_ID_W-1:0]      m_axi_bid,
  input  logic [1:0]               m_axi_bresp
);
  localparam int RD_SEL_W = N_RD > 1 ? $clog2(N_RD) : 1;
  localparam int WR_SEL_W = N_WR > 1 ? $clog2(N_WR) : 1;

  // ---- AR: one master's address at a time, round robin.
  logic [RD_SEL_W-1:0] ar_sel;
  logic                ar_any, ar_take;

  tcpoe_rr_arbiter #(.N(N_RD)) u_ar_arb (
    .clk, .rst, .req(s_axi_arvalid), .shown(m_axi_arvalid), .take(ar_take),
    .sel(ar_sel), .any(ar_any));

  assign m_axi_arvalid = ar_any && s_axi_arvalid[ar_sel];
  assign ar_take = m_axi_arvalid && m_axi_arready;
  assign m_axi_arid    = {PREFIX_W'(ar_sel), s_axi_arid[ar_sel*ID_W +: ID_W]};
  assign m_axi_araddr  = s_axi_araddr[ar_sel*A_W +: A_W];
  assign m_axi_arlen   = s_axi_arlen[ar_sel*8 +: 8];
  assign m_axi_arsize  = s_axi_arsize[ar_sel*3 +: 3];
  assign m_axi_arburst = s_axi_arburst[ar_sel*2 +: 2];
  assign m_axi_arcache = s_axi_arcache[ar_sel*4 +: 4];
  assign m_axi_arprot  = s_axi_arprot[ar_sel*3 +: 3];
  always_comb begin
    s_axi_arready = '0;
    s_axi_arready[ar_sel] = ar_take;
  end

  // ---- R: back to the master the ID's prefix names.
  logic [PREFIX_W-1:0] r_dest;
  assign r_dest = m_axi_rid[OUT_ID_W-1 -: PREFIX_W];
  always_comb begin
    s_axi_rvalid = '0;
    m_axi_rready = 1'b0;
    for (int m = 0; m < N_RD; m++) begin
      if (r_dest == PREFIX_W'(m)) begin
        s_axi_rvalid[m] = m_axi_rvalid;
        m_axi_rready = s_axi_rready[m];
      end
    end
  end
  assign s_axi_rid   = m_axi_rid[ID_W-1:0];
  assign s_axi_rdata = m_axi_rdata;
  assign s_axi_rresp = m_axi_rresp;
  assign s_axi_rlast = m_axi_rlast;

  // ---- AW: round robin, each grant queued for W.
  logic [WR_SEL_W-1:0] aw_sel, w_sel;
  logic                aw_any, aw_take, wq_full, w_any, w_pop;
  logic [$clog2(W_QUEUE + 1)-1:0] wq_count;

  tcpoe_rr_arbiter #(.N(N_WR)) u_aw_arb (
    .clk, .rst, .req(s_axi_awvalid), .shown(m_axi_awvalid), .take(aw_take),
    .sel(aw_sel), .any(aw_any));

  // The queue fills only on aw_take, so AWVALID, once up, stays up.
  assign m_axi_awvalid = aw_any && s_axi_awvalid[aw_sel] && !wq_full;
  assign aw_take = m_axi_awvalid && m_axi_awready;
  assign m_axi_awid    = {PREFIX_W'(aw_sel), s_axi_awid[aw_sel*ID_W +: ID_W]};
  assign m_axi_awaddr  = s_axi_awaddr[aw_sel*A_W +: A_W];
  assign m_axi_awlen   = s_axi_awlen[aw_sel*8 +: 8];
  assign m_axi_awsize  = s_axi_awsize[aw_sel*3 +: 3];
  assign m_axi_awburst = s_axi_awburst[aw_sel*2 +: 2];
  assign m_axi_awcache = s_axi_awcache[aw_sel*4 +: 4];
  assign m_axi_awprot  = s_axi_awprot[aw_sel*3 +: 3];
  always_comb begin
    s_axi_awready = '0;
    s_axi_awready[aw_sel] = aw_take;
  end

  tcpoe_fifo #(.W(WR_SEL_W), .DEPTH(W_QUEUE)) u_w_order (
    .clk, .rst, .push(aw_take), .push_data(aw_sel), .pop(w_pop),
    .head(w_sel), .count(wq_count), .full(wq_full));

  // ---- W: the oldest granted burst's beats, through its WLAST.
  assign w_any = wq_count != '0;
  assign m_axi_wvalid = w_any && s_axi_wvalid[w_sel];
  assign m_axi_wdata  = s_axi_wdata[w_sel*DATA_W +: DATA_W];
  assign m_axi_wstrb  = s_axi_wstrb[w_sel*STRB_W +: STRB_W];
  assign m_axi_wlast  = s_axi_wlast[w_sel];
  assign w_pop = m_axi_wvalid && m_axi_wready && m_axi_wlast;
  always_comb begin
    s_axi_wready = '0;
    s_axi_wready[w_sel] = w_any && m_axi_wready;
  end

  // ---- B: back to the master the ID's prefix names.
  logic [PREFIX_W-1:0] b_dest;
  assign b_dest = m_axi_bid[OUT_ID_W-1 -: PREFIX_W];
  always_comb begin
    s_axi_bvalid = '0;
    m_axi_bready = 1'b0;
    for (int m = 0; m < N_WR; m++) begin
      if (b_dest == PREFIX_W'(m)) begin
        s_axi_bvalid[m] = m_axi_bvalid;
        m_axi_bready = s_axi_bready[m];
      end
    end
  end
  assign s_axi_bid   = m_axi_bid[ID_W-1:0];
  assign s_axi_bresp = m_axi_bresp;

  if (N_RD < 1 || N_WR < 1 || N_RD > (1 << PREFIX_W) || N_WR > (1 << PREFIX_W)) begin : g_bad_n
    $error("tcpoe_axi_mux: N_RD and N_WR must be 1..2^PREFIX_W");
  end

endmodule

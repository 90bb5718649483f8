// The DMA engine's read side: an AXI4 read master that fetches host memory
// for its clients. A command (host address, length in octets, tag) in; the
// octets out on m_axis in command order, each in its memory lane (octet a on
// lane a mod DATA_W/8): the first beat keeps the lanes from the address's
// lane up, the last beat the lanes up to the lane of the command's last
// octet, every beat between all lanes; tlast on its last beat, tuser = its
// tag; then one status per command, in the same order (tag, error). A
// command aligned to DATA_W/8 octets is thus packed from lane 0.
//
// Commands: any address, a length of 1..MAX_LEN; a longer or empty command is
// refused: its status says error, it reads nothing and sends no beat. A
// command reads from its address rounded down to the beat, the
// ceil((address mod DATA_W/8 + length) / (DATA_W/8)) beats its octets touch,
// cut into INCR bursts of full beats (ARSIZE = DATA_W/8 octets) of at most
// MAX_BURST beats, none crossing a 4 KB boundary (AXI forbids it); the octets
// of those beats outside the command are read but not kept. An RRESP of
// SLVERR or DECERR on any beat makes the command's status an error; its beats
// are still sent as they came.
//
// IDs: every burst carries the same ARID (0), so the slave returns the bursts
// in the order they were asked for (AXI keeps one ID's responses in order)
// and the data can go straight from R to m_axis, one beat per clock, without
// a reorder buffer. Distinct IDs would let an interconnect reorder bursts
// from different slaves, which host memory behind one PCIe link does not
// need, at the cost of OUTSTANDING * MAX_BURST beats of buffering. Up to
// OUTSTANDING bursts are asked for before their last beat comes back, which
// hides the slave's latency: with OUTSTANDING * MAX_BURST beats at least the
// latency in cycles, long reads run at one beat per clock.
//
// Constant AR fields: ARCACHE = 4'b0010, Normal Non-cacheable Non-bufferable
// (the data must come from host memory itself, never from a buffer on the way,
// since the host changes it between reads); ARPROT = 3'b010, data, non-secure,
// unprivileged; ARBURST = INCR.
//
// Timing: a command is taken when the previous one has asked for all its
// bursts; m_axi_rready follows m_axis_tready in the same cycle (no register
// between R and m_axis). A status waits in one register for sts_ready; while
// it waits, the next command's last beat waits too.
module tcpoe_dma_rd #(
  parameter int DATA_W      = 64,
  parameter int MAX_LEN     = 9216 + 64,  // octets per command
  parameter int MAX_BURST   = 64,         // beats per burst, 1..256
  parameter int OUTSTANDING = 8,          // bursts asked for and not yet all back
  parameter int TAG_W       = 8,
  parameter int ID_W        = 4
) (
  input  logic                                clk,
  input  logic                                rst,  // synchronous, active high
  // Commands.
  input  logic                                cmd_valid,
  output logic                                cmd_ready,
  input  logic [tcpoe_dev_pkg::ADDR_W-1:0]    cmd_addr,
  input  logic [$clog2(MAX_LEN + 1)-1:0]      cmd_len,
  input  logic [TAG_W-1:0]                    cmd_tag,
  // The octets read, per command.
  output logic                                m_axis_tvalid,
  input  logic                                m_axis_tready,
  output logic [DATA_W-1:0]                   m_axis_tdata,
  output logic [DATA_W/8-1:0]                 m_axis_tkeep,
  output logic                                m_axis_tlast,
  output logic [TAG_W-1:0]                    m_axis_tuser,
  // One status per command, after its last beat.
  output logic                                sts_valid,
  input  logic                                sts_ready,
  output logic [TAG_W-1:0]                    sts_tag,
  output logic                                sts_error,
  // AXI4 read address and data channels.
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
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [ID_W-1:0]                     m_axi_rid,   // always ARID: see above
  input  logic [1:0]                          m_axi_rresp, // bit 0 (EXOKAY, DECERR vs SLVERR) unused
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [DATA_W-1:0]                   m_axi_rdata,
  input  logic                                m_axi_rlast
);

  localparam int BYTES    = DATA_W / 8;
  localparam int LANE_W   = $clog2(BYTES);
  localparam int LEN_W    = $clog2(MAX_LEN + 1);
  localparam int BEATS_W  = LEN_W;  // a command's beats, never more than its octets
  localparam int OUT_W    = $clog2(OUTSTANDING + 1);
  localparam int DEPTH    = OUTSTANDING;  // commands waiting for their data
  // A command waiting for its data: refused, tag, beats, its first and last octets' lanes.
  localparam int REC_W    = 1 + TAG_W + BEATS_W + 2 * LANE_W;

  // ---- Commands taken: checked, queued for the R side, cut into bursts.
  logic                     cmd_ok, cmd_take, ar_busy, rec_full, rec_pop;
  logic [BEATS_W-1:0]       cmd_beats;
  logic [OUT_W-1:0]         outstanding_q;
  logic                     ar_take, r_burst_done;
  logic [REC_W-1:0]         rec_head;
  logic [$clog2(DEPTH + 1)-1:0] rec_count;

  assign cmd_ready = !ar_busy && !rec_full;
  assign cmd_take = cmd_valid && cmd_ready;

  /* verilator lint_off PINCONNECTEMPTY */  // the last burst needs no mark here
  tcpoe_dma_bursts #(.DATA_W(DATA_W), .MAX_LEN(MAX_LEN), .MAX_BURST(MAX_BURST), .ANY_ADDR(1'b1)) u_bursts (
    .clk, .rst, .cmd_addr, .cmd_len, .ok(cmd_ok), .beats(cmd_beats),
    .load(cmd_take && cmd_ok), .busy(ar_busy), .addr(m_axi_araddr), .len(m_axi_arlen),
    .last(), .take(ar_take));
  /* verilator lint_on PINCONNECTEMPTY */

  assign m_axi_arvalid = ar_busy && outstanding_q != OUT_W'(OUTSTANDING);
  assign m_axi_arid    = '0;
  assign m_axi_arsize  = 3'(LANE_W);
  assign m_axi_arburst = 2'b01;    // INCR
  assign m_axi_arcache = 4'b0010;  // Normal Non-cacheable Non-bufferable
  assign m_axi_arprot  = 3'b010;   // data, non-secure, unprivileged
  assign ar_take = m_axi_arvalid && m_axi_arready;

  always_ff @(posedge clk) begin
    if (rst) outstanding_q <= '0;
    else outstanding_q <= outstanding_q + OUT_W'(ar_take) - OUT_W'(r_burst_done);
  end

  // ---- The commands waiting for their data, oldest first.
  logic [LANE_W-1:0] cmd_end_lane;
  assign cmd_end_lane = cmd_addr[LANE_W-1:0] + cmd_len[LANE_W-1:0] - LANE_W'(1);

  tcpoe_fifo #(.W(REC_W), .DEPTH(DEPTH)) u_waiting (
    .clk, .rst, .push(cmd_take),
    .push_data({!cmd_ok, cmd_tag, cmd_beats, cmd_addr[LANE_W-1:0], cmd_end_lane}),
    .pop(rec_pop), .head(rec_head), .count(rec_count), .full(rec_full));

  // ---- R to m_axis: the oldest command's beats, then its status.
  logic                     head_valid, head_refused;
  logic [TAG_W-1:0]         head_tag;
  logic [BEATS_W-1:0]       head_beats;
  logic [LANE_W-1:0]        head_first_lane, head_end_lane;
  logic [BEATS_W-1:0]       r_beat_q;       // beats of the head sent
  logic                     r_error_q;      // an error response among them
  logic                     head_last_beat, sts_free, beat_take, status_set;

  assign head_valid = rec_count != '0;
  assign {head_refused, head_tag, head_beats, head_first_lane, head_end_lane} = rec_head;
  assign head_last_beat = r_beat_q == head_beats - BEATS_W'(1);
  // sts_free is registered only, so m_axis_tvalid never falls before its handshake.

  assign m_axis_tvalid = head_valid && !head_refused && m_axi_rvalid && (!head_last_beat || sts_free);
  assign m_axi_rready  = head_valid && !head_refused && m_axis_tready && (!head_last_beat || sts_free);
  assign m_axis_tdata  = m_axi_rdata;
  assign m_axis_tlast  = head_last_beat;
  assign m_axis_tuser  = head_tag;
  assign m_axis_tkeep  = (r_beat_q == '0 ? {BYTES{1'b1}} << head_first_lane : {BYTES{1'b1}}) &
                         (head_last_beat ? {BYTES{1'b1}} >> (LANE_W'(BYTES - 1) - head_end_lane)
                                         : {BYTES{1'b1}});
  assign beat_take = m_axis_tvalid && m_axis_tready;
  assign r_burst_done = beat_take && m_axi_rlast;

  // A command is done at its last beat, or at once when it was refused.
  assign status_set = (beat_take && head_last_beat) || (head_valid && head_refused && sts_free);
  assign rec_pop = status_set;

  always_ff @(posedge clk) begin
    if (rst) begin
      r_beat_q <= '0;
      r_error_q <= 1'b0;
    end else if (beat_take) begin
      r_beat_q <= head_last_beat ? '0 : r_beat_q + BEATS_W'(1);
      r_error_q <= head_last_beat ? 1'b0 : r_error_q || m_axi_rresp[1];
    end
  end

  tcpoe_dma_status #(.TAG_W(TAG_W)) u_status (
    .clk, .rst, .done(status_set), .done_tag(head_tag),
    .done_error(head_refused || r_error_q || m_axi_rresp[1]),
    .free(sts_free), .sts_valid, .sts_ready, .sts_tag, .sts_error);

  // DATA_W and MAX_BURST are checked in tcpoe_dma_bursts.
  if (OUTSTANDING < 1) begin : g_bad_outstanding
    $error("tcpoe_dma_rd: OUTSTANDING must be at least 1");
  end

endmodule

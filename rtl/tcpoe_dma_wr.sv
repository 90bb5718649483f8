// The DMA engine's write side: an AXI4 write master that stores its
// clients' octets in host memory. A command (host address, length in octets,
// tag) in, and its octets as one packet on s_axis: packed from lane 0, every
// beat but the last keeping all lanes, the last keeping lanes 0..n-1, tlast on
// it. One status per command comes out, in command order, once every burst
// of it has its B response (tag, error).
//
// Commands follow tcpoe_dma_bursts' rules (address aligned to DATA_W/8, length
// 1..MAX_LEN); a refused command writes nothing: its packet is read and
// dropped up to its tlast and its status says error. A fine command is cut
// into INCR bursts of at most MAX_BURST beats, none crossing 4 KB; WSTRB is
// the beat's tkeep within the command's octets, so nothing past them is
// written. A BRESP of SLVERR or DECERR on any of its bursts, or a packet that
// does not fit its length (tlast or tkeep not where the length puts them),
// makes its status an error; the beats are counted by the length either way.
//
// IDs: every burst has AWID 0, so the B responses come back in order (one
// ID's responses stay in order) and one queue of bursts waiting for B pairs
// each with its command, without reordering. Up to OUTSTANDING bursts are
// sent before their B responses come. W beats follow their burst's AW (never
// before it), straight from s_axis (wready to s_axis_tready in one cycle).
//
// Constant AW fields: AWCACHE = 4'b0010, Normal Non-cacheable Non-bufferable
// (the B response means the octets are in host memory, where the host reads
// them when the completion's interrupt comes); AWPROT = 3'b010, data,
// non-secure, unprivileged; AWBURST = INCR.
module tcpoe_dma_wr #(
  parameter int DATA_W      = 64,
  parameter int MAX_LEN     = 9216 + 64,  // octets per command
  parameter int MAX_BURST   = 64,         // beats per burst, 1..256
  parameter int OUTSTANDING = 8,          // bursts sent and not yet answered
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
  // The octets to write, one packet per command.
  input  logic                                s_axis_tvalid,
  output logic                                s_axis_tready,
  input  logic [DATA_W-1:0]                   s_axis_tdata,
  input  logic [DATA_W/8-1:0]                 s_axis_tkeep,
  input  logic                                s_axis_tlast,
  // One status per command, after its last B response.
  output logic                                sts_valid,
  input  logic                                sts_ready,
  output logic [TAG_W-1:0]                    sts_tag,
  output logic                                sts_error,
  // AXI4 write address, data and response channels.
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
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [ID_W-1:0]                     m_axi_bid,   // always AWID: see above
  input  logic [1:0]                          m_axi_bresp  // bit 0 (EXOKAY, DECERR vs SLVERR) unused
  /* verilator lint_on UNUSEDSIGNAL */
);

  localparam int BYTES  = DATA_W / 8;
  localparam int LANE_W = $clog2(BYTES);
  localparam int OUT_W  = $clog2(OUTSTANDING + 1);
  localparam int DEPTH  = OUTSTANDING;
  localparam int CNT_W  = $clog2(DEPTH + 1);
  // A burst (or a refused command) for the W side: drop the packet, beats,
  // the command's last burst, octets in the command's last beat (0: all).
  localparam int WREC_W = 1 + 9 + 1 + LANE_W;
  // A burst (or a refused command) waiting for its B response: refused, the
  // command's last burst, tag.
  localparam int BREC_W = 1 + 1 + TAG_W;

  // ---- Commands taken, cut into bursts; each burst queued for W and for B.
  logic                 cmd_ok, cmd_take, aw_busy, aw_last, aw_take;
  logic [TAG_W-1:0]     cur_tag_q;
  logic [LANE_W-1:0]    cur_last_octets_q;
  logic [OUT_W-1:0]     outstanding_q;
  logic                 wq_full, bq_full, wq_pop, bq_pop, b_take;
  logic [CNT_W-1:0]     wq_count, bq_count;
  logic [WREC_W-1:0]    wq_head;
  logic [BREC_W-1:0]    bq_head;

  assign cmd_ready = !aw_busy && !wq_full && !bq_full;
  assign cmd_take = cmd_valid && cmd_ready;

  /* verilator lint_off PINCONNECTEMPTY */  // the W queue counts beats per burst
  tcpoe_dma_bursts #(.DATA_W(DATA_W), .MAX_LEN(MAX_LEN), .MAX_BURST(MAX_BURST)) u_bursts (
    .clk, .rst, .cmd_addr, .cmd_len, .ok(cmd_ok), .beats(),
    .load(cmd_take && cmd_ok), .busy(aw_busy), .addr(m_axi_awaddr), .len(m_axi_awlen),
    .last(aw_last), .take(aw_take));
  /* verilator lint_on PINCONNECTEMPTY */

  // The queues fill only here, so AWVALID stays up until its handshake.
  assign m_axi_awvalid = aw_busy && outstanding_q != OUT_W'(OUTSTANDING) && !wq_full && !bq_full;
  assign m_axi_awid    = '0;
  assign m_axi_awsize  = 3'(LANE_W);
  assign m_axi_awburst = 2'b01;    // INCR
  assign m_axi_awcache = 4'b0010;  // Normal Non-cacheable Non-bufferable
  assign m_axi_awprot  = 3'b010;   // data, non-secure, unprivileged
  assign aw_take = m_axi_awvalid && m_axi_awready;

  always_ff @(posedge clk) begin
    if (cmd_take) begin
      cur_tag_q <= cmd_tag;
      cur_last_octets_q <= cmd_len[LANE_W-1:0];
    end
  end

  always_ff @(posedge clk) begin
    if (rst) outstanding_q <= '0;
    else outstanding_q <= outstanding_q + OUT_W'(aw_take) - OUT_W'(b_take);
  end

  // A refused command goes in both queues at once, with no burst.
  logic             refused_take;
  logic [WREC_W-1:0] wq_in;
  logic [BREC_W-1:0] bq_in;
  assign refused_take = cmd_take && !cmd_ok;
  assign wq_in = refused_take ? {1'b1, 9'd0, 1'b1, LANE_W'(0)}
                              : {1'b0, 9'({1'b0, m_axi_awlen} + 9'd1), aw_last, cur_last_octets_q};
  assign bq_in = refused_take ? {1'b1, 1'b1, cmd_tag} : {1'b0, aw_last, cur_tag_q};

  tcpoe_fifo #(.W(WREC_W), .DEPTH(DEPTH)) u_wq (
    .clk, .rst, .push(aw_take || refused_take), .push_data(wq_in), .pop(wq_pop),
    .head(wq_head), .count(wq_count), .full(wq_full));
  tcpoe_fifo #(.W(BREC_W), .DEPTH(DEPTH)) u_bq (
    .clk, .rst, .push(aw_take || refused_take), .push_data(bq_in), .pop(bq_pop),
    .head(bq_head), .count(bq_count), .full(bq_full));

  // ---- W: each queued burst's beats from s_axis, or a refused packet dropped.
  logic              w_drop, w_cmd_last, w_valid, w_last, w_cmd_end, beat_take;
  logic [8:0]        w_beats;
  logic [LANE_W-1:0] w_last_octets;
  logic [7:0]        w_beat_q;     // beats of the head burst sent
  logic              w_error_q;    // the command's packet broke its length so far
  logic [BYTES-1:0]  want_keep;    // the command's octets in this beat
  logic              beat_bad, done_push, done_head, done_pop;
  logic [CNT_W-1:0]  done_count;

  assign {w_drop, w_beats, w_cmd_last, w_last_octets} = wq_head;
  assign w_valid = wq_count != '0;
  assign w_last = !w_drop && 9'(w_beat_q) == w_beats - 9'd1;
  assign w_cmd_end = w_drop ? s_axis_tlast : w_last && w_cmd_last;  // the command's last beat
  assign want_keep = w_cmd_end && w_last_octets != '0 ?
                     ~({BYTES{1'b1}} << w_last_octets) : {BYTES{1'b1}};

  assign m_axi_wvalid  = w_valid && !w_drop && s_axis_tvalid;
  assign s_axis_tready = w_valid && (w_drop || m_axi_wready);
  assign m_axi_wdata   = s_axis_tdata;
  assign m_axi_wstrb   = s_axis_tkeep & want_keep;
  assign m_axi_wlast   = w_last;
  assign beat_take = s_axis_tvalid && s_axis_tready;
  assign beat_bad = !w_drop && (s_axis_tkeep != want_keep || s_axis_tlast != w_cmd_end);
  assign wq_pop = beat_take && (w_drop ? s_axis_tlast : w_last);
  assign done_push = beat_take && w_cmd_end;

  always_ff @(posedge clk) begin
    if (rst) begin
      w_beat_q <= '0;
      w_error_q <= 1'b0;
    end else if (beat_take) begin
      w_beat_q <= wq_pop ? '0 : w_beat_q + 8'd1;
      w_error_q <= done_push ? 1'b0 : w_error_q || beat_bad;
    end
  end

  // Commands whose packet has gone (each still has its entry in the B queue,
  // so this never holds more than DEPTH): whether it broke its length.
  /* verilator lint_off PINCONNECTEMPTY */
  tcpoe_fifo #(.W(1), .DEPTH(DEPTH)) u_done (
    .clk, .rst, .push(done_push), .push_data(w_drop || w_error_q || beat_bad), .pop(done_pop),
    .head(done_head), .count(done_count), .full());
  /* verilator lint_on PINCONNECTEMPTY */

  // ---- B: each burst's response; a command's status after its last one.
  logic              b_refused, b_cmd_last, b_error_q, sts_free, status_set;
  logic [TAG_W-1:0]  b_tag;

  assign {b_refused, b_cmd_last, b_tag} = bq_head;
  assign m_axi_bready = bq_count != '0 && !b_refused &&
                        (!b_cmd_last || (sts_free && done_count != '0));
  assign b_take = m_axi_bvalid && m_axi_bready;
  assign status_set = (b_take && b_cmd_last) ||
                      (bq_count != '0 && b_refused && sts_free && done_count != '0);
  assign bq_pop = b_take || status_set;
  assign done_pop = status_set;

  always_ff @(posedge clk) begin
    if (rst) b_error_q <= 1'b0;
    else if (b_take) b_error_q <= b_cmd_last ? 1'b0 : b_error_q || m_axi_bresp[1];
  end

  tcpoe_dma_status #(.TAG_W(TAG_W)) u_status (
    .clk, .rst, .done(status_set), .done_tag(b_tag),
    .done_error(b_refused || done_head || b_error_q || m_axi_bresp[1]),
    .free(sts_free), .sts_valid, .sts_ready, .sts_tag, .sts_error);

endmodule

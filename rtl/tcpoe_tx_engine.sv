// The device's TX engine: TX descriptors from the host's TXD ring, their
// payloads from host memory, through the header builder (tcp_tx_builder) to
// the MAC's m_axis_tx, and one TX completion per descriptor into the TXC
// ring (formats and ring rules: docs/register-map.md). A self-contained AXI4
// master: one DMA read master (descriptors and payloads) and one DMA write
// master (completions, index write-backs), both with ARID/AWID 0, so each
// channel's responses come back in order.
//
// The path, in descriptor order throughout:
//   fetch    (tcpoe_tx_fetch) batches of up to FETCH_BATCH 128-octet TXD
//            entries (the descriptor, then a gather list of 4 parts: host
//            address, length), room claimed before the read; TXD CONS moves
//            when a batch's read is answered (the entries are then the
//            engine's).
//   check    each descriptor: payload_len > MAX_PAYLOAD: PAYLOAD_TOO_LONG;
//            the parts' lengths not adding up to payload_len: DESC_REJECTED;
//            its fetch failed: DMA_ERROR; none of these are read or sent.
//            Otherwise each part of nonzero length is read, in order, one
//            read each from any octet address (a tag bit marks the last),
//            room for the packed payload (ceil(payload_len / (DATA_W/8))
//            beats) claimed in the payload queue with the first read, so no
//            read data ever waits long on AXI.
//   gather   (tcpoe_tx_gather) the parts' beats, octets in their memory
//            lanes, joined into one packet packed from lane 0, into the
//            payload queue.
//   release  once its reads are answered: all OK, the descriptor goes to the
//            builder and its payload follows from the queue; one failed
//            (SLVERR/DECERR): the whole payload is dropped, DMA_ERROR (the
//            error register: the first failed part's address), not sent.
//   outcome  the builder, for each descriptor it took, in order: the frame's
//            last beat left (OK), or stat_bad_desc or stat_bad_payload moved
//            (DESC_REJECTED: e.g. window scale above 14).
//   complete (tcpoe_tx_writer) one completion per descriptor in order, when
//            the TXC ring has room (else the engine waits: nothing is
//            overwritten); TXC PROD moves when its write is answered; then
//            `compl_event` (answered OK) and the write-backs.
// Timestamps: the cycle (`now`) the frame's last beat left, or, for a
// descriptor refused or failed before the builder, the cycle it was released
// as such, or the previous completion's timestamp if that is later (a frame
// sent before it may end after), so timestamps never decrease along the ring.
//
// Enable and reset: work is taken while `enable` and both rings are
// enabled. When one of them falls the engine stops: no new DMA command; the
// commands already taken finish on AXI and what they return is thrown away;
// a frame already started on m_axis_tx (or a beat offered) is sent to its
// end; then, with nothing outstanding, every queue and index is cleared and
// the engine waits for the next enable (a new enable before that does not
// resume the old work). `idle`: no DMA command outstanding (asked for and
// not answered) and no frame part-way on m_axis_tx. The indices read 0 while
// their ring is disabled.
//
// Counters (one-cycle pulses): cnt_frames_tx per frame's last beat on
// m_axis_tx; cnt_desc_rejected per completion with DESC_REJECTED or
// PAYLOAD_TOO_LONG, as it is taken for writing; cnt_tx_completions with
// compl_event, per completion answered OK. dma_err_*: one pulse per failed
// command (a TXD fetch, a descriptor's part reads, a completion write, a
// write-back) with its host address; a failed completion write still moves TXC PROD (its
// entry is lost, the error register says where).
//
// Timing: m_axis_tx is the builder's port (3 cycles from a descriptor to its
// first beat), gated only while stopping; read data is taken as it comes
// (rready follows the slave) but for one clock at the end of a payload whose
// last octets need one more packed beat (the gather holds its input); a
// packed beat reaches the payload queue one clock after its last octets; a
// descriptor reaches the builder at the earliest the cycle after its last
// part read's status, its
// payload from the payload queue (a block RAM with a registered read) behind
// it; a completion's write
// is asked for 3 cycles after its frame's last beat when the writer is free,
// and the writer asks for one write at a time (its command, then its 1 or 2
// beats; the next is chosen as the last beat goes), completions and
// write-backs alike.
//
// Limits: at most 2 * FETCH_BATCH descriptors fetched and not yet released,
// DMA_OUTSTANDING descriptors with part reads between check and release,
// DMA_OUTSTANDING + 2 part reads asked for and not answered, room for two
// largest payloads in the payload queue (block RAM), 8 descriptors in the
// builder or waiting for their completion.
module tcpoe_tx_engine #(
  parameter int DATA_W          = 64,
  parameter int MAX_PAYLOAD     = 2048,  // the builder's PAYLOAD_DEPTH
  parameter int FETCH_BATCH     = 8,     // TX descriptors per fetch, at most
  parameter int DMA_MAX_BURST   = 64,
  parameter int DMA_OUTSTANDING = 8,
  parameter int ID_W            = 4
) (
  input  logic                                    clk,
  input  logic                                    rst,  // synchronous, active high
  input  logic                                    enable,
  input  logic [tcpoe_dev_pkg::RING_CFG_W-1:0]    txd_cfg,  // a tcpoe_dev_pkg::ring_cfg_t
  input  logic [tcpoe_dev_pkg::RING_CFG_W-1:0]    txc_cfg,
  output logic [tcpoe_dev_pkg::INDEX_W-1:0]       txd_cons,
  output logic [tcpoe_dev_pkg::INDEX_W-1:0]       txc_prod,
  input  logic [63:0]                             now,
  // To the MAC.
  output logic [DATA_W-1:0]                       m_axis_tx_tdata,
  output logic [DATA_W/8-1:0]                     m_axis_tx_tkeep,
  output logic                                    m_axis_tx_tvalid,
  input  logic                                    m_axis_tx_tready,
  output logic                                    m_axis_tx_tlast,
  // AXI4 master to host memory.
  output logic                                    m_axi_arvalid,
  input  logic                                    m_axi_arready,
  output logic [ID_W-1:0]                         m_axi_arid,
  output logic [tcpoe_dev_pkg::ADDR_W-1:0]        m_axi_araddr,
  output logic [7:0]                              m_axi_arlen,
  output logic [2:0]                              m_axi_arsize,
  output logic [1:0]                              m_axi_arburst,
  output logic [3:0]                              m_axi_arcache,
  output logic [2:0]                              m_axi_arprot,
  input  logic                                    m_axi_rvalid,
  output logic                                    m_axi_rready,
  input  logic [ID_W-1:0]                         m_axi_rid,
  input  logic [1:0]                              m_axi_rresp,
  input  logic [DATA_W-1:0]                       m_axi_rdata,
  input  logic                                    m_axi_rlast,
  output logic                                    m_axi_awvalid,
  input  logic                                    m_axi_awready,
  output logic [ID_W-1:0]                         m_axi_awid,
  output logic [tcpoe_dev_pkg::ADDR_W-1:0]        m_axi_awaddr,
  output logic [7:0]                              m_axi_awlen,
  output logic [2:0]                              m_axi_awsize,
  output logic [1:0]                              m_axi_awburst,
  output logic [3:0]                              m_axi_awcache,
  output logic [2:0]                              m_axi_awprot,
  output logic                                    m_axi_wvalid,
  input  logic                                    m_axi_wready,
  output logic [DATA_W-1:0]                       m_axi_wdata,
  output logic [DATA_W/8-1:0]                     m_axi_wstrb,
  output logic                                    m_axi_wlast,
  input  logic                                    m_axi_bvalid,
  output logic                                    m_axi_bready,
  input  logic [ID_W-1:0]                         m_axi_bid,
  input  logic [1:0]                              m_axi_bresp,
  // Status.
  output logic                                    idle,
  output logic                                    compl_event,
  output logic                                    cnt_frames_tx,
  output logic                                    cnt_desc_rejected,
  output logic                                    cnt_tx_completions,
  output logic                                    dma_err_valid,
  output logic [tcpoe_dev_pkg::ADDR_W-1:0]        dma_err_addr,
  output logic                                    dma_err_write,
  output tcpoe_regs_pkg::dma_source_e             dma_err_source
);
  localparam int BYTES       = DATA_W / 8;
  localparam int ADDR_W      = tcpoe_dev_pkg::ADDR_W;
  localparam int DESC_BITS   = 8 * (tcpoe_wire_pkg::TX_DESC_STREAM_OPT_LEN_OFF + 1);
  localparam int DESC_W      = 8 * tcpoe_wire_pkg::TX_DESC_LEN;  // the builder's s_desc
  localparam int ENTRY       = tcpoe_regs_pkg::TX_RING_ENTRY_LEN;
  localparam int QUEUE       = 2 * FETCH_BATCH;        // fetched, not yet released
  localparam int CHECKED     = DMA_OUTSTANDING;        // checked, not yet released
  localparam int PAY_BEATS   = (MAX_PAYLOAD + BYTES - 1) / BYTES;
  localparam int PQ_DEPTH    = 1 << $clog2(2 * PAY_BEATS);  // payload queue, beats
  localparam int PQ_W        = $clog2(PQ_DEPTH + 1);
  localparam int CREDITS     = 8;  // descriptors in the builder or waiting to complete
  localparam int CR_W        = $clog2(CREDITS + 1);
  localparam int ORDER       = 8;  // outcomes waiting for their completion
  localparam int DROPS       = 8;  // released payloads not yet passed on or dropped
  localparam int RD_MAX_LEN  = FETCH_BATCH * ENTRY > MAX_PAYLOAD ? FETCH_BATCH * ENTRY : MAX_PAYLOAD;
  localparam int RD_LEN_W    = $clog2(RD_MAX_LEN + 1);
  localparam int WR_MAX_LEN  = 64;  // a completion block or a write-back
  localparam int WR_LEN_W    = $clog2(WR_MAX_LEN + 1);
  localparam int RD_OPEN_W   = $clog2(QUEUE + CHECKED + 1);
  localparam logic [1:0] ST_OK        = 2'(tcpoe_regs_pkg::COMPL_OK);
  localparam logic [1:0] ST_REJECTED  = 2'(tcpoe_regs_pkg::COMPL_DESC_REJECTED);
  localparam logic [1:0] ST_TOO_LONG  = 2'(tcpoe_regs_pkg::COMPL_PAYLOAD_TOO_LONG);
  localparam logic [1:0] ST_DMA_ERROR = 2'(tcpoe_regs_pkg::COMPL_DMA_ERROR);

  tcpoe_dev_pkg::ring_cfg_t txd, txc;
  assign txd = txd_cfg;
  assign txc = txc_cfg;

  // ================================================================ stop and clear
  // `halt` from the cycle enable or a ring falls until the clear; the clear
  // (a reset of everything but the MAC port's two flags, already low) once
  // nothing is outstanding.
  logic halt, stopping_q, quiet, rst_int;
  logic rd_busy, wr_busy, mac_mid_q, mac_offered_q;

  assign halt    = !(enable && txd.enable && txc.enable) || stopping_q;
  assign quiet   = !rd_busy && !wr_busy && !mac_mid_q && !mac_offered_q;
  assign rst_int = rst || (halt && quiet);
  assign idle    = quiet;

  always_ff @(posedge clk) begin
    if (rst_int) stopping_q <= 1'b0;
    else if (halt) stopping_q <= 1'b1;
  end

  // ================================================================ DMA read master
  logic                  rd_cmd_valid, rd_cmd_ready;
  logic [ADDR_W-1:0]     rd_cmd_addr;
  logic [RD_LEN_W-1:0]   rd_cmd_len;
  // A read's tag: {the descriptor's last payload read, a fetch}.
  logic [1:0]            rd_cmd_tag, rd_tag, rd_sts_tag;
  logic                  rd_valid, rd_ready, rd_last, rd_sts_valid, rd_sts_error;
  logic [DATA_W-1:0]     rd_data;
  logic [BYTES-1:0]      rd_keep;
  logic [RD_OPEN_W-1:0]  rd_open_q;  // commands taken, status not back
  logic                  rd_fetch, rd_pay_sts, gather_ready;

  tcpoe_dma_rd #(.DATA_W(DATA_W), .MAX_LEN(RD_MAX_LEN), .MAX_BURST(DMA_MAX_BURST),
                 .OUTSTANDING(DMA_OUTSTANDING), .TAG_W(2), .ID_W(ID_W)) u_rd (
    .clk, .rst(rst_int),
    .cmd_valid(rd_cmd_valid), .cmd_ready(rd_cmd_ready), .cmd_addr(rd_cmd_addr),
    .cmd_len(rd_cmd_len), .cmd_tag(rd_cmd_tag),
    .m_axis_tvalid(rd_valid), .m_axis_tready(rd_ready), .m_axis_tdata(rd_data),
    .m_axis_tkeep(rd_keep), .m_axis_tlast(rd_last), .m_axis_tuser(rd_tag),
    .sts_valid(rd_sts_valid), .sts_ready(1'b1), .sts_tag(rd_sts_tag), .sts_error(rd_sts_error),
    .m_axi_arvalid, .m_axi_arready, .m_axi_arid, .m_axi_araddr, .m_axi_arlen, .m_axi_arsize,
    .m_axi_arburst, .m_axi_arcache, .m_axi_arprot, .m_axi_rvalid, .m_axi_rready, .m_axi_rid,
    .m_axi_rresp, .m_axi_rdata, .m_axi_rlast);

  // Fetches first (they claim room for a whole batch, so they cannot take
  // every turn), then payload reads.
  logic                fetch_valid, fetch_take, pay_valid, pay_take, pay_final;
  logic [ADDR_W-1:0]   fetch_addr, pay_addr;
  logic [RD_LEN_W-1:0] fetch_len, pay_len;

  assign rd_cmd_valid = fetch_valid || pay_valid;
  assign rd_cmd_addr  = fetch_valid ? fetch_addr : pay_addr;
  assign rd_cmd_len   = fetch_valid ? fetch_len : pay_len;
  assign rd_cmd_tag   = fetch_valid ? 2'b01 : {pay_final, 1'b0};
  // Fetch beats are always taken; payload beats when the gather takes them.
  assign rd_fetch     = rd_tag[0];
  assign rd_ready     = rd_fetch || gather_ready;
  assign rd_pay_sts   = rd_sts_valid && !rd_sts_tag[0];
  assign fetch_take   = fetch_valid && rd_cmd_ready;
  assign pay_take     = pay_valid && !fetch_valid && rd_cmd_ready;
  assign rd_busy      = rd_open_q != '0;

  always_ff @(posedge clk) begin
    if (rst_int) rd_open_q <= '0;
    else rd_open_q <= rd_open_q + RD_OPEN_W'(fetch_take || pay_take) - RD_OPEN_W'(rd_sts_valid);
  end

  // ================================================================ fetch
  logic                 ent_valid, ent_bad, ent_take, desc_valid, desc_release;
  logic [15:0]          ent_plen;
  logic [ADDR_W-1:0]    fetch_err_addr;
  logic [4*(ADDR_W+16)-1:0] ent_parts;
  logic [DESC_BITS-1:0] desc;
  logic                 fetch_err, txd_cons_moved;
  logic [tcpoe_dev_pkg::INDEX_W-1:0] txd_cons_q;

  tcpoe_tx_fetch #(.DATA_W(DATA_W), .FETCH_BATCH(FETCH_BATCH), .QUEUE(QUEUE), .FETCHES(4),
                   .LEN_W(RD_LEN_W)) u_fetch (
    .clk, .rst(rst_int), .run(!halt), .base(txd.base), .size_log2(txd.size_log2),
    .prod(txd.host_idx), .cons(txd_cons_q), .cons_moved(txd_cons_moved),
    .cmd_valid(fetch_valid), .cmd_take(fetch_take), .cmd_addr(fetch_addr), .cmd_len(fetch_len),
    .beat_valid(rd_valid && rd_fetch), .beat_data(rd_data),
    .sts_valid(rd_sts_valid && rd_sts_tag[0]), .sts_error(rd_sts_error),
    .entry_valid(ent_valid), .entry_plen(ent_plen), .entry_parts(ent_parts), .entry_bad(ent_bad),
    .entry_take(ent_take),
    .desc_valid(desc_valid), .desc(desc), .desc_release(desc_release),
    .err_valid(fetch_err), .err_addr(fetch_err_addr));

  assign txd_cons = txd.enable ? txd_cons_q : '0;

  // ================================================================ check
  // Each entry in turn: refused, or its parts read, one read per part of
  // nonzero length, in order (part_q: the next part to look at).
  localparam int PARTS = tcpoe_regs_pkg::TX_RING_MAX_PARTS;
  localparam int PART_W = ADDR_W + 16;
  logic             chk_too_long, chk_mismatch, chk_read, chk_refused, chk_full;
  logic [1:0]       chk_status;
  logic [PQ_W-1:0]  pq_claimed_q;
  logic [31:0]      chk_beats, parts_sum;
  logic [1:0]       part_q, part_cur;
  logic             part_more, part_any, claimed_entry_q, pa_full;
  // Part k is ent_parts[k*PART_W +: PART_W]: its address, then its length
  // (read by part-selects, not an array: yosys would take one for a memory).

  always_comb begin
    parts_sum = '0;
    for (int k = 0; k < PARTS; k++)
      parts_sum = parts_sum + 32'(ent_parts[k*PART_W + ADDR_W +: 16]);
    chk_too_long = 32'(ent_plen) > MAX_PAYLOAD;
    chk_mismatch = parts_sum != 32'(ent_plen);
    chk_refused  = ent_bad || chk_too_long || chk_mismatch;
    chk_read     = !chk_refused && ent_plen != '0;
    chk_status   = ent_bad ? ST_DMA_ERROR : chk_too_long ? ST_TOO_LONG :
                   chk_mismatch ? ST_REJECTED : ST_OK;
    chk_beats    = (32'(ent_plen) + BYTES - 1) / BYTES;
    // The part to read now: the first nonzero one from part_q; any after it?
    // (Walked down: a part found when one was found already has one after it.)
    part_cur  = part_q;
    part_more = 1'b0;
    part_any  = 1'b0;
    for (int k = PARTS - 1; k >= 0; k--)
      if (2'(k) >= part_q && ent_parts[k*PART_W + ADDR_W +: 16] != '0) begin
        part_more = part_any;
        part_any = 1'b1;
        part_cur = 2'(k);
      end
  end

  // The payload queue's room for all the packed beats is claimed with the
  // entry's first read.
  assign pay_valid = !halt && ent_valid && !chk_full && chk_read && !pa_full &&
                     (claimed_entry_q || 32'(pq_claimed_q) + chk_beats <= PQ_DEPTH);
  assign pay_addr  = ent_parts[32'(part_cur)*PART_W +: ADDR_W];
  assign pay_len   = RD_LEN_W'(ent_parts[32'(part_cur)*PART_W + ADDR_W +: 16]);
  assign pay_final = !part_more;
  assign ent_take  = !halt && ent_valid && !chk_full && (chk_read ? pay_take && pay_final : 1'b1);

  always_ff @(posedge clk) begin
    if (rst_int) begin
      part_q <= '0;
      claimed_entry_q <= 1'b0;
    end else if (pay_take) begin
      part_q <= pay_final ? '0 : part_cur + 2'd1;
      claimed_entry_q <= !pay_final;
    end
  end

  // Checked descriptors: refused (and why), or with payload reads, or with none.
  logic              rel_refused, rel_read;
  logic [1:0]        rel_status;
  logic [$clog2(CHECKED + 1)-1:0] chk_count;

  tcpoe_fifo #(.W(1 + 2 + 1), .DEPTH(CHECKED)) u_checked (
    .clk, .rst(rst_int), .push(ent_take), .push_data({chk_refused, chk_status, chk_read}),
    .pop(desc_release), .head({rel_refused, rel_status, rel_read}), .count(chk_count),
    .full(chk_full));

  // ================================================================ payload queue
  // The parts' beats, joined and packed from lane 0 (tcpoe_tx_gather), one
  // packet per descriptor.
  logic                        pq_pop, pq_valid, pq_last, g_valid, g_last;
  logic [DATA_W-1:0]           pq_data, g_data;
  logic [BYTES-1:0]            pq_keep, g_keep;
  logic [$clog2(PQ_DEPTH+1)-1:0] pq_count;

  tcpoe_tx_gather #(.DATA_W(DATA_W)) u_gather (
    .clk, .rst(rst_int),
    .s_valid(rd_valid && !rd_fetch), .s_ready(gather_ready), .s_data(rd_data), .s_keep(rd_keep),
    .s_last(rd_last && rd_tag[1]),
    .m_valid(g_valid), .m_ready(1'b1), .m_data(g_data), .m_keep(g_keep), .m_last(g_last));

  tcpoe_ram_fifo #(.W(DATA_W + BYTES + 1), .DEPTH(PQ_DEPTH)) u_payload (
    .clk, .rst(rst_int), .push(g_valid), .push_data({g_last, g_keep, g_data}),
    .pop(pq_pop), .head({pq_last, pq_keep, pq_data}), .head_valid(pq_valid), .count(pq_count));

  always_ff @(posedge clk) begin
    if (rst_int) pq_claimed_q <= '0;
    else pq_claimed_q <= pq_claimed_q + (pay_take && !claimed_entry_q ? PQ_W'(chk_beats) : '0) -
                         PQ_W'(pq_pop);
  end

  // The payload reads' addresses, in order, for the error register.
  localparam int READS = DMA_OUTSTANDING + 2;  // more than the read master holds
  logic [ADDR_W-1:0] pa_head;
  /* verilator lint_off PINCONNECTEMPTY */
  tcpoe_fifo #(.W(ADDR_W), .DEPTH(READS)) u_pay_addrs (
    .clk, .rst(rst_int), .push(pay_take), .push_data(pay_addr), .pop(rd_pay_sts),
    .head(pa_head), .count(), .full(pa_full));
  /* verilator lint_on PINCONNECTEMPTY */

  // The statuses of one descriptor's reads combined, in order: failed if any
  // failed, with the first failed part's address.
  logic              ps_error, acc_err_q, ps_push, ps_push_err;
  logic [ADDR_W-1:0] ps_addr, acc_addr_q, ps_push_addr;
  logic [$clog2(CHECKED + 1)-1:0] ps_count;
  logic ps_pop;

  assign ps_push      = rd_pay_sts && rd_sts_tag[1];
  assign ps_push_err  = acc_err_q || rd_sts_error;
  assign ps_push_addr = acc_err_q ? acc_addr_q : pa_head;

  always_ff @(posedge clk) begin
    if (rst_int) acc_err_q <= 1'b0;
    else if (rd_pay_sts) acc_err_q <= !rd_sts_tag[1] && ps_push_err;
    if (rd_pay_sts) acc_addr_q <= ps_push_addr;
  end

  /* verilator lint_off PINCONNECTEMPTY */
  tcpoe_fifo #(.W(1 + ADDR_W), .DEPTH(CHECKED)) u_pay_status (
    .clk, .rst(rst_int), .push(ps_push), .push_data({ps_push_err, ps_push_addr}),
    .pop(ps_pop), .head({ps_error, ps_addr}), .count(ps_count), .full());
  /* verilator lint_on PINCONNECTEMPTY */

  // ================================================================ release
  logic              bld_desc_valid, bld_desc_ready, rel_ready, rel_pay_failed, rel_to_builder;
  logic              order_full, drops_full, rel_err;
  logic [CR_W-1:0]   credits_q;  // descriptors given to the builder, completion not yet taken
  logic              out_take_builder;

  always_comb begin
    rel_pay_failed = rel_read && ps_error;
    rel_to_builder = !rel_refused && !rel_pay_failed;
    rel_ready = !halt && chk_count != '0 && desc_valid && (!rel_read || ps_count != '0) &&
                !order_full && !drops_full;
  end

  assign bld_desc_valid = rel_ready && rel_to_builder && 32'(credits_q) < CREDITS;
  // A failed payload read takes the error port (a failed fetch has it first).
  assign desc_release = rel_to_builder ? bld_desc_valid && bld_desc_ready
                                       : rel_ready && !(rel_pay_failed && fetch_err);
  assign rel_err = desc_release && rel_pay_failed;
  assign ps_pop = desc_release && rel_read;

  always_ff @(posedge clk) begin
    if (rst_int) credits_q <= '0;
    else credits_q <= credits_q + CR_W'(bld_desc_valid && bld_desc_ready) - CR_W'(out_take_builder);
  end

  // Payloads released, in order: to the builder, or dropped (read failed).
  logic drop_head;
  logic [$clog2(DROPS + 1)-1:0] drops_count;
  logic bld_pay_valid, bld_pay_ready;
  tcpoe_fifo #(.W(1), .DEPTH(DROPS)) u_released (
    .clk, .rst(rst_int), .push(desc_release && rel_read), .push_data(rel_pay_failed),
    .pop(pq_pop && pq_last), .head(drop_head), .count(drops_count), .full(drops_full));

  assign bld_pay_valid = drops_count != '0 && !drop_head && pq_valid;
  assign pq_pop = drops_count != '0 && pq_valid && (drop_head || bld_pay_ready);

  // ================================================================ builder
  logic [DATA_W-1:0]  bld_tdata;
  logic [BYTES-1:0]   bld_tkeep;
  logic               bld_tvalid, bld_tready, bld_tlast, mac_pass, mac_take;
  logic [31:0]        stat_bad_desc, stat_bad_payload;

  tcp_tx_builder #(.DATA_W(DATA_W), .PAYLOAD_DEPTH(MAX_PAYLOAD)) u_builder (
    .clk, .rst(rst_int),
    .s_desc_tdata(DESC_W'(desc)), .s_desc_tvalid(bld_desc_valid), .s_desc_tready(bld_desc_ready),
    .s_axis_tdata(pq_data), .s_axis_tkeep(pq_keep), .s_axis_tvalid(bld_pay_valid),
    .s_axis_tready(bld_pay_ready), .s_axis_tlast(pq_last),
    .m_axis_tdata(bld_tdata), .m_axis_tkeep(bld_tkeep), .m_axis_tvalid(bld_tvalid),
    .m_axis_tready(bld_tready), .m_axis_tlast(bld_tlast),
    .stat_bad_desc, .stat_bad_payload);

  // Halted: a frame started, or a beat offered, goes on to its end; no other.
  assign mac_pass = !halt || mac_mid_q || mac_offered_q;
  assign m_axis_tx_tdata  = bld_tdata;
  assign m_axis_tx_tkeep  = bld_tkeep;
  assign m_axis_tx_tlast  = bld_tlast;
  assign m_axis_tx_tvalid = bld_tvalid && mac_pass;
  assign bld_tready = m_axis_tx_tready && mac_pass;
  assign mac_take = m_axis_tx_tvalid && m_axis_tx_tready;

  always_ff @(posedge clk) begin
    if (rst_int) begin
      mac_mid_q <= 1'b0;
      mac_offered_q <= 1'b0;
    end else begin
      if (mac_take) mac_mid_q <= !bld_tlast;
      mac_offered_q <= m_axis_tx_tvalid && !m_axis_tx_tready;
    end
  end

  // ================================================================ outcome
  // One builder outcome per cycle at most, each seen the cycle after it
  // happened: a frame's last beat, or a drop (the counter's low bit flips).
  logic        frame_done_q, bad_desc_q, bad_payload_q, out_reject;
  logic [63:0] now_q;
  logic        out_status_rej;
  logic [63:0] out_time;
  logic [CR_W-1:0] outcome_count;

  assign out_reject = stat_bad_desc[0] != bad_desc_q || stat_bad_payload[0] != bad_payload_q;

  always_ff @(posedge clk) begin
    now_q <= now;
    if (rst_int) begin
      frame_done_q <= 1'b0;
      bad_desc_q <= 1'b0;
      bad_payload_q <= 1'b0;
    end else begin
      frame_done_q <= mac_take && bld_tlast;
      bad_desc_q <= stat_bad_desc[0];
      bad_payload_q <= stat_bad_payload[0];
    end
  end

  /* verilator lint_off PINCONNECTEMPTY */
  tcpoe_fifo #(.W(1 + 64), .DEPTH(CREDITS)) u_outcomes (
    .clk, .rst(rst_int), .push(frame_done_q || out_reject), .push_data({!frame_done_q, now_q}),
    .pop(out_take_builder), .head({out_status_rej, out_time}), .count(outcome_count), .full());
  /* verilator lint_on PINCONNECTEMPTY */

  // Every descriptor's place in the completion order: decided already
  // (refused, payload read failed: status and the cycle), or the builder's
  // next outcome.
  logic        ord_decided;
  logic [1:0]  ord_status;
  logic [63:0] ord_time, last_time_q;
  logic [$clog2(ORDER + 1)-1:0] order_count;
  logic        compl_valid, compl_take;
  logic [1:0]  compl_status;
  logic [63:0] compl_time;

  tcpoe_fifo #(.W(1 + 2 + 64), .DEPTH(ORDER)) u_order (
    .clk, .rst(rst_int), .push(desc_release),
    .push_data({!rel_to_builder, rel_pay_failed ? ST_DMA_ERROR : rel_status, now}),
    .pop(compl_take), .head({ord_decided, ord_status, ord_time}), .count(order_count),
    .full(order_full));

  // A decided descriptor's time: when it was decided, or the previous
  // completion's, whichever is later (a frame sent before it may end after).
  assign compl_valid  = order_count != '0 && (ord_decided || outcome_count != '0);
  assign compl_status = ord_decided ? ord_status : out_status_rej ? ST_REJECTED : ST_OK;
  assign compl_time   = !ord_decided ? out_time : ord_time > last_time_q ? ord_time : last_time_q;
  assign out_take_builder = compl_take && !ord_decided;

  always_ff @(posedge clk) begin
    if (rst_int) last_time_q <= '0;
    else if (compl_take) last_time_q <= compl_time;
  end

  // ================================================================ completions and write-backs
  logic                wr_cmd_valid, wr_cmd_ready, wr_tvalid, wr_tready, wr_tlast;
  logic [ADDR_W-1:0]   wr_cmd_addr, wr_err_addr;
  logic [WR_LEN_W-1:0] wr_cmd_len;
  logic [DATA_W-1:0]   wr_tdata;
  logic [BYTES-1:0]    wr_tkeep;
  logic                wr_sts_valid, wr_sts_ready, wr_sts_error, wr_err, wr_err_ready, wr_err_compl;
  logic                compl_ok;
  logic [tcpoe_dev_pkg::INDEX_W-1:0] txc_prod_q;

  tcpoe_tx_writer #(.DATA_W(DATA_W), .TRACK(DMA_OUTSTANDING), .LEN_W(WR_LEN_W)) u_writer (
    .clk, .rst(rst_int), .run(!halt),
    .txc_base(txc.base), .txc_size_log2(txc.size_log2), .txc_cons(txc.host_idx),
    .txc_wb_addr(txc.wb_addr), .txd_wb_addr(txd.wb_addr), .txd_cons(txd_cons_q),
    .txd_cons_moved, .prod(txc_prod_q),
    .compl_valid, .compl_status, .compl_time, .compl_take, .compl_ok,
    .cmd_valid(wr_cmd_valid), .cmd_ready(wr_cmd_ready), .cmd_addr(wr_cmd_addr), .cmd_len(wr_cmd_len),
    .wr_tvalid, .wr_tready, .wr_tdata, .wr_tkeep, .wr_tlast,
    .sts_valid(wr_sts_valid), .sts_ready(wr_sts_ready), .sts_error(wr_sts_error), .busy(wr_busy),
    .err_valid(wr_err), .err_ready(wr_err_ready), .err_addr(wr_err_addr), .err_compl(wr_err_compl));

  assign txc_prod = txc.enable ? txc_prod_q : '0;

  /* verilator lint_off PINCONNECTEMPTY */
  tcpoe_dma_wr #(.DATA_W(DATA_W), .MAX_LEN(WR_MAX_LEN), .MAX_BURST(DMA_MAX_BURST),
                 .OUTSTANDING(DMA_OUTSTANDING), .TAG_W(1), .ID_W(ID_W)) u_wr (
    .clk, .rst(rst_int),
    .cmd_valid(wr_cmd_valid), .cmd_ready(wr_cmd_ready), .cmd_addr(wr_cmd_addr),
    .cmd_len(wr_cmd_len), .cmd_tag(1'b0),
    .s_axis_tvalid(wr_tvalid), .s_axis_tready(wr_tready), .s_axis_tdata(wr_tdata),
    .s_axis_tkeep(wr_tkeep), .s_axis_tlast(wr_tlast),
    .sts_valid(wr_sts_valid), .sts_ready(wr_sts_ready), .sts_tag(), .sts_error(wr_sts_error),
    .m_axi_awvalid, .m_axi_awready, .m_axi_awid, .m_axi_awaddr, .m_axi_awlen, .m_axi_awsize,
    .m_axi_awburst, .m_axi_awcache, .m_axi_awprot, .m_axi_wvalid, .m_axi_wready, .m_axi_wdata,
    .m_axi_wstrb, .m_axi_wlast, .m_axi_bvalid, .m_axi_bready, .m_axi_bid, .m_axi_bresp);
  /* verilator lint_on PINCONNECTEMPTY */

  // ================================================================ counters and errors
  // One error a cycle: a failed fetch first, then a failed payload read, then a write.
  assign wr_err_ready = !fetch_err && !rel_err;

  always_ff @(posedge clk) begin
    if (rst_int) begin
      cnt_frames_tx <= 1'b0;
      cnt_desc_rejected <= 1'b0;
      cnt_tx_completions <= 1'b0;
      compl_event <= 1'b0;
      dma_err_valid <= 1'b0;
    end else begin
      cnt_frames_tx <= mac_take && bld_tlast;
      cnt_desc_rejected <= compl_take && (compl_status == ST_REJECTED || compl_status == ST_TOO_LONG);
      cnt_tx_completions <= compl_ok;
      compl_event <= compl_ok;
      dma_err_valid <= fetch_err || rel_err || (wr_err && wr_err_ready);
    end
    if (fetch_err) begin
      dma_err_addr <= fetch_err_addr;
      dma_err_write <= 1'b0;
      dma_err_source <= tcpoe_regs_pkg::DMA_SRC_TX_DESC_FETCH;
    end else if (rel_err) begin
      dma_err_addr <= ps_addr;
      dma_err_write <= 1'b0;
      dma_err_source <= tcpoe_regs_pkg::DMA_SRC_TX_PAYLOAD_READ;
    end else begin
      dma_err_addr <= wr_err_addr;
      dma_err_write <= 1'b1;
      dma_err_source <= wr_err_compl ? tcpoe_regs_pkg::DMA_SRC_TX_COMPL_WRITE
                                     : tcpoe_regs_pkg::DMA_SRC_INDEX_WRITEBACK;
    end
  end

  // Not needed: the payload queue's count (pq_claimed_q bounds it), the
  // builder's counters above bit 0 (their changes are what counts).
  logic unused;
  assign unused = ^{pq_count, stat_bad_desc[31:1], stat_bad_payload[31:1]};

endmodule

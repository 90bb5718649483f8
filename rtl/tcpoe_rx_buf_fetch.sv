// The RX engine's buffer fetch: reads the RX_BUF entries the host posted
// (16 octets each: buffer address at octets 0..7, length at 8..11, both
// big-endian) from the RXB ring into a queue of QUEUE_DEPTH buffers, and shows
// the oldest on buf_* until the engine pops it (the engine pops one buffer per
// completion it writes; a buffer too short for a frame stays).
//
// Rules:
// - Entries are read in batches of up to FETCH_BATCH contiguous entries:
//   never past the ring's end, never more than the host posted (host_prod -
//   fetched), and only when the queue has room for the whole batch, reserved
//   before the read is issued (read data never waits). One read at a time.
// - The DMA master needs DATA_W/8-aligned addresses: at DATA_W 256 and 512 a
//   batch that starts inside a beat reads the aligned block from the start of
//   that beat and skips the entries before its own.
// - A batch's entries enter the queue as they arrive but are shown on buf_*
//   only once the read's status is OK. A read that failed (SLVERR/DECERR)
//   gives fetch_err (its address) and its entries are thrown away; the fetch
//   index goes back to the first of them, and no read is made again until the
//   host's producer index changes (a new doorbell), so a broken ring is not
//   read over and over.
// - `active` low (device or ring disabled, or the engine flushing): no new
//   read; the queue empties, the fetch index goes back to `consumed` (the
//   buffers the engine has used), and the data and status of a read already
//   issued are thrown away when they come.
// - `pending`: a buffer may still come without a new doorbell (a read in
//   flight, or posted entries not yet read): the engine waits for it rather
//   than drop a frame for want of a buffer.
// - idle: no read in flight.
//
// Timing: the read is issued at the earliest one cycle after the conditions
// hold; entries enter the queue one per cycle (a 512-bit beat holds four, read
// in four cycles); buf_* is a register file read, valid from the cycle after
// the status.
module tcpoe_rx_buf_fetch #(
  parameter int DATA_W          = 64,
  parameter int FETCH_BATCH     = 8,
  parameter int QUEUE_DEPTH     = 16,  // a power of two, at least FETCH_BATCH
  parameter int DMA_MAX_BURST   = 64,
  parameter int DMA_OUTSTANDING = 8,
  parameter int ID_W            = 4
) (
  input  logic                                clk,
  input  logic                                rst,
  input  logic                                active,
  input  logic [tcpoe_dev_pkg::ADDR_W-1:0]    ring_base,
  input  logic [tcpoe_dev_pkg::LOG2_W-1:0]    ring_size_log2,
  input  logic [tcpoe_dev_pkg::INDEX_W-1:0]   host_prod,
  input  logic [tcpoe_dev_pkg::INDEX_W-1:0]   consumed,
  // The oldest buffer fetched.
  output logic                                buf_valid,
  output logic [63:0]                         buf_addr,
  output logic [31:0]                         buf_len,
  input  logic                                buf_pop,
  output logic                                pending,
  output logic                                idle,
  output logic                                fetch_err,
  output logic [tcpoe_dev_pkg::ADDR_W-1:0]    fetch_err_addr,
  // AXI4 read master.
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
  input  logic                                m_axi_rlast
);

  localparam int IW       = tcpoe_dev_pkg::INDEX_W;
  localparam int BYTES    = DATA_W / 8;
  localparam int ENTRY    = tcpoe_regs_pkg::RX_BUF_ENTRY_LEN;  // 16
  localparam int ENTRY_W  = 8 * ENTRY;
  localparam int MAX_READ = BYTES + FETCH_BATCH * ENTRY;      // octets, with the skipped entries
  localparam int RD_LEN_W = $clog2(MAX_READ + 1);
  localparam int PTR_W    = $clog2(QUEUE_DEPTH);
  localparam int QW       = 64 + 32;
  localparam int BATCH_W  = $clog2(FETCH_BATCH + 1);
  // Entries of one beat (DATA_W >= 128), or beats of one entry (DATA_W 64).
  localparam int PER_BEAT = BYTES >= ENTRY ? BYTES / ENTRY : 1;
  localparam int SLOT_W   = PER_BEAT > 1 ? $clog2(PER_BEAT) : 1;
  localparam int BEATS_PER_ENTRY = BYTES >= ENTRY ? 1 : ENTRY / BYTES;
  localparam int POS_W    = BATCH_W + SLOT_W + 1;

  // ---- The queue: written up to wr_q, shown up to commit_q, read from rd_q.
  logic [QW-1:0]    mem [QUEUE_DEPTH];
  logic [PTR_W:0]   wr_q, commit_q, rd_q;  // one bit more than the address: full vs empty
  logic             push;
  logic [QW-1:0]    push_entry;

  always_ff @(posedge clk) begin
    if (push) mem[wr_q[PTR_W-1:0]] <= push_entry;
  end

  assign buf_valid = commit_q != rd_q;
  assign {buf_addr, buf_len} = mem[rd_q[PTR_W-1:0]];

  // ---- The next batch.
  logic [IW-1:0]        fetch_q;      // next entry to read
  logic [IW-1:0]        size, mask, slot, avail, to_end, room;
  logic [IW-1:0]        batch;
  logic                 busy_q, stale_q, halt_q;
  logic [IW-1:0]        halt_prod_q;
  logic [BATCH_W-1:0]   n_q;          // entries of the read in flight
  logic [SLOT_W-1:0]    skip_q;       // entries skipped before them
  logic [63:0]          entry_addr;
  // The harness reads the commands (public_flat_rd; comments to synthesis).
  logic [63:0]          read_addr     /*verilator public_flat_rd*/;
  logic [PTR_W:0]       queued;
  localparam logic [63:0] BEAT_MASK = 64'(BYTES) - 64'd1;
  logic [SLOT_W-1:0]    skip;
  logic                 cmd_valid     /*verilator public_flat_rd*/;
  logic                 cmd_ready     /*verilator public_flat_rd*/;
  logic [RD_LEN_W-1:0]  cmd_len       /*verilator public_flat_rd*/;
  logic                 cmd_take;

  always_comb begin
    size = IW'(1) << ring_size_log2;
    mask = size - IW'(1);
    slot = fetch_q & mask;
    avail = host_prod - fetch_q;
    to_end = size - slot;
    queued = wr_q - rd_q;
    room = IW'(QUEUE_DEPTH) - IW'(queued);
    batch = avail;
    if (to_end < batch) batch = to_end;
    if (IW'(FETCH_BATCH) < batch) batch = IW'(FETCH_BATCH);
    entry_addr = ring_base + 64'(slot) * 64'(ENTRY);
    read_addr = entry_addr & ~BEAT_MASK;
    skip = PER_BEAT > 1 ? SLOT_W'((entry_addr & BEAT_MASK) / 64'(ENTRY)) : '0;
    cmd_len = RD_LEN_W'((32'(skip) + 32'(batch)) * ENTRY);
  end

  assign cmd_valid = active && !busy_q && !halt_q && batch != '0 && room >= batch;
  assign cmd_take = cmd_valid && cmd_ready;
  assign pending = busy_q || (!halt_q && avail != '0);
  assign idle = !busy_q;

  // ---- The read master.
  logic                 rd_tvalid, rd_tready, rd_tlast;
  logic [DATA_W-1:0]    rd_tdata;
  logic                 sts_valid, sts_error;

  /* verilator lint_off PINCONNECTEMPTY */  // one read at a time: no tag needed
  tcpoe_dma_rd #(.DATA_W(DATA_W), .MAX_LEN(MAX_READ), .MAX_BURST(DMA_MAX_BURST),
                 .OUTSTANDING(DMA_OUTSTANDING), .TAG_W(1), .ID_W(ID_W)) u_rd (
    .clk, .rst, .cmd_valid, .cmd_ready, .cmd_addr(read_addr), .cmd_len, .cmd_tag(1'b0),
    .m_axis_tvalid(rd_tvalid), .m_axis_tready(rd_tready), .m_axis_tdata(rd_tdata),
    .m_axis_tkeep(), .m_axis_tlast(rd_tlast), .m_axis_tuser(),
    .sts_valid, .sts_ready(1'b1), .sts_tag(), .sts_error,
    .m_axi_arvalid, .m_axi_arready, .m_axi_arid, .m_axi_araddr, .m_axi_arlen, .m_axi_arsize,
    .m_axi_arburst, .m_axi_arcache, .m_axi_arprot, .m_axi_rvalid, .m_axi_rready, .m_axi_rid,
    .m_axi_rresp, .m_axi_rdata, .m_axi_rlast);
  /* verilator lint_on PINCONNECTEMPTY */

  // ---- Entries out of the beats: one per cycle.
  logic [POS_W-1:0]     pos_q;        // entry position in the read, skipped ones included
  logic [ENTRY_W-1:0]   entry;
  logic                 entry_here;   // `entry` is complete in this cycle

  if (BYTES >= ENTRY) begin : g_wide  // each beat holds PER_BEAT entries: one per cycle
    logic [SLOT_W-1:0] beat_slot;
    assign beat_slot = PER_BEAT > 1 ? SLOT_W'(pos_q) : '0;
    assign entry = rd_tdata[ENTRY_W * beat_slot +: ENTRY_W];
    assign entry_here = rd_tvalid;
    assign rd_tready = PER_BEAT == 1 || beat_slot == SLOT_W'(PER_BEAT - 1);
  end else begin : g_narrow  // each entry spans BEATS_PER_ENTRY beats
    logic [DATA_W-1:0] lower_q;  // its first beat
    logic              second_q;
    always_ff @(posedge clk) begin
      if (rst) second_q <= 1'b0;
      else if (rd_tvalid) begin
        second_q <= !second_q && !rd_tlast;
        lower_q <= rd_tdata;
      end
    end
    assign entry = {rd_tdata, lower_q};
    assign entry_here = rd_tvalid && second_q;
    assign rd_tready = 1'b1;
  end

  // Entry octets 0..7 and 8..11, big-endian.
  always_comb begin
    for (int i = 0; i < 8; i++) push_entry[32 + 8 * (7 - i) +: 8] = entry[8 * i +: 8];
    for (int i = 0; i < 4; i++) push_entry[8 * (3 - i) +: 8] = entry[64 + 8 * i +: 8];
  end
  assign push = entry_here && !stale_q && active && 32'(pos_q) >= 32'(skip_q)
                && 32'(pos_q) < 32'(skip_q) + 32'(n_q);

  // ---- Fetch index, the read in flight, the queue's pointers.
  always_ff @(posedge clk) begin
    if (rst) begin
      fetch_q <= '0;
      busy_q <= 1'b0;
      stale_q <= 1'b0;
      halt_q <= 1'b0;
      halt_prod_q <= '0;
      n_q <= '0;
      skip_q <= '0;
      pos_q <= '0;
      wr_q <= '0;
      commit_q <= '0;
      rd_q <= '0;
      fetch_err <= 1'b0;
      fetch_err_addr <= '0;
    end else begin
      fetch_err <= 1'b0;
      if (entry_here) pos_q <= rd_tlast && rd_tready ? '0 : pos_q + 1'b1;
      if (push) wr_q <= wr_q + 1'b1;
      if (buf_pop) rd_q <= rd_q + 1'b1;
      if (halt_q && host_prod != halt_prod_q) halt_q <= 1'b0;
      if (cmd_take) begin
        busy_q <= 1'b1;
        fetch_q <= fetch_q + batch;
        n_q <= BATCH_W'(batch);
        skip_q <= skip;
        fetch_err_addr <= read_addr;
      end
      if (sts_valid) begin
        busy_q <= 1'b0;
        stale_q <= 1'b0;
        if (!stale_q && active) begin
          if (sts_error) begin
            wr_q <= commit_q;
            fetch_q <= fetch_q - IW'(n_q);
            halt_q <= 1'b1;
            halt_prod_q <= host_prod;
            fetch_err <= 1'b1;
          end else begin
            commit_q <= wr_q;
          end
        end
      end
      if (!active) begin  // everything fetched is forgotten
        fetch_q <= consumed;
        wr_q <= '0;
        commit_q <= '0;
        rd_q <= '0;
        halt_q <= 1'b0;
        if (busy_q && !sts_valid) stale_q <= 1'b1;
      end
    end
  end

  if (QUEUE_DEPTH < FETCH_BATCH || (1 << PTR_W) != QUEUE_DEPTH) begin : g_bad_depth
    $error("tcpoe_rx_buf_fetch: QUEUE_DEPTH must be a power of two, at least FETCH_BATCH");
  end
  if (BYTES < ENTRY && BEATS_PER_ENTRY != 2) begin : g_bad_width
    $error("tcpoe_rx_buf_fetch: DATA_W must be 64, 128, 256 or 512");
  end

endmodule

// The TX engine's writes (rtl/tcpoe_tx_engine.sv): TX completions into the
// TXC ring and the index write-backs of TXD CONS and TXC PROD, one write at
// a time through the engine's DMA write master, whose statuses say when each
// is in host memory.
//
// Completions (docs/register-map.md, 16 octets): the next one, offered on
// compl_* in descriptor order, is taken while `run` and the TXC ring has
// room (completions asked for - CONS < size, CONS = the host's index); it
// goes to entry PROD' mod size, PROD' counting the completions asked for:
// index PROD' (the descriptor's, as the k-th completion after enable is the
// k-th descriptor's), status, timestamp, phase bit = 1 on the ring's first
// pass, flipped each wrap. At DATA_W 256 and 512 a beat holds 2 or 4
// entries: the write covers the aligned block from its beat's start to the
// entry's end, the earlier entries of the block rewritten as they were (a
// shadow of the beat keeps them). PROD (`prod`) counts the completions whose
// write is answered, OK or not; `compl_ok` pulses for each answered OK.
//
// Write-backs: 4 octets, the index big-endian, at the ring's WB address when
// it is not zero (aligned to the bus width), after the index changes;
// coalesced (the value is read when the write is asked for, so the latest
// wins and a change after that asks for another). A pending write-back goes
// before the next completion; TXC PROD's always follows the completions it
// counts, as it moves only when they are answered.
//
// A write answered SLVERR or DECERR: `err_valid` (taken when `err_ready`; the
// write's status waits until then) with its address and whether it was a
// completion. Once `run` falls no write is asked for; one asked for sends its
// data and is answered. `busy`: writes asked for and not answered.
module tcpoe_tx_writer #(
  parameter int DATA_W      = 64,
  parameter int TRACK       = 8,   // writes asked for and not yet answered
  parameter int LEN_W       = 7    // the write command's length field
) (
  input  logic                                clk,
  input  logic                                rst,  // synchronous, active high
  input  logic                                run,
  input  logic [tcpoe_dev_pkg::ADDR_W-1:0]    txc_base,
  input  logic [tcpoe_dev_pkg::LOG2_W-1:0]    txc_size_log2,
  input  logic [tcpoe_dev_pkg::INDEX_W-1:0]   txc_cons,
  input  logic [tcpoe_dev_pkg::ADDR_W-1:0]    txc_wb_addr,
  input  logic [tcpoe_dev_pkg::ADDR_W-1:0]    txd_wb_addr,
  input  logic [tcpoe_dev_pkg::INDEX_W-1:0]   txd_cons,
  input  logic                                txd_cons_moved,
  output logic [tcpoe_dev_pkg::INDEX_W-1:0]   prod,
  // The next completion.
  input  logic                                compl_valid,
  input  logic [1:0]                          compl_status,
  input  logic [63:0]                         compl_time,
  output logic                                compl_take,
  output logic                                compl_ok,  // one answered OK
  // The DMA write master.
  output logic                                cmd_valid,
  input  logic                                cmd_ready,
  output logic [tcpoe_dev_pkg::ADDR_W-1:0]    cmd_addr,
  output logic [LEN_W-1:0]                    cmd_len,
  output logic                                wr_tvalid,
  input  logic                                wr_tready,
  output logic [DATA_W-1:0]                   wr_tdata,
  output logic [DATA_W/8-1:0]                 wr_tkeep,
  output logic                                wr_tlast,
  input  logic                                sts_valid,
  output logic                                sts_ready,
  input  logic                                sts_error,
  output logic                                busy,
  // A failed write.
  output logic                                err_valid,
  input  logic                                err_ready,
  output logic [tcpoe_dev_pkg::ADDR_W-1:0]    err_addr,
  output logic                                err_compl
);
  localparam int BYTES   = DATA_W / 8;
  localparam int IDX_W   = tcpoe_dev_pkg::INDEX_W;
  localparam int ENTRY   = tcpoe_regs_pkg::TX_COMPL_ENTRY_LEN;  // 16 octets
  localparam int REC_W   = 8 * ENTRY;
  // The job's octets: a completion (two beats at DATA_W 64) or a whole beat.
  localparam int DATA_BITS = DATA_W > REC_W ? DATA_W : REC_W;
  localparam int JOB_BEATS = DATA_BITS / DATA_W;
  localparam int PER_BEAT  = BYTES > ENTRY ? BYTES / ENTRY : 1;  // entries per beat
  localparam int POS_W     = PER_BEAT > 1 ? $clog2(PER_BEAT) : 1;
  localparam int BEAT_W    = JOB_BEATS > 1 ? $clog2(JOB_BEATS) : 1;
  localparam int T_W       = $clog2(TRACK + 1);

  // What a write is.
  localparam logic [1:0] JOB_COMPL = 2'd0, JOB_WB_TXD = 2'd1, JOB_WB_TXC = 2'd2;

  // ---- The completion record, octet i at bits [8i+7:8i].
  logic [IDX_W-1:0] asked_q;  // completions asked for
  logic [IDX_W-1:0] slot;
  logic [REC_W-1:0] rec;
  logic             phase, room;

  always_comb begin
    slot  = asked_q & IDX_W'((32'd1 << txc_size_log2) - 1);
    phase = !asked_q[txc_size_log2];
    room  = 32'(IDX_W'(asked_q - txc_cons)) < (32'd1 << txc_size_log2);
    rec = '0;
    rec[8*tcpoe_regs_pkg::TX_COMPL_DESC_INDEX_OFF +: 16] = {asked_q[7:0], asked_q[15:8]};
    rec[8*tcpoe_regs_pkg::TX_COMPL_STATUS_OFF +: 8] = 8'(compl_status);
    for (int i = 0; i < 8; i++)
      rec[8*(tcpoe_regs_pkg::TX_COMPL_TIMESTAMP_OFF + i) +: 8] = compl_time[8*(7-i) +: 8];
    rec[8*tcpoe_regs_pkg::TX_COMPL_FLAGS_OFF + tcpoe_regs_pkg::COMPL_FLAG_PHASE_BIT] = phase;
  end

  // Where the completion's write starts, its length and its octets.
  logic [tcpoe_dev_pkg::ADDR_W-1:0] compl_addr;
  logic [LEN_W-1:0]                 compl_len;
  logic [DATA_BITS-1:0]             compl_data;

  if (PER_BEAT == 1) begin : g_entry_writes
    assign compl_addr = {txc_base[tcpoe_dev_pkg::ADDR_W-1:6], 6'b0} +
                        (tcpoe_dev_pkg::ADDR_W'(slot) << $clog2(ENTRY));
    assign compl_len  = LEN_W'(ENTRY);
    assign compl_data = DATA_BITS'(rec);
  end else begin : g_block_writes
    // The entries of the current beat written so far, as written.
    logic [DATA_W-1:0] shadow_q;
    logic [POS_W-1:0]  pos;
    logic [IDX_W-1:0]  first;  // the block's first entry
    always_comb begin
      pos = POS_W'(slot);
      first = slot & ~IDX_W'(PER_BEAT - 1);
      compl_data = shadow_q;
      compl_data[REC_W*pos +: REC_W] = rec;
    end
    assign compl_addr = {txc_base[tcpoe_dev_pkg::ADDR_W-1:6], 6'b0} +
                        (tcpoe_dev_pkg::ADDR_W'(first) << $clog2(ENTRY));
    assign compl_len  = LEN_W'((32'(pos) + 1) * ENTRY);
    always_ff @(posedge clk) if (compl_take) shadow_q <= compl_data;
  end

  // ---- Write-backs pending.
  logic txd_dirty_q, txc_dirty_q, want_txd_wb, want_txc_wb;
  assign want_txc_wb = txc_dirty_q && txc_wb_addr != '0;
  assign want_txd_wb = txd_dirty_q && txd_wb_addr != '0;

  // ---- The job: one write, its command and then its beats.
  logic                             job_q, job_asked_q, job_start, job_end, cmd_take, beat_take;
  logic [1:0]                       job_kind_q;
  logic [tcpoe_dev_pkg::ADDR_W-1:0] job_addr_q;
  logic [LEN_W-1:0]                 job_len_q;
  logic [DATA_BITS-1:0]             job_data_q;
  logic [BEAT_W-1:0]                job_beat_q;
  logic                             track_full, track_pop;
  logic [T_W-1:0]                   track_count;
  logic [IDX_W-1:0]                 wb_value;
  logic                             head_compl;  // the oldest write asked for is a completion

  assign job_start  = run && (!job_q || job_end) && (want_txc_wb || want_txd_wb || (compl_valid && room));
  assign compl_take = job_start && !want_txc_wb && !want_txd_wb;
  assign wb_value   = want_txc_wb ? prod : txd_cons;

  assign cmd_valid = job_q && !job_asked_q && run && !track_full;
  assign cmd_addr  = job_addr_q;
  assign cmd_len   = job_len_q;
  assign cmd_take  = cmd_valid && cmd_ready;

  assign wr_tvalid = job_q && job_asked_q;
  assign wr_tdata  = job_data_q[DATA_W*job_beat_q +: DATA_W];
  assign wr_tlast  = (32'(job_beat_q) + 1) * BYTES >= 32'(job_len_q);
  assign wr_tkeep  = wr_tlast && 32'(job_len_q) % BYTES != 0 ?
                     ~({BYTES{1'b1}} << (32'(job_len_q) % BYTES)) : {BYTES{1'b1}};
  assign beat_take = wr_tvalid && wr_tready;
  assign job_end   = beat_take && wr_tlast;

  always_ff @(posedge clk) begin
    if (rst) begin
      job_q <= 1'b0;
      job_asked_q <= 1'b0;
      job_beat_q <= '0;
      asked_q <= '0;
      txd_dirty_q <= 1'b0;
      txc_dirty_q <= 1'b0;
    end else begin
      if (job_start) begin
        job_q <= 1'b1;
        job_asked_q <= 1'b0;
        job_beat_q <= '0;
      end else if (job_end || (job_q && !job_asked_q && !run)) begin
        job_q <= 1'b0;  // done, or dropped before its command was taken
      end else begin
        if (cmd_take) job_asked_q <= 1'b1;
        if (beat_take) job_beat_q <= job_beat_q + 1'b1;
      end
      if (compl_take) asked_q <= asked_q + 1'b1;
      // Set by a change, cleared when the write-back is asked for.
      if (txd_cons_moved) txd_dirty_q <= 1'b1;
      else if (job_start && !want_txc_wb && want_txd_wb) txd_dirty_q <= 1'b0;
      if (track_pop && head_compl) txc_dirty_q <= 1'b1;
      else if (job_start && want_txc_wb) txc_dirty_q <= 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    if (job_start) begin
      if (want_txc_wb || want_txd_wb) begin
        job_kind_q <= want_txc_wb ? JOB_WB_TXC : JOB_WB_TXD;
        job_addr_q <= want_txc_wb ? txc_wb_addr : txd_wb_addr;
        job_len_q  <= LEN_W'(4);
        job_data_q <= DATA_BITS'({wb_value[7:0], wb_value[15:8], 16'h0000});
      end else begin
        job_kind_q <= JOB_COMPL;
        job_addr_q <= compl_addr;
        job_len_q  <= compl_len;
        job_data_q <= compl_data;
      end
    end
  end

  // ---- Writes asked for, until answered: kind and address.
  logic [1:0]                       head_kind;
  logic [tcpoe_dev_pkg::ADDR_W-1:0] head_addr;

  tcpoe_fifo #(.W(2 + tcpoe_dev_pkg::ADDR_W), .DEPTH(TRACK)) u_track (
    .clk, .rst, .push(cmd_take), .push_data({job_kind_q, job_addr_q}), .pop(track_pop),
    .head({head_kind, head_addr}), .count(track_count), .full(track_full));

  assign sts_ready = !sts_error || err_ready;
  assign track_pop = sts_valid && sts_ready;
  assign busy = track_count != '0;
  assign err_valid = sts_valid && sts_error;
  assign err_addr = head_addr;
  assign head_compl = head_kind == JOB_COMPL;
  assign err_compl = head_compl;

  always_ff @(posedge clk) begin
    if (rst) begin
      prod <= '0;
      compl_ok <= 1'b0;
    end else begin
      if (track_pop && head_compl) prod <= prod + 1'b1;
      compl_ok <= track_pop && head_compl && !sts_error;
    end
  end

  // The base's low 6 bits are taken as zero (the register file refuses a
  // base not aligned to 64 octets).
  logic unused;
  assign unused = ^txc_base[5:0];

endmodule

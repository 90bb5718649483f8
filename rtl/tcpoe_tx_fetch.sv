// The TX engine's descriptor fetch (rtl/tcpoe_tx_engine.sv): reads TX_DESC
// ring entries (docs/register-map.md) in batches and hands them on in ring
// order, twice: a narrow view (payload length, the gather list's four parts,
// each a host address and a length, and whether the fetch failed) for the
// stage that reads payloads, and the descriptor itself (octets 0..55) for the
// stage that releases it to the header builder.
//
// Fetches: while `run`, a batch of n = min(FETCH_BATCH, PROD - fetched,
// entries to the ring's end) contiguous entries is asked for (one read of
// n * ENTRY octets at BASE + (fetched mod size) * ENTRY, ENTRY = 128, the
// regs package's TX_RING_ENTRY_LEN) once the queues have room
// for all n and fewer than FETCHES fetches are open; PROD is the host's index
// (txd host_idx). The room is claimed when the read is asked for, so the read
// data never waits. CONS (`cons`) moves past a batch when its read's status
// comes back, OK or not: the entries are then out of the ring.
//
// A failed fetch (its read answered SLVERR or DECERR): `err_valid` pulses
// with its address; its entries are handed on all the same, marked
// `entry_bad` (the engine completes them with DMA_ERROR and sends nothing).
//
// Read data and statuses come from the engine's DMA read master (the beats
// and statuses of this unit's reads, in the order the reads were asked for);
// both are always taken. An entry is handed on (entry_valid) once its
// fetch's status is back. The ring base's low 6 bits are taken as zero (the
// register file refuses a base not aligned to 64 octets).
module tcpoe_tx_fetch #(
  parameter int DATA_W      = 64,
  parameter int FETCH_BATCH = 8,
  parameter int QUEUE       = 16,  // entries fetched and not yet released
  parameter int FETCHES     = 4,   // fetches asked for and not yet all handed on
  parameter int LEN_W       = 10,  // the read command's length field
  localparam int DESC_BITS  = 8 * (tcpoe_wire_pkg::TX_DESC_STREAM_OPT_LEN_OFF + 1),
  localparam int PARTS      = tcpoe_regs_pkg::TX_RING_MAX_PARTS,
  localparam int PART_W     = tcpoe_dev_pkg::ADDR_W + 16  // a part: {length, address}
) (
  input  logic                                clk,
  input  logic                                rst,  // synchronous, active high
  input  logic                                run,
  input  logic [tcpoe_dev_pkg::ADDR_W-1:0]    base,
  input  logic [tcpoe_dev_pkg::LOG2_W-1:0]    size_log2,
  input  logic [tcpoe_dev_pkg::INDEX_W-1:0]   prod,
  output logic [tcpoe_dev_pkg::INDEX_W-1:0]   cons,
  output logic                                cons_moved,
  // Reads, to the DMA read master.
  output logic                                cmd_valid,
  input  logic                                cmd_take,
  output logic [tcpoe_dev_pkg::ADDR_W-1:0]    cmd_addr,
  output logic [LEN_W-1:0]                    cmd_len,
  input  logic                                beat_valid,
  input  logic [DATA_W-1:0]                   beat_data,
  input  logic                                sts_valid,
  input  logic                                sts_error,
  // The entries, narrow view: payload length, the parts (part k at
  // [k*PART_W +: PART_W], {length, address}), fetch failed.
  output logic                                entry_valid,
  output logic [15:0]                         entry_plen,
  output logic [PARTS*PART_W-1:0]             entry_parts,
  output logic                                entry_bad,
  input  logic                                entry_take,
  // The same entries' descriptors, released separately (same order).
  output logic                                desc_valid,
  output logic [DESC_BITS-1:0]                desc,
  input  logic                                desc_release,
  // A failed fetch.
  output logic                                err_valid,
  output logic [tcpoe_dev_pkg::ADDR_W-1:0]    err_addr
);
  localparam int BYTES       = DATA_W / 8;
  localparam int ENTRY       = tcpoe_regs_pkg::TX_RING_ENTRY_LEN;  // 128 octets
  localparam int ENTRY_BITS  = 8 * ENTRY;
  localparam int ENTRY_BEATS = ENTRY / BYTES;
  localparam int N_W         = $clog2(FETCH_BATCH + 1);
  localparam int Q_W         = $clog2(QUEUE + 1);
  localparam int F_W         = $clog2(FETCHES + 1);
  localparam int IDX_W       = tcpoe_dev_pkg::INDEX_W;
  localparam int RAM_DEPTH   = 1 << $clog2(QUEUE);
  localparam int PLEN_OFF    = tcpoe_wire_pkg::TX_DESC_PAYLOAD_LEN_OFF;
  localparam int PARTS_OFF   = tcpoe_regs_pkg::TX_RING_PARTS_OFF;
  localparam int PART_SIZE   = tcpoe_regs_pkg::TX_RING_PART_SIZE;
  localparam int PADDR_OFF   = tcpoe_regs_pkg::TX_RING_PART_ADDR_OFF;
  localparam int PLEN2_OFF   = tcpoe_regs_pkg::TX_RING_PART_LEN_OFF;
  localparam int NARROW_W    = 16 + PARTS * PART_W;

  // ---- The next batch.
  logic [IDX_W-1:0] fetched_q, mask, slot, avail, to_end;
  logic [N_W-1:0]   batch;
  logic [Q_W-1:0]   claimed_q;
  logic [F_W-1:0]   open_q;
  logic             fetch_done, verdict_pop;

  always_comb begin
    mask   = IDX_W'((32'd1 << size_log2) - 1);
    slot   = fetched_q & mask;
    avail  = prod - fetched_q;
    to_end = mask - slot + IDX_W'(1);
    batch  = N_W'(FETCH_BATCH);
    if (32'(avail) < 32'(batch)) batch = N_W'(avail);
    if (32'(to_end) < 32'(batch)) batch = N_W'(to_end);
  end

  assign cmd_valid = run && batch != '0 && 32'(claimed_q) + 32'(batch) <= QUEUE &&
                     32'(open_q) < FETCHES;
  assign cmd_addr  = {base[tcpoe_dev_pkg::ADDR_W-1:6], 6'b0} +
                     (tcpoe_dev_pkg::ADDR_W'(slot) << $clog2(ENTRY));
  assign cmd_len   = LEN_W'(batch) * LEN_W'(ENTRY);

  // ---- Fetches asked for: entries and address, until their status.
  logic [N_W-1:0]                  rec_n;
  logic [tcpoe_dev_pkg::ADDR_W-1:0] rec_addr;

  /* verilator lint_off PINCONNECTEMPTY */
  tcpoe_fifo #(.W(N_W + tcpoe_dev_pkg::ADDR_W), .DEPTH(FETCHES)) u_asked (
    .clk, .rst, .push(cmd_take), .push_data({batch, cmd_addr}), .pop(sts_valid),
    .head({rec_n, rec_addr}), .count(), .full());
  /* verilator lint_on PINCONNECTEMPTY */

  assign fetch_done = sts_valid;
  assign err_valid = sts_valid && sts_error;
  assign err_addr = rec_addr;

  always_ff @(posedge clk) begin
    if (rst) begin
      fetched_q <= '0;
      cons <= '0;
      cons_moved <= 1'b0;
      claimed_q <= '0;
      open_q <= '0;
    end else begin
      if (cmd_take) fetched_q <= fetched_q + IDX_W'(batch);
      if (fetch_done) cons <= cons + IDX_W'(rec_n);
      cons_moved <= fetch_done;
      claimed_q <= claimed_q + (cmd_take ? Q_W'(batch) : '0) - Q_W'(desc_release);
      open_q <= open_q + F_W'(cmd_take) - F_W'(verdict_pop);
    end
  end

  // ---- Beats into entries: octet i of an entry at bits [8i+7:8i].
  logic [ENTRY_BITS-1:0] entry_in;
  logic                  entry_done;

  if (ENTRY_BEATS == 1) begin : g_one_beat
    assign entry_in = ENTRY_BITS'(beat_data);
    assign entry_done = beat_valid;
  end else begin : g_beats
    logic [ENTRY_BITS-DATA_W-1:0]     part_q;  // the entry's earlier beats
    logic [$clog2(ENTRY_BEATS)-1:0]   beat_q;
    assign entry_in = {beat_data, part_q};
    assign entry_done = beat_valid && 32'(beat_q) == ENTRY_BEATS - 1;
    always_ff @(posedge clk) begin
      if (beat_valid) part_q <= entry_in[ENTRY_BITS-1:DATA_W];
      if (rst) beat_q <= '0;
      else if (beat_valid) beat_q <= beat_q + 1'b1;
    end
  end

  // Big-endian fields of the entry.
  logic [15:0]             in_plen;
  logic [PARTS*PART_W-1:0] in_parts;
  always_comb begin
    in_plen = {entry_in[8*PLEN_OFF +: 8], entry_in[8*(PLEN_OFF+1) +: 8]};
    for (int k = 0; k < PARTS; k++) begin
      for (int i = 0; i < 8; i++)
        in_parts[k*PART_W + 8*(7-i) +: 8] = entry_in[8*(PARTS_OFF + k*PART_SIZE + PADDR_OFF + i) +: 8];
      for (int i = 0; i < 2; i++)
        in_parts[k*PART_W + tcpoe_dev_pkg::ADDR_W + 8*(1-i) +: 8] =
          entry_in[8*(PARTS_OFF + k*PART_SIZE + PLEN2_OFF + i) +: 8];
    end
  end

  // ---- The narrow view, taken once its fetch's verdict is in.
  logic [$clog2(RAM_DEPTH + 1)-1:0] narrow_count;
  logic            narrow_valid;
  logic [N_W-1:0]  verdict_n, taken_q;
  logic            verdict_err;
  logic [F_W-1:0]  verdict_count;

  // In block RAM: NARROW_W is wide (four 80-bit parts).
  tcpoe_ram_fifo #(.W(NARROW_W), .DEPTH(RAM_DEPTH)) u_narrow (
    .clk, .rst, .push(entry_done), .push_data({in_plen, in_parts}), .pop(entry_take),
    .head({entry_plen, entry_parts}), .head_valid(narrow_valid), .count(narrow_count));
  /* verilator lint_off PINCONNECTEMPTY */
  // Each fetch's verdict (entries, failed), from its status until its
  // entries are all taken.
  tcpoe_fifo #(.W(N_W + 1), .DEPTH(FETCHES)) u_verdicts (
    .clk, .rst, .push(fetch_done), .push_data({rec_n, sts_error}), .pop(verdict_pop),
    .head({verdict_n, verdict_err}), .count(verdict_count), .full());
  /* verilator lint_on PINCONNECTEMPTY */

  assign entry_valid = narrow_valid && verdict_count != '0;
  assign entry_bad = verdict_err;
  assign verdict_pop = entry_take && taken_q + 1'b1 == verdict_n;

  always_ff @(posedge clk) begin
    if (rst) taken_q <= '0;
    else if (entry_take) taken_q <= verdict_pop ? '0 : taken_q + 1'b1;
  end

  // ---- The descriptors (octets 0..55; the builder ignores the rest).
  logic [$clog2(RAM_DEPTH + 1)-1:0] desc_count;
  tcpoe_ram_fifo #(.W(DESC_BITS), .DEPTH(RAM_DEPTH)) u_desc (
    .clk, .rst, .push(entry_done), .push_data(entry_in[DESC_BITS-1:0]), .pop(desc_release),
    .head(desc), .head_valid(desc_valid), .count(desc_count));

  // Not needed: the base's low bits (see above), the queues' counts
  // (claimed_q bounds them), the entry's octets past the descriptor but for
  // the parts' fields (read above from entry_in).
  logic unused;
  assign unused = ^{base[5:0], desc_count, narrow_count, entry_in[ENTRY_BITS-1:DESC_BITS]};

  if (ENTRY % BYTES != 0) begin : g_bad_width
    $error("tcpoe_tx_fetch: DATA_W/8 must divide the 128-octet entry");
  end
  if (QUEUE < FETCH_BATCH) begin : g_bad_queue
    $error("tcpoe_tx_fetch: QUEUE must hold a batch");
  end

endmodule

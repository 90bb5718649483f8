// A first-in first-out queue of DEPTH entries of W bits in block RAM (a
// write port and a registered read port), for queues too wide or too deep
// for flip-flops. The oldest entry shows on `head` while `head_valid`; push
// when `count` is below DEPTH, pop only while `head_valid` (both in one clock
// are fine); the caller keeps to that.
//
// Timing: the RAM is read at every clock edge at the address of the head
// after that edge's pop, as a block RAM's registered read does. An entry
// pushed at the edge its address is read (the queue empty, or emptied by
// the same edge's pop) shows one clock later: `head_valid` stays low for that
// clock. `count` counts every entry pushed and not popped, that one too.
module tcpoe_ram_fifo #(
  parameter int W     = 8,
  parameter int DEPTH = 16  // a power of two
) (
  input  logic                         clk,
  input  logic                         rst,  // synchronous, active high
  input  logic                         push,
  input  logic [W-1:0]                 push_data,
  input  logic                         pop,
  output logic [W-1:0]                 head,
  output logic                         head_valid,
  output logic [$clog2(DEPTH + 1)-1:0] count
);
  localparam int PTR_W = DEPTH > 1 ? $clog2(DEPTH) : 1;
  localparam int CNT_W = $clog2(DEPTH + 1);

  (* ram_style = "block", no_rw_check *)
  logic [W-1:0]     mem [DEPTH];
  logic [PTR_W-1:0] wr_q, rd_q, rd_next;
  logic [CNT_W-1:0] count_q;
  logic             stale_q;  // head was read at the edge its entry was written

  assign rd_next = rd_q + PTR_W'(pop);

  always_ff @(posedge clk) begin
    if (push) mem[wr_q] <= push_data;
    head <= mem[rd_next];
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      wr_q <= '0;
      rd_q <= '0;
      count_q <= '0;
      stale_q <= 1'b0;
    end else begin
      if (push) wr_q <= wr_q + PTR_W'(1);
      rd_q <= rd_next;
      count_q <= count_q + CNT_W'(push) - CNT_W'(pop);
      stale_q <= push && wr_q == rd_next;
    end
  end

  assign head_valid = count_q != '0 && !stale_q;
  assign count = count_q;

  if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin : g_bad_depth
    $error("tcpoe_ram_fifo: DEPTH must be a power of two, at least 2");
  end

endmodule

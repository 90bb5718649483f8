// A first-in first-out queue of DEPTH entries of W bits, the oldest shown on
// `head` while `count` is not zero. Push when not full, pop when not empty
// (both in one clock are fine); the caller keeps to that.
module tcpoe_fifo #(
  parameter int W     = 8,
  parameter int DEPTH = 4
) (
  input  logic                       clk,
  input  logic                       rst,  // synchronous, active high
  input  logic                       push,
  input  logic [W-1:0]               push_data,
  input  logic                       pop,
  output logic [W-1:0]               head,
  output logic [$clog2(DEPTH + 1)-1:0] count,
  output logic                       full
);
  localparam int PTR_W = DEPTH > 1 ? $clog2(DEPTH) : 1;
  localparam int CNT_W = $clog2(DEPTH + 1);

  logic [W-1:0]     mem [DEPTH];
  logic [PTR_W-1:0] wr_q, rd_q;
  logic [CNT_W-1:0] count_q;

  always_ff @(posedge clk) begin
    if (push) mem[wr_q] <= push_data;
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      wr_q <= '0;
      rd_q <= '0;
      count_q <= '0;
    end else begin
      if (push) wr_q <= wr_q == PTR_W'(DEPTH - 1) ? '0 : wr_q + PTR_W'(1);
      if (pop) rd_q <= rd_q == PTR_W'(DEPTH - 1) ? '0 : rd_q + PTR_W'(1);
      count_q <= count_q + CNT_W'(push) - CNT_W'(pop);
    end
  end

  assign head = mem[rd_q];
  assign count = count_q;
  assign full = count_q == CNT_W'(DEPTH);

  if (DEPTH < 1) begin : g_bad_depth
    $error("tcpoe_fifo: DEPTH must be at least 1");
  end

endmodule

// Round-robin choice among N requesters, for a handshake that must not
// change its mind: `sel` is the first requester after the last one served
// (`take`), and once the choice has been shown downstream (`shown`) without
// being taken, it stays put until it is (AXI: a VALID, once up, stays up
// with the same payload until READY). `any`: some requester to show.
module tcpoe_rr_arbiter #(
  parameter int N = 2,
  localparam int SEL_W = N > 1 ? $clog2(N) : 1
) (
  input  logic             clk,
  input  logic             rst,  // synchronous, active high
  input  logic [N-1:0]     req,
  input  logic             shown,  // sel's request is offered downstream this cycle
  input  logic             take,   // and taken
  output logic [SEL_W-1:0] sel,
  output logic             any
);
  logic [SEL_W-1:0] last_q, held_q, pick;
  logic             holding_q;

  // The first requester after last_q, wrapping.
  always_comb begin
    pick = last_q;
    for (int k = N; k >= 1; k--) begin
      if (req[(32'(last_q) + k) % N]) pick = SEL_W'((32'(last_q) + k) % N);
    end
  end

  assign sel = holding_q ? held_q : pick;
  assign any = holding_q || req != '0;

  always_ff @(posedge clk) begin
    if (rst) begin
      last_q <= SEL_W'(N - 1);
      holding_q <= 1'b0;
      held_q <= '0;
    end else if (take) begin
      last_q <= sel;
      holding_q <= 1'b0;
    end else if (shown) begin
      holding_q <= 1'b1;
      held_q <= sel;
    end
  end

endmodule

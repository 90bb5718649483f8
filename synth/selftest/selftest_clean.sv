// The checker's positive control (CTest synth.selftest.accepts_clean): a
// clean registered adder with a FIFO-like memory must pass, so the negative
// tests fail for their reason and not because the checker rejects everything.
module selftest_clean (
  input  logic        clk,
  input  logic        rst,
  input  logic [15:0] a,
  input  logic [15:0] b,
  input  logic        we,
  input  logic [2:0]  ra,
  output logic [16:0] sum,
  output logic [16:0] rd
);
  logic [16:0] mem [8];
  logic [2:0]  wa;

  always_ff @(posedge clk) begin
    sum <= 17'(a) + 17'(b);
    if (we) begin
      mem[wa] <= sum;
      wa <= wa + 3'd1;
    end
    if (rst) wa <= 3'd0;
  end

  assign rd = mem[ra];
endmodule

// Deliberately bad (synth/selftest: the checker must reject it): y has two
// drivers, a flip-flop and a second flip-flop in another process.
// CTest synth.selftest.rejects_multidriver.
module selftest_multidriver (
  input  logic clk,
  input  logic a,
  input  logic b,
  output logic y
);
  always_ff @(posedge clk) y <= a;
  always_ff @(posedge clk) y <= b;
endmodule

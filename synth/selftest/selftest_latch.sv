// Deliberately bad (synth/selftest: the checker must reject it): q keeps its
// value when en is low, so a combinational process infers a latch. Written
// with always @* because yosys only makes that a log line, not an error; the
// checker must still catch it (CTest synth.selftest.rejects_latch).
module selftest_latch (
  input  logic       en,
  input  logic [3:0] d,
  output logic [3:0] q
);
  always @* begin
    if (en) q = d;
  end
endmodule

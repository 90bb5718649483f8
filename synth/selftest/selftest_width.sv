// Deliberately bad (synth/selftest: the checker must reject it): width
// truncation yosys can see. A 16-bit bus goes into an 8-bit port (yosys:
// "Resizing cell port"), and a literal does not fit its declared size
// ("Literal has a width of 4 bit, but value requires 5 bit").
// CTest synth.selftest.rejects_width.
module selftest_width (
  input  logic [15:0] a,
  output logic [15:0] y,
  output logic [3:0]  k
);
  selftest_narrow u_narrow (.a(a), .y(y));
  assign k = 4'd20;
endmodule

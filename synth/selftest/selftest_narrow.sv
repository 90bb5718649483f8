// Helper of selftest_width: an 8-bit pass-through.
module selftest_narrow (
  input  logic [7:0] a,
  output logic [7:0] y
);
  assign y = a;
endmodule

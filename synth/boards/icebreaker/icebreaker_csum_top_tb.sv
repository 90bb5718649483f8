// Simulation of the board top before it goes on the board (CTest
// synth.ice40.board_sim): two copies run side by side for CYCLES clocks, the
// button pressed once mid-run. The plain copy must check packets with its red
// LED off; the copy built with INJECT_FAULT = 1 must light its red LED, which
// proves the comparison on the board can fail.
module icebreaker_csum_top_tb;
  parameter int CYCLES = 300000;

  logic       clk = 1'b0;
  logic       btn_n = 1'b1;
  logic       red_n, grn_n, bad_red_n, bad_grn_n;
  logic [4:0] pmod, bad_pmod;

  icebreaker_csum_top #(.INJECT_FAULT(1'b0)) dut (
    .clk_12m(clk), .btn_n(btn_n), .led_red_n(red_n), .led_grn_n(grn_n), .led_pmod(pmod));
  icebreaker_csum_top #(.INJECT_FAULT(1'b1)) dut_fault (
    .clk_12m(clk), .btn_n(btn_n), .led_red_n(bad_red_n), .led_grn_n(bad_grn_n),
    .led_pmod(bad_pmod));

  initial forever #41.667 clk = ~clk;  // 12 MHz

  initial begin
    repeat (CYCLES / 4) @(posedge clk);
    btn_n = 1'b0;  // the button restarts the test
    repeat (10) @(posedge clk);
    btn_n = 1'b1;
    repeat (CYCLES - CYCLES / 4 - 10) @(posedge clk);
    $display("board sim: %0d packets checked since the button; red LED %s, green %s, PMOD %b",
             dut.pkt_count, red_n ? "off" : "ON", grn_n ? "off" : "on", pmod);
    $display("board sim with INJECT_FAULT=1: red LED %s, green %s, PMOD %b",
             bad_red_n ? "off" : "ON", bad_grn_n ? "off" : "on", bad_pmod);
    if (dut.pkt_count < 21'd1000) $fatal(1, "FAIL: too few packets checked");
    if (!red_n) $fatal(1, "FAIL: a checksum did not match the reference");
    if (bad_red_n) $fatal(1, "FAIL: the injected fault went unnoticed");
    $display("PASS");
    $finish;
  end
endmodule

// A DMA master's status output: one register, set when a command is done
// (`done`, only while `free`), shown on sts_* until sts_ready takes it.
// `free` depends on the register alone, so a master may let it gate a
// valid it must hold (m_axis_tvalid of the command's last beat).
module tcpoe_dma_status #(
  parameter int TAG_W = 8
) (
  input  logic             clk,
  input  logic             rst,  // synchronous, active high
  input  logic             done,
  input  logic [TAG_W-1:0] done_tag,
  input  logic             done_error,
  output logic             free,
  output logic             sts_valid,
  input  logic             sts_ready,
  output logic [TAG_W-1:0] sts_tag,
  output logic             sts_error
);
  always_ff @(posedge clk) begin
    if (rst) begin
      sts_valid <= 1'b0;
      sts_tag <= '0;
      sts_error <= 1'b0;
    end else if (done) begin
      sts_valid <= 1'b1;
      sts_tag <= done_tag;
      sts_error <= done_error;
    end else if (sts_ready) begin
      sts_valid <= 1'b0;
    end
  end

  assign free = !sts_valid;

endmodule

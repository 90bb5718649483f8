// Interrupt moderation for one MSI-X vector. Every `event` (a completion the
// host can now see) counts; the vector fires when MOD_COUNT events are
// pending (0 and 1: each event), or MOD_TIME cycles after the first pending
// one (0: no time limit), whichever comes first. Firing is a request to write
// DATA to ADDR (the MSI-X message) through the DMA engine; once the write is
// taken (`msix_ready`), the count and the timer start again and `fired`
// pulses for IRQ_STATUS and the interrupt counter.
//
// A masked vector keeps its events pending and fires when unmasked, as MSI-X
// requires. A disabled vector (poll mode) fires nothing and keeps nothing: the
// driver polls the completion rings instead. The interrupt covers every
// event before the cycle its message is taken (their completions precede it
// in host memory); an event in that cycle counts toward the next one.
module tcpoe_irq_vector (
  input  logic                           clk,
  input  logic                           rst,  // synchronous, active high
  input  tcpoe_dev_pkg::irq_cfg_t        cfg,
  input  logic                           event_valid,
  output logic                           msix_valid,
  output logic [tcpoe_dev_pkg::ADDR_W-1:0] msix_addr,
  output logic [31:0]                    msix_data,
  input  logic                           msix_ready,
  output logic                           fired
);
  logic [31:0] pending_q;  // events since the last interrupt
  logic [31:0] waited_q;   // cycles since the first of them
  logic        due;

  always_comb begin
    due = pending_q != '0 &&
          (pending_q >= cfg.mod_count || (cfg.mod_time != '0 && waited_q >= cfg.mod_time));
  end

  assign msix_valid = cfg.enable && !cfg.masked && due;
  assign msix_addr = cfg.msix_addr;
  assign msix_data = cfg.msix_data;
  assign fired = msix_valid && msix_ready;

  always_ff @(posedge clk) begin
    if (rst || !cfg.enable) begin
      pending_q <= '0;
      waited_q <= '0;
    end else if (fired) begin
      pending_q <= 32'(event_valid);
      waited_q <= '0;
    end else begin
      if (event_valid && pending_q != '1) pending_q <= pending_q + 32'd1;
      if (pending_q != '0 && waited_q != '1) waited_q <= waited_q + 32'd1;
    end
  end

endmodule

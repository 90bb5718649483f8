// The checksum engine on a real board: the iCEBreaker (1BitSquared, v1.0e,
// Lattice iCE40UP5K-SG48, 12 MHz oscillator). A pattern generator sends
// packets of pseudo-random length (1..1024 bytes) and content through
// tcp_csum (DATA_W = 64) and checks every result against a reference that
// sums the packet another way: the even-lane and odd-lane bytes in two
// separate accumulators, combined and folded at the end (RFC 1071's "byte
// order independence": the sum of the high bytes times 256 plus the sum of
// the low bytes).
//
//   green LED (LEDG_N)  blinks while every checksum so far has matched
//   red LED (LEDR_N)    lights, and stays lit, after the first mismatch
//   PMOD 2 LEDs L1..L5  count checked packets (bits 20..16 of the count)
//   button (BTN_N)      restarts the test while held
//
// The generator offers beats with random gaps and the consumer takes the
// result with random delays, so both handshakes of tcp_csum see stalls. One
// packet is in flight at a time; the lockstep simulations cover the rest.
// INJECT_FAULT = 1 corrupts the reference of one packet in 64 (the
// simulation test uses it to prove the red LED works).
module icebreaker_csum_top #(
  parameter bit INJECT_FAULT = 1'b0
) (
  input  logic       clk_12m,     // 12 MHz
  input  logic       btn_n,       // user button, low while pressed
  output logic       led_red_n,   // low = on
  output logic       led_grn_n,   // low = on
  output logic [4:0] led_pmod     // high = on
);

  localparam int DATA_W = 64;
  localparam int BYTES  = DATA_W / 8;

  // ---------------------------------------------------------------- reset
  // Power-up reset (iCE40 flip-flops start at their initial value), then the
  // button, synchronized.
  logic [3:0] por_cnt = 4'd0;
  logic [1:0] btn_sync = 2'b11;
  logic       rst = 1'b1;

  always_ff @(posedge clk_12m) begin
    btn_sync <= {btn_sync[0], btn_n};
    if (por_cnt != 4'hf) por_cnt <= por_cnt + 4'd1;
    rst <= (por_cnt != 4'hf) || !btn_sync[1];
  end

  // ---------------------------------------------------------------- random sources
  // xorshift64 for the packet bytes, a 16-bit Galois LFSR for lengths, gaps
  // and stalls.
  logic [63:0] data_rng;
  logic [15:0] ctl_rng;
  logic [63:0] data_next;
  logic [15:0] ctl_next;

  always_comb begin
    data_next = data_rng ^ (data_rng << 13);
    data_next = data_next ^ (data_next >> 7);
    data_next = data_next ^ (data_next << 17);
    ctl_next  = {1'b0, ctl_rng[15:1]} ^ (ctl_rng[0] ? 16'hb400 : 16'h0000);
  end

  always_ff @(posedge clk_12m) begin
    ctl_rng <= ctl_next;
    if (rst) ctl_rng <= 16'hace1;
  end

  // ---------------------------------------------------------------- generator
  logic              sending;     // a packet is being sent
  logic [10:0]       remaining;   // bytes of the packet not yet accepted
  logic              offer;       // s_axis_tvalid
  logic [DATA_W-1:0] s_tdata;
  logic [BYTES-1:0]  s_tkeep;
  logic              s_tlast, s_tready;
  logic [15:0]       m_tdata;
  logic              m_tvalid, m_tready;

  wire accept = offer && s_tready;

  always_comb begin
    s_tdata = data_rng;
    s_tlast = remaining <= 11'(BYTES);
    s_tkeep = '1;
    if (s_tlast) begin
      for (int i = 0; i < BYTES; i++) s_tkeep[i] = 11'(i) < remaining;
    end
  end

  // ---------------------------------------------------------------- reference
  // Sums of the bytes in even lanes (each the high byte of its 16-bit word)
  // and in odd lanes (the low bytes), over the whole packet.
  logic [19:0] hi_acc, lo_acc;
  logic [19:0] hi_beat, lo_beat;
  logic [27:0] ref_total;
  logic [16:0] ref_fold1;
  logic [15:0] ref_sum;

  always_comb begin
    hi_beat = 20'd0;
    lo_beat = 20'd0;
    for (int i = 0; i < BYTES; i = i + 2) begin
      if (s_tkeep[i])   hi_beat = hi_beat + 20'(s_tdata[8*i +: 8]);
      if (s_tkeep[i+1]) lo_beat = lo_beat + 20'(s_tdata[8*i+8 +: 8]);
    end
    ref_total = {hi_acc, 8'h00} + 28'(lo_acc);
    // 2^16 = 1 (mod 0xffff): fold the 28-bit total twice.
    ref_fold1 = 17'(ref_total[15:0]) + 17'(ref_total[27:16]);
    ref_sum   = ref_fold1[15:0] + 16'(ref_fold1[16]);
  end

  // ---------------------------------------------------------------- sequencer
  logic        waiting;          // the last beat is in; waiting for the result
  logic [20:0] pkt_count;
  logic        mismatch;

  always_ff @(posedge clk_12m) begin
    if (!sending && !waiting) begin
      // Start the next packet: 1..1024 bytes.
      sending   <= 1'b1;
      remaining <= 11'(ctl_rng[9:0]) + 11'd1;
      hi_acc    <= 20'd0;
      lo_acc    <= 20'd0;
      offer     <= 1'b0;
    end
    if (sending) begin
      if (!offer || accept) offer <= ctl_rng[12:10] != 3'b000;  // a gap 1 time in 8
      if (accept) begin
        data_rng  <= data_next;
        hi_acc    <= hi_acc + hi_beat;
        lo_acc    <= lo_acc + lo_beat;
        remaining <= remaining - 11'(BYTES);
        if (s_tlast) begin
          sending <= 1'b0;
          waiting <= 1'b1;
          offer   <= 1'b0;
        end
      end
    end
    if (m_tvalid && m_tready) begin
      waiting   <= 1'b0;
      pkt_count <= pkt_count + 21'd1;
      if (m_tdata != (ref_sum ^ ((INJECT_FAULT && pkt_count[5:0] == 6'd63) ? 16'h0001 : 16'h0000)))
        mismatch <= 1'b1;
    end
    if (rst) begin
      sending   <= 1'b0;
      waiting   <= 1'b0;
      offer     <= 1'b0;
      remaining <= 11'd0;
      pkt_count <= 21'd0;
      mismatch  <= 1'b0;
      data_rng  <= 64'h0123_4567_89ab_cdef;
      hi_acc    <= 20'd0;
      lo_acc    <= 20'd0;
    end
  end

  assign m_tready = ctl_rng[15:13] != 3'b000;  // the consumer stalls 1 cycle in 8

  tcp_csum #(.DATA_W(DATA_W)) u_csum (
    .clk          (clk_12m),
    .rst          (rst),
    .s_axis_tdata (s_tdata),
    .s_axis_tkeep (s_tkeep),
    .s_axis_tvalid(offer),
    .s_axis_tready(s_tready),
    .s_axis_tlast (s_tlast),
    .m_axis_tdata (m_tdata),
    .m_axis_tvalid(m_tvalid),
    .m_axis_tready(m_tready)
  );

  // ---------------------------------------------------------------- LEDs
  assign led_red_n = !mismatch;
  assign led_grn_n = !(!mismatch && pkt_count[15]);
  assign led_pmod  = pkt_count[20:16];

endmodule

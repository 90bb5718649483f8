// The TX engine's gather (rtl/tcpoe_tx_engine.sv): joins the beats of a
// descriptor's parts, as the DMA read master gives them (each octet in its
// memory lane: a beat keeps one run of contiguous lanes, anywhere), into one
// AXI4-Stream packet packed from lane 0: every beat full but the last, tlast
// on the last, the form the header builder's s_axis takes.
//
// The input: a beat's data, its keep (contiguous lanes, at least one) and
// whether it ends the packet (the last beat of the descriptor's last part).
// Where a part ends needs no mark: the next beat's keep says where the next
// part's octets are.
//
// How: the octets not yet sent (fewer than a beat) wait in lanes 0..fill-1;
// each beat's kept octets are rotated to start at lane `fill` (one shift of
// the beat doubled, {data, data}) and joined to them; a full beat goes out,
// the rest waits. One beat in per clock. When a packet's end leaves octets
// for one more beat, the input is held one clock (s_ready low) while that
// beat goes out.
//
// Timing: the output is registered (one clock from a beat in to the beat it
// completes); s_ready is low while the output holds a beat not taken, and for
// the extra beat above; it never depends on s_valid.
module tcpoe_tx_gather #(
  parameter int DATA_W = 64
) (
  input  logic                clk,
  input  logic                rst,  // synchronous, active high
  input  logic                s_valid,
  output logic                s_ready,
  input  logic [DATA_W-1:0]   s_data,
  input  logic [DATA_W/8-1:0] s_keep,
  input  logic                s_last,
  output logic                m_valid,
  input  logic                m_ready,
  output logic [DATA_W-1:0]   m_data,
  output logic [DATA_W/8-1:0] m_keep,
  output logic                m_last
);
  localparam int BYTES  = DATA_W / 8;
  localparam int LANE_W = $clog2(BYTES);
  localparam int FILL_W = LANE_W + 1;  // 0..BYTES

  logic [DATA_W-1:0] acc_q;     // octets waiting, lanes 0..fill_q-1
  logic [LANE_W-1:0] fill_q;
  logic              flush_q;   // a packet's last octets wait in acc_q
  logic              out_free, take;

  // ---- The input beat: its first lane and its octets.
  logic [LANE_W-1:0]     in_first;
  logic [FILL_W-1:0]     in_count, total;
  logic [LANE_W-1:0]     shift;
  /* verilator lint_off UNUSEDSIGNAL */  // the shift's upper half
  logic [2*DATA_W-1:0]   doubled;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [DATA_W-1:0]     rotated, joined, low_bits;
  logic [BYTES-1:0]      low_lanes;

  always_comb begin
    in_first = '0;
    for (int l = BYTES - 1; l >= 0; l--) if (s_keep[l]) in_first = LANE_W'(l);
    in_count = '0;
    for (int l = 0; l < BYTES; l++) in_count = in_count + FILL_W'(s_keep[l]);
    total = FILL_W'(fill_q) + in_count;
    // Lane i of `rotated` is lane (i + shift) mod BYTES of the input: lane
    // in_first lands on lane fill_q.
    shift = in_first - fill_q;
    doubled = {s_data, s_data} >> (8 * shift);
    rotated = doubled[DATA_W-1:0];
    low_lanes = ~({BYTES{1'b1}} << fill_q);
    for (int l = 0; l < BYTES; l++) low_bits[8*l +: 8] = {8{low_lanes[l]}};
    joined = (acc_q & low_bits) | (rotated & ~low_bits);
  end

  assign out_free = !m_valid || m_ready;
  assign s_ready = out_free && !flush_q;
  assign take = s_valid && s_ready;

  always_ff @(posedge clk) begin
    if (rst) begin
      m_valid <= 1'b0;
      fill_q <= '0;
      flush_q <= 1'b0;
    end else if (flush_q) begin
      if (out_free) begin  // the packet's last beat: what waits
        m_valid <= 1'b1;
        m_data <= acc_q;
        m_keep <= low_lanes;
        m_last <= 1'b1;
        fill_q <= '0;
        flush_q <= 1'b0;
      end
    end else if (take) begin
      // A full beat goes out (the rest of `rotated` waits), or the packet's
      // last beat, or nothing yet.
      m_valid <= total >= FILL_W'(BYTES) || s_last;
      m_data <= joined;
      m_keep <= total >= FILL_W'(BYTES) ? {BYTES{1'b1}} : ~({BYTES{1'b1}} << total);
      m_last <= s_last && total <= FILL_W'(BYTES);
      acc_q <= total >= FILL_W'(BYTES) ? rotated : joined;
      fill_q <= s_last && total <= FILL_W'(BYTES) ? '0 : LANE_W'(total);
      flush_q <= s_last && total > FILL_W'(BYTES);
    end else if (m_ready) begin
      m_valid <= 1'b0;
    end
  end

  if (DATA_W != 64 && DATA_W != 128 && DATA_W != 256 && DATA_W != 512) begin : g_bad_width
    $error("tcpoe_tx_gather: DATA_W must be 64, 128, 256 or 512");
  end

endmodule

// Internet checksum engine (RFC 1071): the folded 16-bit ones' complement sum
// of every packet on s_axis, one result per packet, in order, on m_axis.
//
// One beat per clock, forever, including back-to-back one-beat packets. Four
// cycles from the last beat's handshake to m_axis_tvalid, at every DATA_W.
// The pipeline, stage by stage, and the C++ reference it must match cycle for
// cycle, are in hls/csum/tcp_csum.h (class TcpCsum: same register names).
//
// Byte lane i is s_axis_tdata[8i+7:8i]; byte 0 of the packet is the high byte
// of its first 16-bit word. Every beat but the last keeps all lanes; the last
// keeps lanes 0..n-1, n >= 1 (checked by an assertion in simulation).
module tcp_csum #(
  parameter int DATA_W = 64
) (
  input  logic                clk,
  input  logic                rst,            // synchronous, active high
  input  logic [DATA_W-1:0]   s_axis_tdata,
  input  logic [DATA_W/8-1:0] s_axis_tkeep,
  input  logic                s_axis_tvalid,
  output logic                s_axis_tready,
  input  logic                s_axis_tlast,
  output logic [15:0]         m_axis_tdata,   // folded sum of the packet, not inverted
  output logic                m_axis_tvalid,
  input  logic                m_axis_tready
);

  localparam int WORDS       = DATA_W / 16;
  localparam int GROUP_WORDS = 8;
  localparam int GROUPS      = (WORDS + GROUP_WORDS - 1) / GROUP_WORDS;
  localparam int PART_W      = 19;  // sum of up to 8 16-bit words
  localparam int BEAT_W      = 21;  // sum of up to 4 parts
  localparam int FIFO_DEPTH  = 8;
  localparam int PTR_W       = 3;

  // ---------------------------------------------------------------- s_axis -> s1
  logic                  s1_valid, s1_last;
  logic [GROUPS*PART_W-1:0] s1_part, part_in;  // GROUPS parts, part g at [g*PART_W +: PART_W]
  logic [15:0]           word_in;

  always_comb begin
    part_in = '0;
    word_in = '0;
    for (int g = 0; g < GROUPS; g++) begin
      for (int j = 0; j < GROUP_WORDS; j++) begin
        if (g * GROUP_WORDS + j < WORDS) begin
          // RFC 1071: lanes not kept read as zero (pads an odd last octet).
          word_in[15:8] = s_axis_tkeep[2*(g*GROUP_WORDS+j)]
                        ? s_axis_tdata[16*(g*GROUP_WORDS+j) +: 8] : 8'h00;
          word_in[7:0]  = s_axis_tkeep[2*(g*GROUP_WORDS+j)+1]
                        ? s_axis_tdata[16*(g*GROUP_WORDS+j)+8 +: 8] : 8'h00;
          part_in[g*PART_W +: PART_W] = part_in[g*PART_W +: PART_W] + PART_W'(word_in);
        end
      end
    end
  end

  logic [3:0] fifo_count;
  logic [1:0] inflight_lasts;
  logic       fin_valid;
  logic       s2_valid, s2_last;

  // Room in the result queue for every packet end already in the pipeline
  // plus the beat offered now, so a stalled m_axis never drops a result.
  always_comb begin
    inflight_lasts = 2'(s1_valid && s1_last) + 2'(s2_valid && s2_last) + 2'(fin_valid);
    s_axis_tready  = (4'(FIFO_DEPTH) - fifo_count) > 4'(inflight_lasts);
  end

  wire accept = s_axis_tvalid && s_axis_tready;

  always_ff @(posedge clk) begin
    if (accept) begin
      s1_last <= s_axis_tlast;
      s1_part <= part_in;
    end
    s1_valid <= accept;
    if (rst) s1_valid <= 1'b0;
  end

  // ---------------------------------------------------------------- s1 -> s2
  logic [BEAT_W-1:0] s2_sum, beat_sum;

  always_comb begin
    beat_sum = '0;
    for (int g = 0; g < GROUPS; g++) beat_sum = beat_sum + BEAT_W'(s1_part[g*PART_W +: PART_W]);
  end

  always_ff @(posedge clk) begin
    if (s1_valid) s2_sum <= beat_sum;
    s2_valid <= s1_valid;
    s2_last  <= s1_last;
    if (rst) s2_valid <= 1'b0;
  end

  // ---------------------------------------------------------------- s2 -> s3 -> fin
  // The accumulator keeps its carry-out apart and feeds it back as the next
  // beat's carry-in: one carry chain per beat, no end-around adder in the loop.
  logic        in_pkt;
  logic [31:0] acc, fin_lo;
  logic        acc_c, fin_c;
  logic [32:0] acc_total;

  always_comb begin
    acc_total = (in_pkt ? {1'b0, acc} : 33'd0) + 33'(s2_sum) + 33'(in_pkt && acc_c);
  end

  always_ff @(posedge clk) begin
    fin_valid <= 1'b0;
    if (s2_valid) begin
      if (s2_last) begin
        fin_valid <= 1'b1;
        {fin_c, fin_lo} <= acc_total;
        in_pkt <= 1'b0;
      end else begin
        {acc_c, acc} <= acc_total;
        in_pkt <= 1'b1;
      end
    end
    if (rst) begin
      fin_valid <= 1'b0;
      in_pkt    <= 1'b0;
    end
  end

  // ---------------------------------------------------------------- fin -> fifo -> m_axis
  // 2^32 = 1 (mod 0xffff): fold the 33-bit total to 16 bits.
  logic [16:0] fold_t;
  logic [15:0] fin_sum;

  always_comb begin
    fold_t  = 17'(fin_lo[15:0]) + 17'(fin_lo[31:16]) + 17'(fin_c);
    fin_sum = fold_t[15:0] + 16'(fold_t[16]);
  end

  logic [15:0]      fifo_mem [FIFO_DEPTH];
  logic [PTR_W-1:0] fifo_rd, fifo_wr;

  wire pop = m_axis_tvalid && m_axis_tready;

  always_ff @(posedge clk) begin
    if (fin_valid) begin
      fifo_mem[fifo_wr] <= fin_sum;
      fifo_wr <= fifo_wr + 1'b1;
    end
    if (pop) fifo_rd <= fifo_rd + 1'b1;
    fifo_count <= fifo_count + 4'(fin_valid) - 4'(pop);
    if (rst) begin
      fifo_rd    <= '0;
      fifo_wr    <= '0;
      fifo_count <= '0;
    end
  end

  assign m_axis_tvalid = fifo_count != 0;
  assign m_axis_tdata  = fifo_mem[fifo_rd];

`ifndef SYNTHESIS
  // Bad input is caught, never summed wrong: full beats before the last, and
  // a last beat that keeps lanes 0..n-1 with n >= 1.
  always_ff @(posedge clk) begin
    if (!rst && s_axis_tvalid && s_axis_tready) begin
      if (!s_axis_tlast)
        assert (&s_axis_tkeep)
          else $error("tcp_csum: tkeep %h on a beat that is not the last", s_axis_tkeep);
      else
        assert (s_axis_tkeep != '0 && (s_axis_tkeep & (s_axis_tkeep + 1'b1)) == '0)
          else $error("tcp_csum: last beat tkeep %h is not lanes 0..n-1", s_axis_tkeep);
    end
  end
`endif

  if (DATA_W != 64 && DATA_W != 128 && DATA_W != 256 && DATA_W != 512) begin : g_bad_width
    $error("tcp_csum: DATA_W must be 64, 128, 256 or 512");
  end

endmodule

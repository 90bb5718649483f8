// The baseline of bench-synth: the Internet checksum (RFC 1071) written the
// straightforward way, to measure rtl/tcp_csum.sv against. Same ports and the
// same result as tcp_csum (the folded 16-bit sum of each packet, not
// inverted); not used by the device.
//
// One stage: every 16-bit word of the beat and the running sum are added in
// one adder tree, and the total is folded back to 16 bits (end-around carry)
// in the same cycle. The result waits in one register until m_axis takes it;
// s_axis is ready while that register is empty or being emptied.
module tcp_csum_naive #(
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

  localparam int WORDS = DATA_W / 16;

  logic [15:0] acc;      // folded sum of the packet's beats so far
  logic        in_pkt;   // acc holds a packet's first beats
  logic [31:0] total;
  logic [16:0] fold1;
  logic [15:0] sum;
  logic [15:0] word;

  always_comb begin
    total = in_pkt ? {16'h0000, acc} : 32'h0000_0000;
    word  = 16'h0000;
    for (int i = 0; i < WORDS; i++) begin
      // Byte 2i is the high byte of word i; lanes not kept read as zero.
      word[15:8] = s_axis_tkeep[2*i]   ? s_axis_tdata[16*i +: 8]   : 8'h00;
      word[7:0]  = s_axis_tkeep[2*i+1] ? s_axis_tdata[16*i+8 +: 8] : 8'h00;
      total = total + {16'h0000, word};
    end
    // End-around carry: at most 33 words of 16 bits, so total < 2^22 and two
    // folds always leave 16 bits.
    fold1 = {1'b0, total[15:0]} + {1'b0, total[31:16]};
    sum   = fold1[15:0] + {15'h0000, fold1[16]};
  end

  assign s_axis_tready = !m_axis_tvalid || m_axis_tready;

  always_ff @(posedge clk) begin
    if (m_axis_tvalid && m_axis_tready) m_axis_tvalid <= 1'b0;
    if (s_axis_tvalid && s_axis_tready) begin
      if (s_axis_tlast) begin
        m_axis_tdata  <= sum;
        m_axis_tvalid <= 1'b1;
        in_pkt        <= 1'b0;
      end else begin
        acc    <= sum;
        in_pkt <= 1'b1;
      end
    end
    if (rst) begin
      m_axis_tvalid <= 1'b0;
      in_pkt        <= 1'b0;
    end
  end

endmodule

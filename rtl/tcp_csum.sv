// Internet checksum engine (RFC 1071): the folded 16-bit ones' complement sum
// of every packet on s_axis, one result per packet, in order, on m_axis.
//
// One beat per clock, forever, including back-to-back one-beat packets. From
// the last beat's handshake to m_axis_tvalid: 6 cycles at DATA_W=64, 4 wider
// (tcp_csum_pkg::latency).
// The C++ reference it must match cycle for cycle is hls/csum/tcp_csum.h
// (class TcpCsum: same register names, same stages).
//
// Byte lane i is s_axis_tdata[8i+7:8i]; byte 0 of the packet is the high byte
// of its first 16-bit word. Every beat but the last keeps all lanes; the last
// keeps lanes 0..n-1, n >= 1 (checked by an assertion in simulation).
//
// The pipeline (W = DATA_W/16 words a beat, L = log2(W)):
//   s1   the beat's octets, registered; a lane not kept is cleared by the
//        flip-flops' synchronous reset (RFC 1071: it reads as zero).
//   s2   the beat's sum, by balanced trees of 2-input adders (s2_sum):
//        DATA_W = 64: two trees, the W low octets (odd lanes) and the W high
//                     octets (even lanes) of the beat, 8+L bits each;
//        wider:       one tree of the W 16-bit words, 16+L bits.
//        Splitting the words halves the trees' carry chains, which keeps a
//        small FPGA's clock up at 64 bits; one tree of words uses fewer LUTs
//        (one adder, not two, per node), which wins at the wider widths.
//        s2_sum is 0 when s1 held no beat, so the accumulators need no
//        enable: an idle cycle adds 0.
//   acc  two 16-bit ones' complement accumulators, each keeping its carry-out
//        and adding it back as the next beat's carry-in (2^16 = 1 modulo
//        0xffff). Two trees: acc_lo sums the low octets, acc_hi the high
//        octets times 256 (a rotation by 8 bits modulo 0xffff). One tree:
//        acc_lo sums the low 16 bits of the word sums, acc_hi their bits
//        above (each of weight 2^16 = 1). Cleared after the last beat;
//        fin takes the totals every cycle (they count when fin_valid).
//   DATA_W = 64 (tcp_csum_pkg::fold_ahead: the clock rate first):
//   fold fin_lo + fin_hi + fin_lo_c (17 bits), and fin_hi_c.
//   out  fold + fold_hi_c, the end-around carry added back (17 bits).
//   fifo out[15:0] | out[16], the packet's folded sum, queued 8 deep; the
//        head is m_axis_tdata as it is.
//   wider (two cycles and fewer LUTs):
//   fifo fin_lo + fin_hi + fin_lo_c (17 bits) and fin_hi_c queued, 8 deep;
//        m_axis_tdata adds the head up to 16 bits as it reads it.
// Every adder is a 2-input adder on one carry chain (Xilinx CARRY4, iCE40
// SB_CARRY) with one LUT per bit at most; a chain is at most 17 bits long,
// 16+L in the tree of words; at DATA_W=64 no register-to-register path holds
// more than one chain but the octet trees' two levels (see docs/synthesis.md).
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

  localparam int LANES       = DATA_W / 8;
  localparam int WORDS       = DATA_W / 16;    // 16-bit words in a beat
  localparam int LEVELS      = $clog2(WORDS);
  localparam bit OCTET_TREES = DATA_W == 64;   // the words split into octets (see s2 above)
  localparam int TREES       = OCTET_TREES ? 2 : 1;
  localparam int LEAF_W      = 16 / TREES;     // a tree adds WORDS leaves of LEAF_W bits
  localparam int SUM_W       = LEAF_W + LEVELS;
  localparam int FIFO_DEPTH  = 8;
  localparam int PTR_W       = 3;              // pointers carry one more bit: 8 = full
  localparam bit FOLD_AHEAD  = tcp_csum_pkg::fold_ahead(DATA_W);  // see fifo above
  localparam int ENTRY_W     = FOLD_AHEAD ? 16 : 18;  // a queue entry

  // Adder tree of WORDS leaves, flattened: level k (0 = the leaves) holds
  // WORDS >> k sums of LEAF_W+k bits each, from bit tree_off(k) on.
  function automatic int tree_off(input int k);
    tree_off = 0;
    for (int j = 0; j < k; j++) tree_off = tree_off + (WORDS >> j) * (LEAF_W + j);
  endfunction
  localparam int TREE_W = tree_off(LEVELS + 1);
  localparam int ROOT   = tree_off(LEVELS);

  // ---------------------------------------------------------------- s_axis -> s1
  // pending: packet ends accepted whose result m_axis has not taken yet
  // (those in s1, s2, fin, fold and out, and the queue). s_axis is ready while
  // the queue has room for all of them plus one more, so a stalled m_axis
  // never loses a result; ready comes from this register alone, never from
  // m_axis_tready. With 6 cycles of latency (4 wider) at most 6 are in
  // flight when m_axis takes every result, so one-beat packets still flow
  // every cycle.
  logic [3:0]        pending;
  logic              s1_valid, s1_last;
  logic              s1_idle;                  // !s1_valid, for s2_sum's reset pin
  logic [DATA_W-1:0] s1_byte;                  // lane l at [8l +: 8], 0 if not kept
  logic              pop;

  assign s_axis_tready = !pending[3];          // pending < FIFO_DEPTH

  wire             accept = s_axis_tvalid && s_axis_tready;
  wire             end_in = accept && s_axis_tlast;
  // One gate per lane, active high: a bare ~tkeep costs yosys an inverter
  // per flip-flop on Xilinx, and ~(tkeep & accept) a gate per bit.
  wire [LANES-1:0] drop   = ~s_axis_tkeep & {LANES{s_axis_tvalid}};

  always_ff @(posedge clk) begin
    // Written so that the clear maps onto the flip-flops' reset pin (one
    // signal per lane) rather than onto a gate per bit. Loaded every cycle,
    // without an enable: s1_byte only counts when s1_valid.
    for (int l = 0; l < LANES; l++) begin
      if (drop[l]) s1_byte[8*l +: 8] <= 8'h00;
      else s1_byte[8*l +: 8] <= s_axis_tdata[8*l +: 8];
    end
    if (accept) s1_last <= s_axis_tlast;
    s1_valid <= accept;
    s1_idle  <= !accept;
    // +1 for a packet end in, -1 for a result out: one 2-operand adder.
    pending <= pending + {{3{pop && !end_in}}, pop ^ end_in};
    if (rst) begin
      s1_valid <= 1'b0;
      s1_idle  <= 1'b1;
      pending  <= '0;
    end
  end

  // ---------------------------------------------------------------- s1 -> s2
  // Byte 2i is the high octet of word i, byte 2i+1 its low octet. Tree t
  // sums leaves of weight 256^t: the low octets (t = 0) and the high octets
  // (t = 1), or the words (t = 0).
  logic                   s2_end, s2_clr;
  logic [TREES*SUM_W-1:0] root, s2_sum;        // tree t's sum of the beat at [SUM_W*t +: SUM_W]

  for (genvar t = 0; t < TREES; t++) begin : g_tree
    logic [TREE_W-1:0] node /*verilator split_var*/;

    for (genvar i = 0; i < WORDS; i++) begin : g_leaf
      if (OCTET_TREES) begin : g_octet
        assign node[8*i +: 8] = s1_byte[16*i + 8*(1-t) +: 8];
      end else begin : g_word
        assign node[16*i +: 16] = {s1_byte[16*i +: 8], s1_byte[16*i+8 +: 8]};
      end
    end
    // Each node adds two nodes of the level below: ({0, a, 0} + {0, b, 0}) >> 1
    // is a + b, written so that yosys keeps every node a 2-input adder on its
    // own carry chain. (Its alumacc pass merges a + b whose operands are
    // themselves whole sums into one multi-operand $macc, which maccmap builds
    // out of full adders in LUTs: twice the LUTs.)
    for (genvar k = 1; k <= LEVELS; k++) begin : g_level
      for (genvar i = 0; i < (WORDS >> k); i++) begin : g_node
        localparam int N = LEAF_W + k;                 // this level's width
        localparam int A = tree_off(k-1) + (N-1)*(2*i); // the two nodes below
        localparam int B = A + N-1;
        localparam int Y = tree_off(k) + N*i;          // this node
        assign node[Y +: N] = N'(({1'b0, node[A +: N-1], 1'b0} +
                                  {1'b0, node[B +: N-1], 1'b0}) >> 1);
      end
    end
    assign root[SUM_W*t +: SUM_W] = node[ROOT +: SUM_W];
  end

  // s2_end: s2 holds a packet's last beat. s2_clr: the accumulators are
  // cleared at the next edge (after that beat, and after a reset). Both come
  // straight from flip-flops onto the accumulators' and fin's pins.
  always_ff @(posedge clk) begin
    if (s1_idle) s2_sum <= '0;                 // onto the reset pin
    else s2_sum <= root;
    s2_end <= s1_valid && s1_last;
    s2_clr <= (s1_valid && s1_last) || rst;
    if (rst) s2_end <= 1'b0;
  end

  // ---------------------------------------------------------------- s2 -> acc -> fin
  // Each accumulator is a 16-bit value x and a carry c standing for x + c
  // (modulo 0xffff): the carry-out of x + addend + c is the next c. Since
  // every addend is <= 0xffff, c = 1 implies x <= 0xfffe.
  logic [15:0] acc_lo, acc_hi, fin_lo, fin_hi;
  logic        acc_lo_c, acc_hi_c, fin_lo_c, fin_hi_c, fin_valid;

  // The beat's sum modulo 0xffff as add_lo + add_hi (2^16 = 1).
  logic [15:0] add_lo, add_hi;
  if (OCTET_TREES) begin : g_add_octets
    // 256 * the high octets' sum: its low 8 bits move up 8, the rest wrap
    // around to bit 0.
    assign add_lo = 16'(s2_sum[0 +: SUM_W]);
    assign add_hi = {s2_sum[SUM_W +: 8], 8'(s2_sum[SUM_W+8 +: LEVELS])};
  end else begin : g_add_words
    assign add_lo = s2_sum[15:0];
    assign add_hi = 16'(s2_sum[SUM_W-1:16]);
  end
  wire [16:0] tot_lo = 17'(acc_lo) + 17'(add_lo) + 17'(acc_lo_c);
  wire [16:0] tot_hi = 17'(acc_hi) + 17'(add_hi) + 17'(acc_hi_c);
  always_ff @(posedge clk) begin
    if (s2_clr) begin
      {acc_lo_c, acc_lo} <= '0;
      {acc_hi_c, acc_hi} <= '0;
    end else begin
      {acc_lo_c, acc_lo} <= tot_lo;
      {acc_hi_c, acc_hi} <= tot_hi;
    end
    {fin_lo_c, fin_lo} <= tot_lo;              // read only when fin_valid
    {fin_hi_c, fin_hi} <= tot_hi;
    fin_valid <= s2_end;
    if (rst) fin_valid <= 1'b0;
  end

  // ------------------------------------------------------- fin -> (fold -> out) -> fifo -> m_axis
  // The packet's sum is fin_lo + fin_lo_c + fin_hi + fin_hi_c modulo 0xffff,
  // added up in two carry chains:
  //   fold = fin_lo + fin_hi + fin_lo_c <= 0x1fffe, and <= 0x1fffd when
  //          fin_hi_c = 1 (fin_lo_c = 1 implies fin_lo <= 0xfffe, and
  //          fin_hi_c = 1 implies fin_hi <= 0xfffe);
  //   out  = fold[15:0] + fold[16] + fin_hi_c.
  // With fold[16] = 1, out <= 0xffff. With fold[16] = 0, out reaches 0x10000
  // only from fold = 0xffff and fin_hi_c = 1, whose folded sum is 1:
  // out[15:0] | out[16] is the folded sum in every case, 0 only for an
  // all-zero packet.
  // FOLD_AHEAD: one stage each, ahead of the queue, which holds the folded
  // sum. Otherwise fold goes into the queue, with fin_hi_c, and out is added
  // as the head is read.
  logic               push;                    // an entry into the queue
  logic [ENTRY_W-1:0] push_entry;
  logic [ENTRY_W-1:0] head;                    // the queue's head

  wire [16:0] fin_fold = 17'(fin_lo) + 17'(fin_hi) + 17'(fin_lo_c);

  if (FOLD_AHEAD) begin : g_fold_ahead
    logic [16:0] fold, out;
    logic        fold_hi_c, fold_valid, out_valid;

    always_ff @(posedge clk) begin
      fold       <= fin_fold;
      fold_hi_c  <= fin_hi_c;
      fold_valid <= fin_valid;
      out        <= 17'(fold[15:0]) + 17'(fold[16]) + 17'(fold_hi_c);
      out_valid  <= fold_valid;
      if (rst) begin
        fold_valid <= 1'b0;
        out_valid  <= 1'b0;
      end
    end
    assign push          = out_valid;
    assign push_entry    = ENTRY_W'(out[15:0] | 16'(out[16]));
    assign m_axis_tdata  = head[15:0];
  end else begin : g_fold_at_head
    wire [16:0] out = 17'(head[15:0]) + 17'(head[16]) + 17'(head[17]);

    assign push          = fin_valid;
    assign push_entry    = ENTRY_W'({fin_hi_c, fin_fold});
    assign m_axis_tdata  = out[15:0] | 16'(out[16]);
  end

  // fifo_any is fifo_rd != fifo_wr, kept in a flip-flop of its own so that
  // m_axis_tvalid, and pop, come straight from a register.
  logic [ENTRY_W-1:0] fifo_mem [FIFO_DEPTH];
  logic [PTR_W:0]     fifo_rd, fifo_wr;
  logic               fifo_any;

  assign pop = fifo_any && m_axis_tready;

  always_ff @(posedge clk) begin
    if (push) fifo_mem[fifo_wr[PTR_W-1:0]] <= push_entry;
    fifo_wr  <= fifo_wr + (PTR_W+1)'(push);
    fifo_rd  <= fifo_rd + (PTR_W+1)'(pop);
    fifo_any <= push || (pop ? fifo_rd + (PTR_W+1)'(1) != fifo_wr : fifo_any);
    if (rst) begin
      fifo_rd  <= '0;
      fifo_wr  <= '0;
      fifo_any <= 1'b0;
    end
  end

  assign head          = fifo_mem[fifo_rd[PTR_W-1:0]];
  assign m_axis_tvalid = fifo_any;

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

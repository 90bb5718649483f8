// Checksum engine kernel: the RFC 1071 Internet checksum of each packet on an
// AXI4-Stream, one beat per clock. This is the bit- and cycle-level reference
// for rtl/tcp_csum.sv: every member below is a register of that module with
// the same name, and step() is one rising clock edge.
//
// Pipeline (a beat accepted at edge t gives its packet's result on m_axis from
// the cycle after edge t+kLatency-1: 6 cycles of latency at DATA_W=64, 4
// wider; W = DATA_W/16 words a beat, L = log2(W)):
//   s1    the beat's octets, a lane not kept cleared to 0        (s1_byte;
//         the RTL loads it every cycle, read only when s1_valid)
//   s2    the beat's sum by balanced trees of 2-input adders      (s2_sum)
//         DATA_W = 64: two trees, s2_sum[0] the sum of the W low octets (odd
//                      lanes), s2_sum[1] of the W high octets (even lanes),
//                      8+L bits each;
//         wider:       one tree, s2_sum[0] the sum of the W words, 16+L bits
//         0 when s1 held no beat (the accumulators add it every cycle);
//         s2_end: s2 holds a packet's last beat; s2_clr: clear the
//         accumulators at the next edge (s2_end, or a reset)
//   acc   two 16-bit ones' complement accumulators, each keeping its
//         carry-out and adding it back as the next beat's carry-in (2^16 = 1
//         modulo 0xffff). Two trees: acc_lo += the low octets' sum, acc_hi +=
//         256 times the high octets' sum (a rotation by 8 modulo 0xffff). One
//         tree: acc_lo += the low 16 bits of the words' sum, acc_hi += its
//         bits above. fin takes both totals every cycle (they count after a
//         last beat: fin_valid); the last beat clears the accumulators.
//   DATA_W = 64 (kFoldAhead: the clock rate first):
//   fold  fin_lo + fin_hi + fin_lo_c (17 bits), and fin_hi_c   (fold, fold_hi_c)
//   out   fold + fold_hi_c (17 bits)                           (out)
//   fifo  out's low 16 bits ORed with its bit 16, the folded sum, queued 8
//         deep; m_axis shows the head as it is.
//   wider (two cycles and fewer LUTs):
//   fifo  fin_lo + fin_hi + fin_lo_c (17 bits) and fin_hi_c queued, 8 deep;
//         m_axis shows the head added up to 16 bits.
//   fifo_any = the queue is not empty (the RTL keeps it in a flip-flop of its
//   own).
// Every adder is a single carry chain of at most 17 bits; at DATA_W=64, one
// per stage but in the octet trees.
// s_axis is ready while fewer than 8 packet ends are owed a result (`pending`:
// those inside the pipeline and in the queue), so ready never depends on
// m_axis_tready combinationally and a stalled consumer never loses a result.
#pragma once

#include <cstdint>

#include "tcpoe/hls/types.h"
#include "tcpoe/wire/checksum.h"

namespace tcpoe::kernels {

template <int DATA_W>
class TcpCsum {
  static_assert(DATA_W == 64 || DATA_W == 128 || DATA_W == 256 || DATA_W == 512,
                "DATA_W is one of 64, 128, 256, 512");

 public:
  static constexpr int kLanes = DATA_W / 8;
  static constexpr int kWords = DATA_W / 16;
  static constexpr int kFifoDepth = 8;
  // The RTL's FOLD_AHEAD and LATENCY (rtl/tcp_csum_pkg.sv: fold_ahead,
  // latency): at 64 bits the sum is folded in two stages ahead of the queue.
  static constexpr bool kFoldAhead = DATA_W == 64;
  static constexpr int kLatency = kFoldAhead ? 6 : 4;
  // The RTL's OCTET_TREES: at 64 bits the words are summed as two trees of
  // octets (half the carry chain), wider as one tree of words (fewer LUTs).
  static constexpr bool kOctetTrees = DATA_W == 64;
  static constexpr int kTrees = kOctetTrees ? 2 : 1;

  using Beat = AxisBeat<DATA_W>;
  using Sum = ap_uint<16>;

  // One clock cycle. Reads at most one beat (only while ready) and offers at
  // most one result.
  void step(::hls::stream<Beat>& s_axis, ::hls::stream<Sum>& m_axis) {
#pragma HLS INLINE
    // Everything is computed from the registers as they were before the edge
    // and committed at the end, as flip-flops do.
    const bool s_ready = pending < kFifoDepth;

    // fold = fin_lo + fin_hi + fin_lo_c <= 0x1fffe, and <= 0x1fffd when
    // fin_hi_c = 1 (see acc below), so out = fold + fin_hi_c > 0xffff only as
    // 0xffff + 0 + 1, whose folded sum is 1: out's low 16 bits ORed with its
    // bit 16 are the folded checksum, 0 only for an all-zero packet.
    // kFoldAhead: fin -> fold -> out -> fifo, the head as it is on m_axis.
    // Otherwise: fin -> fifo as {fin_hi_c, fold}, out added at the head.
    const uint32_t fin_fold = fin_lo + fin_hi + fin_lo_c;  // 17 bits

    // fifo -> m_axis
    bool popped = false;
    if (fifo_any) {
      const uint32_t head = fifo_mem[fifo_rd % kFifoDepth];
      popped = m_axis.write_nb(Sum(kFoldAhead ? head : or_carry(add_back(head & 0x1ffffu, head >> 17))));
    }

    // out -> fifo, or fin -> fifo
    const bool pushed = kFoldAhead ? out_valid : fin_valid;
    const uint32_t pushed_entry = kFoldAhead ? or_carry(out) : (fin_hi_c << 17) | fin_fold;

    // fold -> out, fin -> fold (kFoldAhead only)
    const uint32_t n_out = add_back(fold, fold_hi_c);
    const uint32_t n_fold = fin_fold;

    // s2 -> acc -> fin. An accumulator is x (16 bits) and c, standing for
    // x + c modulo 0xffff; {c', x'} = x + addend + c. Every addend is <= 0xffff,
    // so c = 1 implies x <= 0xfffe.
    // The beat's sum modulo 0xffff as add_lo + add_hi.
    const uint32_t add_lo = kOctetTrees ? s2_sum[0] : s2_sum[0] & 0xffffu;
    const uint32_t add_hi = kOctetTrees
                                ? ((s2_sum[1] & 0xffu) << 8) | (s2_sum[1] >> 8)  // 256 * high octets
                                : s2_sum[0] >> 16;  // each 2^16 is 1 modulo 0xffff
    const uint32_t tot_lo = acc_lo + add_lo + acc_lo_c;                     // 17 bits
    const uint32_t tot_hi = acc_hi + add_hi + acc_hi_c;
    // Every cycle: an idle one adds 0 (and moves a carry into x).
    uint32_t n_acc_lo = tot_lo & 0xffffu, n_acc_lo_c = tot_lo >> 16;
    uint32_t n_acc_hi = tot_hi & 0xffffu, n_acc_hi_c = tot_hi >> 16;
    if (s2_clr) n_acc_lo = n_acc_lo_c = n_acc_hi = n_acc_hi_c = 0;
    // fin takes the totals every cycle; they count when s2 held a last beat
    // (fin_valid).
    const uint32_t n_fin_lo = tot_lo & 0xffffu, n_fin_lo_c = tot_lo >> 16;
    const uint32_t n_fin_hi = tot_hi & 0xffffu, n_fin_hi_c = tot_hi >> 16;

    // s1 -> s2: byte 2i is the high octet of word i, byte 2i+1 its low octet.
    // 0 when s1 holds no beat.
    uint32_t n_s2_sum[kTrees] = {};
    if (s1_valid) {
      uint32_t high = 0, low = 0;
      for (int i = 0; i < kWords; ++i) {
#pragma HLS UNROLL
        high += s1_byte[2 * i];
        low += s1_byte[2 * i + 1];
      }
      if (kOctetTrees) {
        n_s2_sum[0] = low;
        n_s2_sum[1] = high;
      } else {
        n_s2_sum[0] = (high << 8) + low;  // the sum of the words
      }
    }

    // s_axis -> s1: lanes not kept read as zero (RFC 1071 pads an odd last
    // octet with zero).
    Beat beat;
    bool accepted = false;
    if (s_ready) accepted = s_axis.read_nb(beat);
    const bool end_in = accepted && bool(beat.last[0]);

    // Commit (the clock edge).
    if (pushed) fifo_mem[fifo_wr % kFifoDepth] = pushed_entry;
    fifo_wr = (fifo_wr + unsigned(pushed)) % (2 * kFifoDepth);
    fifo_rd = (fifo_rd + unsigned(popped)) % (2 * kFifoDepth);
    fifo_any = fifo_rd != fifo_wr;
    pending = pending + unsigned(end_in) - unsigned(popped);
    out = n_out;
    out_valid = fold_valid;
    fold = n_fold;
    fold_hi_c = fin_hi_c;
    fold_valid = fin_valid;
    fin_valid = s2_end;
    fin_lo = n_fin_lo;
    fin_lo_c = n_fin_lo_c;
    fin_hi = n_fin_hi;
    fin_hi_c = n_fin_hi_c;
    acc_lo = n_acc_lo;
    acc_lo_c = n_acc_lo_c;
    acc_hi = n_acc_hi;
    acc_hi_c = n_acc_hi_c;
    s2_end = s1_valid && s1_last;
    s2_clr = s2_end;
    for (int t = 0; t < kTrees; ++t) {
#pragma HLS UNROLL
      s2_sum[t] = n_s2_sum[t];
    }
    s1_valid = accepted;
    if (accepted) {
      s1_last = bool(beat.last[0]);
      for (int l = 0; l < kLanes; ++l) {
#pragma HLS UNROLL
        s1_byte[l] = beat.keep[l] ? uint8_t(beat.data.range(8 * l + 7, 8 * l)) : uint8_t(0);
      }
    }
  }

 private:
  // out = fold[15:0] + fold[16] + hi_c (17 bits), and out[15:0] | out[16].
  static uint32_t add_back(uint32_t fold, uint32_t hi_c) {
    return (fold & 0xffffu) + (fold >> 16) + hi_c;
  }
  static uint32_t or_carry(uint32_t out) { return (out & 0xffffu) | (out >> 16); }

  // The RTL's s1_byte is one DATA_W-bit vector, lane l at bits [8l+7:8l].
  uint8_t s1_byte[kLanes] = {};
  bool s1_valid = false, s1_last = false;
  bool s2_end = false, s2_clr = false;
  uint32_t s2_sum[kTrees] = {};  // the RTL's s2_sum, tree t at [SUM_W*t +: SUM_W]
  uint32_t acc_lo = 0, acc_lo_c = 0, acc_hi = 0, acc_hi_c = 0;
  bool fin_valid = false;
  uint32_t fin_lo = 0, fin_lo_c = 0, fin_hi = 0, fin_hi_c = 0;
  uint32_t fold = 0, fold_hi_c = 0, out = 0;  // kFoldAhead only (the RTL's g_fold_ahead)
  bool fold_valid = false, out_valid = false;
  // kFoldAhead: the folded sums, 16 bits; otherwise {fin_hi_c, fold}, 18 bits.
  uint32_t fifo_mem[kFifoDepth] = {};
  bool fifo_any = false;
  // Pointers count modulo 16 (one bit more than the address), so that equal
  // pointers mean empty and 8 apart mean full.
  unsigned fifo_rd = 0, fifo_wr = 0;
  unsigned pending = 0;  // packet ends accepted whose result m_axis has not taken
};

}  // namespace tcpoe::kernels

#ifndef TCP_CSUM_DATA_W
#define TCP_CSUM_DATA_W 64
#endif

// The synthesis top: a free-running kernel (no start/done), one call per
// clock. TCP_CSUM_DATA_W picks the width (64, 128, 256, 512).
void tcp_csum_top(hls::stream<tcpoe::kernels::AxisBeat<TCP_CSUM_DATA_W>>& s_axis,
                  hls::stream<ap_uint<16>>& m_axis);

// Checksum engine kernel: the RFC 1071 Internet checksum of each packet on an
// AXI4-Stream, one beat per clock. This is the bit- and cycle-level reference
// for rtl/tcp_csum.sv: every member below is a register of that module with
// the same name, and step() is one rising clock edge.
//
// Pipeline (a beat accepted at edge t gives its packet's result on m_axis from
// the cycle after edge t+3, i.e. 4 cycles of latency at every DATA_W):
//   s1  keep-masked words summed in groups of 8            (19-bit parts)
//   s2  parts summed into the beat sum                     (21 bits)
//   s3  beat sum added into the packet accumulator, carry deferred to the
//       next beat's carry-in so each stage is one carry chain; on the last
//       beat the 33-bit total moves to `fin`
//   fifo  fin folded to 16 bits and queued; m_axis shows the head
// s_axis is ready while the result queue has room for every packet end
// already inside the pipeline plus one more, so ready never depends on
// m_axis_tready combinationally and a stalled consumer never loses a result.
#pragma once

#include <cstdint>

#include "tcpoe/hls/csum_lib.h"
#include "tcpoe/hls/types.h"

namespace tcpoe::kernels {

template <int DATA_W>
class TcpCsum {
  static_assert(DATA_W == 64 || DATA_W == 128 || DATA_W == 256 || DATA_W == 512,
                "DATA_W is one of 64, 128, 256, 512");

 public:
  static constexpr int kWords = DATA_W / 16;
  static constexpr int kGroupWords = 8;
  static constexpr int kGroups = (kWords + kGroupWords - 1) / kGroupWords;
  static constexpr int kFifoDepth = 8;
  static constexpr int kLatency = 4;

  using Beat = AxisBeat<DATA_W>;
  using Sum = ap_uint<16>;

  // One clock cycle. Reads at most one beat (only while ready) and offers at
  // most one result.
  void step(::hls::stream<Beat>& s_axis, ::hls::stream<Sum>& m_axis) {
#pragma HLS INLINE
    // Everything is computed from the registers as they were before the edge
    // and committed at the end, as flip-flops do.
    const unsigned inflight_lasts = unsigned(s1_valid && s1_last) +
                                    unsigned(s2_valid && s2_last) + unsigned(fin_valid);
    const bool s_ready = unsigned(kFifoDepth - fifo_count) > inflight_lasts;

    // fifo -> m_axis
    bool popped = false;
    if (fifo_count != 0) popped = m_axis.write_nb(Sum(fifo_mem[fifo_rd]));

    // fin -> fifo
    const bool pushed = fin_valid;
    const uint16_t pushed_sum = csum::fold33(fin_lo, fin_c);

    // s2 -> s3 (accumulator) -> fin
    bool n_fin_valid = false;
    uint32_t n_fin_lo = fin_lo, n_fin_c = fin_c;
    bool n_in_pkt = in_pkt;
    uint32_t n_acc = acc, n_acc_c = acc_c;
    if (s2_valid) {
      const uint64_t base = in_pkt ? acc : 0u;
      const uint64_t cin = in_pkt ? acc_c : 0u;
      const uint64_t total = base + s2_sum + cin;  // 33 bits
      if (s2_last) {
        n_fin_valid = true;
        n_fin_lo = static_cast<uint32_t>(total);
        n_fin_c = static_cast<uint32_t>(total >> 32);
        n_in_pkt = false;
      } else {
        n_acc = static_cast<uint32_t>(total);
        n_acc_c = static_cast<uint32_t>(total >> 32);
        n_in_pkt = true;
      }
    }

    // s1 -> s2
    uint32_t n_s2_sum = s2_sum;
    if (s1_valid) {
      uint32_t s = 0;
      for (int g = 0; g < kGroups; ++g) {
#pragma HLS UNROLL
        s += s1_part[g];
      }
      n_s2_sum = s;
    }

    // s_axis -> s1
    Beat beat;
    bool accepted = false;
    if (s_ready) accepted = s_axis.read_nb(beat);
    uint32_t n_part[kGroups];
    for (int g = 0; g < kGroups; ++g) {
#pragma HLS UNROLL
      n_part[g] = s1_part[g];
    }
    if (accepted) {
      for (int g = 0; g < kGroups; ++g) {
#pragma HLS UNROLL
        uint32_t p = 0;
        for (int j = 0; j < kGroupWords; ++j) {
#pragma HLS UNROLL
          const int w = g * kGroupWords + j;
          if (w < kWords) p += masked_word(beat, w);
        }
        n_part[g] = p;
      }
    }

    // Commit (the clock edge).
    if (pushed) {
      fifo_mem[fifo_wr] = pushed_sum;
      fifo_wr = (fifo_wr + 1) % kFifoDepth;
    }
    if (popped) fifo_rd = (fifo_rd + 1) % kFifoDepth;
    fifo_count = fifo_count + unsigned(pushed) - unsigned(popped);
    fin_valid = n_fin_valid;
    fin_lo = n_fin_lo;
    fin_c = n_fin_c;
    in_pkt = n_in_pkt;
    acc = n_acc;
    acc_c = n_acc_c;
    s2_valid = s1_valid;
    s2_last = s1_last;
    s2_sum = n_s2_sum;
    s1_valid = accepted;
    s1_last = accepted ? bool(beat.last[0]) : s1_last;
    for (int g = 0; g < kGroups; ++g) {
#pragma HLS UNROLL
      s1_part[g] = n_part[g];
    }
  }

  // Word w of a beat, bytes 2w (high) and 2w+1 (low), lanes not kept read as
  // zero: RFC 1071 pads an odd last octet with zero.
  static uint32_t masked_word(const Beat& beat, int w) {
    const uint32_t hi = beat.keep[2 * w] ? uint32_t(beat.data.range(16 * w + 7, 16 * w)) : 0u;
    const uint32_t lo =
        beat.keep[2 * w + 1] ? uint32_t(beat.data.range(16 * w + 15, 16 * w + 8)) : 0u;
    return (hi << 8) | lo;
  }

 private:
  bool s1_valid = false, s1_last = false;
  uint32_t s1_part[kGroups] = {};
  bool s2_valid = false, s2_last = false;
  uint32_t s2_sum = 0;
  bool in_pkt = false;
  uint32_t acc = 0, acc_c = 0;
  bool fin_valid = false;
  uint32_t fin_lo = 0, fin_c = 0;
  uint16_t fifo_mem[kFifoDepth] = {};
  unsigned fifo_rd = 0, fifo_wr = 0, fifo_count = 0;
};

}  // namespace tcpoe::kernels

#ifndef TCP_CSUM_DATA_W
#define TCP_CSUM_DATA_W 64
#endif

// The synthesis top: a free-running kernel (no start/done), one call per
// clock. TCP_CSUM_DATA_W picks the width (64, 128, 256, 512).
void tcp_csum_top(hls::stream<tcpoe::kernels::AxisBeat<TCP_CSUM_DATA_W>>& s_axis,
                  hls::stream<ap_uint<16>>& m_axis);

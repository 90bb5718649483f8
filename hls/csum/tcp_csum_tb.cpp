// C-simulation testbench for tcp_csum_top, as Vitis HLS runs it (csim_design):
// random packets in, one call per clock, every result compared with the
// RFC 1071 byte-stream reference. Uses only the standard hls::stream API, so
// it runs unchanged with Xilinx's headers. Returns 0 on success.
#include <cstdio>
#include <random>
#include <vector>

#include "tcp_csum.h"

namespace {

using Beat = tcpoe::kernels::AxisBeat<TCP_CSUM_DATA_W>;
constexpr int kBytes = TCP_CSUM_DATA_W / 8;

void push_packet(hls::stream<Beat>& s, const std::vector<uint8_t>& pkt) {
  for (std::size_t off = 0; off < pkt.size(); off += kBytes) {
    Beat b;
    for (int lane = 0; lane < kBytes && off + lane < pkt.size(); ++lane) {
      b.data.range(8 * lane + 7, 8 * lane) = pkt[off + lane];
      b.keep[lane] = true;
    }
    b.last = off + kBytes >= pkt.size();
    s.write(b);
  }
}

}  // namespace

int main() {
  std::mt19937_64 rng(TCP_CSUM_DATA_W);
  std::vector<std::vector<uint8_t>> packets;
  // RFC 1071 section 3's example first, then sizes 1..9018 at random, and
  // the all-zero and all-ones corner cases.
  packets.push_back({0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7});
  packets.push_back(std::vector<uint8_t>(1, 0x00));
  packets.push_back(std::vector<uint8_t>(9018, 0xff));
  for (int i = 0; i < 300; ++i) {
    std::vector<uint8_t> p(1 + rng() % 9018);
    for (auto& b : p) b = static_cast<uint8_t>(rng());
    packets.push_back(std::move(p));
  }

  hls::stream<Beat> s_axis("s_axis");
  hls::stream<ap_uint<16>> m_axis("m_axis");
  std::size_t beats = 0;
  for (const auto& p : packets) {
    push_packet(s_axis, p);
    beats += (p.size() + kBytes - 1) / kBytes;
  }
  for (std::size_t cycle = 0; cycle < beats + 16; ++cycle) tcp_csum_top(s_axis, m_axis);

  int errors = 0;
  if (!s_axis.empty()) {
    std::printf("FAIL: %zu beats were never consumed\n", s_axis.size());
    ++errors;
  }
  for (std::size_t i = 0; i < packets.size(); ++i) {
    if (m_axis.empty()) {
      std::printf("FAIL: no result for packet %zu\n", i);
      return 1;
    }
    const unsigned got = m_axis.read().to_uint();
    const unsigned want = tcpoe::wire::csum::sum_bytes(packets[i].data(), packets[i].size());
    if (got != want) {
      std::printf("FAIL: packet %zu (%zu bytes): sum %04x, expected %04x\n", i,
                  packets[i].size(), got, want);
      ++errors;
    }
  }
  // RFC 1071 section 3 works its example (packet 0) out to the folded sum ddf2:
  // an oracle that is not our own reference function.
  if (tcpoe::wire::csum::sum_bytes(packets[0].data(), packets[0].size()) != 0xddf2) {
    std::printf("FAIL: RFC 1071 example does not sum to ddf2\n");
    ++errors;
  }
  if (!m_axis.empty()) {
    std::printf("FAIL: %zu results more than packets\n", m_axis.size());
    ++errors;
  }
  std::printf("tcp_csum C-sim DATA_W=%d: %zu packets, %zu beats, %d errors\n", TCP_CSUM_DATA_W,
              packets.size(), beats, errors);
  return errors == 0 ? 0 : 1;
}

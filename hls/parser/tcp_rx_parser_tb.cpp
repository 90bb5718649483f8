// C-simulation testbench for tcp_rx_parser_top, as Vitis HLS runs it
// (csim_design): well-formed frames of every option set and payload size,
// then the same frames with header octets flipped, cut short or extended,
// one call per clock; every descriptor compared with the one parse_frame()
// implies (tcp_rx_parser_ref.h), and the counters with the verdicts. Uses
// only the standard hls::stream API. Returns 0 on success.
#include <cstdio>
#include <random>
#include <vector>

#include "tcp_rx_parser.h"
#include "tcp_rx_parser_ref.h"

namespace {

constexpr int kW = TCP_RX_PARSER_DATA_W;
constexpr int kBytes = kW / 8;
using Beat = tcpoe::kernels::AxisBeat<kW>;
using Frame = std::vector<uint8_t>;

void push_frame(hls::stream<Beat>& s, const Frame& f) {
  for (std::size_t off = 0; off < f.size(); off += kBytes) {
    Beat b;
    for (int lane = 0; lane < kBytes && off + lane < f.size(); ++lane) {
      b.data.range(8 * lane + 7, 8 * lane) = f[off + lane];
      b.keep[lane] = true;
    }
    b.last = off + kBytes >= f.size();
    s.write(b);
  }
}

Frame random_good(std::mt19937_64& rng) {
  namespace w = tcpoe::wire;
  w::FrameRepr r;
  for (auto& b : r.eth.dst) b = uint8_t(rng());
  for (auto& b : r.eth.src) b = uint8_t(rng());
  r.ip.src = uint32_t(rng());
  r.ip.dst = uint32_t(rng());
  r.ip.ttl = uint8_t(rng());
  r.ip.dscp = uint8_t(rng() & 63);
  r.ip.ecn = uint8_t(rng() & 3);
  r.ip.ident = uint16_t(rng());
  r.ip.dont_frag = rng() & 1;
  r.tcp.src_port = uint16_t(rng());
  r.tcp.dst_port = uint16_t(rng());
  r.tcp.seq = uint32_t(rng());
  r.tcp.ack = uint32_t(rng());
  r.tcp.flags = uint8_t(rng());
  r.tcp.window = uint16_t(rng());
  r.tcp.urgent = uint16_t(rng());
  if (rng() & 1) r.tcp.options.mss = uint16_t(rng());
  if (rng() & 1) r.tcp.options.window_scale = uint8_t(rng() % 15);
  r.tcp.options.sack_permitted = rng() & 1;
  if (rng() & 1) r.tcp.options.timestamps = {uint32_t(rng()), uint32_t(rng())};
  Frame payload(rng() % 4 == 0 ? rng() % 1461 : rng() % 12);
  for (auto& b : payload) b = uint8_t(rng());
  return w::emit_frame(r, payload);
}

}  // namespace

int main() {
  std::mt19937_64 rng(kW);
  std::vector<Frame> frames;
  for (int i = 0; i < 400; ++i) {
    Frame f = random_good(rng);
    switch (i % 4) {
      case 0: break;
      case 1: f[rng() % std::min<std::size_t>(f.size(), 94)] ^= uint8_t(1u << (rng() % 8)); break;
      case 2: f.resize(1 + rng() % f.size()); break;
      default: f.resize(f.size() + 1 + rng() % 8, uint8_t(rng())); break;
    }
    frames.push_back(std::move(f));
  }

  hls::stream<Beat> s_axis("s_axis");
  hls::stream<ap_uint<8 * tcpoe::wire::rx_desc::kSize>> m_desc("m_desc");
  ap_uint<32> frames_n, malformed_n, ip_bad_n, tcp_bad_n;
  std::size_t beats = 0;
  for (const auto& f : frames) {
    push_frame(s_axis, f);
    beats += (f.size() + kBytes - 1) / kBytes;
  }
  for (std::size_t cycle = 0; cycle < beats + 32; ++cycle)
    tcp_rx_parser_top(s_axis, m_desc, frames_n, malformed_n, ip_bad_n, tcp_bad_n);

  int errors = 0;
  uint32_t want_mal = 0, want_ip_bad = 0, want_tcp_bad = 0, good = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (m_desc.empty()) {
      std::printf("FAIL: no descriptor for frame %zu\n", i);
      return 1;
    }
    const auto d = m_desc.read();
    tcpoe::wire::RxDescriptorBytes got;
    for (int b = 0; b < tcpoe::wire::rx_desc::kSize; ++b)
      got[b] = uint8_t(d.range(8 * b + 7, 8 * b));
    const auto want = tcpoe::kernels::expected_rx_descriptor(frames[i]);
    if (got != tcpoe::wire::pack(want)) {
      std::printf("FAIL: frame %zu (%zu octets): descriptor differs from parse_frame's\n", i,
                  frames[i].size());
      ++errors;
    }
    want_mal += want.malformed != tcpoe::wire::Malformed::kNone;
    want_ip_bad += want.ip_csum_checked && !want.ip_csum_ok;
    want_tcp_bad += want.tcp_csum_checked && !want.tcp_csum_ok;
    good += want.malformed == tcpoe::wire::Malformed::kNone && want.tcp_csum_ok;
  }
  if (!m_desc.empty() || !s_axis.empty()) {
    std::printf("FAIL: %zu descriptors too many, %zu beats never taken\n", m_desc.size(),
                s_axis.size());
    ++errors;
  }
  if (frames_n.to_uint() != frames.size() || malformed_n.to_uint() != want_mal ||
      ip_bad_n.to_uint() != want_ip_bad || tcp_bad_n.to_uint() != want_tcp_bad) {
    std::printf("FAIL: counters %u %u %u %u, expected %zu %u %u %u\n", frames_n.to_uint(),
                malformed_n.to_uint(), ip_bad_n.to_uint(), tcp_bad_n.to_uint(), frames.size(),
                want_mal, want_ip_bad, want_tcp_bad);
    ++errors;
  }
  // A run that never saw a good frame, or never a malformed one, proves little.
  if (good < 50 || want_mal < 50) {
    std::printf("FAIL: stimulus too one-sided: %u good, %u malformed\n", good, want_mal);
    ++errors;
  }
  std::printf("tcp_rx_parser C-sim DATA_W=%d: %zu frames (%u good, %u malformed), %d errors\n",
              kW, frames.size(), good, want_mal, errors);
  return errors == 0 ? 0 : 1;
}

// C-simulation testbench for tcp_tx_builder_top, as Vitis HLS runs it
// (csim_design): random descriptors and payloads in, one call per clock, every
// frame compared with the wire layer's emit_frame() (which pads to 60 octets;
// the kernel leaves that to the MAC). Uses only the standard hls::stream API,
// so it runs unchanged with Xilinx's headers. Returns 0 on success.
#include <cstdio>
#include <random>
#include <vector>

#include "tcp_tx_builder.h"
#include "tx_descriptor_stimulus.h"
#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace {

constexpr int kW = TCP_TX_BUILDER_DATA_W;
constexpr int kBytes = kW / 8;
using Beat = tcpoe::kernels::AxisBeat<kW>;
namespace wire = tcpoe::wire;

wire::TxDescriptor random_descriptor(std::mt19937_64& rng) {
  wire::TxDescriptor d = tcpoe::kernels::random_tx_descriptor(rng);
  const unsigned kind = rng() % 4;
  d.payload_len = kind == 0 ? 0 : kind == 1 ? uint16_t(1 + rng() % 64) : uint16_t(rng() % 2049);
  return d;
}

using Desc = tcpoe::kernels::TcpTxBuilder<kW>::Desc;

Desc to_port(const wire::TxDescriptor& d) {
  const wire::TxDescriptorBytes b = wire::pack(d);
  Desc v;
  for (int i = 0; i < wire::txdesc::kSize; ++i) v.range(8 * i + 7, 8 * i) = b[i];
  return v;
}

}  // namespace

int main() {
  std::mt19937_64 rng(kW);
  hls::stream<Desc> s_desc("s_desc");
  hls::stream<Beat> s_axis("s_axis");
  hls::stream<Beat> m_axis("m_axis");
  ap_uint<32> bad_desc, bad_payload;

  std::vector<std::vector<uint8_t>> expected;
  std::size_t in_beats = 0;
  for (int n = 0; n < 400; ++n) {
    const wire::TxDescriptor d = random_descriptor(rng);
    std::vector<uint8_t> payload(d.payload_len);
    for (auto& b : payload) b = uint8_t(rng());
    s_desc.write(to_port(d));
    for (std::size_t off = 0; off < payload.size(); off += kBytes) {
      Beat b;
      for (int l = 0; l < kBytes && off + l < payload.size(); ++l) {
        b.data.range(8 * l + 7, 8 * l) = payload[off + l];
        b.keep[l] = true;
      }
      b.last = off + kBytes >= payload.size();
      s_axis.write(b);
      ++in_beats;
    }
    std::vector<uint8_t> f = wire::emit_frame(wire::to_frame_repr(d), payload);
    f.resize(wire::frame::kTcpOffset + wire::to_frame_repr(d).tcp.header_len() + payload.size());
    expected.push_back(std::move(f));
  }
  std::size_t out_beats = 0;
  for (const auto& f : expected) out_beats += (f.size() + kBytes - 1) / kBytes;
  for (std::size_t c = 0; c < 2 * (in_beats + out_beats) + 400 * 4 + 32; ++c)
    tcp_tx_builder_top(s_desc, s_axis, m_axis, bad_desc, bad_payload);

  int errors = 0;
  for (std::size_t n = 0; n < expected.size(); ++n) {
    std::vector<uint8_t> got;
    bool last = false;
    while (!last) {
      if (m_axis.empty()) {
        std::printf("FAIL: frame %zu incomplete (%zu octets)\n", n, got.size());
        return 1;
      }
      const Beat b = m_axis.read();
      for (int l = 0; l < kBytes; ++l)
        if (b.keep[l]) got.push_back(uint8_t(b.data.range(8 * l + 7, 8 * l)));
      last = b.last[0];
    }
    if (got != expected[n]) {
      std::printf("FAIL: frame %zu (%zu octets, expected %zu) differs\n", n, got.size(),
                  expected[n].size());
      ++errors;
    }
  }
  if (!m_axis.empty() || !s_desc.empty() || !s_axis.empty()) {
    std::printf("FAIL: streams not drained (out %zu, desc %zu, payload %zu)\n", m_axis.size(),
                s_desc.size(), s_axis.size());
    ++errors;
  }
  if (bad_desc.to_uint64() != 0 || bad_payload.to_uint64() != 0) {
    std::printf("FAIL: good descriptors counted as bad\n");
    ++errors;
  }
  std::printf("tcp_tx_builder C-sim DATA_W=%d: %zu frames, %d errors\n", kW, expected.size(),
              errors);
  return errors == 0 ? 0 : 1;
}

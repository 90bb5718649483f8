// Frames shared by the wire-model tests, built with the wire layer.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "tcpoe/wire/frame.h"

namespace tcpoe::test {

struct SynSpec {
  std::array<uint8_t, 6> src_mac{0x02, 0, 0, 0, 0, 1};
  std::array<uint8_t, 6> dst_mac{0x02, 0, 0, 0, 0, 2};
  uint32_t src_ip = 0x0a4d0001;
  uint32_t dst_ip = 0x0a4d0002;
  uint16_t src_port = 40000;
  uint16_t dst_port = 5201;
  uint32_t seq = 0x12345678;
  uint32_t ts_val = 1000;
};

// A SYN as Linux sends one: MSS, SACK-permitted, timestamps, window scale.
inline wire::FrameRepr linux_syn_repr(const SynSpec& s) {
  wire::FrameRepr r;
  r.eth.src = s.src_mac;
  r.eth.dst = s.dst_mac;
  r.ip.src = s.src_ip;
  r.ip.dst = s.dst_ip;
  r.ip.ident = 0x4d2;
  r.tcp.src_port = s.src_port;
  r.tcp.dst_port = s.dst_port;
  r.tcp.seq = s.seq;
  r.tcp.flags = wire::tcp::flag::kSyn;
  r.tcp.window = 64240;
  r.tcp.options.mss = 1460;
  r.tcp.options.sack_permitted = true;
  r.tcp.options.timestamps = std::make_pair(s.ts_val, 0u);
  r.tcp.options.window_scale = 7;
  return r;
}

inline std::vector<uint8_t> linux_syn(const SynSpec& s) {
  return wire::emit_frame(linux_syn_repr(s), wire::ByteSpan());
}

// Offsets of the two checksums in a frame of Ethernet + IPv4 (no options) + TCP.
constexpr std::size_t kIpChecksumAt = 14 + 10;
constexpr std::size_t kTcpChecksumAt = 14 + 20 + 16;

}  // namespace tcpoe::test

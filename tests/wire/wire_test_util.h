// Random values and frames for the wire-format tests. Each test draws from its
// own generator, seeded by support/test_seed.h: fixed unless TCPOE_SEED is set.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "../support/test_seed.h"
#include "tcpoe/wire/frame.h"

namespace tcpoe::wire::test {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(uint32_t(seed ^ (seed >> 32))) {}

  template <typename T>
  T bits(unsigned width = sizeof(T) * 8) {
    const uint64_t v = engine_();
    const uint64_t wide = (v << 32) ^ engine_();
    return static_cast<T>(width >= 64 ? wide : wide & ((uint64_t{1} << width) - 1));
  }
  uint32_t below(uint32_t bound) {
    return std::uniform_int_distribution<uint32_t>(0, bound - 1)(engine_);
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(engine_); }

  std::vector<uint8_t> bytes(std::size_t n) {
    std::vector<uint8_t> out(n);
    for (auto& b : out) b = bits<uint8_t>();
    return out;
  }

  MacAddress mac() {
    MacAddress m;
    for (auto& b : m) b = bits<uint8_t>();
    return m;
  }

  TcpOptions options() {
    TcpOptions o;
    if (chance(0.5)) o.mss = bits<uint16_t>();
    if (chance(0.5)) o.window_scale = static_cast<uint8_t>(below(15));
    o.sack_permitted = chance(0.5);
    if (chance(0.5)) o.timestamps = std::make_pair(bits<uint32_t>(), bits<uint32_t>());
    return o;
  }

  // A TCP/IPv4 frame's fields; the lengths are left for emit_frame to set.
  FrameRepr frame_repr() {
    FrameRepr r;
    r.eth.dst = mac();
    r.eth.src = mac();
    r.ip.src = bits<uint32_t>();
    r.ip.dst = bits<uint32_t>();
    r.ip.ttl = bits<uint8_t>();
    r.ip.dscp = bits<uint8_t>(6);
    r.ip.ecn = bits<uint8_t>(2);
    r.ip.ident = bits<uint16_t>();
    r.ip.dont_frag = chance(0.5);
    r.tcp.src_port = bits<uint16_t>();
    r.tcp.dst_port = bits<uint16_t>();
    r.tcp.seq = bits<uint32_t>();
    r.tcp.ack = bits<uint32_t>();
    r.tcp.flags = bits<uint8_t>();
    r.tcp.window = bits<uint16_t>();
    r.tcp.urgent = bits<uint16_t>();
    r.tcp.options = options();
    return r;
  }

  // Lengths that matter: empty, the few octets that leave a frame padded,
  // odd ones (the checksum's last octet), up to a full Ethernet MTU.
  std::size_t payload_len() {
    switch (below(4)) {
      case 0:
        return 0;
      case 1:
        return below(8);
      case 2:
        return below(64);
      default:
        return below(1461);
    }
  }

 private:
  std::mt19937 engine_;
};

// What parse_frame should report for emit_frame(repr, payload).
inline FrameRepr with_lengths(FrameRepr r, std::size_t payload_len) {
  r.tcp.payload_len = static_cast<uint16_t>(payload_len);
  r.ip.payload_len = static_cast<uint16_t>(r.tcp.header_len() + payload_len);
  return r;
}

}  // namespace tcpoe::wire::test

// Frames for the receive parser's tests: well-formed ones with the options
// in Linux's order or in other legal orders (with NOPs, unknown kinds, SACK
// blocks, EOL), the same frames mutated, and one crafted frame per Malformed
// code. Seeds come from support/test_seed.h: fixed unless TCPOE_SEED is set.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "tcp_rx_parser_ref.h"
#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/rx_descriptor.h"

namespace tcpoe::parser_test {

using Frame = std::vector<uint8_t>;
namespace w = tcpoe::wire;

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  uint32_t below(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  uint8_t u8() { return uint8_t(rng_()); }
  uint16_t u16() { return uint16_t(rng_()); }
  uint32_t u32() { return uint32_t(rng_()); }

  w::FrameRepr repr() {
    w::FrameRepr r;
    for (auto& b : r.eth.dst) b = u8();
    for (auto& b : r.eth.src) b = u8();
    r.ip.src = u32();
    r.ip.dst = u32();
    r.ip.ttl = u8();
    r.ip.dscp = uint8_t(below(64));
    r.ip.ecn = uint8_t(below(4));
    r.ip.ident = u16();
    r.ip.dont_frag = chance(0.5);
    r.tcp.src_port = u16();
    r.tcp.dst_port = u16();
    r.tcp.seq = u32();
    r.tcp.ack = u32();
    r.tcp.flags = u8();
    r.tcp.window = u16();
    r.tcp.urgent = u16();
    return r;
  }

  Frame payload() {
    std::size_t n;
    switch (below(5)) {
      case 0: n = 0; break;
      case 1: n = below(8); break;  // padded frames
      case 2: n = below(64); break;
      case 3: n = below(300); break;
      default: n = below(1461); break;
    }
    Frame p(n);
    for (auto& b : p) b = u8();
    return p;
  }

  // A legal option area: the four options this device reads, maybe SACK
  // blocks and unknown kinds, in a random order, NOP-separated at random,
  // EOL-terminated or not, padded to a multiple of 4 octets, at most 40.
  Frame option_area() {
    std::vector<Frame> items;
    if (chance(0.5)) items.push_back({w::tcp::opt::kMss, 4, u8(), u8()});
    if (chance(0.5)) items.push_back({w::tcp::opt::kWindowScale, 3, uint8_t(below(15))});
    if (chance(0.5)) items.push_back({w::tcp::opt::kSackPermitted, 2});
    if (chance(0.5)) {
      Frame ts{w::tcp::opt::kTimestamps, 10};
      for (int i = 0; i < 8; ++i) ts.push_back(u8());
      items.push_back(ts);
    }
    if (chance(0.2)) {  // SACK blocks: skipped, counted as unknown
      Frame sack{w::tcp::opt::kSack, 10};
      for (int i = 0; i < 8; ++i) sack.push_back(u8());
      items.push_back(sack);
    }
    for (uint32_t n = below(3); n > 0; --n) {  // unknown kinds
      Frame u{uint8_t(9 + below(200)), uint8_t(2 + below(4))};
      while (u.size() < u[1]) u.push_back(u8());
      items.push_back(u);
    }
    if (chance(0.3) && items.size() > 1) items.push_back(items[below(uint32_t(items.size()))]);
    std::shuffle(items.begin(), items.end(), rng_);
    Frame area;
    for (const Frame& it : items) {
      for (uint32_t n = below(3); n > 0 && chance(0.4); --n) area.push_back(w::tcp::opt::kNop);
      if (area.size() + it.size() > 40) break;
      area.insert(area.end(), it.begin(), it.end());
    }
    const bool eol = area.size() < 40 && chance(0.3);
    if (eol) area.push_back(w::tcp::opt::kEol);
    // After EOL anything may follow: the walk must stop there.
    while (area.size() % 4 != 0) area.push_back(eol ? u8() : w::tcp::opt::kNop);
    return area;
  }

  std::mt19937_64& engine() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

// A frame with the option area given octet by octet (any content, even
// illegal), both checksums right, padded to 60 octets.
inline Frame build_frame(const w::FrameRepr& repr, const Frame& options, const Frame& payload) {
  w::FrameRepr r = repr;
  r.tcp.options = {};
  Frame body = options;
  body.insert(body.end(), payload.begin(), payload.end());
  Frame f = w::emit_frame(r, body);  // options ride in as payload, then become header
  w::MutableByteSpan bytes(f);
  const std::size_t seg_len = w::tcp::kHeaderLen + body.size();
  w::TcpSegment tcp(bytes.subspan(w::frame::kTcpOffset, seg_len));
  tcp.set_header_len(uint16_t(w::tcp::kHeaderLen + options.size()));
  tcp.fill_checksum(r.ip.src, r.ip.dst, r.ip.protocol);
  return f;
}

inline Frame good_frame(Gen& g) {
  const w::FrameRepr r = g.repr();
  if (g.chance(0.5)) {  // Linux's layout, by the wire layer's emitter
    w::FrameRepr lr = r;
    if (g.chance(0.6)) lr.tcp.options.mss = g.u16();
    if (g.chance(0.5)) lr.tcp.options.window_scale = uint8_t(g.below(15));
    lr.tcp.options.sack_permitted = g.chance(0.5);
    if (g.chance(0.5)) lr.tcp.options.timestamps = std::make_pair(g.u32(), g.u32());
    return w::emit_frame(lr, g.payload());
  }
  return build_frame(r, g.option_area(), g.payload());
}

// Recomputes both checksums after a deliberate edit of the header.
inline void refill_checksums(Frame& f) {
  w::MutableByteSpan bytes(f);
  w::Ipv4Packet ip(bytes.subspan(w::frame::kIpv4Offset, w::ipv4::kHeaderLen));
  ip.fill_checksum();
  const std::size_t seg_end =
      std::min<std::size_t>(f.size(), w::frame::kIpv4Offset + ip.total_len());
  if (seg_end > w::frame::kTcpOffset) {
    w::TcpSegment tcp(bytes.subspan(w::frame::kTcpOffset, seg_end - w::frame::kTcpOffset));
    tcp.fill_checksum(ip.src_addr(), ip.dst_addr(), w::ipv4::kProtocolTcp);
  }
}

// Random damage: octet flips (mostly in the headers), truncation, extension.
inline Frame mutate(Gen& g, Frame f) {
  switch (g.below(4)) {
    case 0: {
      for (uint32_t n = 1 + g.below(3); n > 0; --n) {
        const std::size_t limit = g.chance(0.8) ? std::min<std::size_t>(f.size(), 94) : f.size();
        f[g.below(uint32_t(limit))] ^= uint8_t(1u << g.below(8));
      }
      break;
    }
    case 1: f.resize(1 + g.below(uint32_t(f.size()))); break;
    case 2: {
      const std::size_t n = 1 + g.below(g.chance(0.5) ? 8 : 200);
      for (std::size_t i = 0; i < n; ++i) f.push_back(g.u8());
      break;
    }
    default: {  // a header octet changed and the checksums made right again
      if (f.size() < 54) break;
      f[14 + g.below(uint32_t(std::min<std::size_t>(f.size(), 94) - 14))] = g.u8();
      refill_checksums(f);
      break;
    }
  }
  return f;
}

// A frame whose first failing check is `code` (checked by the caller against
// parse_frame), with right checksums wherever that is meaningful.
inline Frame malformed_frame(Gen& g, w::Malformed code, int variant) {
  using M = w::Malformed;
  Frame f = build_frame(g.repr(), {w::tcp::opt::kMss, 4, 5, 0xb4}, Frame(variant * 7 % 23, 0x5a));
  switch (code) {
    case M::kShortFrame: f.resize(1 + g.below(53)); break;
    case M::kNotIpv4:
      if (variant % 2) f[12] = 0x86, f[13] = 0xdd;  // IPv6's EtherType
      else f[14] = uint8_t((6 + g.below(10)) << 4 | 5);  // version != 4
      break;
    case M::kIpHeaderLen: f[14] = uint8_t(0x40 | g.below(5)); refill_checksums(f); break;
    case M::kIpOptions: f[14] = uint8_t(0x40 | (6 + g.below(10))); refill_checksums(f); break;
    case M::kIpTotalLen: {
      w::Ipv4Packet ip(w::MutableByteSpan(f).subspan(14, 20));
      const uint16_t tl = ip.total_len();
      switch (variant % 4) {
        case 0: ip.set_total_len(uint16_t(tl + 1 + g.below(100))); break;  // beyond the frame
        case 1: ip.set_total_len(uint16_t(g.below(20))); break;             // below the header
        case 2: f.resize(std::max<std::size_t>(f.size(), 61) + 1 + g.below(9), 0); break;  // extra
        default: ip.set_total_len(uint16_t(0xffff)); break;
      }
      refill_checksums(f);
      break;
    }
    case M::kFragment:
      if (variant % 2) f[20] |= 0x20;  // MF
      else f[21] = uint8_t(1 + g.below(255));
      refill_checksums(f);
      break;
    case M::kNotTcp: f[23] = uint8_t(variant % 2 ? 17 : 1 + g.below(5)); refill_checksums(f); break;
    case M::kTcpDataOffset:
      switch (variant % 3) {
        case 0: f[46] = uint8_t((g.below(5)) << 4 | (f[46] & 15)); break;  // below 5
        case 1: f[46] = uint8_t(15 << 4 | (f[46] & 15)); break;  // beyond a short segment
        default: {  // a segment shorter than the fixed header in a padded frame
          w::Ipv4Packet ip(w::MutableByteSpan(f).subspan(14, 20));
          f.resize(60);
          ip.set_total_len(uint16_t(20 + g.below(20)));
          break;
        }
      }
      refill_checksums(f);
      break;
    case M::kTcpOption: {
      static const Frame kBad[] = {
          {2, 0, 0, 0},             // length 0
          {1, 1, 3, 1},             // length 1
          {1, 1, 1, 8},             // length octet missing
          {1, 8, 10, 0, 0, 0, 0, 0},  // timestamps running past the header
          {2, 3, 0, 1},             // MSS with length 3
          {3, 4, 7, 0},             // window scale with length 4
          {4, 3, 0, 1},             // SACK-permitted with length 3
          {8, 8, 0, 0, 0, 0, 0, 0},  // timestamps with length 8
          {30, 6, 0, 0},            // unknown kind running past the header
          {1, 1, 1, 1, 2, 4, 1, 2, 1, 1, 1, 2},  // good MSS, then MSS past the end
      };
      f = build_frame(g.repr(), kBad[variant % 10], Frame(g.below(30), 0xa5));
      break;
    }
    case M::kNone: break;
  }
  return f;
}

inline w::RxDescriptorBytes expected(const Frame& f) {
  return w::pack(kernels::expected_rx_descriptor(f));
}

}  // namespace tcpoe::parser_test

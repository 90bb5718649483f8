// Garbage for a connection, made with the wire layer alone (no driver, no
// device code): well-formed segments of the peer's, then broken on purpose
// (a checksum, an option, the data offset), as a hostile or broken peer
// would send them. stack_scenarios' `garbage` scenario injects them on the
// wire; tests/driver/test_stack_garbage judges what the stack made of them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace tcpoe::test::garbage {

using Frame = std::vector<uint8_t>;

// The octet every garbage payload is made of: the real stream never has a
// run of it where the garbage would land (stack_scenarios' stream_octet), so
// a garbage payload taken for data shows in the octet compare.
constexpr uint8_t kGarbageOctet = 0xee;

// Every garbage frame's IPv4 TTL: the driver sends 64, so an oracle reading
// the capture tells garbage from the hosts' own frames by it.
constexpr uint8_t kTtl = 13;

// A frame as the peer's device would build it from `d`, its payload
// `payload_len` garbage octets, both checksums right.
inline Frame segment_frame(const wire::TxDescriptor& d) {
  const std::vector<uint8_t> payload(d.payload_len, kGarbageOctet);
  return wire::emit_frame(wire::to_frame_repr(d), payload);
}

// The TCP segment of a frame (up to the IPv4 total length), as a view.
inline wire::TcpSegment tcp_view(Frame& f) {
  const uint16_t total = uint16_t(f[wire::frame::kIpv4Offset + 2] << 8 | f[wire::frame::kIpv4Offset + 3]);
  return wire::TcpSegment(wire::MutableByteSpan(f).subspan(wire::frame::kTcpOffset, total - wire::ipv4::kHeaderLen));
}

// Recomputes the TCP checksum after the segment was changed.
inline void refill_tcp_checksum(Frame& f, const wire::TxDescriptor& d) { tcp_view(f).fill_checksum(d.ip_src, d.ip_dst); }

// Checksums made wrong: the IPv4 header's (its checksum field flipped), the
// TCP segment's (a payload or header octet flipped), or both.
enum class BadChecksum { kIp, kTcp, kBoth };
inline Frame with_bad_checksum(Frame f, BadChecksum which) {
  if (which != BadChecksum::kTcp) f[wire::frame::kIpv4Offset + 10] ^= 0x5a;
  if (which != BadChecksum::kIp) f[wire::frame::kTcpOffset + 16] ^= 0x21;  // the TCP checksum field
  return f;
}

// The option areas and data offsets the device's parser refuses (docs/
// device.md, wire::parse_frame()): each applied to a segment of `d` whose
// descriptor carries timestamps (a 12-octet option area), TCP checksum
// recomputed, so only the form is wrong.
struct Malformation {
  const char* name;
  wire::Malformed code;          // the parser's verdict
  std::array<uint8_t, 12> area;  // the option area written (when data_offset is 0)
  uint8_t data_offset;           // words written instead, when not 0
};
inline const std::vector<Malformation>& malformations() {
  using M = wire::Malformed;
  static const std::vector<Malformation> all = {
      {"option_length_0", M::kTcpOption, {1, 1, 30, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0},
      {"option_length_1", M::kTcpOption, {1, 1, 30, 1, 0, 0, 0, 0, 0, 0, 0, 0}, 0},
      {"option_past_header", M::kTcpOption, {1, 1, 30, 12, 0, 0, 0, 0, 0, 0, 0, 0}, 0},
      {"option_kind_at_end", M::kTcpOption, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 30}, 0},
      {"mss_length_3", M::kTcpOption, {2, 3, 5, 1, 1, 1, 1, 1, 1, 1, 1, 0}, 0},
      {"mss_length_6", M::kTcpOption, {2, 6, 5, 0xb4, 0, 0, 1, 1, 1, 1, 1, 0}, 0},
      {"window_scale_length_4", M::kTcpOption, {3, 4, 7, 0, 1, 1, 1, 1, 1, 1, 1, 0}, 0},
      {"sack_permitted_length_3", M::kTcpOption, {4, 3, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0}, 0},
      {"timestamps_length_8", M::kTcpOption, {8, 8, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0}, 0},
      {"data_offset_4", M::kTcpDataOffset, {}, 4},
      {"data_offset_0", M::kTcpDataOffset, {}, 0xff},  // 0xff: write 0
      {"data_offset_past_segment", M::kTcpDataOffset, {}, 15},
  };
  return all;
}

// `d` with timestamps and a payload of fewer than 28 octets (so that a data
// offset of 15, 60 octets, runs past the segment), broken as `m` says.
inline Frame malformed_frame(const wire::TxDescriptor& d, const Malformation& m) {
  Frame f = segment_frame(d);
  wire::TcpSegment seg = tcp_view(f);
  if (m.data_offset == 0) {
    const wire::MutableByteSpan area = seg.buffer().subspan(wire::tcp::kHeaderLen, m.area.size());
    for (std::size_t i = 0; i < m.area.size(); ++i) area[i] = m.area[i];
  } else {
    seg.set_data_offset(m.data_offset == 0xff ? 0 : m.data_offset);
  }
  refill_tcp_checksum(f, d);
  return f;
}

}  // namespace tcpoe::test::garbage

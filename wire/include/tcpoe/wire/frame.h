// Whole frames: Ethernet II + IPv4 (no options) + TCP, built and parsed in
// one step. parse_frame() is the reference the hardware receive parser is
// checked against, so its rules below are the parser's specification.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tcpoe/wire/bytes.h"
#include "tcpoe/wire/ethernet.h"
#include "tcpoe/wire/ipv4.h"
#include "tcpoe/wire/layout.h"
#include "tcpoe/wire/tcp.h"

namespace tcpoe::wire {

struct FrameRepr {
  EthernetRepr eth;
  Ipv4Repr ip;
  TcpRepr tcp;

  friend bool operator==(const FrameRepr& a, const FrameRepr& b) {
    return a.eth == b.eth && a.ip == b.ip && a.tcp == b.tcp;
  }
  friend bool operator!=(const FrameRepr& a, const FrameRepr& b) { return !(a == b); }
};

// The frame as a NIC hands it over: headers, options, payload, and zero
// padding up to eth::kMinFrameLen (no FCS). The lengths come from `payload`
// and the options (repr.ip.payload_len and repr.tcp.payload_len are ignored);
// every other field is written as given, EtherType and IP protocol included,
// so tests can build frames the parser must refuse. Both checksums are
// filled, the TCP one with repr.ip.protocol in the pseudo-header. Empty when
// the segment would not fit IPv4's 16-bit total length.
inline std::vector<uint8_t> emit_frame(const FrameRepr& repr, ByteSpan payload) {
  TcpRepr tcp = repr.tcp;
  Ipv4Repr ip = repr.ip;
  const std::size_t segment_len = tcp.header_len() + payload.size();
  if (ipv4::kHeaderLen + segment_len > UINT16_MAX) return {};
  tcp.payload_len = static_cast<uint16_t>(payload.size());
  ip.payload_len = static_cast<uint16_t>(segment_len);

  const std::size_t unpadded = frame::kTcpOffset + segment_len;
  std::vector<uint8_t> out(std::max<std::size_t>(unpadded, eth::kMinFrameLen), 0);
  const MutableByteSpan bytes(out);

  EthernetFrame eth_view(bytes);
  repr.eth.emit(eth_view);
  Ipv4Packet ip_view(bytes.subspan(frame::kIpv4Offset, ipv4::kHeaderLen + segment_len));
  ip.emit(ip_view);
  TcpSegment tcp_view(bytes.subspan(frame::kTcpOffset, segment_len));
  tcp.emit_header(tcp_view);
  std::copy(payload.begin(), payload.end(), tcp_view.payload().begin());
  tcp_view.fill_checksum(ip.src, ip.dst, ip.protocol);
  return out;
}

struct ParsedFrame {
  FrameRepr repr;  // meaningful only when malformed == kNone
  Malformed malformed = Malformed::kNone;
  bool ip_checksum_ok = false;
  bool tcp_checksum_ok = false;
  uint16_t payload_offset = 0;  // of the TCP payload, from the frame start
  uint16_t payload_len = 0;     // without Ethernet padding
};

// The receive parser's rules. `frame` runs from the destination MAC to the
// last octet before the FCS. The checks are made in this order, which is the
// order of the Malformed codes; the first that fails is the verdict:
//
//   1 kShortFrame     the frame is shorter than 54 octets (frame::
//                     kMinTcpFrameLen: Ethernet, IPv4 and fixed TCP header).
//   2 kNotIpv4        EtherType is not 0x0800, or IP version is not 4.
//   3 kIpHeaderLen    IHL below 5.
//   4 kIpOptions      IHL above 5.
//   5 kIpTotalLen     with L = frame length - 14: total length below 20, or
//                     above L, or below L in a frame longer than 60 octets
//                     (eth::kMinFrameLen). Frames of 60 octets or fewer may
//                     carry padding after the datagram; longer frames were
//                     not padded, so extra octets mean a lying length.
//   6 kFragment       MF set, or fragment offset not zero (DF and the
//                     reserved flag are not judged).
//   7 kNotTcp         protocol is not 6.
//   8 kTcpDataOffset  data offset below 5, or 4 x data offset above the
//                     segment length (total length - 20). A segment shorter
//                     than 20 octets (possible in a padded frame) always
//                     lands here.
//   9 kTcpOption      the option area (octets 20 to 4 x data offset of the
//                     segment) breaks the rules of parse_tcp_options():
//                     length 0 or 1, running past the header, or MSS/WS/
//                     SACK-permitted/timestamps with a wrong length.
//
// Checksums are judged apart from the form, as far as the form allows:
//   ip_checksum_ok   the 20 header octets sum to 0xffff; judged when the
//                    verdict is kNone or a code from kIpTotalLen on.
//   tcp_checksum_ok  the segment (octets 34 to 14 + total length, padding
//                    excluded) with its pseudo-header sums to 0xffff; judged
//                    when the verdict is kNone, kTcpDataOffset or kTcpOption.
// A flag not judged is false. Reserved bits (IPv4 flag, TCP's 4) and the
// urgent pointer without URG are reported by the views, never refused.
inline ParsedFrame parse_frame(ByteSpan frame) {
  ParsedFrame out;
  if (frame.size() < frame::kMinTcpFrameLen) {
    out.malformed = Malformed::kShortFrame;
    return out;
  }
  const ConstEthernetFrame eth_view(frame);
  const ParseResult<EthernetRepr> eth = EthernetRepr::parse(eth_view);
  if (eth.repr.ethertype != eth::kEtherTypeIpv4) {
    out.malformed = Malformed::kNotIpv4;
    return out;
  }

  const ConstIpv4Packet ip_view(eth_view.payload());
  const bool padding_allowed = frame.size() <= eth::kMinFrameLen;
  const ParseResult<Ipv4Repr> ip = Ipv4Repr::parse(ip_view, padding_allowed ? SIZE_MAX : 0);
  const bool ip_header_whole = ip.ok() || ip.malformed >= Malformed::kIpTotalLen;
  out.ip_checksum_ok = ip_header_whole && ip_view.verify_checksum();
  if (!ip.ok()) {
    out.malformed = ip.malformed;
    return out;
  }
  if (ip.repr.protocol != ipv4::kProtocolTcp) {
    out.malformed = Malformed::kNotTcp;
    return out;
  }

  const ConstTcpSegment tcp_view(ip_view.payload());
  out.tcp_checksum_ok = tcp_view.verify_checksum(ip.repr.src, ip.repr.dst);
  const ParseResult<TcpRepr> tcp = TcpRepr::parse(tcp_view);
  if (!tcp.ok()) {
    out.malformed = tcp.malformed;
    return out;
  }

  out.repr = {eth.repr, ip.repr, tcp.repr};
  out.payload_offset = static_cast<uint16_t>(frame::kTcpOffset + tcp_view.header_len());
  out.payload_len = tcp.repr.payload_len;
  return out;
}

}  // namespace tcpoe::wire

// IPv4 without options: a view over a packet's bytes (Ipv4Packet) and the
// values this device sends and accepts (Ipv4Repr). Addresses are uint32_t in
// host order: 192.0.2.1 is 0xc0000201.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "tcpoe/wire/checksum.h"
#include "tcpoe/wire/bytes.h"
#include "tcpoe/wire/layout.h"
#include "tcpoe/wire/parse_result.h"

namespace tcpoe::wire {

// Unchecked accessors: call check_len() first. header_len() and total_len()
// are whatever the bytes say; payload() and verify_checksum() clamp them to
// the buffer, so a lying header cannot make them read past it.
template <typename Byte>
class BasicIpv4Packet : public HeaderView<Byte> {
  using Base = HeaderView<Byte>;
  using Base::bits;
  using Base::buffer_;
  using Base::field16;
  using Base::field32;
  using Base::field8;
  using Base::bits16;
  using Base::put_bits;
  using Base::put_field;

 public:
  explicit constexpr BasicIpv4Packet(BasicByteSpan<Byte> buffer) : Base(buffer) {}
  using Base::buffer;

  constexpr bool check_len() const { return buffer_.size() >= ipv4::kHeaderLen; }

  constexpr uint8_t version() const { return bits(ipv4::kVersion); }
  constexpr uint8_t ihl() const { return bits(ipv4::kIhl); }
  constexpr uint16_t header_len() const { return static_cast<uint16_t>(ihl() * 4u); }
  constexpr uint8_t dscp() const { return bits(ipv4::kDscp); }
  constexpr uint8_t ecn() const { return bits(ipv4::kEcn); }
  constexpr uint16_t total_len() const { return field16(ipv4::kTotalLen); }
  constexpr uint16_t ident() const { return field16(ipv4::kIdent); }
  constexpr bool reserved_flag() const { return bits(ipv4::kReservedFlag) != 0; }
  constexpr bool dont_frag() const { return bits(ipv4::kDontFrag) != 0; }
  constexpr bool more_frags() const { return bits(ipv4::kMoreFrags) != 0; }
  constexpr uint16_t frag_offset() const { return bits16(ipv4::kFragOffset); }
  constexpr uint8_t ttl() const { return field8(ipv4::kTtl); }
  constexpr uint8_t protocol() const { return field8(ipv4::kProtocol); }
  constexpr uint16_t checksum() const { return field16(ipv4::kChecksum); }
  constexpr uint32_t src_addr() const { return field32(ipv4::kSrcAddr); }
  constexpr uint32_t dst_addr() const { return field32(ipv4::kDstAddr); }

  // From the end of the header to total_len(), both cut short at the buffer's
  // end; the octets beyond total_len() (Ethernet padding) are not payload.
  constexpr BasicByteSpan<Byte> payload() const {
    const uint16_t total = total_len();
    const uint16_t header = header_len();
    return buffer_.first(total).subspan(header, total > header ? total - header : 0);
  }

  // True when the header (as long as the IHL says, if the buffer holds it)
  // sums to 0xffff.
  bool verify_checksum() const {
    const ByteSpan header = ByteSpan(buffer_).first(header_len());
    return csum::sum_bytes(header.data(), header.size()) == 0xffff;
  }

  void set_version(uint8_t v) { put_bits(ipv4::kVersion, v); }
  void set_ihl(uint8_t words) { put_bits(ipv4::kIhl, words); }
  void set_dscp(uint8_t v) { put_bits(ipv4::kDscp, v); }
  void set_ecn(uint8_t v) { put_bits(ipv4::kEcn, v); }
  void set_total_len(uint16_t v) { put_field(ipv4::kTotalLen, v); }
  void set_ident(uint16_t v) { put_field(ipv4::kIdent, v); }
  void set_reserved_flag(bool v) { put_bits(ipv4::kReservedFlag, v); }
  void set_dont_frag(bool v) { put_bits(ipv4::kDontFrag, v); }
  void set_more_frags(bool v) { put_bits(ipv4::kMoreFrags, v); }
  void set_frag_offset(uint16_t v) { put_bits(ipv4::kFragOffset, v); }
  void set_ttl(uint8_t v) { put_field(ipv4::kTtl, v); }
  void set_protocol(uint8_t v) { put_field(ipv4::kProtocol, v); }
  void set_checksum(uint16_t v) { put_field(ipv4::kChecksum, v); }
  void set_src_addr(uint32_t v) { put_field(ipv4::kSrcAddr, v); }
  void set_dst_addr(uint32_t v) { put_field(ipv4::kDstAddr, v); }

  // Over header_len() octets: set the IHL first.
  void fill_checksum() {
    set_checksum(0);
    const ByteSpan header = ByteSpan(buffer_).first(header_len());
    set_checksum(static_cast<uint16_t>(~csum::sum_bytes(header.data(), header.size())));
  }

};

using Ipv4Packet = BasicIpv4Packet<uint8_t>;
using ConstIpv4Packet = BasicIpv4Packet<const uint8_t>;

// The header fields that vary between the packets this device sends; the rest
// are fixed (version 4, IHL 5, no fragmentation).
struct Ipv4Repr {
  uint32_t src = 0;
  uint32_t dst = 0;
  uint8_t protocol = ipv4::kProtocolTcp;
  uint16_t payload_len = 0;  // octets after the header
  uint8_t ttl = 64;
  uint8_t dscp = 0;
  uint8_t ecn = 0;
  uint16_t ident = 0;
  bool dont_frag = true;

  static constexpr uint16_t header_len() { return ipv4::kHeaderLen; }

  // The IPv4 checks of the frame parser, in Malformed order: kShortFrame
  // (shorter than the header), kNotIpv4 (version), kIpHeaderLen, kIpOptions,
  // kIpTotalLen (below the header, beyond the buffer, or followed by more
  // than `max_padding` octets), kFragment. The protocol is reported, not
  // judged; the checksum is judged separately (verify_checksum()).
  static ParseResult<Ipv4Repr> parse(const ConstIpv4Packet& packet,
                                     std::size_t max_padding = SIZE_MAX) {
    using Result = ParseResult<Ipv4Repr>;
    if (!packet.check_len()) return Result::failure(Malformed::kShortFrame);
    if (packet.version() != ipv4::kVersion4) return Result::failure(Malformed::kNotIpv4);
    if (packet.header_len() < ipv4::kHeaderLen) return Result::failure(Malformed::kIpHeaderLen);
    if (packet.header_len() > ipv4::kHeaderLen) return Result::failure(Malformed::kIpOptions);
    const std::size_t total = packet.total_len();
    const std::size_t available = packet.buffer().size();
    if (total < ipv4::kHeaderLen || total > available || available - total > max_padding)
      return Result::failure(Malformed::kIpTotalLen);
    if (packet.more_frags() || packet.frag_offset() != 0)
      return Result::failure(Malformed::kFragment);
    Ipv4Repr r;
    r.src = packet.src_addr();
    r.dst = packet.dst_addr();
    r.protocol = packet.protocol();
    r.payload_len = static_cast<uint16_t>(packet.total_len() - ipv4::kHeaderLen);
    r.ttl = packet.ttl();
    r.dscp = packet.dscp();
    r.ecn = packet.ecn();
    r.ident = packet.ident();
    r.dont_frag = packet.dont_frag();
    return Result::success(r);
  }

  // Writes the whole header, checksum included; the packet must hold at
  // least header_len() octets. The payload is the caller's.
  void emit(Ipv4Packet& packet) const {
    packet.set_version(ipv4::kVersion4);
    packet.set_ihl(ipv4::kHeaderLen / 4);
    packet.set_dscp(dscp);
    packet.set_ecn(ecn);
    packet.set_total_len(static_cast<uint16_t>(ipv4::kHeaderLen + payload_len));
    packet.set_ident(ident);
    packet.set_reserved_flag(false);
    packet.set_dont_frag(dont_frag);
    packet.set_more_frags(false);
    packet.set_frag_offset(0);
    packet.set_ttl(ttl);
    packet.set_protocol(protocol);
    packet.set_src_addr(src);
    packet.set_dst_addr(dst);
    packet.fill_checksum();
  }

  friend bool operator==(const Ipv4Repr& a, const Ipv4Repr& b) {
    return a.src == b.src && a.dst == b.dst && a.protocol == b.protocol &&
           a.payload_len == b.payload_len && a.ttl == b.ttl && a.dscp == b.dscp && a.ecn == b.ecn &&
           a.ident == b.ident && a.dont_frag == b.dont_frag;
  }
  friend bool operator!=(const Ipv4Repr& a, const Ipv4Repr& b) { return !(a == b); }
};

}  // namespace tcpoe::wire

// Ethernet II: a view over a frame's bytes (EthernetFrame) and the plain
// values it carries (EthernetRepr). Frames here have no FCS: the MAC appends
// and strips it.
#pragma once

#include <array>
#include <cstdint>
#include <type_traits>

#include "tcpoe/wire/bytes.h"
#include "tcpoe/wire/layout.h"
#include "tcpoe/wire/parse_result.h"

namespace tcpoe::wire {

using MacAddress = std::array<uint8_t, eth::kDst.size>;
static_assert(eth::kDst.size == eth::kSrc.size, "both addresses are MAC addresses");

// Unchecked accessors: call check_len() first (or build the view over a
// buffer you sized yourself). Setters exist on the writable view only.
template <typename Byte>
class BasicEthernetFrame : public HeaderView<Byte> {
  using Base = HeaderView<Byte>;
  using Base::buffer_;
  using Base::field16;
  using Base::put_field;

 public:
  explicit constexpr BasicEthernetFrame(BasicByteSpan<Byte> buffer) : Base(buffer) {}
  using Base::buffer;

  constexpr bool check_len() const { return buffer_.size() >= eth::kHeaderLen; }

  MacAddress dst_addr() const { return get_mac(eth::kDst); }
  MacAddress src_addr() const { return get_mac(eth::kSrc); }
  constexpr uint16_t ethertype() const { return field16(eth::kEtherType); }
  // Everything after the header, padding included.
  constexpr BasicByteSpan<Byte> payload() const { return buffer_.subspan(eth::kHeaderLen); }

  void set_dst_addr(const MacAddress& mac) { put_mac(eth::kDst, mac); }
  void set_src_addr(const MacAddress& mac) { put_mac(eth::kSrc, mac); }
  void set_ethertype(uint16_t value) { put_field(eth::kEtherType, value); }

 private:
  MacAddress get_mac(Field f) const {
    MacAddress mac{};
    for (std::size_t i = 0; i < mac.size(); ++i) mac[i] = buffer_[f.offset + i];
    return mac;
  }
  void put_mac(Field f, const MacAddress& mac) {
    static_assert(!std::is_const_v<Byte>, "read-only view");
    for (std::size_t i = 0; i < mac.size(); ++i) buffer_[f.offset + i] = mac[i];
  }
};

using EthernetFrame = BasicEthernetFrame<uint8_t>;
using ConstEthernetFrame = BasicEthernetFrame<const uint8_t>;

struct EthernetRepr {
  MacAddress dst{};
  MacAddress src{};
  uint16_t ethertype = eth::kEtherTypeIpv4;

  static constexpr uint16_t header_len() { return eth::kHeaderLen; }

  // Any EtherType is accepted here; whether it is IPv4 is the frame parser's
  // question (Malformed::kNotIpv4).
  static ParseResult<EthernetRepr> parse(const ConstEthernetFrame& frame) {
    if (!frame.check_len()) return ParseResult<EthernetRepr>::failure(Malformed::kShortFrame);
    return ParseResult<EthernetRepr>::success(
        {frame.dst_addr(), frame.src_addr(), frame.ethertype()});
  }

  // The frame must hold at least header_len() octets.
  void emit(EthernetFrame& frame) const {
    frame.set_dst_addr(dst);
    frame.set_src_addr(src);
    frame.set_ethertype(ethertype);
  }

  friend bool operator==(const EthernetRepr& a, const EthernetRepr& b) {
    return a.dst == b.dst && a.src == b.src && a.ethertype == b.ethertype;
  }
  friend bool operator!=(const EthernetRepr& a, const EthernetRepr& b) { return !(a == b); }
};

}  // namespace tcpoe::wire

// Byte views and big-endian field access for the wire-format layer.
//
// The views (ethernet.h, ipv4.h, tcp.h) never copy or allocate: they read and
// write a caller's buffer through these helpers, using only layout.h's
// offsets. Helpers taking a raw pointer trust the caller to have checked the
// length; BasicByteSpan's slicing saturates, so a slice never reaches past
// the bytes it was cut from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "tcpoe/wire/layout.h"

namespace tcpoe::wire {

// Pointer and length (C++17 has no std::span). Byte is uint8_t for a writable
// view or const uint8_t for a read-only one; the writable converts to the
// read-only, not back.
template <typename Byte>
class BasicByteSpan;

template <typename T>
struct IsByteSpan : std::false_type {};
template <typename Byte>
struct IsByteSpan<BasicByteSpan<Byte>> : std::true_type {};

template <typename Byte>
class BasicByteSpan {
  static_assert(std::is_same_v<std::remove_const_t<Byte>, uint8_t>, "a span of octets");

 public:
  constexpr BasicByteSpan() = default;
  constexpr BasicByteSpan(Byte* data, std::size_t size) : data_(data), size_(size) {}
  template <typename Other,
            typename = std::enable_if_t<std::is_convertible_v<Other (*)[], Byte (*)[]>>>
  constexpr BasicByteSpan(BasicByteSpan<Other> other)  // NOLINT: implicit like std::span
      : data_(other.data()), size_(other.size()) {}
  // Any contiguous container of octets (std::vector, std::array). As with
  // std::span, a read-only span may view a temporary, for the length of the
  // full expression (emit_frame(repr, std::vector<uint8_t>(n)) is fine; a
  // ByteSpan variable made from a temporary dangles). A writable span needs
  // an lvalue.
  template <typename Container, typename C = std::remove_reference_t<Container>,
            typename = std::enable_if_t<
                !IsByteSpan<std::remove_cv_t<C>>::value &&
                (std::is_const_v<Byte> || std::is_lvalue_reference_v<Container>) &&
                std::is_convertible_v<
                    std::remove_pointer_t<decltype(std::declval<C&>().data())> (*)[], Byte (*)[]>>,
            typename = decltype(std::declval<C&>().size())>
  constexpr BasicByteSpan(Container&& c)  // NOLINT: implicit like std::span
      : data_(c.data()), size_(c.size()) {}

  constexpr Byte* data() const { return data_; }
  constexpr std::size_t size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr Byte* begin() const { return data_; }
  constexpr Byte* end() const { return data_ + size_; }
  constexpr Byte& operator[](std::size_t i) const { return data_[i]; }

  // Up to `count` octets from `offset`, cut short at the end of this span;
  // empty when `offset` is beyond it.
  constexpr BasicByteSpan subspan(std::size_t offset, std::size_t count = SIZE_MAX) const {
    if (offset >= size_) return {data_ + size_, 0};
    const std::size_t available = size_ - offset;
    return {data_ + offset, count < available ? count : available};
  }
  constexpr BasicByteSpan first(std::size_t count) const { return subspan(0, count); }

 private:
  Byte* data_ = nullptr;
  std::size_t size_ = 0;
};

using ByteSpan = BasicByteSpan<const uint8_t>;
using MutableByteSpan = BasicByteSpan<uint8_t>;

// Big-endian octet access at p[offset..].

constexpr uint8_t get_u8(const uint8_t* p, std::size_t offset) { return p[offset]; }

constexpr uint16_t get_be16(const uint8_t* p, std::size_t offset) {
  return static_cast<uint16_t>((uint16_t{p[offset]} << 8) | p[offset + 1]);
}

constexpr uint32_t get_be32(const uint8_t* p, std::size_t offset) {
  return (uint32_t{p[offset]} << 24) | (uint32_t{p[offset + 1]} << 16) |
         (uint32_t{p[offset + 2]} << 8) | p[offset + 3];
}

constexpr void set_u8(uint8_t* p, std::size_t offset, uint8_t value) { p[offset] = value; }

constexpr void set_be16(uint8_t* p, std::size_t offset, uint16_t value) {
  p[offset] = static_cast<uint8_t>(value >> 8);
  p[offset + 1] = static_cast<uint8_t>(value);
}

constexpr void set_be32(uint8_t* p, std::size_t offset, uint32_t value) {
  p[offset] = static_cast<uint8_t>(value >> 24);
  p[offset + 1] = static_cast<uint8_t>(value >> 16);
  p[offset + 2] = static_cast<uint8_t>(value >> 8);
  p[offset + 3] = static_cast<uint8_t>(value);
}

// A whole Field of 1, 2 or 4 octets as an unsigned number. Wider fields (MAC
// addresses) are octet strings, read by their views.
constexpr uint32_t get_field(const uint8_t* p, Field f) {
  switch (f.size) {
    case 1:
      return get_u8(p, f.offset);
    case 2:
      return get_be16(p, f.offset);
    default:
      return get_be32(p, f.offset);
  }
}

constexpr void set_field(uint8_t* p, Field f, uint32_t value) {
  switch (f.size) {
    case 1:
      set_u8(p, f.offset, static_cast<uint8_t>(value));
      break;
    case 2:
      set_be16(p, f.offset, static_cast<uint16_t>(value));
      break;
    default:
      set_be32(p, f.offset, value);
      break;
  }
}

constexpr uint16_t get_bits(const uint8_t* p, BitField b) {
  return static_cast<uint16_t>((get_be16(p, b.offset) & b.mask()) >> b.shift);
}

// Writes the low `b.width` bits of value; the word's other bits are kept.
constexpr void set_bits(uint8_t* p, BitField b, uint16_t value) {
  const uint16_t word = get_be16(p, b.offset);
  const uint16_t placed = static_cast<uint16_t>((uint32_t{value} << b.shift) & b.mask());
  set_be16(p, b.offset, static_cast<uint16_t>((word & ~b.mask()) | placed));
}

// What every header view (EthernetFrame, Ipv4Packet, TcpSegment) is built on:
// the bytes it looks at and typed access to the Fields and BitFields of
// layout.h. A view over const bytes has no writers: put_*() fails to compile.
template <typename Byte>
class HeaderView {
 public:
  explicit constexpr HeaderView(BasicByteSpan<Byte> buffer) : buffer_(buffer) {}
  constexpr BasicByteSpan<Byte> buffer() const { return buffer_; }

 protected:
  constexpr uint8_t bits(BitField b) const {
    return static_cast<uint8_t>(get_bits(buffer_.data(), b));
  }
  constexpr uint16_t bits16(BitField b) const { return get_bits(buffer_.data(), b); }
  constexpr uint8_t field8(Field f) const {
    return static_cast<uint8_t>(get_field(buffer_.data(), f));
  }
  constexpr uint16_t field16(Field f) const {
    return static_cast<uint16_t>(get_field(buffer_.data(), f));
  }
  constexpr uint32_t field32(Field f) const { return get_field(buffer_.data(), f); }
  void put_bits(BitField b, uint16_t v) {
    static_assert(!std::is_const_v<Byte>, "read-only view");
    set_bits(buffer_.data(), b, v);
  }
  void put_field(Field f, uint32_t v) {
    static_assert(!std::is_const_v<Byte>, "read-only view");
    set_field(buffer_.data(), f, v);
  }

  BasicByteSpan<Byte> buffer_;
};

}  // namespace tcpoe::wire

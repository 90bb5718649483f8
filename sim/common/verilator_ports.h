// Byte lanes and bits of verilated ports. Verilator maps a port of up to 64
// bits onto an integer and a wider one onto an array of 32-bit words
// (VlWide); these work on either, so a harness is written once for every
// DATA_W.
#pragma once

#include <cstdint>
#include <type_traits>

namespace tcpoe::sim {

template <typename Port>
void set_lane(Port& port, int lane, uint8_t value) {
  if constexpr (std::is_integral_v<Port>) {
    const Port mask = Port(0xff) << (8 * lane);
    port = (port & ~mask) | (Port(value) << (8 * lane));
  } else {
    uint32_t& word = port[lane / 4];
    const int sh = 8 * (lane % 4);
    word = (word & ~(0xffu << sh)) | (uint32_t{value} << sh);
  }
}

template <typename Port>
uint8_t get_lane(const Port& port, int lane) {
  if constexpr (std::is_integral_v<Port>)
    return uint8_t(port >> (8 * lane));
  else
    return uint8_t(port[lane / 4] >> (8 * (lane % 4)));
}

template <typename Port>
void set_bit(Port& port, int bit, bool value) {
  if constexpr (std::is_integral_v<Port>) {
    if (value)
      port |= Port(1) << bit;
    else
      port &= ~(Port(1) << bit);
  } else {
    uint32_t& word = port[bit / 32];
    const uint32_t m = 1u << (bit % 32);
    word = value ? (word | m) : (word & ~m);
  }
}

template <typename Port>
bool get_bit(const Port& port, int bit) {
  if constexpr (std::is_integral_v<Port>)
    return (port >> bit) & 1;
  else
    return (port[bit / 32] >> (bit % 32)) & 1;
}

}  // namespace tcpoe::sim

namespace tcpoe::sim {

// Bits [lsb, lsb + width) of a port, width <= 64, as a number.
template <typename Port>
uint64_t get_bits(const Port& port, int lsb, int width) {
  uint64_t value = 0;
  for (int i = width - 1; i >= 0; --i) value = (value << 1) | uint64_t{get_bit(port, lsb + i)};
  return value;
}

}  // namespace tcpoe::sim

namespace tcpoe::sim {

// Sets bits [lsb, lsb + width) of a port, width <= 64, to `value`.
template <typename Port>
void set_bits(Port& port, int lsb, int width, uint64_t value) {
  for (int i = 0; i < width; ++i) set_bit(port, lsb + i, ((value >> i) & 1u) != 0);
}

}  // namespace tcpoe::sim

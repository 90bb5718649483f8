// Internet checksum arithmetic (RFC 1071, RFC 1624), as plain integer
// functions that Vitis HLS synthesizes and that host code calls as they are:
// the checksum engine, the header builder, the wire-format layer and the
// tests share these, so every checksum in the project is computed one way.
// Part of the wire layer, the bottom one: plain C++, no HLS types, so the
// kernels above (hls/) include it and it includes nothing of theirs.
//
// "Sum" below always means the folded 16-bit ones' complement sum, not
// inverted; the checksum field carries its complement (~sum).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tcpoe::wire::csum {

// a +' b: 16-bit ones' complement addition (end-around carry).
constexpr uint16_t ones_add(uint16_t a, uint16_t b) {
  const uint32_t s = uint32_t{a} + b;
  return static_cast<uint16_t>((s & 0xffffu) + (s >> 16));
}

// Folds a 32-bit two's complement accumulation of 16-bit words into the 16-bit
// ones' complement sum. Two folds are always enough for 32 bits.
constexpr uint16_t fold32(uint32_t s) {
  s = (s & 0xffffu) + (s >> 16);
  s = (s & 0xffffu) + (s >> 16);
  return static_cast<uint16_t>(s);
}

// Folds the deferred-carry form the checksum engine accumulates in:
// value = carry * 2^32 + lo, reduced modulo 0xffff (2^32 = 1 mod 0xffff), so
// that 0 comes out only for an all-zero packet, as with RFC 1071's folding.
constexpr uint16_t fold33(uint32_t lo, uint32_t carry) {
  const uint32_t t = (lo & 0xffffu) + (lo >> 16) + (carry & 1u);  // <= 17 bits
  return static_cast<uint16_t>((t & 0xffffu) + (t >> 16));
}

// RFC 1624 eqn. 3: the new checksum field HC' after a 16-bit word of the
// covered data changes from m to m_new, HC' = ~(~HC + ~m + m').
constexpr uint16_t incremental_update(uint16_t hc, uint16_t m, uint16_t m_new) {
  return static_cast<uint16_t>(
      ~ones_add(ones_add(static_cast<uint16_t>(~hc), static_cast<uint16_t>(~m)), m_new));
}

// Same, for a 32-bit field (sequence or acknowledgment number, an address),
// as two 16-bit words.
constexpr uint16_t incremental_update32(uint16_t hc, uint32_t m, uint32_t m_new) {
  return incremental_update(incremental_update(hc, static_cast<uint16_t>(m >> 16),
                                               static_cast<uint16_t>(m_new >> 16)),
                            static_cast<uint16_t>(m), static_cast<uint16_t>(m_new));
}

// Sum of the IPv4 pseudo-header of RFC 793 / RFC 9293 section 3.1: source and
// destination address, zero, protocol, and the TCP length (header plus data)
// in octets.
constexpr uint16_t ipv4_pseudo_header_sum(uint32_t src, uint32_t dst, uint8_t protocol,
                                          uint16_t l4_length) {
  return fold32((src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu) +
                uint32_t{protocol} + uint32_t{l4_length});
}

// Byte-stream form for host code and tests: the sum of `len` octets, octet 0
// the high byte of the first word, an odd last octet padded with zero
// (RFC 1071 section 4.1), added to `initial` (e.g. a pseudo-header sum).
// Not a kernel: the engine streams; this is the reference it is checked
// against.
inline uint16_t sum_bytes(const uint8_t* p, std::size_t len, uint16_t initial = 0) {
  uint64_t acc = initial;
  std::size_t i = 0;
  for (; i + 1 < len; i += 2) acc += (uint32_t{p[i]} << 8) | p[i + 1];
  if (i < len) acc += uint32_t{p[i]} << 8;
  while (acc >> 16) acc = (acc & 0xffffu) + (acc >> 16);
  return static_cast<uint16_t>(acc);
}

}  // namespace tcpoe::wire::csum

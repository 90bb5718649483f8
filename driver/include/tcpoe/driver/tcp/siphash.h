// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
// 2012): the keyed hash behind the driver's ISNs (RFC 6528), timestamp
// offsets, SYN cookies, ephemeral port offsets and connection table. Written
// from the paper's description; tests/driver check the paper's test vector.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace tcpoe::driver::tcp {

// The 128-bit key, as the paper's k0 (octets 0..7, little-endian) and k1.
struct SipKey {
  uint64_t k0 = 0;
  uint64_t k1 = 0;

  static SipKey from_bytes(const std::array<uint8_t, 16>& octets);
};

uint64_t siphash24(const SipKey& key, const uint8_t* data, std::size_t len);

// The hash of 32-bit words, each as 4 little-endian octets: the driver's
// inputs are addresses, ports and counters.
template <typename... Words>
uint64_t siphash24_words(const SipKey& key, Words... words) {
  const std::array<uint32_t, sizeof...(Words)> w{static_cast<uint32_t>(words)...};
  std::array<uint8_t, 4 * sizeof...(Words)> octets{};
  for (std::size_t i = 0; i < w.size(); ++i)
    for (std::size_t b = 0; b < 4; ++b) octets[4 * i + b] = static_cast<uint8_t>(w[i] >> (8 * b));
  return siphash24(key, octets.data(), octets.size());
}

}  // namespace tcpoe::driver::tcp

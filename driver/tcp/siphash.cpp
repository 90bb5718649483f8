#include "tcpoe/driver/tcp/siphash.h"


namespace tcpoe::driver::tcp {
namespace {

constexpr uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct SipState {
  uint64_t v0, v1, v2, v3;

  void round() {  // SipRound, the paper's figure 2.2
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
  void compress(uint64_t m) {  // c = 2 rounds per message word
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

uint64_t load_le64(const uint8_t* p, std::size_t n) {
  uint64_t w = 0;
  for (std::size_t i = 0; i < n; ++i) w |= static_cast<uint64_t>(p[i]) << (8 * i);
  return w;
}

}  // namespace

SipKey SipKey::from_bytes(const std::array<uint8_t, 16>& octets) {
  return SipKey{load_le64(octets.data(), 8), load_le64(octets.data() + 8, 8)};
}

uint64_t siphash24(const SipKey& key, const uint8_t* data, std::size_t len) {
  // Initialization: the key xored with "somepseudorandomlygeneratedbytes".
  SipState s{key.k0 ^ 0x736f6d6570736575ull, key.k1 ^ 0x646f72616e646f6dull,
             key.k0 ^ 0x6c7967656e657261ull, key.k1 ^ 0x7465646279746573ull};
  const std::size_t whole = len - len % 8;
  for (std::size_t i = 0; i < whole; i += 8) s.compress(load_le64(data + i, 8));
  // The last word: the remaining octets, then the length mod 256 in the top octet.
  s.compress(load_le64(data + whole, len - whole) | (static_cast<uint64_t>(len & 0xff) << 56));
  // Finalization: d = 4 rounds.
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

}  // namespace tcpoe::driver::tcp

// SipHash-2-4 against its paper's test vector, and RFC 6528 ISNs.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <set>

#include "tcpoe/driver/tcp/isn.h"
#include "tcpoe/driver/tcp/siphash.h"

namespace tcp = tcpoe::driver::tcp;
using namespace std::chrono_literals;

namespace {
tcp::SipKey paper_key() {
  std::array<uint8_t, 16> k{};
  for (int i = 0; i < 16; ++i) k[i] = static_cast<uint8_t>(i);  // 00 01 .. 0f
  return tcp::SipKey::from_bytes(k);
}
}  // namespace

TEST_CASE("SipHash-2-4: the paper's test vector", "[driver][siphash]") {
  // Aumasson & Bernstein, "SipHash: a fast short-input PRF", appendix A:
  // key 00..0f, the 15-octet message 00..0e, output a129ca6149be45e5.
  const tcp::SipKey key = paper_key();
  CHECK(key.k0 == 0x0706050403020100ull);  // the appendix's k0 and k1
  CHECK(key.k1 == 0x0f0e0d0c0b0a0908ull);
  std::array<uint8_t, 15> m{};
  for (int i = 0; i < 15; ++i) m[i] = static_cast<uint8_t>(i);
  CHECK(tcp::siphash24(key, m.data(), m.size()) == 0xa129ca6149be45e5ull);
}

TEST_CASE("SipHash-2-4: every length of the final block", "[driver][siphash]") {
  // The lengths 0..16 take every branch of the last word's padding; the
  // outputs are all different, and one changed key bit changes the output.
  std::array<uint8_t, 16> m{};
  for (int i = 0; i < 16; ++i) m[i] = static_cast<uint8_t>(i);
  std::set<uint64_t> seen;
  for (std::size_t len = 0; len <= m.size(); ++len) seen.insert(tcp::siphash24(paper_key(), m.data(), len));
  CHECK(seen.size() == m.size() + 1);
  tcp::SipKey other = paper_key();
  other.k1 ^= 1;
  CHECK(tcp::siphash24(other, m.data(), 15) != 0xa129ca6149be45e5ull);
  // siphash24_words is siphash24 over the words' little-endian octets.
  const std::array<uint8_t, 8> words_octets{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  CHECK(tcp::siphash24_words(paper_key(), 0x03020100u, 0x07060504u) ==
        tcp::siphash24(paper_key(), words_octets.data(), words_octets.size()));
}

TEST_CASE("ISN: M + F, M a 4 us clock (RFC 6528)", "[driver][isn]") {
  const tcp::IsnGenerator gen(paper_key());
  const tcp::FourTuple t{0xc0000201, 40000, 0xc6336402, 5201};
  // Same tuple: the ISN advances by one every 4 microseconds.
  CHECK(gen.isn(t, 1000us) - gen.isn(t, 0us) == 250);
  CHECK(gen.isn(t, 4us) - gen.isn(t, 0us) == 1);
  CHECK(gen.isn(t, 3us) - gen.isn(t, 0us) == 0);
  // F is the keyed hash of the 4-tuple: at time 0 the ISN is F itself.
  CHECK(gen.isn(t, 0us).raw() ==
        static_cast<uint32_t>(tcp::siphash24_words(paper_key(), t.local_ip, t.local_port,
                                                   t.remote_ip, t.remote_port)));
}

TEST_CASE("ISN: other tuples and other keys give unrelated ISNs", "[driver][isn]") {
  const tcp::IsnGenerator gen(paper_key());
  std::set<uint32_t> isns;
  for (uint16_t port = 32768; port < 32768 + 1000; ++port)
    isns.insert(gen.isn(tcp::FourTuple{0xc0000201, port, 0xc6336402, 5201}, 5s).raw());
  CHECK(isns.size() >= 999);  // 1000 ports, collisions of 32-bit values all but impossible
  tcp::SipKey other = paper_key();
  other.k0 ^= 0x8000;
  const tcp::FourTuple t{0xc0000201, 40000, 0xc6336402, 5201};
  CHECK(tcp::IsnGenerator(other).isn(t, 5s) != gen.isn(t, 5s));
  CHECK(gen.ts_offset(t) != gen.isn(t, 0s).raw());
}

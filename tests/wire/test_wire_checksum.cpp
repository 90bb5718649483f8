// The checksum arithmetic shared by the kernels, the wire layer and the
// tests (wire/include/tcpoe/wire/checksum.h).
#include <catch2/catch.hpp>

#include "../support/test_seed.h"

#include <random>
#include <vector>

#include "tcpoe/wire/checksum.h"

using namespace tcpoe::wire::csum;

TEST_CASE("RFC 1624 section 5 example: m 5555 -> 3285 turns checksum dd2f into 0000",
          "[csum][rfc1624]") {
  // "the one's complement sum of all other header octets is 0xCD7A"
  const uint16_t others = 0xcd7a;
  const uint16_t hc = uint16_t(~ones_add(others, 0x5555));
  CHECK(hc == 0xdd2f);
  // Eqn. 3 gives 0000 where eqn. 2 would give the -0 ffff (the RFC's point).
  CHECK(incremental_update(hc, 0x5555, 0x3285) == 0x0000);
}

TEST_CASE("incremental update equals recomputation for random headers", "[csum][rfc1624]") {
  std::mt19937_64 rng(tcpoe::test::test_seed(1624));
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> hdr(20);
    for (auto& b : hdr) b = uint8_t(rng());
    hdr[10] = hdr[11] = 0;
    const uint16_t hc = uint16_t(~sum_bytes(hdr.data(), hdr.size()));
    const int field = 2 * int(rng() % 10);
    if (field == 10) continue;  // the checksum field itself
    const uint16_t m = uint16_t(hdr[field] << 8 | hdr[field + 1]);
    const uint16_t m_new = uint16_t(rng());
    hdr[field] = uint8_t(m_new >> 8);
    hdr[field + 1] = uint8_t(m_new);
    const uint16_t recomputed = uint16_t(~sum_bytes(hdr.data(), hdr.size()));
    // Eqn. 3 may give -0 (ffff) where recomputation gives +0 and vice versa
    // only when the sum is zero, which needs an all-zero header; otherwise equal.
    REQUIRE(incremental_update(hc, m, m_new) == recomputed);
  }
}

TEST_CASE("32-bit field update (sequence number) equals recomputation", "[csum][rfc1624]") {
  std::mt19937_64 rng(tcpoe::test::test_seed(32));
  for (int i = 0; i < 5000; ++i) {
    std::vector<uint8_t> seg(20);
    for (auto& b : seg) b = uint8_t(rng());
    seg[16] = seg[17] = 0;
    const uint16_t hc = uint16_t(~sum_bytes(seg.data(), seg.size()));
    const uint32_t seq = uint32_t(seg[4]) << 24 | uint32_t(seg[5]) << 16 | seg[6] << 8 | seg[7];
    const uint32_t seq_new = uint32_t(rng());
    for (int k = 0; k < 4; ++k) seg[4 + k] = uint8_t(seq_new >> (24 - 8 * k));
    REQUIRE(incremental_update32(hc, seq, seq_new) == uint16_t(~sum_bytes(seg.data(), seg.size())));
  }
}

TEST_CASE("pseudo-header sum equals the sum of the pseudo-header's bytes", "[csum]") {
  std::mt19937_64 rng(tcpoe::test::test_seed(793));
  for (int i = 0; i < 10000; ++i) {
    const uint32_t src = uint32_t(rng()), dst = uint32_t(rng());
    const uint16_t len = uint16_t(rng());
    const uint8_t bytes[12] = {uint8_t(src >> 24), uint8_t(src >> 16), uint8_t(src >> 8),
                               uint8_t(src),       uint8_t(dst >> 24), uint8_t(dst >> 16),
                               uint8_t(dst >> 8),  uint8_t(dst),       0,
                               6,                  uint8_t(len >> 8),  uint8_t(len)};
    REQUIRE(ipv4_pseudo_header_sum(src, dst, 6, len) == sum_bytes(bytes, 12));
  }
}

TEST_CASE("the engine's deferred-carry fold equals RFC 1071 folding", "[csum]") {
  std::mt19937_64 rng(tcpoe::test::test_seed(33));
  for (int i = 0; i < 100000; ++i) {
    const uint64_t total = rng() % (uint64_t{1} << 33);
    uint64_t folded = total;
    while (folded >> 16) folded = (folded & 0xffff) + (folded >> 16);
    REQUIRE(fold33(uint32_t(total), uint32_t(total >> 32)) == folded);
  }
  CHECK(fold33(0, 0) == 0);
  CHECK(fold33(0, 1) == 1);           // 2^32 is 1 modulo ffff
  CHECK(fold33(0xffffffffu, 0) == 0xffff);
  CHECK(ones_add(0xffff, 0x0001) == 0x0001);
  CHECK(fold32(0x0001fffe) == 0xffff);
}

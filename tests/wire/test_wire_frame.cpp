// Whole frames: emit_frame/parse_frame round trips, every Malformed code from
// a crafted frame, the order in which the checks are made, the padding and
// checksum rules of frame.h, and parsing of mangled bytes (run this under
// -fsanitize=address,undefined to see that it never reads out of bounds).
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tcpoe/wire/checksum.h"
#include "tcpoe/wire/frame.h"
#include "../support/malformed_faults.h"
#include "wire_test_util.h"

using namespace tcpoe::wire;
using tcpoe::wire::test::Random;
using tcpoe::wire::test::with_lengths;
using Octets = std::vector<uint8_t>;

namespace {

FrameRepr fixed_repr() {
  FrameRepr r;
  r.eth.dst = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
  r.eth.src = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
  r.ip.src = 0xc0000201;  // 192.0.2.1
  r.ip.dst = 0xc6336402;  // 198.51.100.2
  r.ip.ident = 0x1234;
  r.tcp.src_port = 40000;
  r.tcp.dst_port = 80;
  r.tcp.seq = 1000;
  r.tcp.ack = 2000;
  r.tcp.flags = tcp::flag::kAck | tcp::flag::kPsh;
  r.tcp.window = 65535;
  return r;
}

Octets frame_with(const TcpOptions& options, std::size_t payload_len) {
  FrameRepr r = fixed_repr();
  r.tcp.options = options;
  Octets payload(payload_len);
  for (std::size_t i = 0; i < payload_len; ++i) payload[i] = static_cast<uint8_t>(i * 7 + 1);
  return emit_frame(r, ByteSpan(payload));
}

// The view a test mangles a frame through.
Ipv4Packet ip_of(Octets& f) { return Ipv4Packet(MutableByteSpan(f).subspan(frame::kIpv4Offset)); }
TcpSegment tcp_of(Octets& f) {
  const uint16_t total = Ipv4Packet(MutableByteSpan(f).subspan(frame::kIpv4Offset)).total_len();
  return TcpSegment(MutableByteSpan(f).subspan(frame::kTcpOffset, total - ipv4::kHeaderLen));
}

// Puts both checksums right again after a mangling, so that a test sees the
// one fault it made.
void refill_checksums(Octets& f) {
  Ipv4Packet ip = ip_of(f);
  ip.fill_checksum();
  tcp_of(f).fill_checksum(ip.src_addr(), ip.dst_addr());
}

Malformed verdict(const Octets& f) { return parse_frame(ByteSpan(f)).malformed; }

TcpOptions all_options() {
  TcpOptions o;
  o.mss = 1460;
  o.window_scale = 7;
  o.sack_permitted = true;
  o.timestamps = std::make_pair(1u, 2u);
  return o;
}

}  // namespace

TEST_CASE("random frames round-trip through emit_frame and parse_frame", "[wire][frame]") {
  Random rng(tcpoe::test::test_seed(21));
  for (int i = 0; i < 500; ++i) {
    const FrameRepr repr = rng.frame_repr();
    const Octets payload = rng.bytes(rng.payload_len());
    const Octets f = emit_frame(repr, ByteSpan(payload));
    const std::size_t unpadded =
        eth::kHeaderLen + ipv4::kHeaderLen + repr.tcp.header_len() + payload.size();
    REQUIRE(f.size() == std::max<std::size_t>(unpadded, eth::kMinFrameLen));
    CHECK(std::all_of(f.begin() + static_cast<long>(unpadded), f.end(),
                      [](uint8_t b) { return b == 0; }));
    const ParsedFrame p = parse_frame(ByteSpan(f));
    REQUIRE(p.malformed == Malformed::kNone);
    CHECK(p.ip_checksum_ok);
    CHECK(p.tcp_checksum_ok);
    CHECK(p.repr == with_lengths(repr, payload.size()));
    CHECK(p.payload_offset == frame::kTcpOffset + repr.tcp.header_len());
    REQUIRE(p.payload_len == payload.size());
    CHECK(std::equal(payload.begin(), payload.end(), f.begin() + p.payload_offset));
    // The unpadded frame is as good: the padding is not part of anything.
    const ParsedFrame q = parse_frame(ByteSpan(f).first(unpadded));
    CHECK(q.malformed == Malformed::kNone);
    CHECK(q.repr == p.repr);
    CHECK(q.tcp_checksum_ok);
  }
}

TEST_CASE("emit_frame refuses a segment beyond IPv4's total length", "[wire][frame]") {
  const Octets largest(65535 - 40), too_large(65535 - 39);
  CHECK(emit_frame(fixed_repr(), largest).size() == 14 + 65535);
  CHECK(emit_frame(fixed_repr(), too_large).empty());
}

TEST_CASE("each Malformed code from a frame crafted to have that fault",
          "[wire][frame][malformed]") {
  const Octets good = frame_with(all_options(), 26);  // 14 + 20 + 40 + 26 = 100 octets
  REQUIRE(good.size() == 100);
  REQUIRE(verdict(good) == Malformed::kNone);

  struct Case {
    std::string what;
    Malformed want;
    std::function<void(Octets&)> mangle;
  };
  const std::vector<Case> cases = {
      {"empty frame", Malformed::kShortFrame, [](Octets& f) { f.clear(); }},
      {"13 octets", Malformed::kShortFrame, [](Octets& f) { f.resize(13); }},
      {"53 octets", Malformed::kShortFrame, [](Octets& f) { f.resize(53); }},
      {"EtherType IPv6", Malformed::kNotIpv4,
       [](Octets& f) { EthernetFrame(MutableByteSpan(f)).set_ethertype(0x86dd); }},
      {"EtherType ARP", Malformed::kNotIpv4,
       [](Octets& f) { EthernetFrame(MutableByteSpan(f)).set_ethertype(0x0806); }},
      {"IP version 6", Malformed::kNotIpv4, [](Octets& f) { ip_of(f).set_version(6); }},
      {"IP version 0", Malformed::kNotIpv4, [](Octets& f) { ip_of(f).set_version(0); }},
      {"IHL 4", Malformed::kIpHeaderLen, [](Octets& f) { ip_of(f).set_ihl(4); }},
      {"IHL 0", Malformed::kIpHeaderLen, [](Octets& f) { ip_of(f).set_ihl(0); }},
      {"IHL 6", Malformed::kIpOptions, [](Octets& f) { ip_of(f).set_ihl(6); }},
      {"IHL 15", Malformed::kIpOptions, [](Octets& f) { ip_of(f).set_ihl(15); }},
      {"total length one beyond the frame", Malformed::kIpTotalLen,
       [](Octets& f) { ip_of(f).set_total_len(87); }},
      {"total length 65535", Malformed::kIpTotalLen,
       [](Octets& f) { ip_of(f).set_total_len(65535); }},
      {"total length one short of a 100-octet frame", Malformed::kIpTotalLen,
       [](Octets& f) { ip_of(f).set_total_len(85); }},
      {"an octet appended to a 100-octet frame", Malformed::kIpTotalLen,
       [](Octets& f) { f.push_back(0); }},
      {"total length 19", Malformed::kIpTotalLen, [](Octets& f) { ip_of(f).set_total_len(19); }},
      {"total length 0", Malformed::kIpTotalLen, [](Octets& f) { ip_of(f).set_total_len(0); }},
      {"MF set", Malformed::kFragment, [](Octets& f) { ip_of(f).set_more_frags(true); }},
      {"fragment offset 1", Malformed::kFragment, [](Octets& f) { ip_of(f).set_frag_offset(1); }},
      {"fragment offset 8191", Malformed::kFragment,
       [](Octets& f) { ip_of(f).set_frag_offset(0x1fff); }},
      {"protocol UDP", Malformed::kNotTcp, [](Octets& f) { ip_of(f).set_protocol(17); }},
      {"protocol 0", Malformed::kNotTcp, [](Octets& f) { ip_of(f).set_protocol(0); }},
      {"data offset 4", Malformed::kTcpDataOffset, [](Octets& f) { tcp_of(f).set_data_offset(4); }},
      {"data offset 0", Malformed::kTcpDataOffset, [](Octets& f) { tcp_of(f).set_data_offset(0); }},
      {"data offset 15 in a 59-octet segment", Malformed::kTcpDataOffset,
       [](Octets& f) {
         ip_of(f).set_total_len(20 + 59);  // segment of 59 octets, header claims 60
         f.resize(14 + 20 + 59);
         tcp_of(f).set_data_offset(15);
       }},
      {"option of length 0", Malformed::kTcpOption,
       [](Octets& f) { f[frame::kTcpOffset + 21] = 0; }},
      {"MSS of length 3", Malformed::kTcpOption, [](Octets& f) { f[frame::kTcpOffset + 21] = 3; }},
      {"window scale running past the header", Malformed::kTcpOption,
       [](Octets& f) {
         // The last option word is NOP WS(3,3,7); move WS up one octet.
         uint8_t* last = f.data() + frame::kTcpOffset + 36;
         last[0] = 1, last[1] = 1, last[2] = 3, last[3] = 3;
       }},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Octets f = good;
    c.mangle(f);
    if (c.want >= Malformed::kFragment) refill_checksums(f);
    const ParsedFrame p = parse_frame(ByteSpan(f));
    CHECK(p.malformed == c.want);
    CHECK(p.payload_len == 0);
    CHECK(p.repr == FrameRepr{});
  }
}

TEST_CASE("the first check that fails is the verdict", "[wire][frame][malformed][order]") {
  // One fault per code, each on its own octets, so any two can be combined
  // (tests/support/malformed_faults.h; the RTL parser's tests use them too).
  const Octets good = frame_with(all_options(), 26);
  const auto apply = [&](const std::vector<unsigned>& codes) {
    return verdict(tcpoe::test::with_faults(good, codes));
  };
  int pairs = 0;
  for (unsigned a = 1; a < kMalformedCodeCount; ++a) {
    CHECK(apply({a}) == static_cast<Malformed>(a));
    for (unsigned b = a + 1; b < kMalformedCodeCount; ++b) {
      if (a == 3 && b == 4) continue;  // both set the IHL
      INFO("faults " << a << " and " << b);
      CHECK(apply({a, b}) == static_cast<Malformed>(a));
      CHECK(apply({b, a}) == static_cast<Malformed>(a));
      ++pairs;
    }
  }
  CHECK(pairs == 35);
  CHECK(apply({9, 8, 7, 6, 5, 4, 2, 1}) == Malformed::kShortFrame);
  CHECK(apply({9, 8, 7, 6, 5, 4}) == Malformed::kIpOptions);
}

TEST_CASE("frames of 60 octets or fewer may carry padding, longer ones may not",
          "[wire][frame][padding]") {
  // No options, no payload: 54 octets of headers padded to 60.
  Octets f = frame_with({}, 0);
  REQUIRE(f.size() == 60);
  CHECK(ip_of(f).total_len() == 40);
  ParsedFrame p = parse_frame(ByteSpan(f));
  REQUIRE(p.malformed == Malformed::kNone);
  CHECK(p.payload_len == 0);
  CHECK(p.tcp_checksum_ok);  // over the 20-octet segment, not the padding
  // Non-zero padding is still padding.
  std::fill(f.begin() + 54, f.end(), 0xa5);
  CHECK(verdict(f) == Malformed::kNone);
  // A 61st octet makes the frame one that nobody padded.
  f.push_back(0);
  CHECK(verdict(f) == Malformed::kIpTotalLen);
  f.pop_back();
  // Every prefix from 54 octets is a well-formed frame with less padding.
  for (std::size_t len = 54; len <= 60; ++len)
    CHECK(verdict(Octets(f.begin(), f.begin() + static_cast<long>(len))) == Malformed::kNone);

  // Five payload octets and one of padding.
  Octets g = frame_with({}, 5);
  REQUIRE(g.size() == 60);
  p = parse_frame(ByteSpan(g));
  REQUIRE(p.malformed == Malformed::kNone);
  CHECK(p.payload_len == 5);
  CHECK(p.payload_offset == 54);

  // A datagram shorter than IPv4 + TCP headers inside a padded frame: the
  // TCP header it cannot hold is a data-offset fault.
  Octets h = frame_with({}, 0);
  ip_of(h).set_total_len(30);
  ip_of(h).fill_checksum();
  p = parse_frame(ByteSpan(h));
  CHECK(p.malformed == Malformed::kTcpDataOffset);
  CHECK(p.ip_checksum_ok);
}

TEST_CASE("a truncated or extended frame is refused by length", "[wire][frame][padding]") {
  const Octets good = frame_with(all_options(), 46);  // 120 octets
  REQUIRE(good.size() == 120);
  for (std::size_t len = 0; len < good.size(); ++len) {
    INFO("prefix of " << len << " octets");
    const Octets f(good.begin(), good.begin() + static_cast<long>(len));
    CHECK(verdict(f) == (len < 54 ? Malformed::kShortFrame : Malformed::kIpTotalLen));
  }
  for (std::size_t extra = 1; extra < 20; ++extra) {
    Octets f = good;
    f.resize(good.size() + extra, 0);
    CHECK(verdict(f) == Malformed::kIpTotalLen);
  }
}

TEST_CASE("checksums are judged apart from the form, as far as the form allows",
          "[wire][frame][checksum]") {
  const Octets good = frame_with(all_options(), 26);
  SECTION("bad IP checksum, well-formed") {
    Octets f = good;
    f[frame::kIpv4Offset + ipv4::kChecksum.offset] ^= 0x01;
    const ParsedFrame p = parse_frame(ByteSpan(f));
    CHECK(p.malformed == Malformed::kNone);
    CHECK_FALSE(p.ip_checksum_ok);
    CHECK(p.tcp_checksum_ok);
  }
  SECTION("bad TCP checksum, well-formed") {
    Octets f = good;
    f.back() ^= 0x80;
    const ParsedFrame p = parse_frame(ByteSpan(f));
    CHECK(p.malformed == Malformed::kNone);
    CHECK(p.ip_checksum_ok);
    CHECK_FALSE(p.tcp_checksum_ok);
    CHECK(p.repr.tcp.payload_len == 26);  // the repr is there all the same
  }
  SECTION("the IP checksum is judged from kIpTotalLen on") {
    for (const auto& [mangle, code] :
         std::vector<std::pair<std::function<void(Octets&)>, Malformed>>{
             {[](Octets& f) { ip_of(f).set_total_len(87); }, Malformed::kIpTotalLen},
             {[](Octets& f) { ip_of(f).set_frag_offset(3); }, Malformed::kFragment},
             {[](Octets& f) { ip_of(f).set_protocol(17); }, Malformed::kNotTcp}}) {
      Octets f = good;
      mangle(f);
      ip_of(f).fill_checksum();
      ParsedFrame p = parse_frame(ByteSpan(f));
      CHECK(p.malformed == code);
      CHECK(p.ip_checksum_ok);
      CHECK_FALSE(p.tcp_checksum_ok);  // not judged
      f[frame::kIpv4Offset + ipv4::kChecksum.offset] ^= 0x10;
      p = parse_frame(ByteSpan(f));
      CHECK_FALSE(p.ip_checksum_ok);
    }
  }
  SECTION("neither checksum is judged before the IPv4 header is known whole") {
    Octets f = good;
    ip_of(f).set_ihl(6);
    ip_of(f).set_checksum(0);
    ip_of(f).fill_checksum();  // over 24 octets, so it would verify
    REQUIRE(ip_of(f).verify_checksum());
    const ParsedFrame p = parse_frame(ByteSpan(f));
    CHECK(p.malformed == Malformed::kIpOptions);
    CHECK_FALSE(p.ip_checksum_ok);
    CHECK_FALSE(p.tcp_checksum_ok);
  }
  SECTION("the TCP checksum is judged for kTcpDataOffset and kTcpOption") {
    for (const auto& [offset_octet, code] : std::vector<std::pair<std::size_t, Malformed>>{
             {frame::kTcpOffset + 12, Malformed::kTcpDataOffset},
             {frame::kTcpOffset + 21, Malformed::kTcpOption}}) {
      Octets f = good;
      f[offset_octet] = code == Malformed::kTcpDataOffset ? 0x40 : 0;
      refill_checksums(f);
      ParsedFrame p = parse_frame(ByteSpan(f));
      CHECK(p.malformed == code);
      CHECK(p.ip_checksum_ok);
      CHECK(p.tcp_checksum_ok);
      f.back() ^= 1;
      p = parse_frame(ByteSpan(f));
      CHECK_FALSE(p.tcp_checksum_ok);
    }
  }
}

TEST_CASE("mangled and random bytes parse without reading out of bounds",
          "[wire][frame][robustness]") {
  Random rng(tcpoe::test::test_seed(31));
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    Octets f;
    if (rng.chance(0.2)) {
      f = rng.bytes(rng.below(120));
    } else {
      const FrameRepr repr = rng.frame_repr();
      const Octets payload = rng.bytes(rng.payload_len());
      f = emit_frame(repr, payload);
      const unsigned flips = 1 + rng.below(4);
      for (unsigned k = 0; k < flips; ++k) {
        // Mostly in the headers, where the lengths are.
        const std::size_t at =
            rng.below(static_cast<uint32_t>(std::min<std::size_t>(f.size(), 80)));
        f[at] = rng.bits<uint8_t>();
      }
      if (rng.chance(0.3)) f.resize(rng.below(static_cast<uint32_t>(f.size() + 8)));
    }
    // A heap copy of exactly the frame's size, so a sanitizer sees any
    // octet read past the end.
    const std::unique_ptr<uint8_t[]> exact(new uint8_t[f.size() + 1]);
    std::copy(f.begin(), f.end(), exact.get());
    const ParsedFrame p = parse_frame(ByteSpan(exact.get(), f.size()));
    REQUIRE(static_cast<unsigned>(p.malformed) < kMalformedCodeCount);
    if (p.malformed == Malformed::kNone) {
      ++accepted;
      CHECK(std::size_t{p.payload_offset} + p.payload_len <= f.size());
      CHECK(p.payload_offset >= frame::kMinTcpFrameLen);
    }
  }
  CHECK(accepted > 0);  // some mutations only touch values, not the form
}

TEST_CASE("RFC 1624 section 4: the incremental update gives 0000, not ffff",
          "[wire][checksum][rfc1624]") {
  // The RFC's example: the other covered words sum to 0xCD7A and the word m
  // changes from 0x5555 to 0x3285.
  const Octets before = {0xcd, 0x7a, 0x55, 0x55};
  const Octets after = {0xcd, 0x7a, 0x32, 0x85};
  const uint16_t hc = static_cast<uint16_t>(~tcpoe::wire::csum::sum_bytes(before.data(), 4));
  REQUIRE(hc == 0xdd2f);
  CHECK(tcpoe::wire::csum::incremental_update(hc, 0x5555, 0x3285) == 0x0000);
  CHECK(static_cast<uint16_t>(~tcpoe::wire::csum::sum_bytes(after.data(), 4)) == 0x0000);
  // RFC 1141's eqn. 2 (HC' = HC + m + ~m') gives 0xffff here, the other
  // zero, which a recomputation never gives; RFC 1624 section 4 is about
  // exactly this difference.
  const uint16_t eqn2 =
      tcpoe::wire::csum::ones_add(tcpoe::wire::csum::ones_add(hc, 0x5555), static_cast<uint16_t>(~0x3285));
  CHECK(eqn2 == 0xffff);
  CHECK(tcpoe::wire::csum::incremental_update(hc, 0x5555, 0x3285) != eqn2);
}

// The byte helpers and the Ethernet, IPv4 and TCP views: every field written
// and read back with random values, next to random neighbours, so that a
// wrong offset, mask or shift in one accessor shows up as a change in another.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <functional>
#include <vector>

#include "tcpoe/wire/ethernet.h"
#include "tcpoe/wire/ipv4.h"
#include "tcpoe/wire/tcp.h"
#include "wire_test_util.h"

using namespace tcpoe::wire;
using tcpoe::wire::test::Random;

TEST_CASE("big-endian helpers put the most significant octet first", "[wire][bytes]") {
  std::array<uint8_t, 8> b{};
  set_be32(b.data(), 1, 0x01020304);
  CHECK(b == std::array<uint8_t, 8>{0, 1, 2, 3, 4, 0, 0, 0});
  CHECK(get_be32(b.data(), 1) == 0x01020304u);
  CHECK(get_be16(b.data(), 2) == 0x0203);
  set_be16(b.data(), 6, 0xa1b2);
  CHECK(b[6] == 0xa1);
  CHECK(b[7] == 0xb2);
  CHECK(get_field(b.data(), Field{6, 2}) == 0xa1b2u);
  CHECK(get_field(b.data(), Field{1, 1}) == 0x01u);
  set_field(b.data(), Field{0, 1}, 0x1ff);  // only the low octet fits
  CHECK(b[0] == 0xff);
  CHECK(b[1] == 0x01);
}

TEST_CASE("set_bits writes its bits only and drops the value's excess", "[wire][bytes]") {
  std::array<uint8_t, 2> b{0xff, 0xff};
  const BitField middle{0, 5, 3};  // bits 7..5 of the word
  set_bits(b.data(), middle, 0);
  CHECK(get_be16(b.data(), 0) == 0xff1f);
  set_bits(b.data(), middle, 0xfd);  // 0b101 kept, the rest dropped
  CHECK(get_be16(b.data(), 0) == 0xffbf);
  CHECK(get_bits(b.data(), middle) == 5);
}

TEST_CASE("spans slice within their bounds", "[wire][bytes]") {
  std::vector<uint8_t> v(10);
  const ByteSpan s(v);
  CHECK(s.subspan(4).size() == 6);
  CHECK(s.subspan(4, 3).size() == 3);
  CHECK(s.subspan(8, 5).size() == 2);
  CHECK(s.subspan(10).empty());
  CHECK(s.subspan(50, 5).empty());
  CHECK(s.first(20).size() == 10);
  CHECK(s.subspan(3).data() == v.data() + 3);
}

TEST_CASE("Ethernet fields round-trip", "[wire][ethernet]") {
  Random rng(tcpoe::test::test_seed(1));
  for (int i = 0; i < 200; ++i) {
    std::vector<uint8_t> buf = rng.bytes(eth::kHeaderLen + rng.below(10));
    const EthernetRepr want{rng.mac(), rng.mac(), rng.bits<uint16_t>()};
    EthernetFrame view{MutableByteSpan(buf)};
    REQUIRE(view.check_len());
    want.emit(view);
    CHECK(std::equal(want.dst.begin(), want.dst.end(), buf.begin()));
    CHECK(std::equal(want.src.begin(), want.src.end(), buf.begin() + 6));
    CHECK(get_be16(buf.data(), 12) == want.ethertype);
    const auto got = EthernetRepr::parse(ConstEthernetFrame(ByteSpan(buf)));
    REQUIRE(got.ok());
    CHECK(got.repr == want);
    CHECK(view.payload().data() == buf.data() + 14);
    CHECK(view.payload().size() == buf.size() - 14);
  }
  std::vector<uint8_t> short_frame(13);
  CHECK(EthernetRepr::parse(ConstEthernetFrame(ByteSpan(short_frame))).malformed ==
        Malformed::kShortFrame);
}

namespace {

// A field of a view: writes a random value, says which value it wrote, and
// reads it back.
template <typename View>
struct FieldProbe {
  const char* name;
  std::function<uint32_t(View&, Random&)> write;  // returns the value written
  std::function<uint32_t(const View&)> read;
};

// Writes every field in a random order, over random bytes, then reads them
// all: each must hold what was last written to it.
template <typename View>
void check_fields_independent(const std::vector<FieldProbe<View>>& probes, std::size_t len,
                              uint64_t test_constant) {
  const uint64_t seed = tcpoe::test::test_seed(test_constant);
  Random rng(seed);
  for (int round = 0; round < 300; ++round) {
    std::vector<uint8_t> buf = rng.bytes(len);
    View view{MutableByteSpan(buf)};
    std::vector<std::size_t> order(probes.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937(uint32_t(seed + uint64_t(round))));
    std::vector<uint32_t> written(probes.size());
    for (std::size_t i : order) written[i] = probes[i].write(view, rng);
    for (std::size_t i = 0; i < probes.size(); ++i) {
      INFO("field " << probes[i].name << ", round " << round);
      CHECK(probes[i].read(view) == written[i]);
    }
  }
}

template <typename View, typename T, typename Setter, typename Getter>
FieldProbe<View> probe(const char* name, unsigned width, Setter set, Getter get) {
  return {name,
          [=](View& v, Random& rng) {
            const T value = rng.bits<T>(width);
            (v.*set)(value);
            return uint32_t{value};
          },
          [=](const View& v) { return uint32_t((v.*get)()); }};
}

}  // namespace

TEST_CASE("every IPv4 field round-trips next to random neighbours", "[wire][ipv4]") {
  using V = Ipv4Packet;
  const std::vector<FieldProbe<V>> probes = {
      probe<V, uint8_t>("version", 4, &V::set_version, &V::version),
      probe<V, uint8_t>("ihl", 4, &V::set_ihl, &V::ihl),
      probe<V, uint8_t>("dscp", 6, &V::set_dscp, &V::dscp),
      probe<V, uint8_t>("ecn", 2, &V::set_ecn, &V::ecn),
      probe<V, uint16_t>("total_len", 16, &V::set_total_len, &V::total_len),
      probe<V, uint16_t>("ident", 16, &V::set_ident, &V::ident),
      probe<V, bool>("reserved_flag", 1, &V::set_reserved_flag, &V::reserved_flag),
      probe<V, bool>("dont_frag", 1, &V::set_dont_frag, &V::dont_frag),
      probe<V, bool>("more_frags", 1, &V::set_more_frags, &V::more_frags),
      probe<V, uint16_t>("frag_offset", 13, &V::set_frag_offset, &V::frag_offset),
      probe<V, uint8_t>("ttl", 8, &V::set_ttl, &V::ttl),
      probe<V, uint8_t>("protocol", 8, &V::set_protocol, &V::protocol),
      probe<V, uint16_t>("checksum", 16, &V::set_checksum, &V::checksum),
      probe<V, uint32_t>("src_addr", 32, &V::set_src_addr, &V::src_addr),
      probe<V, uint32_t>("dst_addr", 32, &V::set_dst_addr, &V::dst_addr),
  };
  check_fields_independent(probes, ipv4::kHeaderLen, 2);
}

TEST_CASE("IPv4 fields sit where RFC 791 puts them", "[wire][ipv4]") {
  // 45 b8 0054 1c46 4000 4006 b1e6 ac100a63 ac100a0c: a textbook header
  // with DSCP 46 (EF) and ECN 0, DF set.
  std::vector<uint8_t> h = {0x45, 0xb8, 0x00, 0x54, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06,
                            0xb1, 0xe6, 0xac, 0x10, 0x0a, 0x63, 0xac, 0x10, 0x0a, 0x0c};
  const ConstIpv4Packet p{ByteSpan(h)};
  CHECK(p.version() == 4);
  CHECK(p.ihl() == 5);
  CHECK(p.header_len() == 20);
  CHECK(p.dscp() == 46);
  CHECK(p.ecn() == 0);
  CHECK(p.total_len() == 0x54);
  CHECK(p.ident() == 0x1c46);
  CHECK(p.dont_frag());
  CHECK_FALSE(p.more_frags());
  CHECK_FALSE(p.reserved_flag());
  CHECK(p.frag_offset() == 0);
  CHECK(p.ttl() == 64);
  CHECK(p.protocol() == 6);
  CHECK(p.checksum() == 0xb1e6);
  CHECK(p.src_addr() == 0xac100a63u);
  CHECK(p.dst_addr() == 0xac100a0cu);
  h[6] = 0xbf;  // reserved, DF, MF and fragment offset 0x1fff
  h[7] = 0xff;
  CHECK(p.reserved_flag());
  CHECK_FALSE(p.dont_frag());
  CHECK(p.more_frags());
  CHECK(p.frag_offset() == 0x1fff);
}

TEST_CASE("Ipv4Repr round-trips and its header checksum verifies", "[wire][ipv4]") {
  Random rng(tcpoe::test::test_seed(3));
  for (int i = 0; i < 300; ++i) {
    Ipv4Repr want;
    want.src = rng.bits<uint32_t>();
    want.dst = rng.bits<uint32_t>();
    want.protocol = rng.bits<uint8_t>();
    want.payload_len = static_cast<uint16_t>(rng.below(1480));
    want.ttl = rng.bits<uint8_t>();
    want.dscp = rng.bits<uint8_t>(6);
    want.ecn = rng.bits<uint8_t>(2);
    want.ident = rng.bits<uint16_t>();
    want.dont_frag = rng.chance(0.5);
    std::vector<uint8_t> buf = rng.bytes(ipv4::kHeaderLen + want.payload_len);
    Ipv4Packet view{MutableByteSpan(buf)};
    want.emit(view);
    CHECK(view.verify_checksum());
    CHECK(tcpoe::wire::csum::sum_bytes(buf.data(), ipv4::kHeaderLen) == 0xffff);
    const auto got = Ipv4Repr::parse(ConstIpv4Packet(ByteSpan(buf)));
    REQUIRE(got.ok());
    CHECK(got.repr == want);
    CHECK(view.payload().size() == want.payload_len);
    // Any single flipped header bit breaks the checksum.
    const unsigned bit = rng.below(ipv4::kHeaderLen * 8);
    buf[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    CHECK_FALSE(view.verify_checksum());
  }
}

TEST_CASE("an IPv4 header fixed up with RFC 1624 still verifies", "[wire][ipv4][rfc1624]") {
  Random rng(tcpoe::test::test_seed(4));
  for (int i = 0; i < 200; ++i) {
    Ipv4Repr r;
    r.src = rng.bits<uint32_t>();
    r.dst = rng.bits<uint32_t>();
    r.ttl = static_cast<uint8_t>(1 + rng.below(255));
    std::vector<uint8_t> buf(ipv4::kHeaderLen);
    Ipv4Packet view{MutableByteSpan(buf)};
    r.emit(view);
    // A router's TTL decrement: the 16-bit word holding TTL and protocol.
    const uint16_t old_word = get_be16(buf.data(), ipv4::kTtl.offset);
    view.set_ttl(static_cast<uint8_t>(view.ttl() - 1));
    const uint16_t new_word = get_be16(buf.data(), ipv4::kTtl.offset);
    view.set_checksum(tcpoe::wire::csum::incremental_update(view.checksum(), old_word, new_word));
    CHECK(view.verify_checksum());
    const uint16_t incremental = view.checksum();
    view.fill_checksum();
    CHECK(view.checksum() == incremental);
  }
}

TEST_CASE("every TCP field round-trips next to random neighbours", "[wire][tcp]") {
  using V = TcpSegment;
  const std::vector<FieldProbe<V>> probes = {
      probe<V, uint16_t>("src_port", 16, &V::set_src_port, &V::src_port),
      probe<V, uint16_t>("dst_port", 16, &V::set_dst_port, &V::dst_port),
      probe<V, uint32_t>("seq_number", 32, &V::set_seq_number, &V::seq_number),
      probe<V, uint32_t>("ack_number", 32, &V::set_ack_number, &V::ack_number),
      probe<V, uint8_t>("data_offset", 4, &V::set_data_offset, &V::data_offset),
      probe<V, uint8_t>("reserved", 4, &V::set_reserved, &V::reserved),
      probe<V, uint8_t>("flags", 8, &V::set_flags, &V::flags),
      probe<V, uint16_t>("window", 16, &V::set_window, &V::window),
      probe<V, uint16_t>("checksum", 16, &V::set_checksum, &V::checksum),
      probe<V, uint16_t>("urgent_ptr", 16, &V::set_urgent_ptr, &V::urgent_ptr),
  };
  check_fields_independent(probes, tcp::kHeaderLen, 5);
}

TEST_CASE("TCP fields sit where RFC 9293 puts them", "[wire][tcp]") {
  std::vector<uint8_t> h = {0x30, 0x39, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04, 0xa0, 0xb0,
                            0xc0, 0xd0, 0x8e, 0x12, 0xfa, 0xf0, 0xbe, 0xef, 0x00, 0x07};
  const ConstTcpSegment s{ByteSpan(h)};
  CHECK(s.src_port() == 12345);
  CHECK(s.dst_port() == 80);
  CHECK(s.seq_number() == 0x01020304u);
  CHECK(s.ack_number() == 0xa0b0c0d0u);
  CHECK(s.data_offset() == 8);
  CHECK(s.header_len() == 32);
  CHECK(s.reserved() == 0xe);
  CHECK(s.flags() == (tcp::flag::kSyn | tcp::flag::kAck));
  CHECK(s.window() == 0xfaf0);
  CHECK(s.checksum() == 0xbeef);
  CHECK(s.urgent_ptr() == 7);
  CHECK(s.options().empty());  // the header claims 32 octets; the buffer has 20
  CHECK(s.payload().empty());
}

TEST_CASE("each TCP control bit is its own bit", "[wire][tcp][flags]") {
  struct Bit {
    const char* name;
    uint8_t mask;
    void (TcpSegment::*set)(bool);
    bool (TcpSegment::*get)() const;
  };
  const std::vector<Bit> bits = {
      {"FIN", 0x01, &TcpSegment::set_fin, &TcpSegment::fin},
      {"SYN", 0x02, &TcpSegment::set_syn, &TcpSegment::syn},
      {"RST", 0x04, &TcpSegment::set_rst, &TcpSegment::rst},
      {"PSH", 0x08, &TcpSegment::set_psh, &TcpSegment::psh},
      {"ACK", 0x10, &TcpSegment::set_ack, &TcpSegment::ack},
      {"URG", 0x20, &TcpSegment::set_urg, &TcpSegment::urg},
      {"ECE", 0x40, &TcpSegment::set_ece, &TcpSegment::ece},
      {"CWR", 0x80, &TcpSegment::set_cwr, &TcpSegment::cwr},
  };
  // RFC 9293's numbering: the masks above are the octet at offset 13.
  CHECK(tcp::flag::kFin == 0x01);
  CHECK(tcp::flag::kSyn == 0x02);
  CHECK(tcp::flag::kRst == 0x04);
  CHECK(tcp::flag::kPsh == 0x08);
  CHECK(tcp::flag::kAck == 0x10);
  CHECK(tcp::flag::kUrg == 0x20);
  CHECK(tcp::flag::kEce == 0x40);
  CHECK(tcp::flag::kCwr == 0x80);
  for (const Bit& b : bits) {
    INFO(b.name);
    std::vector<uint8_t> buf(tcp::kHeaderLen, 0);
    buf[12] = 0x5f;  // data offset 5, reserved all ones: must survive
    TcpSegment seg{MutableByteSpan(buf)};
    (seg.*b.set)(true);
    CHECK(buf[13] == b.mask);
    CHECK(buf[12] == 0x5f);
    for (const Bit& other : bits) CHECK((seg.*other.get)() == (other.mask == b.mask));
    // Clearing it with every other bit set leaves the others.
    seg.set_flags(0xff);
    (seg.*b.set)(false);
    CHECK(buf[13] == static_cast<uint8_t>(~b.mask));
    CHECK_FALSE((seg.*b.get)());
    CHECK(buf[12] == 0x5f);
  }
}

TEST_CASE("TcpRepr round-trips with options and payload, checksum verifies", "[wire][tcp]") {
  Random rng(tcpoe::test::test_seed(6));
  for (int i = 0; i < 300; ++i) {
    TcpRepr want;
    want.src_port = rng.bits<uint16_t>();
    want.dst_port = rng.bits<uint16_t>();
    want.seq = rng.bits<uint32_t>();
    want.ack = rng.bits<uint32_t>();
    want.flags = rng.bits<uint8_t>();
    want.window = rng.bits<uint16_t>();
    want.urgent = rng.bits<uint16_t>();
    want.options = rng.options();
    const std::vector<uint8_t> payload = rng.bytes(rng.payload_len());
    want.payload_len = static_cast<uint16_t>(payload.size());
    const uint32_t src = rng.bits<uint32_t>(), dst = rng.bits<uint32_t>();
    std::vector<uint8_t> buf = rng.bytes(want.header_len() + payload.size());
    TcpSegment seg{MutableByteSpan(buf)};
    want.emit(seg, ByteSpan(payload), src, dst);
    CHECK(seg.reserved() == 0);
    CHECK(seg.header_len() == want.header_len());
    CHECK(std::equal(payload.begin(), payload.end(), seg.payload().begin()));
    CHECK(seg.verify_checksum(src, dst));
    CHECK_FALSE(seg.verify_checksum(src ^ 1u, dst));  // the pseudo-header counts
    const auto got = TcpRepr::parse(ConstTcpSegment(ByteSpan(buf)));
    REQUIRE(got.ok());
    CHECK(got.repr == want);
    const std::size_t flip = rng.below(static_cast<uint32_t>(buf.size()));
    buf[flip] ^= 0x20;
    CHECK_FALSE(seg.verify_checksum(src, dst));
  }
}

TEST_CASE("TcpRepr refuses impossible data offsets", "[wire][tcp][malformed]") {
  std::vector<uint8_t> buf(40, 0);
  TcpSegment seg{MutableByteSpan(buf)};
  for (uint8_t words = 0; words < 16; ++words) {
    seg.set_data_offset(words);
    const auto got = TcpRepr::parse(ConstTcpSegment(ByteSpan(buf)));
    INFO("data offset " << int(words));
    // Options of zeros are EOL: fine whenever the header fits.
    CHECK(got.malformed ==
          (words >= 5 && words <= 10 ? Malformed::kNone : Malformed::kTcpDataOffset));
  }
  for (std::size_t len = 0; len < tcp::kHeaderLen; ++len) {
    std::vector<uint8_t> tiny(len, 0x50);  // data offset 5 wherever octet 12 exists
    CHECK(TcpRepr::parse(ConstTcpSegment(ByteSpan(tiny))).malformed == Malformed::kTcpDataOffset);
  }
}

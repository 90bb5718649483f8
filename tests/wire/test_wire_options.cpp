// TCP options: the emitted layout octet for octet against Linux's SYN layout
// (net/ipv4/tcp_output.c tcp_options_write), written out by hand below, and
// every parsing rule of parse_tcp_options().
#include <catch2/catch.hpp>

#include <vector>

#include "tcpoe/wire/tcp.h"
#include "wire_test_util.h"

using namespace tcpoe::wire;
using Octets = std::vector<uint8_t>;

namespace {

Octets emit(const TcpOptions& o) {
  Octets out(tcp_options_len(o), 0xee);
  CHECK(emit_tcp_options(o, MutableByteSpan(out)) == out.size());
  return out;
}

TcpOptions make(bool mss, bool ws, bool sack, bool ts) {
  TcpOptions o;
  if (mss) o.mss = 1460;
  if (ws) o.window_scale = 7;
  o.sack_permitted = sack;
  if (ts) o.timestamps = std::make_pair(0x01020304u, 0xa0b0c0d0u);
  return o;
}

ParseResult<TcpOptions> parse(const Octets& area) { return parse_tcp_options(ByteSpan(area)); }

}  // namespace

TEST_CASE("a full Linux SYN's options: MSS, SACK_PERM, TS, NOP, WS in 20 octets",
          "[wire][options][linux]") {
  const Octets want = {0x02, 0x04, 0x05, 0xb4,                          // MSS 1460
                       0x04, 0x02,                                      // SACK permitted
                       0x08, 0x0a, 0x01, 0x02, 0x03, 0x04, 0xa0, 0xb0,  // TS val
                       0xc0, 0xd0,                                      //    ecr
                       0x01,                                            // NOP
                       0x03, 0x03, 0x07};                               // WS 7
  const TcpOptions o = make(true, true, true, true);
  CHECK(emit(o) == want);
  TcpRepr syn;
  syn.flags = tcp::flag::kSyn;
  syn.options = o;
  CHECK(syn.header_len() == 40);
  std::vector<uint8_t> seg(syn.header_len());
  TcpSegment view{MutableByteSpan(seg)};
  syn.emit_header(view);
  CHECK(view.data_offset() == 10);
  CHECK(Octets(seg.begin() + 20, seg.end()) == want);
}

TEST_CASE("every combination of options is laid out as Linux lays it out",
          "[wire][options][linux]") {
  const Octets kMss = {0x02, 0x04, 0x05, 0xb4};
  const Octets kTsBody = {0x08, 0x0a, 0x01, 0x02, 0x03, 0x04, 0xa0, 0xb0, 0xc0, 0xd0};
  const Octets kNopWs = {0x01, 0x03, 0x03, 0x07};
  const Octets kNopNopSack = {0x01, 0x01, 0x04, 0x02};
  const auto cat = [](std::initializer_list<Octets> parts) {
    Octets out;
    for (const Octets& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  };
  const Octets sack_ts = cat({{0x04, 0x02}, kTsBody});
  const Octets nop_ts = cat({{0x01, 0x01}, kTsBody});
  struct Case {
    bool mss, ws, sack, ts;
    Octets want;
  };
  const std::vector<Case> cases = {
      {false, false, false, false, {}},
      {true, false, false, false, kMss},
      {false, true, false, false, kNopWs},
      {true, true, false, false, cat({kMss, kNopWs})},
      {false, false, true, false, kNopNopSack},
      {true, false, true, false, cat({kMss, kNopNopSack})},
      {false, true, true, false, cat({kNopNopSack, kNopWs})},
      {true, true, true, false, cat({kMss, kNopNopSack, kNopWs})},
      {false, false, false, true, nop_ts},
      {true, false, false, true, cat({kMss, nop_ts})},
      {false, true, false, true, cat({nop_ts, kNopWs})},
      {true, true, false, true, cat({kMss, nop_ts, kNopWs})},
      {false, false, true, true, sack_ts},
      {true, false, true, true, cat({kMss, sack_ts})},
      {false, true, true, true, cat({sack_ts, kNopWs})},
      {true, true, true, true, cat({kMss, sack_ts, kNopWs})},
  };
  for (const Case& c : cases) {
    INFO("mss " << c.mss << " ws " << c.ws << " sack " << c.sack << " ts " << c.ts);
    const TcpOptions o = make(c.mss, c.ws, c.sack, c.ts);
    CHECK(tcp_options_len(o) == c.want.size());
    CHECK(tcp_options_len(o) % 4 == 0);
    CHECK(emit(o) == c.want);
    const auto back = parse(c.want);
    REQUIRE(back.ok());
    CHECK(back.repr == o);
  }
}

TEST_CASE("emit_tcp_options writes nothing into a buffer too short", "[wire][options]") {
  const TcpOptions o = make(true, true, true, true);
  Octets out(19, 0xee);
  CHECK(emit_tcp_options(o, MutableByteSpan(out)) == 0);
  CHECK(out == Octets(19, 0xee));
}

TEST_CASE("random options round-trip through emit and parse", "[wire][options]") {
  tcpoe::wire::test::Random rng(tcpoe::test::test_seed(11));
  for (int i = 0; i < 500; ++i) {
    const TcpOptions o = rng.options();
    const auto back = parse(emit(o));
    REQUIRE(back.ok());
    CHECK(back.repr == o);
  }
}

TEST_CASE("option parsing: EOL ends the list, NOPs are skipped", "[wire][options]") {
  // After EOL anything goes, even what would be malformed.
  auto r = parse({0x01, 0x02, 0x04, 0x02, 0x58, 0x00, 0x02, 0x01, 0xff, 0xff, 0xff, 0xff});
  REQUIRE(r.ok());
  CHECK(r.repr.mss == uint16_t{0x0258});
  r = parse({0x00, 0x02, 0x04, 0x05, 0xb4});
  REQUIRE(r.ok());
  CHECK_FALSE(r.repr.mss.has_value());
  r = parse({0x01, 0x01, 0x01, 0x01});
  REQUIRE(r.ok());
  CHECK(r.repr == TcpOptions{});
  r = parse({});
  REQUIRE(r.ok());
  CHECK(r.repr == TcpOptions{});
}

TEST_CASE("option parsing: unknown kinds are skipped and counted", "[wire][options]") {
  // Kind 30 (MPTCP) of 4 octets, SACK blocks (kind 5, 10 octets), kind 254
  // of 2, then a window scale that must still be found.
  const auto r = parse({30, 4, 0xaa, 0xbb, 5, 10, 1, 2, 3, 4, 5, 6, 7, 8, 254, 2, 3, 3, 9, 0});
  REQUIRE(r.ok());
  CHECK(r.repr.unknown_skipped == 3);
  CHECK(r.repr.window_scale == uint8_t{9});
  CHECK_FALSE(r.repr.mss.has_value());
}

TEST_CASE("option parsing: a repeated option's last value wins, WS above 14 is reported",
          "[wire][options]") {
  const auto r = parse({2, 4, 0x01, 0x00, 2, 4, 0x02, 0x00, 3, 3, 200, 0});
  REQUIRE(r.ok());
  CHECK(r.repr.mss == uint16_t{0x0200});
  CHECK(r.repr.window_scale == uint8_t{200});
}

TEST_CASE("option parsing: malformed option areas are kTcpOption", "[wire][options][malformed]") {
  const std::vector<Octets> bad = {
      {30, 0, 1, 1},                           // length 0
      {30, 1, 1, 1},                           // length 1
      {2, 0, 0, 0},                            // MSS of length 0 (would loop forever if accepted)
      {1, 1, 1, 2},                            // kind in the last octet, its length missing
      {30, 5, 1, 1},                           // runs past the header by one
      {1, 8, 10, 1, 2, 3, 4, 5, 6, 7},         // timestamps running past the header
      {2, 3, 5, 1},                            // MSS of length 3
      {2, 5, 5, 180, 0, 0, 0, 0},              // MSS of length 5
      {3, 2, 1, 1},                            // window scale of length 2
      {3, 4, 7, 0},                            // window scale of length 4
      {4, 3, 0, 1},                            // SACK permitted of length 3
      {8, 8, 1, 2, 3, 4, 5, 6},                // timestamps of length 8
      {8, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},  // timestamps of length 12
  };
  for (const Octets& area : bad) {
    INFO("option area of " << area.size() << " octets, first kind " << int(area[0]));
    CHECK(parse(area).malformed == Malformed::kTcpOption);
  }
}

// SACK blocks (RFC 2018 section 3), as Linux writes them after the
// timestamps: NOP NOP, kind 5, length 2 + 8n, then the edges.
TEST_CASE("SACK option: NOP NOP 5 len and the blocks' edges, big-endian", "[wire][options][sack]") {
  SackBlocks s;
  s.push({0x01020304u, 0x05060708u});
  s.push({0xfffffff0u, 0x00000010u});
  Octets out(sack_option_len(s.count), 0xee);
  REQUIRE(out.size() == 20);
  CHECK(emit_sack_option(s, MutableByteSpan(out)) == 20);
  CHECK(out == Octets{1, 1, 5, 18, 1, 2, 3, 4, 5, 6, 7, 8,
                      0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0x10});
  const SackBlocks back = parse_sack_blocks(ByteSpan(out));
  REQUIRE(back.count == 2);
  CHECK(back.block[0] == s.block[0]);
  CHECK(back.block[1] == s.block[1]);
}

TEST_CASE("SACK option: 3 blocks fit beside the timestamps, 4 without", "[wire][options][sack]") {
  CHECK(max_sack_blocks(true) == 3);
  CHECK(max_sack_blocks(false) == 4);
  TcpOptions ts;
  ts.timestamps = std::make_pair(1u, 2u);
  CHECK(tcp_options_len(ts) + sack_option_len(max_sack_blocks(true)) <= 40);
  CHECK(tcp_options_len(ts) + sack_option_len(max_sack_blocks(true) + 1) > 40);
  CHECK(sack_option_len(max_sack_blocks(false)) <= 40);
  SackBlocks full;
  for (uint32_t k = 0; k < 5; ++k) full.push({k, k + 1});
  CHECK(full.count == SackBlocks::kMax);  // a fifth is refused
}

TEST_CASE("SACK option: found among other options, and not in a buffer too short",
          "[wire][options][sack]") {
  const Octets area{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 1, 5, 10, 0, 0, 1, 0, 0, 0, 2, 0};
  const SackBlocks s = parse_sack_blocks(ByteSpan(area));
  REQUIRE(s.count == 1);
  CHECK(s.block[0] == SackBlock{0x100, 0x200});
  // The walk of parse_tcp_options counts it among the skipped options.
  const auto parsed = parse_tcp_options(ByteSpan(area));
  REQUIRE(parsed.ok());
  CHECK(parsed.repr.unknown_skipped == 1);
  Octets small(8);
  CHECK(emit_sack_option(s, MutableByteSpan(small)) == 0);
  CHECK(parse_sack_blocks(ByteSpan(Octets{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2})).count == 0);
}

TEST_CASE("SACK option: a bad length gives no blocks", "[wire][options][sack]") {
  CHECK(parse_sack_blocks(ByteSpan(Octets{5, 2})).count == 0);               // no block
  CHECK(parse_sack_blocks(ByteSpan(Octets{5, 6, 0, 0, 0, 1})).count == 0);   // not 2 + 8n
  Octets five(2 + 5 * 8, 0);
  five[0] = 5;
  five[1] = static_cast<uint8_t>(five.size());
  CHECK(parse_sack_blocks(ByteSpan(five)).count == 0);                       // 5 blocks
  CHECK(parse_sack_blocks(ByteSpan(Octets{5, 10, 0, 0, 0, 1})).count == 0);  // runs past the area
}

// SACK (RFC 2018) on the sender's side: the scoreboard of what the peer
// reported holding (RFC 6675 section 3), and loss recovery that sends only
// the holes again, each once per recovery; a retransmission timeout clears
// the scoreboard (RFC 6675 section 5.1). One test per behaviour.
#include "driver_test_util.h"

#include "tcpoe/driver/tcp/sack_scoreboard.h"

using namespace driver_test;
using tcp::SackScoreboard;
using tcp::SeqNumber;

namespace {

constexpr uint32_t kMss = 1460 - 12;  // with timestamps
constexpr uint32_t kFirst = 1001;     // our first data octet (ISS 1000)

wire::SackBlocks blocks(std::initializer_list<wire::SackBlock> list) {
  wire::SackBlocks b;
  for (const wire::SackBlock& x : list) b.push(x);
  return b;
}

// Segment k of our data: [kFirst + k * MSS, kFirst + (k + 1) * MSS).
wire::SackBlock segments(uint32_t from, uint32_t to) {
  return {kFirst + from * kMss, kFirst + to * kMss};
}

// The peer's ACK carrying SACK blocks, as the device delivers it: the parser
// counts the SACK option among the options it skips, and the option area
// comes from the frame.
tcp::Actions recv_sack(Fixture& f, uint32_t ack, const wire::SackBlocks& b,
                       uint16_t window = kPeerWindow) {
  PeerSegment p = f.ack(ack);
  p.window = window;
  tcp::Segment seg = p.segment();
  seg.opt_unknown = 1;
  std::vector<uint8_t> area(wire::sack_option_len(b.count));
  REQUIRE(wire::emit_sack_option(b, wire::MutableByteSpan(area.data(), area.size())) == area.size());
  return f.c.on_segment(seg, f.now, {}, wire::ByteSpan(area.data(), area.size()));
}

// Established with a peer whose SYN-ACK offers Linux's options, with or
// without SACK-permitted and timestamps.
void established_offering(Fixture& f, bool sack, bool timestamps) {
  wire::TcpOptions o = linux_syn_options();
  o.sack_permitted = sack;
  if (!timestamps) o.timestamps.reset();
  f.to_syn_sent();
  f.recv(peer_syn_ack(f.iss + 1, o));
  REQUIRE(f.c.state() == tcp::State::kEstablished);
  REQUIRE(f.c.negotiated().sack_permitted == sack);
}

// Runs the connection's timers until the retransmission timeout fires
// (the tail loss probe, RFC 8985, comes first on a SACK connection): what
// the timeout sent.
tcp::Actions run_to_timeout(Fixture& f) {
  const uint64_t timeouts = f.c.counters().timeouts;
  for (int i = 0; i < 4; ++i) {
    REQUIRE(f.c.deadline());
    f.now = *f.c.deadline();
    tcp::Actions a = f.c.on_timer(f.now);
    if (f.c.counters().timeouts != timeouts) return a;
  }
  FAIL("no retransmission timeout");
  return {};
}

// Established with SACK agreed, 10 segments sent, the peer's window known.
void ten_segments_in_flight(Fixture& f) {
  f.to_established();
  REQUIRE(f.c.negotiated().sack_permitted);
  f.recv(f.ack(kFirst));
  REQUIRE(f.c.send(std::vector<uint8_t>(10 * kMss, 0x33), f.now).actions.send.size() == 10);
}

}  // namespace

TEST_CASE("scoreboard: blocks within SND.UNA..SND.MAX are kept and merged", "[driver][sack]") {
  SackScoreboard s;
  CHECK(s.update(blocks({{200, 300}, {400, 500}}), SeqNumber(100), SeqNumber(1000)));
  CHECK(s.ranges() == 2);
  CHECK(s.sacked_octets() == 200);
  CHECK(s.update(blocks({{300, 400}}), SeqNumber(100), SeqNumber(1000)));  // fills the gap
  CHECK(s.ranges() == 1);
  CHECK(s.sacked_octets() == 300);
  CHECK(s.is_sacked(SeqNumber(200)));
  CHECK(s.is_sacked(SeqNumber(499)));
  CHECK_FALSE(s.is_sacked(SeqNumber(500)));
  CHECK_FALSE(s.is_sacked(SeqNumber(199)));
}

TEST_CASE("scoreboard: a block reported again marks nothing new", "[driver][sack]") {
  SackScoreboard s;
  CHECK(s.update(blocks({{200, 300}}), SeqNumber(100), SeqNumber(1000)));
  CHECK_FALSE(s.update(blocks({{200, 300}}), SeqNumber(100), SeqNumber(1000)));
  CHECK_FALSE(s.update(blocks({{220, 280}}), SeqNumber(100), SeqNumber(1000)));
  CHECK(s.update(blocks({{250, 350}}), SeqNumber(100), SeqNumber(1000)));
  CHECK(s.sacked_octets() == 150);
}

TEST_CASE("scoreboard: blocks outside the window, empty or inverted are ignored",
          "[driver][sack]") {
  SackScoreboard s;
  CHECK_FALSE(s.update(blocks({{50, 90},      // below SND.UNA (a D-SACK block)
                               {900, 1100},   // beyond SND.MAX
                               {300, 300},    // empty
                               {400, 350}}),  // inverted
                       SeqNumber(100), SeqNumber(1000)));
  CHECK(s.empty());
}

TEST_CASE("scoreboard: blocks work across the sequence number wrap", "[driver][sack]") {
  SackScoreboard s;
  const SeqNumber una(0xffffff00u);
  CHECK(s.update(blocks({{0xffffff80u, 0x80u}}), una, SeqNumber(0x1000u)));
  CHECK(s.is_sacked(SeqNumber(0xfffffff0u)));
  CHECK(s.is_sacked(SeqNumber(0x10u)));
  const auto hole = s.next_hole(una, 1000);
  REQUIRE(hole);
  CHECK(hole->seq == una);
  CHECK(hole->length == 0x80u);
}

TEST_CASE("scoreboard: SND.UNA passing a range forgets it", "[driver][sack]") {
  SackScoreboard s;
  s.update(blocks({{200, 300}, {400, 500}}), SeqNumber(100), SeqNumber(1000));
  s.acknowledge(SeqNumber(300));
  CHECK(s.ranges() == 1);
  s.acknowledge(SeqNumber(450));
  CHECK(s.sacked_octets() == 50);
  s.acknowledge(SeqNumber(500));
  CHECK(s.empty());
}

TEST_CASE("scoreboard: holes are the gaps below SACKed data, at most one MSS at a time",
          "[driver][sack]") {
  SackScoreboard s;
  s.update(blocks({{300, 400}, {600, 700}}), SeqNumber(100), SeqNumber(1000));
  auto hole = s.next_hole(SeqNumber(100), 150);
  REQUIRE(hole);
  CHECK(hole->seq == SeqNumber(100));
  CHECK(hole->length == 150);
  hole = s.next_hole(SeqNumber(250), 150);
  REQUIRE(hole);
  CHECK(hole->length == 50);  // up to the SACKed range
  hole = s.next_hole(SeqNumber(300), 1000);  // inside a range: the next gap
  REQUIRE(hole);
  CHECK(hole->seq == SeqNumber(400));
  CHECK(hole->length == 200);
  CHECK_FALSE(s.next_hole(SeqNumber(700), 1000));  // above the highest SACKed: no hole
}

TEST_CASE("scoreboard: its size is bounded", "[driver][sack]") {
  SackScoreboard s;
  const SeqNumber una(0);
  for (uint32_t k = 0; k < SackScoreboard::kMaxRanges + 10; ++k)
    s.update(blocks({{10 * k + 5, 10 * k + 6}}), una, SeqNumber(100000));
  CHECK(s.ranges() == SackScoreboard::kMaxRanges);
}

TEST_CASE("SACK blocks of ACKs fill the scoreboard when SACK was agreed", "[driver][sack]") {
  Fixture f;
  ten_segments_in_flight(f);
  recv_sack(f, kFirst, blocks({segments(1, 2)}));
  recv_sack(f, kFirst, blocks({segments(3, 4), segments(1, 2)}));
  CHECK(f.c.scoreboard().sacked_octets() == 2 * kMss);
  CHECK(f.c.scoreboard().ranges() == 2);
}

TEST_CASE("SACK blocks are ignored when SACK was not agreed", "[driver][sack]") {
  Fixture f;
  established_offering(f, false, true);
  f.recv(f.ack(kFirst));
  f.c.send(std::vector<uint8_t>(10 * kMss, 0x33), f.now);
  recv_sack(f, kFirst, blocks({segments(1, 2)}));
  CHECK(f.c.scoreboard().empty());
}

TEST_CASE("fast recovery with SACK retransmits only the holes, each once", "[driver][sack]") {
  Fixture f;
  ten_segments_in_flight(f);
  // Segments 0 and 2 lost; 1 and 3..5 arrive, each answered by a duplicate ACK.
  recv_sack(f, kFirst, blocks({segments(1, 2)}));
  recv_sack(f, kFirst, blocks({segments(3, 4), segments(1, 2)}));
  const tcp::Actions third = recv_sack(f, kFirst, blocks({segments(3, 5), segments(1, 2)}));
  REQUIRE(f.c.congestion().in_recovery());
  REQUIRE_FALSE(third.send.empty());
  CHECK(third.send[0].seq == kFirst);  // the first hole
  CHECK(third.send[0].payload_len == kMss);
  // The next ACK with more SACKed data: the second hole, not segment 1.
  const tcp::Actions fourth = recv_sack(f, kFirst, blocks({segments(3, 6), segments(1, 2)}));
  REQUIRE_FALSE(fourth.send.empty());
  CHECK(fourth.send[0].seq == kFirst + 2 * kMss);
  CHECK(fourth.send[0].payload_len == kMss);
  // No hole left below the SACKed data: nothing is sent again.
  const tcp::Actions fifth = recv_sack(f, kFirst, blocks({segments(3, 7), segments(1, 2)}));
  for (const auto& d : fifth.send) CHECK(d.seq >= kFirst + 10 * kMss);  // new data only
  CHECK(f.c.counters().sack_retransmits == 2);
  CHECK(f.c.counters().octets_retransmitted == 2 * kMss);
}

TEST_CASE("a partial ACK with SACK sends the next hole not yet sent again", "[driver][sack]") {
  Fixture f;
  ten_segments_in_flight(f);
  // Segments 0, 2 and 4 lost.
  recv_sack(f, kFirst, blocks({segments(1, 2)}));
  recv_sack(f, kFirst, blocks({segments(3, 4), segments(1, 2)}));
  const tcp::Actions third = recv_sack(f, kFirst, blocks({segments(5, 6), segments(3, 4), segments(1, 2)}));
  REQUIRE_FALSE(third.send.empty());
  CHECK(third.send[0].seq == kFirst);
  // Segment 0 arrives: a partial ACK up to segment 2's hole, which was not
  // sent again yet.
  const tcp::Actions partial = recv_sack(f, kFirst + 2 * kMss, blocks({segments(3, 4), segments(5, 6)}));
  REQUIRE_FALSE(partial.send.empty());
  CHECK(partial.send[0].seq == kFirst + 2 * kMss);
  CHECK(f.c.scoreboard().sacked_octets() == 2 * kMss);
}

TEST_CASE("the retransmission timeout clears the scoreboard", "[driver][sack]") {
  Fixture f;
  ten_segments_in_flight(f);
  recv_sack(f, kFirst, blocks({segments(1, 2)}));
  REQUIRE_FALSE(f.c.scoreboard().empty());
  const tcp::Actions a = run_to_timeout(f);
  REQUIRE_FALSE(a.send.empty());
  CHECK(a.send[0].seq == kFirst);
  CHECK(f.c.scoreboard().empty());  // RFC 6675 section 5.1
}

TEST_CASE("after a timeout, data SACKed since is not sent again", "[driver][sack]") {
  Fixture f;
  ten_segments_in_flight(f);
  tcp::Actions a = run_to_timeout(f);  // the scoreboard cleared, segment 0 again
  REQUIRE(a.send.size() == 1);
  CHECK(a.send[0].seq == kFirst);
  // Segment 0 arrives; the peer holds 2..4 as well.
  a = recv_sack(f, kFirst + kMss, blocks({segments(2, 5)}));
  REQUIRE(a.send.size() == 1);
  CHECK(a.send[0].seq == kFirst + kMss);  // segment 1, not 2
  // Segment 1 fills the hole: sending goes on from segment 5.
  a = f.recv(f.ack(kFirst + 5 * kMss));
  REQUIRE_FALSE(a.send.empty());
  for (const auto& d : a.send) CHECK(d.seq >= kFirst + 5 * kMss);
}

TEST_CASE("an ACK reporting more SACKed data is a duplicate even when its window changed",
          "[driver][sack]") {
  Fixture f;
  ten_segments_in_flight(f);
  for (uint16_t w : {1000, 1001, 1002})
    recv_sack(f, kFirst, blocks({segments(1, 2 + (w - 1000))}), w);
  CHECK(f.c.counters().fast_retransmits == 1);
  CHECK(f.c.congestion().in_recovery());
}

// ---------------------------------------------------------------- SACK blocks sent (RFC 2018)

namespace {

constexpr uint32_t kPeerFirst = kPeerIsn + 1;

// The peer's segment k of 1000 octets: [kPeerFirst + 1000 k, + 1000).
tcp::Actions peer_data(Fixture& f, uint32_t k) {
  PeerSegment p;
  p.seq = kPeerFirst + 1000 * k;
  p.ack = kFirst;
  p.payload_len = 1000;
  return f.recv(p);
}

wire::SackBlock peer_segments(uint32_t from, uint32_t to) {
  return {kPeerFirst + 1000 * from, kPeerFirst + 1000 * to};
}

void require_blocks(const tcp::Actions& a, std::initializer_list<wire::SackBlock> expected) {
  REQUIRE(a.send.size() == 1);
  const wire::SackBlocks& got = a.send[0].sack;
  REQUIRE(got.count == expected.size());
  std::size_t k = 0;
  for (const wire::SackBlock& b : expected) {
    INFO("block " << k);
    CHECK(got.block[k].left == b.left);
    CHECK(got.block[k].right == b.right);
    ++k;
  }
}

}  // namespace

TEST_CASE("ACKs carry SACK blocks while out-of-order data is held, none once the hole fills",
          "[driver][sack][receive]") {
  Fixture f;
  f.to_established();
  tcp::Actions a = peer_data(f, 1);  // segment 0 lost
  CHECK(a.send[0].ack == kPeerFirst);
  require_blocks(a, {peer_segments(1, 2)});
  require_blocks(peer_data(f, 3), {peer_segments(3, 4), peer_segments(1, 2)});
  require_blocks(peer_data(f, 2), {peer_segments(1, 4)});  // contiguous: one block
  a = peer_data(f, 0);
  REQUIRE(a.send.size() == 1);
  CHECK(a.send[0].ack == kPeerFirst + 4000);
  CHECK(a.send[0].sack.count == 0);
}

TEST_CASE("the first SACK block holds the latest segment, then the most recent: 3 with timestamps",
          "[driver][sack][receive]") {
  Fixture f;
  f.to_established();
  REQUIRE(f.c.negotiated().timestamps);
  for (uint32_t k : {7u, 1u, 5u, 3u}) peer_data(f, k);
  require_blocks(peer_data(f, 9), {peer_segments(9, 10), peer_segments(3, 4), peer_segments(5, 6)});
  // A segment held already, received again, is the most recent.
  require_blocks(peer_data(f, 1), {peer_segments(1, 2), peer_segments(9, 10), peer_segments(3, 4)});
}

TEST_CASE("4 SACK blocks fit without timestamps", "[driver][sack][receive]") {
  Fixture f;
  established_offering(f, true, false);
  for (uint32_t k : {1u, 3u, 5u, 7u}) peer_data(f, k);
  require_blocks(peer_data(f, 9), {peer_segments(9, 10), peer_segments(7, 8), peer_segments(5, 6),
                                   peer_segments(3, 4)});
}

TEST_CASE("no SACK blocks when SACK was not agreed", "[driver][sack][receive]") {
  Fixture f;
  established_offering(f, false, true);
  const tcp::Actions a = peer_data(f, 1);
  REQUIRE(a.send.size() == 1);
  CHECK(a.send[0].sack.count == 0);
}

TEST_CASE("a data segment carries the SACK blocks that fit beside its payload within the MSS",
          "[driver][sack][receive]") {
  Fixture f;
  f.to_established();
  f.recv(f.ack(kFirst));
  peer_data(f, 1);
  peer_data(f, 3);
  const tcp::Transfer small = f.c.send(std::vector<uint8_t>(100, 1), f.now);
  REQUIRE(small.actions.send.size() == 1);
  CHECK(small.actions.send[0].sack.count == 2);
  PeerSegment ack = f.ack(kFirst + 100);
  ack.seq = kPeerFirst;
  f.recv(ack);
  const tcp::Transfer full = f.c.send(std::vector<uint8_t>(3 * kMss, 2), f.now);
  REQUIRE_FALSE(full.actions.send.empty());
  CHECK(full.actions.send[0].payload_len == kMss);
  CHECK(full.actions.send[0].sack.count == 0);  // no room beside a full segment
}

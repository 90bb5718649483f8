// Bad input, one reason at a time (issue #13, "Bad input"; docs/driver.md):
// every segment a connection or the table does not act on is counted under
// its own reason (tcp::DropCounters), answered or dropped as the RFCs say,
// and leaves the connection's state and sequence variables as they were.
// The challenge ACKs of RFC 5961 are limited to 1000 a second (section 7).
// The same reasons on the simulated device: tests/driver/test_stack_garbage.
#include "driver_test_util.h"

using namespace driver_test;
using tcp::State;

namespace {

// What a piece of garbage must leave alone.
struct Variables {
  State state;
  uint32_t snd_una, snd_nxt, snd_max, rcv_nxt, snd_wnd, rcv_wnd, ts_recent;
  bool operator==(const Variables& o) const {
    return state == o.state && snd_una == o.snd_una && snd_nxt == o.snd_nxt && snd_max == o.snd_max &&
           rcv_nxt == o.rcv_nxt && snd_wnd == o.snd_wnd && rcv_wnd == o.rcv_wnd && ts_recent == o.ts_recent;
  }
};
Variables variables(const tcp::Connection& c) {
  return {c.state(),         c.snd_una().raw(), c.snd_nxt().raw(), c.snd_max().raw(),
          c.rcv_nxt().raw(), c.snd_wnd(),       c.rcv_wnd(),       c.negotiated().ts_recent};
}

// An established connection with timestamps (the peer's TSval 777).
struct Established : Fixture {
  Established() { to_established(); }
  // A segment of the peer's that passes PAWS (its TSval is the latest).
  PeerSegment peer(uint8_t flags, uint32_t seq, uint32_t ack_no = 1001) const {
    PeerSegment p;
    p.flags = flags;
    p.seq = seq;
    p.ack = ack_no;
    p.options.timestamps = std::make_pair(c.negotiated().ts_recent, 1u);
    return p;
  }
  uint32_t rcv_nxt() const { return c.rcv_nxt().raw(); }
};

// A segment of ours (as the peer sees it) with the device's verdict changed.
tcp::Segment with_verdict(tcp::Segment s, wire::Malformed code, bool ip_ok, bool tcp_ok) {
  s.malformed = code;
  s.ip_csum_ok = ip_ok;
  s.tcp_csum_ok = tcp_ok;
  return s;
}

}  // namespace

TEST_CASE("bad input: a malformed frame is counted under the parser's code, never acted on", "[driver][badinput]") {
  tcp::ConnectionTable table(seeded_config());
  const tcp::Segment syn = peer_syn().segment();
  CHECK(table.on_segment(with_verdict(syn, wire::Malformed::kTcpOption, true, true), 1s).send.empty());
  CHECK(table.on_segment(with_verdict(syn, wire::Malformed::kTcpOption, true, true), 1s).send.empty());
  CHECK(table.on_segment(with_verdict(syn, wire::Malformed::kTcpDataOffset, true, true), 1s).send.empty());
  const tcp::DropCounters d = table.drops();
  CHECK(d.malformed == 3);
  CHECK(d.malformed_by_code[std::size_t(wire::Malformed::kTcpOption)] == 2);
  CHECK(d.malformed_by_code[std::size_t(wire::Malformed::kTcpDataOffset)] == 1);
  CHECK(d.malformed_by_code[0] == 0);
  CHECK(d.no_connection_reset == 0);  // not answered: its tuple cannot be trusted
  CHECK(table.size() == 0);
}

TEST_CASE("bad input: bad IPv4 and TCP checksums are counted apart, the frame once", "[driver][badinput]") {
  tcp::ConnectionTable table(seeded_config());
  const tcp::Segment syn = peer_syn().segment();
  table.on_segment(with_verdict(syn, wire::Malformed::kNone, false, true), 1s);
  table.on_segment(with_verdict(syn, wire::Malformed::kNone, true, false), 1s);
  table.on_segment(with_verdict(syn, wire::Malformed::kNone, false, false), 1s);
  const tcp::DropCounters d = table.drops();
  CHECK(d.bad_checksum == 3);
  CHECK(d.bad_ip_checksum == 2);
  CHECK(d.bad_tcp_checksum == 2);
  CHECK(table.size() == 0);
}

TEST_CASE("bad input: a payload shorter than the descriptor says is counted as payload_short", "[driver][badinput]") {
  Established f;
  const Variables before = variables(f.c);
  PeerSegment p = f.peer(flag::kAck, f.rcv_nxt());
  p.payload_len = 100;
  CHECK(f.c.on_segment(p.segment(), f.now, wire::ByteSpan()).send.empty());
  CHECK(f.c.counters().payload_short == 1);
  CHECK(f.c.counters().malformed == 1);
  CHECK(variables(f.c) == before);
}

TEST_CASE("bad input: data before the window (old) is ACKed and counted out_of_window", "[driver][badinput]") {
  Established f;
  const Variables before = variables(f.c);
  PeerSegment p = f.peer(flag::kAck, f.rcv_nxt() - 5000);
  p.payload_len = 100;
  require_one(f.recv(p), flag::kAck, 1001, f.rcv_nxt());
  CHECK(f.c.counters().out_of_window == 1);
  CHECK(f.c.readable() == 0);
  CHECK(variables(f.c) == before);
}

TEST_CASE("bad input: data far beyond the window is ACKed and counted out_of_window", "[driver][badinput]") {
  Established f;
  const Variables before = variables(f.c);
  PeerSegment p = f.peer(flag::kAck, f.rcv_nxt() + 0x40000000u);
  p.payload_len = 100;
  require_one(f.recv(p), flag::kAck, 1001, f.rcv_nxt());
  CHECK(f.c.counters().out_of_window == 1);
  CHECK(f.c.counters().out_of_order_kept == 0);
  CHECK(variables(f.c) == before);
}

TEST_CASE("bad input: an ACK of unsent data is ACKed, dropped, counted ack_of_unsent", "[driver][badinput]") {
  Established f;
  const Variables before = variables(f.c);
  PeerSegment p = f.peer(flag::kAck, f.rcv_nxt(), 1001 + 100000);
  p.payload_len = 100;  // in order, but dropped with the bad ACK
  require_one(f.recv(p), flag::kAck, 1001, f.rcv_nxt());
  CHECK(f.c.counters().ack_of_unsent == 1);
  CHECK(f.c.readable() == 0);
  CHECK(variables(f.c) == before);
}

TEST_CASE("bad input: an ACK older than SND.UNA - MAX.SND.WND is ACKed, counted ack_too_old", "[driver][badinput]") {
  Established f;
  const Variables before = variables(f.c);
  require_one(f.recv(f.peer(flag::kAck, f.rcv_nxt(), 1001 - 0x40000000u)), flag::kAck, 1001, f.rcv_nxt());
  CHECK(f.c.counters().ack_too_old == 1);
  CHECK(f.c.counters().ack_of_unsent == 0);
  CHECK(variables(f.c) == before);
}

TEST_CASE("bad input: an old TSval is ACKed, counted paws_drops", "[driver][badinput]") {
  Established f;
  const Variables before = variables(f.c);
  PeerSegment p = f.peer(flag::kAck, f.rcv_nxt());
  p.options.timestamps = std::make_pair(f.c.negotiated().ts_recent - 10, 1u);
  p.payload_len = 10;
  require_one(f.recv(p), flag::kAck, 1001, f.rcv_nxt());
  CHECK(f.c.counters().paws_drops == 1);
  CHECK(variables(f.c) == before);
}

TEST_CASE("bad input: a segment without ACK in ESTABLISHED is dropped, counted ack_missing", "[driver][badinput]") {
  Established f;
  const Variables before = variables(f.c);
  PeerSegment p = f.peer(0, f.rcv_nxt());
  p.payload_len = 10;
  CHECK(f.recv(p).send.empty());
  CHECK(f.c.counters().ack_missing == 1);
  CHECK(variables(f.c) == before);
}

TEST_CASE("bad input: RST outside the window is dropped, counted rst_out_of_window", "[driver][badinput]") {
  Established f;
  const Variables before = variables(f.c);
  CHECK(f.recv(f.peer(flag::kRst, f.rcv_nxt() + 0x40000000u)).send.empty());
  CHECK(f.recv(f.peer(flag::kRst, f.rcv_nxt() - 1)).send.empty());
  CHECK(f.c.counters().rst_out_of_window == 2);
  CHECK(f.c.counters().challenge_acks == 0);
  CHECK(variables(f.c) == before);
}

TEST_CASE("bad input: RST in the window, not at RCV.NXT, is counted rst_challenged", "[driver][badinput]") {
  Established f;
  const Variables before = variables(f.c);
  require_one(f.recv(f.peer(flag::kRst, f.rcv_nxt() + 1)), flag::kAck, 1001, f.rcv_nxt());
  CHECK(f.c.counters().rst_challenged == 1);
  CHECK(f.c.counters().challenge_acks == 1);
  CHECK(variables(f.c) == before);
}

TEST_CASE("bad input: SYN on an established connection, in or out of the window, is counted syn_challenged",
          "[driver][badinput]") {
  Established f;
  const Variables before = variables(f.c);
  require_one(f.recv(f.peer(flag::kSyn, f.rcv_nxt() + 10, 0)), flag::kAck, 1001, f.rcv_nxt());
  require_one(f.recv(f.peer(flag::kSyn, f.rcv_nxt() + 0x40000000u, 0)), flag::kAck, 1001, f.rcv_nxt());
  CHECK(f.c.counters().syn_challenged == 2);
  CHECK(f.c.counters().challenge_acks == 2);
  CHECK(variables(f.c) == before);
}

TEST_CASE("bad input: challenge ACKs beyond 1000 a second are counted but not sent, and sent again the next second",
          "[driver][badinput]") {
  Established f;
  const Variables before = variables(f.c);
  uint64_t sent = 0;
  for (int i = 0; i < 1500; ++i) {
    sent += f.recv(f.peer(i % 2 ? flag::kRst : flag::kSyn, f.rcv_nxt() + 1 + uint32_t(i), 0)).send.size();
    f.now += 100us;  // 1500 in 150 ms
  }
  CHECK(sent == 1000);
  CHECK(f.c.counters().challenge_acks == 1000);
  CHECK(f.c.counters().challenge_acks_limited == 500);
  CHECK(f.c.counters().rst_challenged + f.c.counters().syn_challenged == 1500);
  f.now += 1s;
  require_one(f.recv(f.peer(flag::kRst, f.rcv_nxt() + 1)), flag::kAck, 1001, f.rcv_nxt());
  CHECK(f.c.counters().challenge_acks == 1001);
  CHECK(variables(f.c) == before);
}

TEST_CASE("bad input: challenge_ack_limit 0 sends every challenge ACK", "[driver][badinput]") {
  tcp::ConnectionConfig config;
  config.challenge_ack_limit = 0;
  Fixture f = established(config);
  uint64_t sent = 0;
  for (int i = 0; i < 1200; ++i) sent += f.recv(peer_rst(f.c.rcv_nxt().raw() + 1)).send.size();
  CHECK(sent == 1200);
  CHECK(f.c.counters().challenge_acks_limited == 0);
}

TEST_CASE("bad input: no connection: RST answered and counted, a RST dropped and counted", "[driver][badinput]") {
  tcp::ConnectionTable table(seeded_config());
  PeerSegment data;
  data.payload_len = 10;
  CHECK(table.on_segment(data.segment(), 1s, data.bytes()).send.size() == 1);
  CHECK(table.on_segment(peer_rst(1234).segment(), 1s).send.empty());
  const tcp::DropCounters d = table.drops();
  CHECK(d.no_connection_reset == 1);
  CHECK(d.no_connection_rst == 1);
  CHECK(table.counters().resets_sent == 1);
}

TEST_CASE("bad input: a listener drops RST and segments with neither SYN nor ACK, counted listener_dropped",
          "[driver][badinput]") {
  tcp::ConnectionTable table(seeded_config());
  REQUIRE(table.listen(kLocalIp, kLocalPort, 8) == tcp::Error::kOk);
  CHECK(table.on_segment(peer_rst(1234).segment(), 1s).send.empty());
  PeerSegment bare = peer_rst(1234);
  bare.flags = flag::kPsh;
  CHECK(table.on_segment(bare.segment(), 1s).send.empty());
  CHECK(table.drops().listener_dropped == 2);
  CHECK(table.size() == 0);
}

TEST_CASE("bad input: the table's drops() adds every connection's reasons, those gone too", "[driver][badinput]") {
  TwoHosts h(seeded_config(1), seeded_config(2));
  REQUIRE(h.server.listen(0, kRemotePort, 8) == tcp::Error::kOk);
  tcp::ConnectionTable::Opened o = h.client.connect(kLocalIp, kRemoteIp, kRemotePort, h.now);
  REQUIRE(o.error == tcp::Error::kOk);
  h.exchange(std::move(o.actions));
  const tcp::Connection* c = h.client.find(o.tuple);
  REQUIRE(c != nullptr);
  REQUIRE(c->state() == State::kEstablished);
  // Two out-of-window RSTs to the client, from the server's address.
  PeerSegment rst = peer_rst(c->rcv_nxt().raw() + 0x40000000u);
  rst.tuple = o.tuple;
  h.client.on_segment(rst.segment(), h.now);
  h.client.on_segment(rst.segment(), h.now);
  CHECK(h.client.drops().rst_out_of_window == 2);
  // The connection goes (an exact RST); its reasons stay in the sum.
  PeerSegment reset = peer_rst(c->rcv_nxt().raw());
  reset.tuple = o.tuple;
  h.client.on_segment(reset.segment(), h.now);
  REQUIRE(h.client.find(o.tuple) == nullptr);
  CHECK(h.client.drops().rst_out_of_window == 2);
  CHECK(h.client.counters().rst_out_of_window == 0);  // the table's own: none
}

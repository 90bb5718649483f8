// Retransmission and congestion control of the connection core: RFC 6298's
// timer (SRTT/RTTVAR, Karn's rule, back-off), fast retransmit and NewReno
// recovery (RFC 5681/6582), slow start and congestion avoidance with an
// initial window of 10 segments (RFC 6928), RFC 7323's RTT from TSecr and
// PAWS, and zero-window probes. One test per behaviour, named after it.
#include "driver_test_util.h"

#include "tcpoe/driver/tcp/rtt.h"

using namespace driver_test;
using tcp::EventKind;
using tcp::State;

namespace {

constexpr uint32_t kMss = 1460 - 12;  // with timestamps
constexpr uint32_t kMssPlain = 1460;  // without

std::vector<uint8_t> octets(std::size_t n) {
  std::vector<uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 7 + i / 256);
  return v;
}

// Established with a peer that sent no timestamps (RTT by timing one segment).
void to_established_without_timestamps(Fixture& f) {
  f.to_syn_sent();
  wire::TcpOptions o = linux_syn_options();
  o.timestamps.reset();
  f.recv(peer_syn_ack(f.iss + 1, o));
  REQUIRE(f.c.state() == State::kEstablished);
  REQUIRE_FALSE(f.c.negotiated().timestamps);
}

// The peer's ACK with its timestamps.
PeerSegment ack_with_ts(uint32_t ack, uint32_t ts_val, uint32_t ts_ecr) {
  PeerSegment p;
  p.ack = ack;
  p.options.timestamps = std::make_pair(ts_val, ts_ecr);
  return p;
}

}  // namespace

TEST_CASE("cwnd starts at 10 segments", "[driver][congestion]") {
  Fixture f;
  f.to_established();
  CHECK(f.c.congestion().cwnd() == 10 * kMss);  // RFC 6928
  const tcp::Transfer t = f.c.send(octets(100000), f.now);
  CHECK(t.octets == 100000);
  CHECK(t.actions.send.size() == 10);
}

TEST_CASE("slow start: each ACK opens the window by what it acknowledges, at most 2 MSS",
          "[driver][congestion]") {
  Fixture f;
  f.to_established();
  f.c.send(octets(100000), f.now);
  const tcp::Actions a = f.recv(f.ack(1001 + 2 * kMss));
  CHECK(f.c.congestion().cwnd() == 12 * kMss);
  CHECK(a.send.size() == 4);  // 2 acknowledged + 2 more allowed
  f.recv(f.ack(1001 + 7 * kMss));  // 5 segments at once: still only 2 MSS more (RFC 3465 L=2)
  CHECK(f.c.congestion().cwnd() == 14 * kMss);
}

TEST_CASE("three duplicate ACKs trigger fast retransmit", "[driver][congestion]") {
  Fixture f;
  f.to_established();
  f.recv(f.ack(1001));  // the peer's first scaled window: duplicates keep it
  const auto data = octets(10 * kMss);
  f.c.send(data, f.now);
  CHECK(f.recv(f.ack(1001)).send.empty());
  CHECK(f.recv(f.ack(1001)).send.empty());
  const tcp::Actions third = f.recv(f.ack(1001));
  require_one(third, flag::kAck, 1001, kPeerIsn + 1);
  CHECK(third.send[0].payload_len == kMss);
  CHECK(payload_of(f.c, third.send[0]) == std::vector<uint8_t>(data.begin(), data.begin() + kMss));
  CHECK(f.c.counters().fast_retransmits == 1);
  CHECK(f.c.counters().retransmissions == 1);
  CHECK(f.c.congestion().in_recovery());
  CHECK(f.c.congestion().ssthresh() == 5 * kMss);  // half the flight (RFC 5681 (4))
  CHECK(f.c.congestion().cwnd() == 8 * kMss);      // ssthresh + 3 MSS
}

TEST_CASE("a duplicate ACK that changes the window is not counted", "[driver][congestion]") {
  Fixture f;
  f.to_established();
  f.c.send(octets(10 * kMss), f.now);
  PeerSegment p = f.ack(1001);
  for (uint16_t w : {1000, 1001, 1002}) {
    p.window = w;
    CHECK(f.recv(p).send.empty());
  }
  CHECK(f.c.counters().fast_retransmits == 0);
}

TEST_CASE("NewReno: a partial ACK sends the next hole, the full ACK ends recovery",
          "[driver][congestion]") {
  Fixture f;
  f.to_established();
  f.recv(f.ack(1001));
  f.c.send(octets(10 * kMss), f.now);
  for (int i = 0; i < 3; ++i) f.recv(f.ack(1001));
  REQUIRE(f.c.congestion().in_recovery());
  const tcp::Actions partial = f.recv(f.ack(1001 + 2 * kMss));
  REQUIRE_FALSE(partial.send.empty());
  CHECK(partial.send[0].seq == 1001 + 2 * kMss);  // the next hole (RFC 6582 3.2 (3))
  CHECK(f.c.congestion().in_recovery());
  f.recv(f.ack(1001 + 10 * kMss));
  CHECK_FALSE(f.c.congestion().in_recovery());
  CHECK(f.c.congestion().cwnd() == 2 * kMss);  // min(ssthresh, max(flight, MSS) + MSS)
}

TEST_CASE("congestion avoidance: one MSS more per window acknowledged", "[driver][congestion]") {
  Fixture f;
  f.to_established();
  f.recv(f.ack(1001));
  f.c.send(octets(10 * kMss), f.now);
  for (int i = 0; i < 3; ++i) f.recv(f.ack(1001));
  f.recv(f.ack(1001 + 10 * kMss));  // recovery over: cwnd 2 MSS, ssthresh 5 MSS
  f.c.send(octets(40 * kMss), f.now);
  uint32_t acked = 1001 + 10 * kMss;
  REQUIRE(f.c.congestion().ssthresh() == 5 * kMss);
  while (f.c.congestion().cwnd() < f.c.congestion().ssthresh()) {
    acked += kMss;
    f.recv(f.ack(acked));
  }
  const uint32_t cwnd = f.c.congestion().cwnd();
  // A window's worth of single-segment ACKs adds one MSS.
  for (uint32_t n = 0; n + kMss <= cwnd; n += kMss) {
    CHECK(f.c.congestion().cwnd() == cwnd);
    acked += kMss;
    f.recv(f.ack(acked));
  }
  CHECK(f.c.congestion().cwnd() == cwnd + kMss);
}

TEST_CASE("retransmission timeout doubles and the segment is sent again (Karn: no RTT sample)",
          "[driver][rto]") {
  tcp::ConnectionConfig config;
  config.tail_loss_probe = false;  // the RTO alone (tail loss probes: test_linux_parity.cpp)
  Fixture f(1000, config);
  to_established_without_timestamps(f);
  const tcp::Time rto = f.c.rto();
  CHECK(rto == 200ms);  // the handshake's RTT (0 here) gives the minimum
  const auto data = octets(1000);
  const tcp::Transfer t = f.c.send(data, f.now);
  REQUIRE(t.actions.send.size() == 1);
  tcp::Time at = f.now + rto;
  for (int i = 1; i <= 3; ++i) {
    REQUIRE(*f.c.deadline() == at);
    CHECK(f.c.on_timer(at - 1ns).send.empty());
    const tcp::Actions again = f.c.on_timer(at);
    require_one(again, flag::kAck | flag::kPsh, 1001, kPeerIsn + 1);
    CHECK(payload_of(f.c, again.send[0]) == data);
    CHECK(f.c.rto() == rto * (1 << i));  // RFC 6298 (5.5)
    at += f.c.rto();
  }
  CHECK(f.c.counters().timeouts == 3);
  const tcp::Time srtt = f.c.rtt().srtt();
  f.now = at - 1ms;
  f.recv(f.ack(1001 + 1000));  // acknowledges a segment sent 4 times: no sample
  CHECK(f.c.rtt().srtt() == srtt);
  CHECK(f.c.rto() == rto * 8);  // the back-off stays until a valid sample
  // A segment sent once and acknowledged 50 ms later is a sample: the
  // back-off ends.
  f.c.send(octets(10), f.now);
  f.now += 50ms;
  f.recv(f.ack(1001 + 1010));
  CHECK(f.c.rtt().srtt() != srtt);
  CHECK(f.c.rto() == 200ms);
}

TEST_CASE("retransmission timeout: cwnd falls to one segment, ssthresh to half the flight",
          "[driver][rto][congestion]") {
  tcp::ConnectionConfig config;
  config.tail_loss_probe = false;  // the RTO alone (tail loss probes: test_linux_parity.cpp)
  Fixture f = established(config);
  f.c.send(octets(10 * kMss), f.now);
  const tcp::Actions again = f.c.on_timer(*f.c.deadline());
  require_one(again, flag::kAck, 1001, kPeerIsn + 1);  // only the first: a window of one
  CHECK(f.c.congestion().cwnd() == kMss);
  CHECK(f.c.congestion().ssthresh() == 5 * kMss);
  // Its ACK: slow start again from SND.UNA (the rest is sent again).
  const tcp::Actions next = f.recv(f.ack(1001 + kMss));
  REQUIRE(next.send.size() == 2);
  CHECK(next.send[0].seq == 1001 + kMss);
  CHECK(next.send[1].seq == 1001 + 2 * kMss);
  // An ACK for data sent before the timeout is still good (SND.NXT went back).
  f.recv(f.ack(1001 + 10 * kMss));
  CHECK(f.c.snd_una().raw() == 1001 + 10 * kMss);
  CHECK_FALSE(f.c.deadline());
}

TEST_CASE("after a retransmission timeout, an ACK carries the highest sequence sent, not SND.NXT",
          "[driver][rto]") {
  // SND.NXT went back to SND.UNA, but the peer may hold everything sent
  // (only its ACKs were lost): an ACK with SEG.SEQ = SND.NXT would lie
  // below its RCV.NXT, unacceptable, dropped with its ACK field (RFC 9293
  // 3.10.7.4) and answered by an ACK, which, sent the same way after the
  // peer's own timeout, is unacceptable to us: an endless exchange of ACKs
  // that acknowledge nothing. As Linux (tcp_acceptable_seq), an ACK carries
  // the highest sequence number sent.
  Fixture f;
  f.to_established();
  f.c.send(octets(10 * kMss), f.now);
  f.c.on_timer(*f.c.deadline());
  REQUIRE(f.c.snd_max().raw() == 1001 + 10 * kMss);
  PeerSegment data = f.ack(1001);
  data.payload_len = 100;
  const tcp::Actions a = f.recv(data);
  require_one(a, flag::kAck, 1001 + 10 * kMss, kPeerIsn + 1 + 100);
  CHECK(a.send[0].payload_len == 0);
}

TEST_CASE("data retransmissions give up after tcp_retries2: timed out", "[driver][rto]") {
  tcp::ConnectionConfig config;
  config.data_retries = 3;
  config.tail_loss_probe = false;  // the RTO alone (tail loss probes: test_linux_parity.cpp)
  Fixture f = established(config);
  f.c.send(octets(100), f.now);
  tcp::Actions last;
  for (int i = 0; i < 4; ++i) last = f.c.on_timer(*f.c.deadline());
  CHECK(f.c.state() == State::kClosed);
  CHECK(has_event(last, EventKind::kTimedOut));
}

TEST_CASE("RTT from the echoed timestamp: SRTT, RTTVAR and RTO (RFC 6298, RFC 7323)",
          "[driver][rto][timestamps]") {
  tcp::ConnectionConfig config;
  config.min_rto = 1ms;
  Fixture f = established(config);  // the handshake's sample: 0
  const tcp::Transfer t = f.c.send(octets(100), f.now);
  const uint32_t ts_val = t.actions.send[0].ts_val;
  f.now += 30ms;
  f.recv(ack_with_ts(1101, 800, ts_val));
  CHECK(f.c.rtt().rttvar() == 7500us);  // (3 * 0 + |0 - 30|) / 4
  CHECK(f.c.rtt().srtt() == 3750us);    // (7 * 0 + 30) / 8
  CHECK(f.c.rto() == 33750us);          // SRTT + 4 RTTVAR
}

TEST_CASE("RTO is kept between the minimum (200 ms) and the maximum (120 s)", "[driver][rto]") {
  tcp::RttEstimator e(1s, 200ms, 120s, 1ms);
  CHECK(e.rto() == 1s);  // before any sample: the initial RTO
  e.sample(10ms);
  CHECK(e.srtt() == 10ms);
  CHECK(e.rttvar() == 5ms);
  CHECK(e.rto() == 200ms);  // 30 ms, raised to the minimum
  e.sample(1000s);
  CHECK(e.rto() == 120s);
}

TEST_CASE("PAWS drops an old timestamp", "[driver][timestamps]") {
  Fixture f;
  f.to_established();  // TS.Recent 777, the SYN-ACK's TSval
  PeerSegment old;
  old.ack = 1001;
  old.data = octets(100);
  old.options.timestamps = std::make_pair(700u, 0u);
  const tcp::Actions a = f.recv(old);
  require_one(a, flag::kAck, 1001, kPeerIsn + 1);  // an ACK, the data not taken
  CHECK(f.c.counters().paws_drops == 1);
  CHECK(f.c.readable() == 0);
  PeerSegment fresh = old;
  fresh.options.timestamps = std::make_pair(800u, 0u);
  f.recv(fresh);
  CHECK(f.c.readable() == 100);
  CHECK(f.c.negotiated().ts_recent == 800);
}

TEST_CASE("PAWS does not drop a RST", "[driver][timestamps]") {
  Fixture f;
  f.to_established();
  PeerSegment rst = peer_rst(kPeerIsn + 1);
  rst.options.timestamps = std::make_pair(1u, 0u);
  CHECK(has_event(f.recv(rst), EventKind::kReset));
  CHECK(f.c.counters().paws_drops == 0);
}

TEST_CASE("zero window: probes back off, and the data goes when it opens",
          "[driver][persist]") {
  Fixture f;
  f.to_established();
  PeerSegment closed = f.ack(1001);
  closed.window = 0;
  f.recv(closed);
  CHECK(f.c.snd_wnd() == 0);
  CHECK_FALSE(f.c.persisting());  // nothing to send: nothing to probe for
  CHECK_FALSE(f.c.deadline());
  const tcp::Transfer t = f.c.send(octets(1000), f.now);
  CHECK(t.octets == 1000);
  CHECK(t.actions.send.empty());
  CHECK(f.c.persisting());
  tcp::Time wait = f.c.rto();
  tcp::Time at = f.now + wait;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(*f.c.deadline() == at);
    const tcp::Actions probe = f.c.on_timer(at);
    // Linux's probe: an ACK one below SND.UNA, which the peer must answer.
    require_one(probe, flag::kAck, 1000, kPeerIsn + 1);
    CHECK(probe.send[0].payload_len == 0);
    f.now = at;
    f.recv(closed);  // the answer: still closed
    wait *= 2;
    at += wait;
  }
  CHECK(f.c.counters().window_probes == 3);
  CHECK(f.c.state() == State::kEstablished);
  PeerSegment open = f.ack(1001);
  const tcp::Actions go = f.recv(open);
  require_one(go, flag::kAck | flag::kPsh, 1001, kPeerIsn + 1);
  CHECK(go.send[0].payload_len == 1000);
  CHECK_FALSE(f.c.persisting());
}

TEST_CASE("a window below one segment with nothing in flight: the persist timer sends what fits",
          "[driver][persist]") {
  // Linux's receiver advertised 242 octets as its reader stopped (seen in
  // tests/host/test_tcpoe_kernel_data.cpp): too small
  // for SWS avoidance, and not 0. Without a timer a lost window update
  // would stall the connection for ever.
  Fixture f;
  f.to_established();
  f.c.send(octets(10 * kMss), f.now);  // the peer's largest window is known to be large
  PeerSegment small = f.ack(1001 + 10 * kMss);
  small.window = 1;  // 256 octets, scaled by its 8
  f.recv(small);
  CHECK(f.c.snd_wnd() == 256);
  const tcp::Transfer held = f.c.send(octets(10 * kMss), f.now);
  CHECK(held.actions.send.empty());  // SWS avoidance: 256 octets of 10 segments' worth do not go yet
  REQUIRE(f.c.persisting());
  const tcp::Actions probe = f.c.on_timer(*f.c.deadline());
  require_one(probe, flag::kAck, 1001 + 10 * kMss, kPeerIsn + 1);
  CHECK(probe.send[0].payload_len == 256);  // what fits, new data under the retransmission timer
  CHECK_FALSE(f.c.persisting());
  CHECK(f.c.deadline());
  CHECK(f.c.counters().window_probes == 1);
}

TEST_CASE("a segment without timestamps is timed alone for RTT", "[driver][rto]") {
  Fixture f;
  to_established_without_timestamps(f);
  f.c.send(octets(kMssPlain), f.now);
  f.now += 80ms;
  f.recv(f.ack(1001 + kMssPlain));
  CHECK(f.c.rtt().srtt() == 10ms);  // 7/8 of the handshake's 0, 1/8 of 80 ms
}

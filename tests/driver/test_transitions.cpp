// One test per transition of the connection's state machine (RFC 9293
// section 3.3.2's diagram; the close paths of its figures 12 and 13), named
// after it: FROM --what happens--> TO. Each checks the state, what is sent
// (flags, seq, ack) and what the user is told.
#include "driver_test_util.h"

using namespace driver_test;
using tcp::EventKind;
using tcp::State;

TEST_CASE("CLOSED --open_active--> SYN-SENT", "[driver][transition]") {
  const uint32_t iss = GENERATE(1000u, 0xffffffffu);  // the SYN's octet wraps the ISS
  Fixture f(iss);
  const tcp::Actions a = f.c.open_active(f.now);
  CHECK(f.c.state() == State::kSynSent);
  require_one(a, flag::kSyn, iss);
  CHECK(a.send[0].has_mss);
  CHECK(a.events.empty());
  CHECK(f.c.snd_una().raw() == iss);
  CHECK(f.c.snd_nxt().raw() == iss + 1);  // 0 for ISS 0xffffffff
  REQUIRE(f.c.deadline());
  CHECK(*f.c.deadline() == f.now + 1s);  // RFC 6298 (2.1): initial RTO 1 s
}

TEST_CASE("SYN-SENT --SYN-ACK--> ESTABLISHED", "[driver][transition]") {
  const uint32_t iss = GENERATE(1000u, 0xffffffffu);
  Fixture f(iss);
  f.to_syn_sent();
  PeerSegment synack = peer_syn_ack(iss + 1, linux_syn_options());
  const tcp::Actions a = f.recv(synack);
  CHECK(f.c.state() == State::kEstablished);
  require_one(a, flag::kAck, iss + 1, kPeerIsn + 1);
  CHECK(has_event(a, EventKind::kEstablished));
  CHECK(f.c.irs().raw() == kPeerIsn);
  CHECK(f.c.rcv_nxt().raw() == kPeerIsn + 1);
  CHECK(f.c.snd_una().raw() == iss + 1);
  CHECK(f.c.snd_wnd() == kPeerWindow);  // a SYN-ACK's window is never scaled
  CHECK_FALSE(f.c.deadline());          // nothing left to retransmit
}

TEST_CASE("SYN-SENT --SYN--> SYN-RECEIVED (simultaneous open)", "[driver][transition]") {
  Fixture f;
  f.to_syn_sent();
  PeerSegment syn = peer_syn(kPeerIsn, linux_syn_options());
  const tcp::Actions a = f.recv(syn);
  CHECK(f.c.state() == State::kSynReceived);
  // Our SYN again, now acknowledging theirs (RFC 9293 figure 8, line 4).
  require_one(a, flag::kSyn | flag::kAck, 1000, kPeerIsn + 1);
  CHECK(a.send[0].has_mss);
  CHECK(a.events.empty());
  CHECK(f.c.deadline());
}

TEST_CASE("SYN-RECEIVED --ACK--> ESTABLISHED (simultaneous open)", "[driver][transition]") {
  Fixture f;
  f.to_syn_sent();
  PeerSegment syn = peer_syn(kPeerIsn);
  f.recv(syn);
  const tcp::Actions a = f.recv(f.ack(1001));
  CHECK(f.c.state() == State::kEstablished);
  CHECK(a.send.empty());
  CHECK(has_event(a, EventKind::kEstablished));
  CHECK_FALSE(f.c.passive());
}

TEST_CASE("SYN-RECEIVED --SYN-ACK--> ESTABLISHED (simultaneous open)", "[driver][transition]") {
  // The peer's own SYN-ACK (RFC 9293 figure 8, line 5) completes the
  // handshake, as Linux's tcp_validate_incoming() lets it.
  Fixture f;
  f.to_syn_sent();
  PeerSegment syn = peer_syn(kPeerIsn);
  f.recv(syn);
  PeerSegment synack = syn;
  synack.flags = flag::kSyn | flag::kAck;
  synack.ack = 1001;
  const tcp::Actions a = f.recv(synack);
  CHECK(f.c.state() == State::kEstablished);
  CHECK(has_event(a, EventKind::kEstablished));
  CHECK(f.c.counters().challenge_acks == 0);
}

TEST_CASE("LISTEN --SYN--> SYN-RECEIVED", "[driver][transition]") {
  tcp::ConnectionTable table(seeded_config());
  REQUIRE(table.listen(0, kLocalPort, 16) == tcp::Error::kOk);
  PeerSegment syn = peer_syn(kPeerIsn, linux_syn_options());
  const tcp::Actions a = table.on_segment(syn.segment(), 1s);
  const tcp::Connection* c = table.find(kTuple);
  REQUIRE(c != nullptr);
  CHECK(c->state() == State::kSynReceived);
  CHECK(c->passive());
  require_one(a, flag::kSyn | flag::kAck, c->iss().raw(), kPeerIsn + 1);
  CHECK(table.syn_backlog(kLocalPort) == 1);
  CHECK(a.events.empty());
}

TEST_CASE("SYN-RECEIVED --ACK--> ESTABLISHED", "[driver][transition]") {
  Fixture f;
  f.to_syn_received_passive();
  const tcp::Actions a = f.recv(f.ack(1001));
  CHECK(f.c.state() == State::kEstablished);
  CHECK(a.send.empty());
  CHECK(has_event(a, EventKind::kEstablished));
  CHECK(f.c.snd_una().raw() == 1001);
  CHECK_FALSE(f.c.deadline());
}

TEST_CASE("SYN-RECEIVED --RST--> LISTEN", "[driver][transition]") {
  // RFC 9293 section 3.10.7.4: a passive open goes back to LISTEN; its user
  // is not told (the listener carries on).
  Fixture f;
  f.to_syn_received_passive();
  PeerSegment rst = peer_rst(kPeerIsn + 1);
  const tcp::Actions a = f.recv(rst);
  CHECK(f.c.state() == State::kListen);
  CHECK(a.send.empty());
  CHECK(a.events.empty());
}

TEST_CASE("SYN-RECEIVED --RST--> CLOSED (simultaneous open: connection refused)",
          "[driver][transition]") {
  Fixture f;
  f.to_syn_sent();
  PeerSegment syn = peer_syn(kPeerIsn);
  f.recv(syn);
  PeerSegment rst = peer_rst(kPeerIsn + 1);
  const tcp::Actions a = f.recv(rst);
  CHECK(f.c.state() == State::kClosed);
  CHECK(has_event(a, EventKind::kRefused));
}

TEST_CASE("SYN-SENT --RST--> CLOSED (connection refused)", "[driver][transition]") {
  Fixture f;
  f.to_syn_sent();
  PeerSegment rst;  // what a closed port answers: <SEQ=0><ACK=ISS+1><CTL=RST,ACK>
  rst.flags = flag::kRst | flag::kAck;
  rst.seq = 0;
  rst.ack = 1001;
  const tcp::Actions a = f.recv(rst);
  CHECK(f.c.state() == State::kClosed);
  CHECK(a.send.empty());
  REQUIRE(a.events.size() == 1);
  CHECK(a.events[0].kind == EventKind::kRefused);
  CHECK(a.events[0].tuple == kTuple);
  CHECK_FALSE(f.c.deadline());
}

TEST_CASE("SYN-SENT --close--> CLOSED", "[driver][transition]") {
  Fixture f;
  f.to_syn_sent();
  const tcp::Actions a = f.c.close(f.now);
  CHECK(f.c.state() == State::kClosed);
  CHECK(a.send.empty());
  CHECK(has_event(a, EventKind::kClosed));
  CHECK_FALSE(f.c.deadline());
}

TEST_CASE("SYN-RECEIVED --close--> FIN-WAIT-1", "[driver][transition]") {
  Fixture f;
  f.to_syn_received_passive();
  const tcp::Actions a = f.c.close(f.now);
  CHECK(f.c.state() == State::kFinWait1);
  require_one(a, flag::kFin | flag::kAck, 1001, kPeerIsn + 1);
}

TEST_CASE("ESTABLISHED --close--> FIN-WAIT-1", "[driver][transition]") {
  Fixture f;
  f.to_established();
  const tcp::Actions a = f.c.close(f.now);
  CHECK(f.c.state() == State::kFinWait1);
  require_one(a, flag::kFin | flag::kAck, 1001, kPeerIsn + 1);
  CHECK(f.c.snd_nxt().raw() == 1002);  // the FIN takes one sequence number
  REQUIRE(f.c.deadline());
  // The FIN is retransmitted too, after the RTO the handshake's RTT gave:
  // 0 here, so the minimum, 200 ms as Linux's TCP_RTO_MIN.
  CHECK(*f.c.deadline() == f.now + 200ms);
}

TEST_CASE("ESTABLISHED --shutdown--> FIN-WAIT-1", "[driver][transition]") {
  // A half-close: the FIN, and the peer's data is still taken and
  // acknowledged (unlike after close(), see "FIN-WAIT-1 --data after
  // close--> CLOSED").
  Fixture f;
  f.to_established();
  const tcp::Actions a = f.c.shutdown(f.now);
  CHECK(f.c.state() == State::kFinWait1);
  require_one(a, flag::kFin | flag::kAck, 1001, kPeerIsn + 1);
  PeerSegment data = f.ack(1001);
  data.payload_len = 100;
  const tcp::Actions b = f.recv(data);
  CHECK(f.c.state() == State::kFinWait1);
  require_one(b, flag::kAck, 1002, kPeerIsn + 101);
  CHECK(f.c.readable() == 100);
}

TEST_CASE("FIN-WAIT-1 --data after close--> CLOSED", "[driver][transition]") {
  // RFC 9293 section 3.6.1 (RFC 1122 4.2.2.13): data after CLOSE gets a RST.
  Fixture f;
  f.to_fin_wait_1();
  PeerSegment data = f.ack(1001);
  data.payload_len = 100;
  const tcp::Actions a = f.recv(data);
  CHECK(f.c.state() == State::kClosed);
  require_one(a, flag::kRst | flag::kAck, 1002, kPeerIsn + 1);
  CHECK(f.c.counters().resets_sent == 1);
}

TEST_CASE("FIN-WAIT-1 --ACK--> FIN-WAIT-2", "[driver][transition]") {
  Fixture f;
  f.to_fin_wait_1();
  const tcp::Actions a = f.recv(f.ack(1002));
  CHECK(f.c.state() == State::kFinWait2);
  CHECK(a.send.empty());
  CHECK(a.events.empty());
  // The FIN is acknowledged; closed by close(), the connection waits for
  // the peer's FIN at most tcp_fin_timeout (test_linux_parity.cpp).
  REQUIRE(f.c.deadline());
  CHECK(*f.c.deadline() == f.now + 60s);
}

TEST_CASE("FIN-WAIT-1 --ACK of nothing new--> FIN-WAIT-1", "[driver][transition]") {
  Fixture f;
  f.to_fin_wait_1();
  f.recv(f.ack(1001));  // acknowledges the SYN only, not the FIN
  CHECK(f.c.state() == State::kFinWait1);
  CHECK(f.c.deadline());
}

TEST_CASE("FIN-WAIT-2 --FIN--> TIME-WAIT", "[driver][transition]") {
  Fixture f;
  f.to_fin_wait_2();
  PeerSegment fin = peer_fin(1002);
  const tcp::Actions a = f.recv(fin);
  CHECK(f.c.state() == State::kTimeWait);
  require_one(a, flag::kAck, 1002, kPeerIsn + 2);
  CHECK(has_event(a, EventKind::kPeerClosed));
  REQUIRE(f.c.deadline());
  CHECK(*f.c.deadline() == f.now + 60s);  // 2MSL: Linux's TCP_TIMEWAIT_LEN
}

TEST_CASE("FIN-WAIT-1 --FIN--> CLOSING", "[driver][transition]") {
  Fixture f;
  f.to_fin_wait_1();
  PeerSegment fin = peer_fin(1001);  // a simultaneous close: our FIN not yet seen
  const tcp::Actions a = f.recv(fin);
  CHECK(f.c.state() == State::kClosing);
  require_one(a, flag::kAck, 1002, kPeerIsn + 2);
  CHECK(has_event(a, EventKind::kPeerClosed));
}

TEST_CASE("FIN-WAIT-1 --FIN-ACK--> TIME-WAIT", "[driver][transition]") {
  Fixture f;
  f.to_fin_wait_1();
  PeerSegment fin = peer_fin(1002);  // the peer's FIN acknowledges ours
  const tcp::Actions a = f.recv(fin);
  CHECK(f.c.state() == State::kTimeWait);
  require_one(a, flag::kAck, 1002, kPeerIsn + 2);
}

TEST_CASE("CLOSING --ACK--> TIME-WAIT", "[driver][transition]") {
  Fixture f;
  f.to_closing();
  const tcp::Actions a = f.recv(f.ack(1002, kPeerIsn + 2));
  CHECK(f.c.state() == State::kTimeWait);
  CHECK(a.send.empty());
  REQUIRE(f.c.deadline());
  CHECK(*f.c.deadline() == f.now + 60s);
}

TEST_CASE("TIME-WAIT --2MSL--> CLOSED", "[driver][transition]") {
  tcp::ConnectionConfig config;
  config.time_wait = 5s;  // settable
  Fixture f(1000, config);
  f.to_time_wait();
  CHECK(f.c.on_timer(f.now + 4999ms).events.empty());
  CHECK(f.c.state() == State::kTimeWait);
  const tcp::Actions a = f.c.on_timer(f.now + 5s);
  CHECK(f.c.state() == State::kClosed);
  CHECK(a.send.empty());
  CHECK(has_event(a, EventKind::kClosed));
}

TEST_CASE("TIME-WAIT --FIN again--> TIME-WAIT (ACK, 2MSL restarted)", "[driver][transition]") {
  Fixture f;
  f.to_time_wait();
  f.now += 30s;
  PeerSegment fin = peer_fin(1002);  // the peer lost our ACK and sends its FIN again
  const tcp::Actions a = f.recv(fin);
  CHECK(f.c.state() == State::kTimeWait);
  require_one(a, flag::kAck, 1002, kPeerIsn + 2);
  CHECK(*f.c.deadline() == f.now + 60s);
}

TEST_CASE("ESTABLISHED --FIN--> CLOSE-WAIT", "[driver][transition]") {
  Fixture f;
  f.to_established();
  PeerSegment fin = peer_fin(1001);
  const tcp::Actions a = f.recv(fin);
  CHECK(f.c.state() == State::kCloseWait);
  require_one(a, flag::kAck, 1001, kPeerIsn + 2);
  CHECK(has_event(a, EventKind::kPeerClosed));
}

TEST_CASE("CLOSE-WAIT --close--> LAST-ACK", "[driver][transition]") {
  Fixture f;
  f.to_close_wait();
  const tcp::Actions a = f.c.close(f.now);
  CHECK(f.c.state() == State::kLastAck);
  require_one(a, flag::kFin | flag::kAck, 1001, kPeerIsn + 2);
}

TEST_CASE("LAST-ACK --ACK--> CLOSED", "[driver][transition]") {
  Fixture f;
  f.to_last_ack();
  const tcp::Actions a = f.recv(f.ack(1002, kPeerIsn + 2));
  CHECK(f.c.state() == State::kClosed);
  CHECK(a.send.empty());
  CHECK(has_event(a, EventKind::kClosed));
  CHECK_FALSE(f.c.deadline());
}

TEST_CASE("ESTABLISHED --abort--> CLOSED", "[driver][transition]") {
  Fixture f;
  f.to_established();
  const tcp::Actions a = f.c.abort(f.now);
  CHECK(f.c.state() == State::kClosed);
  require_one(a, flag::kRst | flag::kAck, 1001, kPeerIsn + 1);
  CHECK(has_event(a, EventKind::kClosed));
}

namespace {

// A RST exactly at RCV.NXT in the state `to` reaches: CLOSED, sending
// nothing, the user told `told`.
void check_reset_closes(void (Fixture::*to)(), uint32_t rcv_nxt, EventKind told) {
  Fixture f;
  (f.*to)();
  const tcp::Actions a = f.recv(peer_rst(rcv_nxt));
  CHECK(f.c.state() == State::kClosed);
  CHECK(a.send.empty());
  CHECK(has_event(a, told));
  CHECK_FALSE(f.c.deadline());
}

}  // namespace

TEST_CASE("ESTABLISHED --RST--> CLOSED (connection reset)", "[driver][transition]") {
  check_reset_closes(&Fixture::to_established, kPeerIsn + 1, EventKind::kReset);
}

TEST_CASE("FIN-WAIT-1 --RST--> CLOSED", "[driver][transition]") {
  check_reset_closes(&Fixture::to_fin_wait_1, kPeerIsn + 1, EventKind::kReset);
}

TEST_CASE("FIN-WAIT-2 --RST--> CLOSED", "[driver][transition]") {
  check_reset_closes(&Fixture::to_fin_wait_2, kPeerIsn + 1, EventKind::kReset);
}

TEST_CASE("CLOSE-WAIT --RST--> CLOSED", "[driver][transition]") {
  check_reset_closes(&Fixture::to_close_wait, kPeerIsn + 2, EventKind::kReset);
}

TEST_CASE("LAST-ACK --RST--> CLOSED", "[driver][transition]") {
  check_reset_closes(&Fixture::to_last_ack, kPeerIsn + 2, EventKind::kClosed);
}

TEST_CASE("CLOSING --RST--> CLOSED", "[driver][transition]") {
  check_reset_closes(&Fixture::to_closing, kPeerIsn + 2, EventKind::kClosed);
}

TEST_CASE("TIME-WAIT --RST--> CLOSED", "[driver][transition]") {
  // RFC 9293 section 3.10.7.4 (and Linux with tcp_rfc1337 = 0, its default).
  check_reset_closes(&Fixture::to_time_wait, kPeerIsn + 2, EventKind::kClosed);
}

TEST_CASE("LISTEN --close--> CLOSED", "[driver][transition]") {
  // The listener goes; its port answers RST from then on.
  tcp::ConnectionTable table(seeded_config());
  REQUIRE(table.listen(0, kLocalPort, 4) == tcp::Error::kOk);
  PeerSegment syn = peer_syn(kPeerIsn);
  CHECK(table.on_segment(syn.segment(), 1s).send.at(0).tcp_flags == (flag::kSyn | flag::kAck));
  table.abort(kTuple, 1s);
  REQUIRE(table.unlisten(kLocalPort) == tcp::Error::kOk);
  CHECK(table.unlisten(kLocalPort) == tcp::Error::kNotFound);
  const tcp::Actions a = table.on_segment(syn.segment(), 2s);
  require_one(a, flag::kRst | flag::kAck, 0, kPeerIsn + 1);
}

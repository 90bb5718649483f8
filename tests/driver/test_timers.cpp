// Retransmission of SYN, SYN-ACK and FIN with RFC 6298's back-off (the RTO
// doubles, up to a maximum), then the timeout; Linux's retry counts.
#include "driver_test_util.h"

using namespace driver_test;
using tcp::EventKind;
using tcp::State;

TEST_CASE("SYN-SENT --timeout--> CLOSED (Linux: 5 SYN retries, RTO 1 s doubling)",
          "[driver][timer][transition]") {
  // net.ipv4.tcp_syn_retries = 5 (the production profile): the SYN goes out
  // at 0, 1, 3, 7, 15 and 31 s, and connect() fails with ETIMEDOUT at 63 s.
  Fixture f;
  const tcp::Time start = f.now;
  f.c.open_active(f.now);
  tcp::Actions last;
  tcp::Time gave_up{};
  const auto times = retransmission_times(f.c, start, last, flag::kSyn, &gave_up);
  const std::vector<tcp::Time> expected{1s, 3s, 7s, 15s, 31s};
  CHECK(times == expected);
  CHECK(gave_up == 63s);
  CHECK(f.c.state() == State::kClosed);
  CHECK(has_event(last, EventKind::kTimedOut));
  CHECK_FALSE(f.c.deadline());
  CHECK(f.c.counters().retransmissions == 5);
}

TEST_CASE("SYN-SENT --timeout--> CLOSED (settable initial RTO and retries)",
          "[driver][timer][transition]") {
  tcp::ConnectionConfig config;
  config.initial_rto = 200ms;
  config.syn_retries = 2;
  Fixture f(1000, config);
  const tcp::Time start = f.now;
  f.c.open_active(f.now);
  tcp::Actions last;
  tcp::Time gave_up{};
  const auto times = retransmission_times(f.c, start, last, flag::kSyn, &gave_up);
  CHECK(times == std::vector<tcp::Time>{200ms, 600ms});
  CHECK(gave_up == 1400ms);
  CHECK(has_event(last, EventKind::kTimedOut));
  CHECK(f.c.state() == State::kClosed);
  CHECK_FALSE(f.c.deadline());
}

TEST_CASE("SYN retransmission: the same SYN, and a late SYN-ACK still completes",
          "[driver][timer]") {
  Fixture f;
  const tcp::Actions first = f.c.open_active(f.now);
  const tcp::Actions again = f.c.on_timer(f.now + 1s);
  REQUIRE(again.send.size() == 1);
  const wire::TxDescriptor& a = first.send[0];
  const wire::TxDescriptor& b = again.send[0];
  CHECK(b.seq == a.seq);
  CHECK(b.mss == a.mss);
  CHECK(b.window_scale == a.window_scale);
  CHECK(b.sack_permitted == a.sack_permitted);
  CHECK(b.ts_val == a.ts_val + 1000);  // the timestamp clock ticks in milliseconds
  PeerSegment synack = peer_syn_ack(1001);
  CHECK(has_event(f.recv(synack), EventKind::kEstablished));
}

TEST_CASE("SYN-RECEIVED --timeout--> LISTEN (Linux: 5 SYN-ACK retries)",
          "[driver][timer][transition]") {
  // net.ipv4.tcp_synack_retries = 5: SYN-ACKs at 0, 1, 3, 7, 15, 31 s; the
  // request is dropped at 63 s, without telling anyone (it was never accepted).
  Fixture f;
  const tcp::Time start = f.now;
  f.to_syn_received_passive();
  tcp::Actions last;
  tcp::Time gave_up{};
  const auto times = retransmission_times(f.c, start, last, flag::kSyn | flag::kAck, &gave_up);
  CHECK(times == std::vector<tcp::Time>{1s, 3s, 7s, 15s, 31s});
  CHECK(gave_up == 63s);
  CHECK(f.c.state() == State::kListen);
  CHECK(last.events.empty());
}

TEST_CASE("FIN-WAIT-1 --timeout--> CLOSED", "[driver][timer][transition]") {
  tcp::ConnectionConfig config;
  config.fin_retries = 3;
  config.tail_loss_probe = false;  // the RTO alone (tail loss probes: test_linux_parity.cpp)
  Fixture f(1000, config);
  f.to_fin_wait_1();
  tcp::Actions last;
  const auto times = retransmission_times(f.c, f.now, last, flag::kFin | flag::kAck);
  // From the RTO the handshake measured (RTT 0: the 200 ms minimum), doubling.
  CHECK(times == std::vector<tcp::Time>{200ms, 600ms, 1400ms});
  CHECK(f.c.state() == State::kClosed);
  CHECK(has_event(last, EventKind::kTimedOut));
}

TEST_CASE("LAST-ACK: the FIN is retransmitted until acknowledged", "[driver][timer]") {
  Fixture f;
  f.to_last_ack();
  const tcp::Actions a = f.c.on_timer(f.now + 1s);
  require_one(a, flag::kFin | flag::kAck, 1001, kPeerIsn + 2);  // the same FIN
  CHECK(has_event(f.recv(f.ack(1002, kPeerIsn + 2)), EventKind::kClosed));
  CHECK_FALSE(f.c.deadline());
}

TEST_CASE("RTO back-off stops at the maximum RTO", "[driver][timer]") {
  tcp::ConnectionConfig config;
  config.initial_rto = 50s;
  config.max_rto = 120s;  // Linux TCP_RTO_MAX
  config.syn_retries = 4;
  Fixture f(1000, config);
  const tcp::Time start = f.now;
  f.c.open_active(f.now);
  tcp::Actions last;
  const auto times = retransmission_times(f.c, start, last, flag::kSyn);
  // Waits of 50, 100, then 120 (capped), 120.
  CHECK(times == std::vector<tcp::Time>{50s, 150s, 270s, 390s});
}

// Where the connection core behaves as Linux does beyond the RFCs' musts,
// so that packetdrill's scripts written for Linux run unchanged (issue #13,
// docs/conformance.md): PSH as Linux sets it, TCP_NODELAY per connection,
// close() with unread data and a listener's close resetting, TS.Recent and
// ACKs of unsent data. One test per behaviour, named after it.
#include "driver_test_util.h"

using namespace driver_test;
using tcp::EventKind;
using tcp::State;

namespace {

constexpr uint32_t kMss = 1460 - 12;  // the peer's MSS less the timestamps option

std::vector<uint8_t> octets(std::size_t n) { return std::vector<uint8_t>(n, 0x42); }

bool pushed(const wire::TxDescriptor& d) { return (d.tcp_flags & flag::kPsh) != 0; }

// ESTABLISHED, 100 octets of the peer's received and not read yet.
Fixture established_with_100_octets_received() {
  Fixture f = established({});
  PeerSegment data;
  data.ack = 1001;
  data.payload_len = 100;
  f.recv(data);
  return f;
}

}  // namespace

TEST_CASE("PSH: every segment of a burst but the first, and the one that empties the buffer",
          "[driver][linux][psh]") {
  tcp::ConnectionConfig config;
  config.initial_window_segments = 1;  // bursts of 1, then 2 segments
  Fixture f = established(config);
  const tcp::Transfer t = f.c.send(octets(4 * kMss), f.now);
  REQUIRE(t.actions.send.size() == 1);
  CHECK_FALSE(pushed(t.actions.send[0]));  // a lone segment, the data not all sent
  const tcp::Actions second = f.recv(f.ack(1001 + kMss));
  REQUIRE(second.send.size() == 2);  // slow start: two for the one acknowledged
  CHECK_FALSE(pushed(second.send[0]));
  CHECK(pushed(second.send[1]));  // the tail of the burst
  const tcp::Actions last = f.recv(f.ack(1001 + 2 * kMss));
  REQUIRE(last.send.size() == 1);
  CHECK(last.send[0].seq == 1001 + 3 * kMss);
  CHECK(pushed(last.send[0]));  // it empties the send buffer
}

TEST_CASE("PSH: a retransmission keeps what the segment had", "[driver][linux][psh]") {
  tcp::ConnectionConfig config;
  config.initial_window_segments = 1;
  config.tail_loss_probe = false;  // the RTO's retransmission
  Fixture f = established(config);
  REQUIRE(f.c.send(octets(2 * kMss), f.now).actions.send.size() == 1);
  f.now = *f.c.deadline();
  const tcp::Actions again = f.c.on_timer(f.now);
  require_one(again, flag::kAck, 1001, kPeerIsn + 1);  // no PSH: it did not end the data
}

TEST_CASE("TCP_NODELAY: a small segment goes at once while another is in flight",
          "[driver][linux][nagle]") {
  Fixture f;
  f.to_established();
  REQUIRE_FALSE(f.c.nodelay());  // Nagle by default, as Linux
  REQUIRE(f.c.send(octets(kMss + 100), f.now).actions.send.size() == 2);
  CHECK(f.c.send(octets(10), f.now).actions.send.empty());  // Nagle holds it
  // Turning Nagle off sends what it held at once (Linux's tcp_push_pending_frames()).
  const tcp::Actions flushed = f.c.set_nodelay(true, f.now);
  require_one(flushed, flag::kAck | flag::kPsh, 1001 + kMss + 100, kPeerIsn + 1);
  CHECK(flushed.send[0].payload_len == 10);
  CHECK(f.c.nodelay());
  const tcp::Transfer more = f.c.send(octets(20), f.now);  // small ones in flight: it goes anyway
  require_one(more.actions, flag::kAck | flag::kPsh, 1001 + kMss + 110, kPeerIsn + 1);
  // Nagle on again: the next small one waits.
  CHECK(f.c.set_nodelay(false, f.now).send.empty());
  CHECK(f.c.send(octets(5), f.now).actions.send.empty());
}

TEST_CASE("close() with unread data sends RST and the connection is gone (RFC 2525 2.17)",
          "[driver][linux][close]") {
  Fixture f = established_with_100_octets_received();
  REQUIRE(f.c.readable() == 100);
  const tcp::Actions a = f.c.close(f.now);
  require_one(a, flag::kRst | flag::kAck, 1001, kPeerIsn + 101);
  CHECK(f.c.state() == State::kClosed);
  CHECK(has_event(a, EventKind::kClosed));
  CHECK_FALSE(f.c.deadline());
}

TEST_CASE("close() with every octet read sends FIN, not RST", "[driver][linux][close]") {
  Fixture f = established_with_100_octets_received();
  std::vector<uint8_t> into(100);
  REQUIRE(f.c.recv(into, f.now).octets == 100);
  require_one(f.c.close(f.now), flag::kFin | flag::kAck, 1001, kPeerIsn + 101);
  CHECK(f.c.state() == State::kFinWait1);
}

TEST_CASE("Table: closing a listener resets what it did not accept, drops the half-open",
          "[driver][linux][table]") {
  tcp::ConnectionTable table(seeded_config());
  REQUIRE(table.listen(0, kLocalPort, 8) == tcp::Error::kOk);
  // One peer completes its handshake (not accepted), another is half-open.
  const tcp::Actions syn_ack = table.on_segment(peer_syn(kPeerIsn, linux_syn_options()).segment(), 1s);
  REQUIRE(syn_ack.send.size() == 1);
  PeerSegment ack;
  ack.ack = syn_ack.send[0].seq + 1;
  ack.options.timestamps = std::make_pair(800u, syn_ack.send[0].ts_val);
  table.on_segment(ack.segment(), 1s);
  REQUIRE(table.find(kTuple) != nullptr);
  REQUIRE(table.find(kTuple)->state() == State::kEstablished);
  PeerSegment other = peer_syn(7000, linux_syn_options());
  other.tuple.remote_port = kRemotePort + 1;
  REQUIRE(table.on_segment(other.segment(), 1s).send.size() == 1);
  REQUIRE(table.size() == 2);

  const tcp::Actions a = table.close_listener(kLocalPort, 2s);
  require_one(a, flag::kRst | flag::kAck, ack.ack, kPeerIsn + 1);  // the established one
  CHECK(table.size() == 0);
  CHECK_FALSE(table.accept(kLocalPort));
  CHECK(table.listen(0, kLocalPort, 8) == tcp::Error::kOk);  // the port is free again
}

TEST_CASE("ESTABLISHED: an ACK of data not sent yet is answered by an ACK, its TSval not taken (Linux 6.18)",
          "[driver][linux][ack]") {
  Fixture f;
  f.to_established();  // TS.Recent: the SYN-ACK's 777
  PeerSegment bad = peer_fin(9999);  // ts_recent/invalid_ack: a FIN acknowledging the future
  bad.options.timestamps = std::make_pair(200000u, 0u);
  const tcp::Actions a = f.recv(bad);
  // Linux 6.18 answers `. 1:1(0) ack 1 <TS val 200 ecr 200>` (ecr: the
  // old TS.Recent), so packetdrill's older ts_recent/invalid_ack.pkt, which
  // expects silence, fails against it as against us.
  require_one(a, flag::kAck, 1001, kPeerIsn + 1);
  CHECK(a.send[0].ts_ecr == 777);
  CHECK(a.events.empty());
  CHECK(f.c.state() == State::kEstablished);  // the FIN was not taken either
  CHECK(f.c.counters().ack_of_unsent == 1);
  CHECK(f.c.negotiated().ts_recent == 777);
  // The next segment, with a TSval above TS.Recent but far below the bad
  // one, is taken (PAWS would drop it had 200000 been kept).
  PeerSegment data;
  data.ack = 1001;
  data.payload_len = 100;
  data.options.timestamps = std::make_pair(801u, 0u);
  const tcp::Actions ok = f.recv(data);
  require_one(ok, flag::kAck, 1001, kPeerIsn + 101);
  CHECK(ok.send[0].ts_ecr == 801);
}

TEST_CASE("FIN-WAIT-1: an ACK of data not sent yet is still answered by an ACK",
          "[driver][linux][ack]") {
  Fixture f;
  f.to_fin_wait_1();
  const tcp::Actions a = f.recv(f.ack(9999));
  require_one(a, flag::kAck, 1002, kPeerIsn + 1);
  CHECK(f.c.counters().unacceptable_acked == 1);
}

TEST_CASE("FIN-WAIT-2 after close(): gone silently after tcp_fin_timeout (60 s)",
          "[driver][linux][close]") {
  Fixture f;
  f.to_fin_wait_2();  // by close()
  REQUIRE(f.c.deadline());
  CHECK(*f.c.deadline() == f.now + 60s);
  CHECK(f.c.on_timer(f.now + 59s).events.empty());
  const tcp::Actions a = f.c.on_timer(f.now + 60s);
  CHECK(a.send.empty());
  CHECK(has_event(a, EventKind::kClosed));
  CHECK(f.c.state() == State::kClosed);
}

TEST_CASE("FIN-WAIT-2 after shutdown() waits for the peer's FIN without a limit",
          "[driver][linux][close]") {
  Fixture f;
  f.to_established();
  f.c.shutdown(f.now);
  f.recv(f.ack(1002));
  REQUIRE(f.c.state() == State::kFinWait2);
  CHECK_FALSE(f.c.deadline());
  // Closed later: from then on the 60 s run.
  f.now += 100s;
  f.c.close(f.now);
  REQUIRE(f.c.deadline());
  CHECK(*f.c.deadline() == f.now + 60s);
}

namespace {

// A connection whose handshake measured an RTT of 100 ms (SACK and
// timestamps negotiated, as Linux's SYN offers them).
Fixture with_rtt_100ms(tcp::ConnectionConfig config = {}) {
  Fixture f(1000, config);
  f.to_syn_sent();
  f.now += 100ms;
  f.recv(peer_syn_ack(1001, linux_syn_options()));
  REQUIRE(f.c.state() == State::kEstablished);
  REQUIRE(f.c.rtt().srtt() == 100ms);
  return f;
}

}  // namespace

TEST_CASE("tail loss probe: the last segment again 2 SRTT after a burst, then the RTO",
          "[driver][linux][tlp]") {
  Fixture f = with_rtt_100ms();
  REQUIRE(f.c.send(octets(4 * kMss), f.now).actions.send.size() == 4);
  REQUIRE(f.c.deadline());
  CHECK(*f.c.deadline() == f.now + 202ms);  // 2 SRTT + 2 ms (more than one segment out)
  f.now = *f.c.deadline();
  const tcp::Actions probe = f.c.on_timer(f.now);
  require_one(probe, flag::kAck | flag::kPsh, 1001 + 3 * kMss, kPeerIsn + 1);  // the last segment
  CHECK(probe.send[0].payload_len == kMss);
  CHECK(f.c.counters().loss_probes == 1);
  // One probe per flight: then the retransmission timer, not backed off.
  REQUIRE(f.c.deadline());
  CHECK(*f.c.deadline() == f.now + f.c.rto());
  f.now = *f.c.deadline();
  const tcp::Actions rto = f.c.on_timer(f.now);
  require_one(rto, flag::kAck, 1001, kPeerIsn + 1);  // the first, after a timeout
  CHECK(f.c.counters().loss_probes == 1);
  CHECK(f.c.counters().timeouts == 1);
}

TEST_CASE("tail loss probe: new data when the peer's window takes it, the congestion window aside",
          "[driver][linux][tlp]") {
  Fixture f = with_rtt_100ms();
  REQUIRE(f.c.send(octets(12 * kMss), f.now).actions.send.size() == 10);  // the initial window
  f.now = *f.c.deadline();
  const tcp::Actions probe = f.c.on_timer(f.now);
  require_one(probe, flag::kAck, 1001 + 10 * kMss, kPeerIsn + 1);  // new, not the end: no PSH
  CHECK(f.c.snd_nxt().raw() == 1001 + 11 * kMss);
}

TEST_CASE("tail loss probe: one segment out waits 2 SRTT + 200 ms, or the RTO if sooner",
          "[driver][linux][tlp]") {
  Fixture f = with_rtt_100ms();
  f.c.send(octets(100), f.now);
  REQUIRE(f.c.deadline());
  // 2 SRTT + 200 ms = 400 ms; the RTO (SRTT + max(4 RTTVAR, 200 ms)) = 300 ms.
  CHECK(*f.c.deadline() == f.now + std::min<tcp::Time>(400ms, f.c.rto()));
  CHECK(f.c.rto() == 300ms);
  // The ACK ends it; nothing is left to probe.
  f.recv(f.ack(1101));
  CHECK_FALSE(f.c.deadline());
}

TEST_CASE("tail loss probe: the FIN alone is probed by itself", "[driver][linux][tlp]") {
  Fixture f = with_rtt_100ms();
  f.c.send(octets(2 * kMss), f.now);
  f.recv(f.ack(1001 + 2 * kMss));
  const tcp::Actions fin = f.c.shutdown(f.now);
  require_one(fin, flag::kFin | flag::kAck, 1001 + 2 * kMss, kPeerIsn + 1);
  f.now = *f.c.deadline();
  require_one(f.c.on_timer(f.now), flag::kFin | flag::kAck, 1001 + 2 * kMss, kPeerIsn + 1);
  CHECK(f.c.counters().loss_probes == 1);
}

TEST_CASE("tail loss probe: none without SACK, as Linux", "[driver][linux][tlp]") {
  Fixture f;
  f.to_syn_sent();
  f.now += 100ms;
  wire::TcpOptions no_sack = linux_syn_options();
  no_sack.sack_permitted = false;
  f.recv(peer_syn_ack(1001, no_sack));
  f.c.send(octets(4 * kMss), f.now);
  REQUIRE(f.c.deadline());
  CHECK(*f.c.deadline() == f.now + f.c.rto());
  f.now = *f.c.deadline();
  require_one(f.c.on_timer(f.now), flag::kAck, 1001, kPeerIsn + 1);
  CHECK(f.c.counters().loss_probes == 0);
}

// The connection core's data path (docs/driver.md, "Data transfer"): the
// send and receive buffers, segments of at most the MSS, cumulative and
// delayed ACKs, reassembly, the receive window, the FIN after the data and
// the half-close. One test per behaviour, named after it.
#include "driver_test_util.h"

#include <numeric>

using namespace driver_test;
using tcp::EventKind;
using tcp::State;

namespace {

constexpr uint32_t kMss = 1460 - 12;  // the peer's MSS less the timestamps option

// `n` octets counting from `first` (so a misplaced octet shows).
std::vector<uint8_t> pattern(std::size_t n, uint8_t first = 0) {
  std::vector<uint8_t> v(n);
  std::iota(v.begin(), v.end(), first);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(v[i] + i / 251);
  return v;
}

std::vector<uint8_t> slice(const std::vector<uint8_t>& v, std::size_t from, std::size_t n) {
  return std::vector<uint8_t>(v.begin() + from, v.begin() + from + n);
}

// The peer's data at `offset` into its stream, acknowledging `ack`.
PeerSegment peer_data(std::size_t offset, std::vector<uint8_t> bytes, uint32_t ack = 1001) {
  PeerSegment p;
  p.seq = kPeerIsn + 1 + static_cast<uint32_t>(offset);
  p.ack = ack;
  p.data = std::move(bytes);
  return p;
}

std::vector<uint8_t> read_all(tcp::Connection& c, tcp::Time now) {
  std::vector<uint8_t> out(c.readable());
  const tcp::Transfer t = c.recv(out, now);
  REQUIRE(t.octets == out.size());
  return out;
}

// The right edge of the window a segment advertises.
uint32_t right_edge(const wire::TxDescriptor& d, uint8_t shift) {
  return d.ack + (static_cast<uint32_t>(d.window) << shift);
}

// A connection past the handshake, its settings adjusted by `change`.
template <typename Change>
Fixture established_with(Change change) {
  tcp::ConnectionConfig config;
  change(config);
  Fixture f = established(config);
  return f;
}

}  // namespace

TEST_CASE("ESTABLISHED: send() is cut into segments of at most the MSS", "[driver][data]") {
  Fixture f;
  f.to_established();
  const auto data = pattern(3 * kMss + 100);
  const tcp::Transfer t = f.c.send(data, f.now);
  CHECK(t.octets == data.size());
  REQUIRE(t.actions.send.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    const wire::TxDescriptor& d = t.actions.send[i];
    const uint32_t length = i < 3 ? kMss : 100;
    CHECK(d.seq == 1001 + i * kMss);
    CHECK(d.ack == kPeerIsn + 1);
    CHECK(d.payload_len == length);
    // PSH as Linux: on every segment of the burst but the first (test_linux_parity.cpp).
    CHECK(d.tcp_flags == (i == 0 ? flag::kAck : flag::kAck | flag::kPsh));
    CHECK(payload_of(f.c, d) == slice(data, i * kMss, length));
  }
  CHECK(f.c.snd_nxt().raw() == 1001 + data.size());
  REQUIRE(f.c.deadline());
  // RFC 6298 (5.1), or the tail loss probe's earlier timer (RFC 8985).
  CHECK(*f.c.deadline() <= f.now + f.c.rto());
}

TEST_CASE("ESTABLISHED: acknowledged data leaves the send buffer, the timer stops",
          "[driver][data]") {
  Fixture f;
  f.to_established();
  const auto data = pattern(2 * kMss);
  const tcp::Transfer t = f.c.send(data, f.now);
  REQUIRE(t.actions.send.size() == 2);
  f.recv(f.ack(1001 + kMss));
  CHECK(f.c.snd_una().raw() == 1001 + kMss);
  CHECK(f.c.send_buffer().size() == kMss);
  CHECK(payload_of(f.c, t.actions.send[1]) == slice(data, kMss, kMss));
  CHECK(f.c.payload(t.actions.send[0]).size() == 0);  // acknowledged: gone
  REQUIRE(f.c.deadline());  // (5.3): restarted for what is left
  f.recv(f.ack(1001 + 2 * kMss));
  CHECK(f.c.send_buffer().size() == 0);
  CHECK_FALSE(f.c.deadline());  // (5.2): all acknowledged
}

TEST_CASE("send() takes what fits in the send buffer, and tells when it has room again",
          "[driver][data]") {
  Fixture f = established_with([](tcp::ConnectionConfig& c) { c.send_buffer = 4000; });
  const auto data = pattern(10000);
  const tcp::Transfer t = f.c.send(data, f.now);
  CHECK(t.octets == 4000);
  CHECK(f.c.send(wire::ByteSpan(data).subspan(4000), f.now).octets == 0);
  const tcp::Actions a = f.recv(f.ack(1001 + kMss));
  CHECK(has_event(a, EventKind::kWritable));
  CHECK(f.c.send_space() == kMss);
}

TEST_CASE("Nagle: a small segment waits while a small one is in flight (Minshall, as Linux)",
          "[driver][data]") {
  Fixture f;
  f.to_established();
  const auto data = pattern(kMss + 100);
  const tcp::Transfer t = f.c.send(data, f.now);
  CHECK(t.actions.send.size() == 2);  // no small segment in flight yet: both go
  const tcp::Transfer small = f.c.send(pattern(10), f.now);
  CHECK(small.octets == 10);
  CHECK(small.actions.send.empty());  // the 100 in flight: the 10 octets wait
  const tcp::Actions a = f.recv(f.ack(1001 + kMss + 100));
  require_one(a, flag::kAck | flag::kPsh, 1001 + kMss + 100, kPeerIsn + 1);
  CHECK(a.send[0].payload_len == 10);
}

TEST_CASE("ESTABLISHED: an in-order segment is delivered to recv() and ACKed",
          "[driver][data]") {
  Fixture f;
  f.to_established();
  const auto data = pattern(500, 7);
  const tcp::Actions a = f.recv(peer_data(0, data));
  require_one(a, flag::kAck, 1001, kPeerIsn + 1 + 500);  // the first segments: quick ACKs
  CHECK(has_event(a, EventKind::kReadable));
  CHECK(f.c.rcv_nxt().raw() == kPeerIsn + 1 + 500);
  CHECK(f.c.readable() == 500);
  std::vector<uint8_t> first(200);
  CHECK(f.c.recv(first, f.now).octets == 200);
  CHECK(first == slice(data, 0, 200));
  CHECK(read_all(f.c, f.now) == slice(data, 200, 300));
  std::vector<uint8_t> none(10);
  CHECK(f.c.recv(none, f.now).octets == 0);
}

TEST_CASE("ESTABLISHED: the first 16 segments are ACKed at once (Linux's quick ACKs)",
          "[driver][data][ack]") {
  Fixture f;
  f.to_established();
  for (uint32_t i = 0; i < 16; ++i)
    require_one(f.recv(peer_data(i * kMss, pattern(kMss))), flag::kAck, 1001,
                kPeerIsn + 1 + (i + 1) * kMss);
  CHECK(f.recv(peer_data(16 * kMss, pattern(kMss))).send.empty());  // now delayed
}

TEST_CASE("ESTABLISHED: a full-sized segment in order is delivered and ACKed on the second",
          "[driver][data][ack]") {
  Fixture f = established_with([](tcp::ConnectionConfig& c) { c.quick_acks = 0; });
  const tcp::Actions first = f.recv(peer_data(0, pattern(kMss)));
  CHECK(first.send.empty());
  CHECK(has_event(first, EventKind::kReadable));
  REQUIRE(f.c.deadline());
  CHECK(*f.c.deadline() == f.now + 40ms);  // Linux's TCP_DELACK_MIN
  const tcp::Actions second = f.recv(peer_data(kMss, pattern(kMss)));
  require_one(second, flag::kAck, 1001, kPeerIsn + 1 + 2 * kMss);
  CHECK_FALSE(f.c.deadline());  // nothing owed
  CHECK(f.c.readable() == 2 * kMss);
}

TEST_CASE("delayed ACK: a lone segment is ACKed when the delay (settable) has passed",
          "[driver][data][ack]") {
  Fixture f = established_with([](tcp::ConnectionConfig& c) {
    c.quick_acks = 0;
    c.delayed_ack = 100ms;
  });
  CHECK(f.recv(peer_data(0, pattern(100))).send.empty());
  REQUIRE(f.c.deadline());
  CHECK(*f.c.deadline() == f.now + 100ms);
  CHECK(f.c.on_timer(f.now + 100ms - 1ns).send.empty());
  require_one(f.c.on_timer(f.now + 100ms), flag::kAck, 1001, kPeerIsn + 101);
  CHECK_FALSE(f.c.deadline());
}

TEST_CASE("delayed ACK: data we send carries the ACK owed", "[driver][data][ack]") {
  Fixture f = established_with([](tcp::ConnectionConfig& c) { c.quick_acks = 0; });
  CHECK(f.recv(peer_data(0, pattern(100))).send.empty());
  const tcp::Transfer t = f.c.send(pattern(50), f.now);
  require_one(t.actions, flag::kAck | flag::kPsh, 1001, kPeerIsn + 101);
  CHECK(*f.c.deadline() == f.now + f.c.rto());  // the retransmission timer, no delayed ACK
}

TEST_CASE("out-of-order segment is kept, ACKed at once, and delivered when the hole fills",
          "[driver][data][reassembly]") {
  Fixture f = established_with([](tcp::ConnectionConfig& c) { c.quick_acks = 0; });
  const auto data = pattern(3000, 3);
  const tcp::Actions ahead = f.recv(peer_data(1000, slice(data, 1000, 2000)));
  require_one(ahead, flag::kAck, 1001, kPeerIsn + 1);  // a duplicate ACK (RFC 5681 4.2)
  CHECK_FALSE(has_event(ahead, EventKind::kReadable));
  CHECK(f.c.readable() == 0);
  CHECK(f.c.counters().out_of_order_kept == 1);
  const tcp::Actions hole = f.recv(peer_data(0, slice(data, 0, 1000)));
  require_one(hole, flag::kAck, 1001, kPeerIsn + 1 + 3000);  // filling a hole: at once
  CHECK(read_all(f.c, f.now) == data);
}

TEST_CASE("out-of-order segments beyond the bound are dropped and counted",
          "[driver][data][reassembly]") {
  Fixture f = established_with([](tcp::ConnectionConfig& c) { c.max_out_of_order = 2; });
  const auto data = pattern(400);
  for (int i = 1; i <= 3; ++i) f.recv(peer_data(100 * i, slice(data, 100 * i, 100)));
  CHECK(f.c.counters().out_of_order_kept == 2);
  CHECK(f.c.counters().out_of_order_dropped == 1);
  require_one(f.recv(peer_data(0, slice(data, 0, 100))), flag::kAck, 1001, kPeerIsn + 1 + 300);
  CHECK(read_all(f.c, f.now) == slice(data, 0, 300));
  f.recv(peer_data(300, slice(data, 300, 100)));  // sent again by the peer
  CHECK(read_all(f.c, f.now) == slice(data, 300, 100));
}

TEST_CASE("an overlapping segment gives only its new octets", "[driver][data][reassembly]") {
  Fixture f;
  f.to_established();
  const auto data = pattern(300);
  f.recv(peer_data(0, slice(data, 0, 200)));
  require_one(f.recv(peer_data(100, slice(data, 100, 200))), flag::kAck, 1001, kPeerIsn + 301);
  CHECK(read_all(f.c, f.now) == data);
}

TEST_CASE("window never shrinks, closes when the buffer is full, and reopens on reading",
          "[driver][data][window]") {
  // A window of 8760 (half the buffer, in whole segments).
  Fixture f = established_with([](tcp::ConnectionConfig& c) { c.options.receive_buffer = 20000; });
  const uint8_t shift = f.c.negotiated().receive_scale;
  REQUIRE(shift == 8);
  // The peer sends on without our reading. Every ACK's right edge is at
  // or beyond the last (RFC 9293 3.8.6, RFC 7323 2.4): with a scaled
  // window that means rounding up, so the edge may creep by less than one
  // unit (256 octets) per ACK until the window is 0.
  uint32_t edge = 0;
  const auto data = pattern(40000);
  uint32_t offset = 0;
  uint16_t window = 1;
  while (window != 0 && offset < 30000) {
    const tcp::Actions a = f.recv(peer_data(offset, slice(data, offset, 1000)));
    REQUIRE(a.send.size() == 1);
    const uint32_t now_edge = right_edge(a.send[0], shift);
    if (edge != 0) CHECK(tcp::SeqNumber(now_edge) >= tcp::SeqNumber(edge));
    edge = now_edge;
    window = a.send[0].window;
    offset += 1000;
  }
  CHECK(window == 0);
  CHECK(f.c.rcv_wnd() == 0);
  const std::size_t taken = f.c.readable();
  CHECK(taken >= 8760);
  CHECK(taken <= 8760 + offset / 1000 * 256);
  CHECK(taken == static_cast<std::size_t>(f.c.rcv_nxt() - tcp::SeqNumber(kPeerIsn + 1)));
  // More data: outside the window, not taken, answered with the same edge.
  const tcp::Actions more = f.recv(peer_data(taken, slice(data, taken, 1000)));
  REQUIRE(more.send.size() == 1);
  CHECK(more.send[0].window == 0);
  CHECK(f.c.readable() == taken);
  // Reading opens the window: an update is sent at once.
  std::vector<uint8_t> out(taken);
  const tcp::Transfer t = f.c.recv(out, f.now);
  CHECK(out == slice(data, 0, taken));
  REQUIRE(t.actions.send.size() == 1);
  CHECK(t.actions.send[0].ack == kPeerIsn + 1 + taken);
  CHECK(t.actions.send[0].window == 8760 >> shift);
}

TEST_CASE("FIN follows the queued data", "[driver][data][close]") {
  Fixture f;
  f.to_established();
  const auto data = pattern(20000);
  const tcp::Transfer t = f.c.send(data, f.now);
  CHECK(t.actions.send.size() == 10);  // the initial window
  const tcp::Actions shut = f.c.shutdown(f.now);
  CHECK(f.c.state() == State::kFinWait1);
  CHECK(shut.send.empty());  // data still queued: no FIN yet
  const tcp::Actions rest = f.recv(f.ack(1001 + 10 * kMss));
  REQUIRE(rest.send.size() == 4);
  const wire::TxDescriptor& last = rest.send.back();
  CHECK(last.tcp_flags == (flag::kAck | flag::kPsh | flag::kFin));
  CHECK(last.seq + last.payload_len == 1001 + 20000);  // the FIN's sequence number
  CHECK(f.c.snd_nxt().raw() == 1001 + 20000 + 1);
  f.recv(f.ack(1001 + 20001));
  CHECK(f.c.state() == State::kFinWait2);
  CHECK(f.c.send(data, f.now).octets == 0);  // no sending after shutdown
}

TEST_CASE("CLOSE-WAIT: data is still sent after the peer's FIN (half-close)",
          "[driver][data][close]") {
  Fixture f;
  f.to_close_wait();
  const tcp::Transfer t = f.c.send(pattern(100), f.now);
  CHECK(t.octets == 100);
  require_one(t.actions, flag::kAck | flag::kPsh, 1001, kPeerIsn + 2);
  const tcp::Actions fin = f.c.close(f.now);
  CHECK(f.c.state() == State::kLastAck);
  require_one(fin, flag::kFin | flag::kAck, 1101, kPeerIsn + 2);
  CHECK(has_event(f.recv(f.ack(1102, kPeerIsn + 2)), EventKind::kClosed));
}

TEST_CASE("ESTABLISHED: data and FIN in one segment: delivered, then end of stream",
          "[driver][data][close]") {
  Fixture f;
  f.to_established();
  PeerSegment p = peer_data(0, pattern(100));
  p.flags |= flag::kFin;
  const tcp::Actions a = f.recv(p);
  require_one(a, flag::kAck, 1001, kPeerIsn + 102);
  CHECK(has_event(a, EventKind::kReadable));
  CHECK(has_event(a, EventKind::kPeerClosed));
  CHECK(f.c.state() == State::kCloseWait);
  CHECK(read_all(f.c, f.now) == pattern(100));
}

TEST_CASE("a FIN ahead of a hole waits for the data before it", "[driver][data][close]") {
  Fixture f;
  f.to_established();
  const auto data = pattern(200);
  PeerSegment tail = peer_data(100, slice(data, 100, 100));
  tail.flags |= flag::kFin;
  const tcp::Actions early = f.recv(tail);
  CHECK(f.c.state() == State::kEstablished);
  CHECK_FALSE(has_event(early, EventKind::kPeerClosed));
  const tcp::Actions filled = f.recv(peer_data(0, slice(data, 0, 100)));
  require_one(filled, flag::kAck, 1001, kPeerIsn + 202);
  CHECK(has_event(filled, EventKind::kPeerClosed));
  CHECK(f.c.state() == State::kCloseWait);
  CHECK(read_all(f.c, f.now) == data);
}

TEST_CASE("a segment whose payload is missing is counted and dropped", "[driver][data]") {
  Fixture f;
  f.to_established();
  PeerSegment p = peer_data(0, pattern(100));
  CHECK(f.c.on_segment(p.segment(), f.now, wire::ByteSpan()).send.empty());
  CHECK(f.c.counters().malformed == 1);
  CHECK(f.c.readable() == 0);
}

TEST_CASE("Two tables: 300 kB each way arrive intact, then both close", "[driver][data][table]") {
  TwoHosts h(seeded_config(1), seeded_config(2));
  REQUIRE(h.server.listen(0, kRemotePort, 8) == tcp::Error::kOk);
  const auto opened = h.client.connect(kLocalIp, kRemoteIp, kRemotePort, h.now);
  h.exchange(opened.actions);
  const auto accepted = h.server.accept(kRemotePort);
  REQUIRE(accepted);
  const tcp::FourTuple c = opened.tuple, s = *accepted;
  const auto up = pattern(300000, 1), down = pattern(300000, 2);
  std::vector<uint8_t> got_up, got_down;
  std::size_t sent_up = 0, sent_down = 0;
  for (int step = 0; step < 2000 && (got_up.size() < up.size() || got_down.size() < down.size());
       ++step) {
    tcp::Actions from_client = h.client.send(c, wire::ByteSpan(up).subspan(sent_up), h.now).actions;
    sent_up = h.client.find(c)->send_buffer().end() - (h.client.find(c)->iss() + 1);
    tcp::Actions from_server = h.server.send(s, wire::ByteSpan(down).subspan(sent_down), h.now).actions;
    sent_down = h.server.find(s)->send_buffer().end() - (h.server.find(s)->iss() + 1);
    h.exchange(std::move(from_client), std::move(from_server), 200);
    std::vector<uint8_t> buf(65536);
    const tcp::Transfer r1 = h.server.recv(s, buf, h.now);
    got_up.insert(got_up.end(), buf.begin(), buf.begin() + r1.octets);
    const tcp::Transfer r2 = h.client.recv(c, buf, h.now);
    got_down.insert(got_down.end(), buf.begin(), buf.begin() + r2.octets);
    h.exchange(r2.actions, r1.actions, 200);
    // Time moves on to the next deadline (delayed ACKs).
    h.now += 1ms;
    h.exchange(h.client.on_timer(h.now), h.server.on_timer(h.now), 200);
  }
  CHECK(got_up == up);
  CHECK(got_down == down);
  CHECK(h.client.find(c)->counters().retransmissions == 0);
  h.exchange(h.client.close(c, h.now));
  h.exchange({}, h.server.close(s, h.now));
  CHECK(h.server.find(s) == nullptr);
  CHECK(h.client.find(c)->state() == State::kTimeWait);
}

TEST_CASE("a data-path setting that cannot work is refused with the reason", "[driver][data]") {
  tcp::StackConfig config = seeded_config();
  CHECK(config.connection.problem().empty());
  config.connection.timestamp_tick = 0ms;
  CHECK_THROWS_WITH(tcp::ConnectionTable(config), Catch::Contains("timestamp_tick"));
  config = seeded_config();
  config.connection.delayed_ack = 300ms;  // beyond the 200 ms rule
  CHECK_THROWS_WITH(tcp::ConnectionTable(config), Catch::Contains("delayed_ack"));
  config = seeded_config();
  config.connection.send_buffer = 0;
  CHECK_THROWS_AS(tcp::ConnectionTable(config), std::invalid_argument);
}

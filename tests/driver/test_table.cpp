// The connection table: 65,536 connections by 4-tuple, ephemeral ports,
// listeners and their backlog, answers for segments without a connection,
// and two tables talking to each other through the wire layer.
#include "driver_test_util.h"

#include <map>
#include <set>

using namespace driver_test;
using tcp::EventKind;
using tcp::State;

namespace {

// Client and server with secrets of their own.
struct Hosts : TwoHosts {
  Hosts() : TwoHosts(seeded_config(1), seeded_config(2)) {}
};

tcp::FourTuple reversed(const tcp::FourTuple& t) {
  return tcp::FourTuple{t.remote_ip, t.remote_port, t.local_ip, t.local_port};
}

}  // namespace

TEST_CASE("Table: 65,536 connections, each found by its 4-tuple", "[driver][table]") {
  tcp::ConnectionTable table(seeded_config());
  constexpr int kCount = 65536;
  // Linux's range holds 28,232 ports per destination: three destinations.
  std::map<uint16_t, std::set<uint16_t>> ports_by_destination;
  std::vector<tcp::FourTuple> tuples;
  for (int i = 0; i < kCount; ++i) {
    const uint16_t remote_port = static_cast<uint16_t>(80 + i % 3);
    const auto r = table.connect(kLocalIp, kRemoteIp, remote_port, 1s);
    REQUIRE(r.error == tcp::Error::kOk);
    REQUIRE(r.actions.send.size() == 1);
    CHECK(r.tuple.local_port >= 32768);
    CHECK(r.tuple.local_port <= 60999);
    // No port is given twice to one destination.
    REQUIRE(ports_by_destination[remote_port].insert(r.tuple.local_port).second);
    tuples.push_back(r.tuple);
  }
  CHECK(table.size() == kCount);
  for (const auto& t : tuples) {
    const tcp::Connection* c = table.find(t);
    REQUIRE(c != nullptr);
    REQUIRE(c->tuple() == t);
    REQUIRE(c->state() == State::kSynSent);
  }
  // A SYN-ACK reaches exactly its own connection.
  const tcp::FourTuple& some = tuples[12345];
  PeerSegment synack;
  synack.tuple = some;
  synack.flags = flag::kSyn | flag::kAck;
  synack.seq = kPeerIsn;
  synack.ack = (table.find(some)->iss() + 1).raw();
  CHECK(has_event(table.on_segment(synack.segment(), 2s), EventKind::kEstablished));
  CHECK(table.find(some)->state() == State::kEstablished);
  CHECK(table.find(tuples[12346])->state() == State::kSynSent);
  for (const auto& t : tuples) table.abort(t, 3s);
  CHECK(table.size() == 0);
}

TEST_CASE("Table: ephemeral ports skip those in use and run out cleanly", "[driver][table]") {
  tcp::StackConfig config = seeded_config();
  config.ephemeral_first = 40000;
  config.ephemeral_last = 40003;
  tcp::ConnectionTable table(config);
  REQUIRE(table.listen(0, 40001, 8) == tcp::Error::kOk);  // a listening port is in use
  const auto pinned = table.connect(kLocalIp, kRemoteIp, 80, 1s, 40002);  // and a bound one
  REQUIRE(pinned.error == tcp::Error::kOk);
  std::set<uint16_t> got;
  for (int i = 0; i < 2; ++i) {
    const auto r = table.connect(kLocalIp, kRemoteIp, 80, 1s);
    REQUIRE(r.error == tcp::Error::kOk);
    got.insert(r.tuple.local_port);
  }
  CHECK(got == std::set<uint16_t>{40000, 40003});
  const auto full = table.connect(kLocalIp, kRemoteIp, 80, 1s);
  CHECK(full.error == tcp::Error::kAddressNotAvailable);
  CHECK(full.actions.send.empty());
  // Another destination may use the same local ports.
  CHECK(table.connect(kLocalIp, kRemoteIp, 81, 1s).error == tcp::Error::kOk);
  CHECK(table.size() == 4);
}

TEST_CASE("Table: a taken 4-tuple or listening port is refused", "[driver][table]") {
  tcp::ConnectionTable table(seeded_config());
  REQUIRE(table.connect(kLocalIp, kRemoteIp, kRemotePort, 1s, kLocalPort).error == tcp::Error::kOk);
  CHECK(table.connect(kLocalIp, kRemoteIp, kRemotePort, 1s, kLocalPort).error ==
        tcp::Error::kAddressInUse);
  CHECK(table.listen(0, 80, 8) == tcp::Error::kOk);
  CHECK(table.listen(0, 80, 8) == tcp::Error::kAddressInUse);
  CHECK(table.listen(0, 0, 8) == tcp::Error::kInvalidArgument);
  CHECK(table.listen(0, 81, 0) == tcp::Error::kInvalidArgument);
  CHECK(table.connect(kLocalIp, kRemoteIp, 0, 1s).error == tcp::Error::kInvalidArgument);
  CHECK(std::string(tcp::to_string(tcp::Error::kAddressInUse)) == "address in use");
}

TEST_CASE("Table: a closed port answers RST (RFC 9293 3.10.7.1)", "[driver][table][rst]") {
  tcp::ConnectionTable table(seeded_config());
  PeerSegment syn;  // no ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
  syn.flags = flag::kSyn;
  syn.seq = 0xffffffffu;  // SEG.SEQ + 1 wraps
  const tcp::Actions a = table.on_segment(syn.segment(), 1s);
  require_one(a, flag::kRst | flag::kAck, 0, 0);
  CHECK(a.send[0].window == 0);
  PeerSegment data = syn;  // with ACK: <SEQ=SEG.ACK><CTL=RST>
  data.flags = flag::kAck;
  data.ack = 123456;
  data.payload_len = 10;
  require_one(table.on_segment(data.segment(), 1s), flag::kRst, 123456);
  PeerSegment rst = syn;  // a RST is never answered
  rst.flags = flag::kRst;
  CHECK(table.on_segment(rst.segment(), 1s).send.empty());
  CHECK(table.counters().resets_sent == 2);
  CHECK(table.size() == 0);
}

TEST_CASE("Table: connect to a closed port reports connection refused", "[driver][table]") {
  Hosts h;  // the server listens nowhere
  const auto r = h.client.connect(kLocalIp, kRemoteIp, 5201, h.now);
  h.exchange(r.actions);
  CHECK(has_event(h.client_events, EventKind::kRefused));
  CHECK(h.client.size() == 0);
  CHECK(h.server.size() == 0);
}

TEST_CASE("Table: connect, accept, close both ways, nothing left behind", "[driver][table]") {
  Hosts h;
  REQUIRE(h.server.listen(kRemoteIp, 5201, 16) == tcp::Error::kOk);
  const auto r = h.client.connect(kLocalIp, kRemoteIp, 5201, h.now);
  REQUIRE(r.error == tcp::Error::kOk);
  h.exchange(r.actions);
  CHECK(has_event(h.client_events, EventKind::kEstablished));
  CHECK(has_event(h.server_events, EventKind::kEstablished));
  const auto accepted = h.server.accept(5201);
  REQUIRE(accepted);
  CHECK(*accepted == reversed(r.tuple));
  CHECK_FALSE(h.server.accept(5201));
  CHECK(h.server.syn_backlog(5201) == 0);
  // Both ends agreed on Linux's options.
  CHECK(h.client.find(r.tuple)->negotiated().send_scale == 8);
  CHECK(h.server.find(*accepted)->negotiated().sack_permitted);
  // The client closes first: it waits in TIME-WAIT, the server goes through
  // CLOSE-WAIT and LAST-ACK.
  h.exchange(h.client.close(r.tuple, h.now));
  CHECK(h.client.find(r.tuple)->state() == State::kFinWait2);
  CHECK(h.server.find(*accepted)->state() == State::kCloseWait);
  CHECK(has_event(h.server_events, EventKind::kPeerClosed));
  h.exchange({}, h.server.close(*accepted, h.now));
  CHECK(h.server.size() == 0);
  REQUIRE(h.client.find(r.tuple) != nullptr);
  CHECK(h.client.find(r.tuple)->state() == State::kTimeWait);
  CHECK(h.client.on_timer(h.now + 59s).events.empty());
  CHECK(has_event(h.client.on_timer(h.now + 60s), EventKind::kClosed));
  CHECK(h.client.size() == 0);
}

TEST_CASE("Table: simultaneous open between two tables", "[driver][table]") {
  Hosts h;
  // Both connect, each to the other's port, at once: SYNs cross.
  const auto a = h.client.connect(kLocalIp, kRemoteIp, 6000, h.now, 7000);
  const auto b = h.server.connect(kRemoteIp, kLocalIp, 7000, h.now, 6000);
  h.exchange(a.actions, b.actions);
  CHECK(h.client.find(a.tuple)->state() == State::kEstablished);
  CHECK(h.server.find(b.tuple)->state() == State::kEstablished);
  CHECK(has_event(h.client_events, EventKind::kEstablished));
  CHECK(has_event(h.server_events, EventKind::kEstablished));
}

TEST_CASE("Table: simultaneous close between two tables", "[driver][table]") {
  Hosts h;
  REQUIRE(h.server.listen(0, 5201, 4) == tcp::Error::kOk);
  const auto r = h.client.connect(kLocalIp, kRemoteIp, 5201, h.now);
  h.exchange(r.actions);
  const auto s = h.server.accept(5201);
  REQUIRE(s);
  // Both FINs cross: each end goes FIN-WAIT-1 -> CLOSING -> TIME-WAIT.
  h.exchange(h.client.close(r.tuple, h.now), h.server.close(*s, h.now));
  CHECK(h.client.find(r.tuple)->state() == State::kTimeWait);
  CHECK(h.server.find(*s)->state() == State::kTimeWait);
  h.client.on_timer(h.now + 60s);
  h.server.on_timer(h.now + 60s);
  CHECK(h.client.size() == 0);
  CHECK(h.server.size() == 0);
}

TEST_CASE("Table: a peer that never answers ends in a timeout, table empty", "[driver][table]") {
  tcp::ConnectionTable table(seeded_config());
  const auto r = table.connect(kLocalIp, kRemoteIp, 5201, 0s);
  int syns = 1;
  bool timed_out = false;
  while (auto next = table.next_deadline()) {
    const tcp::Actions a = table.on_timer(*next);
    syns += static_cast<int>(a.send.size());
    if (has_event(a, EventKind::kTimedOut)) timed_out = true;
    REQUIRE(syns < 100);
  }
  CHECK(timed_out);
  CHECK(syns == 6);  // the SYN and the production profile's 5 retries (tcp_syn_retries)
  CHECK(table.size() == 0);
  CHECK(table.find(r.tuple) == nullptr);
}

TEST_CASE("Table: a reset SYN-RECEIVED frees its backlog slot", "[driver][table]") {
  tcp::ConnectionTable table(seeded_config());
  REQUIRE(table.listen(0, kLocalPort, 1) == tcp::Error::kOk);
  PeerSegment syn = peer_syn(kPeerIsn);
  table.on_segment(syn.segment(), 1s);
  CHECK(table.syn_backlog(kLocalPort) == 1);
  PeerSegment rst = peer_rst(kPeerIsn + 1);
  table.on_segment(rst.segment(), 1s);
  CHECK(table.syn_backlog(kLocalPort) == 0);
  CHECK(table.size() == 0);
  CHECK_FALSE(table.accept(kLocalPort));
}

TEST_CASE("Table: a full backlog without SYN cookies drops SYNs", "[driver][table]") {
  tcp::StackConfig config = seeded_config();
  config.syn_cookies = false;
  tcp::ConnectionTable table(config);
  REQUIRE(table.listen(0, kLocalPort, 2) == tcp::Error::kOk);
  for (uint16_t port = 1000; port < 1005; ++port) {
    PeerSegment syn;
    syn.tuple.remote_port = port;
    syn.flags = flag::kSyn;
    syn.seq = kPeerIsn;
    table.on_segment(syn.segment(), 1s);
  }
  CHECK(table.syn_backlog(kLocalPort) == 2);
  CHECK(table.size() == 2);
  CHECK(table.counters().syn_backlog_drops == 3);
  CHECK(table.counters().syn_cookies_sent == 0);
}

TEST_CASE("Table: an ACK to a listener without a cookie out gets RST", "[driver][table][rst]") {
  tcp::ConnectionTable table(seeded_config());
  REQUIRE(table.listen(0, kLocalPort, 8) == tcp::Error::kOk);
  PeerSegment ack;
  ack.ack = 99;
  require_one(table.on_segment(ack.segment(), 1s), flag::kRst, 99);
  CHECK(table.size() == 0);
}

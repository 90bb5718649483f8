// Helpers of the connection core's tests: segments from the peer made the
// way the device makes them (a TX descriptor through the wire layer's frame
// emitter and the parser's reference model), and a connection driven
// through the states its tests start from.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <vector>

#include "tcp_rx_parser_ref.h"
#include "tcpoe/driver/tcp/connection.h"
#include "tcpoe/driver/tcp/table.h"
#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace driver_test {

namespace tcp = tcpoe::driver::tcp;
namespace wire = tcpoe::wire;
namespace flag = tcpoe::wire::tcp::flag;
using namespace std::chrono_literals;

constexpr uint32_t kLocalIp = 0xc0000201;   // 192.0.2.1, us
constexpr uint32_t kRemoteIp = 0xc6336402;  // 198.51.100.2, the peer
constexpr uint16_t kLocalPort = 40000;
constexpr uint16_t kRemotePort = 5201;
constexpr tcp::FourTuple kTuple{kLocalIp, kLocalPort, kRemoteIp, kRemotePort};
constexpr uint32_t kPeerIsn = 5000;
constexpr uint16_t kPeerWindow = 64240;

// What the receiving device reports for the frame a TX descriptor builds:
// the frame as the wire layer emits it, read by the parser's model.
inline tcp::Segment received(const wire::TxDescriptor& d) {
  const std::vector<uint8_t> payload(d.payload_len, 0x5a);
  const std::vector<uint8_t> frame = wire::emit_frame(wire::to_frame_repr(d), payload);
  return tcpoe::kernels::expected_rx_descriptor(frame);
}

// A segment the peer sends us, field by field.
struct PeerSegment {
  uint8_t flags = flag::kAck;
  uint32_t seq = kPeerIsn + 1;
  uint32_t ack = 0;
  uint16_t window = kPeerWindow;
  uint16_t payload_len = 0;       // octets of 0x5a, unless `data` is given
  std::vector<uint8_t> data;      // the payload, when its octets matter
  wire::TcpOptions options;
  tcp::FourTuple tuple = kTuple;  // as we see it

  std::vector<uint8_t> bytes() const {
    return data.empty() ? std::vector<uint8_t>(payload_len, 0x5a) : data;
  }
  tcp::Segment segment() const {
    wire::TxDescriptor d;
    tcp::set_addresses(d, tcp::FourTuple{tuple.remote_ip, tuple.remote_port, tuple.local_ip,
                                         tuple.local_port});  // from the peer's end
    d.tcp_flags = flags;
    d.seq = seq;
    d.ack = ack;
    d.window = window;
    d.payload_len = static_cast<uint16_t>(data.empty() ? payload_len : data.size());
    wire::set_options(d, options);
    return received(d);
  }
};

// The peer's SYN, SYN-ACK (to our ISS + 1 = `ack`), RST and FIN.
inline PeerSegment peer_syn(uint32_t seq = kPeerIsn, const wire::TcpOptions& options = {}) {
  PeerSegment p;
  p.flags = flag::kSyn;
  p.seq = seq;
  p.options = options;
  return p;
}
inline PeerSegment peer_syn_ack(uint32_t ack, const wire::TcpOptions& options = {}) {
  PeerSegment p = peer_syn(kPeerIsn, options);
  p.flags = flag::kSyn | flag::kAck;
  p.ack = ack;
  return p;
}
inline PeerSegment peer_rst(uint32_t seq) {
  PeerSegment p;
  p.flags = flag::kRst;
  p.seq = seq;
  return p;
}
inline PeerSegment peer_fin(uint32_t ack, uint32_t seq = kPeerIsn + 1) {
  PeerSegment p;
  p.flags = flag::kFin | flag::kAck;
  p.seq = seq;
  p.ack = ack;
  return p;
}

// Linux's SYN with its production options (issue #13).
inline wire::TcpOptions linux_syn_options(uint32_t ts_val = 777) {
  wire::TcpOptions o;
  o.mss = 1460;
  o.window_scale = 8;
  o.sack_permitted = true;
  o.timestamps = std::make_pair(ts_val, 0u);
  return o;
}

// One segment sent, with exactly these flags, seq and (with ACK) ack.
inline void require_one(const tcp::Actions& a, uint8_t flags, uint32_t seq, uint32_t ack = 0) {
  REQUIRE(a.send.size() == 1);
  CHECK(a.send[0].tcp_flags == flags);
  CHECK(a.send[0].seq == seq);
  if (flags & flag::kAck) CHECK(a.send[0].ack == ack);
  CHECK(a.send[0].ip_src == kLocalIp);
  CHECK(a.send[0].ip_dst == kRemoteIp);
  CHECK(a.send[0].src_port == kLocalPort);
  CHECK(a.send[0].dst_port == kRemotePort);
}

inline bool has_event(const std::vector<tcp::Event>& events, tcp::EventKind k) {
  for (const auto& e : events)
    if (e.kind == k) return true;
  return false;
}
inline bool has_event(const tcp::Actions& a, tcp::EventKind k) { return has_event(a.events, k); }

// A connection of ours (ISS `iss`) and the steps that bring it to a state,
// each checked on the way. Time starts at 10 s.
struct Fixture {
  explicit Fixture(uint32_t iss = 1000, tcp::ConnectionConfig config = {})
      : iss(iss), config(config), c(config, kTuple, tcp::SeqNumber(iss), 0) {}

  uint32_t iss;
  tcp::ConnectionConfig config;
  tcp::Connection c;
  tcp::Time now = 10s;

  tcp::Actions recv(const PeerSegment& p) { return c.on_segment(p.segment(), now, p.bytes()); }
  PeerSegment ack(uint32_t ack_no, uint32_t seq = kPeerIsn + 1) const {
    PeerSegment p;
    p.ack = ack_no;
    p.seq = seq;
    return p;
  }

  void to_syn_sent() {
    c.open_active(now);
    REQUIRE(c.state() == tcp::State::kSynSent);
  }
  void to_established() {
    to_syn_sent();
    PeerSegment p = peer_syn_ack(iss + 1, linux_syn_options());
    recv(p);
    REQUIRE(c.state() == tcp::State::kEstablished);
  }
  void to_syn_received_passive() {
    PeerSegment p = peer_syn(kPeerIsn, linux_syn_options());
    c.open_passive(p.segment(), now);
    REQUIRE(c.state() == tcp::State::kSynReceived);
  }
  void to_fin_wait_1() {
    to_established();
    c.close(now);
    REQUIRE(c.state() == tcp::State::kFinWait1);
  }
  void to_fin_wait_2() {
    to_fin_wait_1();
    recv(ack(iss + 2));
    REQUIRE(c.state() == tcp::State::kFinWait2);
  }
  void to_close_wait() {
    to_established();
    PeerSegment fin = peer_fin(iss + 1);
    recv(fin);
    REQUIRE(c.state() == tcp::State::kCloseWait);
  }
  void to_last_ack() {
    to_close_wait();
    c.close(now);
    REQUIRE(c.state() == tcp::State::kLastAck);
  }
  void to_closing() {
    to_fin_wait_1();
    PeerSegment fin = peer_fin(iss + 1);  // the peer's FIN, not yet acknowledging ours
    recv(fin);
    REQUIRE(c.state() == tcp::State::kClosing);
  }
  void to_time_wait() {
    to_fin_wait_2();
    PeerSegment fin = peer_fin(iss + 2);
    recv(fin);
    REQUIRE(c.state() == tcp::State::kTimeWait);
  }
};

// Runs the connection's timer at each deadline until it gives up; returns
// the times (after `start`) at which it sent something, and in `gave_up`
// when it stopped.
inline std::vector<tcp::Time> retransmission_times(tcp::Connection& c, tcp::Time start,
                                            tcp::Actions& last, uint8_t expect_flags,
                                            tcp::Time* gave_up = nullptr) {
  std::vector<tcp::Time> times;
  while (c.deadline()) {
    const tcp::Time at = *c.deadline();
    // One nanosecond early: nothing happens.
    const tcp::Actions early = c.on_timer(at - 1ns);
    REQUIRE(early.send.empty());
    REQUIRE(early.events.empty());
    last = c.on_timer(at);
    if (last.send.empty()) {
      if (gave_up) *gave_up = at - start;
      break;
    }
    REQUIRE(last.send.size() == 1);
    CHECK(last.send[0].tcp_flags == expect_flags);
    times.push_back(at - start);
    REQUIRE(times.size() < 100);
  }
  return times;
}

// A connection of ours with `config` (a test's own settings), ESTABLISHED.
inline Fixture established(const tcp::ConnectionConfig& config) {
  Fixture f(1000, config);
  f.to_established();
  return f;
}

// Two stacks joined by a perfect wire: what one sends, the other receives
// (through the frame emitter and the parser's model). The events each end
// reports are kept.
// The payload a connection sent with `d`, from its send buffer.
inline std::vector<uint8_t> payload_of(const tcp::Connection& c, const wire::TxDescriptor& d) {
  if (d.payload_len == 0) return {};
  const tcp::SendBuffer::Parts parts = c.payload(d);
  REQUIRE(parts.size() == d.payload_len);
  std::vector<uint8_t> out;
  for (std::size_t k = 0; k < parts.count; ++k) {
    const wire::ByteSpan octets = parts.part[k].octets();
    out.insert(out.end(), octets.begin(), octets.end());
  }
  return out;
}
inline std::vector<uint8_t> payload_of(const tcp::ConnectionTable& from, const wire::TxDescriptor& d) {
  if (d.payload_len == 0) return {};
  const tcp::Connection* c = from.find(tcp::FourTuple{d.ip_src, d.src_port, d.ip_dst, d.dst_port});
  REQUIRE(c != nullptr);
  return payload_of(*c, d);
}

struct TwoHosts {
  explicit TwoHosts(tcp::StackConfig client_config, tcp::StackConfig server_config)
      : client(client_config), server(server_config) {}

  tcp::ConnectionTable client;
  tcp::ConnectionTable server;
  tcp::Time now = 1s;
  std::vector<tcp::Event> client_events, server_events;

  // Delivers both ends' segments and every answer, back and forth, until quiet.
  void exchange(tcp::Actions from_client, tcp::Actions from_server = {}, int max_rounds = 20) {
    for (int round = 0; round < max_rounds; ++round) {
      keep(client_events, from_client);
      keep(server_events, from_server);
      if (from_client.send.empty() && from_server.send.empty()) return;
      tcp::Actions to_server, to_client;
      for (const auto& d : from_client.send)
        to_server.append(server.on_segment(received(d), now, payload_of(client, d)));
      for (const auto& d : from_server.send)
        to_client.append(client.on_segment(received(d), now, payload_of(server, d)));
      from_client = std::move(to_client);
      from_server = std::move(to_server);
    }
    FAIL("the exchange did not settle");
  }

 private:
  static void keep(std::vector<tcp::Event>& to, const tcp::Actions& a) {
    to.insert(to.end(), a.events.begin(), a.events.end());
  }
};

// A table with a fixed secret, so runs repeat.
inline tcp::StackConfig seeded_config(uint8_t seed = 1) {
  tcp::StackConfig s;
  s.secret = std::array<uint8_t, 16>{seed, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  return s;
}

}  // namespace driver_test

// SYN cookies (RFC 4987 section 3.6, Linux's layout): with the backlog full,
// a flood of spoofed SYNs costs no memory, and a genuine connect still
// completes through the cookie. This binary replaces operator new to count
// the heap's live octets (under AddressSanitizer, it asks ASan's allocator).
#include "driver_test_util.h"

#include <random>

#include "../support/live_heap.h"

using namespace driver_test;
using tcp::EventKind;
using tcp::State;

namespace {

constexpr uint16_t kListenPort = 5201;
constexpr uint32_t kServerIp = kRemoteIp;  // the listener's address
constexpr uint32_t kClientIp = kLocalIp;

// A SYN to the listener from somewhere, as Linux offers its options.
tcp::Segment spoofed_syn(uint32_t src_ip, uint16_t src_port, uint32_t isn) {
  PeerSegment p;
  p.tuple = tcp::FourTuple{kServerIp, kListenPort, src_ip, src_port};
  p.flags = flag::kSyn;
  p.seq = isn;
  p.options = linux_syn_options(isn ^ 0x5555);
  return p.segment();
}

}  // namespace

TEST_CASE("SYN cookies: 100,000 spoofed SYNs allocate nothing, a real connect completes",
          "[driver][cookies]") {
  TwoHosts h(seeded_config(99), seeded_config(1));  // a genuine client, and the server
  tcp::ConnectionTable& server = h.server;
  constexpr uint32_t kBacklog = 8;
  REQUIRE(server.listen(0, kListenPort, kBacklog) == tcp::Error::kOk);
  std::mt19937 rng(12345);
  // Fill the backlog with half-open connections that never complete. Each
  // of those does cost memory: the count sees it.
  const tcp::Segment first = spoofed_syn(rng(), 1023, rng());
  const long long live_empty = live_octets();
  server.on_segment(first, 1s);
  CHECK(live_octets() - live_empty >= static_cast<long long>(sizeof(tcp::Connection)));
  for (uint32_t i = 1; i < kBacklog; ++i) server.on_segment(spoofed_syn(rng(), 1024 + i, rng()), 1s);
  REQUIRE(server.syn_backlog(kListenPort) == kBacklog);
  REQUIRE(server.size() == kBacklog);
  // The SYNs, made before counting (making them allocates a frame each).
  std::vector<tcp::Segment> flood;
  flood.reserve(100000);
  for (int i = 0; i < 100000; ++i)
    flood.push_back(spoofed_syn(rng(), static_cast<uint16_t>(rng() | 1024u), rng()));

  const long long live_before = live_octets();
  std::size_t syn_acks = 0, with_cookie_ts = 0;
  for (const tcp::Segment& syn : flood) {
    const tcp::Actions a = server.on_segment(syn, 2s);
    syn_acks += a.send.size();
    if (!a.send.empty() && (a.send[0].ts_val & 0x3f) == (8u | 16u)) ++with_cookie_ts;
  }
  const long long live_after = live_octets();

  CHECK(live_after == live_before);  // not one octet kept per SYN
  CHECK(server.size() == kBacklog);
  CHECK(server.syn_backlog(kListenPort) == kBacklog);
  CHECK(syn_acks == flood.size());          // each one answered, statelessly
  CHECK(with_cookie_ts == flood.size());    // TSval's low bits: wscale 8, SACK
  CHECK(server.counters().syn_cookies_sent == flood.size());

  // A genuine client connects meanwhile and gets in through the cookie.
  const auto r = h.client.connect(kClientIp, kServerIp, kListenPort, 3s);
  REQUIRE(r.error == tcp::Error::kOk);
  h.now = 3s;
  h.exchange(r.actions);
  CHECK(has_event(h.client_events, EventKind::kEstablished));
  CHECK(has_event(h.server_events, EventKind::kEstablished));
  CHECK(server.counters().syn_cookies_accepted == 1);
  CHECK(server.size() == kBacklog + 1);
  const auto accepted = server.accept(kListenPort);
  REQUIRE(accepted);
  const tcp::Connection* c = server.find(*accepted);
  REQUIRE(c != nullptr);
  CHECK(c->state() == State::kEstablished);
  // What the cookie and the timestamp echo remembered of the client's SYN.
  CHECK(c->negotiated().peer_mss == 1460);
  CHECK(c->negotiated().window_scaling);
  CHECK(c->negotiated().send_scale == 8);
  CHECK(c->negotiated().sack_permitted);
  CHECK(c->negotiated().timestamps);
  CHECK(h.client.find(r.tuple)->snd_una() == c->rcv_nxt());
  CHECK(c->snd_nxt() == h.client.find(r.tuple)->rcv_nxt());
}

TEST_CASE("SYN cookies: a forged ACK opens nothing and gets RST", "[driver][cookies]") {
  tcp::ConnectionTable server(seeded_config());
  REQUIRE(server.listen(0, kListenPort, 1) == tcp::Error::kOk);
  server.on_segment(spoofed_syn(0x0a000001, 1000, 1), 1s);  // fills the backlog
  server.on_segment(spoofed_syn(0x0a000002, 1000, 1), 1s);  // a cookie goes out
  REQUIRE(server.counters().syn_cookies_sent == 1);
  std::mt19937 rng(7);
  for (int i = 0; i < 1000; ++i) {
    PeerSegment ack;
    ack.tuple = tcp::FourTuple{kServerIp, kListenPort, 0x0a000002, 1000};
    ack.seq = 2;
    ack.ack = rng();  // a guessed cookie
    const tcp::Actions a = server.on_segment(ack.segment(), 1s);
    REQUIRE(a.send.size() == 1);
    REQUIRE(a.send[0].tcp_flags == flag::kRst);
  }
  CHECK(server.size() == 1);
  // 24 bits of hash and a 2-bit MSS index: a guess passes about 1 in 2^22.
  CHECK(server.counters().syn_cookies_accepted == 0);
  CHECK(server.counters().syn_cookies_rejected == 1000);
}

TEST_CASE("SYN cookies: good for two minutes of the one-minute count", "[driver][cookies]") {
  const tcp::SipKey k0{1, 2}, k1{3, 4};
  const tcp::SynCookies cookies(k0, k1);
  const tcp::FourTuple t{kServerIp, kListenPort, kClientIp, 40000};
  const tcp::SeqNumber peer_isn(0xfffffff0u);
  const tcp::SeqNumber cookie = cookies.make(t, peer_isn, 1460, 10s);
  CHECK(cookies.check(t, peer_isn, cookie, 10s) == uint16_t{1460});
  CHECK(cookies.check(t, peer_isn, cookie, 179s) == uint16_t{1460});  // count 2: age 2
  CHECK_FALSE(cookies.check(t, peer_isn, cookie, 180s));              // count 3: too old
  // Another SYN's ISN. (The peer's ISN is added, not hashed, as in Linux:
  // one a few apart only shifts the MSS index; it takes knowing the cookie.)
  CHECK_FALSE(cookies.check(t, peer_isn + 1000, cookie, 10s));
  tcp::FourTuple other = t;
  other.remote_port = 40001;
  CHECK_FALSE(cookies.check(other, peer_isn, cookie, 10s));  // another connection
  CHECK_FALSE(cookies.check(t, peer_isn, cookie + 1, 10s));  // a changed cookie
  CHECK_FALSE(tcp::SynCookies(k1, k0).check(t, peer_isn, cookie, 10s));  // another stack
}

TEST_CASE("SYN cookies: the MSS is kept as the largest table entry allowed", "[driver][cookies]") {
  // Linux's msstab for IPv4: 536, 1300, 1440, 1460.
  const tcp::SynCookies cookies(tcp::SipKey{5, 6}, tcp::SipKey{7, 8});
  const tcp::FourTuple t{kServerIp, kListenPort, kClientIp, 40000};
  const std::pair<uint16_t, uint16_t> cases[] = {
      {1460, 1460}, {9000, 1460}, {1459, 1440}, {1400, 1300}, {1300, 1300}, {1000, 536}, {100, 536}};
  for (const auto& [offered, kept] : cases) {
    const tcp::SeqNumber c = cookies.make(t, tcp::SeqNumber(77), offered, 0s);
    CHECK(cookies.check(t, tcp::SeqNumber(77), c, 0s) == kept);
  }
}

TEST_CASE("SYN cookies: without timestamps, no window scale and no SACK (as Linux)",
          "[driver][cookies]") {
  wire::TcpOptions ack_options;  // the ACK carries no timestamps
  const tcp::Negotiated n = tcp::SynCookies::negotiated(tcp::OptionConfig{}, 1440, ack_options);
  CHECK(n.peer_mss == 1440);
  CHECK_FALSE(n.window_scaling);
  CHECK_FALSE(n.sack_permitted);
  CHECK_FALSE(n.timestamps);
  // With them, the echo's low bits say what the SYN offered: wscale 3, no SACK.
  ack_options.timestamps = std::make_pair(100u, 0x12345640u | 3u);
  const tcp::Negotiated m = tcp::SynCookies::negotiated(tcp::OptionConfig{}, 1440, ack_options);
  CHECK(m.window_scaling);
  CHECK(m.send_scale == 3);
  CHECK_FALSE(m.sack_permitted);
  CHECK(m.timestamps);
  CHECK(m.ts_recent == 100);
}

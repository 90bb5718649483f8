// SYN and SYN-ACK options, offered and answered as Linux does. Where each
// expected value comes from is said beside it: RFC 9293 (MSS), RFC 7323
// (window scale, timestamps), RFC 2018 (SACK-permitted), Linux's
// tcp_select_initial_window() and tcp_options_write(), and the production
// profile issue #13 quotes (packetdrill's `<mss 1460,sackOK,TS val T ecr
// 0,nop,wscale 8>`, from a 540 kB default and 15 MB maximum receive buffer).
#include "driver_test_util.h"

using namespace driver_test;
using tcp::State;

namespace {

// The option octets of the frame the builder makes from `d`.
std::vector<uint8_t> option_octets(const wire::TxDescriptor& d) {
  const std::vector<uint8_t> frame = wire::emit_frame(wire::to_frame_repr(d), {});
  const std::size_t start = wire::frame::kTcpOffset + wire::tcp::kHeaderLen;
  const std::size_t header_len = (frame[wire::frame::kTcpOffset + 12] >> 4) * 4u;
  return std::vector<uint8_t>(frame.begin() + start,
                              frame.begin() + wire::frame::kTcpOffset + header_len);
}

std::vector<uint8_t> be32(uint32_t v) {
  return {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
}

PeerSegment syn_with(const wire::TcpOptions& o) {
  PeerSegment p = peer_syn(kPeerIsn, o);
  return p;
}

tcp::Actions passive_answer(Fixture& f, const wire::TcpOptions& offered) {
  return f.c.open_passive(syn_with(offered).segment(), f.now);
}

}  // namespace

TEST_CASE("SYN options: Linux's production profile, in Linux's order", "[driver][options]") {
  Fixture f;
  const tcp::Actions a = f.c.open_active(f.now);
  REQUIRE(a.send.size() == 1);
  const wire::TxDescriptor& syn = a.send[0];
  CHECK(syn.has_mss);
  CHECK(syn.mss == 1460);  // MTU 1500 - 20 (IPv4) - 20 (TCP)
  CHECK(syn.has_window_scale);
  CHECK(syn.window_scale == 8);  // ilog2(15728640) - 15 = 23 - 15
  CHECK(syn.sack_permitted);
  CHECK(syn.has_timestamps);
  CHECK(syn.ts_val == 10000);  // 10 s on the 1 ms timestamp clock, offset 0 here
  CHECK(syn.ts_ecr == 0);      // RFC 7323 section 3.2: TSecr 0 on a SYN
  CHECK(syn.window == 65535);  // a SYN's window is not scaled; the buffer allows more
  // <mss 1460,sackOK,TS val 10000 ecr 0,nop,wscale 8>, as the builder lays it out.
  std::vector<uint8_t> expected{2, 4, 0x05, 0xb4, 4, 2, 8, 10};
  for (uint8_t o : be32(10000)) expected.push_back(o);
  for (uint8_t o : be32(0)) expected.push_back(o);
  for (uint8_t o : {1, 3, 3, 8}) expected.push_back(o);
  CHECK(option_octets(syn) == expected);
}

TEST_CASE("Window scale follows the largest receive buffer (Linux)", "[driver][options]") {
  tcp::OptionConfig c;
  CHECK(c.window_scale() == 8);  // 15 MB, the production profile
  c.receive_buffer_max = 6291456;  // Linux's stock net.ipv4.tcp_rmem[2] (6 MB): the common wscale 7
  CHECK(c.window_scale() == 7);
  c.receive_buffer = c.receive_buffer_max = 65535;  // fits 16 bits: no shift
  CHECK(c.window_scale() == 0);
  c.receive_buffer_max = 0xffffffffu;  // RFC 7323 section 2.3: never above 14
  CHECK(c.window_scale() == 14);
  c.window_scaling = false;
  CHECK(c.window_scale() == 0);
  // The initial window: half the 540000 octet buffer (tcp_adv_win_scale 1),
  // whole 1460-octet segments: 184 x 1460.
  CHECK(tcp::OptionConfig{}.initial_receive_window(1460) == 268640);
}

TEST_CASE("SYN-ACK answers Linux's SYN with everything it offered", "[driver][options]") {
  Fixture f;
  const tcp::Actions a = passive_answer(f, linux_syn_options(777));
  REQUIRE(a.send.size() == 1);
  const wire::TxDescriptor& sa = a.send[0];
  CHECK(sa.tcp_flags == (flag::kSyn | flag::kAck));
  CHECK(sa.mss == 1460);
  CHECK(sa.has_window_scale);
  CHECK(sa.window_scale == 8);
  CHECK(sa.sack_permitted);
  CHECK(sa.has_timestamps);
  CHECK(sa.ts_ecr == 777);  // RFC 7323 section 3.2: echoes the SYN's TSval
  const tcp::Negotiated& n = f.c.negotiated();
  CHECK(n.peer_mss == 1460);
  CHECK(n.send_mss == 1448);  // 1460 less the 12 octets of timestamps in every segment
  CHECK(n.window_scaling);
  CHECK(n.send_scale == 8);
  CHECK(n.receive_scale == 8);
  CHECK(n.sack_permitted);
  CHECK(n.timestamps);
}

TEST_CASE("SYN-ACK answers only what the SYN offered", "[driver][options]") {
  Fixture f;
  wire::TcpOptions mss_only;
  mss_only.mss = 1400;
  const tcp::Actions a = passive_answer(f, mss_only);
  REQUIRE(a.send.size() == 1);
  const wire::TxDescriptor& sa = a.send[0];
  CHECK(sa.has_mss);  // Linux always sends its MSS
  CHECK(sa.mss == 1460);
  CHECK_FALSE(sa.has_window_scale);  // RFC 7323 section 2.2: only if the SYN had it
  CHECK_FALSE(sa.sack_permitted);    // RFC 2018: only if the SYN had it
  CHECK_FALSE(sa.has_timestamps);    // RFC 7323 section 3.2: only if the SYN had it
  CHECK(option_octets(sa) == std::vector<uint8_t>{2, 4, 0x05, 0xb4});
  const tcp::Negotiated& n = f.c.negotiated();
  CHECK(n.send_mss == 1400);
  CHECK_FALSE(n.window_scaling);
  CHECK(n.receive_scale == 0);  // our windows are not scaled either
  CHECK_FALSE(n.timestamps);
}

TEST_CASE("No MSS option: the peer's MSS is 536 (RFC 9293 section 3.7.1)", "[driver][options]") {
  Fixture f;
  passive_answer(f, wire::TcpOptions{});
  CHECK(f.c.negotiated().peer_mss == 536);
  CHECK(f.c.negotiated().send_mss == 536);
}

TEST_CASE("Window scale only when both sides sent it", "[driver][options]") {
  tcp::ConnectionConfig config;
  config.options.window_scaling = false;  // net.ipv4.tcp_window_scaling = 0
  Fixture f(1000, config);
  const tcp::Actions a = passive_answer(f, linux_syn_options());
  CHECK_FALSE(a.send[0].has_window_scale);
  CHECK_FALSE(f.c.negotiated().window_scaling);
  CHECK(f.c.negotiated().send_scale == 0);  // the peer's windows are taken as they are

  Fixture g;  // we offer it, the SYN-ACK does not answer it
  g.to_syn_sent();
  PeerSegment synack = peer_syn_ack(1001);
  synack.options.mss = 1460;
  g.recv(synack);
  REQUIRE(g.c.state() == State::kEstablished);
  CHECK_FALSE(g.c.negotiated().window_scaling);
  CHECK(g.c.negotiated().receive_scale == 0);
  const tcp::Actions fin = g.c.close(g.now);
  CHECK(fin.send[0].window == 65535);  // 268640 unscaled, capped to 16 bits
  CHECK_FALSE(fin.send[0].has_timestamps);  // not answered: not used
}

TEST_CASE("Active open: the SYN-ACK's options are the connection's", "[driver][options]") {
  Fixture f;
  f.to_syn_sent();
  PeerSegment synack = peer_syn_ack(1001, linux_syn_options(4242));
  synack.options.window_scale = 15;  // above 14: RFC 7323 section 2.3 says use 14
  synack.options.timestamps = std::make_pair(4242u, 10000u);
  const tcp::Actions a = f.recv(synack);
  const tcp::Negotiated& n = f.c.negotiated();
  CHECK(n.send_scale == 14);
  CHECK(n.receive_scale == 8);
  CHECK(n.ts_recent == 4242);
  REQUIRE(a.send.size() == 1);
  CHECK(a.send[0].has_timestamps);  // every segment carries them once agreed
  CHECK(a.send[0].ts_ecr == 4242);
  CHECK_FALSE(a.send[0].has_mss);  // options of SYNs only
  CHECK(a.send[0].window == 268640 >> 8);  // our window, scaled from now on
  // The peer's later windows are scaled by its shift.
  PeerSegment ack = f.ack(1001);
  ack.window = 3;
  f.recv(ack);
  CHECK(f.c.snd_wnd() == 3u << 14);
}

// RST sent and accepted as RFC 9293 section 3.10.7 says, with RFC 5961's
// defences: an in-window RST that is not exactly at RCV.NXT, and any SYN in
// a synchronized state, earn a challenge ACK; ACKs outside the acceptable
// range are answered and dropped; unacceptable segments get an ACK. And
// frames the parser refused are never acted on.
#include "driver_test_util.h"

using namespace driver_test;
using tcp::EventKind;
using tcp::State;

TEST_CASE("RST in window but not at RCV.NXT: challenge ACK (RFC 5961 3.2)", "[driver][rst]") {
  Fixture f;
  f.to_established();
  const tcp::Actions a = f.recv(peer_rst(kPeerIsn + 1 + 100));
  CHECK(f.c.state() == State::kEstablished);
  require_one(a, flag::kAck, 1001, kPeerIsn + 1);  // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
  CHECK(a.events.empty());
  CHECK(f.c.counters().challenge_acks == 1);
}

TEST_CASE("RST outside the window: dropped silently (RFC 5961 3.2)", "[driver][rst]") {
  Fixture f;
  f.to_established();
  const tcp::Actions a = f.recv(peer_rst(kPeerIsn + 1 + f.c.rcv_wnd() + 10));
  CHECK(f.c.state() == State::kEstablished);
  CHECK(a.send.empty());
  const tcp::Actions b = f.recv(peer_rst(kPeerIsn));  // just before RCV.NXT
  CHECK(b.send.empty());
  CHECK(f.c.state() == State::kEstablished);
  CHECK(f.c.counters().challenge_acks == 0);
}

TEST_CASE("SYN-SENT: RST without ACK is dropped", "[driver][rst]") {
  Fixture f;
  f.to_syn_sent();
  const tcp::Actions a = f.recv(peer_rst(0));
  CHECK(f.c.state() == State::kSynSent);
  CHECK(a.send.empty());
  CHECK(a.events.empty());
}

TEST_CASE("SYN-SENT: RST with an unacceptable ACK is dropped", "[driver][rst]") {
  Fixture f;
  f.to_syn_sent();
  PeerSegment p = peer_rst(0);
  p.flags |= flag::kAck;
  p.ack = 1000;  // acknowledges the ISS itself, not our SYN: SEG.ACK =< ISS
  const tcp::Actions a = f.recv(p);
  CHECK(f.c.state() == State::kSynSent);
  CHECK(a.send.empty());
}

TEST_CASE("SYN-SENT: an ACK of what we never sent gets RST <SEQ=SEG.ACK>", "[driver][rst]") {
  Fixture f;
  f.to_syn_sent();
  PeerSegment p;
  p.flags = flag::kSyn | flag::kAck;
  p.seq = kPeerIsn;
  p.ack = 7777;  // beyond SND.NXT
  const tcp::Actions a = f.recv(p);
  CHECK(f.c.state() == State::kSynSent);
  require_one(a, flag::kRst, 7777);
  CHECK(a.send[0].window == 0);
  CHECK_FALSE(a.send[0].has_timestamps);
}

TEST_CASE("SYN in ESTABLISHED: challenge ACK, in or out of the window (RFC 5961 4)",
          "[driver][rst]") {
  Fixture f;
  f.to_established();
  const uint32_t seq = GENERATE(kPeerIsn + 1, kPeerIsn + 1 + 1000, kPeerIsn + 1 + 0x40000000u);
  PeerSegment syn = peer_syn(seq);
  const tcp::Actions a = f.recv(syn);
  CHECK(f.c.state() == State::kEstablished);
  require_one(a, flag::kAck, 1001, kPeerIsn + 1);
  CHECK(f.c.counters().challenge_acks == 1);
}

TEST_CASE("SYN in TIME-WAIT: challenge ACK", "[driver][rst]") {
  Fixture f;
  f.to_time_wait();
  PeerSegment syn = peer_syn(kPeerIsn + 50000);
  const tcp::Actions a = f.recv(syn);
  CHECK(f.c.state() == State::kTimeWait);
  require_one(a, flag::kAck, 1002, kPeerIsn + 2);
}

TEST_CASE("ACK of data not yet sent in ESTABLISHED: ACK and drop (RFC 5961 5.2, as Linux 6.18)",
          "[driver][rst]") {
  Fixture f;
  f.to_established();
  PeerSegment p = f.ack(1001 + 500);
  p.flags |= flag::kFin;  // a FIN on it is not taken either
  const tcp::Actions a = f.recv(p);
  CHECK(f.c.state() == State::kEstablished);
  require_one(a, flag::kAck, 1001, kPeerIsn + 1);  // the FIN not taken
  CHECK(f.c.snd_una().raw() == 1001);
  CHECK(f.c.counters().ack_of_unsent == 1);
}

TEST_CASE("ACK older than SND.UNA - MAX.SND.WND: ACK and drop (RFC 5961 5.2)", "[driver][rst]") {
  Fixture f;
  f.to_established();
  // The peer's largest window so far is its SYN-ACK's, kPeerWindow.
  PeerSegment too_old = f.ack(1001 - kPeerWindow - 1);
  too_old.flags |= flag::kFin;
  const tcp::Actions a = f.recv(too_old);
  CHECK(f.c.state() == State::kEstablished);
  require_one(a, flag::kAck, 1001, kPeerIsn + 1);
  // Just inside the range: accepted (an old duplicate ACK), the FIN taken.
  PeerSegment old_ok = f.ack(1001 - kPeerWindow);
  old_ok.flags |= flag::kFin;
  f.recv(old_ok);
  CHECK(f.c.state() == State::kCloseWait);
}

TEST_CASE("Segment outside the receive window: ACK and drop (RFC 9293 3.10.7.4)",
          "[driver][rst]") {
  Fixture f;
  f.to_established();
  PeerSegment p = f.ack(1001, kPeerIsn + 1 + 0x100000);
  p.payload_len = 10;
  p.flags |= flag::kFin;
  const tcp::Actions a = f.recv(p);
  CHECK(f.c.state() == State::kEstablished);
  require_one(a, flag::kAck, 1001, kPeerIsn + 1);
  CHECK(f.c.counters().unacceptable_acked == 1);
}

TEST_CASE("SYN-RECEIVED: an unacceptable ACK gets RST <SEQ=SEG.ACK>", "[driver][rst]") {
  Fixture f;
  f.to_syn_received_passive();
  const tcp::Actions a = f.recv(f.ack(5555));
  CHECK(f.c.state() == State::kSynReceived);
  require_one(a, flag::kRst, 5555);
}

TEST_CASE("SYN-RECEIVED: the peer's retransmitted SYN gets the SYN-ACK again", "[driver][rst]") {
  Fixture f;
  f.to_syn_received_passive();
  PeerSegment syn = peer_syn(kPeerIsn, linux_syn_options());
  const tcp::Actions a = f.recv(syn);
  CHECK(f.c.state() == State::kSynReceived);
  require_one(a, flag::kSyn | flag::kAck, 1000, kPeerIsn + 1);
  CHECK(f.c.counters().challenge_acks == 0);
}

TEST_CASE("SYN-RECEIVED: RST in window but not exact gets a challenge ACK", "[driver][rst]") {
  Fixture f;
  f.to_syn_received_passive();
  const tcp::Actions a = f.recv(peer_rst(kPeerIsn + 10));
  CHECK(f.c.state() == State::kSynReceived);
  require_one(a, flag::kAck, 1001, kPeerIsn + 1);
}

// The frame of a SYN-ACK answering our SYN (ISS 1000), to be spoiled.
std::vector<uint8_t> syn_ack_frame() {
  wire::TxDescriptor d;
  d.ip_src = kRemoteIp;
  d.ip_dst = kLocalIp;
  d.src_port = kRemotePort;
  d.dst_port = kLocalPort;
  d.tcp_flags = flag::kSyn | flag::kAck;
  d.seq = kPeerIsn;
  d.ack = 1001;
  d.window = kPeerWindow;
  return wire::emit_frame(wire::to_frame_repr(d), {});
}

TEST_CASE("Segments with a bad checksum are never acted on, and counted", "[driver][rst]") {
  Fixture f;
  f.to_syn_sent();
  auto frame = syn_ack_frame();
  frame[wire::frame::kTcpOffset + 14] ^= 0x01;  // the window: the TCP checksum no longer holds
  const tcp::Segment bad = tcpoe::kernels::expected_rx_descriptor(frame);
  REQUIRE(bad.tcp_csum_checked);
  REQUIRE_FALSE(bad.tcp_csum_ok);
  const tcp::Actions a = f.c.on_segment(bad, f.now);
  CHECK(a.send.empty());
  CHECK(a.events.empty());
  CHECK(f.c.state() == State::kSynSent);
  CHECK(f.c.counters().bad_checksum == 1);
  // The same frame unspoiled completes the handshake.
  CHECK(has_event(f.c.on_segment(tcpoe::kernels::expected_rx_descriptor(syn_ack_frame()), f.now),
                  EventKind::kEstablished));
}

TEST_CASE("Malformed segments are never acted on, and counted", "[driver][rst]") {
  Fixture f;
  f.to_syn_sent();
  auto frame = syn_ack_frame();
  frame[wire::frame::kTcpOffset + 12] = 0x40;  // data offset 4: below the minimum of 5
  const tcp::Segment bad = tcpoe::kernels::expected_rx_descriptor(frame);
  REQUIRE(bad.malformed == wire::Malformed::kTcpDataOffset);
  const tcp::Actions a = f.c.on_segment(bad, f.now);
  CHECK(a.send.empty());
  CHECK(f.c.state() == State::kSynSent);
  CHECK(f.c.counters().malformed == 1);

  // The table counts them too, and answers nothing (its 4-tuple may be wrong).
  tcp::ConnectionTable table(seeded_config());
  CHECK(table.on_segment(bad, 1s).send.empty());
  CHECK(table.counters().malformed == 1);
  auto corrupt = syn_ack_frame();
  corrupt[wire::frame::kIpv4Offset + 8] ^= 0xff;  // the TTL: the IPv4 checksum no longer holds
  CHECK(table.on_segment(tcpoe::kernels::expected_rx_descriptor(corrupt), 1s).send.empty());
  CHECK(table.counters().bad_checksum == 1);
  CHECK(table.counters().resets_sent == 0);
}

// The Linux kernel as the judge of what the RTL builds: a SYN from the
// builder, written to a TAP device whose far end is a listening socket in a
// private network namespace, is answered by the kernel's SYN-ACK; the same
// SYN with its TCP checksum broken is ignored. Without the privileges for a
// TAP device and a namespace every test here exits 77 (ctest: skipped).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "../support/subprocess.h"
#include "builder_lockstep.h"
#include "builder_tap_util.h"
#include "tap_peer.h"
#include "tcpoe/wire/frame.h"

namespace {

using namespace std::chrono_literals;
using tcpoe::sim::TapPeer;
using tcpoe::sim::TxSegment;
namespace wire = tcpoe::wire;
namespace flag = tcpoe::wire::tcp::flag;

// A SYN as Linux sends it, built by the RTL at DATA_W `w` in lockstep with
// the HLS model.
std::vector<uint8_t> rtl_syn(const TapPeer& peer, int w, uint16_t src_port, uint32_t isn) {
  const TxSegment s(tcpoe::test::linux_syn_to(peer, src_port, isn));
  tcpoe::sim::BuilderRunOptions opt;
  opt.data_width = w;
  const auto r = tcpoe::sim::run_builder({s}, opt);
  INFO(r.failure);
  REQUIRE(r.ok);
  REQUIRE(r.frames.size() == 1);
  REQUIRE(r.frames[0].size() == 74);  // a Linux SYN
  return r.frames[0];
}

}  // namespace

TEST_CASE("Linux answers a SYN built by the RTL with a SYN-ACK - at every DATA_W",
          "[builder][tap]") {
  auto peer = tcpoe::test::open_peer_or_skip("tcpoebs0");
  uint16_t port = 40000;
  for (int w : {64, 128, 256, 512}) {
    const uint32_t isn = 0x10000000u * uint32_t(w / 64) + 77;
    const auto syn = rtl_syn(*peer, w, port, isn);
    REQUIRE(peer->send(syn));
    const auto reply = peer->receive_tcp(2000ms);
    INFO("DATA_W=" << w << " SYN " << tcpoe::test::to_hex(syn));
    REQUIRE(reply.has_value());
    const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(*reply));
    REQUIRE(p.malformed == wire::Malformed::kNone);
    CHECK(p.repr.tcp.flags == (flag::kSyn | flag::kAck));
    CHECK(p.repr.tcp.ack == isn + 1);
    CHECK(p.repr.tcp.src_port == peer->config().listen_port);
    CHECK(p.repr.tcp.dst_port == port);
    // It understood our options: it echoes our TSval and sends its own.
    REQUIRE(p.repr.tcp.options.timestamps.has_value());
    CHECK(p.repr.tcp.options.timestamps->second == 0x01020304u);
    ++port;
  }
}

TEST_CASE("Linux ignores the RTL's SYN with a corrupted TCP checksum - answers the intact one",
          "[builder][tap]") {
  auto peer = tcpoe::test::open_peer_or_skip("tcpoebs1");
  const uint32_t isn = 0xabcdef01;
  std::vector<uint8_t> syn = rtl_syn(*peer, 64, 41000, isn);
  std::vector<uint8_t> bad = syn;
  bad[wire::frame::kTcpOffset + wire::tcp::kChecksum.offset + 1] ^= 0x01;
  REQUIRE(peer->send(bad));
  const auto none = peer->receive_tcp(1500ms);
  CHECK_FALSE(none.has_value());
  // The same kernel, the same SYN, intact: answered. So the silence above
  // was the checksum, not a deaf peer.
  REQUIRE(peer->send(syn));
  const auto reply = peer->receive_tcp(2000ms);
  REQUIRE(reply.has_value());
  const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(*reply));
  REQUIRE(p.malformed == wire::Malformed::kNone);
  CHECK(p.repr.tcp.flags == (flag::kSyn | flag::kAck));
  CHECK(p.repr.tcp.ack == isn + 1);
}

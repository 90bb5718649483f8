// Linux's own SYNs and SYN-ACKs, rebuilt by the RTL byte for byte. For each
// of the 8 combinations of net.ipv4.tcp_timestamps / tcp_sack /
// tcp_window_scaling (set inside a network namespace this test creates, never
// on the host), the kernel's SYN (it connect()s to us) and its SYN-ACK (it
// listens; we send a SYN offering every option) are captured from a TAP
// device, parsed by the wire layer into a TX descriptor, and built by
// rtl/tcp_tx_builder.sv in lockstep with its HLS model at every DATA_W. The
// built frame must be the kernel's frame: this is what pins the option
// layout to Linux's tcp_options_write() (the lockstep and the scapy oracle
// share our idea of the layout, so they cannot). Without the privileges for
// a TAP device and a namespace the test exits 77 (ctest: skipped).
//
// What the descriptor cannot express, and so is checked separately against
// the value the builder always writes (a kernel that set it otherwise would
// fail here, by name, before the byte comparison): EtherType IPv4 and
// protocol TCP, IHL 5 (no IP options), the reserved and MF flags and the
// fragment offset zero, the TCP reserved bits zero, and no option kinds other
// than MSS, window scale, SACK-permitted and timestamps. The option order is
// not in the descriptor either: it is what the byte comparison judges.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <string>

#include "../support/subprocess.h"
#include "builder_lockstep.h"
#include "builder_tap_util.h"
#include "tap_peer.h"
#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/ipv4.h"
#include "tcpoe/wire/tcp.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace {

using namespace std::chrono_literals;
using tcpoe::sim::TapPeer;
namespace wire = tcpoe::wire;
namespace flag = tcpoe::wire::tcp::flag;

struct Sysctls {
  bool timestamps, sack, window_scaling;
};

std::string describe(const Sysctls& s) {
  return std::string("tcp_timestamps=") + (s.timestamps ? "1" : "0") +
         " tcp_sack=" + (s.sack ? "1" : "0") +
         " tcp_window_scaling=" + (s.window_scaling ? "1" : "0");
}

// The kernel's frame as a TX descriptor, after checking that everything the
// descriptor cannot carry has the value the builder writes.
wire::TxDescriptor descriptor_of(const std::vector<uint8_t>& frame) {
  const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(frame));
  // kNone: EtherType IPv4, protocol TCP, IHL 5, MF and fragment offset zero.
  REQUIRE(p.malformed == wire::Malformed::kNone);
  REQUIRE(p.ip_checksum_ok);
  REQUIRE(p.tcp_checksum_ok);
  const wire::ConstIpv4Packet ip(wire::ByteSpan(frame).subspan(wire::frame::kIpv4Offset));
  CHECK_FALSE(ip.reserved_flag());
  const wire::ConstTcpSegment tcp(wire::ByteSpan(frame).subspan(wire::frame::kTcpOffset));
  CHECK(tcp.reserved() == 0);
  CHECK(p.repr.tcp.options.unknown_skipped == 0);
  CHECK(p.payload_len == 0);
  // Frames from a TAP device are not padded, and neither are the builder's.
  CHECK(frame.size() == std::size_t(p.payload_offset));
  return wire::from_frame_repr(p.repr);
}

// The RTL's frame for `frame`'s descriptor must be `frame`, at every DATA_W.
void check_rebuilt(const std::vector<uint8_t>& frame, const char* what, const Sysctls& s) {
  INFO(what << " with " << describe(s) << ": " << tcpoe::test::to_hex(frame));
  const wire::TxDescriptor d = descriptor_of(frame);
  // The option set must follow the sysctls: else the capture is not what
  // this test means to judge.
  CHECK(d.has_mss);
  CHECK(d.has_timestamps == s.timestamps);
  CHECK(d.sack_permitted == s.sack);
  CHECK(d.has_window_scale == s.window_scaling);
  for (int w : tcpoe::sim::kDataWidths) {
    INFO("DATA_W=" << w);
    tcpoe::sim::BuilderRunOptions opt;
    opt.data_width = w;
    const auto r = tcpoe::sim::run_builder({tcpoe::sim::TxSegment(d)}, opt);
    INFO(r.failure);
    REQUIRE(r.ok);
    REQUIRE(r.frames.size() == 1);
    CHECK(tcpoe::test::to_hex(r.frames[0]) == tcpoe::test::to_hex(frame));
  }
}

// The next TCP frame from the kernel that `wanted` accepts, within 3 s. Others
// are skipped: the SYN-ACKs and SYNs of earlier rounds, which nobody answers,
// are retransmitted meanwhile.
template <typename Wanted>
std::vector<uint8_t> receive(TapPeer& peer, const char* what, Wanted wanted) {
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto f = peer.receive_tcp(200ms);
    if (!f) continue;
    const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(*f));
    if (p.malformed == wire::Malformed::kNone && wanted(p.repr.tcp)) return *f;
  }
  FAIL("no " << what << " from the kernel within 3 s");
  return {};
}

}  // namespace

TEST_CASE("the RTL rebuilds Linux's SYN and SYN-ACK byte for byte - every option sysctl",
          "[builder][tap][linux]") {
  // The TAP device and its namespace "<name>-ns", unique to this process.
  const auto peer = tcpoe::test::open_peer_or_skip("tcpoels" + std::to_string(getpid()));
  std::string why;

  uint16_t port = 42000;
  for (int combo = 0; combo < 8; ++combo) {
    const Sysctls s{(combo & 1) != 0, (combo & 2) != 0, (combo & 4) != 0};
    INFO(describe(s));
    const auto on = [](bool b) { return std::string(b ? "1" : "0"); };
    {
      const bool set = peer->set_sysctls({"net.ipv4.tcp_timestamps=" + on(s.timestamps),
                                          "net.ipv4.tcp_sack=" + on(s.sack),
                                          "net.ipv4.tcp_window_scaling=" + on(s.window_scaling)},
                                         &why);
      INFO(why);
      REQUIRE(set);
    }

    // The kernel as the client: its SYN.
    {
      const bool connecting = peer->connect_to_us(port, &why);
      INFO(why);
      REQUIRE(connecting);
    }
    const auto syn = receive(*peer, "SYN", [port](const wire::TcpRepr& t) {
      return t.flags == flag::kSyn && t.dst_port == port;
    });
    check_rebuilt(syn, "the kernel's SYN", s);

    // The kernel as the server: its SYN-ACK to our SYN, which offers every
    // option, so that what the SYN-ACK carries is up to the sysctls alone.
    const uint32_t isn = 0x5a000000u + uint32_t(combo);
    const wire::TxDescriptor our_syn = tcpoe::test::linux_syn_to(*peer, port, isn);
    REQUIRE(peer->send(wire::emit_frame(wire::to_frame_repr(our_syn), {})));
    const auto syn_ack = receive(*peer, "SYN-ACK", [isn](const wire::TcpRepr& t) {
      return t.flags == (flag::kSyn | flag::kAck) && t.ack == isn + 1;
    });
    check_rebuilt(syn_ack, "the kernel's SYN-ACK", s);
    ++port;
  }
}

// The Linux kernel behind a TAP device (sim/tap) as an end of the Ethernet
// wire: a SYN crosses the wire, the kernel's SYN-ACK comes back on it at
// simulated times, and a SYN the kernel sends by itself is pumped onto the
// wire. Without the privileges for a TAP device it exits 77 (ctest: skipped).
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <unistd.h>

#include "../builder/builder_tap_util.h"
#include "../support/tshark_check.h"
#include "ethernet_wire.h"
#include "peer_end.h"
#include "tcpoe/wire/frame.h"
#include "test_frames.h"

namespace {

using namespace std::chrono_literals;
using tcpoe::sim::EthernetWire;
using tcpoe::sim::Frame;
using tcpoe::sim::TapPeer;
namespace wire = tcpoe::wire;
namespace flag = tcpoe::wire::tcp::flag;

struct Recorder : tcpoe::sim::WireEnd {
  std::vector<std::pair<Frame, uint64_t>> arrivals;
  void frame_arrived(const Frame& frame, uint64_t time_ps) override {
    arrivals.push_back({frame, time_ps});
  }
};

wire::FrameRepr parse(const Frame& f) {
  const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(f));
  REQUIRE(p.malformed == wire::Malformed::kNone);
  CHECK(p.ip_checksum_ok);
  CHECK(p.tcp_checksum_ok);
  return p.repr;
}

// Unique per process: parallel ctest runs never share a namespace.
std::string netns_name(const char* tag) { return std::string("tcw") + tag + std::to_string(getpid()); }

}  // namespace

TEST_CASE("wire: the Linux kernel as an end answers a SYN that crossed the wire", "[wire][tap]") {
  auto peer = tcpoe::test::open_peer_or_skip(netns_name("a"));
  const std::string pcap = "/tmp/tcpoe-wt-" + std::to_string(getpid()) + ".pcap";
  tcpoe::sim::EthernetWireConfig cfg;
  cfg.pcap_path = pcap;
  EthernetWire w(cfg);
  Recorder device;
  w.attach(0, &device);
  tcpoe::sim::PeerEnd<TapPeer> end(w, 1, *peer, /*response_delay_ps=*/1'000'000, 2000ms);

  tcpoe::test::SynSpec s;
  s.src_port = 40011;
  const Frame syn = tcpoe::test::linux_syn(s);
  const auto t = w.send(0, syn, 0);
  w.deliver_until(UINT64_MAX);
  REQUIRE(end.frames_received() == 1);
  REQUIRE(device.arrivals.size() == 1);
  const wire::FrameRepr r = parse(device.arrivals[0].first);
  CHECK(r.tcp.flags == (flag::kSyn | flag::kAck));
  CHECK(r.tcp.ack == s.seq + 1);
  CHECK(r.tcp.dst_port == 40011);
  // The answer left 1 us after the SYN arrived (simulated time, whatever
  // the kernel took in wall-clock time).
  const uint64_t syn_arrival = t.start_ps + (8 + syn.size() + 4) * 800;
  CHECK(device.arrivals[0].second ==
        syn_arrival + 1'000'000 + (8 + device.arrivals[0].first.size() + 4) * 800);
  w.flush_capture();
  const tcpoe::test::TsharkVerdict v = tcpoe::test::tshark_check(pcap);
  INFO(v.raw);
  CHECK(v.ran);
  CHECK(v.frames == 2);
  CHECK(v.problems.empty());
  std::remove(pcap.c_str());
}

TEST_CASE("wire: a SYN the kernel sends by itself is pumped onto the wire", "[wire][tap]") {
  auto peer = tcpoe::test::open_peer_or_skip(netns_name("b"));
  EthernetWire w({});
  Recorder device;
  w.attach(0, &device);
  tcpoe::sim::PeerEnd<TapPeer> end(w, 1, *peer);
  std::string why;
  REQUIRE(peer->connect_to_us(7777, &why));
  CHECK(end.pump(5'000'000, 2000ms) >= 1);
  w.deliver_until(UINT64_MAX);
  REQUIRE(!device.arrivals.empty());
  const wire::FrameRepr r = parse(device.arrivals[0].first);
  CHECK(r.tcp.flags == flag::kSyn);
  CHECK(r.tcp.dst_port == 7777);
  CHECK(device.arrivals[0].second == 5'000'000 + (8 + device.arrivals[0].first.size() + 4) * 800);
}

// TapPeer against the real Linux TCP stack in a private namespace. Without
// the privileges for that, every test here exits with 77 (ctest: skipped),
// so a missing oracle never shows up as a pass.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/subprocess.h"
#include "../support/tshark_check.h"
#include "pcap_writer.h"
#include "tap_peer.h"
#include "test_frames.h"

namespace {

using namespace std::chrono_literals;
using tcpoe::sim::TapPeer;
using tcpoe::sim::TapPeerConfig;
namespace wire = tcpoe::wire;
namespace flag = tcpoe::wire::tcp::flag;

constexpr int kSkipExitCode = 77;  // registered as SKIP_RETURN_CODE

void skip_unless_privileged() {
  std::string why;
  if (TapPeer::privileges_ok(&why)) return;
  std::fprintf(stderr, "\n*** SKIPPED: TapPeer needs privileges this process lacks: %s\n",
               why.c_str());
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(kSkipExitCode);
}

// Each test its own namespace, so ctest -j cannot make two tests share one.
std::unique_ptr<TapPeer> open_peer(const std::string& name, uint16_t listen_port = 5201) {
  skip_unless_privileged();
  TapPeerConfig cfg;
  cfg.name = name;
  cfg.listen_port = listen_port;
  std::string why;
  std::unique_ptr<TapPeer> peer = TapPeer::open(cfg, &why);
  INFO("TapPeer::open: " << why);
  REQUIRE(peer != nullptr);
  return peer;
}

tcpoe::test::SynSpec syn_to(const TapPeer& peer, uint16_t src_port, uint16_t dst_port) {
  tcpoe::test::SynSpec s;
  s.src_mac = peer.config().our_mac;
  s.dst_mac = peer.peer_mac();
  s.src_ip = peer.config().our_ip;
  s.dst_ip = peer.config().peer_ip;
  s.src_port = src_port;
  s.dst_port = dst_port;
  return s;
}

// The kernel's frame parsed by the wire layer, which must find it well formed.
wire::FrameRepr parse_reply(const std::vector<uint8_t>& frame) {
  const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(frame));
  INFO("reply " << tcpoe::test::to_hex(frame));
  REQUIRE(p.malformed == wire::Malformed::kNone);
  // No checksum offload on the TAP: the kernel filled in both.
  CHECK(p.ip_checksum_ok);
  CHECK(p.tcp_checksum_ok);
  return p.repr;
}

bool path_exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE("TapPeer: the kernel answers a Linux-style SYN with a SYN-ACK", "[tap]") {
  auto peer = open_peer("tcpoe-wm1");
  const std::string pcap = "/tmp/tcpoe-wm1-" + std::to_string(getpid()) + ".pcap";
  tcpoe::sim::PcapWriter capture(pcap);
  REQUIRE(capture.ok());
  const auto t0 = std::chrono::steady_clock::now();
  auto now_ns = [&] {
    return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now() - t0).count());
  };

  const tcpoe::test::SynSpec s = syn_to(*peer, 40001, 5201);
  const std::vector<uint8_t> syn = tcpoe::test::linux_syn(s);
  capture.write(syn, now_ns());
  REQUIRE(peer->send(syn));
  const auto reply = peer->receive_tcp(2000ms);
  REQUIRE(reply.has_value());
  capture.write(*reply, now_ns());
  capture.close();

  const wire::FrameRepr r = parse_reply(*reply);
  CHECK(r.eth.dst == peer->config().our_mac);
  CHECK(r.eth.src == peer->peer_mac());
  CHECK(r.ip.src == peer->config().peer_ip);
  CHECK(r.ip.dst == peer->config().our_ip);
  CHECK(r.tcp.src_port == 5201);
  CHECK(r.tcp.dst_port == 40001);
  CHECK(r.tcp.flags == (flag::kSyn | flag::kAck));
  CHECK(r.tcp.ack == s.seq + 1);
  // Linux echoes what we offered: a 1500-octet MTU gives MSS 1460.
  CHECK(r.tcp.options.mss == uint16_t{1460});
  CHECK(r.tcp.options.sack_permitted);
  CHECK(r.tcp.options.window_scale.has_value());
  REQUIRE(r.tcp.options.timestamps.has_value());
  CHECK(r.tcp.options.timestamps->second == s.ts_val);

  // Wireshark, a second judge, finds both directions clean.
  const tcpoe::test::TsharkVerdict v = tcpoe::test::tshark_check(pcap);
  std::string problems;
  for (const std::string& p : v.problems) problems += p + "\n";
  INFO(problems << v.raw);
  CHECK(v.ran);
  CHECK(v.frames == 2);
  CHECK(v.problems.empty());
  std::remove(pcap.c_str());
}

TEST_CASE("TapPeer: the kernel drops SYNs with a bad checksum and answers the next good one",
          "[tap]") {
  auto peer = open_peer("tcpoe-wm2");
  const tcpoe::test::SynSpec s = syn_to(*peer, 40002, 5201);
  const std::vector<uint8_t> good = tcpoe::test::linux_syn(s);

  std::vector<uint8_t> bad_tcp = good;
  bad_tcp[tcpoe::test::kTcpChecksumAt] ^= 0x80;
  REQUIRE(peer->send(bad_tcp));
  CHECK_FALSE(peer->receive_tcp(500ms).has_value());

  std::vector<uint8_t> bad_ip = good;
  bad_ip[tcpoe::test::kIpChecksumAt + 1] ^= 0x01;
  REQUIRE(peer->send(bad_ip));
  CHECK_FALSE(peer->receive_tcp(300ms).has_value());

  // The same SYN, intact: had either damaged copy been accepted, this would
  // be a retransmission and the answer would still come, so the silences
  // above are what prove the drops.
  REQUIRE(peer->send(good));
  const auto reply = peer->receive_tcp(2000ms);
  REQUIRE(reply.has_value());
  const wire::FrameRepr r = parse_reply(*reply);
  CHECK(r.tcp.flags == (flag::kSyn | flag::kAck));
  CHECK(r.tcp.ack == s.seq + 1);
}

TEST_CASE("TapPeer: a SYN to a closed port gets RST-ACK", "[tap]") {
  auto peer = open_peer("tcpoe-wm3");
  const tcpoe::test::SynSpec s = syn_to(*peer, 40003, 5202);
  REQUIRE(peer->send(tcpoe::test::linux_syn(s)));
  const auto reply = peer->receive_tcp(2000ms);
  REQUIRE(reply.has_value());
  const wire::FrameRepr r = parse_reply(*reply);
  CHECK(r.tcp.src_port == 5202);
  CHECK(r.tcp.dst_port == 40003);
  CHECK(r.tcp.flags == (flag::kRst | flag::kAck));
  CHECK(r.tcp.seq == 0);
  CHECK(r.tcp.ack == s.seq + 1);
}

TEST_CASE("TapPeer: the listener accepts and reads what a handshake delivers", "[tap]") {
  auto peer = open_peer("tcpoe-wm5");
  tcpoe::test::SynSpec s = syn_to(*peer, 40005, 5201);
  REQUIRE(peer->send(tcpoe::test::linux_syn(s)));
  const auto synack = peer->receive_tcp(2000ms);
  REQUIRE(synack.has_value());
  const wire::FrameRepr sa = parse_reply(*synack);
  REQUIRE(sa.tcp.flags == (flag::kSyn | flag::kAck));

  // ACK carrying 5 octets, timestamps as negotiated.
  wire::FrameRepr d = tcpoe::test::linux_syn_repr(s);
  d.tcp.flags = flag::kAck | flag::kPsh;
  d.tcp.seq = s.seq + 1;
  d.tcp.ack = sa.tcp.seq + 1;
  d.tcp.window = 502;
  d.tcp.options = {};
  d.tcp.options.timestamps = std::make_pair(s.ts_val + 1, sa.tcp.options.timestamps->first);
  const std::vector<uint8_t> hello{'h', 'e', 'l', 'l', 'o'};
  REQUIRE(peer->send(wire::emit_frame(d, wire::ByteSpan(hello))));

  const auto ack = peer->receive_tcp(2000ms);
  REQUIRE(ack.has_value());
  const wire::FrameRepr a = parse_reply(*ack);
  CHECK((a.tcp.flags & flag::kAck) != 0);
  CHECK(a.tcp.ack == s.seq + 1 + hello.size());
  for (int i = 0; i < 100 && peer->bytes_received() < hello.size(); ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(peer->connections_accepted() == 1);
  CHECK(peer->bytes_received() == hello.size());
}

TEST_CASE("TapPeer: the kernel side stays quiet until spoken to", "[tap]") {
  auto peer = open_peer("tcpoe-wm6");
  // IPv6 off, so no MLD reports or router solicitations when the link comes up.
  const auto v6 = tcpoe::test::run_command(
      "ip netns exec tcpoe-wm6-ns sysctl -n net.ipv6.conf.tcpoe-wm6.disable_ipv6 2>&1");
  CHECK((v6.output == "1\n" || v6.output.find("No such file") != std::string::npos));
  const auto frame = peer->receive(500ms);
  INFO("unexpected frame " << (frame ? tcpoe::test::to_hex(*frame) : ""));
  CHECK_FALSE(frame.has_value());
}

TEST_CASE("TapPeer: a stale namespace is replaced and everything is removed at the end",
          "[tap]") {
  skip_unless_privileged();
  const std::string ns = "tcpoe-wm4-ns";
  // What a crashed run leaves: the named namespace.
  tcpoe::test::run_command("ip netns add " + ns + " 2>&1");
  REQUIRE(path_exists("/run/netns/" + ns));
  {
    auto peer = open_peer("tcpoe-wm4");
    CHECK(path_exists("/run/netns/" + ns));
    const auto link = tcpoe::test::run_command("ip -n " + ns + " -o link show tcpoe-wm4 2>&1");
    CHECK(link.exit_code == 0);
    // The device lives in the namespace only.
    CHECK(!path_exists("/sys/class/net/tcpoe-wm4"));
  }
  CHECK(!path_exists("/run/netns/" + ns));
  CHECK(!path_exists("/sys/class/net/tcpoe-wm4"));
}

TEST_CASE("TapPeer: open() refuses names that cannot be interface names", "[tap]") {
  // Checked before any privilege is needed, so this runs everywhere.
  std::string why;
  TapPeerConfig cfg;
  cfg.name = "much-too-long-name";
  CHECK(TapPeer::open(cfg, &why) == nullptr);
  CHECK(why.find("15 characters") != std::string::npos);
  cfg.name = "bad name;rm";
  CHECK(TapPeer::open(cfg, &why) == nullptr);
  CHECK(!why.empty());
}

TEST_CASE("TapPeer: start_app runs a program in the namespace, its output read line by line, its exit status kept",
          "[tap]") {
  auto peer = open_peer("wma" + std::to_string(getpid() % 100000), 0);
  std::string why;
  // The program sees the namespace's interfaces: lo and the TAP device only.
  REQUIRE(peer->start_app({"/bin/sh", "-c", "echo first; ls /sys/class/net | sort | tr '\\n' ' '; echo; exit 3"},
                          &why));
  CHECK(peer->app_line(2000ms) == std::optional<std::string>("first"));
  CHECK(peer->app_line(2000ms) == std::optional<std::string>("lo " + peer->config().name + " "));
  CHECK_FALSE(peer->app_line(2000ms).has_value());  // its output closed
  std::optional<int> status;
  for (int i = 0; i < 200 && !(status = peer->app_exit()); ++i) std::this_thread::sleep_for(10ms);
  CHECK(status == std::optional<int>(3));
}

TEST_CASE("TapPeer: stop_app ends a program that runs on, and a missing program's error is its output", "[tap]") {
  auto peer = open_peer("wms" + std::to_string(getpid() % 100000), 0);
  std::string why;
  REQUIRE(peer->start_app({"/bin/sleep", "60"}, &why));
  CHECK_FALSE(peer->app_line(100ms).has_value());  // a timeout, not a hang
  CHECK_FALSE(peer->app_exit().has_value());        // still running
  const auto t0 = std::chrono::steady_clock::now();
  peer->stop_app();
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(peer->app_exit().has_value());
  REQUIRE(peer->start_app({"/nonexistent/program"}, &why));  // ip netns exec says why it cannot
  const std::optional<std::string> line = peer->app_line(2000ms);
  REQUIRE(line.has_value());
  CHECK_THAT(*line, Catch::Contains("/nonexistent/program"));
}

TEST_CASE("TapPeer: quick_ack and rto_min go on the namespace's route to us", "[tap]") {
  skip_unless_privileged();
  TapPeerConfig cfg;
  cfg.name = "wmr" + std::to_string(getpid() % 100000);
  cfg.listen_port = 0;
  cfg.quick_ack = true;
  cfg.rto_min = 10ms;
  std::string why;
  auto peer = TapPeer::open(cfg, &why);
  INFO(why);
  REQUIRE(peer);
  const auto route = tcpoe::test::run_command("ip -n " + peer->netns() + " route show 2>&1");
  INFO(route.output);
  CHECK_THAT(route.output, Catch::Contains("10.77.0.1 dev " + cfg.name));
  CHECK_THAT(route.output, Catch::Contains("rto_min lock 10ms"));  // a locked metric, as ip shows it
  CHECK_THAT(route.output, Catch::Contains("quickack 1"));
}

// tcpoe-handshake as a user runs it: our simulated host (the driver over its
// simulated PCIe device) against another simulated host, the scripted peer,
// nobody, and the Linux kernel. What it did is judged from outside: the
// capture by tshark (which shares no code with our RTL, driver or wire
// layer), --stats-json by Python's json module, the kernel's side by its own
// sockets (accept(), read() returning 0, ss). The Linux tests exit 77 (ctest:
// skipped) without the privileges for a TAP device and a namespace.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "handshake_cli.h"
#include "tap_peer.h"

namespace {

using namespace tcpoe::test::handshake_cli;

struct Segment {
  std::string flags;  // tshark's tcp.flags.str, e.g. "·······A··S·"
  uint32_t seq = 0, ack = 0;
  uint16_t sport = 0, dport = 0;
  int ip_csum = -1, tcp_csum = -1;  // tshark: 1 good, 0 bad
  bool has(char bit) const { return flags.find(bit) != std::string::npos; }
  bool syn_only() const { return has('S') && !has('A'); }
};

// The TCP segments of a capture; frames tshark finds no TCP in (a
// corrupted EtherType, say) are counted in *not_tcp, or fail the test.
std::vector<Segment> tshark_segments(const std::string& pcap, std::size_t* not_tcp = nullptr) {
  const auto r = run_command(std::string(TCPOE_TSHARK) + " -n -r " + pcap +
                             " -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE"
                             " -T fields -e tcp.flags.str -e tcp.seq_raw -e tcp.ack_raw -e tcp.srcport"
                             " -e tcp.dstport -e ip.checksum.status -e tcp.checksum.status 2>/dev/null");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  std::vector<Segment> out;
  std::istringstream lines(r.output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find_first_not_of("\t ") == std::string::npos && not_tcp) {
      ++*not_tcp;
      continue;
    }
    std::istringstream f(line);
    Segment s;
    REQUIRE(f >> s.flags >> s.seq >> s.ack >> s.sport >> s.dport >> s.ip_csum >> s.tcp_csum);
    out.push_back(s);
  }
  return out;
}

// SYN, SYN-ACK, ACK, each acknowledging the other side's SYN, checksums right.
void check_handshake(const std::vector<Segment>& s) {
  REQUIRE(s.size() >= 3);
  for (std::size_t i = 0; i < 3; ++i) {
    INFO(s[i].flags << " seq " << s[i].seq << " ack " << s[i].ack);
    CHECK(s[i].ip_csum == 1);
    CHECK(s[i].tcp_csum == 1);
    CHECK_FALSE(s[i].has('R'));
    CHECK_FALSE(s[i].has('F'));
  }
  CHECK(s[0].syn_only());
  CHECK((s[1].has('S') && s[1].has('A')));
  CHECK(s[1].ack == uint32_t(s[0].seq + 1));
  CHECK((!s[2].has('S') && s[2].has('A')));
  CHECK(s[2].seq == uint32_t(s[0].seq + 1));
  CHECK(s[2].ack == uint32_t(s[1].seq + 1));
}

}  // namespace

TEST_CASE("tcpoe-handshake by default: two simulated hosts connect through the driver and the device, then close",
          "[host][handshake]") {
  const int w = GENERATE(64, 512);
  const std::string pcap = temp("default-" + std::to_string(w) + ".pcap");
  const std::string waves = temp("waves-" + std::to_string(w));
  const Run r = handshake("--close --data-width " + std::to_string(w) + " --pcap " + pcap + " --trace-dir " + waves,
                          "default");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("peer sim: a simulated host like ours"));
  CHECK_THAT(r.output, Catch::Contains(std::to_string(w) + "-bit data path"));
  // Our states as they change, TIME-WAIT included (we closed first).
  for (const char* state : {"a: SYN-SENT", "a: ESTABLISHED", "b: accepted", "a: FIN-WAIT-1", "b: CLOSE-WAIT",
                            "b: LAST-ACK", "a: TIME-WAIT", "b: CLOSED (gone)", "a: CLOSED (gone)"})
    CHECK_THAT(r.output, Catch::Contains(state));
  CHECK_THAT(r.output, Catch::Contains("Flags [SYN,ACK]"));
  CHECK(number(r.stats, "connections_requested") == 1);
  CHECK(number(r.stats, "established") == 1);
  CHECK(number(r.stats, "closed") == 1);
  CHECK(number(r.stats, "table_size_at_end") == 0);
  CHECK(number(r.stats, "interrupts") == 0);  // poll mode
  // The breakdown's parts add up to the connect's time (each rounded to a ns).
  uint64_t sum = 0;
  for (const char* part : {"driver_out", "MMIO", "DMA_out", "header_build", "wire", "peer", "parse", "DMA_in",
                           "completion", "driver_in"})
    sum += number(r.stats, std::string("setup_breakdown_ns.") + part);
  const uint64_t setup = number(r.stats, "setup_time_ns_median");
  CHECK(sum + 10 >= setup);
  CHECK(sum <= setup + 10);
  CHECK(number(r.stats, "setup_breakdown_ns.DMA_out") > 0);  // the SYN's descriptor was fetched
  CHECK(number(r.stats, "setup_breakdown_ns.wire") > 0);
  CHECK(number(r.stats, "setup_breakdown_ns.peer") > 0);  // the peer is a host like ours
  // The capture: SYN, SYN-ACK, ACK, FIN, ACK, FIN, ACK.
  const auto s = tshark_segments(pcap);
  REQUIRE(s.size() == 7);
  check_handshake(s);
  for (const auto& seg : s) {
    CHECK(seg.ip_csum == 1);
    CHECK(seg.tcp_csum == 1);
    CHECK_FALSE(seg.has('R'));
  }
  CHECK((s[3].has('F') && s[3].seq == s[0].seq + 1));
  CHECK((s[6].has('A') && !s[6].has('F') && s[6].ack == s[5].seq + 1));
  // An FST waveform of each device, which says so in its header.
  for (const char* dev : {"a.fst", "b.fst"}) {
    const std::filesystem::path f = std::filesystem::path(waves) / dev;
    INFO(f);
    REQUIRE(std::filesystem::exists(f));
    CHECK(std::filesystem::file_size(f) > 10000);
  }
  std::filesystem::remove(pcap);
  std::filesystem::remove_all(waves);
}

TEST_CASE("tcpoe-handshake --connections 5 --close: five connections one after another, each closed, the table empty",
          "[host][handshake]") {
  const std::string pcap = temp("five.pcap");
  const Run r = handshake("--connections 5 --close --src-port 40000 --pcap " + pcap, "five");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(number(r.stats, "connections_requested") == 5);
  CHECK(number(r.stats, "established") == 5);
  CHECK(number(r.stats, "closed") == 5);
  CHECK(number(r.stats, "table_size_at_end") == 0);
  CHECK(count(r.output, "established in") == 5);
  // Five SYNs from ports 40000..40004, in that order, none before the last closed.
  std::vector<uint16_t> ports;
  for (const auto& seg : tshark_segments(pcap))
    if (seg.syn_only()) ports.push_back(seg.sport);
  CHECK(ports == std::vector<uint16_t>{40000, 40001, 40002, 40003, 40004});
  std::filesystem::remove(pcap);
}

TEST_CASE("tcpoe-handshake --connections 3 without --close: three connections stay established", "[host][handshake]") {
  const Run r = handshake("--connections 3", "three-open");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(number(r.stats, "established") == 3);
  CHECK(number(r.stats, "closed") == 0);
  CHECK(number(r.stats, "table_size_at_end") == 3);
}

// The simulated time printed at the start of the first output line holding `what`.
double printed_us(const std::string& output, const std::string& what) {
  const auto at = output.find(what);
  REQUIRE(at != std::string::npos);
  const auto line = output.rfind('\n', at) + 1;
  return std::stod(output.substr(line, at - line));
}

TEST_CASE("tcpoe-handshake --local-ip, --peer-ip and --time-wait: the addresses on the wire, TIME-WAIT as long as asked",
          "[host][handshake]") {
  const std::string pcap = temp("addresses.pcap");
  const Run r = handshake("--close --local-ip 192.168.7.1 --peer-ip 192.168.7.2 --time-wait 20 --pcap " + pcap,
                          "addresses");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto t = run_command(std::string(TCPOE_TSHARK) + " -n -r " + pcap + " -T fields -e ip.src -e ip.dst 2>/dev/null");
  std::istringstream lines(t.output);
  std::string src, dst;
  std::size_t frames = 0;
  while (lines >> src >> dst) {
    CHECK(((src == "192.168.7.1" && dst == "192.168.7.2") || (src == "192.168.7.2" && dst == "192.168.7.1")));
    ++frames;
  }
  CHECK(frames == 7);
  // TIME-WAIT 20 us of simulated time (seen within the 500 ns the state is looked at).
  const double waited = printed_us(r.output, "a: CLOSED (gone)") - printed_us(r.output, "a: TIME-WAIT");
  CHECK(waited >= 19.5);
  CHECK(waited <= 21.0);
  std::filesystem::remove(pcap);
}

TEST_CASE("tcpoe-handshake --listen: the simulated peer connects to our listener, then closes first",
          "[host][handshake]") {
  const std::string pcap = temp("listen.pcap");
  const Run r = handshake("--listen --close --connections 2 --port 6000 --pcap " + pcap, "listen");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("a: listening on port 6000"));
  CHECK_THAT(r.output, Catch::Contains("a: connection 2 accepted"));
  CHECK_THAT(r.output, Catch::Contains("a: CLOSE-WAIT"));  // the peer's FIN came first
  CHECK(number(r.stats, "established") == 2);
  CHECK(number(r.stats, "closed") == 2);
  const auto s = tshark_segments(pcap);
  REQUIRE(s.size() >= 3);
  CHECK(s[0].syn_only());
  CHECK(s[0].dport == 6000);
  CHECK(s[0].sport != 6000);
  std::filesystem::remove(pcap);
}

TEST_CASE("tcpoe-handshake --loss: lost segments are sent again, every connection established and closed",
          "[host][handshake]") {
  // Seed 5 loses frames in the first handshake (the stats say how many).
  const std::string pcap = temp("loss.pcap");
  const Run r = handshake("--close --connections 3 --loss 0.3 --seed 5 --pcap " + pcap, "loss");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(number(r.stats, "established") == 3);
  CHECK(number(r.stats, "closed") == 3);
  CHECK(number(r.stats, "wire_lost") > 0);
  // A capture keeps only what was delivered: fewer frames than were sent.
  CHECK(tshark_segments(pcap).size() == number(r.stats, "wire_frames") - number(r.stats, "wire_lost"));
  std::filesystem::remove(pcap);
}

TEST_CASE("tcpoe-handshake --dup and --reorder: duplicated and reordered segments, every connection established and closed",
          "[host][handshake]") {
  const std::string pcap = temp("dup.pcap");
  const Run r = handshake("--close --connections 3 --dup 0.3 --reorder 0.3 --seed 3 --pcap " + pcap, "dup");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(number(r.stats, "established") == 3);
  CHECK(number(r.stats, "closed") == 3);
  CHECK(number(r.stats, "wire_duplicated") > 0);
  CHECK(number(r.stats, "wire_reordered") > 0);
  CHECK(tshark_segments(pcap).size() == number(r.stats, "wire_frames") + number(r.stats, "wire_duplicated"));
  std::filesystem::remove(pcap);
}

TEST_CASE("tcpoe-handshake --corrupt: corrupted segments are dropped by the device's verdict, never acted on",
          "[host][handshake]") {
  const std::string pcap = temp("corrupt.pcap");
  // The default TIME-WAIT outlasts the peer's FIN retransmissions (twice
  // the testbed's largest RTO, as Linux's 60 s outlasts its RTOs): a FIN
  // sent again after our ACK of it was corrupted still finds the connection.
  const Run r = handshake("--close --connections 4 --corrupt 0.3 --seed 2 --pcap " + pcap, "corrupt");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(number(r.stats, "established") == 4);
  CHECK(number(r.stats, "closed") == 4);
  CHECK(number(r.stats, "wire_corrupted") > 0);
  // What reached us corrupted was dropped by the parser's verdict; tshark
  // finds bad checksums in the capture, and no RST was ever sent.
  CHECK(number(r.stats, "dropped_bad_checksum") + number(r.stats, "dropped_malformed") > 0);
  std::size_t bad = 0;
  for (const auto& seg : tshark_segments(pcap, &bad)) {
    if (seg.ip_csum == 0 || seg.tcp_csum == 0) ++bad;
    else CHECK_FALSE(seg.has('R'));
  }
  CHECK(bad > 0);
  std::filesystem::remove(pcap);
}

TEST_CASE("tcpoe-handshake's link settings: a slower PCIe link and wire raise the lower bound and the setup time",
          "[host][handshake]") {
  const Run fast = handshake("", "link-fast");
  const Run slow = handshake("--pcie-gen 1 --pcie-lanes 1 --pcie-latency 2000 --wire-gbps 1 --wire-delay 5000",
                             "link-slow");
  INFO(fast.output << "\n" << slow.output);
  REQUIRE(fast.exit_code == 0);
  REQUIRE(slow.exit_code == 0);
  CHECK_THAT(slow.output, Catch::Contains("Gen1 x1, 2000 ns host read latency"));
  CHECK_THAT(slow.output, Catch::Contains("wire 1 Gb/s"));
  const uint64_t bound_fast = number(fast.stats, "setup_time_lower_bound_ns");
  const uint64_t bound_slow = number(slow.stats, "setup_time_lower_bound_ns");
  // 2 x 1465 ns more host latency and 2 x 5 us more cable, at least.
  CHECK(bound_slow >= bound_fast + 2 * 1465 + 2 * 5000);
  CHECK(number(slow.stats, "setup_time_ns_median") > number(fast.stats, "setup_time_ns_median"));
}

TEST_CASE("tcpoe-handshake --interrupts: MSI-X wakes the driver, still no MMIO read on the fast path",
          "[host][handshake]") {
  const Run r = handshake("--interrupts --close", "irq");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("interrupt mode"));
  CHECK(number(r.stats, "interrupts") > 0);
  CHECK(number(r.stats, "closed") == 1);
}

TEST_CASE("tcpoe-handshake --peer scripted: connected and closed with the scripted listener", "[host][handshake]") {
  const std::string pcap = temp("scripted.pcap");
  const Run r = handshake("--peer scripted --close --pcap " + pcap, "scripted");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("peer scripted"));
  CHECK(number(r.stats, "closed") == 1);
  const auto s = tshark_segments(pcap);
  check_handshake(s);
  CHECK(std::count_if(s.begin(), s.end(), [](const Segment& x) { return x.has('F'); }) == 2);
  std::filesystem::remove(pcap);
}

TEST_CASE("tcpoe-handshake to a closed port: the peer's RST, connection refused, exit 1", "[host][handshake]") {
  const std::string peer = GENERATE(std::string("sim"), std::string("scripted"));
  const std::string pcap = temp("refused-" + peer + ".pcap");
  const Run r = handshake("--peer " + peer + " --port 5999 --pcap " + pcap, "refused");
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("a: connect 1 failed: connection refused"));
  CHECK(number(r.stats, "failed") == 1);
  const auto s = tshark_segments(pcap);
  REQUIRE(s.size() == 2);
  CHECK((s[0].syn_only() && s[0].dport == 5999));
  CHECK((s[1].has('R') && s[1].has('A') && s[1].ack == s[0].seq + 1 && s[1].tcp_csum == 1));
  std::filesystem::remove(pcap);
}

TEST_CASE("tcpoe-handshake --peer silent: the SYN sent again with back-off, then connection timed out, exit 1",
          "[host][handshake]") {
  const std::string pcap = temp("silent.pcap");
  const Run r = handshake("--peer silent --syn-retries 2 --rto 40 --pcap " + pcap, "silent");
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("connection timed out"));
  CHECK(number(r.stats, "failed") == 1);
  CHECK(number(r.stats, "table_size_at_end") == 0);
  // Three identical SYNs, 40 and then 80 us apart (RFC 6298 back-off).
  const auto t = run_command(std::string(TCPOE_TSHARK) + " -n -r " + pcap + " -T fields -e frame.time_relative 2>/dev/null");
  const auto s = tshark_segments(pcap);
  REQUIRE(s.size() == 3);
  for (const auto& seg : s) {
    CHECK(seg.syn_only());
    CHECK(seg.seq == s[0].seq);
  }
  std::istringstream times(t.output);
  double t0 = 0, t1 = 0, t2 = 0;
  REQUIRE(times >> t0 >> t1 >> t2);
  CHECK(std::abs((t1 - t0) * 1e6 - 40) < 2);
  CHECK(std::abs((t2 - t1) * 1e6 - 80) < 2);
  std::filesystem::remove(pcap);
}

TEST_CASE("tcpoe-handshake refuses bad arguments with a message and exit 2", "[host][handshake][bad-input]") {
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"--peer bsd", "--peer must be sim, linux, scripted or silent, not 'bsd'"},
      {"--port 0", "--port wants a whole number from 1 to 65535"},
      {"--port 70000", "--port wants a whole number from 1 to 65535"},
      {"--src-port x", "--src-port wants a whole number"},
      {"--connections 0", "--connections wants a whole number from 1"},
      {"--local-ip 10.0.0", "--local-ip wants an IPv4 address (a.b.c.d), not '10.0.0'"},
      {"--peer-ip 10.0.0.256", "--peer-ip wants an IPv4 address"},
      {"--local-ip 10.1.1.1 --peer-ip 10.1.1.1", "--local-ip and --peer-ip must differ"},
      {"--loss 1.5", "--loss wants a probability in (0, 1]"},
      {"--dup -0.1", "--dup wants a probability in (0, 1]"},
      {"--reorder x", "--reorder wants a probability"},
      {"--corrupt 2", "--corrupt wants a probability"},
      {"--seed -1", "--seed wants a whole number"},
      {"--pcie-gen 6", "--pcie-gen wants a whole number from 1 to 5"},
      {"--pcie-lanes 3", "PCIe link: "},
      {"--pcie-latency fast", "--pcie-latency wants a number"},
      {"--wire-gbps 0", "--wire-gbps wants a number"},
      {"--data-width 128", "--data-width must be 64 or 512"},
      {"--listen --peer scripted", "--listen needs a peer that connects: --peer sim or linux"},
      {"--tap-name has/slash", "--tap-name wants 1 to 15 characters"},
      {"--pcap", "--pcap needs a value"},
      {"--frobnicate", "unknown argument '--frobnicate'"},
      {"--pcap /nonexistent/x.pcap", "cannot write /nonexistent/x.pcap"},
      {"--stats-json /nonexistent/x.json", "cannot write /nonexistent/x.json"},
  };
  for (const auto& c : cases) {
    INFO("tcpoe-handshake " << c.args);
    const auto r = run_command(kCli + " " + c.args + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains(c.message));
  }
}

TEST_CASE("^C ends tcpoe-handshake's wait at once: exit 1, 'interrupted'", "[host][handshake]") {
  // SIGINT, as a terminal's ^C sends it, 0.5 s into 1000 connects to a
  // silent peer, each given up after 20 ms of simulated time (the devices'
  // idle cycles skipped, still about a minute of wall clock in all).
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = run_command("timeout --preserve-status --signal=INT 0.5 " + kCli +
                             " --peer silent --rto 1000000 --connections 1000 2>&1");
  const auto took = std::chrono::steady_clock::now() - t0;
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("interrupted"));
  CHECK_THAT(r.output, !Catch::Contains("timed out"));
  CHECK(took < std::chrono::seconds(10));
}

TEST_CASE("tcpoe-handshake without privileges: --peer linux exits 2 with the reason", "[host][handshake]") {
  // As root the privileges are dropped for the run; unprivileged, it runs as is.
  std::string as_nobody;
  if (geteuid() == 0) {
    if (run_command("command -v setpriv >/dev/null").exit_code != 0) {
      std::fprintf(stderr, "\n*** SKIPPED: running as root and setpriv is missing\n");
      std::_Exit(kSkipExitCode);
    }
    as_nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  const auto r = run_command(as_nobody + kCli + " --peer linux 2>&1");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("--peer linux: cannot put the Linux kernel on the wire: needs CAP_NET_ADMIN"));
}

// --- The Linux kernel as the peer (root; skipped without) ---

TEST_CASE("the Linux kernel accepts our connect: its listening socket reaches ESTABLISHED and accept() returns",
          "[host][handshake][tap]") {
  require_linux_peer();
  const std::string tap = tap_name("a");
  const std::string pcap = temp("linux.pcap");
  const Run r = handshake("--peer linux --tap-name " + tap + " --pcap " + pcap, "linux");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("peer linux: the Linux kernel behind a TAP device, in namespace " + tap + "-ns"));
  CHECK_THAT(r.output, Catch::Contains("kernel: its listening socket accepted the connection (connections_accepted = 1)"));
  CHECK(number(r.stats, "peer_accepted") == 1);
  // Not closed: the kernel's socket is still ESTABLISHED when ss lists it.
  CHECK_THAT(r.output, Catch::Contains("ESTAB"));
  check_handshake(tshark_segments(pcap));
  CHECK_FALSE(netns_exists(tap + "-ns"));  // cleaned up behind itself
  std::filesystem::remove(pcap);
}

TEST_CASE("the Linux kernel connects to our listener: its socket is connected, and its close is seen by us",
          "[host][handshake][tap]") {
  require_linux_peer();
  const std::string tap = tap_name("l");
  const Run r = handshake("--peer linux --listen --close --port 6001 --tap-name " + tap, "linux-listen");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("kernel: its socket is connected"));
  CHECK(number(r.stats, "peer_connected") == 1);
  // The kernel closed first: its FIN took us to CLOSE-WAIT, our close to LAST-ACK.
  CHECK_THAT(r.output, Catch::Contains("a: CLOSE-WAIT"));
  CHECK_THAT(r.output, Catch::Contains("a: LAST-ACK"));
  CHECK(number(r.stats, "closed") == 1);
  // What TCP requires of the side that closed first: TIME-WAIT, and nothing else.
  CHECK(number(r.stats, "peer_time_wait") == 1);
  CHECK(number(r.stats, "peer_sockets_left") == 0);
  CHECK_FALSE(netns_exists(tap + "-ns"));
}

TEST_CASE("a connect to a closed port of the Linux kernel is refused by its RST", "[host][handshake][tap]") {
  require_linux_peer();
  const std::string tap = tap_name("r");
  const Run r = handshake("--peer linux --port 5999 --tap-name " + tap, "linux-refused");
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("Flags [RST,ACK]"));
  CHECK_THAT(r.output, Catch::Contains("a: connect 1 failed: connection refused"));
  CHECK(number(r.stats, "table_size_at_end") == 0);
  CHECK_FALSE(netns_exists(tap + "-ns"));
}

TEST_CASE("our close is the Linux kernel's end of stream, and the kernel's close ends ours", "[host][handshake][tap]") {
  require_linux_peer();
  const std::string tap = tap_name("c");
  const Run r = handshake("--peer linux --close --tap-name " + tap, "linux-close");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  // The kernel's read() returned 0 after our FIN; its listener then closed,
  // and its FIN ended our FIN-WAIT-2 (then TIME-WAIT, then gone).
  CHECK_THAT(r.output, Catch::Contains("kernel: read() returned 0, end of stream (streams_ended = 1)"));
  CHECK(number(r.stats, "peer_streams_ended") == 1);
  CHECK(number(r.stats, "closed") == 1);
  CHECK(number(r.stats, "peer_sockets_left") == 0);
}

TEST_CASE("200 connections in a row with the Linux kernel, each closed, leave nothing behind on either side",
          "[host][handshake][tap]") {
  require_linux_peer();
  const std::string tap = tap_name("n");
  const Run r = handshake("--peer linux --close --connections 200 --time-wait 5 --tap-name " + tap, "linux-200");
  INFO(r.output.substr(r.output.size() > 4000 ? r.output.size() - 4000 : 0));
  REQUIRE(r.exit_code == 0);
  CHECK(number(r.stats, "established") == 200);
  CHECK(number(r.stats, "closed") == 200);
  CHECK(number(r.stats, "peer_accepted") == 200);
  CHECK(number(r.stats, "peer_streams_ended") == 200);
  // Ours: the table empty. The kernel's: its listener alone; we closed
  // first, so the TIME-WAITs are ours (and over), none of its.
  CHECK(number(r.stats, "table_size_at_end") == 0);
  CHECK(number(r.stats, "peer_sockets_left") == 0);
  CHECK(number(r.stats, "peer_time_wait") == 0);
  CHECK_FALSE(netns_exists(tap + "-ns"));
}

TEST_CASE("^C at any moment of a Linux-peer run leaves no namespace behind", "[host][handshake][tap]") {
  require_linux_peer();
  // From while the namespace is being made to after the close: wherever the
  // signal lands, the run ends (done or interrupted) and the namespace goes.
  int interrupted = 0;
  for (const char* delay : {"0.01", "0.05", "0.1", "0.2", "0.4", "0.8"}) {
    const std::string tap = tap_name("i");
    const auto r = run_command(std::string("timeout --preserve-status --signal=INT ") + delay + " " + kCli +
                               " --peer linux --close --connections 20 --tap-name " + tap + " 2>&1");
    INFO("SIGINT after " << delay << " s:\n" << r.output);
    // 128 + SIGINT: the signal came before main() set its handler, while
    // the program was still loading; then it printed and made nothing.
    if (r.exit_code == 128 + SIGINT) CHECK(r.output.empty());
    else CHECK((r.exit_code == 0 || r.exit_code == 1));
    if (r.exit_code == 1) {
      CHECK_THAT(r.output, Catch::Contains("interrupted"));
      ++interrupted;
    }
    CHECK_FALSE(netns_exists(tap + "-ns"));
  }
  // At least one signal must have landed inside a run, or this proves nothing.
  CHECK(interrupted > 0);
}

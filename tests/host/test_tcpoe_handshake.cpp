// tcpoe-handshake as a user runs it: the three segments it exchanges, read
// back from its capture by tshark (which shares no code with our RTL or our
// wire layer), against the scripted peer and against the Linux kernel; and
// its answers to a closed port and to bad arguments. The Linux tests exit 77
// (ctest: skipped) without the privileges for a TAP device and a namespace.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "../support/subprocess.h"
#include "tap_peer.h"

using tcpoe::test::run_command;

namespace {

const std::string kCli = TCPOE_HANDSHAKE_CLI;
constexpr int kSkipExitCode = 77;  // registered as SKIP_RETURN_CODE

struct Segment {
  std::string flags;  // tshark's tcp.flags.str, e.g. "·······A··S·"
  uint32_t seq = 0, ack = 0;
  int ip_csum = -1, tcp_csum = -1;  // tshark: 1 good, 0 bad
  bool has(char bit) const { return flags.find(bit) != std::string::npos; }
};

std::vector<Segment> tshark_segments(const std::string& pcap) {
  const auto r = run_command(std::string(TCPOE_TSHARK) + " -n -r " + pcap +
                             " -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE"
                             " -T fields -e tcp.flags.str -e tcp.seq_raw -e tcp.ack_raw"
                             " -e ip.checksum.status -e tcp.checksum.status 2>/dev/null");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  std::vector<Segment> out;
  std::istringstream lines(r.output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream f(line);
    Segment s;
    REQUIRE(f >> s.flags >> s.seq >> s.ack >> s.ip_csum >> s.tcp_csum);
    out.push_back(s);
  }
  return out;
}

// Exactly SYN, SYN-ACK, ACK, each acknowledging the other side's SYN, with
// checksums tshark finds right.
void check_handshake(const std::vector<Segment>& s, uint32_t isn) {
  REQUIRE(s.size() == 3);
  for (const auto& seg : s) {
    INFO(seg.flags << " seq " << seg.seq << " ack " << seg.ack);
    CHECK(seg.ip_csum == 1);
    CHECK(seg.tcp_csum == 1);
    CHECK_FALSE(seg.has('R'));
    CHECK_FALSE(seg.has('F'));
  }
  CHECK(s[0].has('S'));
  CHECK_FALSE(s[0].has('A'));
  CHECK(s[0].seq == isn);
  CHECK(s[1].has('S'));
  CHECK(s[1].has('A'));
  CHECK(s[1].ack == uint32_t(isn + 1));
  CHECK_FALSE(s[2].has('S'));
  CHECK(s[2].has('A'));
  CHECK(s[2].seq == uint32_t(isn + 1));
  CHECK(s[2].ack == uint32_t(s[1].seq + 1));
}

void require_linux_peer() {
  std::string why;
  if (!tcpoe::sim::TapPeer::privileges_ok(&why)) {
    std::fprintf(stderr, "\n*** SKIPPED: the Linux peer needs a TAP device in a namespace: %s\n",
                 why.c_str());
    std::fflush(stderr);
    std::_Exit(kSkipExitCode);
  }
}

bool netns_exists(const std::string& name) {
  return run_command("ip netns list 2>/dev/null").output.find(name) != std::string::npos;
}

}  // namespace

TEST_CASE("tcpoe-handshake completes a handshake with the scripted peer", "[host][handshake]") {
  const int w = GENERATE(64, 512);
  // An ISN at the top of the sequence space: ISN + 1 wraps to 0.
  const uint32_t isn = w == 64 ? 4294967295u : 123456789u;
  const std::string pcap = "test_host_handshake_scripted_" + std::to_string(w) + ".pcap";
  const auto r = run_command(kCli + " --peer scripted --data-width " + std::to_string(w) +
                             " --isn " + std::to_string(isn) + " --pcap " + pcap + " 2>&1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("peer: scripted peer"));
  CHECK_THAT(r.output, Catch::Contains("built by RTL (DATA_W=" + std::to_string(w)));
  CHECK_THAT(r.output, Catch::Contains("lockstep with HLS: identical"));
  CHECK_THAT(r.output, Catch::Contains("verdict ok"));
  CHECK_THAT(r.output, Catch::Contains("the scripted peer's state is ESTABLISHED"));
  check_handshake(tshark_segments(pcap), isn);
}

TEST_CASE("tcpoe-handshake --close closes the connection with the scripted peer",
          "[host][handshake]") {
  const std::string pcap = "test_host_handshake_close.pcap";
  const auto r = run_command(kCli + " --peer scripted --close --isn 1000 --pcap " + pcap +
                             " 2>&1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("connection closed"));
  const auto s = tshark_segments(pcap);
  REQUIRE(s.size() == 6);  // SYN, SYN-ACK, ACK, FIN-ACK, FIN-ACK, ACK
  CHECK((s[3].has('F') && s[3].seq == 1001));
  CHECK((s[4].has('F') && s[4].ack == 1002));
  CHECK((s[5].has('A') && !s[5].has('F') && s[5].seq == 1002 && s[5].ack == s[4].seq + 1));
}

TEST_CASE("tcpoe-handshake --peer sim: two simulated hosts connect through the driver and the device, then close",
          "[host][handshake]") {
  const int w = GENERATE(64, 512);
  const std::string pcap = "test_host_handshake_sim_" + std::to_string(w) + ".pcap";
  const auto r = run_command(kCli + " --peer sim --close --data-width " + std::to_string(w) + " --pcap " +
                             pcap + " 2>&1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains(std::to_string(w) + "-bit data path"));
  CHECK_THAT(r.output, Catch::Contains("a: SYN-SENT"));
  CHECK_THAT(r.output, Catch::Contains("a: ESTABLISHED"));
  CHECK_THAT(r.output, Catch::Contains("b: ESTABLISHED"));
  CHECK_THAT(r.output, Catch::Contains("b: CLOSE-WAIT"));
  CHECK_THAT(r.output, Catch::Contains("a: CLOSED (gone)"));
  CHECK_THAT(r.output, Catch::Contains("b: CLOSED (gone)"));
  CHECK_THAT(r.output, Catch::Contains("Flags [SYN,ACK]"));
  const auto s = tshark_segments(pcap);
  REQUIRE(s.size() == 7);  // SYN, SYN-ACK, ACK, FIN, ACK, FIN, ACK
  check_handshake({s.begin(), s.begin() + 3}, s[0].seq);
  for (const auto& seg : s) {
    CHECK(seg.ip_csum == 1);
    CHECK(seg.tcp_csum == 1);
    CHECK_FALSE(seg.has('R'));
  }
  CHECK((s[3].has('F') && s[3].seq == s[0].seq + 1));
  CHECK((s[6].has('A') && !s[6].has('F') && s[6].ack == s[5].seq + 1));
}

TEST_CASE("tcpoe-handshake --peer sim --loss: the lost SYN sent again, connected and closed all the same",
          "[host][handshake]") {
  // Seed 5 loses A's first SYN (and more): the output says how many.
  const auto r = run_command(kCli + " --peer sim --close --loss 0.3 --seed 5 2>&1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("a: ESTABLISHED"));
  CHECK_THAT(r.output, Catch::Contains("b: CLOSED (gone)"));
  std::size_t syns = 0;
  for (std::size_t at = r.output.find("Flags [SYN],"); at != std::string::npos;
       at = r.output.find("Flags [SYN],", at + 1))
    ++syns;
  CHECK(syns >= 2);
  const auto lost = r.output.find(" lost");
  REQUIRE(lost != std::string::npos);
  CHECK(r.output.substr(r.output.rfind(", ", lost) + 2, lost - r.output.rfind(", ", lost) - 2) != "0");
}

TEST_CASE("tcpoe-handshake --peer sim to a closed port: the simulated host's RST, connection refused, exit 1",
          "[host][handshake]") {
  const auto r = run_command(kCli + " --peer sim --port 5999 2>&1");
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("Flags [RST,ACK]"));
  CHECK_THAT(r.output, Catch::Contains("a: connect failed: connection refused"));
  const auto bad = run_command(kCli + " --peer sim --data-width 128 2>&1");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("--peer sim runs the device at --data-width 64 or 512"));
}

TEST_CASE("tcpoe-handshake completes a handshake with the Linux kernel", "[host][handshake][tap]") {
  require_linux_peer();
  const std::string pcap = "test_host_handshake_linux.pcap";
  const uint32_t isn = 2864434397u;
  const auto r = run_command(kCli + " --peer linux --tap-name tcpoe-hst0 --isn " +
                             std::to_string(isn) + " --pcap " + pcap + " 2>&1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("peer: Linux kernel in namespace tcpoe-hst0-ns"));
  CHECK_THAT(r.output, Catch::Contains("connections_accepted = 1"));
  CHECK_THAT(r.output, Catch::Contains("verdict ok"));
  check_handshake(tshark_segments(pcap), isn);
  CHECK_FALSE(netns_exists("tcpoe-hst0-ns"));  // cleaned up behind itself
}

TEST_CASE("tcpoe-handshake reports the kernel's RST from a closed port and exits 1",
          "[host][handshake][tap]") {
  require_linux_peer();
  const auto r = run_command(kCli + " --peer linux --tap-name tcpoe-hst1 --port 5999 2>&1");
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("connection refused: the peer answered our SYN with RST"));
  CHECK_FALSE(netns_exists("tcpoe-hst1-ns"));
}

TEST_CASE("tcpoe-handshake --close closes the connection with the Linux kernel",
          "[host][handshake][tap]") {
  require_linux_peer();
  const auto r = run_command(kCli + " --peer linux --tap-name tcpoe-hst2 --close 2>&1");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("connection closed"));
}

TEST_CASE("tcpoe-handshake reports the RST from a closed port and exits 1", "[host][handshake]") {
  const std::string pcap = "test_host_handshake_closed.pcap";
  const auto r = run_command(kCli + " --peer scripted --port 5999 --isn 77 --pcap " + pcap +
                             " 2>&1");
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("connection refused: the peer answered our SYN with RST"));
  const auto s = tshark_segments(pcap);
  REQUIRE(s.size() == 2);
  CHECK((s[0].has('S') && s[0].seq == 77));
  CHECK((s[1].has('R') && s[1].has('A') && s[1].ack == 78 && s[1].tcp_csum == 1));
}

TEST_CASE("with no answer, tcpoe-handshake sends the same SYN twice more, then gives up",
          "[host][handshake]") {
  const std::string pcap = "test_host_handshake_silent.pcap";
  const auto r = run_command(kCli + " --peer silent --timeout 400 --isn 4242 --pcap " + pcap +
                             " 2>&1");
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("SYN again (retransmission 1"));
  CHECK_THAT(r.output, Catch::Contains("SYN again (retransmission 2"));
  CHECK_THAT(r.output, Catch::Contains("no SYN-ACK"));
  // tshark sees three identical SYNs and nothing else.
  const auto s = tshark_segments(pcap);
  REQUIRE(s.size() == 3);
  for (const auto& seg : s) {
    CHECK(seg.has('S'));
    CHECK_FALSE(seg.has('A'));
    CHECK(seg.seq == 4242);
    CHECK(seg.tcp_csum == 1);
  }
}

TEST_CASE("tcpoe-handshake refuses bad arguments with a message and exit 2",
          "[host][handshake][bad-input]") {
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"--peer bsd", "--peer must be auto, linux, scripted, silent or sim, not 'bsd'"},
      {"--port 0", "--port wants a whole number from 1 to 65535"},
      {"--port 70000", "--port wants a whole number from 1 to 65535"},
      {"--src-port x", "--src-port wants a whole number"},
      {"--isn 4294967296", "--isn wants a whole number from 0 to 4294967295"},
      {"--timeout 5", "--timeout wants a whole number from 100"},
      {"--data-width 48", "--data-width must be 64, 128, 256 or 512"},
      {"--tap-name has/slash", "--tap-name wants 1 to 15 characters"},
      {"--close --port 80", "--close needs a connection"},
      {"--pcap", "--pcap needs a value"},
      {"--frobnicate", "unknown argument '--frobnicate'"},
      {"--peer scripted --pcap /nonexistent/x.pcap", "cannot write /nonexistent/x.pcap"},
      {"--peer scripted --loss 0.3", "--loss and --seed are the simulated wire's: --peer sim"},
      {"--peer sim --loss 1.5", "--loss wants a probability in (0, 1]"},
  };
  for (const auto& c : cases) {
    INFO("tcpoe-handshake " << c.args);
    const auto r = run_command(kCli + " " + c.args + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains(c.message));
  }
}

TEST_CASE("tcpoe-handshake without privileges: --peer linux exits 2 and auto falls back",
          "[host][handshake]") {
  // As root the privileges are dropped for the run; unprivileged, it runs as is.
  std::string as_nobody;
  if (geteuid() == 0) {
    if (run_command("command -v setpriv >/dev/null").exit_code != 0) {
      std::fprintf(stderr, "\n*** SKIPPED: running as root and setpriv is missing\n");
      std::_Exit(kSkipExitCode);
    }
    as_nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  const auto linux_peer = run_command(as_nobody + kCli + " --peer linux 2>&1");
  INFO(linux_peer.output);
  CHECK(linux_peer.exit_code == 2);
  CHECK_THAT(linux_peer.output,
             Catch::Contains("--peer linux: cannot put the Linux kernel on the wire: needs "
                             "CAP_NET_ADMIN"));
  const auto automatic = run_command(as_nobody + kCli + " 2>&1");
  INFO(automatic.output);
  CHECK(automatic.exit_code == 0);
  CHECK_THAT(automatic.output, Catch::Contains("peer: scripted peer (10.77.0.2, listening on "
                                               "port 5201): needs CAP_NET_ADMIN"));
  CHECK_THAT(automatic.output, Catch::Contains("connection established"));
}

TEST_CASE("^C ends tcpoe-handshake's wait at once: exit 1, 'interrupted'", "[host][handshake]") {
  // SIGINT, as a terminal's ^C sends it, 0.5 s into a wait of 60 s.
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = run_command("timeout --preserve-status --signal=INT 0.5 " + kCli +
                             " --peer silent --timeout 60000 2>&1");
  const auto took = std::chrono::steady_clock::now() - t0;
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("interrupted"));
  CHECK_THAT(r.output, !Catch::Contains("no SYN-ACK"));
  CHECK_THAT(r.output, !Catch::Contains("SYN again"));  // no retransmission after ^C
  CHECK(took < std::chrono::seconds(10));
}

TEST_CASE("^C at any moment of a Linux-peer run leaves no namespace behind",
          "[host][handshake][tap]") {
  require_linux_peer();
  // From while the namespace is being made to after the close: wherever the
  // signal lands, the run ends (done or interrupted) and the namespace goes.
  int interrupted = 0;
  for (const char* delay : {"0.01", "0.05", "0.1", "0.2", "0.4", "0.8"}) {
    // Unique per process: another build's run of this test may be running too.
    const std::string tap = "tcpoe-i" + std::to_string(getpid() % 100000);
    const auto r = run_command(std::string("timeout --preserve-status --signal=INT ") + delay + " " + kCli +
                               " --peer linux --close --tap-name " + tap + " 2>&1");
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

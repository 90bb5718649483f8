// tcpoe-csum as a user runs it: its verdict on every frame of a capture
// against tshark's own checksum validation, and its answer to bad arguments.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "../support/subprocess.h"
#include "../support/test_seed.h"

using tcpoe::test::run_command;

namespace {

const std::string kCli = TCPOE_CSUM_CLI;

std::string sample_pcap() {
  const std::string path = "test_host_csum_sample.pcap";
  const auto r = run_command(std::string(TCPOE_SCAPY_PYTHON) + " " + TCPOE_SOURCE_DIR +
                             "/sim/traffic/sample_connection.py " + path + " 2>&1");
  REQUIRE(r.exit_code == 0);
  return path;
}

}  // namespace

TEST_CASE("tcpoe-csum's checksum verdicts equal tshark's, frame by frame", "[host][tshark]") {
  const std::string pcap = sample_pcap();
  const int w = GENERATE(64, 512);
  const auto ours = run_command(kCli + " --pcap " + pcap + " --data-width " + std::to_string(w) +
                                " --ready-prob 0.5");
  INFO(ours.output);
  REQUIRE(ours.exit_code == 0);
  // frame -> "ok"/"BAD" pair from our output
  std::map<int, std::pair<std::string, std::string>> verdicts;
  std::istringstream lines(ours.output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream f(line);
    int frame;
    std::string ip, tcp;
    const auto verdict = [](const std::string& v) { return v == "ok" || v == "BAD"; };
    if (f >> frame >> ip >> tcp && verdict(ip) && verdict(tcp)) {
      REQUIRE(verdicts.count(frame) == 0);
      verdicts[frame] = {ip, tcp};
    }
  }
  const auto ts = run_command(std::string(TCPOE_TSHARK) + " -r " + pcap +
                              " -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -Y tcp"
                              " -T fields -e frame.number -e ip.checksum.status"
                              " -e tcp.checksum.status 2>/dev/null");
  REQUIRE(ts.exit_code == 0);
  std::istringstream tl(ts.output);
  int frames = 0, bad = 0;
  int frame, ip_status, tcp_status;
  while (tl >> frame >> ip_status >> tcp_status) {
    ++frames;
    INFO("frame " << frame);
    REQUIRE(verdicts.count(frame) == 1);
    // tshark: 1 good, 0 bad.
    CHECK(verdicts[frame].first == (ip_status == 1 ? "ok" : "BAD"));
    CHECK(verdicts[frame].second == (tcp_status == 1 ? "ok" : "BAD"));
    bad += (ip_status == 0) + (tcp_status == 0);
  }
  CHECK(frames == int(verdicts.size()));
  CHECK(frames >= 12);
  CHECK(bad == 2);  // the sample corrupts one IPv4 and one TCP checksum
}

TEST_CASE("tcpoe-csum --strict exits 3 when a checksum is bad", "[host]") {
  const std::string pcap = sample_pcap();
  CHECK(run_command(kCli + " --pcap " + pcap + " --strict > /dev/null").exit_code == 3);
}

TEST_CASE("tcpoe-csum refuses bad arguments and input with a message and exit 2",
          "[host][bad-input]") {
  struct Case {
    std::string args, message;
  };
  std::ofstream("test_host_csum_garbage.pcap") << "this is not a capture";
  const Case cases[] = {
      {"--data-width 48", "--data-width must be 64, 128, 256 or 512"},
      {"--data-width x", "--data-width wants a whole number"},
      {"--random 0", "--random wants a whole number from 1"},
      {"--random -5", "--random wants a whole number"},
      {"--ready-prob 0", "--ready-prob wants a probability in (0, 1]"},
      {"--valid-prob 1.5", "--valid-prob wants a probability"},
      {"--min-len 10 --max-len 5", "--min-len is above --max-len"},
      {"--frobnicate", "unknown argument '--frobnicate'"},
      {"--trace", "--trace needs a value"},
      {"--pcap /nonexistent/x.pcap", "cannot read /nonexistent/x.pcap"},
      {"--pcap test_host_csum_garbage.pcap", "cannot read test_host_csum_garbage.pcap"},
      {"--pcap a.pcap --random 3", "--pcap and --random exclude each other"},
  };
  for (const auto& c : cases) {
    INFO("tcpoe-csum " << c.args);
    const auto r = run_command(kCli + " " + c.args + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains(c.message));
  }
}

TEST_CASE("tcpoe-csum on random packets runs clean and says so", "[host]") {
  const auto r = run_command(kCli + " --random 50 --data-width 256 --valid-prob 0.5 --seed " +
                             std::to_string(tcpoe::test::test_seed(1)) + " 2>&1");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("50 packets"));
  CHECK_THAT(r.output, Catch::Contains("RTL and HLS model identical on every cycle"));
}

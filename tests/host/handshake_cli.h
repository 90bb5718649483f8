// What the tests of tcpoe-handshake share: running it with --stats-json
// (read back by Python's json module, an independent parser), the figures
// every run must agree on, and the Linux peer's preconditions.
#pragma once

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>

#include "../support/key_values.h"
#include "../support/subprocess.h"
#include "tap_peer.h"

namespace tcpoe::test::handshake_cli {

using tcpoe::test::run_command;

inline const std::string kCli = TCPOE_HANDSHAKE_CLI;
constexpr int kSkipExitCode = 77;  // registered as SKIP_RETURN_CODE

// Files of this process, so that parallel runs do not meet.
inline std::string temp(const std::string& name) {
  return "/tmp/tcpoe-hs-test-" + std::to_string(getpid()) + "-" + name;
}

using Stats = std::map<std::string, std::string>;

// --stats-json read by Python's json module (an independent parser): every
// value as `key value`; a nested object's as `key.inner_key`; a list's as
// its numbers separated by spaces.
inline Stats read_stats(const std::string& path) {
  const auto r = run_command(std::string(TCPOE_SCAPY_PYTHON) + " -c '"
                             "import json, sys\n"
                             "d = json.load(open(sys.argv[1]))\n"
                             "for k, v in d.items():\n"
                             "    if isinstance(v, dict):\n"
                             "        for k2, v2 in v.items(): print(k + \".\" + k2.replace(\" \", \"_\"), v2)\n"
                             "    elif isinstance(v, list): print(k, \" \".join(map(str, v)) or \"-\")\n"
                             "    else: print(k, json.dumps(v))\n' " +
                             path + " 2>&1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return tcpoe::test::key_value_lines(r.output);
}

inline uint64_t number(const Stats& s, const std::string& key) {
  INFO("stats key " << key);
  REQUIRE(s.count(key) == 1);
  return std::stoull(s.at(key));
}

// What every run's figures must agree on, whatever the peer.
inline void check_stats_consistent(const Stats& s) {
  const uint64_t requested = number(s, "connections_requested");
  CHECK(number(s, "established") + number(s, "failed") == requested);
  CHECK(number(s, "closed") <= number(s, "established"));
  CHECK(number(s, "mmio_reads_fast_path") == 0);
  CHECK(number(s, "mmio_reads") > 0);  // bring-up identifies the device
  CHECK(number(s, "mmio_writes") > 0);
  CHECK(number(s, "setup_time_lower_bound_ns") > 0);
  if (number(s, "established") > 0) {
    CHECK(number(s, "setup_time_ns_median") >= number(s, "setup_time_lower_bound_ns"));
    CHECK(number(s, "dma_bytes_read") > 0);
    CHECK(number(s, "dma_bytes_written") > 0);
    std::istringstream times(s.at("setup_time_ns"));
    uint64_t t = 0, n = 0;
    while (times >> t) {
      CHECK(t >= number(s, "setup_time_lower_bound_ns"));
      ++n;
    }
    CHECK(n == number(s, "established"));
  }
}

struct Run {
  int exit_code;
  std::string output;
  Stats stats;
};

inline Run handshake(const std::string& args, const std::string& tag) {
  const std::string json = temp(tag + ".json");
  const auto r = run_command(kCli + " " + args + " --stats-json " + json + " 2>&1");
  INFO(kCli << " " << args << "\n" << r.output);
  Run run{r.exit_code, r.output, read_stats(json)};
  check_stats_consistent(run.stats);
  std::filesystem::remove(json);
  return run;
}

inline std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

inline void require_linux_peer() {
  std::string why;
  if (!tcpoe::sim::TapPeer::privileges_ok(&why)) {
    std::fprintf(stderr, "\n*** SKIPPED: the Linux peer needs a TAP device in a namespace: %s\n", why.c_str());
    std::fflush(stderr);
    std::_Exit(kSkipExitCode);
  }
}

// A TAP name of this process (namespace NAME-ns), at most 15 characters.
inline std::string tap_name(const std::string& tag) { return "hs" + tag + std::to_string(getpid() % 100000); }

inline bool netns_exists(const std::string& name) {
  return run_command("ip netns list 2>/dev/null").output.find(name) != std::string::npos;
}

}  // namespace tcpoe::test::handshake_cli

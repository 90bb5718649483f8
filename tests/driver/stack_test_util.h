// Runs tests/driver/stack_scenarios (two simulated hosts with the driver,
// one SystemC elaboration per process) and reads its `key value` report.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <unistd.h>

#include "../support/key_values.h"
#include "../support/subprocess.h"

namespace tcpoe::test::stack {

using Seen = std::map<std::string, std::string>;

inline std::string out_dir(const std::string& tag) {
  const std::string dir = "/tmp/tcpoe-stack-" + tag + "-" + std::to_string(getpid());
  run_command("mkdir -p '" + dir + "'");
  return dir;
}

inline Seen scenario(const std::string& name, const std::string& dir, const std::string& more = "") {
  const auto r = run_command(std::string(TCPOE_STACK_SCENARIOS) + " " + name + " --out '" + dir + "' " +
                             more + " 2>&1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return key_value_lines(r.output);
}

inline const std::string& at(const Seen& s, const std::string& key) {
  INFO("key " << key);
  REQUIRE(s.count(key) == 1);
  return s.at(key);
}
inline uint64_t number(const Seen& s, const std::string& key) { return std::stoull(at(s, key), nullptr, 0); }

// No thread of the scenario died of an exception.
inline void no_exception(const Seen& s) {
  for (const auto& [k, v] : s) {
    INFO(k << " " << v);
    CHECK(k.find("_exception") == std::string::npos);
  }
}

}  // namespace tcpoe::test::stack

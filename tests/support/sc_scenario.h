// What the SystemC scenario programs (tests/device/device_scenarios,
// tests/driver/stack_scenarios) share: the `key value` report lines their
// tests read (key_values.h), and the threads their hosts run in.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>

#include <systemc>

#include "sc_thread.h"

namespace tcpoe::test {

inline void say(const std::string& key, const std::string& value) {
  std::printf("%s %s\n", key.c_str(), value.c_str());
  std::fflush(stdout);
}
inline void say(const std::string& key, uint64_t value) { say(key, std::to_string(value)); }

inline std::string hex(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

// Runs `body` in an SC_THREAD (sim/common/sc_thread.h); the simulation
// stops when the last one ends. An exception a thread throws is reported as
// `NAME_exception what` (the tests look for it) and ends only that thread.
struct ScenarioThread : tcpoe::sim::ScThread {
  ScenarioThread(sc_core::sc_module_name name, std::function<void()> body)
      : ScThread(name, std::move(body), [](const std::string& thread, const std::exception& e) {
          say(thread + "_exception", e.what());
        }) {}
};

}  // namespace tcpoe::test

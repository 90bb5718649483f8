// What the SystemC scenario programs (tests/device/device_scenarios,
// tests/driver/stack_scenarios) share: the `key value` report lines their
// tests read (key_values.h), and the threads their hosts run in.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include <systemc>

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

// Runs `body` in an SC_THREAD; the simulation stops when the last one ends.
struct ScenarioThread : sc_core::sc_module {
  static inline int running = 0;
  std::function<void()> body;
  ScenarioThread(sc_core::sc_module_name name, std::function<void()> f)
      : sc_core::sc_module(name), body(std::move(f)) {
    SC_HAS_PROCESS(ScenarioThread);
    SC_THREAD(run);
    ++running;
  }
  void run() {
    body();
    if (--running == 0) sc_core::sc_stop();
  }
};

}  // namespace tcpoe::test

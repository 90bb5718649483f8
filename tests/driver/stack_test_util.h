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

// Runs one scenario with the devices' idle cycles skipped (--skip-idle: the
// same run, sim::DeviceConfig::skip_idle), so that the waits on timers, the
// testbed's 2 ms TIME-WAIT above all, cost no wall-clock time.
inline Seen scenario(const std::string& name, const std::string& dir, const std::string& more = "") {
  const auto r = run_command(std::string(TCPOE_STACK_SCENARIOS) + " " + name + " --out '" + dir + "' --skip-idle " +
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

// The `connect` scenario's verdict: B listened, A connected, both
// ESTABLISHED; A closed first, B saw the end of A's stream and closed; both
// connections gone, nothing failed, no IOMMU fault, no RTL assertion.
inline void check_established_and_closed(const Seen& s) {
  no_exception(s);
  CHECK(at(s, "b_listen") == "Success");
  CHECK(at(s, "a_connect") == "Success");
  CHECK(at(s, "a_state_after_connect") == "SYN-SENT");
  CHECK(at(s, "a_connected") == "1");
  CHECK(at(s, "a_state_connected") == "ESTABLISHED");
  CHECK(at(s, "b_acceptable") == "1");
  CHECK(at(s, "b_accept") == "Success");
  CHECK(at(s, "b_state_accepted") == "ESTABLISHED");
  CHECK(at(s, "b_accept_again") == "operation would block");
  CHECK(at(s, "b_listen_again") == "address in use");
  // A closes first: FIN-WAIT, B sees the end of A's stream, closes, both end.
  CHECK(at(s, "a_close") == "Success");
  CHECK(at(s, "a_state_after_close") == "FIN-WAIT-1");
  CHECK(at(s, "b_peer_closed") == "1");
  CHECK(at(s, "b_state_after_peer_fin") == "CLOSE-WAIT");
  CHECK(at(s, "b_close") == "Success");
  CHECK(at(s, "b_closed") == "1");
  CHECK(at(s, "a_closed") == "1");
  CHECK(at(s, "a_state_closed") == "gone");
  CHECK(at(s, "b_state_closed") == "gone");
  CHECK(number(s, "a_table_size") == 0);
  CHECK(number(s, "b_table_size") == 0);
  CHECK(number(s, "a_tx_failed") == 0);
  CHECK(number(s, "b_tx_failed") == 0);
  CHECK(number(s, "a_iommu_faults") == 0);
  CHECK(number(s, "b_iommu_faults") == 0);
  CHECK(at(s, "a_assertion_fired") == "0");
  CHECK(at(s, "b_assertion_fired") == "0");
}

// What a scenario's leak_report says is left on each host after its
// connections ended: table, rings and buffers empty, no send-buffer chunk
// left (docs/driver.md, "Copies"), CFG_ERROR 0, every
// buffer freed and window unmapped after teardown, no RTL assertion, no
// frame sent unasked, no frame dropped by a MAC (the only loss is the wire's).
inline void check_left_empty(const Seen& s) {
  for (const std::string who : {"a", "b"}) {
    INFO("host " << who);
    CHECK(number(s, who + "_table_size") == 0);
    CHECK(number(s, who + "_tx_in_flight") == 0);
    CHECK(number(s, who + "_frames_waiting") == 0);
    CHECK(number(s, who + "_handback_pending") == 0);
    CHECK(number(s, who + "_rx_posted") == number(s, who + "_rx_capacity"));
    CHECK(number(s, who + "_mmio_reads_fast_path") == 0);
    // Every send-buffer chunk given back: no connection, no TX entry holds one.
    CHECK(number(s, who + "_send_chunks_live") == 0);
    CHECK(number(s, who + "_tx_references_held") == 0);
    CHECK(number(s, who + "_cfg_error") == 0);
    CHECK(number(s, who + "_allocated_after_teardown") == 0);
    CHECK(number(s, who + "_mapped_after_teardown") == 0);
    CHECK(at(s, who + "_assertion_fired") == "0");
    CHECK(number(s, who + "_tx_failed") == 0);
    CHECK(number(s, who + "_mac_rx_dropped") == 0);
  }
}

}  // namespace tcpoe::test::stack

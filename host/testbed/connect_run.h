// Many connects between the two hosts of a HostPair, written once for the
// fault tests (tests/driver/stack_scenarios `many`) and the connect
// benchmark (bench/bench_connect): A opens `connections` connections to B's
// listener, at most `concurrent` handshakes at a time; B accepts each;
// with `close`, A closes each connection once it is established and B
// closes on A's FIN, and the run ends when both tables are empty. Every
// connect ends established or with an error (counted by message); the run
// is bounded in simulated time (`limit`), so it cannot hang.
//
// Use: one ConnectRun shared by two SC threads, connector() in A's and
// listener() in B's; each returns once both sides are done or the limit
// has passed.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "testbed.h"

namespace tcpoe::testbed {

struct ConnectRunConfig {
  unsigned connections = 100;
  unsigned concurrent = 100;  // A's handshakes in flight at once
  uint16_t port = 5201;       // B's listener
  bool close = true;          // close each connection and wait for both tables to empty
  // The next connect only once the previous connection is closed, so each
  // handshake has idle devices and wire (a latency measurement).
  bool one_at_a_time = false;
  std::chrono::nanoseconds limit = std::chrono::milliseconds(50);  // simulated time, at most
};

struct ConnectRunResult {
  uint64_t requested = 0, established = 0, failed = 0;
  std::map<std::string, uint64_t> connect_errors;  // message -> connects ended so
  std::vector<uint16_t> failed_ports;              // A's local port of each failed connect
  uint64_t closed = 0;                             // A's established connections closed in order
  std::map<std::string, uint64_t> close_errors;    // A's closes that ended with an error
  uint64_t accepted = 0, b_closed = 0;             // B's side
  std::map<std::string, uint64_t> b_errors;
  std::vector<uint64_t> connect_ns;  // connect() to ESTABLISHED, per established connection
  std::vector<uint64_t> connect_at_ns;  // when connect() was called (simulated), the same order
  uint64_t sim_ns = 0;               // the run's simulated time (A's)
  bool finished = false;             // both sides done within the limit
  // Otherwise: the RFC states of the sockets left ("a SYN-SENT" -> count).
  std::map<std::string, uint64_t> left;
};

class ConnectRun {
 public:
  explicit ConnectRun(const ConnectRunConfig& config) : config_(config) {}

  // A's part: connects to `peer_ip` (a neighbour of A's stack).
  void connector(SimHost& a, uint32_t peer_ip);
  // B's part: listens on config().port; the listener is closed at the end.
  void listener(SimHost& b);

  const ConnectRunConfig& config() const { return config_; }
  const ConnectRunResult& result() const { return result_; }

 private:
  // Polls `h` until the other side is done too (or the limit): it answers
  // the other side's last segments meanwhile.
  void wait_for_other(SimHost& h, const bool& other_done);

  ConnectRunConfig config_;
  ConnectRunResult result_;
  tcp::Time end_{};  // the limit, in simulated time
  bool listening_ = false, a_done_ = false, b_done_ = false, a_ok_ = false, b_ok_ = false;
};

// The percentile `p` (0..100) of `values` (sorted inside), 0 when empty.
uint64_t percentile(std::vector<uint64_t> values, double p);

}  // namespace tcpoe::testbed

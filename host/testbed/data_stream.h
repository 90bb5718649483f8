// Data through one connection of a simulated host, judged by SHA-256: the
// octets we send are a pseudo-random stream from a seed, those we receive
// are hashed as they come, so the other end (a simulated host, or the Linux
// kernel with its own hash) can compare without either side keeping the
// stream. Used by tcpoe-handshake's --send-bytes/--recv-bytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "payload.h"
#include "testbed.h"

namespace tcpoe::testbed {

struct DataPlan {
  uint64_t send_bytes = 0;   // sent from PseudoRandomStream(seed), then shutdown()
  uint64_t seed = 1;
  bool receive = true;       // read until the peer's end of stream
  // We stop calling recv() once pause_after octets arrived, for `pause` of
  // simulated time (our window fills), then read on; no pause when 0.
  uint64_t pause_after = 0;
  std::chrono::nanoseconds pause{0};
  std::chrono::milliseconds wall_limit{180'000};  // a guard against a hang: gives up after this much wall clock
};

struct DataResult {
  uint64_t sent = 0, received = 0;
  std::string sent_sha256, received_sha256;
  bool end_of_stream = false;  // the peer's FIN read
  std::string error;           // empty, or what ended it early
  uint64_t sim_ns = 0, wall_ms = 0;
  // Sampled between calls: times the peer's window was seen closed (0) and
  // times our advertised window was 0.
  uint64_t peer_zero_windows = 0, our_zero_windows = 0;
  bool paused = false;
  driver::tcp::ConnectionCounters counters;  // the connection's, at the end
  // The socket's events seen while moving data (they come through poll(),
  // which move_data calls): `closed` when the connection ended meanwhile,
  // which a passive close does (the peer's FIN came first, then ours was
  // acknowledged in LAST-ACK), with `close_error` set if an error ended it.
  bool closed = false;
  std::error_code close_error;
};

// Sends and receives as planned on an established connection, both at once,
// until the peer's end of stream is read and all we sent (our FIN after it)
// is acknowledged; `stop()` true ends it early (^C). Does not close the
// connection (it may have closed itself: DataResult::closed). Every event
// polled goes to host.on_event too, as SimHost::wait_for does.
DataResult move_data(SimHost& host, driver::SocketId socket, const DataPlan& plan,
                     const std::function<bool()>& stop);

}  // namespace tcpoe::testbed

// The testbed's default TIME-WAIT (host/testbed: testbed::stack_config)
// against the FIN retransmissions of a peer with the same settings: 2MSL
// must outlast them (RFC 9293 3.6.1), or a FIN sent again after our ACK of
// it was lost finds the connection gone and is answered by RST.
#include "driver_test_util.h"
#include "testbed.h"

using namespace driver_test;
namespace testbed = tcpoe::testbed;

namespace {

tcp::ConnectionConfig testbed_connection(std::chrono::nanoseconds initial_rto = 30us,
                                         std::optional<std::chrono::nanoseconds> time_wait = std::nullopt) {
  return testbed::stack_config(testbed::kHostA, 1, initial_rto, time_wait).tcp.connection;
}

}  // namespace

TEST_CASE("testbed TIME-WAIT outlasts every gap of the peer's FIN retransmission schedule", "[testbed][timer]") {
  const tcp::ConnectionConfig config = testbed_connection();
  // The peer: in LAST-ACK, its FIN never acknowledged (our ACKs all lost),
  // sent again at each timeout until it gives up.
  Fixture peer(1000, config);
  peer.to_last_ack();
  tcp::Actions last;
  const std::vector<tcp::Time> times = retransmission_times(peer.c, peer.now, last, flag::kFin | flag::kAck);
  CHECK(has_event(last, tcp::EventKind::kTimedOut));
  REQUIRE(times.size() >= std::size_t(config.fin_retries));
  tcp::Time previous{0}, longest{0};  // the first FIN went out at 0
  for (const tcp::Time at : times) {
    CHECK(at - previous < config.time_wait);  // each FIN restarts TIME-WAIT: the next comes within it
    longest = std::max(longest, at - previous);
    previous = at;
  }
  // The back-off reached the largest RTO, which bounds every gap whatever
  // RTO the peer started from (RttEstimator clamps to max_rto).
  CHECK(longest == config.max_rto);
  CHECK(config.max_rto < config.time_wait);
  CHECK(config.time_wait == testbed::time_wait_outlasting_fins(config));
}

TEST_CASE("testbed TIME-WAIT: a first RTO above kMaxRto raises the largest RTO and TIME-WAIT with it",
          "[testbed][timer]") {
  const tcp::ConnectionConfig config = testbed_connection(5ms);
  CHECK(config.max_rto == 5ms);
  CHECK(config.time_wait > config.max_rto);
}

TEST_CASE("testbed TIME-WAIT: an explicit one is kept", "[testbed][timer]") {
  CHECK(testbed_connection(30us, 5us).time_wait == 5us);
  CHECK(testbed_connection(30us, 2500us).time_wait == 2500us);
}

// The testbed links SystemC, whose library wants an sc_main; Catch's main
// runs these tests and nothing here elaborates or simulates.
int sc_main(int, char**) { return 0; }

// The Stack's blocking calls (connect, accept, send, recv with a timeout)
// between two simulated hosts: tests/driver/stack_scenarios blocking, in
// poll mode and with MSI-X interrupts.
#include "stack_test_util.h"

#include <string>

namespace {

using namespace tcpoe::test::stack;

constexpr uint64_t kData = 256 * 1024;
constexpr uint64_t kRecvTimeoutNs = 50'000;

void check_blocking(const Seen& s) {
  no_exception(s);
  // accept() on a port nobody connects to waits its 20 us, then times out.
  CHECK(at(s, "b_accept_idle") == "timed out waiting: the call's timeout passed");
  CHECK(number(s, "b_accept_idle_ns") >= 20'000);
  CHECK(number(s, "b_accept_idle_ns") < 21'000);
  // A blocking connect to a closed port ends with the peer's RST.
  CHECK(at(s, "a_connect_closed_port") == "connection refused");
  // connect() and accept() return once the handshake is complete.
  CHECK(at(s, "a_connect") == "Success");
  CHECK(at(s, "a_state_after_connect") == "ESTABLISHED");
  CHECK(at(s, "b_accept") == "Success");
  CHECK(at(s, "b_state_accepted") == "ESTABLISHED");
  // One send() queues 256 kB through a 64 kB send buffer: it waited for ACKs.
  CHECK(at(s, "a_send") == "Success");
  CHECK(number(s, "a_sent") == kData);
  CHECK(number(s, "a_send_ns") > 0);
  // Every blocking recv() returned data; all of it, in order.
  CHECK(at(s, "b_recv_error") == "Success");
  CHECK(number(s, "b_received") == kData);
  CHECK(number(s, "b_received_wrong") == 0);
  CHECK(number(s, "b_recv_empty") == 0);
  CHECK(number(s, "b_recv_calls") > 1);
  // With nothing more coming, recv() times out after its 50 us, no sooner.
  CHECK(at(s, "b_recv_timeout") == "timed out waiting: the call's timeout passed");
  CHECK(number(s, "b_recv_timeout_got") == 0);
  CHECK(number(s, "b_recv_timeout_ns") >= kRecvTimeoutNs);
  CHECK(number(s, "b_recv_timeout_ns") < kRecvTimeoutNs + 1'000);
  // B resets the connection while A waits in recv(): A's call returns
  // "reset", within microseconds of B's abort, and poll() still reports it.
  CHECK(at(s, "b_abort") == "Success");
  CHECK(at(s, "b_state_after_abort") == "gone");
  CHECK(at(s, "a_recv_reset") == "connection reset by peer");
  CHECK(at(s, "a_recv_reset_got") == "0");
  CHECK(at(s, "a_recv_reset_after_b_timed_out") == "1");
  CHECK(number(s, "a_recv_reset_at_ns") > number(s, "b_abort_at_ns"));
  CHECK(number(s, "a_recv_reset_at_ns") < number(s, "b_abort_at_ns") + 20'000);
  CHECK(at(s, "a_poll_after_reset").find("error(connection reset by peer)") != std::string::npos);
  CHECK(at(s, "a_assertion_fired") == "0");
  CHECK(number(s, "a_iommu_faults") == 0);
}

}  // namespace

TEST_CASE("blocking connect, accept, send and recv between two simulated hosts, a timeout and a reset",
          "[stack][blocking]") {
  check_blocking(scenario("blocking", out_dir("blocking")));
}

TEST_CASE("the blocking calls wait on MSI-X interrupts alike", "[stack][blocking]") {
  const Seen s = scenario("blocking", out_dir("blocking-msix"), "--interrupts");
  check_blocking(s);
  CHECK(number(s, "a_interrupts") > 0);
}

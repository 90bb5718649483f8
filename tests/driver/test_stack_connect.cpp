// connect / listen / accept / close between two simulated hosts through the
// driver's Stack, each host a PCIe model with the verilated device behind
// it, joined by the wire model (tests/driver/stack_scenarios). The
// handshake on the wire is judged by tshark.
#include "stack_test_util.h"

#include <string>
#include <vector>

#include "../support/tshark_check.h"

namespace {

using namespace tcpoe::test::stack;
using tcpoe::test::TsharkFields;

constexpr unsigned kSyn = 0x02, kRst = 0x04, kAck = 0x10, kFin = 0x01;

// The capture's frames: fields asked, one row per frame.
struct Frame {
  unsigned flags = 0;
  std::string src, dst;
  uint64_t seq = 0, ack = 0;
  bool mss = false, wscale = false, sack_perm = false, timestamps = false;
};
std::vector<Frame> capture(const std::string& pcap) {
  const TsharkFields t = tcpoe::test::tshark_fields(
      pcap, {"tcp.flags", "ip.src", "ip.dst", "tcp.seq_raw", "tcp.ack_raw", "tcp.options.mss_val",
             "tcp.options.wscale.shift", "tcp.options.sack_perm", "tcp.options.timestamp.tsval"});
  INFO(t.raw);
  REQUIRE(t.ran);
  std::vector<Frame> out;
  for (const auto& row : t.rows) {
    Frame f;
    f.flags = row[0].empty() ? 0 : unsigned(std::stoul(row[0][0], nullptr, 16));
    f.src = row[1].empty() ? "" : row[1][0];
    f.dst = row[2].empty() ? "" : row[2][0];
    f.seq = row[3].empty() ? 0 : std::stoull(row[3][0]);
    f.ack = row[4].empty() ? 0 : std::stoull(row[4][0]);
    f.mss = !row[5].empty();
    f.wscale = !row[6].empty();
    f.sack_perm = !row[7].empty();
    f.timestamps = !row[8].empty();
    out.push_back(f);
  }
  return out;
}

TEST_CASE("connect, accept and close both ways between two simulated hosts, the handshake judged by tshark",
          "[stack]") {
  const std::string dir = out_dir("connect");
  const Seen s = scenario("connect", dir);
  check_established_and_closed(s);
  // The fast path (after bring-up) reads no register: rings, phase bits and
  // the index write-backs tell the driver everything.
  CHECK(number(s, "a_mmio_reads_fast_path") == 0);
  CHECK(number(s, "b_mmio_reads_fast_path") == 0);
  CHECK(number(s, "a_interrupts") == 0);  // poll mode
  CHECK(number(s, "a_counter_frames_tx") >= 4);  // SYN, ACK, FIN, ACK
  CHECK(number(s, "a_counter_frames_rx") >= 3);

  const std::vector<Frame> f = capture(dir + "/connect.pcap");
  REQUIRE(f.size() >= 7);  // SYN, SYN-ACK, ACK, FIN, ACK, FIN, ACK (or the FIN+ACKs merged)
  const std::string a = "10.88.0.1", b = "10.88.0.2";
  // SYN from A with Linux's SYN options.
  CHECK(f[0].flags == kSyn);
  CHECK(f[0].src == a);
  CHECK(f[0].dst == b);
  CHECK(f[0].mss);
  CHECK(f[0].wscale);
  CHECK(f[0].sack_perm);
  CHECK(f[0].timestamps);
  // SYN-ACK from B acknowledging the SYN, answering the options.
  CHECK(f[1].flags == (kSyn | kAck));
  CHECK(f[1].src == b);
  CHECK(f[1].ack == ((f[0].seq + 1) & 0xffffffff));
  CHECK(f[1].mss);
  CHECK(f[1].wscale);
  CHECK(f[1].sack_perm);
  CHECK(f[1].timestamps);
  // ACK from A: no SYN options any more, timestamps on.
  CHECK(f[2].flags == kAck);
  CHECK(f[2].src == a);
  CHECK(f[2].seq == ((f[0].seq + 1) & 0xffffffff));
  CHECK(f[2].ack == ((f[1].seq + 1) & 0xffffffff));
  CHECK_FALSE(f[2].mss);
  CHECK(f[2].timestamps);
  // Close: A's FIN first, then B's; no RST anywhere.
  CHECK((f[3].flags & kFin) != 0);
  CHECK(f[3].src == a);
  bool b_fin = false;
  for (std::size_t i = 3; i < f.size(); ++i) {
    CHECK((f[i].flags & kRst) == 0);
    b_fin = b_fin || (f[i].src == b && (f[i].flags & kFin));
  }
  CHECK(b_fin);
  const tcpoe::test::TsharkVerdict v = tcpoe::test::tshark_check(dir + "/connect.pcap");
  INFO(v.raw);
  CHECK(v.ran);
  CHECK(v.problems.empty());
}

TEST_CASE("interrupt mode: the same connection, woken by MSI-X instead of polling", "[stack]") {
  const Seen s = scenario("connect", out_dir("connect-irq"), "--interrupts");
  check_established_and_closed(s);
  CHECK(number(s, "a_interrupts") > 0);
  CHECK(number(s, "b_interrupts") > 0);
  CHECK(number(s, "a_mmio_reads_fast_path") == 0);
}

TEST_CASE("the same connection with the device's data path at 512 bits", "[stack]") {
  const Seen s = scenario("connect", out_dir("connect-512"), "--data-width 512");
  check_established_and_closed(s);
  CHECK(number(s, "a_mmio_reads_fast_path") == 0);
  CHECK(number(s, "b_mmio_reads_fast_path") == 0);
}

TEST_CASE("a handshake through a lossy wire completes by retransmission", "[stack]") {
  const Seen s = scenario("connect", out_dir("connect-loss"), "--loss 0.3 --seed " TCPOE_STACK_LOSS_SEED);
  // This seed loses A's first SYN (the test says so if it does not).
  REQUIRE(number(s, "wire_lost") >= 1);
  CHECK(number(s, "a_retransmissions") >= 1);
  check_established_and_closed(s);
}

TEST_CASE("a connect to a port where nothing listens is refused by the peer's RST", "[stack]") {
  const std::string dir = out_dir("refused");
  const Seen s = scenario("refused", dir);
  no_exception(s);
  CHECK(at(s, "a_connect") == "Success");
  CHECK(at(s, "a_error") == "connection refused");
  CHECK(at(s, "a_error_is_refused") == "1");
  CHECK(at(s, "a_state") == "CLOSED");
  CHECK(number(s, "a_table_size") == 0);
  CHECK(at(s, "a_close") == "Success");
  CHECK(at(s, "a_state_after_close") == "gone");
  CHECK(at(s, "a_connect_unknown_host") == "no Ethernet address known for the peer");
  CHECK(number(s, "b_resets_sent") == 1);
  const std::vector<Frame> f = capture(dir + "/refused.pcap");
  REQUIRE(f.size() == 2);
  CHECK(f[0].flags == kSyn);
  CHECK((f[1].flags & kRst) != 0);
  CHECK(f[1].ack == ((f[0].seq + 1) & 0xffffffff));
}

TEST_CASE("a peer that never answers: the SYN retransmitted with back-off, then connection timed out",
          "[stack]") {
  const std::string dir = out_dir("timeout");
  const Seen s = scenario("timeout", dir);
  no_exception(s);
  CHECK(at(s, "a_connect") == "Success");
  CHECK(at(s, "a_error") == "connection timed out");
  CHECK(at(s, "a_error_is_timed_out") == "1");
  CHECK(at(s, "a_state") == "CLOSED");
  CHECK(number(s, "a_table_size") == 0);
  const uint64_t retries = number(s, "a_syn_retries");
  // Every SYN sent, completed, and the ring empty again.
  CHECK(number(s, "a_frames_posted") == retries + 1);
  CHECK(number(s, "a_tx_completions") == retries + 1);
  CHECK(number(s, "a_tx_in_flight") == 0);
  // 30 us initial RTO doubled each time: 30 + 60 + 120 + 240 us to the give-up.
  CHECK(number(s, "a_gave_up_after_ns") == 450000);
  const TsharkFields t = tcpoe::test::tshark_fields(dir + "/timeout.pcap", {"frame.time_relative", "tcp.flags"});
  INFO(t.raw);
  REQUIRE(t.ran);
  REQUIRE(t.rows.size() == retries + 1);
  double previous_gap = 0, previous = 0;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    CHECK(std::stoul(t.rows[i][1].at(0), nullptr, 16) == kSyn);
    const double at_s = std::stod(t.rows[i][0].at(0));
    if (i > 0) {
      const double gap = at_s - previous;
      CHECK(gap == Approx(i == 1 ? 30e-6 : 2 * previous_gap).epsilon(0.05));
      previous_gap = gap;
    }
    previous = at_s;
  }
}

}  // namespace

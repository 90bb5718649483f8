// Data between two simulated hosts through the driver's Stack (send/recv,
// the device's TX and RX paths, the wire model): tests/driver/
// stack_scenarios transfer. A sends 1 MB (10 MB in the tests) of
// pseudo-random octets, B sends every octet back; both ends compare octet
// by octet and report the SHA-256 of what they sent and received, which
// must all be the payload's (checked against sha256sum once). The data
// segments on the wire are judged by tshark: checksums, form, and its TCP
// sequence analysis. After the close, nothing is left on either host.
#include "stack_test_util.h"

#include <string>

#include "../support/tshark_check.h"

namespace {

using namespace tcpoe::test::stack;
using tcpoe::test::TsharkCheckOptions;
using tcpoe::test::TsharkFields;
using tcpoe::test::run_command;

constexpr uint64_t kBytes = 1 << 20;
constexpr uint64_t k10MB = 10'000'000;

// The scenario's arguments for a transfer of `bytes` (scenario() skips the
// devices' idle cycles: hosts waiting for a retransmission timer cost little).
std::string transfer_of(uint64_t bytes, const std::string& more = "") {
  return "--bytes " + std::to_string(bytes) + " " + more;
}

void check_intact(const Seen& s, uint64_t bytes = kBytes) {
  no_exception(s);
  // Before the handshake completes, send() and recv() would block; after
  // close() sending is refused, and once the connection is gone too.
  CHECK(at(s, "a_send_in_syn_sent") == "operation would block");
  CHECK(at(s, "a_recv_in_syn_sent") == "operation would block");
  CHECK(at(s, "a_send_after_close") == "broken pipe: the socket is shut down for sending");
  CHECK(at(s, "a_send_when_gone") == "no such socket");
  CHECK(at(s, "a_connected") == "1");
  CHECK(number(s, "a_sent") == bytes);
  CHECK(number(s, "b_received") == bytes);
  CHECK(number(s, "b_received_wrong") == 0);
  CHECK(number(s, "b_echoed") == bytes);
  CHECK(number(s, "a_received") == bytes);
  CHECK(number(s, "a_received_wrong") == 0);
  // Each end's digest of what it sent and received: all the payload's.
  const std::string& sent = at(s, "a_sent_sha256");
  CHECK(sent.size() == 64);
  CHECK(at(s, "b_received_sha256") == sent);
  CHECK(at(s, "b_sent_sha256") == sent);
  CHECK(at(s, "a_received_sha256") == sent);
  // Then the close: B read the end of A's stream, both connections ended.
  CHECK(at(s, "b_end_of_stream") == "1");
  CHECK(at(s, "a_closed") == "1");
  CHECK(at(s, "b_closed") == "1");
  CHECK(number(s, "a_iommu_faults") == 0);
  CHECK(number(s, "b_iommu_faults") == 0);
  // Table, rings and buffers empty, CFG_ERROR 0, all freed at teardown.
  check_left_empty(s);
}

// Zero-copy TX: every payload octet posted (first transmissions and
// retransmissions alike) went by reference, none copied into a TX slot;
// `sent` octets once each, from the send buffer's chunks.
void check_sent_by_reference(const Seen& s, const std::string& who, uint64_t sent) {
  CHECK(number(s, who + "_tx_payload_copied") == 0);
  CHECK(number(s, who + "_octets_sent") == sent);
  CHECK(number(s, who + "_tx_payload_by_reference") ==
        number(s, who + "_octets_sent") + number(s, who + "_octets_retransmitted"));
  CHECK(number(s, who + "_send_chunks_taken") >= sent / (64 * 1024));
}

// The payload's SHA-256 by coreutils' sha256sum, from the file the
// scenario wrote: the oracle for the digests the hosts computed.
std::string sha256sum(const std::string& path) {
  const auto r = run_command("sha256sum '" + path + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.output.size() >= 64);
  return r.output.substr(0, 64);
}

// Data segments on the capture (TCP payload > 0) and how many of them
// tshark calls retransmissions.
struct DataSegments {
  std::size_t count = 0, retransmissions = 0;
  uint64_t octets = 0;
};
DataSegments data_segments(const std::string& pcap) {
  const TsharkFields t = tcpoe::test::tshark_fields(pcap, {"tcp.len", "tcp.analysis.retransmission"});
  INFO(t.raw.substr(0, 2000));
  REQUIRE(t.ran);
  DataSegments d;
  for (const auto& row : t.rows) {
    const uint64_t len = row[0].empty() ? 0 : std::stoull(row[0][0]);
    if (len == 0) continue;
    ++d.count;
    d.octets += len;
    if (!row[1].empty()) ++d.retransmissions;
  }
  return d;
}

// The SACK blocks on the capture, as tshark reads them (relative sequence
// numbers): each must lie above the segment's ACK and within the window it
// advertises (RFC 2018 section 4).
struct SackSeen {
  std::size_t segments = 0, blocks = 0, outside_window = 0;
  bool at_most_3_per_segment = true;  // beside the timestamps
};
SackSeen sack_blocks(const std::string& pcap) {
  const TsharkFields t = tcpoe::test::tshark_fields(
      pcap, {"tcp.ack", "tcp.window_size", "tcp.options.sack_le", "tcp.options.sack_re"});
  INFO(t.raw.substr(0, 2000));
  REQUIRE(t.ran);
  SackSeen seen;
  for (const auto& row : t.rows) {
    if (row[2].empty()) continue;
    REQUIRE(row[2].size() == row[3].size());
    ++seen.segments;
    seen.blocks += row[2].size();
    if (row[2].size() > 3) seen.at_most_3_per_segment = false;
    const uint64_t ack = std::stoull(row[0][0]), window = std::stoull(row[1][0]);
    for (std::size_t k = 0; k < row[2].size(); ++k) {
      const uint64_t left = std::stoull(row[2][k]), right = std::stoull(row[3][k]);
      if (!(ack < left && left < right && right <= ack + window)) ++seen.outside_window;
    }
  }
  return seen;
}

}  // namespace

TEST_CASE("1 MB one way and back arrives intact between two simulated hosts, judged by tshark",
          "[stack][data]") {
  const std::string dir = out_dir("transfer");
  const Seen s = scenario("transfer", dir, "--payload-file '" + dir + "/payload'");
  check_intact(s);
  CHECK(at(s, "a_sent_sha256") == sha256sum(dir + "/payload"));
  // A lossless wire: nothing sent twice, nothing out of order.
  CHECK(number(s, "wire_lost") == 0);
  CHECK(number(s, "a_retransmissions") == 0);
  CHECK(number(s, "b_retransmissions") == 0);
  CHECK(number(s, "a_out_of_order_kept") == 0);
  // The payload's copies (docs/driver.md, "Copies"), each way: send()
  // writes each octet once into the send buffer's chunks, DMA memory (the
  // only payload the CPU writes there); posting copies none (the device
  // reads it in place), so besides the payload the CPU writes only a
  // 128-octet TX entry per frame posted and a 16-octet RX buffer entry
  // per buffer posted (each frame received, and the ring's first fill);
  // the receiver's Stack hands payload to the
  // connection in place, and the CPU copies nothing out of DMA memory but
  // the devices' 4-octet indexes (completions are read in place).
  for (const std::string who : {"a", "b"}) {
    INFO(who);
    check_sent_by_reference(s, who, kBytes);
    CHECK(number(s, who + "_rx_payload_in_place") == kBytes);
    CHECK(number(s, who + "_host_octets_written") >= kBytes);
    CHECK(number(s, who + "_host_octets_written") <=
          kBytes + 128 * number(s, who + "_frames_posted") +
              16 * (number(s, who + "_rx_completions") + number(s, who + "_rx_capacity")));
    CHECK(number(s, who + "_host_octets_read") < kBytes / 16);
  }
  CHECK(sack_blocks(dir + "/transfer.pcap").segments == 0);  // nothing out of order: no SACK blocks
  // tshark: every checksum good, no malformed frame, and no sequence
  // warning (retransmission, out of order, lost segment, zero window...).
  TsharkCheckOptions judge;
  judge.sequence_warnings = true;
  judge.payload_as_data = true;
  const auto verdict = tcpoe::test::tshark_check(dir + "/transfer.pcap", judge);
  INFO(verdict.raw.substr(0, 2000));
  REQUIRE(verdict.ran);
  for (const std::string& p : verdict.problems) FAIL_CHECK(p);
  const DataSegments d = data_segments(dir + "/transfer.pcap");
  CHECK(d.octets == 2 * kBytes);  // each octet once each way
  CHECK(d.retransmissions == 0);
  // Segments of the MSS: 1460 less the timestamps' 12 octets.
  CHECK(d.count <= 2 * (kBytes / 1448 + 2) + 4);
}

TEST_CASE("1 MB one way and back through a wire losing 2% of frames arrives intact by retransmission",
          "[stack][data]") {
  const std::string dir = out_dir("transfer-loss");
  const Seen s = scenario("transfer", dir, "--loss 0.02 --seed " TCPOE_STACK_LOSS_SEED);
  check_intact(s);
  CHECK(number(s, "wire_lost") > 0);
  CHECK(number(s, "a_retransmissions") + number(s, "b_retransmissions") > 0);
  // Most losses recovered without waiting for the timer.
  CHECK(number(s, "a_fast_retransmits") + number(s, "b_fast_retransmits") > 0);
  // The checksums and form still hold; tshark sees the retransmissions.
  TsharkCheckOptions judge;
  judge.payload_as_data = true;
  const auto verdict = tcpoe::test::tshark_check(dir + "/transfer.pcap", judge);
  REQUIRE(verdict.ran);
  for (const std::string& p : verdict.problems) FAIL_CHECK(p);
  CHECK(data_segments(dir + "/transfer.pcap").retransmissions > 0);
  // SACK (RFC 2018, RFC 6675): the receivers report what they hold, and
  // recovery sends holes found from it again.
  CHECK(number(s, "a_sack_retransmits") + number(s, "b_sack_retransmits") > 0);
  const SackSeen sack = sack_blocks(dir + "/transfer.pcap");
  CHECK(sack.segments > 0);
  CHECK(sack.blocks >= sack.segments);
  CHECK(sack.at_most_3_per_segment);
  CHECK(sack.outside_window == 0);
  // Segments sent again went by reference too, SACK option in the slot.
  for (const std::string who : {"a", "b"}) {
    INFO(who);
    check_sent_by_reference(s, who, kBytes);
  }
  CHECK(number(s, "a_octets_retransmitted") + number(s, "b_octets_retransmitted") > 0);
}

TEST_CASE("the transfer with the device's data path at 512 bits", "[stack][data]") {
  const Seen s = scenario("transfer", out_dir("transfer-512"), "--data-width 512");
  check_intact(s);
  CHECK(number(s, "a_retransmissions") == 0);
}

// Issue #13's transfers: 10 MB each way, the SHA-256 of both directions, on
// a lossless wire, through loss, reordering and duplication. The same
// payload in each (the default --payload-seed); the wire's seed varies.

TEST_CASE("10 MB each way arrives intact through a lossless wire, its SHA-256 as sha256sum's", "[stack][data]") {
  const std::string dir = out_dir("transfer-10mb");
  const Seen s = scenario("transfer", dir, transfer_of(k10MB, "--payload-file '" + dir + "/payload'"));
  check_intact(s, k10MB);
  CHECK(at(s, "a_sent_sha256") == sha256sum(dir + "/payload"));
  CHECK(number(s, "wire_lost") == 0);
  CHECK(number(s, "a_retransmissions") + number(s, "b_retransmissions") == 0);
  run_command("rm -f '" + dir + "/payload'");
}

TEST_CASE("10 MB each way arrives intact through a wire losing 1% of frames", "[stack][data]") {
  const Seen s = scenario("transfer", out_dir("transfer-10mb-loss1"), transfer_of(k10MB, "--loss 0.01 --seed 11"));
  check_intact(s, k10MB);
  CHECK(number(s, "wire_lost") > 0);
  CHECK(number(s, "a_fast_retransmits") + number(s, "b_fast_retransmits") > 0);
}

TEST_CASE("10 MB each way arrives intact through a wire losing 5% of frames", "[stack][data]") {
  const Seen s = scenario("transfer", out_dir("transfer-10mb-loss5"), transfer_of(k10MB, "--loss 0.05 --seed 12"));
  check_intact(s, k10MB);
  CHECK(number(s, "wire_lost") > 0);
  CHECK(number(s, "a_fast_retransmits") + number(s, "b_fast_retransmits") > 0);
}

TEST_CASE("10 MB each way arrives intact through a wire reordering 5% of frames", "[stack][data]") {
  const Seen s = scenario("transfer", out_dir("transfer-10mb-reorder"), transfer_of(k10MB, "--reorder 0.05 --seed 13"));
  check_intact(s, k10MB);
  CHECK(number(s, "wire_reordered") > 0);
  CHECK(number(s, "wire_lost") == 0);
  CHECK(number(s, "a_out_of_order_kept") + number(s, "b_out_of_order_kept") > 0);
  // Nothing is lost: the late frames arrive and no timer has to expire
  // (NewReno may still send some again after three duplicate ACKs).
  CHECK(number(s, "a_timeouts") + number(s, "b_timeouts") == 0);
}

TEST_CASE("10 MB each way arrives intact through a wire duplicating 5% of frames", "[stack][data]") {
  const Seen s = scenario("transfer", out_dir("transfer-10mb-dup"), transfer_of(k10MB, "--dup 0.05 --seed 14"));
  check_intact(s, k10MB);
  CHECK(number(s, "wire_duplicated") > 0);
  CHECK(number(s, "wire_lost") == 0);
  CHECK(number(s, "a_retransmissions") + number(s, "b_retransmissions") == 0);
}

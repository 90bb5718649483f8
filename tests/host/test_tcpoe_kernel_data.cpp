// Data with the Linux kernel as the peer: tcpoe-handshake --peer linux
// --send-bytes/--recv-bytes, our simulated host (driver, device, PCIe model)
// on one side of the wire model, the kernel's TCP in a network namespace
// behind a TAP device on the other, its end a Python socket program
// (host/kernel_peer.py). Judged from outside: the kernel's application
// hashes what it received and sent with Python's hashlib, we hash with
// libcrypto, --stats-json is read by Python's json module, the capture by
// tshark. Every case needs root for the namespace; without it, exit 77
// (ctest: skipped) with the reason.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "../support/tshark_check.h"
#include "handshake_cli.h"

namespace {

using namespace tcpoe::test::handshake_cli;

constexpr uint64_t kTenMegabytes = 10 * 1024 * 1024;

// A run with data; the capture in *pcap when asked for.
Run transfer(const std::string& args, const std::string& tag, const std::string& pcap = "") {
  require_linux_peer();
  const std::string tap = tap_name(tag);
  Run r = handshake("--peer linux --tap-name " + tap + (pcap.empty() ? "" : " --pcap " + pcap) + " " + args, tag);
  CHECK_FALSE(netns_exists(tap + "-ns"));  // cleaned up behind itself
  return r;
}

// Both ends agree on every octet of both directions: counts and SHA-256s
// (ours by libcrypto, the kernel application's by Python's hashlib).
void check_intact(const Run& r, uint64_t we_send, uint64_t kernel_sends) {
  INFO(r.output);
  const Stats& s = r.stats;
  CHECK(r.exit_code == 0);
  CHECK(number(s, "established") == 1);
  CHECK(number(s, "closed") == 1);
  CHECK(number(s, "sent_octets") == we_send);
  CHECK(number(s, "peer_received_octets") == we_send);
  CHECK(s.at("peer_received_sha256") == s.at("sent_sha256"));
  CHECK(number(s, "peer_sent_octets") == kernel_sends);
  CHECK(number(s, "received_octets") == kernel_sends);
  CHECK(s.at("received_sha256") == s.at("peer_sent_sha256"));
  CHECK(s.at("end_of_stream") == "true");
  CHECK(s.at("transfer_error") == "\"\"");
  CHECK(s.at("peer_error") == "\"none\"");
  CHECK(number(s, "peer_exit") == 0);
  CHECK(s.at("data_intact") == "true");
  CHECK_THAT(r.output, Catch::Contains("data: intact both ways"));
  // The hashes are of the data, not of nothing: SHA-256 of no octets differs.
  const std::string of_nothing = "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"";
  CHECK((s.at("sent_sha256") == of_nothing) == (we_send == 0));
  CHECK((s.at("received_sha256") == of_nothing) == (kernel_sends == 0));
}

// Frames of the capture matching a tshark display filter.
std::size_t frames_matching(const std::string& pcap, const std::string& filter) {
  const auto r = tcpoe::test::run_command(std::string("WIRESHARK_CONFIG_DIR=/nonexistent/tcpoe ") + TCPOE_TSHARK +
                                          " -n -r " + pcap + " -Y '" + filter + "' -T fields -e frame.number 2>&1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  // Frame numbers, one a line (tshark's notes to stderr, "Running as user
  // root...", are none).
  std::size_t n = 0;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);)
    n += !line.empty() && line.find_first_not_of("0123456789") == std::string::npos;
  return n;
}

// 10 MB each way on a wire that loses, duplicates and reorders frames
// with probability `rate` (each, both directions), from `seed`.
void check_impaired_transfer(const std::string& rate, unsigned seed) {
  const Run r = transfer("--send-bytes " + std::to_string(kTenMegabytes) + " --recv-bytes " +
                             std::to_string(kTenMegabytes) + " --loss " + rate + " --dup " + rate + " --reorder " +
                             rate + " --seed " + std::to_string(seed),
                         "kdi" + std::to_string(seed));
  check_intact(r, kTenMegabytes, kTenMegabytes);
  CHECK(number(r.stats, "wire_lost") > 0);
  CHECK(number(r.stats, "wire_duplicated") > 0);
  CHECK(number(r.stats, "wire_reordered") > 0);
  CHECK(number(r.stats, "retransmissions") > 0);    // ours: some of our segments were lost
  CHECK(number(r.stats, "out_of_order_kept") > 0);  // the kernel's segments behind a lost one kept
}

const std::string kOurs = "ip.src==10.77.0.1", kKernels = "ip.src==10.77.0.2";

}  // namespace

TEST_CASE("10 MB each way with the Linux kernel on a lossless wire: every octet arrives, SHA-256 equal on both ends",
          "[host][kernel-data][tap]") {
  const std::string pcap = temp("kernel-10mb.pcap");
  const Run r = transfer("--send-bytes " + std::to_string(kTenMegabytes) + " --recv-bytes " +
                             std::to_string(kTenMegabytes),
                         "kd0", pcap);
  check_intact(r, kTenMegabytes, kTenMegabytes);
  CHECK(number(r.stats, "wire_lost") == 0);
  // tshark's sequence analysis on the lossless run (an oracle that shares
  // nothing with ours), in one pass over the capture: no segment missing
  // from what it saw, none acknowledged unseen; checksums and form right on
  // every frame; full-sized data in both directions.
  const tcpoe::test::TsharkFields t = tcpoe::test::tshark_fields(
      pcap, {"ip.src", "tcp.len", "ip.checksum.status", "tcp.checksum.status", "tcp.analysis.lost_segment",
             "tcp.analysis.ack_lost_segment", "_ws.malformed", "tcp.checksum"});
  INFO(t.raw.substr(0, 2000));
  REQUIRE(t.ran);
  std::size_t bad_checksums = 0, lost = 0, acked_unseen = 0, malformed = 0, ours_full = 0, kernels_full = 0;
  for (const auto& row : t.rows) {
    // Linux writes 0xffff where the sum comes to 0x0000 (its CSUM_MANGLED_0),
    // equal in one's complement and accepted by any verifier, ours too;
    // tshark calls it bad (RFC 1624). Every other bad checksum counts.
    const bool kernels_ffff = !row[0].empty() && row[0][0] == "10.77.0.2" && !row[7].empty() && row[7][0] == "0xffff";
    bad_checksums += (!row[2].empty() && row[2][0] == "0") + (!row[3].empty() && row[3][0] == "0" && !kernels_ffff);
    lost += !row[4].empty();
    acked_unseen += !row[5].empty();
    malformed += !row[6].empty();
    const bool full = !row[1].empty() && std::stoul(row[1][0]) == 1448;
    if (full && !row[0].empty()) (row[0][0] == "10.77.0.1" ? ours_full : kernels_full) += 1;
  }
  CHECK(t.rows.size() > 2 * 7000);  // 10 MB of 1448-octet segments each way, and ACKs
  CHECK(bad_checksums == 0);
  CHECK(number(r.stats, "dropped_bad_checksum") == 0);  // our device's verdict condemned none of the kernel's
  CHECK(malformed == 0);
  CHECK(lost == 0);          // "previous segment not captured"
  CHECK(acked_unseen == 0);  // "ACKed segment that wasn't captured"
  // Most of 10 MB in full segments each way (the last and a few where the
  // kernel's writes end are shorter).
  CHECK(ours_full >= kTenMegabytes / 1448 * 9 / 10);
  CHECK(kernels_full >= kTenMegabytes / 1448 * 9 / 10);
  std::filesystem::remove(pcap);
}

TEST_CASE("10 MB each way with the Linux kernel at 1% loss, duplication and reordering: retransmitted, arrives intact",
          "[host][kernel-data][tap]") {
  check_impaired_transfer("0.01", 3);
}

TEST_CASE("10 MB each way with the Linux kernel at 5% loss, duplication and reordering: retransmitted, arrives intact",
          "[host][kernel-data][tap]") {
  check_impaired_transfer("0.05", 5);
}

TEST_CASE("a kernel peer that stops reading: its window closes, we probe it, and the transfer resumes intact",
          "[host][kernel-data][tap]") {
  const std::string pcap = temp("kernel-stops.pcap");
  const uint64_t bytes = 4 * 1024 * 1024, pause_after = 1024 * 1024;
  const Run r = transfer("--send-bytes " + std::to_string(bytes) + " --kernel-pause-after " +
                             std::to_string(pause_after) + " --kernel-pause-ms 3000 --kernel-rcvbuf 65536",
                         "kdz", pcap);
  check_intact(r, bytes, 0);
  CHECK(number(r.stats, "peer_paused_at") == pause_after);
  CHECK(number(r.stats, "peer_zero_windows") > 0);  // our sender saw the kernel's window at 0
  CHECK(number(r.stats, "window_probes") > 0);      // and probed it
  // The same, as tshark sees it on the wire.
  CHECK(frames_matching(pcap, kKernels + " && tcp.window_size==0") > 0);
  // Our probes are Linux's (an ACK one below SND.UNA, no data), which
  // tshark calls keep-alives; the kernel answers each with its zero window.
  CHECK(frames_matching(pcap, kOurs + " && tcp.analysis.keep_alive") > 0);
  CHECK(frames_matching(pcap, kKernels + " && tcp.analysis.window_update") > 0);
  std::filesystem::remove(pcap);
}

TEST_CASE("we stop reading: our window closes, the kernel probes it, our window update resumes it, intact",
          "[host][kernel-data][tap]") {
  const std::string pcap = temp("we-stop.pcap");
  const uint64_t bytes = 4 * 1024 * 1024, pause_after = 1024 * 1024;
  const Run r = transfer("--recv-bytes " + std::to_string(bytes) + " --pause-after " + std::to_string(pause_after) +
                             " --pause-us 3000",
                         "kdw", pcap);
  check_intact(r, 0, bytes);
  CHECK(r.stats.at("we_paused") == "true");
  CHECK(number(r.stats, "our_zero_windows") > 0);
  CHECK(frames_matching(pcap, kOurs + " && tcp.window_size==0") > 0);
  CHECK(frames_matching(pcap, kOurs + " && tcp.analysis.window_update") > 0);
  std::filesystem::remove(pcap);
}

TEST_CASE("tcpoe-handshake refuses data without a Linux peer, or with --listen, with a message and exit 2",
          "[host][kernel-data][bad-input]") {
  for (const std::string args : {"--send-bytes 10", "--peer linux --listen --recv-bytes 10",
                                 "--peer linux --connections 2 --send-bytes 10", "--pause-us 5",
                                 "--peer linux --send-bytes 10 --kernel-pause-after 5",
                                 "--peer linux --recv-bytes 10 --pause-after 5"}) {
    const auto r = tcpoe::test::run_command(kCli + " " + args + " 2>&1");
    INFO(args << "\n" << r.output);
    CHECK(r.exit_code == 2);
    CHECK((r.output.find("--send-bytes and --recv-bytes move data with --peer linux") != std::string::npos ||
           r.output.find("need data: --send-bytes or --recv-bytes") != std::string::npos ||
           r.output.find("how long to pause") != std::string::npos));
  }
}

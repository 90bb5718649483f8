// PcapWriter and tshark_check: good traffic is judged clean, and each kind of
// damage is caught (a checker that cannot fail proves nothing).
#include <pcap/pcap.h>

#include <catch2/catch.hpp>
#include <string>
#include <unistd.h>
#include <vector>

#include "../support/tshark_check.h"
#include "pcap_writer.h"
#include "test_frames.h"

namespace {

using tcpoe::sim::PcapWriter;
using tcpoe::test::TsharkVerdict;
namespace wire = tcpoe::wire;

// A per-process file, so parallel ctest runs do not share captures.
std::string temp_pcap(const std::string& tag) {
  return "/tmp/tcpoe-wm-" + tag + "-" + std::to_string(getpid()) + ".pcap";
}

TsharkVerdict check_frames(const std::string& tag,
                           const std::vector<std::vector<uint8_t>>& frames) {
  const std::string path = temp_pcap(tag);
  {
    PcapWriter w(path);
    REQUIRE(w.ok());
    for (std::size_t i = 0; i < frames.size(); ++i) w.write(frames[i], 1000 * i);
  }
  TsharkVerdict v = tcpoe::test::tshark_check(path);
  std::remove(path.c_str());
  return v;
}

std::string all_problems(const TsharkVerdict& v) {
  std::string s;
  for (const std::string& p : v.problems) s += p + "\n";
  return s;
}

tcpoe::test::SynSpec spec() { return {}; }

}  // namespace

TEST_CASE("tshark_check finds nothing wrong with good frames", "[pcap][tshark]") {
  auto syn = tcpoe::test::linux_syn(spec());
  auto spec2 = spec();
  spec2.src_port = 40001;
  auto syn2 = tcpoe::test::linux_syn(spec2);
  const TsharkVerdict v = check_frames("good", {syn, syn2});
  INFO(all_problems(v) << "--- tshark fields:\n" << v.raw);
  REQUIRE(v.ran);
  CHECK(v.frames == 2);
  CHECK(v.problems.empty());
}

TEST_CASE("tshark_check reports a corrupted IPv4 header checksum", "[pcap][tshark]") {
  auto good = tcpoe::test::linux_syn(spec());
  auto bad = good;
  bad[tcpoe::test::kIpChecksumAt] ^= 0x5a;
  const TsharkVerdict v = check_frames("badip", {good, bad});
  INFO(all_problems(v) << "--- tshark fields:\n" << v.raw);
  REQUIRE(v.ran);
  CHECK(v.frames == 2);
  REQUIRE(!v.problems.empty());
  // Only the damaged frame, and for the right reason.
  for (const std::string& p : v.problems) CHECK(p.rfind("frame 2: ", 0) == 0);
  CHECK(all_problems(v).find("frame 2: bad IPv4 header checksum") != std::string::npos);
  CHECK(all_problems(v).find("bad TCP checksum") == std::string::npos);
}

TEST_CASE("tshark_check reports a corrupted TCP checksum", "[pcap][tshark]") {
  auto bad = tcpoe::test::linux_syn(spec());
  bad[tcpoe::test::kTcpChecksumAt + 1] ^= 0x01;
  const TsharkVerdict v = check_frames("badtcp", {bad});
  INFO(all_problems(v) << "--- tshark fields:\n" << v.raw);
  REQUIRE(v.ran);
  CHECK(v.frames == 1);
  CHECK(all_problems(v).find("frame 1: bad TCP checksum") != std::string::npos);
  CHECK(all_problems(v).find("bad IPv4 header checksum") == std::string::npos);
}

TEST_CASE("tshark_check reports a truncated frame as malformed", "[pcap][tshark]") {
  auto cut = tcpoe::test::linux_syn(spec());
  cut.resize(40);  // the IPv4 total length now promises more than the frame holds
  const TsharkVerdict v = check_frames("trunc", {cut});
  INFO(all_problems(v) << "--- tshark fields:\n" << v.raw);
  REQUIRE(v.ran);
  CHECK(v.frames == 1);
  CHECK(all_problems(v).find("frame 1: malformed") != std::string::npos);
}

TEST_CASE("tshark_check reports a TCP data offset below 5", "[pcap][tshark]") {
  auto bad = tcpoe::test::linux_syn(spec());
  bad[14 + 20 + 12] = static_cast<uint8_t>((4 << 4) | (bad[14 + 20 + 12] & 0x0f));
  const TsharkVerdict v = check_frames("badoff", {bad});
  INFO(all_problems(v) << "--- tshark fields:\n" << v.raw);
  REQUIRE(v.ran);
  CHECK(all_problems(v).find("frame 1: Error/") != std::string::npos);
}

TEST_CASE("tshark_check reports sequence warnings only when asked to", "[pcap][tshark]") {
  // A SYN, then data 100 octets past where the stream must continue.
  const auto syn_repr = tcpoe::test::linux_syn_repr(spec());
  auto data_repr = syn_repr;
  data_repr.tcp.flags = wire::tcp::flag::kAck | wire::tcp::flag::kPsh;
  data_repr.tcp.seq = syn_repr.tcp.seq + 1 + 100;
  data_repr.tcp.options = {};
  const std::vector<uint8_t> payload(10, 'x');
  const std::string path = temp_pcap("gap");
  {
    PcapWriter w(path);
    REQUIRE(w.ok());
    w.write(wire::emit_frame(syn_repr, wire::ByteSpan()), 0);
    w.write(wire::emit_frame(data_repr, wire::ByteSpan(payload)), 1000);
  }
  const TsharkVerdict quiet = tcpoe::test::tshark_check(path);
  const TsharkVerdict loud = tcpoe::test::tshark_check(path, {/*sequence_warnings=*/true});
  std::remove(path.c_str());
  INFO(all_problems(quiet) << "--- with sequence warnings:\n" << all_problems(loud) << loud.raw);
  REQUIRE(quiet.ran);
  REQUIRE(loud.ran);
  CHECK(quiet.problems.empty());
  CHECK(all_problems(loud).find("frame 2: Warning/Sequence: ") != std::string::npos);
}

TEST_CASE("tshark_check says it did not run on a missing file", "[pcap][tshark]") {
  const TsharkVerdict v = tcpoe::test::tshark_check("/nonexistent/tcpoe.pcap");
  CHECK_FALSE(v.ran);
  CHECK(v.problems.empty());
}

TEST_CASE("PcapWriter stamps frames with simulated time in nanoseconds", "[pcap]") {
  const std::string path = temp_pcap("time");
  const auto syn = tcpoe::test::linux_syn(spec());
  constexpr uint64_t kPeriodPs = 3103;  // ~322 MHz
  constexpr uint64_t kCycle = 1'000'000'007;
  {
    PcapWriter w(path);
    REQUIRE(w.ok());
    w.write(syn, 0);
    w.write(syn, PcapWriter::cycle_time_ns(kCycle, kPeriodPs));
    CHECK(w.frames_written() == 2);
  }
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* in = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO,
                                                       err);
  REQUIRE(in != nullptr);
  CHECK(pcap_datalink(in) == DLT_EN10MB);
  std::vector<uint64_t> times;
  pcap_pkthdr* h;
  const u_char* data;
  while (pcap_next_ex(in, &h, &data) == 1) {
    CHECK(h->caplen == syn.size());
    CHECK(std::vector<uint8_t>(data, data + h->caplen) == syn);
    times.push_back(uint64_t(h->ts.tv_sec) * 1'000'000'000u + uint64_t(h->ts.tv_usec));
  }
  pcap_close(in);
  std::remove(path.c_str());
  REQUIRE(times.size() == 2);
  CHECK(times[0] == 0);
  CHECK(times[1] == kCycle * kPeriodPs / 1000);  // 3.103 s and change, to the nanosecond
}

TEST_CASE("PcapWriter reports a file it cannot create", "[pcap]") {
  PcapWriter w("/nonexistent-dir/x.pcap");
  CHECK_FALSE(w.ok());
  CHECK(w.error().find("/nonexistent-dir/x.pcap") != std::string::npos);
  const std::vector<uint8_t> f(60, 0);
  w.write(f, 0);  // harmless when not ok
  CHECK(w.frames_written() == 0);
}

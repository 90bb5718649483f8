// The frames the RTL builds, judged by what we did not write: scapy builds
// the same frames from the same fields, byte for byte; tshark validates the
// IPv4 and TCP checksums of every one of them in a libpcap capture.
#include <catch2/catch.hpp>

#include "../support/test_seed.h"

#include <cstdio>
#include <random>
#include <sstream>
#include <unistd.h>

#include "../support/subprocess.h"
#include "../support/tshark_check.h"
#include "builder_lockstep.h"
#include "builder_pcap.h"
#include "builder_test_util.h"
#include "pcap_writer.h"

using tcpoe::sim::BuilderRunOptions;
using tcpoe::sim::run_builder;
using tcpoe::sim::TxSegment;

namespace {

// Mostly header-only (the SYN, SYN-ACK, ACK, RST, FIN the builder exists
// for), a quarter with payload.
std::vector<TxSegment> oracle_segments(std::size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<TxSegment> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(rng() % 4 == 0 ? tcpoe::test::random_segment(rng, 1, 1460)
                                 : tcpoe::test::random_segment(rng, 0, 0));
  return out;
}

struct Built {
  std::vector<TxSegment> segments;
  std::vector<std::vector<uint8_t>> frames;  // from the RTL, in order
  std::vector<uint64_t> cycles;              // of each frame's last beat
};

// Every DATA_W, RTL in lockstep with the model, with back-pressure.
const std::vector<Built>& built_at_every_width() {
  static const std::vector<Built> all = [] {
    std::vector<Built> v;
    for (int w : {64, 128, 256, 512}) {
      Built b;
      b.segments = oracle_segments(1000, tcpoe::test::test_seed(4242 + uint64_t(w)));
      BuilderRunOptions opt;
      opt.data_width = w;
      opt.ready_probability = 0.8;
      opt.seed = tcpoe::test::test_seed(uint64_t(w));
      const auto r = run_builder(b.segments, opt);
      if (!r.ok) throw std::runtime_error("builder run failed: " + r.failure);
      b.frames = r.frames;
      b.cycles = r.frame_last_cycle;
      v.push_back(std::move(b));
    }
    return v;
  }();
  return all;
}

// Has tshark judge `frames` (see write_builder_pcap()), their payloads
// decoded as plain data: random ports would hand random payloads to
// application dissectors.
tcpoe::test::TsharkVerdict tshark_frames(const std::vector<std::vector<uint8_t>>& frames,
                                         const std::vector<uint64_t>& cycles) {
  const std::string path = tcpoe::test::write_builder_pcap(frames, cycles);
  tcpoe::test::TsharkCheckOptions options;
  options.payload_as_data = true;
  auto v = tcpoe::test::tshark_check(path, options);
  std::remove(path.c_str());
  return v;
}

}  // namespace

TEST_CASE("scapy builds the same frames as the RTL - byte for byte - at every DATA_W",
          "[builder][oracle][scapy]") {
  const auto& all = built_at_every_width();
  std::string input;
  std::size_t total = 0;
  for (const Built& b : all)
    for (const TxSegment& s : b.segments) input += tcpoe::test::scapy_line(s);
  const auto r = tcpoe::test::run_scapy_oracle("scapy_build.py", input);
  std::istringstream lines(r.output);
  std::string hex;
  for (const Built& b : all) {
    REQUIRE(b.frames.size() == b.segments.size());
    for (std::size_t i = 0; i < b.frames.size(); ++i) {
      REQUIRE(std::getline(lines, hex));
      INFO("frame " << total << ": " << tcpoe::test::scapy_line(b.segments[i]));
      REQUIRE(tcpoe::test::to_hex(b.frames[i]) == hex);
      ++total;
    }
  }
  CHECK(total == 4000);
  CHECK_FALSE(std::getline(lines, hex));
}

// Fully random fields make frames Wireshark rightly frowns on (a group
// source MAC, MSS on a non-SYN, an RST whose payload it reads as a reset
// cause); those are the descriptor's doing. What the builder owns is judged
// on all of them: the checksums and the form.
TEST_CASE("tshark: the 4000 random frames have good IPv4 and TCP checksums and none is malformed",
          "[builder][oracle][tshark]") {
  const auto& all = built_at_every_width();
  std::vector<std::vector<uint8_t>> frames;
  std::vector<uint64_t> cycles;
  for (const Built& b : all) {
    frames.insert(frames.end(), b.frames.begin(), b.frames.end());
    cycles.insert(cycles.end(), b.cycles.begin(), b.cycles.end());
  }
  const auto v = tshark_frames(frames, cycles);
  REQUIRE(v.ran);
  CHECK(v.frames == 4000);
  for (const std::string& p : v.problems) {
    const bool builders_fault = p.find("checksum") != std::string::npos ||
                                p.find("alformed") != std::string::npos ||
                                p.find("Error/") != std::string::npos;
    if (builders_fault) FAIL_CHECK(p);
  }
}

// Segments as a TCP connection sends them: unicast MACs, SYN/SYN-ACK with
// options, ACK/PSH/FIN/RST without MSS, payload only where data may go.
// Here tshark must have nothing at all to say.
TEST_CASE("tshark: connection-like segments built by the RTL draw no warning at all",
          "[builder][oracle][tshark]") {
  namespace fl = tcpoe::wire::tcp::flag;
  const uint8_t kFlags[] = {fl::kSyn, fl::kSyn | fl::kAck, fl::kAck, fl::kPsh | fl::kAck,
                            fl::kFin | fl::kAck, fl::kRst, fl::kRst | fl::kAck,
                            fl::kSyn | fl::kEce | fl::kCwr, fl::kSyn | fl::kAck | fl::kEce};
  std::vector<std::vector<uint8_t>> frames;
  std::vector<uint64_t> cycles;
  uint64_t base = 0;
  for (int w : {64, 128, 256, 512}) {
    std::mt19937_64 rng(tcpoe::test::test_seed(99 + uint64_t(w)));
    std::vector<TxSegment> segs;
    for (int i = 0; i < 250; ++i) {
      const uint8_t f = kFlags[rng() % (sizeof kFlags)];
      const bool data = (f == (fl::kPsh | fl::kAck) || f == fl::kAck) && rng() % 2 == 0;
      TxSegment s = tcpoe::test::random_segment(rng, data ? 1 : 0, data ? 1460 : 0);
      auto& d = s.desc;
      d.eth_src[0] &= 0xfe;  // unicast
      d.tcp_flags = f;
      d.urgent = 0;
      if (!(f & fl::kAck)) d.ack = 0;
      if (!(f & fl::kSyn)) {
        d.has_mss = d.has_window_scale = d.sack_permitted = false;
      }
      segs.push_back(std::move(s));
    }
    BuilderRunOptions opt;
    opt.data_width = w;
    opt.ready_probability = 0.9;
    const auto r = run_builder(segs, opt);
    INFO(r.failure);
    REQUIRE(r.ok);
    REQUIRE(r.frames.size() == segs.size());
    for (std::size_t i = 0; i < r.frames.size(); ++i) {
      frames.push_back(r.frames[i]);
      cycles.push_back(base + r.frame_last_cycle[i]);
    }
    base += r.cycles;
  }
  const auto v = tshark_frames(frames, cycles);
  REQUIRE(v.ran);
  CHECK(v.frames == 1000);
  for (const std::string& p : v.problems) FAIL_CHECK(p);
}

TEST_CASE("tshark catches a frame whose TCP checksum is off by one bit (the check can fail)",
          "[builder][oracle][tshark]") {
  const auto& all = built_at_every_width();
  std::vector<uint8_t> frame = all[0].frames[0];
  frame[tcpoe::wire::frame::kTcpOffset + tcpoe::wire::tcp::kChecksum.offset] ^= 0x01;
  const std::string path = tcpoe::test::temp_path("builder-bad-pcap");
  {
    tcpoe::sim::PcapWriter pcap(path);
    REQUIRE(pcap.ok());
    pcap.write(frame, 0);
  }
  const auto v = tcpoe::test::tshark_check(path);
  std::remove(path.c_str());
  REQUIRE(v.ran);
  REQUIRE(v.problems.size() >= 1);
  CHECK(v.problems[0].find("bad TCP checksum") != std::string::npos);
}

// The Ethernet wire (sim/wire/): serialization at the link rate with
// Ethernet's overheads, each impairment at its rate within statistical
// bounds (fixed seeds), the capture read back by tshark with the arrival
// times, the scripted peer as an end, and bad settings refused.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <string>
#include <unistd.h>
#include <vector>

#include "../support/tshark_check.h"
#include "ethernet_wire.h"
#include "peer_end.h"
#include "scripted_peer.h"
#include "tcpoe/wire/frame.h"
#include "test_frames.h"

namespace {

using tcpoe::sim::EthernetWire;
using tcpoe::sim::EthernetWireConfig;
using tcpoe::sim::Frame;
namespace wire = tcpoe::wire;

// Records what arrives at its side.
struct Recorder : tcpoe::sim::WireEnd {
  struct Arrival {
    Frame frame;
    uint64_t time_ps;
  };
  std::vector<Arrival> arrivals;
  void frame_arrived(const Frame& frame, uint64_t time_ps) override {
    arrivals.push_back({frame, time_ps});
  }
};

// A frame of `len` octets numbered `id` (octets 0..3, big-endian, repeated
// at the end) with the rest a function of the id.
Frame numbered_frame(uint32_t id, std::size_t len = 64) {
  Frame f(len);
  for (std::size_t i = 0; i < len; ++i) f[i] = uint8_t(id * 7 + i * 13);
  for (int k = 0; k < 4; ++k) {
    f[std::size_t(k)] = uint8_t(id >> (24 - 8 * k));
    f[len - 4 + std::size_t(k)] = uint8_t(id >> (24 - 8 * k));
  }
  return f;
}
uint32_t frame_id(const Frame& f) {
  return uint32_t(f[0]) << 24 | uint32_t(f[1]) << 16 | uint32_t(f[2]) << 8 | f[3];
}

// Time of `octets` at `rate_bps`, in ps, written out from 802.3's numbers
// rather than with the model's helpers: preamble+SFD 8, FCS 4, gap 12,
// frames padded to 60 octets before the FCS.
double octet_ps(uint64_t rate_bps) { return 8e12 / double(rate_bps); }
double on_line_octets(std::size_t len) { return 8.0 + double(std::max<std::size_t>(len, 60)) + 4.0 + 12.0; }
double received_after_start_octets(std::size_t len) { return 8.0 + double(std::max<std::size_t>(len, 60)) + 4.0; }

// Sends `n` frames back to back from side 0 at time 0 and delivers them
// all; what arrived at side 1, and the counters of side 0's direction.
struct Run {
  std::vector<Recorder::Arrival> arrivals;
  tcpoe::sim::WireCounters counters;
};
Run run_counted(const EthernetWireConfig& cfg, uint32_t n, std::size_t len = 64) {
  EthernetWire w(cfg);
  Recorder rx;
  w.attach(1, &rx);
  for (uint32_t i = 0; i < n; ++i) w.send(0, numbered_frame(i, len), 0);
  w.deliver_until(UINT64_MAX);
  return {rx.arrivals, w.counters(0)};
}
std::vector<Recorder::Arrival> run(const EthernetWireConfig& cfg, uint32_t n, std::size_t len = 64) {
  return run_counted(cfg, n, len).arrivals;
}

// |count - n p| within 5 standard deviations of a binomial(n, p).
void check_rate(uint64_t count, uint64_t n, double p, const char* what) {
  const double mean = double(n) * p;
  const double sigma = std::sqrt(double(n) * p * (1 - p));
  INFO(what << ": " << count << " of " << n << ", expected " << mean << " +- 5 x " << sigma);
  CHECK(std::fabs(double(count) - mean) <= 5 * sigma);
}

std::string temp_pcap(const std::string& tag) {
  return "/tmp/tcpoe-ew-" + tag + "-" + std::to_string(getpid()) + ".pcap";
}

}  // namespace

TEST_CASE("wire: back-to-back frames leave at the link rate with preamble, FCS and gap",
          "[wire][timing]") {
  for (uint64_t rate : {uint64_t(10'000'000'000), uint64_t(25'000'000'000), uint64_t(1'000'000'000)}) {
    for (std::size_t len : {std::size_t(54), std::size_t(60), std::size_t(64), std::size_t(1514)}) {
      EthernetWireConfig cfg;
      cfg.rate_bps = rate;
      const auto got = run(cfg, 10, len);
      INFO("rate " << rate << " len " << len);
      REQUIRE(got.size() == 10);
      for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(frame_id(got[i].frame) == i);
        CHECK(got[i].frame == numbered_frame(uint32_t(i), len));  // not padded, not changed
        const double expected = (double(i) * on_line_octets(len) + received_after_start_octets(len)) *
                                octet_ps(rate);
        CHECK(std::fabs(double(got[i].time_ps) - expected) <= 1.0);
      }
    }
  }
  // 10 Gb/s, 64-octet frames: 14.88 Mframes/s, the textbook figure.
  const auto got = run({}, 1001, 60);
  const double seconds = double(got.back().time_ps - got.front().time_ps) * 1e-12;
  CHECK(1000 / seconds == Approx(14'880'952).epsilon(1e-6));
}

TEST_CASE("wire: a frame waits for the line, starts when ready, and pays the propagation delay",
          "[wire][timing]") {
  EthernetWireConfig cfg;
  cfg.propagation_ps = 5'000;  // 1 m of cable
  EthernetWire w(cfg);
  Recorder a, b;
  w.attach(0, &a);
  w.attach(1, &b);
  const auto t1 = w.send(0, numbered_frame(1, 100), 1'000'000);
  CHECK(t1.start_ps == 1'000'000);
  CHECK(t1.end_ps == 1'000'000 + uint64_t(on_line_octets(100) * 800));
  CHECK(w.line_free_ps(0) == t1.end_ps);
  const auto t2 = w.send(0, numbered_frame(2, 100), 1'000'000);  // the line is busy
  CHECK(t2.start_ps == t1.end_ps);
  const auto t3 = w.send(0, numbered_frame(3, 100), t2.end_ps + 77'000);  // the line is idle
  CHECK(t3.start_ps == t2.end_ps + 77'000);
  // The other direction is a line of its own.
  const auto back = w.send(1, numbered_frame(9, 100), 1'000'000);
  CHECK(back.start_ps == 1'000'000);

  CHECK(w.next_arrival_ps() == 1'000'000 + uint64_t(received_after_start_octets(100) * 800) + 5'000);
  w.deliver_until(*w.next_arrival_ps() - 1);
  CHECK(b.arrivals.empty());
  CHECK(a.arrivals.empty());
  w.deliver_until(UINT64_MAX);
  REQUIRE(b.arrivals.size() == 3);
  REQUIRE(a.arrivals.size() == 1);
  const uint64_t rx = uint64_t(received_after_start_octets(100) * 800) + 5'000;
  CHECK(b.arrivals[0].time_ps == t1.start_ps + rx);
  CHECK(b.arrivals[1].time_ps == t2.start_ps + rx);
  CHECK(b.arrivals[2].time_ps == t3.start_ps + rx);
  CHECK(a.arrivals[0].time_ps == back.start_ps + rx);
  CHECK(frame_id(a.arrivals[0].frame) == 9);
  CHECK(w.counters(0).frames_sent == 3);
  CHECK(w.counters(0).octets_sent == 300);
  CHECK(w.counters(0).frames_delivered == 3);
  CHECK(w.counters(1).frames_delivered == 1);
  CHECK(!w.next_arrival_ps());
}

TEST_CASE("wire: loss at its rate, and what is left arrives in order and intact", "[wire][impair]") {
  constexpr uint32_t kFrames = 40000;
  EthernetWireConfig cfg;
  cfg.loss = 0.05;
  cfg.seed = 11;
  const Run rx = run_counted(cfg, kFrames);
  const uint64_t lost = kFrames - rx.arrivals.size();
  CHECK(rx.counters.lost == lost);
  CHECK(rx.counters.frames_delivered == rx.arrivals.size());
  check_rate(lost, kFrames, 0.05, "lost");
  for (std::size_t i = 1; i < rx.arrivals.size(); ++i)
    REQUIRE(frame_id(rx.arrivals[i].frame) > frame_id(rx.arrivals[i - 1].frame));
  for (const auto& a : rx.arrivals) REQUIRE(a.frame == numbered_frame(frame_id(a.frame)));
  // A lost frame still occupied the sender's line: arrivals keep their slots.
  for (const auto& a : rx.arrivals)
    REQUIRE(a.time_ps == uint64_t((frame_id(a.frame) * on_line_octets(64) + received_after_start_octets(64)) * 800));
}

TEST_CASE("wire: corruption flips one bit of a frame at its rate", "[wire][impair]") {
  constexpr uint32_t kFrames = 40000;
  EthernetWireConfig cfg;
  cfg.corrupt = 0.03;
  cfg.seed = 12;
  const auto got = run(cfg, kFrames, 200);
  REQUIRE(got.size() == kFrames);
  uint64_t corrupted = 0;
  std::vector<uint64_t> hits_per_octet(200, 0);
  for (uint32_t i = 0; i < kFrames; ++i) {
    const Frame sent = numbered_frame(i, 200);
    int bits = 0;
    for (std::size_t k = 0; k < sent.size(); ++k) {
      const int diff = __builtin_popcount(unsigned(sent[k] ^ got[i].frame[k]));
      bits += diff;
      if (diff) hits_per_octet[k]++;
    }
    REQUIRE(bits <= 1);
    corrupted += uint64_t(bits);
  }
  check_rate(corrupted, kFrames, 0.03, "corrupted");
  // Anywhere in the frame: both halves are hit.
  uint64_t first_half = 0;
  for (std::size_t k = 0; k < 100; ++k) first_half += hits_per_octet[k];
  check_rate(first_half, corrupted, 0.5, "corrupted in the first half");
}

TEST_CASE("wire: duplication delivers a frame twice, the copy right behind it", "[wire][impair]") {
  constexpr uint32_t kFrames = 40000;
  EthernetWireConfig cfg;
  cfg.duplicate = 0.02;
  cfg.seed = 13;
  const Run rx = run_counted(cfg, kFrames);
  const uint64_t copies = rx.arrivals.size() - kFrames;
  CHECK(rx.counters.duplicated == copies);
  check_rate(copies, kFrames, 0.02, "duplicated");
  uint32_t expected = 0;
  for (std::size_t i = 0; i < rx.arrivals.size(); ++i) {
    const uint32_t id = frame_id(rx.arrivals[i].frame);
    if (i > 0 && id == frame_id(rx.arrivals[i - 1].frame)) {
      REQUIRE(rx.arrivals[i].frame == rx.arrivals[i - 1].frame);
      REQUIRE(rx.arrivals[i].time_ps >= rx.arrivals[i - 1].time_ps);
      continue;
    }
    REQUIRE(id == expected++);
  }
  CHECK(expected == kFrames);
}

TEST_CASE("wire: reordering puts a frame behind the next one at its rate", "[wire][impair]") {
  constexpr uint32_t kFrames = 40000;
  constexpr double kRate = 0.04;
  EthernetWireConfig cfg;
  cfg.reorder = kRate;
  cfg.seed = 14;
  const auto got = run(cfg, kFrames);
  REQUIRE(got.size() == kFrames);
  // Each swap of neighbours is one reordered frame; nothing moves further.
  uint64_t swaps = 0;
  for (uint32_t i = 0; i < kFrames; ++i) {
    const uint32_t id = frame_id(got[i].frame);
    if (id == i) continue;
    REQUIRE(i + 1 < kFrames);
    REQUIRE(id == i + 1);
    REQUIRE(frame_id(got[i + 1].frame) == i);
    REQUIRE(got[i + 1].time_ps > got[i].time_ps);
    ++swaps;
    ++i;
  }
  // A frame that releases a held one is not held itself: p / (1 + p).
  check_rate(swaps, kFrames, kRate / (1 + kRate), "reordered");

  // With no frame behind it, a held frame arrives reorder_hold_ps late.
  cfg.reorder = 1.0;
  cfg.reorder_hold_ps = 3'000'000;
  const auto alone = run(cfg, 1, 64);
  REQUIRE(alone.size() == 1);
  CHECK(alone[0].time_ps == uint64_t(received_after_start_octets(64) * 800) + 3'000'000);
}

TEST_CASE("wire: impairments are reproducible from the seed, and each direction has its own stream",
          "[wire][impair]") {
  EthernetWireConfig cfg;
  cfg.loss = 0.1;
  cfg.corrupt = 0.1;
  cfg.duplicate = 0.1;
  cfg.reorder = 0.1;
  cfg.seed = 99;
  auto ids = [](const std::vector<Recorder::Arrival>& v) {
    std::vector<Frame> out;
    for (const auto& a : v) out.push_back(a.frame);
    return out;
  };
  const auto first = ids(run(cfg, 2000));
  CHECK(ids(run(cfg, 2000)) == first);
  cfg.seed = 100;
  CHECK(ids(run(cfg, 2000)) != first);

  // Traffic the other way does not change what happens to this direction.
  cfg.seed = 99;
  EthernetWire w(cfg);
  Recorder a, b;
  w.attach(0, &a);
  w.attach(1, &b);
  for (uint32_t i = 0; i < 2000; ++i) {
    w.send(0, numbered_frame(i), 0);
    if (i % 3 == 0) w.send(1, numbered_frame(i), 0);
  }
  w.deliver_until(UINT64_MAX);
  CHECK(ids(b.arrivals) == first);
}

TEST_CASE("wire: the capture holds every delivered frame at its arrival time, as tshark reads it",
          "[wire][pcap][tshark]") {
  const std::string path = temp_pcap("times");
  std::vector<std::pair<Frame, uint64_t>> delivered;  // frame, ps
  {
    EthernetWireConfig cfg;
    cfg.pcap_path = path;
    cfg.loss = 0.25;
    cfg.seed = 5;
    cfg.propagation_ps = 12'345;
    EthernetWire w(cfg);
    Recorder a, b;
    w.attach(0, &a);
    w.attach(1, &b);
    tcpoe::test::SynSpec spec;
    for (uint32_t i = 0; i < 40; ++i) {
      spec.seq = 1000 + i;
      spec.src_port = uint16_t(40000 + i);
      const Frame syn = tcpoe::test::linux_syn(spec);
      w.send(int(i % 2), syn, uint64_t(i) * 37'000);
      w.send(int(i % 2), numbered_frame(i, 1514), uint64_t(i) * 37'000);
    }
    w.deliver_until(UINT64_MAX);
    for (const Recorder* r : {&a, &b})
      for (const auto& x : r->arrivals) delivered.push_back({x.frame, x.time_ps});
    CHECK(w.counters(0).lost + w.counters(1).lost > 0);
    CHECK(delivered.size() == 80 - w.counters(0).lost - w.counters(1).lost);
  }  // the capture is closed
  std::sort(delivered.begin(), delivered.end(),
            [](const auto& x, const auto& y) { return x.second < y.second; });

  const tcpoe::test::TsharkFields t =
      tcpoe::test::tshark_fields(path, {"frame.time_epoch", "frame.len", "tcp.seq_raw"});
  INFO(t.raw);
  REQUIRE(t.ran);
  REQUIRE(t.rows.size() == delivered.size());
  for (std::size_t i = 0; i < delivered.size(); ++i) {
    INFO("frame " << i + 1);
    REQUIRE(t.rows[i][0].size() == 1);
    // "0.000057600": seconds and nanoseconds, exact as integers.
    const std::string& epoch = t.rows[i][0][0];
    const std::size_t dot = epoch.find('.');
    REQUIRE(dot != std::string::npos);
    const uint64_t ns = std::stoull(epoch.substr(0, dot)) * 1'000'000'000ull +
                        std::stoull((epoch.substr(dot + 1) + "000000000").substr(0, 9));
    CHECK(ns == delivered[i].second / 1000);
    CHECK(t.rows[i][1] == std::vector<std::string>{std::to_string(delivered[i].first.size())});
    if (delivered[i].first.size() != 1514) {  // a SYN: tshark finds its sequence number
      const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(delivered[i].first));
      CHECK(t.rows[i][2] == std::vector<std::string>{std::to_string(p.repr.tcp.seq)});
    }
  }
  std::remove(path.c_str());
}

TEST_CASE("wire: the scripted peer as an end answers a SYN after its response delay",
          "[wire][peer]") {
  EthernetWire w({});
  Recorder device;
  w.attach(0, &device);
  tcpoe::sim::ScriptedPeer peer({});
  tcpoe::sim::PeerEnd<tcpoe::sim::ScriptedPeer> end(w, 1, peer, /*response_delay_ps=*/2'000'000);
  const Frame syn = tcpoe::test::linux_syn({});
  const auto t = w.send(0, syn, 500'000);
  w.deliver_until(UINT64_MAX);
  REQUIRE(device.arrivals.size() == 1);
  CHECK(end.frames_received() == 1);
  CHECK(end.frames_sent() == 1);
  const uint64_t syn_arrival = t.start_ps + uint64_t(received_after_start_octets(syn.size()) * 800);
  const Frame& answer = device.arrivals[0].frame;
  CHECK(device.arrivals[0].time_ps ==
        syn_arrival + 2'000'000 + uint64_t(received_after_start_octets(answer.size()) * 800));
  const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(answer));
  REQUIRE(p.malformed == wire::Malformed::kNone);
  CHECK(p.repr.tcp.flags == (wire::tcp::flag::kSyn | wire::tcp::flag::kAck));
  CHECK(p.repr.tcp.ack == tcpoe::test::SynSpec{}.seq + 1);
  CHECK(end.pump(w.line_free_ps(1)) == 0);  // it says nothing unasked
}

TEST_CASE("wire: bad settings and bad frames are refused with the reason", "[wire][bad]") {
  auto refused = [](EthernetWireConfig cfg, const std::string& name) {
    INFO(name);
    CHECK(cfg.problem().find(name) != std::string::npos);
    CHECK_THROWS_AS(EthernetWire(cfg), std::invalid_argument);
  };
  EthernetWireConfig cfg;
  CHECK(cfg.problem().empty());
  cfg.rate_bps = 0;
  refused(cfg, "rate_bps");
  cfg = {};
  cfg.loss = 1.5;
  refused(cfg, "loss");
  cfg = {};
  cfg.corrupt = -0.1;
  refused(cfg, "corrupt");
  cfg = {};
  cfg.duplicate = std::nan("");
  refused(cfg, "duplicate");
  cfg = {};
  cfg.reorder = 0.1;
  cfg.reorder_hold_ps = 0;
  refused(cfg, "reorder_hold_ps");
  cfg = {};
  cfg.pcap_path = "/nonexistent-dir/x.pcap";
  CHECK_THROWS_AS(EthernetWire(cfg), std::runtime_error);

  EthernetWire w({});
  CHECK_THROWS_AS(w.send(0, Frame{}, 0), std::invalid_argument);
  CHECK_THROWS_AS(w.send(0, Frame(65536, 0), 0), std::invalid_argument);
  CHECK_THROWS_AS(w.send(2, numbered_frame(1), 0), std::out_of_range);
  CHECK_THROWS_AS(w.attach(-1, nullptr), std::out_of_range);
  w.deliver_until(1'000'000);
  CHECK_THROWS_AS(w.send(0, numbered_frame(1), 999'999), std::invalid_argument);
  CHECK_NOTHROW(w.send(0, numbered_frame(1), 1'000'000));
  CHECK(w.counters(0).frames_sent == 1);  // the refused ones were not counted
}

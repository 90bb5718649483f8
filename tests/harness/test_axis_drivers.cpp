// sim/common/axis.h on its own, against ports that are plain integers (up to
// 64 bits, as Verilator maps them) or arrays of 32-bit words (wider ports):
// the source slices under the tkeep rule, holds a beat stable until it is
// taken, throttles as asked; the sink collects packets and catches beats
// that break the tkeep rule; latency and stall measurement.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <random>
#include <type_traits>
#include <vector>

#include "axis.h"

using tcpoe::sim::AxisSink;
using tcpoe::sim::AxisSource;
using tcpoe::sim::follows_tkeep_rule;
using tcpoe::sim::LatencyMeter;
using tcpoe::sim::low_lanes;
using tcpoe::sim::Octets;
using tcpoe::sim::StallWatch;
using tcpoe::sim::Throttle;

namespace {

// The ports of a stream kBytes lanes wide, as Verilator declares them.
template <int kBytes>
struct Ports {
  using Data = std::conditional_t<kBytes <= 8, uint64_t, std::array<uint32_t, kBytes / 4>>;
  using Keep = uint64_t;
  uint8_t tvalid = 0, tlast = 0;
  Data tdata{};
  Keep tkeep = 0;
};

// What one cycle of a source put on its ports, and whether it was taken.
template <int kBytes>
struct Cycle {
  Ports<kBytes> ports;
  bool tready;
};

// Runs a source into a sink for the packets given, each as its throttle
// says, and returns every cycle's ports; the sink has the packets.
template <int kBytes>
std::vector<Cycle<kBytes>> run(const std::vector<Octets>& packets, AxisSource<kBytes>& source,
                               AxisSink<kBytes>& sink) {
  for (const Octets& p : packets) REQUIRE(source.add(p).empty());
  std::vector<Cycle<kBytes>> cycles;
  for (uint64_t cycle = 0; !source.done(); ++cycle) {
    REQUIRE(cycle < 100000);
    source.decide();
    Ports<kBytes> ports;
    source.drive(ports.tvalid, ports.tdata, ports.tkeep, ports.tlast);
    const bool tready = sink.decide();
    cycles.push_back({ports, tready});
    const auto taken = source.edge(tready, cycle);
    REQUIRE(taken.has_value() == (ports.tvalid && tready));
    if (taken) CHECK(sink.take(cycle, ports.tdata, ports.tkeep, ports.tlast));
  }
  return cycles;
}

template <int kBytes>
struct Width {
  static constexpr int value = kBytes;
};

}  // namespace

TEMPLATE_TEST_CASE("the source slices every length 1..3 beats + 1 under the tkeep rule",
                   "[harness][axis]", Width<8>, Width<16>, Width<32>, Width<64>) {
  constexpr int kBytes = TestType::value;
  std::mt19937_64 rng(1);
  std::vector<Octets> packets;
  for (int len = 1; len <= 3 * kBytes + 1; ++len) {
    Octets p(static_cast<std::size_t>(len));
    for (auto& o : p) o = uint8_t(rng());
    packets.push_back(p);
  }
  AxisSource<kBytes> source(rng, Throttle(1.0));
  AxisSink<kBytes> sink(rng, Throttle(1.0));
  const auto cycles = run<kBytes>(packets, source, sink);

  // Beat by beat: full beats, then lanes 0..n-1 on the last.
  std::size_t beat = 0;
  for (const Octets& p : packets) {
    const std::size_t beats = (p.size() + kBytes - 1) / kBytes;
    for (std::size_t b = 0; b < beats; ++b, ++beat) {
      INFO(kBytes << " lanes, packet of " << p.size() << ", beat " << b);
      const auto& ports = cycles.at(beat).ports;
      const bool last = b + 1 == beats;
      const int lanes = last ? int(p.size() - b * kBytes) : kBytes;
      CHECK(ports.tvalid == 1);
      CHECK(bool(ports.tlast) == last);
      CHECK(ports.tkeep == low_lanes(lanes));
      for (int l = 0; l < lanes; ++l)
        CHECK(tcpoe::sim::get_lane(ports.tdata, l) == p[b * kBytes + std::size_t(l)]);
    }
  }
  CHECK(cycles.size() == beat);  // probability 1.0 both sides: a beat every cycle
  CHECK(source.tkeep_violations() == 0);
  CHECK(sink.tkeep_violation().empty());
  CHECK(sink.packets() == packets);
  CHECK(source.handshakes().beats == beat);
  CHECK(source.handshakes().last_cycle - source.handshakes().first_cycle + 1 == beat);
  CHECK(source.packet_last_cycle().size() == packets.size());
}

TEMPLATE_TEST_CASE("a beat offered stays offered, every lane stable, until it is taken",
                   "[harness][axis]", Width<8>, Width<64>) {
  constexpr int kBytes = TestType::value;
  const char* valid_pattern = GENERATE("", "101");
  const char* ready_pattern = GENERATE("", "0001");
  std::mt19937_64 rng(2);
  std::vector<Octets> packets;
  for (int i = 0; i < 40; ++i)
    packets.push_back(Octets(std::size_t(1 + rng() % (3 * kBytes)), uint8_t(i)));
  AxisSource<kBytes> source(rng, Throttle(0.5, valid_pattern));
  AxisSink<kBytes> sink(rng, Throttle(0.3, ready_pattern));
  const auto cycles = run<kBytes>(packets, source, sink);
  int held = 0;
  for (std::size_t c = 1; c < cycles.size(); ++c) {
    const auto& before = cycles[c - 1];
    if (!before.ports.tvalid || before.tready) continue;
    ++held;
    INFO("cycle " << c);
    const auto& now = cycles[c].ports;
    REQUIRE(now.tvalid == 1);
    CHECK(now.tdata == before.ports.tdata);  // junk lanes too
    CHECK(now.tkeep == before.ports.tkeep);
    CHECK(now.tlast == before.ports.tlast);
  }
  CHECK(held > 20);  // back-pressure really happened
  CHECK(sink.packets() == packets);
}

TEST_CASE("a throttle: probability 1.0 is every time, a pattern repeats, bad ones are named",
          "[harness][axis]") {
  std::mt19937_64 rng(3);
  Throttle always(1.0);
  int yes = 0;
  for (int i = 0; i < 10000; ++i) yes += always.next(rng);
  CHECK(yes == 10000);
  Throttle half(0.5);
  yes = 0;
  for (int i = 0; i < 10000; ++i) yes += half.next(rng);
  CHECK(yes > 4700);
  CHECK(yes < 5300);
  Throttle pattern(0.5, "110");
  const auto before = rng;
  std::string seen;
  for (int i = 0; i < 7; ++i) seen += pattern.next(rng) ? '1' : '0';
  CHECK(seen == "1101101");
  CHECK(rng == before);  // a pattern draws nothing
  CHECK_FALSE(Throttle::problem(0.01, ""));
  CHECK_FALSE(Throttle::problem(1.0, "0001"));
  CHECK_THAT(*Throttle::problem(0.0, ""), Catch::Contains("not in (0, 1]"));
  CHECK_THAT(*Throttle::problem(1.5, ""), Catch::Contains("not in (0, 1]"));
  CHECK_THAT(*Throttle::problem(1.0, "000"), Catch::Contains("never lets a beat through"));
  CHECK_THAT(*Throttle::problem(1.0, "1x1"), Catch::Contains("other than 0 and 1"));
  CHECK(tcpoe::sim::throttle_problem("ready", 1.0, "2") ==
        "ready: pattern \"2\" has characters other than 0 and 1");
}

TEST_CASE("the tkeep rule: full beats, then lanes 0..n-1 with n >= 1", "[harness][axis]") {
  CHECK(follows_tkeep_rule(0xff, false, 8));
  CHECK(follows_tkeep_rule(0x07, true, 8));
  CHECK(follows_tkeep_rule(0xff, true, 8));
  CHECK(follows_tkeep_rule(~uint64_t{0}, false, 64));
  CHECK_FALSE(follows_tkeep_rule(0x7f, false, 8));       // short, not last
  CHECK_FALSE(follows_tkeep_rule(0x05, true, 8));        // a hole
  CHECK_FALSE(follows_tkeep_rule(0x06, true, 8));        // lane 0 missing
  CHECK_FALSE(follows_tkeep_rule(0x00, true, 8));        // nothing kept
  CHECK_FALSE(follows_tkeep_rule(low_lanes(63), false, 64));
}

TEST_CASE("a sink reports a beat that breaks the tkeep rule, and collects packets in order",
          "[harness][axis]") {
  std::mt19937_64 rng(4);
  AxisSink<8> sink(rng, Throttle(1.0));
  const uint64_t data = 0x0807060504030201ull;
  CHECK(sink.take(10, data, uint64_t{0xff}, false));
  CHECK(sink.take(11, data, uint64_t{0x03}, true));
  CHECK(sink.tkeep_violation().empty());
  CHECK(sink.take(12, data, uint64_t{0x01}, true));
  CHECK_FALSE(sink.take(13, data, uint64_t{0x0f}, false));  // short and not last
  CHECK_THAT(sink.tkeep_violation(), Catch::Contains("beat 3 (not last)"));
  CHECK_FALSE(sink.take(14, data, uint64_t{0x05}, true));   // a hole: the first violation stays
  CHECK_THAT(sink.tkeep_violation(), Catch::Contains("beat 3 (not last)"));
  REQUIRE(sink.packets().size() == 3);
  CHECK(sink.packets()[0] == Octets{1, 2, 3, 4, 5, 6, 7, 8, 1, 2});
  CHECK(sink.packets()[1] == Octets{1});
  CHECK(sink.packets()[2] == Octets{1, 2, 3, 4, 1, 3});
  CHECK(sink.packet_first_cycle() == std::vector<uint64_t>{10, 12, 13});
  CHECK(sink.packet_last_cycle() == std::vector<uint64_t>{11, 12, 14});
  CHECK(sink.handshakes().beats == 5);

  AxisSink<2> words(rng, Throttle(1.0));  // no tkeep, no tlast: a packet per beat
  words.take(3, uint16_t{0xbeef});
  CHECK(words.packets() == std::vector<Octets>{{0xef, 0xbe}});
}

TEST_CASE("a source given tkeeps against the rule offers them and counts them",
          "[harness][axis]") {
  std::mt19937_64 rng(5);
  AxisSource<8> source(rng, Throttle(1.0));
  const Octets octets{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const std::vector<uint64_t> keeps{0x7f, 0x05};  // short middle beat, a hole in the last
  const std::vector<uint64_t> too_many{0xff, 0xff};
  CHECK_THAT(source.add(octets, &too_many), Catch::Contains("keeps 16 lanes for 10 octets"));
  CHECK_THAT(source.add(Octets{}), Catch::Contains("at least one octet"));
  const Octets nine{1, 2, 3, 4, 5, 6, 7, 8, 9};
  REQUIRE(source.add(nine, &keeps).empty());
  uint8_t tvalid = 0, tlast = 0;
  uint64_t tdata = 0, tkeep = 0;
  source.decide();
  source.drive(tvalid, tdata, tkeep, tlast);
  CHECK(tkeep == 0x7f);
  CHECK((tdata & 0x00ffffffffffffffull) == 0x0007060504030201ull);
  source.edge(true, 0);
  source.decide();
  source.drive(tvalid, tdata, tkeep, tlast);
  CHECK(tkeep == 0x05);
  CHECK(tlast == 1);
  CHECK(tcpoe::sim::get_lane(tdata, 0) == 8);  // kept lanes take the octets in order
  CHECK(tcpoe::sim::get_lane(tdata, 2) == 9);
  source.edge(true, 1);
  CHECK(source.done());
  CHECK(source.tkeep_violations() == 2);
}

TEST_CASE("latency is counted from a packet's last beat to its result's first valid",
          "[harness][axis]") {
  LatencyMeter meter;
  CHECK_FALSE(meter.output_valid(0));  // a result before any input
  meter.input_done(5);
  meter.input_done(6);
  CHECK(meter.output_valid(9));
  CHECK(meter.output_valid(10));  // still the same result, held
  meter.output_taken();
  CHECK(meter.output_valid(12));
  meter.output_taken();
  CHECK_FALSE(meter.output_valid(13));
  CHECK(meter.latencies() == std::vector<uint32_t>{4, 6});
}

TEST_CASE("a stall is more than the limit of cycles in a row without progress",
          "[harness][axis]") {
  StallWatch watch(3);
  for (int i = 0; i < 3; ++i) CHECK_FALSE(watch.stalled(false));
  CHECK_FALSE(watch.stalled(true));
  for (int i = 0; i < 3; ++i) CHECK_FALSE(watch.stalled(false));
  CHECK(watch.stalled(false));
}

// rtl/tcp_rx_parser.sv against its HLS reference, cycle by cycle, at every
// DATA_W (the harness fails on the first port difference), and every
// descriptor against the software parser parse_frame() (via
// expected_rx_descriptor): well-formed frames with options in any legal
// order, every Malformed code, corrupted checksums, random damage, the
// counters, the rate and the latency.
#include <catch2/catch.hpp>

#include <sstream>

#include "../support/lockstep_matrix.h"
#include "parser_lockstep.h"
#include "parser_test_util.h"

using tcpoe::parser_test::Frame;
using tcpoe::parser_test::Gen;
using tcpoe::sim::ParserRunOptions;
using tcpoe::sim::ParserRunReport;
using tcpoe::sim::run_parser;
using tcpoe::test::describe;
using tcpoe::test::lockstep_options;
using tcpoe::test::long_test_seed;
using tcpoe::test::require_clean_run;
using tcpoe::test::test_seed;
namespace w = tcpoe::wire;

namespace {

// Every descriptor equals the one parse_frame() implies, and the counters
// equal the verdicts' tallies. Returns how many frames were well-formed.
std::size_t check_against_software(const std::vector<Frame>& frames, const ParserRunReport& r) {
  REQUIRE(r.descriptors.size() == frames.size());
  tcpoe::sim::ParserCounters want;
  std::size_t good = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const w::RxDescriptor exp = tcpoe::kernels::expected_rx_descriptor(frames[i]);
    const w::RxDescriptorBytes want_bytes = w::pack(exp);
    if (r.descriptors[i] != want_bytes) {
      std::ostringstream os;
      os << "frame " << i << " (" << frames[i].size() << " octets, expected code "
         << int(exp.malformed) << "): descriptor octets differ at";
      for (int b = 0; b < w::rx_desc::kSize; ++b)
        if (r.descriptors[i][b] != want_bytes[b])
          os << " [" << b << "] hw " << int(r.descriptors[i][b]) << " sw " << int(want_bytes[b]);
      FAIL(os.str());
    }
    ++want.frames;
    want.malformed += exp.malformed != w::Malformed::kNone;
    want.ip_csum_bad += exp.ip_csum_checked && !exp.ip_csum_ok;
    want.tcp_csum_bad += exp.tcp_csum_checked && !exp.tcp_csum_ok;
    good += exp.malformed == w::Malformed::kNone;
  }
  CHECK(r.counters.frames == want.frames);
  CHECK(r.counters.malformed == want.malformed);
  CHECK(r.counters.ip_csum_bad == want.ip_csum_bad);
  CHECK(r.counters.tcp_csum_bad == want.tcp_csum_bad);
  return good;
}

}  // namespace

TEST_CASE("well-formed frames, options in any legal order: every field, every DATA_W and "
          "traffic", "[parser][lockstep]") {
  const int width = TCPOE_GENERATE_DATA_WIDTH();
  const std::size_t traffic = TCPOE_GENERATE_TRAFFIC();
  const auto opt = lockstep_options<ParserRunOptions>(width, traffic, 2);
  INFO(describe(opt, traffic));
  Gen g(opt.seed);
  std::vector<Frame> frames;
  for (int i = 0; i < 150; ++i) frames.push_back(tcpoe::parser_test::good_frame(g));
  const ParserRunReport r = run_parser(frames, opt);
  require_clean_run(r);
  CHECK(check_against_software(frames, r) == frames.size());
  CHECK(r.counters.tcp_csum_bad == 0);
  CHECK(r.counters.ip_csum_bad == 0);
  // The options were really seen: not every descriptor carries none.
  std::size_t with_ts = 0, with_unknown = 0;
  for (const auto& d : r.descriptors) {
    const w::RxDescriptor u = w::unpack_rx_descriptor(d);
    with_ts += (u.opt_found & w::rx_desc::opt_found::kTimestamps) != 0;
    with_unknown += u.opt_unknown != 0;
  }
  CHECK(with_ts > 20);
  CHECK(with_unknown > 5);
}

TEST_CASE("long: random and mutated frames, a random seed unless TCPOE_SEED is set",
          "[parser][lockstep][long]") {
  const int width = TCPOE_GENERATE_DATA_WIDTH();
  const std::size_t traffic = TCPOE_GENERATE_TRAFFIC();
  auto opt = lockstep_options<ParserRunOptions>(width, traffic, 2);
  opt.seed = long_test_seed(opt.seed);
  INFO(describe(opt, traffic));
  Gen g(opt.seed);
  std::vector<Frame> frames;
  for (int i = 0; i < 20000; ++i) {
    Frame f = tcpoe::parser_test::good_frame(g);
    if (g.chance(0.5)) f = tcpoe::parser_test::mutate(g, f);
    frames.push_back(std::move(f));
  }
  const ParserRunReport r = run_parser(frames, opt);
  require_clean_run(r);
  check_against_software(frames, r);
}

TEST_CASE("every Malformed code is reported, counted, and the next frame parses",
          "[parser][lockstep][malformed]") {
  const int width = TCPOE_GENERATE_DATA_WIDTH();
  Gen g(test_seed(uint64_t(width) + 7));
  std::vector<Frame> frames;
  std::vector<int> codes;  // expected code per frame
  for (int round = 0; round < 6; ++round) {
    for (uint8_t c = 1; c < w::kMalformedCodeCount; ++c) {
      const auto code = w::Malformed(c);
      const Frame bad = tcpoe::parser_test::malformed_frame(g, code, round);
      // The crafted frame must be what it claims to be, by the specification.
      INFO("crafting code " << int(c) << " variant " << round);
      REQUIRE(w::parse_frame(bad).malformed == code);
      frames.push_back(bad);
      codes.push_back(c);
      frames.push_back(tcpoe::parser_test::good_frame(g));
      codes.push_back(0);
    }
  }
  ParserRunOptions opt;
  opt.data_width = width;
  opt.valid_probability = 0.8;
  opt.ready_probability = 0.8;
  opt.seed = test_seed(uint64_t(width));
  const ParserRunReport r = run_parser(frames, opt);
  INFO("DATA_W=" << width);
  require_clean_run(r);
  check_against_software(frames, r);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const w::RxDescriptor d = w::unpack_rx_descriptor(r.descriptors[i]);
    INFO("frame " << i);
    CHECK(int(d.malformed) == codes[i]);
    if (codes[i] == 0) CHECK(d.tcp_csum_ok);
  }
  CHECK(r.counters.malformed == 6 * (w::kMalformedCodeCount - 1));
  CHECK(r.counters.frames == frames.size());
}

TEST_CASE("corrupted IPv4 and TCP checksums are detected and counted",
          "[parser][lockstep][checksum]") {
  const int width = TCPOE_GENERATE_DATA_WIDTH();
  Gen g(test_seed(uint64_t(width) + 11));
  std::vector<Frame> frames;
  std::vector<std::pair<bool, bool>> want;  // ip ok, tcp ok
  for (int i = 0; i < 120; ++i) {
    Frame f = tcpoe::parser_test::good_frame(g);
    const int kind = i % 4;
    if (kind == 1) f[24 + g.below(2)] ^= uint8_t(1 + g.below(255));  // IPv4 checksum field
    if (kind == 2) {  // the checksum field, or an octet of the payload (padding excluded)
      const std::size_t seg_end = 14 + (std::size_t(f[16]) << 8 | f[17]);
      const std::size_t pl_off = 34 + 4 * std::size_t(f[46] >> 4);
      const std::size_t at =
          pl_off < seg_end && g.chance(0.7) ? pl_off + g.below(uint32_t(seg_end - pl_off))
                                            : 50 + g.below(2);
      f[at] ^= uint8_t(1u << g.below(8));
    }
    if (kind == 3 && f.size() == 60 && (std::size_t(f[16]) << 8 | f[17]) < 46)
      f[59] ^= 0xff;  // padding is not covered: still good
    frames.push_back(f);
    want.emplace_back(kind != 1, kind != 2);
  }
  ParserRunOptions opt;
  opt.data_width = width;
  opt.seed = test_seed(3);
  const ParserRunReport r = run_parser(frames, opt);
  INFO("DATA_W=" << width);
  require_clean_run(r);
  check_against_software(frames, r);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const w::RxDescriptor d = w::unpack_rx_descriptor(r.descriptors[i]);
    INFO("frame " << i);
    CHECK(d.malformed == w::Malformed::kNone);
    CHECK(d.ip_csum_checked);
    CHECK(d.tcp_csum_checked);
    CHECK(d.ip_csum_ok == want[i].first);
    CHECK(d.tcp_csum_ok == want[i].second);
  }
  CHECK(r.counters.ip_csum_bad == 30);
  CHECK(r.counters.tcp_csum_bad == 30);
}

TEST_CASE("thousands of random and mutated frames: hardware verdicts equal parse_frame's",
          "[parser][lockstep][fuzz]") {
  const int width = TCPOE_GENERATE_DATA_WIDTH();
  Gen g(test_seed(uint64_t(width) * 31));
  std::vector<Frame> frames;
  for (int i = 0; i < 2500; ++i) {
    Frame f = tcpoe::parser_test::good_frame(g);
    if (g.chance(0.7)) f = tcpoe::parser_test::mutate(g, f);
    if (g.chance(0.2)) f = tcpoe::parser_test::mutate(g, f);
    frames.push_back(std::move(f));
  }
  // Lengths at the edges: one octet, 53/54, 60/61, a jumbo frame, and frames
  // past what a 16-bit total length (and the 17-bit length count) can say.
  for (std::size_t n : {1u, 2u, 53u, 54u, 59u, 60u, 61u, 9018u, 65535u + 14u, 140000u}) {
    Frame f = tcpoe::parser_test::good_frame(g);
    f.resize(n, uint8_t(g.u8()));
    frames.push_back(f);
    frames.push_back(tcpoe::parser_test::good_frame(g));
  }
  ParserRunOptions opt;
  opt.data_width = width;
  opt.valid_probability = 0.9;
  opt.ready_probability = 0.9;
  opt.seed = test_seed(5);
  const ParserRunReport r = run_parser(frames, opt);
  INFO("DATA_W=" << width);
  require_clean_run(r);
  const std::size_t good = check_against_software(frames, r);
  // Both kinds of frame in quantity, or the comparison proves little.
  CHECK(good > 500);
  CHECK(r.counters.malformed > 1000);
  std::array<int, w::kMalformedCodeCount> seen{};
  for (const auto& d : r.descriptors) ++seen[int(w::unpack_rx_descriptor(d).malformed)];
  for (int c = 0; c < w::kMalformedCodeCount; ++c) {
    INFO("code " << c);
    CHECK(seen[c] > 0);
  }
}

TEST_CASE("back-to-back minimum frames: one frame per ceil(60/bytes) beats, no idle cycle, "
          "8-cycle latency", "[parser][lockstep][rate]") {
  const int width = TCPOE_GENERATE_DATA_WIDTH();
  Gen g(test_seed(uint64_t(width) + 99));
  std::vector<Frame> frames;
  for (int i = 0; i < 2000; ++i) {
    w::FrameRepr rep = g.repr();
    Frame f = w::emit_frame(rep, Frame(g.below(7), 0x33));  // 54..60 octets: padded to 60
    frames.push_back(f);
  }
  ParserRunOptions opt;
  opt.data_width = width;
  opt.seed = test_seed(1);
  const ParserRunReport r = run_parser(frames, opt);
  INFO("DATA_W=" << width);
  require_clean_run(r);
  check_against_software(frames, r);
  const uint64_t beats_per_frame = (60 + width / 8 - 1) / (width / 8);
  CHECK(r.beats == frames.size() * beats_per_frame);
  CHECK(r.last_beat_cycle - r.first_beat_cycle + 1 == r.beats);
  for (uint32_t lat : r.latencies) REQUIRE(lat == 8);
  CHECK(r.cycles == r.last_beat_cycle + 8 + 1);
}

TEST_CASE("back-to-back shortest frames with options: the option walk keeps up, no idle "
          "cycle, 8-cycle latency", "[parser][lockstep][rate][options]") {
  // Frames with options but no payload, 60 to 94 octets, back to back: the
  // densest traffic the option walk sees (below DATA_W=512 a walk unit keeps
  // a frame for several cycles, relying on frames with options being at
  // least 58 octets: 8, 4 and 2 beats apart at DATA_W 64, 128 and 256). Some
  // carry a bad option, some none.
  const int width = TCPOE_GENERATE_DATA_WIDTH();
  Gen g(test_seed(uint64_t(width) + 58));
  std::vector<Frame> frames;
  uint64_t beats = 0;
  for (int i = 0; i < 1500; ++i) {
    const uint8_t nop = w::tcp::opt::kNop, mss = w::tcp::opt::kMss;
    const Frame area = i % 5 == 0   ? Frame{mss, 4, g.u8(), g.u8()}  // 60 octets, padded
                       : i % 5 == 1 ? Frame{nop, nop, nop, nop}
                       : i % 5 == 2 ? Frame{mss, 3, 0, 1}  // bad: code 9
                                    : g.option_area();
    Frame f = tcpoe::parser_test::build_frame(g.repr(), area, {});
    frames.push_back(f);
    beats += (f.size() + width / 8 - 1) / (width / 8);
  }
  ParserRunOptions opt;
  opt.data_width = width;
  opt.seed = test_seed(1);
  const ParserRunReport r = run_parser(frames, opt);
  INFO("DATA_W=" << width);
  require_clean_run(r);
  CHECK(check_against_software(frames, r) >= frames.size() / 2);
  CHECK(r.beats == beats);
  CHECK(r.last_beat_cycle - r.first_beat_cycle + 1 == r.beats);
  for (uint32_t lat : r.latencies) REQUIRE(lat == 8);
}

TEST_CASE("a stalled descriptor consumer stops the input, loses nothing, and never hangs",
          "[parser][lockstep][backpressure]") {
  const int width = GENERATE(64, 512);
  Gen g(test_seed(uint64_t(width) + 5));
  std::vector<Frame> frames;
  for (int i = 0; i < 400; ++i) frames.push_back(w::emit_frame(g.repr(), Frame(g.below(7), 1)));
  ParserRunOptions opt;
  opt.data_width = width;
  opt.ready_probability = 0.02;  // the queue fills: s_axis_tready must fall
  opt.seed = test_seed(1);
  const ParserRunReport r = run_parser(frames, opt);
  INFO("DATA_W=" << width);
  require_clean_run(r);
  check_against_software(frames, r);
  // Far more cycles than beats: the input really was held off.
  CHECK(r.last_beat_cycle - r.first_beat_cycle + 1 > 5 * r.beats);
}

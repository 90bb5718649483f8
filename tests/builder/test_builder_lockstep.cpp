// rtl/tcp_tx_builder.sv against its HLS reference, cycle by cycle, at every
// DATA_W, and every frame against the wire layer's emit_frame(); plus the
// port-level promises: one beat per cycle back to back, latency, bad input
// dropped and counted without a hang.
#include <catch2/catch.hpp>

#include <random>

#include "../support/lockstep_matrix.h"
#include "builder_lockstep.h"
#include "builder_test_util.h"

using tcpoe::sim::BuilderRunOptions;
using tcpoe::sim::BuilderRunReport;
using tcpoe::sim::run_builder;
using tcpoe::sim::TxSegment;
using tcpoe::test::expected_frame;
using tcpoe::test::describe;
using tcpoe::test::lockstep_options;
using tcpoe::test::long_test_seed;
using tcpoe::test::random_segment;
using tcpoe::test::require_clean_run;
using tcpoe::test::test_seed;

namespace {

std::vector<TxSegment> random_segments(std::size_t n, uint16_t min_p, uint16_t max_p,
                                       uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<TxSegment> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(random_segment(rng, min_p, max_p));
  return out;
}

void require_frames(const BuilderRunReport& r, const std::vector<TxSegment>& segs) {
  require_clean_run(r);
  REQUIRE(r.frames.size() == segs.size());
  for (std::size_t i = 0; i < segs.size(); ++i) {
    INFO("frame " << i << " payload_len " << segs[i].desc.payload_len);
    REQUIRE(r.frames[i] == expected_frame(segs[i]));
  }
  CHECK(r.stat_bad_desc == 0);
  CHECK(r.stat_bad_payload == 0);
}

uint64_t beats_of(const std::vector<TxSegment>& segs, int w) {
  uint64_t n = 0;
  for (const auto& s : segs) n += (expected_frame(s).size() + w / 8 - 1) / (w / 8);
  return n;
}

}  // namespace

TEST_CASE("header-only segments: RTL and HLS agree - frames as the wire layer builds them",
          "[builder][lockstep]") {
  const int w = TCPOE_GENERATE_DATA_WIDTH();
  const std::size_t traffic = TCPOE_GENERATE_TRAFFIC();
  const auto opt = lockstep_options<BuilderRunOptions>(w, traffic, 3);
  INFO(describe(opt, traffic));
  const auto segs = random_segments(300, 0, 0, opt.seed);
  require_frames(run_builder(segs, opt), segs);
}

namespace {

// Segments of every kind: header only, payloads within a few beats, up to
// PAYLOAD_DEPTH, and payloads ending on every lane of a beat.
std::vector<TxSegment> mixed_segments(std::size_t n, int w, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<TxSegment> segs;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned kind = unsigned(rng() % 4);
    const uint16_t max = kind == 0 ? 0 : kind == 1 ? 3 * (w / 8) : 2048;
    segs.push_back(random_segment(rng, kind == 0 ? 0 : 1, max));
  }
  segs.push_back(random_segment(rng, 2048, 2048));
  for (int len = 1; len <= w / 8 + 1; ++len)
    segs.push_back(random_segment(rng, uint16_t(len), uint16_t(len)));
  return segs;
}

}  // namespace

TEST_CASE("segments with payload 0..2048 octets: RTL and HLS agree - frames as the wire layer's",
          "[builder][lockstep][payload]") {
  const int w = TCPOE_GENERATE_DATA_WIDTH();
  const std::size_t traffic = TCPOE_GENERATE_TRAFFIC();
  const auto opt = lockstep_options<BuilderRunOptions>(w, traffic, 4);
  INFO(describe(opt, traffic));
  const auto segs = mixed_segments(120, w, opt.seed);
  require_frames(run_builder(segs, opt), segs);
}

TEST_CASE("long: segments with payload 0..2048 octets, a random seed unless TCPOE_SEED is set",
          "[builder][lockstep][long]") {
  const int w = TCPOE_GENERATE_DATA_WIDTH();
  const std::size_t traffic = TCPOE_GENERATE_TRAFFIC();
  auto opt = lockstep_options<BuilderRunOptions>(w, traffic, 4);
  opt.seed = long_test_seed(opt.seed);
  INFO(describe(opt, traffic));
  const auto segs = mixed_segments(2000, w, opt.seed);
  require_frames(run_builder(segs, opt), segs);
}

// The payload buffer is read into a register every clock, read-first: a word
// written at the edge it is read shows a cycle later. Short payloads that
// arrive just as the output wants them (descriptors waiting, the payload
// input slower than the output, or faster) are where that would show.
TEST_CASE("short payloads arriving just in time: frames as the wire layer's",
          "[builder][lockstep][payload]") {
  const int w = TCPOE_GENERATE_DATA_WIDTH();
  const double payload_p = GENERATE(1.0, 0.7, 0.3);
  const double ready_p = GENERATE(1.0, 0.5);
  BuilderRunOptions opt;
  opt.data_width = w;
  opt.payload_valid_probability = payload_p;
  opt.ready_probability = ready_p;
  opt.seed = test_seed(11 + uint64_t(w) * 100 + uint64_t(payload_p * 10) * 10 + uint64_t(ready_p * 10));
  std::mt19937_64 rng(opt.seed);
  std::vector<TxSegment> segs;
  for (int i = 0; i < 400; ++i)
    segs.push_back(random_segment(rng, rng() % 3 == 0 ? 0 : 1, uint16_t(2 * (w / 8) + 1)));
  INFO("DATA_W=" << w << " payload valid " << payload_p << " ready " << ready_p);
  require_frames(run_builder(segs, opt), segs);
}

TEST_CASE("back-to-back header-only segments: one beat every cycle - no idle cycle",
          "[builder][rate]") {
  const int w = TCPOE_GENERATE_DATA_WIDTH();
  BuilderRunOptions opt;
  opt.data_width = w;
  const auto segs = random_segments(3000, 0, 0, test_seed(uint64_t(w) + 1));
  const auto r = run_builder(segs, opt);
  require_frames(r, segs);
  INFO("DATA_W=" << w);
  CHECK(r.out_beats == beats_of(segs, w));
  CHECK(r.last_out_cycle - r.first_out_cycle + 1 == r.out_beats);
  for (std::size_t i = 1; i < r.frames.size(); ++i)
    REQUIRE(r.frame_first_cycle[i] == r.frame_last_cycle[i - 1] + 1);
}

// Store and forward: a frame leaves once its whole payload is in. From a cold
// start the payload input has no lead yet (a short frame followed by a long
// one waits for it); the header beats the output carries and the input does
// not build that lead within a few frames, after which the output never idles
// for payloads up to PAYLOAD_DEPTH less 4 words (the next payload must fit
// whole in the buffer a few cycles before the current frame's last beat).
TEST_CASE("back-to-back segments with payload up to PAYLOAD_DEPTH - 4 words: no idle after warm-up",
          "[builder][rate][payload]") {
  const int w = TCPOE_GENERATE_DATA_WIDTH();
  BuilderRunOptions opt;
  opt.data_width = w;
  const auto max_p = uint16_t(tcpoe::sim::kBuilderPayloadDepth - 4 * (w / 8));
  const auto segs = random_segments(300, 1, max_p, test_seed(uint64_t(w) + 2));
  const auto r = run_builder(segs, opt);
  require_frames(r, segs);
  constexpr std::size_t kWarmUp = 10;
  uint64_t idle_after_warm_up = 0;
  for (std::size_t i = kWarmUp + 1; i < r.frames.size(); ++i)
    idle_after_warm_up += r.frame_first_cycle[i] - r.frame_last_cycle[i - 1] - 1;
  INFO("DATA_W=" << w);
  CHECK(idle_after_warm_up == 0);
}

TEST_CASE("latency: 3 cycles from descriptor to first beat - then one beat per cycle",
          "[builder][latency]") {
  const int w = TCPOE_GENERATE_DATA_WIDTH();
  BuilderRunOptions opt;
  opt.data_width = w;
  opt.desc_valid_probability = 0.02;  // isolated descriptors: nothing queued before them
  const auto segs = random_segments(60, 0, 0, test_seed(uint64_t(w) + 3));
  const auto r = run_builder(segs, opt);
  require_frames(r, segs);
  std::size_t measured = 0;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (i > 0 && r.desc_cycle[i] <= r.frame_last_cycle[i - 1]) continue;  // queued behind
    const uint64_t beats = (r.frames[i].size() + w / 8 - 1) / (w / 8);
    INFO("DATA_W=" << w << " frame " << i);
    CHECK(r.frame_first_cycle[i] - r.desc_cycle[i] == 3);
    CHECK(r.frame_last_cycle[i] - r.desc_cycle[i] == 3 + beats - 1);
    ++measured;
  }
  CHECK(measured >= segs.size() / 2);  // the check above is not vacuous
}

TEST_CASE("bad descriptors and payloads are dropped and counted - the rest still built",
          "[builder][bad]") {
  const int w = TCPOE_GENERATE_DATA_WIDTH();
  std::mt19937_64 rng(test_seed(uint64_t(w) + 4));
  std::vector<TxSegment> segs;
  std::vector<TxSegment> good;
  const auto add_good = [&](uint16_t max_p) {
    segs.push_back(random_segment(rng, 0, max_p));
    good.push_back(segs.back());
  };
  add_good(100);
  // Window scale 15: above RFC 7323's 14.
  TxSegment ws = random_segment(rng, 0, 0);
  ws.desc.has_window_scale = true;
  ws.desc.window_scale = 15;
  segs.push_back(ws);
  add_good(0);
  // ...with a payload, which goes with it.
  ws = random_segment(rng, 1, 300);
  ws.desc.has_window_scale = true;
  ws.desc.window_scale = 200;
  segs.push_back(ws);
  add_good(300);
  // payload_len above PAYLOAD_DEPTH, payload as long.
  segs.push_back(random_segment(rng, tcpoe::sim::kBuilderPayloadDepth + 1, 3000));
  add_good(300);
  // Payload stream shorter, then longer, than payload_len.
  TxSegment shorter = random_segment(rng, 40, 40);
  shorter.payload.resize(20);
  segs.push_back(shorter);
  add_good(200);
  TxSegment longer = random_segment(rng, 40, 40);
  longer.payload.resize(41, 0xab);
  segs.push_back(longer);
  add_good(0);
  // A payload stream far past the buffer for a small payload_len.
  TxSegment flood = random_segment(rng, 100, 100);
  flood.payload.resize(5000, 0x5a);
  segs.push_back(flood);
  add_good(2048);

  BuilderRunOptions opt;
  opt.data_width = w;
  opt.ready_probability = 0.7;
  opt.payload_valid_probability = 0.8;
  const auto r = run_builder(segs, opt);
  INFO("DATA_W=" << w << ": " << r.failure);
  REQUIRE(r.ok);
  CHECK(r.stat_bad_desc == 3);
  CHECK(r.stat_bad_payload == 3);
  REQUIRE(r.frames.size() == good.size());
  for (std::size_t i = 0; i < good.size(); ++i) {
    INFO("good frame " << i);
    CHECK(r.frames[i] == expected_frame(good[i]));
  }
}

namespace {

// tkeep of lanes 0..n-1.
uint64_t lanes(int n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }

// A segment whose payload packet is beats with these tkeeps, payload_len the
// octets they keep (so only the tkeep rule can tell it is wrong).
TxSegment keep_segment(std::mt19937_64& rng, const std::vector<uint64_t>& keeps) {
  std::size_t kept = 0;
  for (const uint64_t k : keeps) kept += std::size_t(__builtin_popcountll(k));
  TxSegment s = random_segment(rng, uint16_t(kept), uint16_t(kept));
  s.payload_tkeep = keeps;
  return s;
}

// Beats of the pattern that break the rule: all lanes but on the last beat,
// which keeps lanes 0..n-1, n >= 1.
uint64_t rule_breaks(const std::vector<uint64_t>& keeps, int w) {
  uint64_t n = 0;
  for (std::size_t i = 0; i < keeps.size(); ++i) {
    const uint64_t k = keeps[i];
    const bool last = i + 1 == keeps.size();
    bool ok = false;
    for (int m = last ? 1 : w / 8; m <= w / 8; ++m) ok = ok || k == lanes(m);
    n += ok ? 0 : 1;
  }
  return n;
}

}  // namespace

TEST_CASE("a payload beat breaking the tkeep rule is an RTL error - a run not expecting it fails",
          "[builder][bad]") {
  const int w = GENERATE(64, 512);
  const int b = w / 8;
  // One beat (a hole in lane 0 of the last beat) or three (partial beats
  // before the last).
  const bool one_beat = GENERATE(true, false);
  std::mt19937_64 rng(test_seed(uint64_t(w) + 5));
  std::vector<TxSegment> segs = random_segments(4, 0, 0, test_seed(uint64_t(w) + 6));
  segs.push_back(one_beat ? keep_segment(rng, {0b110})
                          : keep_segment(rng, {lanes(b - 1), lanes(b - 1), lanes(3)}));
  segs.push_back(random_segment(rng, 0, 0));
  BuilderRunOptions opt;
  opt.data_width = w;
  const auto r = run_builder(segs, opt);
  INFO("DATA_W=" << w << ": " << r.failure);
  CHECK_FALSE(r.ok);
  CHECK(r.rtl_assertion_fired);
  CHECK(r.tkeep_violations == 1);
}

// In hardware the assertion is not there: a packet with a beat against the
// rule must be dropped with its segment even when its kept octets add up to
// payload_len (they would go out with holes or stale buffer words), and its
// buffer words freed for the segments after it.
TEST_CASE("payloads breaking the tkeep rule, octet count right: dropped and counted - the rest built",
          "[builder][bad][tkeep]") {
  const int w = TCPOE_GENERATE_DATA_WIDTH();
  const double valid_p = GENERATE(1.0, 0.6);
  const double ready_p = GENERATE(1.0, 0.5);
  const int b = w / 8;
  const uint64_t all = lanes(b);
  std::mt19937_64 rng(test_seed(uint64_t(w) * 10 + 8 + uint64_t(valid_p * 10) + uint64_t(ready_p * 100)));
  std::vector<TxSegment> segs, good;
  std::size_t bad = 0;
  uint64_t breaks = 0;
  const auto add_good = [&](uint16_t min_p, uint16_t max_p) {
    segs.push_back(random_segment(rng, min_p, max_p));
    good.push_back(segs.back());
  };
  const auto add_bad = [&](const std::vector<uint64_t>& keeps) {
    segs.push_back(keep_segment(rng, keeps));
    ++bad;
    breaks += rule_breaks(keeps, w);
  };
  add_good(1, 300);
  // (a) a partial beat that is not the last: lanes 0..n-1 (a last beat's
  // shape without tlast), the top lane missing, a hole at lane 0, none kept.
  add_bad({lanes(b / 2), all, lanes(3)});
  add_good(0, 0);
  add_bad({lanes(b - 1), all, lanes(3)});
  add_good(1, 300);
  add_bad({all, all & ~uint64_t{1}, lanes(2)});
  add_good(2048, 2048);  // the whole buffer: no word of the bad packets left in it
  add_bad({all, 0, all, lanes(5)});
  add_bad({lanes(1), lanes(1), lanes(1), lanes(1)});  // four partial beats, one octet each
  add_good(1, 3 * uint16_t(b));
  // (b) a last beat with a hole: alone, after full beats, a hole high up.
  add_bad({0b101});
  add_good(1, 300);
  add_bad({all, 0b101});
  add_bad({all, all, lanes(b - 1) & ~uint64_t{2}});
  add_good(0, 0);
  // (c) a last beat keeping no lane, after full beats.
  add_bad({all, 0});
  add_good(1, 300);
  add_bad({all, all, all, 0});
  add_good(2048, 2048);
  add_good(0, 0);
  add_good(1, 2048);

  BuilderRunOptions opt;
  opt.data_width = w;
  opt.desc_valid_probability = valid_p;
  opt.payload_valid_probability = valid_p;
  opt.ready_probability = ready_p;
  opt.expect_tkeep_errors = true;
  const auto r = run_builder(segs, opt);
  INFO("DATA_W=" << w << " valid " << valid_p << " ready " << ready_p << ": " << r.failure);
  REQUIRE(r.ok);
  CHECK(r.stat_bad_desc == 0);
  CHECK(r.stat_bad_payload == bad);
  CHECK(r.tkeep_violations == breaks);
  CHECK(r.rtl_tkeep_errors == breaks);  // the simulation reported each bad beat
  REQUIRE(r.frames.size() == good.size());
  for (std::size_t i = 0; i < good.size(); ++i) {
    INFO("good frame " << i << " payload_len " << good[i].desc.payload_len);
    CHECK(r.frames[i] == expected_frame(good[i]));
  }
}

TEST_CASE("random tkeep-breaking payloads among good segments: each dropped and counted once",
          "[builder][bad][tkeep]") {
  const int w = TCPOE_GENERATE_DATA_WIDTH();
  const int b = w / 8;
  std::mt19937_64 rng(test_seed(uint64_t(w) + 9));
  std::vector<TxSegment> segs, good;
  std::size_t bad = 0, bad_desc = 0;
  uint64_t breaks = 0;
  for (int i = 0; i < 200; ++i) {
    const unsigned kind = unsigned(rng() % 8);
    if (kind < 5) {
      segs.push_back(random_segment(rng, kind == 0 ? 0 : 1, kind < 3 ? uint16_t(2 * b + 1) : 2048));
      good.push_back(segs.back());
      continue;
    }
    // 1..5 beats, each full, lanes 0..n-1, a random mask or none; kept 1..2048.
    std::vector<uint64_t> keeps;
    uint64_t kept = 0;
    do {
      keeps.assign(1 + rng() % 5, 0);
      kept = 0;
      for (auto& k : keeps) {
        const unsigned shape = unsigned(rng() % 4);
        k = shape == 0 ? lanes(b) : shape == 1 ? lanes(1 + int(rng() % unsigned(b))) :
            shape == 2 ? rng() & lanes(b) : 0;
        kept += uint64_t(__builtin_popcountll(k));
      }
    } while (rule_breaks(keeps, w) == 0 || kept == 0);
    segs.push_back(keep_segment(rng, keeps));
    breaks += rule_breaks(keeps, w);
    if (kind == 7) {  // a bad descriptor too: counted there, once
      segs.back().desc.has_window_scale = true;
      segs.back().desc.window_scale = 15;
      ++bad_desc;
    } else {
      ++bad;
    }
  }
  BuilderRunOptions opt;
  opt.data_width = w;
  opt.desc_valid_probability = 0.8;
  opt.payload_valid_probability = 0.8;
  opt.ready_probability = 0.7;
  opt.seed = test_seed(uint64_t(w) + 10);
  opt.expect_tkeep_errors = true;
  const auto r = run_builder(segs, opt);
  INFO("DATA_W=" << w << ": " << r.failure);
  REQUIRE(r.ok);
  CHECK(r.stat_bad_desc == bad_desc);
  CHECK(r.stat_bad_payload == bad);
  CHECK(r.tkeep_violations == breaks);
  CHECK(r.rtl_tkeep_errors == breaks);
  REQUIRE(r.frames.size() == good.size());
  for (std::size_t i = 0; i < good.size(); ++i) {
    INFO("good frame " << i << " payload_len " << good[i].desc.payload_len);
    CHECK(r.frames[i] == expected_frame(good[i]));
  }
}

namespace {

// A segment whose payload packet starts with `n` SACK blocks (as the
// driver posts them): their option octets, then the payload proper.
TxSegment with_sack_blocks(TxSegment s, std::mt19937_64& rng, uint8_t n) {
  tcpoe::wire::SackBlocks b;
  for (uint8_t k = 0; k < n; ++k) {
    const auto left = uint32_t(rng());
    b.push({left, left + 1 + uint32_t(rng() % 100000)});
  }
  std::vector<uint8_t> stream(tcpoe::wire::sack_option_len(n));
  tcpoe::wire::emit_sack_option(b, tcpoe::wire::MutableByteSpan(stream.data(), stream.size()));
  s.desc.sack = b;
  s.desc.stream_opt_len = uint8_t(stream.size());
  stream.insert(stream.end(), s.payload.begin(), s.payload.end());
  s.payload = stream;
  return s;
}

// How many blocks fit beside the options the descriptor's flags ask for.
uint8_t blocks_that_fit(const tcpoe::wire::TxDescriptor& d) {
  const unsigned flag_options = tcpoe::wire::tcp_options_len(tcpoe::wire::to_frame_repr(d).tcp.options);
  return uint8_t(std::min<unsigned>(tcpoe::wire::SackBlocks::kMax, (40 - flag_options - 4) / 8));
}

}  // namespace

TEST_CASE("SACK blocks at the head of the payload packet: the frame's last option, in its data offset",
          "[builder][sack]") {
  namespace wire = tcpoe::wire;
  const int w = TCPOE_GENERATE_DATA_WIDTH();
  std::mt19937_64 rng(test_seed(uint64_t(w) + 11));
  std::vector<TxSegment> plain, segs;
  for (int i = 0; i < 60; ++i) {
    plain.push_back(random_segment(rng, 0, i % 3 == 0 ? 0 : 1448));
    const uint8_t fit = blocks_that_fit(plain.back().desc);
    REQUIRE(fit >= 2);  // even beside MSS, timestamps and window scale
    segs.push_back(with_sack_blocks(plain.back(), rng, uint8_t(1 + rng() % fit)));
  }
  BuilderRunOptions opt;
  opt.data_width = w;
  opt.ready_probability = 0.8;
  opt.payload_valid_probability = 0.8;
  const BuilderRunReport r = run_builder(segs, opt);  // RTL and HLS in lockstep
  require_clean_run(r);
  REQUIRE(r.frames.size() == segs.size());
  CHECK(r.stat_bad_desc == 0);
  CHECK(r.stat_bad_payload == 0);
  for (std::size_t i = 0; i < segs.size(); ++i) {
    INFO("frame " << i << " blocks " << int(segs[i].desc.sack.count));
    const std::vector<uint8_t>& f = r.frames[i];
    const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(f.data(), f.size()));
    REQUIRE(p.malformed == wire::Malformed::kNone);
    CHECK(p.ip_checksum_ok);
    CHECK(p.tcp_checksum_ok);
    // The options the flags ask for, then the blocks (which the option
    // parser counts among those it skips), then the payload.
    const wire::ConstTcpSegment tcp(wire::ByteSpan(f.data(), f.size()).subspan(wire::frame::kTcpOffset));
    wire::TcpOptions expected = wire::to_frame_repr(plain[i].desc).tcp.options;
    CHECK(tcp.header_len() == wire::tcp::kHeaderLen + wire::tcp_options_len(expected) +
                                  segs[i].desc.stream_opt_len);
    expected.unknown_skipped = 1;
    const auto options = wire::parse_tcp_options(tcp.options());
    REQUIRE(options.ok());
    CHECK(options.repr == expected);
    const wire::SackBlocks got = wire::parse_sack_blocks(tcp.options());
    REQUIRE(got.count == segs[i].desc.sack.count);
    for (uint8_t k = 0; k < got.count; ++k) CHECK(got.block[k] == segs[i].desc.sack.block[k]);
    CHECK(std::vector<uint8_t>(tcp.payload().begin(), tcp.payload().end()) == plain[i].payload);
  }
}

TEST_CASE("stream options not in whole words or past the 60-octet header: dropped and counted",
          "[builder][sack][bad]") {
  const int w = TCPOE_GENERATE_DATA_WIDTH();
  std::mt19937_64 rng(test_seed(uint64_t(w) + 12));
  std::vector<TxSegment> segs;
  TxSegment odd = random_segment(rng, 20, 20);
  odd.desc.stream_opt_len = 6;  // not a multiple of 4
  odd.desc.payload_len = 14;
  segs.push_back(odd);
  TxSegment over = with_sack_blocks(random_segment(rng, 0, 0), rng, 4);
  over.desc.has_mss = over.desc.has_timestamps = true;  // 16 + 36 option octets: over 40
  segs.push_back(over);
  TxSegment good = random_segment(rng, 0, 100);
  segs.push_back(good);
  BuilderRunOptions opt;
  opt.data_width = w;
  const BuilderRunReport r = run_builder(segs, opt);
  require_clean_run(r);
  CHECK(r.stat_bad_desc == 2);
  REQUIRE(r.frames.size() == 1);
  CHECK(r.frames[0] == expected_frame(good));
}

// The parser RTL (in lockstep with its HLS model, at every DATA_W) judged on
// every fault the software parser is tested with, so that no ordering of two
// checks, no crafted bad option area and no "first or last option wins"
// question is left to lucky fuzz frames: every pair of faults
// (tests/support/malformed_faults.h, as tests/wire uses them), every crafted
// bad option area at every window of the walk, repeated options with fresh
// values, and the counters' width and wrap-around (preloaded just below
// 2^16 and 2^32). The frames are crafted from the faults' definitions; the
// verdicts expected are parse_frame()'s (tested against scapy on its own).
#include <catch2/catch.hpp>

#include <sstream>

#include "../support/malformed_faults.h"
#include "parser_lockstep.h"
#include "parser_test_util.h"
#include "../support/test_seed.h"

using tcpoe::parser_test::Frame;
using tcpoe::parser_test::Gen;
using tcpoe::sim::ParserCounters;
using tcpoe::sim::ParserRunOptions;
using tcpoe::sim::ParserRunReport;
using tcpoe::sim::run_parser;
using tcpoe::test::test_seed;
namespace w = tcpoe::wire;
namespace opt = tcpoe::wire::tcp::opt;

namespace {

// The counters parse_frame()'s verdicts imply, counted on from `start`.
ParserCounters expected_counters(const std::vector<Frame>& frames, ParserCounters start = {}) {
  for (const Frame& f : frames) {
    const w::RxDescriptor d = tcpoe::kernels::expected_rx_descriptor(f);
    start.frames += 1;
    start.malformed += d.malformed != w::Malformed::kNone;
    start.ip_csum_bad += d.ip_csum_checked && !d.ip_csum_ok;
    start.tcp_csum_bad += d.tcp_csum_checked && !d.tcp_csum_ok;
  }
  return start;
}

// Runs the frames at every DATA_W (with gaps and back-pressure), and checks
// every descriptor octet against parse_frame()'s. Returns the descriptors of
// the last run, unpacked.
std::vector<w::RxDescriptor> run_everywhere(const std::vector<Frame>& frames, uint64_t seed) {
  std::vector<w::RxDescriptor> out;
  for (int width : tcpoe::sim::kDataWidths) {
    for (double p : {1.0, 0.6}) {
      ParserRunOptions o;
      o.data_width = width;
      o.valid_probability = p;
      o.ready_probability = p;
      o.seed = seed;
      const ParserRunReport r = run_parser(frames, o);
      INFO("DATA_W=" << width << " valid/ready " << p << ": " << r.failure);
      REQUIRE(r.ok);
      REQUIRE(r.descriptors.size() == frames.size());
      out.clear();
      for (std::size_t i = 0; i < frames.size(); ++i) {
        const w::RxDescriptorBytes want = tcpoe::parser_test::expected(frames[i]);
        if (r.descriptors[i] != want) {
          std::ostringstream os;
          os << "DATA_W=" << width << " frame " << i << " (" << frames[i].size()
             << " octets, parse_frame's code " << int(w::parse_frame(frames[i]).malformed)
             << ", hardware's " << int(w::unpack_rx_descriptor(r.descriptors[i]).malformed)
             << "): descriptor octets differ at";
          for (int b = 0; b < w::rx_desc::kSize; ++b)
            if (r.descriptors[i][b] != want[b])
              os << " [" << b << "] hw " << int(r.descriptors[i][b]) << " sw " << int(want[b]);
          FAIL(os.str());
        }
        out.push_back(w::unpack_rx_descriptor(r.descriptors[i]));
      }
      const ParserCounters c = expected_counters(frames);
      CHECK(r.counters.frames == c.frames);
      CHECK(r.counters.malformed == c.malformed);
      CHECK(r.counters.ip_csum_bad == c.ip_csum_bad);
      CHECK(r.counters.tcp_csum_bad == c.tcp_csum_bad);
    }
  }
  return out;
}

// Well-formed frames the faults can be planted in: Linux's option layout
// (MSS first), with payloads that make them padded, short or long.
std::vector<Frame> fault_bases(Gen& g) {
  std::vector<Frame> bases;
  for (std::size_t payload : {0u, 3u, 26u, 200u}) {
    for (bool all : {false, true}) {
      w::FrameRepr r = g.repr();
      r.tcp.options.mss = g.u16();
      if (all) {
        r.tcp.options.window_scale = uint8_t(g.below(15));
        r.tcp.options.sack_permitted = true;
        r.tcp.options.timestamps = std::make_pair(g.u32(), g.u32());
      }
      Frame p(payload);
      for (auto& b : p) b = g.u8();
      bases.push_back(w::emit_frame(r, p));
    }
  }
  return bases;
}

}  // namespace

TEST_CASE("every pair of faults, in both orders: the first check that fails is the verdict",
          "[parser][lockstep][malformed][order]") {
  Gen g(test_seed(1401));
  std::vector<Frame> frames;
  std::vector<unsigned> want;  // the code the faults' definitions imply
  int pairs = 0;
  for (const Frame& base : fault_bases(g)) {
    REQUIRE(w::parse_frame(base).malformed == w::Malformed::kNone);
    for (unsigned a = 1; a < w::kMalformedCodeCount; ++a) {
      frames.push_back(tcpoe::test::with_faults(base, {a}));
      want.push_back(a);
      for (unsigned b = 1; b < w::kMalformedCodeCount; ++b) {
        if (a == b) continue;
        frames.push_back(tcpoe::test::with_faults(base, {a, b}));
        // Both set the IHL: the fault applied last decides it.
        const bool ihl_pair = (a == 3 && b == 4) || (a == 4 && b == 3);
        want.push_back(ihl_pair ? b : std::min(a, b));
        ++pairs;
      }
      frames.push_back(base);  // and the next frame parses
      want.push_back(0);
    }
    frames.push_back(tcpoe::test::with_faults(base, {9, 8, 7, 6, 5, 4, 2, 1}));
    want.push_back(1);
    frames.push_back(tcpoe::test::with_faults(base, {9, 8, 7, 6, 5, 4}));
    want.push_back(4);
  }
  CHECK(pairs == 8 * 72);
  // The specification agrees with the faults' order (tests/wire proves it on
  // one frame; here on each of ours).
  for (std::size_t i = 0; i < frames.size(); ++i) {
    INFO("frame " << i);
    REQUIRE(unsigned(w::parse_frame(frames[i]).malformed) == want[i]);
  }
  const auto got = run_everywhere(frames, test_seed(14));
  for (std::size_t i = 0; i < frames.size(); ++i) {
    INFO("frame " << i);
    CHECK(unsigned(got[i].malformed) == want[i]);
  }
}

TEST_CASE("every crafted bad option area, at every window of the walk",
          "[parser][lockstep][malformed][options]") {
  // The ten bad areas of malformed_frame() (variants 0..9), each behind 0 to
  // 28 octets of NOPs (so it meets every window and walk unit), after good
  // options, and with payloads of several lengths.
  Gen g(test_seed(1402));
  std::vector<Frame> frames;
  for (int variant = 0; variant < 10; ++variant) {
    const Frame bad_frame = tcpoe::parser_test::malformed_frame(g, w::Malformed::kTcpOption, variant);
    const std::size_t area_len = 4 * std::size_t(bad_frame[46] >> 4) - w::tcp::kHeaderLen;
    const Frame area(bad_frame.begin() + w::frame::kMinTcpFrameLen,
                     bad_frame.begin() + long(w::frame::kMinTcpFrameLen + area_len));
    for (std::size_t lead = 0; lead + area.size() <= w::tcp::kMaxHeaderLen - w::tcp::kHeaderLen;
         lead += 4) {
      for (bool good_first : {false, true}) {
        Frame a;
        if (good_first && lead >= 4) {
          a = {opt::kMss, 4, g.u8(), g.u8()};  // a good option in the lead
          a.resize(lead, opt::kNop);
        } else {
          a.assign(lead, opt::kNop);
        }
        a.insert(a.end(), area.begin(), area.end());
        const Frame f = tcpoe::parser_test::build_frame(g.repr(), a, Frame(g.below(40), 0x3c));
        INFO("bad area " << variant << " after " << lead << " octets");
        REQUIRE(w::parse_frame(f).malformed == w::Malformed::kTcpOption);
        frames.push_back(f);
        frames.push_back(tcpoe::parser_test::good_frame(g));
      }
    }
  }
  const auto got = run_everywhere(frames, test_seed(15));
  std::size_t bad = 0;
  for (const auto& d : got) bad += d.malformed == w::Malformed::kTcpOption;
  CHECK(bad >= frames.size() / 2);
}

TEST_CASE("repeated options with fresh values: the last one wins",
          "[parser][lockstep][options][repeat]") {
  // MSS, window scale, timestamps or SACK-permitted two or three times, each
  // with a value of its own, among other options: the descriptor holds the
  // last copy's value (parse_tcp_options()'s rule), whatever window of the
  // walk each copy falls in.
  Gen g(test_seed(1403));
  std::vector<Frame> frames;
  struct Want {
    int kind;
    uint32_t a, b;  // the last copy's value (timestamps: TSval, TSecr)
  };
  std::vector<Want> wants;
  const int kinds[] = {opt::kMss, opt::kWindowScale, opt::kTimestamps, opt::kSackPermitted};
  for (int round = 0; round < 40; ++round) {
    for (int kind : kinds) {
      for (int copies : {2, 3}) {
        Frame area;
        Want want{kind, 0, 0};
        for (int c = 0; c < copies; ++c) {
          for (uint32_t n = g.below(3); n > 0; --n) area.push_back(opt::kNop);
          if (kind == opt::kMss) {
            const uint16_t v = uint16_t(g.u16() | 1u << c);  // the copies differ
            area.insert(area.end(), {opt::kMss, 4, uint8_t(v >> 8), uint8_t(v)});
            want.a = v;
          } else if (kind == opt::kWindowScale) {
            const uint8_t v = uint8_t(g.u8() ^ c);
            area.insert(area.end(), {opt::kWindowScale, 3, v});
            want.a = v;
          } else if (kind == opt::kTimestamps) {
            const uint32_t val = g.u32() ^ uint32_t(c), ecr = g.u32() ^ uint32_t(c);
            area.insert(area.end(), {opt::kTimestamps, 10});
            for (int i = 3; i >= 0; --i) area.push_back(uint8_t(val >> (8 * i)));
            for (int i = 3; i >= 0; --i) area.push_back(uint8_t(ecr >> (8 * i)));
            want.a = val, want.b = ecr;
          } else {
            area.insert(area.end(), {opt::kSackPermitted, 2});
          }
          // Another option between the copies, when it fits.
          if (g.chance(0.5) && area.size() + 8 <= 30) {
            const uint8_t other = kind == opt::kMss ? opt::kWindowScale : opt::kMss;
            if (other == opt::kMss) area.insert(area.end(), {opt::kMss, 4, g.u8(), g.u8()});
            else area.insert(area.end(), {opt::kWindowScale, 3, g.u8()});
          }
        }
        if (area.size() > w::tcp::kMaxHeaderLen - w::tcp::kHeaderLen) continue;
        while (area.size() % 4 != 0) area.push_back(opt::kNop);
        frames.push_back(tcpoe::parser_test::build_frame(g.repr(), area, Frame(g.below(60), 7)));
        wants.push_back(want);
      }
    }
  }
  REQUIRE(frames.size() > 250);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    INFO("frame " << i);
    REQUIRE(w::parse_frame(frames[i]).malformed == w::Malformed::kNone);
  }
  const auto got = run_everywhere(frames, test_seed(16));
  namespace of = w::rx_desc::opt_found;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    INFO("frame " << i << ", option kind " << wants[i].kind);
    const w::RxDescriptor& d = got[i];
    REQUIRE(d.malformed == w::Malformed::kNone);
    if (wants[i].kind == opt::kMss) {
      CHECK((d.opt_found & of::kMss) != 0);
      CHECK(d.opt_mss == wants[i].a);
    } else if (wants[i].kind == opt::kWindowScale) {
      CHECK((d.opt_found & of::kWindowScale) != 0);
      CHECK(d.opt_window_scale == wants[i].a);
    } else if (wants[i].kind == opt::kTimestamps) {
      CHECK((d.opt_found & of::kTimestamps) != 0);
      CHECK(d.opt_ts_val == wants[i].a);
      CHECK(d.opt_ts_ecr == wants[i].b);
    } else {
      CHECK((d.opt_found & of::kSackPermitted) != 0);
    }
  }
}

TEST_CASE("the counters are 32 bits wide: they carry into bit 16 and wrap after 2^32 - 1",
          "[parser][lockstep][counters]") {
  // Every counter moves by at least 5 here; preloaded 3 below 2^16, each
  // must carry into bit 16, preloaded 3 below 2^32, each must wrap to 0 and
  // count on.
  Gen g(test_seed(1404));
  std::vector<Frame> frames;
  for (int i = 0; i < 6; ++i) {
    frames.push_back(tcpoe::parser_test::good_frame(g));
    Frame ip_bad = tcpoe::parser_test::good_frame(g);
    ip_bad[w::frame::kIpv4Offset + w::ipv4::kChecksum.offset] ^= 0x5a;
    frames.push_back(ip_bad);
    Frame tcp_bad = tcpoe::parser_test::good_frame(g);
    tcp_bad[w::frame::kTcpOffset + w::tcp::kChecksum.offset] ^= 0xa5;
    frames.push_back(tcp_bad);
    frames.push_back(tcpoe::parser_test::malformed_frame(g, w::Malformed(1 + i % 9), i));
  }
  const ParserCounters moved = expected_counters(frames);
  REQUIRE(moved.malformed >= 5);
  REQUIRE(moved.ip_csum_bad >= 5);
  REQUIRE(moved.tcp_csum_bad >= 5);
  for (uint64_t limit : {uint64_t(1) << 16, uint64_t(1) << 32}) {
    const uint32_t start = uint32_t(limit - 3);
    const ParserCounters preload{start, start, start, start};
    const ParserCounters want = expected_counters(frames, preload);  // uint32_t arithmetic: wraps
    for (int width : tcpoe::sim::kDataWidths) {
      ParserRunOptions o;
      o.data_width = width;
      o.preload_counters = preload;
      const ParserRunReport r = run_parser(frames, o);
      INFO("DATA_W=" << width << ", counters from " << start << ": " << r.failure);
      REQUIRE(r.ok);
      CHECK(r.counters.frames == want.frames);
      CHECK(r.counters.malformed == want.malformed);
      CHECK(r.counters.ip_csum_bad == want.ip_csum_bad);
      CHECK(r.counters.tcp_csum_bad == want.tcp_csum_bad);
      for (uint32_t c : {r.counters.frames, r.counters.malformed, r.counters.ip_csum_bad,
                         r.counters.tcp_csum_bad}) {
        if (limit == uint64_t(1) << 16) CHECK(c > 0xffffu);  // carried into bit 16
        else CHECK(c < 100u);                                // wrapped to 0 and counted on
      }
    }
  }
}

// The TX engine (rtl/tcpoe_tx_engine.sv) at DATA_W 64 and 512 with a host
// around it (sim/device/tx_engine_harness.h): the frames on m_axis_tx are the
// wire layer's frames for the descriptors and payloads the host posted, in
// order, none lost or duplicated; one completion per descriptor, in order,
// with its index, status, timestamp and phase; ring wrap-around, doorbell
// batching, a full completion ring, index write-backs, gather lists (1..4
// parts at any octet address, joined into one payload), bad descriptors and
// DMA errors, and a stop with work in flight; random back-pressure and AXI
// timing throughout, every AXI rule checked on every clock.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>

#include "../builder/builder_test_util.h"
#include "../support/test_seed.h"
#include "tcpoe/wire/device_regs.h"
#include "tx_engine_harness.h"

namespace {

using tcpoe::sim::AxiMemory;
using tcpoe::sim::RingCfg;
using tcpoe::sim::TxBenchOptions;
using tcpoe::sim::TxEngineBench;
using tcpoe::sim::TxPost;
using Status = tcpoe::wire::dev::ComplStatus;
namespace dev = tcpoe::wire::dev;

constexpr uint64_t kTxdBase = 0x1'0001'0000ull;
constexpr uint64_t kTxcBase = 0x1'0002'0000ull;
constexpr uint64_t kTxdWb = 0x1'0003'0000ull;
constexpr uint64_t kTxcWb = 0x1'0003'0040ull;
constexpr uint64_t kPayloadBase = 0x2'0000'0000ull;
constexpr uint64_t kPayloadStride = 0x1000;  // one 4 KB page each
constexpr uint64_t kEntry = dev::tx_ring::kEntrySize;  // a TXD ring entry
constexpr uint64_t kPage = 4096;

RingCfg ring(uint64_t base, uint8_t size_log2, uint64_t wb) {
  RingCfg c;
  c.base = base;
  c.size_log2 = size_log2;
  c.wb_addr = wb;
  return c;
}

// Random descriptors and payloads of [min_payload, max_payload] octets, each
// payload in its own page, starting at page `first_page`.
std::vector<TxPost> random_posts(std::mt19937_64& rng, int n, uint16_t min_payload,
                                 uint16_t max_payload, uint64_t first_page = 0) {
  std::vector<TxPost> posts;
  for (int i = 0; i < n; ++i) {
    const tcpoe::sim::TxSegment s = tcpoe::test::random_segment(rng, min_payload, max_payload);
    posts.push_back({s.desc, kPayloadBase + (first_page + uint64_t(i)) * kPayloadStride, s.payload, {}});
  }
  return posts;
}

std::vector<uint8_t> frame_of(const TxPost& p) {
  return tcpoe::test::expected_frame(tcpoe::sim::TxSegment(p.desc, p.payload));
}

// What the engine must make of a descriptor (its payload read answering OK
// unless `payload_fails`).
Status expected_status(const TxPost& p, int max_payload, bool payload_fails = false) {
  const auto& d = p.desc;
  if (d.payload_len > max_payload) return Status::kPayloadTooLong;
  uint32_t parts_len = 0;
  for (const auto& part : p.gather()) parts_len += part.len;
  if (parts_len != d.payload_len) return Status::kDescRejected;
  if (d.has_window_scale && d.window_scale > tcpoe::wire::tcp::opt::kMaxWindowScale)
    return Status::kDescRejected;
  if (payload_fails && d.payload_len > 0) return Status::kDmaError;
  return Status::kOk;
}

std::vector<Status> expected_statuses(const std::vector<TxPost>& posts, int max_payload) {
  std::vector<Status> s;
  for (const auto& p : posts) s.push_back(expected_status(p, max_payload));
  return s;
}

bool all_completed(const TxEngineBench& b, size_t n) { return b.seen().completions.size() >= n; }

// Runs until the host has read n completions and the engine is idle, then a
// while longer for the last write-backs.
void run_to_completion(TxEngineBench& b, size_t n, uint64_t max_cycles = 3'000'000) {
  const bool done = b.run_until([&] { return all_completed(b, n) && b.idle(); }, max_cycles);
  const auto& s = b.seen();
  INFO("completions read " << s.completions.size() << " of " << n << " by cycle " << b.cycle()
                           << "; frames " << s.frames.size() << ", fetches " << s.fetch_bursts
                           << " of " << s.fetched_entries << " entries, payload reads "
                           << s.payload_reads << ", AR " << s.ar_bursts << ", AW " << s.aw_bursts
                           << ", host PROD " << b.host_txd_prod() << ", TXD CONS " << b.txd_cons()
                           << ", TXC PROD " << b.txc_prod() << ", idle " << b.idle());
  for (const auto& v : s.violations) UNSCOPED_INFO(v);
  REQUIRE(done);
  b.run_for(500);
}

// The TXC ring in memory: each entry as the completion the host last read there.
void check_txc_ring(const AxiMemory& mem, const RingCfg& txc, const TxEngineBench& b) {
  const auto& c = b.seen().completions;
  const uint64_t size = uint64_t{1} << txc.size_log2;
  for (uint64_t k = c.size() > size ? c.size() - size : 0; k < c.size(); ++k) {
    const uint64_t e = txc.base + (k % size) * 16;
    INFO("completion " << k);
    CHECK(mem.read(e + dev::tx_compl::kDescIndex.offset) == uint8_t(c[k].index >> 8));
    CHECK(mem.read(e + dev::tx_compl::kDescIndex.offset + 1) == uint8_t(c[k].index));
    CHECK(mem.read(e + dev::tx_compl::kStatus.offset) == c[k].status);
    const bool phase = ((k / size) % 2) == 0;
    CHECK(((mem.read(e + dev::tx_compl::kFlags.offset) & dev::compl_flag::kPhase) != 0) == phase);
  }
}

// The scoreboard: every descriptor's completion, in order, with its index,
// status and timestamp; the frames of those sent, byte for byte, in order;
// counters, indices and their write-backs; the TXC ring as read.
void check_run(const TxEngineBench& b, const AxiMemory& mem, const std::vector<TxPost>& posts,
               const std::vector<Status>& want, const RingCfg& txd, const RingCfg& txc,
               uint16_t first_index = 0) {
  const auto& s = b.seen();
  for (const auto& v : s.violations) FAIL_CHECK(v);
  REQUIRE(s.completions.size() == posts.size());
  std::vector<std::vector<uint8_t>> frames;
  uint64_t rejected = 0;
  for (size_t k = 0; k < posts.size(); ++k) {
    INFO("descriptor " << k);
    CHECK(s.completions[k].index == uint16_t(first_index + k));
    CHECK(s.completions[k].status == uint8_t(want[k]));
    if (want[k] == Status::kOk) frames.push_back(frame_of(posts[k]));
    if (want[k] == Status::kDescRejected || want[k] == Status::kPayloadTooLong) ++rejected;
  }
  REQUIRE(s.frames.size() == frames.size());
  for (size_t m = 0; m < frames.size(); ++m) {
    INFO("frame " << m);
    CHECK(s.frames[m] == frames[m]);
  }
  // Timestamps: a frame's is the cycle its last beat left; never decreasing.
  size_t m = 0;
  for (size_t k = 0; k < posts.size(); ++k) {
    INFO("descriptor " << k);
    const auto& c = s.completions[k];
    if (want[k] == Status::kOk && m < s.frame_last_cycle.size()) CHECK(c.timestamp == s.frame_last_cycle[m++]);
    if (k > 0) CHECK(c.timestamp >= s.completions[k - 1].timestamp);
    CHECK(c.timestamp <= c.cycle);
  }
  CHECK(s.cnt_frames_tx == frames.size());
  CHECK(s.cnt_desc_rejected == rejected);
  CHECK(s.cnt_tx_completions == posts.size());
  CHECK(s.compl_events == posts.size());
  const uint16_t end = uint16_t(first_index + posts.size());
  CHECK(b.txd_cons() == end);
  CHECK(b.txc_prod() == end);
  if (txd.wb_addr != 0) CHECK(b.read_be32(txd.wb_addr) == end);
  if (txc.wb_addr != 0) CHECK(b.read_be32(txc.wb_addr) == end);
  check_txc_ring(mem, txc, b);
}

TxBenchOptions rough_options(uint32_t seed) {
  TxBenchOptions o;
  o.slave.seed = seed;
  o.slave.latency_min = 2;
  o.slave.latency_max = 60;
  o.slave.arready_prob = 0.7;
  o.slave.rvalid_prob = 0.7;
  o.mac_tready_prob = 0.6;
  o.host.doorbell_prob = 0.3;
  o.host.consume_prob = 0.5;
  o.host.post_batch = 0;
  return o;
}

// Starts the rings, posts `posts`, runs them all and checks the run:
// statuses `want` (by default what expected_status() says of each).
void run_and_check(TxEngineBench& b, const AxiMemory& mem, const std::vector<TxPost>& posts,
                   const RingCfg& txd, const RingCfg& txc, std::vector<Status> want = {}) {
  b.start(txd, txc);
  b.post(posts);
  run_to_completion(b, posts.size());
  if (want.empty()) want = expected_statuses(posts, b.params().max_payload);
  check_run(b, mem, posts, want, txd, txc);
}

const int kWidths[] = {64, 512};

}  // namespace

TEST_CASE("TX engine: random descriptors and payloads, random back-pressure and AXI timing: "
          "every frame byte-identical to the wire layer's, in order, one completion each",
          "[device][tx_engine]") {
  for (int w : kWidths) {
    for (uint32_t seed : {1u, 2u, 3u}) {
      INFO("DATA_W " << w << " seed " << seed);
      std::mt19937_64 rng(tcpoe::test::test_seed(seed * 100 + uint32_t(w)));
      AxiMemory mem;
      TxEngineBench b(w, mem, rough_options(seed));
      const int max_payload = b.params().max_payload;
      // Mostly short payloads, some up to the largest, some header-only.
      std::vector<TxPost> posts;
      for (int i = 0; i < 150; ++i) {
        const uint16_t hi = i % 6 == 0 ? uint16_t(max_payload) : i % 3 == 0 ? 0 : 300;
        auto p = random_posts(rng, 1, 0, hi, uint64_t(i));
        posts.push_back(p[0]);
      }
      const RingCfg txd = ring(kTxdBase, 4, kTxdWb), txc = ring(kTxcBase, 4, kTxcWb);
      run_and_check(b, mem, posts, txd, txc);
    }
  }
}

TEST_CASE("TX engine: rings of 4 and 8 entries wrap many times over 120 descriptors, "
          "the phase bit flips on every pass",
          "[device][tx_engine]") {
  for (int w : kWidths) {
    for (uint8_t log2 : {uint8_t(2), uint8_t(3)}) {
      INFO("DATA_W " << w << " ring of " << (1 << log2));
      std::mt19937_64 rng(tcpoe::test::test_seed(300 + uint32_t(w) + log2));
      AxiMemory mem;
      TxBenchOptions o = rough_options(7 + log2);
      o.host.post_batch = 1 + int(log2);
      TxEngineBench b(w, mem, o);
      const auto posts = random_posts(rng, 120, 0, 200);
      const RingCfg txd = ring(kTxdBase, log2, kTxdWb), txc = ring(kTxcBase, log2, kTxcWb);
      run_and_check(b, mem, posts, txd, txc);
      CHECK(b.seen().fetched_entries == posts.size());
    }
  }
}

TEST_CASE("TX engine: a doorbell of many descriptors is fetched in batches of FETCH_BATCH, "
          "doorbells one at a time are fetched as they come",
          "[device][tx_engine]") {
  {
    const int w = GENERATE(64, 512);  // SECTIONs: not in a loop
    INFO("DATA_W " << w);
    std::mt19937_64 rng(tcpoe::test::test_seed(400 + uint32_t(w)));
    const auto& prm = tcpoe::sim::tx_engine_params(w);
    const int batch = prm.fetch_batch;
    // A whole batch's read is cut into bursts of max_burst beats (2 at DATA_W 64).
    const uint64_t bursts_per_batch =
        (uint64_t(batch) * kEntry + uint64_t(prm.max_burst) * uint64_t(w / 8) - 1) /
        (uint64_t(prm.max_burst) * uint64_t(w / 8));
    SECTION("one doorbell for 64, a ring of 64") {
      AxiMemory mem;
      TxBenchOptions o;
      o.host.post_batch = 0;
      TxEngineBench b(w, mem, o);
      const auto posts = random_posts(rng, 64, 0, 64);
      const RingCfg txd = ring(kTxdBase, 6, kTxdWb), txc = ring(kTxcBase, 6, kTxcWb);
      run_and_check(b, mem, posts, txd, txc);
      CHECK(b.seen().fetch_bursts <= uint64_t((64 + batch - 1) / batch) * bursts_per_batch);
      CHECK(b.seen().fetched_entries == 64);
    }
    SECTION("doorbells of 1, far apart, 200 over a ring of 64 (three wraps)") {
      AxiMemory mem;
      TxBenchOptions o;
      o.host.post_batch = 1;
      o.host.doorbell_prob = 0.02;
      TxEngineBench b(w, mem, o);
      const auto posts = random_posts(rng, 200, 0, 64);
      const RingCfg txd = ring(kTxdBase, 6, kTxdWb), txc = ring(kTxcBase, 6, kTxcWb);
      run_and_check(b, mem, posts, txd, txc);
      CHECK(b.seen().fetched_entries == 200);
    }
    SECTION("20, then a doorbell of 60 that wraps a ring of 64: batches, plus one at the wrap") {
      AxiMemory mem;
      TxBenchOptions o;
      o.host.post_batch = 0;
      TxEngineBench b(w, mem, o);
      const auto posts = random_posts(rng, 80, 0, 32);
      const RingCfg txd = ring(kTxdBase, 6, 0), txc = ring(kTxcBase, 7, kTxcWb);
      b.start(txd, txc);
      b.post({posts.begin(), posts.begin() + 20});
      run_to_completion(b, 20);
      const uint64_t before = b.seen().fetch_bursts;
      b.post({posts.begin() + 20, posts.end()});
      run_to_completion(b, posts.size());
      check_run(b, mem, posts, expected_statuses(posts, b.params().max_payload), txd, txc);
      CHECK(b.seen().fetch_bursts - before <= uint64_t((60 + batch - 1) / batch + 1) * bursts_per_batch);
    }
  }
}

TEST_CASE("TX engine: a full completion ring stops the completions, nothing is overwritten, "
          "and they resume when the host's CONS moves",
          "[device][tx_engine]") {
  for (int w : kWidths) {
    INFO("DATA_W " << w);
    std::mt19937_64 rng(tcpoe::test::test_seed(500 + uint32_t(w)));
    AxiMemory mem;
    TxBenchOptions o;
    o.host.consume = false;
    TxEngineBench b(w, mem, o);
    const auto posts = random_posts(rng, 24, 0, 100);
    const RingCfg txd = ring(kTxdBase, 4, kTxdWb), txc = ring(kTxcBase, 2, kTxcWb);
    b.start(txd, txc);
    b.post(posts);
    b.run_for(20'000);
    // Four entries: four completions written, PROD at 4, the engine waiting.
    CHECK(b.seen().completion_writes == 4);
    CHECK(b.txc_prod() == 4);
    CHECK(b.read_be32(kTxcWb) == 4);
    CHECK(b.seen().completions.empty());
    b.set_consume(true);
    run_to_completion(b, posts.size());
    check_run(b, mem, posts, expected_statuses(posts, b.params().max_payload), txd, txc);
  }
}

TEST_CASE("TX engine: without write-back addresses nothing is written there, the host "
          "polls the indices",
          "[device][tx_engine]") {
  for (int w : kWidths) {
    INFO("DATA_W " << w);
    std::mt19937_64 rng(tcpoe::test::test_seed(600 + uint32_t(w)));
    AxiMemory mem;
    TxEngineBench b(w, mem, rough_options(11));
    const auto posts = random_posts(rng, 40, 0, 100);
    const RingCfg txd = ring(kTxdBase, 3, 0), txc = ring(kTxcBase, 3, 0);
    run_and_check(b, mem, posts, txd, txc);
    // Only completions were written.
    CHECK(b.seen().aw_bursts == b.seen().completion_writes);
  }
}

TEST_CASE("TX engine: bad descriptors are completed with the reason, counted, not sent, "
          "the frames around them are unaffected",
          "[device][tx_engine]") {
  for (int w : kWidths) {
    INFO("DATA_W " << w);
    std::mt19937_64 rng(tcpoe::test::test_seed(700 + uint32_t(w)));
    AxiMemory mem;
    TxEngineBench b(w, mem, rough_options(13));
    const int max_payload = b.params().max_payload;
    auto posts = random_posts(rng, 36, 0, 200);
    std::vector<bool> fails(posts.size(), false);
    for (size_t i = 0; i < posts.size(); ++i) {
      auto& p = posts[i];
      switch (i % 6) {
        case 1:  // the parts' lengths do not add up to payload_len (one octet more or less)
          p.desc.payload_len = std::max<uint16_t>(p.desc.payload_len, 2);
          p.payload.resize(p.desc.payload_len, 0x5a);
          p.parts = {{p.payload_addr + 8 * (1 + i % 7), uint16_t(p.desc.payload_len / 2)},
                     {p.payload_addr + 0x800, uint16_t(p.desc.payload_len - p.desc.payload_len / 2 +
                                                       (i % 12 == 1 ? 1 : -1))}};
          break;
        case 2:  // longer than MAX_PAYLOAD (the host writes no payload)
          p.desc.payload_len = uint16_t(max_payload + 1 + int(rng() % 3000));
          p.payload.clear();
          break;
        case 3:  // the builder refuses a window scale above 14
          p.desc.has_window_scale = true;
          p.desc.window_scale = uint8_t(15 + rng() % 200);
          break;
        case 4:  // the payload read fails
          p.desc.payload_len = std::max<uint16_t>(p.desc.payload_len, 1);
          p.payload.resize(p.desc.payload_len, 0xa5);
          mem.add_error_range({p.payload_addr, p.payload_addr + p.desc.payload_len,
                               i % 12 == 4 ? tcpoe::sim::kAxiSlvErr : tcpoe::sim::kAxiDecErr});
          fails[i] = true;
          break;
        case 5:  // header-only: its payload address does not matter
          p.desc.payload_len = 0;
          p.payload.clear();
          p.payload_addr += 3;
          break;
        default:
          break;
      }
    }
    std::vector<Status> want;
    for (size_t i = 0; i < posts.size(); ++i) want.push_back(expected_status(posts[i], max_payload, fails[i]));
    const RingCfg txd = ring(kTxdBase, 4, kTxdWb), txc = ring(kTxcBase, 4, kTxcWb);
    run_and_check(b, mem, posts, txd, txc, want);
    // One DMA error per failed payload read, with its address, in order.
    std::vector<uint64_t> failed_addrs;
    for (size_t i = 0; i < posts.size(); ++i)
      if (fails[i]) failed_addrs.push_back(posts[i].payload_addr);
    const auto& errs = b.seen().dma_errors;
    REQUIRE(errs.size() == failed_addrs.size());
    for (size_t k = 0; k < errs.size(); ++k) {
      CHECK(errs[k].addr == failed_addrs[k]);
      CHECK_FALSE(errs[k].write);
      CHECK(errs[k].source == int(dev::DmaSource::kTxPayloadRead));
    }
  }
}

// Posts whose payloads are gather lists: `parts` parts (1..4) each, the
// payload (0..max_payload octets) cut at random (parts of 0 and 1 octet
// among them), each part at a random octet offset; every third descriptor has
// a part crossing a 4 KB page. Post i's parts in pages 2k, 2k + 1 of its own
// 8-page area (so part k never meets another).
std::vector<TxPost> gather_posts(std::mt19937_64& rng, int n, uint16_t max_payload) {
  auto posts = random_posts(rng, n, 0, max_payload);
  for (size_t i = 0; i < posts.size(); ++i) {
    auto& p = posts[i];
    const unsigned parts = 1 + unsigned(i % dev::tx_ring::kMaxParts);
    const uint64_t area = 0x3'0000'0000ull + uint64_t(i) * 8 * kPage;
    std::vector<uint16_t> cuts{0, p.desc.payload_len};
    for (unsigned k = 1; k < parts; ++k) {
      switch (rng() % 4) {
        case 0: cuts.push_back(cuts.back()); break;  // a part of length 0 after it
        case 1: cuts.push_back(std::min<uint16_t>(p.desc.payload_len, 1)); break;
        default: cuts.push_back(uint16_t(rng() % (p.desc.payload_len + 1u))); break;
      }
    }
    std::sort(cuts.begin(), cuts.end());
    const unsigned crossing = i % 3 == 0 ? unsigned(rng() % parts) : parts;
    for (unsigned k = 0; k < parts; ++k) {
      const uint16_t len = uint16_t(cuts[k + 1] - cuts[k]);
      const uint64_t page = area + 2 * k * kPage;
      const uint64_t addr = k == crossing ? page + kPage - std::max<uint64_t>(1, len / 2)
                                          : page + rng() % 64 + 64 * (rng() % 8);
      p.parts.push_back({addr, len});
    }
  }
  return posts;
}

TEST_CASE("TX engine: a gather list of 1..4 parts at any octet address (parts of 0 and 1 "
          "octet, across 4 KB) is sent as one frame of the parts' octets joined",
          "[device][tx_engine]") {
  for (int w : kWidths) {
    INFO("DATA_W " << w);
    std::mt19937_64 rng(tcpoe::test::test_seed(1100 + uint32_t(w)));
    AxiMemory mem;
    TxEngineBench b(w, mem, rough_options(19));
    const auto posts = gather_posts(rng, 48, 1460);
    std::set<uint64_t> offsets;  // in a 64-octet beat
    size_t crossing = 0, ones = 0, zeros = 0;
    for (const auto& p : posts)
      for (const auto& part : p.parts) {
        offsets.insert(part.addr % 64);
        crossing += part.len > 0 && part.addr / kPage != (part.addr + part.len - 1) / kPage;
        ones += part.len == 1;
        zeros += part.len == 0;
      }
    REQUIRE(crossing >= 5);
    REQUIRE(ones >= 3);
    REQUIRE(zeros >= 3);
    REQUIRE(offsets.size() >= 24);  // many offsets in a beat, at both widths
    const RingCfg txd = ring(kTxdBase, 4, kTxdWb), txc = ring(kTxcBase, 4, kTxcWb);
    run_and_check(b, mem, posts, txd, txc);
    CHECK(b.seen().dma_errors.empty());
  }
}

TEST_CASE("TX engine: a part in a region answering DECERR: DMA_ERROR with that part's "
          "address, the descriptor's other parts dropped, the next descriptors sent intact",
          "[device][tx_engine]") {
  for (int w : kWidths) {
    INFO("DATA_W " << w);
    std::mt19937_64 rng(tcpoe::test::test_seed(1200 + uint32_t(w)));
    AxiMemory mem;
    TxEngineBench b(w, mem, rough_options(23));
    auto posts = gather_posts(rng, 24, 1460);
    std::vector<Status> want = expected_statuses(posts, b.params().max_payload);
    std::vector<uint64_t> failed_addrs;
    for (size_t i = 3; i < posts.size(); i += 5) {
      auto& p = posts[i];
      p.desc.payload_len = 600;  // four parts of 150, the failing one chosen at random
      p.payload.assign(600, 0x77);
      p.parts.resize(dev::tx_ring::kMaxParts);
      for (auto& part : p.parts) part.len = 150;
      const auto& bad = p.parts[rng() % p.parts.size()];
      mem.add_error_range({bad.addr, bad.addr + bad.len, tcpoe::sim::kAxiDecErr});
      failed_addrs.push_back(bad.addr);
      want[i] = Status::kDmaError;
    }
    const RingCfg txd = ring(kTxdBase, 4, kTxdWb), txc = ring(kTxcBase, 4, kTxcWb);
    run_and_check(b, mem, posts, txd, txc, want);
    const auto& errs = b.seen().dma_errors;
    REQUIRE(errs.size() == failed_addrs.size());
    for (size_t k = 0; k < errs.size(); ++k) {
      CHECK(errs[k].addr == failed_addrs[k]);
      CHECK_FALSE(errs[k].write);
      CHECK(errs[k].source == int(dev::DmaSource::kTxPayloadRead));
    }
  }
}

TEST_CASE("TX engine: a descriptor fetch that fails completes its batch with DMA_ERROR, "
          "moves CONS past it and reports it once",
          "[device][tx_engine]") {
  for (int w : kWidths) {
    INFO("DATA_W " << w);
    std::mt19937_64 rng(tcpoe::test::test_seed(800 + uint32_t(w)));
    AxiMemory mem;
    TxBenchOptions o;
    o.host.post_batch = 0;
    TxEngineBench b(w, mem, o);
    const int batch = b.params().fetch_batch;
    const auto posts = random_posts(rng, 16, 0, 100);
    const RingCfg txd = ring(kTxdBase, 4, kTxdWb), txc = ring(kTxcBase, 4, kTxcWb);
    const uint64_t bad_entry = 5;
    mem.add_error_range({kTxdBase + bad_entry * kEntry, kTxdBase + bad_entry * kEntry + kEntry,
                         tcpoe::sim::kAxiSlvErr});
    b.start(txd, txc);
    b.post(posts);
    run_to_completion(b, posts.size());
    // The failed fetch's entries: a run containing bad_entry, at most a batch.
    const auto& c = b.seen().completions;
    REQUIRE(c.size() == posts.size());
    size_t first = posts.size(), last = 0;
    for (size_t k = 0; k < c.size(); ++k)
      if (c[k].status == uint8_t(Status::kDmaError)) {
        first = std::min(first, k);
        last = k;
      }
    REQUIRE(first <= bad_entry);
    REQUIRE(last >= bad_entry);
    CHECK(last - first + 1 <= size_t(batch));
    std::vector<Status> want = expected_statuses(posts, b.params().max_payload);
    for (size_t k = first; k <= last; ++k) want[k] = Status::kDmaError;
    check_run(b, mem, posts, want, txd, txc);
    const auto& errs = b.seen().dma_errors;
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].addr == kTxdBase + first * kEntry);
    CHECK_FALSE(errs[0].write);
    CHECK(errs[0].source == int(dev::DmaSource::kTxDescFetch));
  }
}

TEST_CASE("TX engine: a completion write or write-back that fails is reported, the engine "
          "goes on",
          "[device][tx_engine]") {
  for (int w : kWidths) {
    INFO("DATA_W " << w);
    std::mt19937_64 rng(tcpoe::test::test_seed(900 + uint32_t(w)));
    AxiMemory mem;
    TxBenchOptions o;
    o.host.post_batch = 1;
    o.host.doorbell_prob = 0.01;  // one at a time: each completion its own write
    TxEngineBench b(w, mem, o);
    const auto posts = random_posts(rng, 12, 0, 60);
    // TXC entry 3 answers SLVERR (its octets are written all the same), as
    // does TXD CONS's write-back address.
    const RingCfg txd = ring(kTxdBase, 4, kTxdWb), txc = ring(kTxcBase, 4, kTxcWb);
    mem.add_error_range({kTxcBase + 3 * 16, kTxcBase + 4 * 16, tcpoe::sim::kAxiSlvErr});
    mem.add_error_range({kTxdWb, kTxdWb + 4, tcpoe::sim::kAxiDecErr});
    b.start(txd, txc);
    b.post(posts);
    run_to_completion(b, posts.size());
    const auto& s = b.seen();
    for (const auto& v : s.violations) FAIL_CHECK(v);
    REQUIRE(s.completions.size() == posts.size());
    CHECK(s.frames.size() == posts.size());
    // The slave answers by beat: at DATA_W 64 only entry 3's second beat
    // touches the range; at 512 every write of the block of entries 0..3 does.
    const uint64_t failed = w == 64 ? 1 : 4;
    CHECK(s.compl_events == posts.size() - failed);
    CHECK(s.cnt_tx_completions == posts.size() - failed);
    uint64_t compl_errors = 0, wb_errors = 0;
    for (const auto& e : s.dma_errors) {
      CHECK(e.write);
      if (e.source == int(dev::DmaSource::kTxComplWrite)) {
        ++compl_errors;
        CHECK(e.addr == (w == 64 ? kTxcBase + 3 * 16 : kTxcBase));
      } else {
        CHECK(e.source == int(dev::DmaSource::kIndexWriteback));
        CHECK(e.addr == kTxdWb);
        ++wb_errors;
      }
    }
    CHECK(compl_errors == failed);
    CHECK(wb_errors >= 1);
    CHECK(b.txc_prod() == posts.size());
  }
}

TEST_CASE("TX engine: stopped with work in flight it starts nothing new, finishes what AXI "
          "has, goes idle, after rst it works again from index 0",
          "[device][tx_engine]") {
  for (int w : kWidths) {
    INFO("DATA_W " << w);
    std::mt19937_64 rng(tcpoe::test::test_seed(1000 + uint32_t(w)));
    AxiMemory mem;
    TxBenchOptions o = rough_options(17);
    o.host.doorbell_prob = 1.0;
    TxEngineBench b(w, mem, o);
    const int outstanding = b.params().outstanding;
    const RingCfg txd = ring(kTxdBase, 4, kTxdWb), txc = ring(kTxcBase, 4, kTxcWb);
    b.start(txd, txc);
    b.post(random_posts(rng, 60, 0, 1500));
    // Stopped while DMA commands are outstanding.
    REQUIRE(b.run_until([&] { return b.seen().frames.size() >= 5 && !b.idle(); }, 1'000'000));
    REQUIRE(b.seen().completions.size() < 60);
    b.stop();
    REQUIRE(b.run_until([&] { return b.idle(); }, 100'000));
    b.run_for(5'000);
    const auto& s = b.seen();
    for (const auto& v : s.violations) FAIL_CHECK(v);
    // At most what the DMA masters had taken before the stop.
    CHECK(s.reads_started_after_stop <= uint64_t(outstanding + 1));
    CHECK(s.writes_started_after_stop <= uint64_t(outstanding + 1));
    CHECK(s.frames_started_after_stop == 0);
    CHECK(s.axi_after_idle == 0);
    CHECK(b.idle());
    CHECK(b.txd_cons() == 0);
    CHECK(b.txc_prod() == 0);

    // rst (the register file's soft_reset_done), new rings, new work.
    b.reset();
    b.clear_observations();
    const auto posts = random_posts(rng, 30, 0, 300, 100);
    const RingCfg txd2 = ring(kTxdBase + 0x4000, 3, kTxdWb), txc2 = ring(kTxcBase + 0x4000, 3, kTxcWb);
    run_and_check(b, mem, posts, txd2, txc2);
  }
}

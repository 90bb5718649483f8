// The RX engine (rtl/tcpoe_rx_engine.sv) at DATA_W 64 and 512 (the main
// case and the ring wraps at 128 and 256 too), alone with host memory behind
// the AXI4 slaves of sim/device/axi_slave.h: a host model in this file posts
// RX buffers, polls the RX completion ring by its phase bit and checks each
// completion against the frames sent (byte-identical in
// its buffer, the descriptor the parser's C++ model gives for the frame,
// buffer index, length, status, timestamp), and every octet the engine wrote
// is checked to lie where it may (a buffer of a completed frame, the RXC
// ring, the write-back addresses). The AXI rules are checked every cycle.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "../parser/parser_test_util.h"
#include "../support/test_seed.h"
#include "rx_engine_harness.h"
#include "tcpoe/wire/device_regs.h"

namespace {

using tcpoe::sim::AxiMemory;
using tcpoe::sim::Octets;
using tcpoe::sim::RxEngineRun;
using tcpoe::sim::RxEngineSim;
namespace w = tcpoe::wire;
namespace dev = tcpoe::wire::dev;
namespace pt = tcpoe::parser_test;

constexpr uint64_t kRxbBase = 0x10000, kRxcBase = 0x20000, kWbRxb = 0x30000, kWbRxc = 0x30040;
constexpr uint64_t kBufBase = 0x1000000, kBufStride = 0x1000;
constexpr uint32_t kBufLen = 2048 + 64;

uint64_t get_be(const AxiMemory& m, uint64_t addr, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = v << 8 | m.read(addr + uint64_t(i));
  return v;
}

void put_be(AxiMemory& m, uint64_t addr, int n, uint64_t v) {
  for (int i = n - 1; i >= 0; --i, v >>= 8) m.write(addr + uint64_t(i), uint8_t(v));
}

struct Completion {
  uint16_t slot_index = 0;  // RXC index
  w::RxDescriptorBytes desc{};
  uint16_t buf_index = 0, frame_len = 0;
  uint8_t status = 0, flags = 0;
  uint64_t timestamp = 0;
  uint64_t buf_addr = 0;
  Octets data;  // the buffer's first frame_len octets, read when the completion was seen
};

// The driver's side: buffers posted ahead, completions polled by phase.
class Host {
 public:
  Host(AxiMemory& mem, RxEngineSim& e, int rxb_log2, int rxc_log2, bool writeback = true)
      : mem_(mem), e_(e), rxb_size_(1u << rxb_log2), rxc_size_(1u << rxc_log2) {
    e.rxb = {true, kRxbBase, uint8_t(rxb_log2), writeback ? kWbRxb : 0, 0};
    e.rxc = {true, kRxcBase, uint8_t(rxc_log2), writeback ? kWbRxc : 0, 0};
    // The driver clears the completion ring before enabling it: phase 0 everywhere.
    for (uint64_t a = 0; a < uint64_t(rxc_size_) * dev::rx_compl::kEntrySize; ++a)
      mem.write(kRxcBase + a, 0);
  }

  // Each buffer posted: its address and length (by RXB index).
  std::function<uint64_t(uint16_t)> buf_addr = [](uint16_t i) {
    return kBufBase + uint64_t(i % 64) * kBufStride;
  };
  std::function<uint32_t(uint16_t)> buf_len = [](uint16_t) { return kBufLen; };
  uint32_t post_limit = ~0u;  // buffers to post in all
  uint32_t post_batch = 1;     // post (ring the doorbell) only when this many entries are free
  bool take_completions = true;

  // Posts what the ring and the limit allow; takes new completions.
  void poll() {
    if (take_completions) {
      for (;;) {
        const uint16_t i = cons_;
        const uint64_t slot = kRxcBase + uint64_t(i % rxc_size_) * dev::rx_compl::kEntrySize;
        const uint8_t flags = mem_.read(slot + 127);
        const bool phase = ((i / rxc_size_) % 2) == 0;  // 1 on the first pass
        if (bool(flags & dev::compl_flag::kPhase) != phase) break;
        Completion c;
        c.slot_index = i;
        for (size_t k = 0; k < c.desc.size(); ++k) c.desc[k] = mem_.read(slot + k);
        c.buf_index = uint16_t(get_be(mem_, slot + 64, 2));
        c.frame_len = uint16_t(get_be(mem_, slot + 66, 2));
        c.status = mem_.read(slot + 68);
        c.timestamp = get_be(mem_, slot + 72, 8);
        c.flags = flags;
        c.buf_addr = posted_addr_.at(c.buf_index);
        for (uint32_t k = 0; k < c.frame_len; ++k) c.data.push_back(mem_.read(c.buf_addr + k));
        got.push_back(std::move(c));
        ++cons_;
      }
      e_.rxc.host_idx = cons_;
    }
    if (rxb_size_ - uint16_t(prod_ - e_.rxb_cons()) < std::min(post_batch, post_limit - prod_)) return;
    while (uint16_t(prod_ - e_.rxb_cons()) < rxb_size_ && prod_ < post_limit) {
      const uint64_t entry = kRxbBase + uint64_t(prod_ % rxb_size_) * dev::rx_buf::kEntrySize;
      const uint64_t a = buf_addr(prod_);
      put_be(mem_, entry, 8, a);
      put_be(mem_, entry + 8, 4, buf_len(prod_));
      put_be(mem_, entry + 12, 4, 0);
      if (posted_addr_.size() <= prod_) posted_addr_.resize(prod_ + 1u);
      posted_addr_[prod_] = a;
      ++prod_;
      e_.rxb.host_idx = uint16_t(prod_);
    }
  }

  // Steps the engine, polling every cycle, until `done` or the limit.
  bool run_until(const std::function<bool()>& done, uint64_t max_cycles) {
    return e_.run_until([&] {
      poll();
      return done();
    }, max_cycles);
  }

  uint32_t posted() const { return prod_; }
  uint16_t cons() const { return cons_; }
  uint32_t rxc_size() const { return rxc_size_; }
  std::vector<Completion> got;

 private:
  AxiMemory& mem_;
  RxEngineSim& e_;
  const uint32_t rxb_size_, rxc_size_;
  uint32_t prod_ = 0;
  uint16_t cons_ = 0;
  std::vector<uint64_t> posted_addr_;
};

std::vector<Octets> good_frames(uint64_t seed, int n) {
  pt::Gen g(seed);
  std::vector<Octets> frames;
  for (int i = 0; i < n; ++i) frames.push_back(pt::good_frame(g));
  return frames;
}

// Frames of every kind: well-formed, damaged, each Malformed code.
std::vector<Octets> mixed_frames(uint64_t seed, int n) {
  pt::Gen g(seed);
  std::vector<Octets> frames;
  for (int i = 0; i < n; ++i) {
    switch (g.below(4)) {
      case 0: frames.push_back(pt::mutate(g, pt::good_frame(g))); break;
      case 1: frames.push_back(pt::malformed_frame(g, w::Malformed(1 + g.below(9)), int(g.below(10)))); break;
      default: frames.push_back(pt::good_frame(g)); break;
    }
  }
  return frames;
}

// Every completion matches the next frame of `frames` it can (in order, the
// skipped ones dropped): data, descriptor, length, status, timestamp, phase;
// returns the index of the frame each completion holds.
std::vector<size_t> match_completions(const std::vector<Completion>& got,
                                      const std::vector<Octets>& frames, const RxEngineSim& e,
                                      uint32_t rxc_size) {
  std::vector<size_t> which;
  size_t next = 0;
  for (size_t k = 0; k < got.size(); ++k) {
    const Completion& c = got[k];
    INFO("completion " << k << " (RXB index " << c.buf_index << ", status " << int(c.status) << ")");
    CHECK(c.slot_index == uint16_t(k));
    CHECK(((c.flags & dev::compl_flag::kPhase) != 0) == (((k / rxc_size) % 2) == 0));
    if (c.status != uint8_t(dev::ComplStatus::kOk)) {
      which.push_back(SIZE_MAX);
      continue;
    }
    size_t j = next;
    while (j < frames.size() && frames[j] != c.data) ++j;
    REQUIRE(j < frames.size());  // the buffer holds one of the frames sent, after the last one
    which.push_back(j);
    next = j + 1;
    CHECK(c.frame_len == frames[j].size());
    CHECK(c.desc == pt::expected(frames[j]));
    REQUIRE(j < e.frame_last_cycles().size());
    CHECK(c.timestamp == e.frame_last_cycles()[j]);
  }
  return which;
}

// Completions `from` on hold frames `first`, first + 1, ...: none lost between.
void check_consecutive(const std::vector<size_t>& which, size_t from = 0, size_t first = 0) {
  for (size_t k = from; k < which.size(); ++k) {
    INFO("completion " << k);
    CHECK(which[k] == first + (k - from));
  }
}

// Every octet written lies in a completed frame's buffer, the RXC ring or a
// write-back address.
void check_writes_in_place(const RxEngineSim& e, const std::vector<Completion>& got,
                           uint32_t rxc_size) {
  std::vector<std::pair<uint64_t, uint64_t>> allowed{
      {kRxcBase, kRxcBase + uint64_t(rxc_size) * dev::rx_compl::kEntrySize},
      {kWbRxb, kWbRxb + 4},
      {kWbRxc, kWbRxc + 4}};
  for (const auto& c : got) allowed.push_back({c.buf_addr, c.buf_addr + c.frame_len});
  size_t stray = 0;
  for (const auto& [b, en] : e.writes()) {
    bool in = false;
    for (const auto& [ab, ae] : allowed) in = in || (b >= ab && en <= ae);
    if (!in) {
      if (stray++ < 5) FAIL_CHECK("octets [0x" << std::hex << b << ", 0x" << en << ") written");
    }
  }
  CHECK(stray == 0);
}

void check_no_violations(const RxEngineSim& e) {
  for (const auto& v : e.violations()) FAIL_CHECK(v);
}

uint64_t frames_done(const RxEngineSim& e) { return e.frame_last_cycles().size(); }

RxEngineRun random_run(std::mt19937_64& rng, double tvalid) {
  RxEngineRun r;
  r.read_slave.seed = uint32_t(rng());
  r.read_slave.latency_min = 0;
  r.read_slave.latency_max = 40;
  r.read_slave.arready_prob = 0.7;
  r.read_slave.rvalid_prob = 0.7;
  r.write_slave = r.read_slave;
  r.write_slave.seed = uint32_t(rng());
  r.tvalid_prob = tvalid;
  r.seed = rng();
  return r;
}

}  // namespace

TEST_CASE("rx engine: frames land byte-identical in order, completions as the parser model says",
          "[device][rx_engine]") {
  for (int width : {64, 128, 256, 512}) {
    INFO("DATA_W " << width);
    std::mt19937_64 rng(tcpoe::test::test_seed(101));
    const auto frames = mixed_frames(rng(), 60);
    AxiMemory mem;
    auto e = tcpoe::sim::make_rx_engine(width, mem, random_run(rng, 0.6));
    Host host(mem, *e, 4, 4);
    for (const auto& f : frames) e->send(f);
    REQUIRE(host.run_until([&] { return host.got.size() == frames.size(); }, 400000));
    REQUIRE(host.run_until([&] { return e->idle() && e->rxc_prod() == frames.size(); }, 10000));
    e->run(100);
    host.poll();
    check_no_violations(*e);
    const auto which = match_completions(host.got, frames, *e, host.rxc_size());
    for (size_t k = 0; k < which.size(); ++k) {
      CHECK(which[k] == k);
      CHECK(host.got[k].buf_index == uint16_t(k));
      CHECK(host.got[k].status == uint8_t(dev::ComplStatus::kOk));
    }
    check_writes_in_place(*e, host.got, host.rxc_size());

    // Counters from the model's verdicts.
    uint64_t ip_bad = 0, tcp_bad = 0, malformed = 0, by_code[9] = {};
    for (const auto& f : frames) {
      const w::RxDescriptor d = tcpoe::kernels::expected_rx_descriptor(f);
      ip_bad += d.ip_csum_checked && !d.ip_csum_ok;
      tcp_bad += d.tcp_csum_checked && !d.tcp_csum_ok;
      malformed += d.malformed != w::Malformed::kNone;
      if (d.malformed != w::Malformed::kNone) ++by_code[int(d.malformed) - 1];
    }
    const auto& c = e->counters();
    CHECK(c.frames_rx == frames.size());
    CHECK(c.ip_csum_bad == ip_bad);
    CHECK(c.tcp_csum_bad == tcp_bad);
    CHECK(c.malformed == malformed);
    for (int k = 0; k < 9; ++k) CHECK(c.malformed_code[k] == by_code[k]);
    CHECK(c.completions == frames.size());
    CHECK(c.compl_events == frames.size());
    CHECK(c.drop_no_buffer == 0);
    CHECK(c.drop_too_long == 0);
    CHECK(e->dma_errors().empty());
    // Index write-back: big-endian, the final values.
    CHECK(get_be(mem, kWbRxb, 4) == e->rxb_cons());
    CHECK(get_be(mem, kWbRxc, 4) == e->rxc_prod());
    CHECK(e->rxb_cons() == frames.size());
  }
}

TEST_CASE("rx engine: every Malformed code and bad checksums are counted by code",
          "[device][rx_engine]") {
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    pt::Gen g(tcpoe::test::test_seed(102));
    std::vector<Octets> frames;
    for (int code = 1; code <= 9; ++code)
      for (int v = 0; v < 2; ++v) frames.push_back(pt::malformed_frame(g, w::Malformed(code), v));
    Octets bad_ip = pt::good_frame(g);
    bad_ip[24] ^= 0x01;  // the IPv4 header checksum
    Octets bad_tcp = pt::good_frame(g);
    bad_tcp[50] ^= 0x10;  // the TCP checksum
    frames.push_back(bad_ip);
    frames.push_back(bad_tcp);
    AxiMemory mem;
    std::mt19937_64 rng(tcpoe::test::test_seed(103));
    auto e = tcpoe::sim::make_rx_engine(width, mem, random_run(rng, 1.0));
    Host host(mem, *e, 5, 5);
    for (const auto& f : frames) e->send(f);
    REQUIRE(host.run_until([&] { return host.got.size() == frames.size() && e->idle(); }, 200000));
    e->run(10);  // the last pulses
    check_no_violations(*e);
    match_completions(host.got, frames, *e, host.rxc_size());
    const auto& c = e->counters();
    for (int code = 1; code <= 9; ++code) {
      INFO("code " << code);
      uint64_t want = 0;
      for (const auto& f : frames)
        want += tcpoe::kernels::expected_rx_descriptor(f).malformed == w::Malformed(code);
      CHECK(want >= 1);
      CHECK(c.malformed_code[code - 1] == want);
    }
    CHECK(c.malformed == 18);
    const auto d_ip = tcpoe::kernels::expected_rx_descriptor(bad_ip);
    const auto d_tcp = tcpoe::kernels::expected_rx_descriptor(bad_tcp);
    INFO("TCP-bad frame: checked " << d_tcp.tcp_csum_checked << " ok " << d_tcp.tcp_csum_ok
         << " code " << int(d_tcp.malformed) << " IP checked " << d_tcp.ip_csum_checked);
    REQUIRE((d_ip.ip_csum_checked && !d_ip.ip_csum_ok));
    REQUIRE((d_tcp.tcp_csum_checked && !d_tcp.tcp_csum_ok));
    CHECK(c.ip_csum_bad == 1);
    CHECK(c.tcp_csum_bad == 1);
  }
}

TEST_CASE("rx engine: rings of 4 and 8 wrap many times, RXB entries fetched in batches",
          "[device][rx_engine]") {
  for (int width : {64, 128, 256, 512}) {
    for (auto [rxb_log2, rxc_log2] : {std::pair{2, 3}, std::pair{3, 2}}) {
      INFO("DATA_W " << width << " RXB " << (1 << rxb_log2) << " RXC " << (1 << rxc_log2));
      std::mt19937_64 rng(tcpoe::test::test_seed(104 + uint64_t(rxb_log2)));
      const auto frames = good_frames(rng(), 120);
      AxiMemory mem;
      auto e = tcpoe::sim::make_rx_engine(width, mem, random_run(rng, 0.8));
      Host host(mem, *e, rxb_log2, rxc_log2);
      host.post_batch = (1u << rxb_log2) / 2;
      for (const auto& f : frames) e->send(f);
      REQUIRE(host.run_until([&] { return host.got.size() == frames.size(); }, 600000));
      REQUIRE(host.run_until([&] { return e->idle(); }, 10000));
      e->run(50);
      check_no_violations(*e);
      const auto which = match_completions(host.got, frames, *e, host.rxc_size());
      check_consecutive(which);
      CHECK(e->counters().drop_no_buffer + e->counters().drop_too_long == 0);
      check_writes_in_place(*e, host.got, host.rxc_size());
      // Batches: never past the ring's end nor FETCH_BATCH entries; fewer
      // reads than entries (the host posts several at a time).
      const uint32_t rxb_size = 1u << rxb_log2;
      uint64_t entries = 0;
      for (const auto& r : e->read_cmds()) {
        // An aligned block: the entries before the batch's first are read too.
        CHECK(r.addr % uint64_t(width / 8) == 0);
        CHECK(r.addr >= kRxbBase);
        CHECK(r.addr + r.len <= kRxbBase + rxb_size * dev::rx_buf::kEntrySize);
        CHECK(r.len % dev::rx_buf::kEntrySize == 0);
        CHECK(r.len <= uint32_t(width / 8) + 8 * dev::rx_buf::kEntrySize);
        entries += r.len / dev::rx_buf::kEntrySize;
      }
      CHECK(entries >= frames.size());
      // The host rings the doorbell for half a ring at a time: so are the reads.
      CHECK(e->read_cmds().size() <= frames.size() / host.post_batch + 2);
      CHECK(get_be(mem, kWbRxc, 4) == frames.size());
      CHECK(get_be(mem, kWbRxb, 4) == frames.size());
    }
  }
}

TEST_CASE("rx engine: no buffer posted, frames dropped and counted, nothing written, resumes",
          "[device][rx_engine]") {
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    std::mt19937_64 rng(tcpoe::test::test_seed(105));
    const auto frames = good_frames(rng(), 30);
    AxiMemory mem;
    auto e = tcpoe::sim::make_rx_engine(width, mem, random_run(rng, 1.0));
    Host host(mem, *e, 4, 4);
    host.post_limit = 5;
    for (size_t i = 0; i < 20; ++i) e->send(frames[i]);
    const auto handled = [&](uint64_t n) {
      const auto& k = e->counters();
      return k.frames_rx == n && k.completions + k.drop_no_buffer + k.drop_too_long == n &&
             e->idle();
    };
    REQUIRE(host.run_until([&] { return handled(20); }, 200000));
    e->run(10);
    host.poll();
    const auto& c = e->counters();
    CHECK(host.got.size() == 5);
    CHECK(c.completions == 5);
    CHECK(c.drop_no_buffer == 15);
    CHECK(c.frames_rx == 20);
    auto which = match_completions(host.got, frames, *e, host.rxc_size());
    check_consecutive(which);  // the first five found buffers
    check_writes_in_place(*e, host.got, host.rxc_size());
    // Buffers posted again: the next frames land.
    host.post_limit = 100;
    for (size_t i = 20; i < 30; ++i) e->send(frames[i]);
    REQUIRE(host.run_until([&] { return handled(30); }, 200000));
    e->run(10);
    host.poll();
    CHECK(host.got.size() == 15);
    check_no_violations(*e);
    which = match_completions(host.got, frames, *e, host.rxc_size());
    check_consecutive(which, 5, 20);
    CHECK(e->counters().drop_no_buffer == 15);
    check_writes_in_place(*e, host.got, host.rxc_size());
  }
}

TEST_CASE("rx engine: a frame longer than its buffer is dropped and the buffer kept, an "
          "unaligned buffer gives DESC_REJECTED", "[device][rx_engine]") {
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    std::mt19937_64 rng(tcpoe::test::test_seed(106));
    pt::Gen g(rng());
    w::FrameRepr r = g.repr();
    const Octets small = w::emit_frame(r, Octets(100, 0x11));   // 154 octets
    const Octets big = w::emit_frame(r, Octets(1000, 0x22));    // 1054 octets
    const Octets huge(2182 + 70, 0x33);                         // beyond MAX_FRAME
    AxiMemory mem;
    auto e = tcpoe::sim::make_rx_engine(width, mem, random_run(rng, 1.0));
    Host host(mem, *e, 3, 3);
    // Buffer 0: 500 octets; buffer 1: misaligned; buffers 2..: big enough.
    host.buf_len = [](uint16_t i) { return i == 0 ? 500u : kBufLen; };
    host.buf_addr = [](uint16_t i) { return kBufBase + uint64_t(i % 64) * kBufStride + (i == 1 ? 8 : 0); };
    const std::vector<Octets> frames{big, small, small, huge, big};
    for (const auto& f : frames) e->send(f);
    REQUIRE(host.run_until([&] { return host.got.size() == 3 && frames_done(*e) == 5 && e->idle(); },
                           200000));
    e->run(200);
    host.poll();
    check_no_violations(*e);
    REQUIRE(host.got.size() == 3);
    // big: too long for buffer 0 (kept); small -> buffer 0; small -> buffer 1
    // rejected; huge: too long for anything; big -> buffer 2.
    CHECK(host.got[0].buf_index == 0);
    CHECK(host.got[0].status == uint8_t(dev::ComplStatus::kOk));
    CHECK(host.got[0].data == small);
    CHECK(host.got[1].buf_index == 1);
    CHECK(host.got[1].status == uint8_t(dev::ComplStatus::kDescRejected));
    CHECK(host.got[1].frame_len == 0);
    CHECK(host.got[1].desc == pt::expected(small));
    CHECK(host.got[2].buf_index == 2);
    CHECK(host.got[2].status == uint8_t(dev::ComplStatus::kOk));
    CHECK(host.got[2].data == big);
    CHECK(e->counters().drop_too_long == 2);
    CHECK(e->counters().drop_no_buffer == 0);
    CHECK(e->counters().frames_rx == 5);
    // Nothing of the rejected frame in its buffer, nothing anywhere else.
    std::vector<Completion> written{host.got[0], host.got[2]};
    written.push_back(host.got[1]);  // frame_len 0: no octet allowed there
    check_writes_in_place(*e, written, host.rxc_size());
  }
}

TEST_CASE("rx engine: RXC ring full, the engine waits (tready falls) and loses nothing",
          "[device][rx_engine]") {
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    std::mt19937_64 rng(tcpoe::test::test_seed(107));
    const auto frames = good_frames(rng(), 60);
    AxiMemory mem;
    auto e = tcpoe::sim::make_rx_engine(width, mem, random_run(rng, 1.0));
    Host host(mem, *e, 6, 2);  // 64 buffers, 4 completions
    host.take_completions = false;
    for (const auto& f : frames) e->send(f);
    host.run_until([] { return false; }, 30000);
    CHECK(e->rxc_prod() == 4);  // the ring is full
    CHECK(mem.read(kRxcBase + 127) & dev::compl_flag::kPhase);
    CHECK(e->tready_low_cycles() > 0);
    CHECK(frames_done(*e) < frames.size());
    CHECK(e->counters().drop_no_buffer == 0);
    host.take_completions = true;
    REQUIRE(host.run_until([&] { return host.got.size() == frames.size(); }, 600000));
    check_no_violations(*e);
    const auto which = match_completions(host.got, frames, *e, host.rxc_size());
    check_consecutive(which);
    CHECK(e->counters().drop_no_buffer + e->counters().drop_too_long == 0);
  }
}

TEST_CASE("rx engine: DMA errors on a frame write and a completion write are reported, the "
          "engine goes on", "[device][rx_engine]") {
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    std::mt19937_64 rng(tcpoe::test::test_seed(108));
    const auto frames = good_frames(rng(), 12);
    AxiMemory mem;
    const uint64_t bad_buf = kBufBase + 3 * kBufStride;  // buffer 3
    const uint64_t bad_slot = kRxcBase + 6 * dev::rx_compl::kEntrySize;  // completion 6
    mem.add_error_range({bad_buf, bad_buf + kBufStride, tcpoe::sim::kAxiSlvErr});
    mem.add_error_range({bad_slot + 64, bad_slot + 65, tcpoe::sim::kAxiDecErr});
    auto e = tcpoe::sim::make_rx_engine(width, mem, random_run(rng, 1.0));
    Host host(mem, *e, 4, 4);
    for (const auto& f : frames) e->send(f);
    REQUIRE(host.run_until([&] { return host.got.size() == frames.size() && e->idle(); }, 300000));
    e->run(10);  // the last pulses
    check_no_violations(*e);
    REQUIRE(e->dma_errors().size() == 2);
    const auto& e0 = e->dma_errors()[0];
    CHECK(e0.addr == bad_buf);
    CHECK(e0.write);
    CHECK(e0.source == uint8_t(dev::DmaSource::kRxBufferWrite));
    const auto& e1 = e->dma_errors()[1];
    CHECK(e1.addr == bad_slot);
    CHECK(e1.write);
    CHECK(e1.source == uint8_t(dev::DmaSource::kRxComplWrite));
    // Frame 3: completion DMA_ERROR, nothing counted as written.
    CHECK(host.got[3].status == uint8_t(dev::ComplStatus::kDmaError));
    CHECK(host.got[3].frame_len == 0);
    CHECK(host.got[3].desc == pt::expected(frames[3]));
    for (size_t k = 0; k < frames.size(); ++k) {
      if (k == 3) continue;
      INFO("frame " << k);
      CHECK(host.got[k].status == uint8_t(dev::ComplStatus::kOk));
      CHECK(host.got[k].data == frames[k]);
    }
    // The failed completion write's slot is used all the same; no event for it.
    CHECK(e->rxc_prod() == frames.size());
    CHECK(e->counters().completions == frames.size() - 1);
    CHECK(e->counters().compl_events == frames.size() - 1);
  }
}

TEST_CASE("rx engine: an RXB entry read that fails is reported and its frames dropped",
          "[device][rx_engine]") {
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    std::mt19937_64 rng(tcpoe::test::test_seed(109));
    pt::Gen g(rng());
    AxiMemory mem;
    mem.add_error_range({kRxbBase, kRxbBase + 16 * dev::rx_buf::kEntrySize, tcpoe::sim::kAxiSlvErr});
    auto e = tcpoe::sim::make_rx_engine(width, mem, random_run(rng, 1.0));
    Host host(mem, *e, 4, 4);
    host.post_limit = 4;
    for (int i = 0; i < 6; ++i) e->send(pt::good_frame(g));
    REQUIRE(host.run_until([&] { return frames_done(*e) == 6 && e->idle(); }, 200000));
    e->run(500);
    check_no_violations(*e);
    REQUIRE(e->dma_errors().size() == 1);  // not read again before a new doorbell
    CHECK(e->dma_errors()[0].addr == kRxbBase);
    CHECK_FALSE(e->dma_errors()[0].write);
    CHECK(e->counters().drop_no_buffer == 6);
    CHECK(host.got.empty());
    CHECK(e->writes().empty());
  }
}

TEST_CASE("rx engine: enable dropped with work in flight, no new command, idle, reset and "
          "re-enable work", "[device][rx_engine]") {
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    std::mt19937_64 rng(tcpoe::test::test_seed(110));
    const auto frames = good_frames(rng(), 40);
    AxiMemory mem;
    auto e = tcpoe::sim::make_rx_engine(width, mem, random_run(rng, 1.0));
    auto host = std::make_unique<Host>(mem, *e, 3, 3);
    for (size_t i = 0; i < 20; ++i) e->send(frames[i]);
    REQUIRE(host->run_until([&] { return host->got.size() >= 3 && !e->idle(); }, 200000));
    e->enable = false;
    e->step();  // the cycle the engine sees it
    const size_t reads = e->read_cmds().size(), writes = e->write_cmds().size();
    REQUIRE(host->run_until([&] { return e->idle() && frames_done(*e) == 20; }, 100000));
    e->run(500);
    CHECK(e->idle());
    CHECK(e->read_cmds().size() == reads);
    CHECK(e->write_cmds().size() == writes);
    CHECK(e->counters().frames_rx == 20);
    check_no_violations(*e);
    // Reset, rings set up again from index 0, and everything works.
    e->reset();
    CHECK(e->rxb_cons() == 0);
    CHECK(e->rxc_prod() == 0);
    e->rxb.enable = e->rxc.enable = false;
    e->run(2);
    host = std::make_unique<Host>(mem, *e, 3, 3);
    e->enable = true;
    const std::vector<Octets> later(frames.begin() + 20, frames.end());
    for (const auto& f : later) e->send(f);
    REQUIRE(host->run_until([&] { return host->got.size() == later.size(); }, 300000));
    check_no_violations(*e);
    const auto frame_cycles = e->frame_last_cycles();
    size_t k = 0;
    for (const auto& c : host->got) {
      INFO("completion " << k);
      CHECK(c.status == uint8_t(dev::ComplStatus::kOk));
      CHECK(c.data == later[k]);
      CHECK(c.buf_index == k);
      CHECK(c.desc == pt::expected(later[k]));
      CHECK(c.timestamp == frame_cycles[20 + k]);
      ++k;
    }
  }
}

TEST_CASE("rx engine: random MAC gaps, slave timing, ring sizes and buffer postings, "
          "with a scoreboard", "[device][rx_engine]") {
  for (int width : {64, 512}) {
    for (uint64_t seed : {1u, 2u, 3u}) {
      INFO("DATA_W " << width << " seed " << seed);
      std::mt19937_64 rng(tcpoe::test::test_seed(200 + seed));
      const auto frames = mixed_frames(rng(), 80);
      AxiMemory mem;
      auto e = tcpoe::sim::make_rx_engine(width, mem, random_run(rng, 0.3 + 0.7 * double(rng() % 100) / 100.0));
      Host host(mem, *e, 2 + int(rng() % 4), 2 + int(rng() % 4));
      // The host posts in bursts, and takes completions at random moments.
      std::bernoulli_distribution take(0.05);
      for (const auto& f : frames) e->send(f);
      bool ok = e->run_until([&] {
        host.take_completions = take(rng);
        host.poll();
        return frames_done(*e) == frames.size() && e->idle() &&
               e->rxc_prod() == host.cons() && host.got.size() + e->counters().drop_no_buffer +
               e->counters().drop_too_long == frames.size();
      }, 2000000);
      REQUIRE(ok);
      check_no_violations(*e);
      const auto which = match_completions(host.got, frames, *e, host.rxc_size());
      // Nothing lost, duplicated or reordered: every frame has a completion
      // (buffers are always posted again), in order.
      CHECK(e->counters().drop_no_buffer + e->counters().drop_too_long == 0);
      check_consecutive(which);
      check_writes_in_place(*e, host.got, host.rxc_size());
      CHECK(get_be(mem, kWbRxc, 4) == e->rxc_prod());
      CHECK(get_be(mem, kWbRxb, 4) == e->rxb_cons());
    }
  }
}

// The device's AXI mux and MSI-X writer, each alone (sim/device/mux_harness.h):
// bursts of several masters through the mux reach host memory and come back
// to their master, by ID, in each ID's order, with W in AW-grant order and
// round-robin grants; MSI-X messages land as little-endian DWORDs at their
// address, faults are reported, and `stop` takes nothing new.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../support/test_seed.h"
#include "mux_harness.h"

namespace {

using namespace tcpoe::sim;

constexpr uint64_t kReadArea = 0x10'0000, kWriteArea = 0x80'0000, kArea = 0x4'0000;
constexpr uint64_t kErrorPage = 3;  // the 4 KB page of each master's area that answers an error

// `n` bursts in master m's area: random ID (0..3), beats 1..16 within a page.
std::vector<MuxBurst> bursts(uint64_t area, int m, int n, std::mt19937_64& rng) {
  std::vector<MuxBurst> out;
  uint64_t at = area + uint64_t(m) * kArea;
  for (int i = 0; i < n; ++i) {
    MuxBurst b;
    b.id = uint32_t(rng() % 4);
    b.beats = 1 + uint32_t(rng() % 16);
    if (at % 4096 + b.beats * 8 > 4096) at = (at / 4096 + 1) * 4096;
    b.addr = at;
    at += b.beats * 8 + 8 * (rng() % 3);
    out.push_back(b);
  }
  return out;
}

uint8_t expected_resp(uint64_t area, int m, const MuxBurst& b) {
  const uint64_t page = (b.addr - area - uint64_t(m) * kArea) / 4096;
  return page == kErrorPage ? (area == kReadArea ? kAxiSlvErr : kAxiDecErr) : kAxiOkay;
}

}  // namespace

TEST_CASE("AXI mux: bursts of 2 read and 3 write masters reach host memory and come back to their master",
          "[device][mux]") {
  struct Timing {
    double valid, ready, slave_ready;
    int latency_max;
  };
  const Timing timings[] = {{1.0, 1.0, 1.0, 8}, {0.7, 0.7, 0.8, 40}, {0.3, 0.5, 0.5, 100}, {1.0, 0.2, 1.0, 4}};
  int run = 0;
  for (const Timing& tm : timings) {
    DYNAMIC_SECTION("valid " << tm.valid << " ready " << tm.ready << " slave " << tm.slave_ready) {
      std::mt19937_64 rng(tcpoe::test::test_seed(2100 + uint64_t(run++)));
      AxiMemory mem;
      std::vector<std::vector<MuxBurst>> reads, writes;
      for (int m = 0; m < kMuxReadMasters; ++m) {
        reads.push_back(bursts(kReadArea, m, 60, rng));
        const uint64_t err = kReadArea + uint64_t(m) * kArea + kErrorPage * 4096;
        mem.add_error_range({err, err + 4096, kAxiSlvErr});
      }
      for (int m = 0; m < kMuxWriteMasters; ++m) {
        writes.push_back(bursts(kWriteArea, m, 60, rng));
        const uint64_t err = kWriteArea + uint64_t(m) * kArea + kErrorPage * 4096;
        mem.add_error_range({err, err + 4096, kAxiDecErr});
      }
      MuxRun r;
      r.valid_prob = tm.valid;
      r.ready_prob = tm.ready;
      r.slave.arready_prob = r.slave.rvalid_prob = tm.slave_ready;
      r.slave.latency_max = tm.latency_max;
      r.slave.seed = rng();
      const MuxReport rep = run_axi_mux(mem, reads, writes, r);
      REQUIRE(rep.failure.empty());
      INFO((rep.violations.empty() ? std::string() : rep.violations.front()));
      CHECK(rep.violations.empty());

      // Reads: each master's beats, per ID in its order, the memory's octets.
      for (int m = 0; m < kMuxReadMasters; ++m) {
        INFO("read master " << m);
        std::map<uint32_t, std::vector<const MuxRBeat*>> by_id;
        for (const auto& beat : rep.r[size_t(m)]) by_id[beat.id].push_back(&beat);
        std::map<uint32_t, size_t> at;
        for (const MuxBurst& b : reads[size_t(m)]) {
          auto& beats = by_id[b.id];
          for (uint32_t k = 0; k < b.beats; ++k) {
            REQUIRE(at[b.id] < beats.size());
            const MuxRBeat& beat = *beats[at[b.id]++];
            CHECK(beat.last == (k + 1 == b.beats));
            CHECK(beat.resp == expected_resp(kReadArea, m, b));
            for (int i = 0; i < 8; ++i)
              CHECK(beat.data[size_t(i)] == mem.read(b.addr + k * 8 + uint64_t(i)));
          }
        }
        for (auto& [id, beats] : by_id) CHECK(at[id] == beats.size());
      }
      // Writes: every octet in memory, one B per burst, per ID in order.
      for (int m = 0; m < kMuxWriteMasters; ++m) {
        INFO("write master " << m);
        for (const MuxBurst& b : writes[size_t(m)])
          for (uint64_t a = b.addr; a < b.addr + b.beats * 8; ++a) CHECK(mem.read(a) == mux_write_octet(m, a));
        REQUIRE(rep.b[size_t(m)].size() == writes[size_t(m)].size());
        std::map<uint32_t, std::vector<uint8_t>> want, got;
        for (const MuxBurst& b : writes[size_t(m)]) want[b.id].push_back(expected_resp(kWriteArea, m, b));
        for (const auto& [id, resp] : rep.b[size_t(m)]) got[id].push_back(resp);
        CHECK(got == want);
      }
    }
  }
}

TEST_CASE("MSI-X writer: each message a little-endian DWORD at its address, faults reported, stop honoured",
          "[device][msix]") {
  for (const int w : {64, 512}) {
    DYNAMIC_SECTION("DATA_W " << w) {
      std::mt19937_64 rng(tcpoe::test::test_seed(2200 + uint64_t(w)));
      AxiMemory mem;
      const uint64_t bad = 0x9000;
      mem.add_error_range({bad, bad + 64, kAxiSlvErr});
      std::vector<std::vector<std::pair<uint64_t, uint32_t>>> msgs(2);
      for (int v = 0; v < 2; ++v)
        for (int i = 0; i < 12; ++i) {
          // Distinct DWORDs across lanes, some with ADDR bits 1:0 set (ignored).
          const uint64_t addr = 0x1000 * uint64_t(v + 1) + 0x100 * uint64_t(i) + 4 * uint64_t(rng() % 16) + (i == 3 ? 2 : 0);
          msgs[size_t(v)].push_back({addr, uint32_t(rng())});
        }
      msgs[1].push_back({bad + 8, 0x12345678});
      MsixRun r;
      r.slave.seed = rng();
      r.slave.latency_max = 20;
      // What the memory held around them, to see nothing else is written.
      std::map<uint64_t, uint8_t> before;
      for (const auto& v : msgs)
        for (const auto& [addr, data] : v)
          for (uint64_t a = (addr & ~uint64_t(63)); a < (addr & ~uint64_t(63)) + 64; ++a) before[a] = mem.read(a);
      const MsixReport rep = run_msix_writer(w, mem, msgs, r);
      REQUIRE(rep.failure.empty());
      INFO((rep.violations.empty() ? std::string() : rep.violations.front()));
      CHECK(rep.violations.empty());
      CHECK(rep.idle_at_end);
      CHECK(rep.taken_cycle[0].size() == msgs[0].size());
      CHECK(rep.taken_cycle[1].size() == msgs[1].size());
      std::map<uint64_t, uint8_t> want = before;
      for (const auto& v : msgs)
        for (const auto& [addr, data] : v)
          for (int i = 0; i < 4; ++i) want[(addr & ~uint64_t(3)) + uint64_t(i)] = uint8_t(data >> (8 * i));
      for (const auto& [a, octet] : want) {
        INFO("address " << a);
        CHECK(mem.read(a) == octet);
      }
      REQUIRE(rep.error_addr.size() == 1);
      CHECK(rep.error_addr[0] == bad + 8);
      // Each write is the aligned beat holding the message.
      for (const uint64_t a : rep.beat_addr) CHECK(a % uint64_t(w / 8) == 0);
      CHECK(rep.beat_addr.size() == msgs[0].size() + msgs[1].size());
    }
  }
  SECTION("stop: nothing taken from then on; the write in flight finishes") {
    AxiMemory mem;
    std::vector<std::vector<std::pair<uint64_t, uint32_t>>> msgs(2);
    for (int i = 0; i < 50; ++i) msgs[0].push_back({0x2000 + 4 * uint64_t(i), uint32_t(i)});
    MsixRun r;
    r.valid_prob = 1.0;
    r.stop_from = 100;
    r.slave.latency_min = 10;
    r.slave.latency_max = 10;
    const MsixReport rep = run_msix_writer(64, mem, msgs, r);
    REQUIRE(rep.failure.empty());
    CHECK(rep.violations.empty());
    CHECK(rep.idle_at_end);
    REQUIRE(!rep.taken_cycle[0].empty());
    CHECK(rep.taken_cycle[0].size() < msgs[0].size());
    CHECK(rep.taken_cycle[0].back() < r.stop_from);
    CHECK(rep.beat_addr.size() == rep.taken_cycle[0].size());
  }
}

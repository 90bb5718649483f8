// The DMA engine's AXI4 read master (rtl/tcpoe_dma_rd.sv) at DATA_W 64 and
// 512 against the AXI4 slave memory of sim/device/axi_slave.h: every octet
// compared with the memory and each octet in its memory lane (tkeep checked
// beat by beat in the harness), statuses, the AXI and stream rules checked on
// every cycle, slave stalls and latencies, client back-pressure, error
// ranges, reads from any octet address, refused commands, and the throughput
// of long reads.
#include <catch2/catch.hpp>

#include <random>

#include "../support/test_seed.h"
#include "dma_cmds.h"
#include "dma_rd_harness.h"

namespace {

using tcpoe::sim::AxiMemory;
using tcpoe::sim::DmaParams;
using tcpoe::sim::DmaRdReport;
using tcpoe::sim::DmaRdRun;
using tcpoe::sim::DmaReadCmd;

using tcpoe::test::kPage;

bool refused(const DmaParams& p, const DmaReadCmd& c) { return !tcpoe::sim::dma_read_ok(p, c.len); }

// Whether the beats a command reads touch [begin, end).
bool touches(const DmaParams& p, const DmaReadCmd& c, uint64_t begin, uint64_t end) {
  const uint64_t bytes = p.data_width / 8;
  const uint64_t read_begin = c.addr / bytes * bytes;
  const uint64_t read_end = (c.addr + c.len + bytes - 1) / bytes * bytes;
  return read_begin < end && begin < read_end;
}

// The run finished without breaking a rule; every command has its status, in
// order, with the expected error bit; every command not refused has its
// packet, in order, equal to the memory octet for octet.
void check_run(const DmaParams& p, const AxiMemory& mem, const std::vector<DmaReadCmd>& cmds,
               const DmaRdReport& r, const std::vector<bool>& expect_error) {
  REQUIRE(r.failure.empty());
  for (const auto& v : r.violations) FAIL_CHECK(v);
  REQUIRE(r.statuses.size() == cmds.size());
  size_t packet = 0;
  for (size_t i = 0; i < cmds.size(); ++i) {
    INFO("command " << i << " addr 0x" << std::hex << cmds[i].addr << std::dec << " len "
                    << cmds[i].len);
    CHECK(r.statuses[i].tag == cmds[i].tag);
    CHECK(r.statuses[i].error == expect_error[i]);
    if (refused(p, cmds[i])) continue;
    REQUIRE(packet < r.packets.size());
    const auto& pk = r.packets[packet++];
    CHECK(pk.tag == cmds[i].tag);
    REQUIRE(pk.data.size() == cmds[i].len);
    size_t wrong = 0;
    for (uint32_t k = 0; k < cmds[i].len; ++k) wrong += pk.data[k] != mem.read(cmds[i].addr + k);
    CHECK(wrong == 0);
  }
  CHECK(packet == r.packets.size());
}

// Random ranges, every other one moved by a random octet offset into its beat.
std::vector<DmaReadCmd> random_cmds(const DmaParams& p, std::mt19937_64& rng, int n) {
  std::vector<DmaReadCmd> cmds;
  for (const auto& r : tcpoe::test::random_dma_ranges(p, rng, n)) {
    const uint64_t offset = cmds.size() % 2 ? rng() % uint64_t(p.data_width / 8) : 0;
    cmds.push_back({r.addr + offset, r.len, uint8_t(cmds.size())});
  }
  return cmds;
}

}  // namespace

TEST_CASE("random reads, random slave stalls and latencies, client back-pressure: "
          "every octet as in memory",
          "[device][dma]") {
  for (int w : {64, 512}) {
    const auto& p = tcpoe::sim::dma_params(w);
    for (uint32_t seed : {1u, 2u, 3u}) {
      INFO("DATA_W " << w << " seed " << seed);
      std::mt19937_64 rng(tcpoe::test::test_seed(seed));
      AxiMemory mem;
      const auto cmds = random_cmds(p, rng, 40);
      for (const auto& c : cmds)  // some octets written, the rest the memory's pattern
        for (uint32_t k = 0; k < c.len; k += 97) mem.write(c.addr + k, uint8_t(rng()));
      DmaRdRun run;
      run.slave.seed = uint32_t(rng());
      run.slave.latency_min = 1;
      run.slave.latency_max = 60;
      run.slave.arready_prob = 0.6;
      run.slave.rvalid_prob = 0.7;
      run.cmd_valid_prob = 0.5;
      run.tready_prob = 0.7;
      run.sts_ready_prob = 0.6;
      const auto r = tcpoe::sim::run_dma_rd(w, mem, cmds, run);
      check_run(p, mem, cmds, r, std::vector<bool>(cmds.size(), false));
      CHECK(r.max_outstanding >= 2);  // several reads in flight at some point
    }
  }
}

TEST_CASE("a stalled client stops the engine without losing a beat", "[device][dma]") {
  for (int w : {64, 512}) {
    INFO("DATA_W " << w);
    const auto& p = tcpoe::sim::dma_params(w);
    std::mt19937_64 rng(tcpoe::test::test_seed(11));
    AxiMemory mem;
    const auto cmds = random_cmds(p, rng, 12);
    DmaRdRun run;
    run.tready_prob = 0.05;
    run.sts_ready_prob = 0.05;
    const auto r = tcpoe::sim::run_dma_rd(w, mem, cmds, run);
    check_run(p, mem, cmds, r, std::vector<bool>(cmds.size(), false));
  }
}

TEST_CASE("bursts split at 4 KB and at MAX_BURST, at most OUTSTANDING in flight",
          "[device][dma]") {
  for (int w : {64, 512}) {
    INFO("DATA_W " << w);
    const auto& p = tcpoe::sim::dma_params(w);
    const uint64_t bytes = p.data_width / 8;
    AxiMemory mem;
    // One maximal read from a page start, one that starts a beat before a boundary.
    std::vector<DmaReadCmd> cmds{{0x2000'0000, uint32_t(p.max_len), 1},
                                 {0x3000'1000 - bytes, uint32_t(p.max_len), 2}};
    DmaRdRun run;
    run.slave.latency_min = run.slave.latency_max = 200;  // everything asked for before any answer
    const auto r = tcpoe::sim::run_dma_rd(w, mem, cmds, run);
    check_run(p, mem, cmds, r, {false, false});
    // The fewest bursts the rules allow.
    CHECK(r.bursts == tcpoe::test::min_dma_bursts(p, cmds[0].addr, cmds[0].len) +
                          tcpoe::test::min_dma_bursts(p, cmds[1].addr, cmds[1].len));
    CHECK(r.max_outstanding == p.outstanding);  // the limit reached, never passed (checker)
  }
}

TEST_CASE("an error response makes the command's status an error, its data still comes",
          "[device][dma]") {
  for (int w : {64, 512}) {
    INFO("DATA_W " << w);
    const auto& p = tcpoe::sim::dma_params(w);
    std::mt19937_64 rng(tcpoe::test::test_seed(5));
    AxiMemory mem;
    auto cmds = random_cmds(p, rng, 30);
    // Error ranges inside some commands' reads: an octet in the middle of one
    // (SLVERR), the last octet read of another (DECERR).
    mem.add_error_range({cmds[3].addr + cmds[3].len / 2, cmds[3].addr + cmds[3].len / 2 + 1,
                         tcpoe::sim::kAxiSlvErr});
    mem.add_error_range({cmds[17].addr + cmds[17].len - 1, cmds[17].addr + cmds[17].len,
                         tcpoe::sim::kAxiDecErr});
    std::vector<bool> expect(cmds.size());
    for (size_t i = 0; i < cmds.size(); ++i) {
      expect[i] = touches(p, cmds[i], cmds[3].addr + cmds[3].len / 2, cmds[3].addr + cmds[3].len / 2 + 1) ||
                  touches(p, cmds[i], cmds[17].addr + cmds[17].len - 1, cmds[17].addr + cmds[17].len);
    }
    REQUIRE(expect[3]);
    REQUIRE(expect[17]);
    DmaRdRun run;
    run.slave.rvalid_prob = 0.8;
    run.tready_prob = 0.8;
    const auto r = tcpoe::sim::run_dma_rd(w, mem, cmds, run);
    check_run(p, mem, cmds, r, expect);
    size_t errors = 0;
    for (const auto& s : r.statuses) errors += s.error;
    CHECK(errors < cmds.size() / 2);  // the others are fine
  }
}

TEST_CASE("reads from any octet address: every offset in a beat, lengths from 1, across 4 KB, "
          "each octet in its memory lane",
          "[device][dma]") {
  for (int w : {64, 512}) {
    INFO("DATA_W " << w);
    const auto& p = tcpoe::sim::dma_params(w);
    const uint32_t bytes = uint32_t(p.data_width / 8);
    std::mt19937_64 rng(tcpoe::test::test_seed(23));
    AxiMemory mem;
    std::vector<DmaReadCmd> cmds;
    const uint32_t lens[] = {1, 2, bytes - 1, bytes, bytes + 1, 3 * bytes + 5, 700};
    for (uint32_t offset = 0; offset < bytes; ++offset)
      for (uint32_t len : lens) {
        // Every other one ends past a 4 KB boundary: it starts just before one.
        const uint64_t page = 0x7000'0000 + uint64_t(cmds.size()) * 2 * kPage;
        const uint64_t addr = cmds.size() % 2 ? page + kPage - bytes * (1 + len / (2 * bytes)) + offset
                                              : page + 5 * bytes + offset;
        cmds.push_back({addr, len, uint8_t(cmds.size())});
      }
    size_t crossing = 0;
    for (const auto& c : cmds) crossing += c.addr / kPage != (c.addr + c.len - 1) / kPage;
    REQUIRE(crossing > cmds.size() / 4);
    DmaRdRun run;
    run.slave.seed = uint32_t(rng());
    run.slave.latency_max = 30;
    run.slave.rvalid_prob = 0.8;
    run.tready_prob = 0.7;
    const auto r = tcpoe::sim::run_dma_rd(w, mem, cmds, run);
    check_run(p, mem, cmds, r, std::vector<bool>(cmds.size(), false));
  }
}

TEST_CASE("empty and too long commands are refused without touching AXI", "[device][dma]") {
  for (int w : {64, 512}) {
    INFO("DATA_W " << w);
    const auto& p = tcpoe::sim::dma_params(w);
    const uint64_t bytes = p.data_width / 8;
    AxiMemory mem;
    std::vector<DmaReadCmd> cmds{
        {0x1000, 100, 1},
        {0x1001, 0, 2},                            // empty, unaligned
        {0x2000 + bytes / 2, 8, 3},                // half a beat in: read
        {0x3000, 0, 4},                            // empty
        {0x4000, uint32_t(p.max_len) + 1, 5},      // too long
        {0x5003, uint32_t(p.max_len) + 1, 6},      // too long, unaligned
        {0x6000 - 4, 4, 7},                        // unaligned, up to a boundary: read
        {0x6000 - bytes, 1, 8},
    };
    std::vector<bool> expect;
    for (const auto& c : cmds) expect.push_back(refused(p, c));
    for (bool sts_stall : {false, true}) {
      DmaRdRun run;
      run.sts_ready_prob = sts_stall ? 0.2 : 1.0;
      const auto r = tcpoe::sim::run_dma_rd(w, mem, cmds, run);
      // The checker takes any burst outside the accepted commands' reads as a violation.
      check_run(p, mem, cmds, r, expect);
      CHECK(r.packets.size() == 4);
    }
  }
}

TEST_CASE("long reads run at one beat per clock once the first data comes", "[device][dma]") {
  for (int w : {64, 512}) {
    INFO("DATA_W " << w);
    const auto& p = tcpoe::sim::dma_params(w);
    AxiMemory mem;
    std::vector<DmaReadCmd> cmds;
    for (int i = 0; i < 8; ++i)
      cmds.push_back({0x4000'0000 + uint64_t(i) * 3 * kPage, uint32_t(p.max_len), uint8_t(i)});
    DmaRdRun run;
    run.slave.latency_min = run.slave.latency_max = 20;  // no stalls, a fixed latency
    const auto r = tcpoe::sim::run_dma_rd(w, mem, cmds, run);
    check_run(p, mem, cmds, r, std::vector<bool>(cmds.size(), false));
    const double ratio = double(r.beats) / double(r.last_beat - r.first_beat + 1);
    INFO(r.beats << " beats in " << (r.last_beat - r.first_beat + 1) << " cycles");
    CHECK(ratio >= 0.95);
  }
}

TEST_CASE("a width the engine is not verilated at is a clear failure", "[device][dma]") {
  AxiMemory mem;
  const auto r = tcpoe::sim::run_dma_rd(128, mem, {{0, 8, 0}});
  CHECK(r.failure.find("64 and 512") != std::string::npos);
  CHECK_THROWS_AS(tcpoe::sim::dma_params(128), std::invalid_argument);
}

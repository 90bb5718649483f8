// The DMA engine's AXI4 write master (rtl/tcpoe_dma_wr.sv) at DATA_W 64 and
// 512 against the AXI4 slave memory of sim/device/axi_slave.h: the memory
// afterwards compared octet for octet with what the commands should have
// written (and nothing around them), statuses, the AXI rules (WLAST, WSTRB,
// 4 KB, MAX_BURST, OUTSTANDING) checked on every cycle, slave stalls and
// latencies, client gaps, error responses, refused commands, packets that do
// not fit their length, and the throughput of long writes.
#include <catch2/catch.hpp>

#include <random>

#include "../support/test_seed.h"
#include "dma_cmds.h"
#include "dma_wr_harness.h"

namespace {

using tcpoe::sim::AxiMemory;
using tcpoe::sim::DmaParams;
using tcpoe::sim::DmaWrReport;
using tcpoe::sim::DmaWrRun;
using tcpoe::sim::DmaWriteCmd;
using tcpoe::test::kPage;

bool refused(const DmaParams& p, const DmaWriteCmd& c) {
  return !tcpoe::sim::dma_cmd_ok(p, c.addr, c.len);
}

std::vector<DmaWriteCmd> random_cmds(const DmaParams& p, std::mt19937_64& rng, int n) {
  std::vector<DmaWriteCmd> cmds;
  for (const auto& r : tcpoe::test::random_dma_ranges(p, rng, n)) {
    DmaWriteCmd c{r.addr, r.len, uint8_t(cmds.size()), std::vector<uint8_t>(r.len)};
    for (auto& b : c.data) b = uint8_t(rng());
    cmds.push_back(std::move(c));
  }
  return cmds;
}

// The run finished without breaking a rule, with the expected statuses in
// order; the memory holds each accepted command's packet (later commands
// over earlier ones) and, a beat either side, what it held before.
void check_run(const DmaParams& p, const AxiMemory& before, const AxiMemory& after,
               const std::vector<DmaWriteCmd>& cmds, const DmaWrReport& r,
               const std::vector<bool>& expect_error) {
  REQUIRE(r.failure.empty());
  for (const auto& v : r.violations) FAIL_CHECK(v);
  REQUIRE(r.statuses.size() == cmds.size());
  AxiMemory want = before;
  for (size_t i = 0; i < cmds.size(); ++i) {
    INFO("command " << i << " addr 0x" << std::hex << cmds[i].addr << std::dec << " len "
                    << cmds[i].len);
    CHECK(r.statuses[i].tag == cmds[i].tag);
    CHECK(r.statuses[i].error == expect_error[i]);
    if (refused(p, cmds[i])) continue;
    for (uint32_t k = 0; k < cmds[i].len; ++k)
      want.write(cmds[i].addr + k, k < cmds[i].data.size() ? cmds[i].data[k] : 0);
  }
  const uint64_t bytes = p.data_width / 8;
  size_t wrong = 0;
  for (const auto& c : cmds)
    for (uint64_t a = c.addr - bytes; a < c.addr + c.len + bytes; ++a) wrong += want.read(a) != after.read(a);
  CHECK(wrong == 0);
}

}  // namespace

TEST_CASE("random writes, random slave stalls and latencies, client gaps: memory as written",
          "[device][dma]") {
  for (int w : {64, 512}) {
    const auto& p = tcpoe::sim::dma_params(w);
    for (uint32_t seed : {1u, 2u, 3u}) {
      INFO("DATA_W " << w << " seed " << seed);
      std::mt19937_64 rng(tcpoe::test::test_seed(seed));
      const auto cmds = random_cmds(p, rng, 40);
      const AxiMemory before;
      AxiMemory mem = before;
      DmaWrRun run;
      run.slave.seed = uint32_t(rng());
      run.slave.latency_min = 0;
      run.slave.latency_max = 40;
      run.slave.arready_prob = 0.6;
      run.slave.rvalid_prob = 0.7;  // WREADY and BVALID
      run.cmd_valid_prob = 0.5;
      run.tvalid_prob = 0.7;
      run.sts_ready_prob = 0.6;
      const auto r = tcpoe::sim::run_dma_wr(w, mem, cmds, run);
      check_run(p, before, mem, cmds, r, std::vector<bool>(cmds.size(), false));
      CHECK(r.max_outstanding >= 2);
    }
  }
}

TEST_CASE("write bursts split at 4 KB and at MAX_BURST, at most OUTSTANDING in flight",
          "[device][dma]") {
  for (int w : {64, 512}) {
    INFO("DATA_W " << w);
    const auto& p = tcpoe::sim::dma_params(w);
    const uint64_t bytes = p.data_width / 8;
    std::mt19937_64 rng(tcpoe::test::test_seed(3));
    std::vector<DmaWriteCmd> cmds{{0x2000'0000, uint32_t(p.max_len), 1, {}},
                                  {0x3000'1000 - bytes, uint32_t(p.max_len), 2, {}}};
    for (auto& c : cmds) {
      c.data.resize(c.len);
      for (auto& b : c.data) b = uint8_t(rng());
    }
    const AxiMemory before;
    AxiMemory mem;
    DmaWrRun run;
    run.slave.latency_min = run.slave.latency_max = 200;  // every burst sent before any answer
    const auto r = tcpoe::sim::run_dma_wr(w, mem, cmds, run);
    check_run(p, before, mem, cmds, r, {false, false});
    CHECK(r.bursts == tcpoe::test::min_dma_bursts(p, cmds[0].addr, cmds[0].len) +
                          tcpoe::test::min_dma_bursts(p, cmds[1].addr, cmds[1].len));
    CHECK(r.max_outstanding == p.outstanding);
  }
}

TEST_CASE("an error response makes the write's status an error", "[device][dma]") {
  for (int w : {64, 512}) {
    INFO("DATA_W " << w);
    const auto& p = tcpoe::sim::dma_params(w);
    std::mt19937_64 rng(tcpoe::test::test_seed(8));
    auto cmds = random_cmds(p, rng, 30);
    AxiMemory mem;
    const uint64_t bad = cmds[4].addr + cmds[4].len / 2;
    mem.add_error_range({bad, bad + 1, tcpoe::sim::kAxiSlvErr});
    const AxiMemory before = mem;
    std::vector<bool> expect;
    const uint64_t bytes = p.data_width / 8;
    for (const auto& c : cmds)  // the beats a command writes (whole beats, strobed)
      expect.push_back(c.addr <= bad && bad < c.addr + (c.len + bytes - 1) / bytes * bytes);
    REQUIRE(expect[4]);
    DmaWrRun run;
    run.slave.rvalid_prob = 0.8;
    const auto r = tcpoe::sim::run_dma_wr(w, mem, cmds, run);
    check_run(p, before, mem, cmds, r, expect);
  }
}

TEST_CASE("refused writes and packets that do not fit their length", "[device][dma]") {
  for (int w : {64, 512}) {
    INFO("DATA_W " << w);
    const auto& p = tcpoe::sim::dma_params(w);
    const uint64_t bytes = p.data_width / 8;
    auto packet = [](size_t n) { return std::vector<uint8_t>(n, uint8_t(n * 7 + 1)); };
    std::vector<DmaWriteCmd> cmds{
        {0x1000, 100, 1, packet(100)},
        {0x1001, 100, 2, packet(100)},                                 // unaligned
        {0x2000 + bytes / 2, 8, 3, packet(8)},                         // by half a beat
        {0x3000, 0, 4, {}},                                            // empty: one empty beat
        {0x4000, uint32_t(p.max_len) + 1, 5, packet(p.max_len + 1)},   // too long
        {0x5000, uint32_t(p.max_len), 6, packet(p.max_len)},
        {0x8000, 3 * uint32_t(bytes), 7, packet(3 * bytes - 1)},       // an octet short: tkeep
        {0x9000 - bytes, 1, 8, packet(1)},
    };
    std::vector<bool> expect;
    for (const auto& c : cmds) expect.push_back(refused(p, c) || c.data.size() != c.len);
    for (bool sts_stall : {false, true}) {
      const AxiMemory before;
      AxiMemory mem;
      DmaWrRun run;
      run.sts_ready_prob = sts_stall ? 0.2 : 1.0;
      run.tvalid_prob = 0.7;
      const auto r = tcpoe::sim::run_dma_wr(w, mem, cmds, run);
      // The short packet's command writes its length's octets, the missing one
      // not strobed: the checker and the memory comparison see what it wrote.
      auto shown = cmds;
      shown[6].data.push_back(before.read(cmds[6].addr + cmds[6].len - 1));
      check_run(p, before, mem, shown, r, expect);
    }
  }
}

TEST_CASE("long writes run at one beat per clock", "[device][dma]") {
  for (int w : {64, 512}) {
    INFO("DATA_W " << w);
    const auto& p = tcpoe::sim::dma_params(w);
    std::vector<DmaWriteCmd> cmds;
    for (int i = 0; i < 8; ++i)
      cmds.push_back({0x4000'0000 + uint64_t(i) * 3 * kPage, uint32_t(p.max_len), uint8_t(i),
                      std::vector<uint8_t>(p.max_len, uint8_t(i))});
    const AxiMemory before;
    AxiMemory mem;
    DmaWrRun run;
    run.slave.latency_min = run.slave.latency_max = 20;
    const auto r = tcpoe::sim::run_dma_wr(w, mem, cmds, run);
    check_run(p, before, mem, cmds, r, std::vector<bool>(cmds.size(), false));
    const double ratio = double(r.beats) / double(r.last_beat - r.first_beat + 1);
    INFO(r.beats << " W beats in " << (r.last_beat - r.first_beat + 1) << " cycles");
    CHECK(ratio >= 0.95);
  }
}

// Random DMA commands for the read and write masters' tests.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "dma_harness.h"

namespace tcpoe::test {

struct DmaRange {
  uint64_t addr;
  uint32_t len;
};

constexpr uint64_t kPage = 4096;

// Lengths 1..MAX_LEN (a third of them at most two beats), addresses aligned,
// a third of them at most a few beats before a 4 KB boundary, a third at most
// a few after one.
inline std::vector<DmaRange> random_dma_ranges(const tcpoe::sim::DmaParams& p, std::mt19937_64& rng,
                                               int n) {
  const uint64_t bytes = p.data_width / 8;
  std::vector<DmaRange> out;
  for (int i = 0; i < n; ++i) {
    DmaRange r{};
    const uint64_t page = 0x1'0000'0000ull / kPage + rng() % 4096;
    switch (rng() % 3) {
      case 0: r.addr = page * kPage - bytes * (rng() % 4); break;
      case 1: r.addr = page * kPage + bytes * (rng() % 4); break;
      default: r.addr = page * kPage + bytes * (rng() % (kPage / bytes)); break;
    }
    r.len = rng() % 3 == 0 ? 1 + uint32_t(rng() % (2 * bytes)) : 1 + uint32_t(rng() % uint64_t(p.max_len));
    out.push_back(r);
  }
  return out;
}

// The fewest bursts the AXI rules allow for [addr, addr + len): per 4 KB
// page, its beats over MAX_BURST, rounded up.
inline uint64_t min_dma_bursts(const tcpoe::sim::DmaParams& p, uint64_t addr, uint64_t len) {
  const uint64_t bytes = p.data_width / 8;
  uint64_t n = 0;
  for (uint64_t a = addr, end = addr + (len + bytes - 1) / bytes * bytes; a < end;) {
    const uint64_t page_end = std::min(end, (a / kPage + 1) * kPage);
    n += ((page_end - a) / bytes + p.max_burst - 1) / p.max_burst;
    a = page_end;
  }
  return n;
}

}  // namespace tcpoe::test

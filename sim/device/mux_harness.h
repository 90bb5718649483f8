// The device's AXI mux (rtl/tcpoe_axi_mux.sv, 2 read and 3 write masters at
// DATA_W 64) and MSI-X writer (rtl/tcpoe_msix_writer.sv, 2 vectors at DATA_W
// 64 and 512), verilated alone. The mux's masters are played by C++: each
// offers its bursts in order with random valid gaps (W beats independently of
// their AW, as AXI allows) and takes R and B with random ready gaps; behind
// the mux, AxiMemory with its slaves and rule checkers (axi_slave.h). The
// harness checks, every cycle, what only it can see: the ID prefix is the
// granted master's index, the W beats follow the AW grants, and no master
// waiting for the address channel is passed over more than N-1 times.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "axi_slave.h"

namespace tcpoe::sim {

// The mux as verilated (sim/device/CMakeLists.txt).
constexpr int kMuxDataW = 64, kMuxIdW = 4, kMuxReadMasters = 2, kMuxWriteMasters = 3;

struct MuxBurst {
  uint32_t id = 0;    // the master's ID, kMuxIdW bits
  uint64_t addr = 0;  // aligned to the beat
  uint32_t beats = 1; // 1..256, within a 4 KB page
};

// The octet write master `m` writes at `addr`.
inline uint8_t mux_write_octet(int m, uint64_t addr) {
  return uint8_t((addr * 131) ^ (addr >> 8) ^ uint64_t(0x5a + 37 * m));
}

struct MuxRun {
  AxiSlaveTiming slave;
  double valid_prob = 0.7;  // a master offers AR/AW/W in a cycle
  double ready_prob = 0.7;  // a master takes R/B in a cycle
  uint64_t max_cycles = 200000;
};

struct MuxRBeat {
  uint32_t id = 0;
  std::vector<uint8_t> data;
  uint8_t resp = 0;
  bool last = false;
};

struct MuxReport {
  std::string failure;                  // the run could not finish
  std::vector<std::string> violations;  // AXI rules and the mux's own
  std::vector<std::vector<MuxRBeat>> r;  // per read master, in arrival order
  std::vector<std::vector<std::pair<uint32_t, uint8_t>>> b;  // per write master: (BID, BRESP)
  uint64_t cycles = 0;
};

// reads[m], writes[m]: master m's bursts, in its order.
MuxReport run_axi_mux(AxiMemory& mem, const std::vector<std::vector<MuxBurst>>& reads,
                      const std::vector<std::vector<MuxBurst>>& writes, const MuxRun& run);

// The MSI-X writer: messages[v] are vector v's (address, data), each offered
// until taken; `stop_from`: the cycle from which `stop` is high (0: never).
struct MsixRun {
  AxiSlaveTiming slave;
  double valid_prob = 0.5;
  uint64_t stop_from = 0;
  uint64_t max_cycles = 20000;
};

struct MsixReport {
  std::string failure;
  std::vector<std::string> violations;
  std::vector<std::vector<uint64_t>> taken_cycle;  // per vector: the cycle each message was taken
  std::vector<uint64_t> error_addr;                 // dma_err pulses (address), in order
  std::vector<uint64_t> beat_addr;                  // the W beats' aligned addresses, in order
  bool idle_at_end = false;
  uint64_t cycles = 0;
};

MsixReport run_msix_writer(int data_width, AxiMemory& mem,
                           const std::vector<std::vector<std::pair<uint64_t, uint32_t>>>& messages,
                           const MsixRun& run);

}  // namespace tcpoe::sim

// rtl/tcpoe_dma_wr.sv, verilated at DATA_W 64 and 512, against the AXI4
// slave memory of axi_slave.h: a list of commands and their packets in,
// clock by clock, with random gaps on the command, packet and status
// handshakes; out come the statuses and every rule the engine broke (AXI,
// WLAST, WSTRB, status handshake). What it wrote is in the memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "axi_slave.h"
#include "dma_harness.h"

namespace tcpoe::sim {

struct DmaWriteCmd {
  uint64_t addr = 0;
  uint32_t len = 0;
  uint8_t tag = 0;
  std::vector<uint8_t> data;  // its packet on s_axis (normally len octets; none: one empty beat)
};

struct DmaWrRun {
  AxiSlaveTiming slave;
  double cmd_valid_prob = 1.0;   // the client offers its next command
  double tvalid_prob = 1.0;      // the client offers its next beat
  double sts_ready_prob = 1.0;   // the client takes a status
  uint64_t max_cycles = 2'000'000;
};

struct DmaWrReport {
  std::string failure;  // the run could not finish (timeout, bad width)
  std::vector<DmaStatus> statuses;
  std::vector<std::string> violations;
  uint64_t cycles = 0;
  uint64_t beats = 0;                      // W handshakes
  uint64_t first_beat = 0, last_beat = 0;  // their cycles
  uint64_t bursts = 0;
  int max_outstanding = 0;
};

// Runs the commands to their last status on the engine verilated at
// data_width (64 or 512), writing into `mem`.
DmaWrReport run_dma_wr(int data_width, AxiMemory& mem, const std::vector<DmaWriteCmd>& cmds,
                       const DmaWrRun& run = {});

}  // namespace tcpoe::sim

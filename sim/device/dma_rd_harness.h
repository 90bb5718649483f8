// rtl/tcpoe_dma_rd.sv, verilated at DATA_W 64 and 512, against the AXI4
// slave memory of axi_slave.h: a list of commands in, clock by clock, with
// random gaps on the command, output stream and status handshakes; out come
// the packets and statuses the engine produced and every rule it broke (AXI,
// AXI4-Stream, tkeep, status handshake).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "axi_slave.h"
#include "dma_harness.h"

namespace tcpoe::sim {

struct DmaReadCmd {
  uint64_t addr = 0;
  uint32_t len = 0;
  uint8_t tag = 0;
};

struct DmaRdRun {
  AxiSlaveTiming slave;
  double cmd_valid_prob = 1.0;  // the client offers its next command
  double tready_prob = 1.0;     // the client takes a beat
  double sts_ready_prob = 1.0;  // the client takes a status
  uint64_t max_cycles = 2'000'000;
};

struct DmaPacket {
  uint8_t tag = 0;
  std::vector<uint8_t> data;
};

struct DmaRdReport {
  std::string failure;  // the run could not finish (timeout, bad width)
  std::vector<DmaPacket> packets;
  std::vector<DmaStatus> statuses;
  std::vector<std::string> violations;  // AXI, stream and status rules broken
  uint64_t cycles = 0;
  uint64_t beats = 0;                    // m_axis handshakes
  uint64_t first_beat = 0, last_beat = 0;  // their cycles
  uint64_t bursts = 0;
  int max_outstanding = 0;
};

// Runs the commands to their last status on the engine verilated at
// data_width (64 or 512), reading `mem`.
DmaRdReport run_dma_rd(int data_width, const AxiMemory& mem, const std::vector<DmaReadCmd>& cmds,
                       const DmaRdRun& run = {});

}  // namespace tcpoe::sim

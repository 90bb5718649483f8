// rtl/tcpoe_rx_engine.sv, verilated at DATA_W 64, 128, 256 and 512, stepped clock by
// clock by a test: frames offered on s_axis_rx by a MAC source (random tvalid
// gaps), the RXB and RXC ring configurations and `enable` driven as the test
// sets them (no register file: the ring_cfg_t vectors directly), `now` = the
// cycle count, and host memory behind the AXI4 read and write slaves of
// axi_slave.h (random latencies and ready/valid gaps), with their rule
// checkers fed with the engine's own DMA commands. Collected: the counter and
// event pulses, the DMA error reports, every octet range written, the DMA
// commands, and every rule broken.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "axi_slave.h"
#include "axis.h"
#include "dev_structs.h"

namespace tcpoe::sim {

// The parameters each width is verilated with (sim/device/CMakeLists.txt).
struct RxEngineParams {
  int data_width, max_frame, store_frames, fetch_batch, max_burst, outstanding;
};
constexpr RxEngineParams kRxEngine64{64, 2182, 2, 8, 64, 8};
constexpr RxEngineParams kRxEngine128{128, 2182, 2, 8, 64, 8};
constexpr RxEngineParams kRxEngine256{256, 2182, 2, 8, 64, 8};
constexpr RxEngineParams kRxEngine512{512, 2182, 2, 8, 16, 4};

struct RxEngineRun {
  AxiSlaveTiming read_slave, write_slave;
  double tvalid_prob = 1.0;  // the MAC offers its next beat
  uint64_t seed = 1;
};

// The one-cycle pulses, summed.
struct RxCounters {
  uint64_t frames_rx = 0, ip_csum_bad = 0, tcp_csum_bad = 0, malformed = 0;
  uint64_t malformed_code[9] = {};  // [c-1]: Malformed code c
  uint64_t drop_no_buffer = 0, drop_too_long = 0, completions = 0, compl_events = 0;
};

struct RxDmaError {
  uint64_t cycle = 0, addr = 0;
  bool write = false;
  uint8_t source = 0;  // tcpoe::wire DmaSource
};

struct RxDmaCmd {
  uint64_t cycle = 0, addr = 0;
  uint32_t len = 0;
};

class RxEngineSim {
 public:
  virtual ~RxEngineSim() = default;

  // Applied to the engine's inputs every cycle.
  RingCfg rxb, rxc;
  bool enable = true;

  // Queues a frame for s_axis_rx (copied); frames go out in order.
  virtual void send(const Octets& frame) = 0;
  // One clock cycle.
  virtual void step() = 0;
  // Holds rst for a few cycles. The AXI slaves must have nothing outstanding
  // and the MAC no frame half sent (else a violation is recorded).
  virtual void reset() = 0;

  // Steps until `done` holds (checked before each cycle); false after
  // `max_cycles` cycles without it.
  bool run_until(const std::function<bool()>& done, uint64_t max_cycles);
  void run(uint64_t cycles) {
    for (uint64_t i = 0; i < cycles; ++i) step();
  }

  virtual const RxEngineParams& params() const = 0;
  virtual uint16_t rxb_cons() const = 0;
  virtual uint16_t rxc_prod() const = 0;
  virtual bool idle() const = 0;
  uint64_t cycle() const { return cycle_; }
  // Frames whose last beat the engine took, and the cycle of each (the `now` it saw).
  const std::vector<uint64_t>& frame_last_cycles() const { return frame_last_; }
  size_t frames_queued() const { return queued_; }
  uint64_t tready_low_cycles() const { return tready_low_; }  // tvalid && !tready
  const RxCounters& counters() const { return counters_; }
  const std::vector<RxDmaError>& dma_errors() const { return dma_errors_; }
  const std::vector<RxDmaCmd>& read_cmds() const { return read_cmds_; }
  const std::vector<RxDmaCmd>& write_cmds() const { return write_cmds_; }
  // Every strobed octet range written: [first, second).
  const std::vector<std::pair<uint64_t, uint64_t>>& writes() const { return writes_; }
  // Rules broken: AXI (both checkers), the harness's own, RTL assertions.
  virtual std::vector<std::string> violations() const = 0;

 protected:
  uint64_t cycle_ = 0;
  size_t queued_ = 0;
  uint64_t tready_low_ = 0;
  std::vector<uint64_t> frame_last_;
  RxCounters counters_;
  std::vector<RxDmaError> dma_errors_;
  std::vector<RxDmaCmd> read_cmds_, write_cmds_;
  std::vector<std::pair<uint64_t, uint64_t>> writes_;
};

// The engine verilated at data_width (64, 128, 256 or 512) on `mem`; throws
// std::invalid_argument for another width.
std::unique_ptr<RxEngineSim> make_rx_engine(int data_width, AxiMemory& mem, const RxEngineRun& run = {});

}  // namespace tcpoe::sim

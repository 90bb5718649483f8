// rtl/tcpoe_top.sv, verilated at DATA_W 64 and 512, in a host of C++: an
// AXI4-Lite master on BAR0 (MMIO reads and writes of 32-bit registers, with
// their response codes), host memory behind AXI4 slaves on m_axi (AxiMemory,
// AxiReadSlave, AxiWriteSlave, sim/device/axi_slave.h) with the AXI rule
// checkers watching every cycle, the MAC's streams (a frame source on
// s_axis_rx, a sink with back-pressure on m_axis_tx), and the MSI-X messages
// recorded as the writes to their addresses they are.
//
// The device is reached the way a driver reaches it: registers and host
// memory. bring_up() sets the rings and interrupts up through registers only.
//
// Two devices back to back: link(a, b) feeds a's m_axis_tx into b's
// s_axis_rx (and b's into a's), with random gaps on the wire; from then on
// clocking either clocks both, in step.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "axi_slave.h"
#include "regfile_harness.h"  // AxiResp, ReadResult

namespace tcpoe::sim {

using Octets = std::vector<uint8_t>;

struct TopOptions {
  AxiSlaveTiming host;           // host memory's latency and ready/valid gaps
  double mac_tx_ready = 1.0;     // m_axis_tx TREADY probability per cycle (the MAC's pace)
  double mac_rx_valid = 1.0;     // s_axis_rx TVALID probability per beat (frames queued)
  uint64_t seed = 1;             // the MAC streams' random choices
  std::string fst_path;          // a waveform of the whole device, if not empty
};

// The parameters tcpoe_top is verilated with (sim/device/CMakeLists.txt).
struct TopParams {
  int data_width, max_payload, max_frame, dma_max_burst, dma_outstanding;
};
const TopParams& top_params(int data_width);  // throws for a width not built

// One ring as the driver sets it up.
struct RingSetup {
  uint64_t base = 0;
  uint8_t size_log2 = 4;
  uint64_t wb_addr = 0;  // 0: no index write-back
};

// One interrupt vector as the driver sets it up.
struct VectorSetup {
  uint32_t mod_count = 1, mod_time = 0;
  uint64_t msix_addr = 0;
  uint32_t msix_data = 0;
  bool masked = false;
};

// Everything bring_up() writes; ring order TXD, RXB, TXC, RXC (wire::dev::Ring).
struct BringUp {
  RingSetup rings[4];
  VectorSetup vectors[2];  // TXC, RXC
  uint32_t irq_enable = 0x3;
};

struct MsixMessage {
  uint64_t cycle = 0;  // of the W beat carrying it
  uint64_t addr = 0;
  uint32_t data = 0;   // the 4 octets, little-endian
};

class TopHarness {
 public:
  explicit TopHarness(int data_width, const TopOptions& options = {});
  ~TopHarness();
  TopHarness(const TopHarness&) = delete;
  TopHarness& operator=(const TopHarness&) = delete;

  const TopParams& params() const { return params_; }
  int bytes_per_beat() const { return params_.data_width / 8; }
  AxiMemory& memory() { return memory_; }
  void write_memory(uint64_t addr, const Octets& octets);
  Octets read_memory(uint64_t addr, size_t n) const;

  // BAR0: one AXI4-Lite write (AW and W together) or read, clocking the
  // device (and a linked peer) until its response; kHandshakeLimit cycles
  // without one throw std::runtime_error.
  AxiResp mmio_write(uint32_t offset, uint32_t value, uint8_t strobes = 0xf);
  ReadResult mmio_read(uint32_t offset);
  // mmio_write that throws unless the device answers OKAY.
  void write_reg(uint32_t offset, uint32_t value);
  uint32_t read_reg(uint32_t offset);
  static constexpr int kHandshakeLimit = 200;

  // Clocking (a linked peer clocks along).
  void clock(uint64_t cycles = 1);
  // Clocks until `done` is true (checked before each cycle); false after `limit` cycles.
  bool run_until(const std::function<bool()>& done, uint64_t limit);
  uint64_t cycle() const { return cycle_; }

  // The MAC. Frames queued for s_axis_rx (not while linked), the frames the
  // device took from s_axis_rx, and every frame it sent on m_axis_tx (taken
  // by the MAC sink, or by the peer while linked).
  void receive_frame(const Octets& frame);
  size_t rx_frames_taken() const { return rx_frames_taken_; }
  const std::vector<Octets>& tx_frames() const { return tx_frames_; }
  // a's m_axis_tx into b's s_axis_rx and b's into a's; each beat crosses the
  // wire in a cycle with probability `wire_pace` (a gap stalls both sides).
  static void link(TopHarness& a, TopHarness& b, double wire_pace = 1.0);

  // The driver's set-up, through registers only: each ring's base, size and
  // write-back address, then its enable; each vector's moderation and MSI-X
  // entry, IRQ_ENABLE, then CONTROL.ENABLE. Throws on a write not answered
  // OKAY. The MSI-X addresses are watched from then on.
  void bring_up(const BringUp& setup);
  // A doorbell: the host's index of a ring (PROD of TXD/RXB, CONS of TXC/RXC).
  void doorbell(int ring, uint16_t index);

  // MSI-X: writes covering a watched address's 4 octets, in order.
  void watch_msix(uint64_t addr);
  const std::vector<MsixMessage>& msix() const { return msix_; }

  // m_axi: the AXI rules broken so far (master side, both checkers), the
  // cycle of the last AR or AW VALID (0: none yet), and the requests made.
  std::vector<std::string> violations() const;
  uint64_t last_request_cycle() const { return last_request_cycle_; }
  uint64_t requests() const { return requests_; }

 private:
  struct Core;
  template <typename V, int kBytes>
  struct CoreImpl;
  struct Wire;  // what two linked devices share

  void step();  // one cycle of this device and its peer

  TopParams params_;
  AxiMemory memory_;
  std::unique_ptr<Core> core_;
  TopHarness* peer_ = nullptr;
  std::shared_ptr<Wire> wire_;
  uint64_t cycle_ = 0;
  std::vector<Octets> tx_frames_;
  size_t rx_frames_taken_ = 0;
  std::vector<uint64_t> msix_watch_;
  std::vector<MsixMessage> msix_;
  uint64_t last_request_cycle_ = 0, requests_ = 0;
};

}  // namespace tcpoe::sim

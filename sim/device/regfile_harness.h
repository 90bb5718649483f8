// rtl/tcpoe_regfile.sv, verilated, driven through its AXI4-Lite port as the
// PCIe model's MMIO will drive it, with the engines' side of it (their ring
// indices, DMA idle, counter pulses, interrupts fired, DMA errors) set by the
// caller. What the register file hands the engines is read back as structs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "dev_structs.h"

namespace tcpoe::sim {

// AXI4-Lite responses.
enum class AxiResp : uint8_t { kOkay = 0, kExOkay = 1, kSlvErr = 2, kDecErr = 3 };

struct ReadResult {
  uint32_t value = 0;
  AxiResp resp = AxiResp::kOkay;
};

class RegfileHarness {
 public:
  explicit RegfileHarness(const std::string& fst_path = "");
  ~RegfileHarness();
  RegfileHarness(const RegfileHarness&) = delete;
  RegfileHarness& operator=(const RegfileHarness&) = delete;

  static constexpr int kDataWidth = 64;   // the DATA_W it is verilated with
  static constexpr int kMaxFrame = 9018;  // the MAX_FRAME it is verilated with

  // One AXI4-Lite write (AW and W offered together) or read, to completion.
  // `strobes` are WSTRB. A handshake that does not complete within
  // kHandshakeLimit cycles throws std::runtime_error: never a hang.
  AxiResp write(uint32_t offset, uint32_t value, uint8_t strobes = 0xf);
  ReadResult read(uint32_t offset);
  static constexpr int kHandshakeLimit = 100;

  // The engines' side, applied from the next clock on.
  void set_dev_index(int ring, uint16_t index);
  void set_dma_idle(bool idle);
  // Pulses for one cycle each, then clocks once.
  void pulse_counters(uint32_t counter_mask);
  void pulse_irq_fired(uint8_t vector_mask);
  void pulse_dma_error(uint64_t addr, bool write, uint8_t source);
  void clock(int cycles = 1);

  // What the engines see now.
  RingCfg ring(int r);
  IrqCfg irq(int v);
  bool dev_enable();
  bool soft_reset_busy();
  bool soft_reset_done();
  uint64_t cycle() const { return cycle_; }

 private:
  struct Model;
  std::unique_ptr<Model> model_;
  uint64_t cycle_ = 0;
};

}  // namespace tcpoe::sim

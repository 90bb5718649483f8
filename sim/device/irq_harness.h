// rtl/tcpoe_irq_vector.sv, verilated: one interrupt vector's moderation,
// driven with a configuration, completion events and MSI-X write
// back-pressure, clock by clock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "dev_structs.h"

namespace tcpoe::sim {

class IrqVectorHarness {
 public:
  explicit IrqVectorHarness(const std::string& fst_path = "");
  ~IrqVectorHarness();
  IrqVectorHarness(const IrqVectorHarness&) = delete;
  IrqVectorHarness& operator=(const IrqVectorHarness&) = delete;

  void configure(const IrqCfg& cfg);
  // One clock with these inputs. Returns whether an MSI-X write was taken
  // (msix_valid && msix_ready) in it; the request's address and data as the
  // block showed them are in last_addr()/last_data().
  bool step(bool event, bool msix_ready = true);
  bool msix_valid();  // before the next step, with the current inputs
  uint64_t last_addr() const { return last_addr_; }
  uint32_t last_data() const { return last_data_; }

 private:
  struct Model;
  std::unique_ptr<Model> model_;
  uint64_t last_addr_ = 0;
  uint32_t last_data_ = 0;
};

}  // namespace tcpoe::sim

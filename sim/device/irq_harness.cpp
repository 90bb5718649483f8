#include "irq_harness.h"

#include "Vtcpoe_irq_vector.h"
#include <stdexcept>

#include "vl_clocked.h"

namespace tcpoe::sim {

struct IrqVectorHarness::Model {
  explicit Model(const std::string& fst) : top(fst) {}
  VlClocked<Vtcpoe_irq_vector> top;
};

IrqVectorHarness::IrqVectorHarness(const std::string& fst_path)
    : model_(std::make_unique<Model>(fst_path)) {
  auto& t = model_->top;
  t->event_valid = 0;
  t->msix_ready = 0;
  configure(IrqCfg{});
  t.reset();
  t.settle();
}

IrqVectorHarness::~IrqVectorHarness() = default;

void IrqVectorHarness::configure(const IrqCfg& cfg) {
  set_irq_cfg(model_->top->cfg, 0, cfg);
  model_->top.settle();
}

bool IrqVectorHarness::msix_valid() {
  model_->top.settle();
  return model_->top->msix_valid;
}

bool IrqVectorHarness::step(bool event, bool msix_ready) {
  auto& t = model_->top;
  t->event_valid = event;
  t->msix_ready = msix_ready;
  t.settle();
  const bool taken = t->msix_valid && msix_ready;
  if (t->msix_valid) {
    last_addr_ = t->msix_addr;
    last_data_ = t->msix_data;
  }
  if (taken != static_cast<bool>(t->fired)) throw std::logic_error("fired != valid && ready");
  t.rising_edge();
  t->event_valid = 0;
  t.settle();
  return taken;
}

}  // namespace tcpoe::sim

#include "regfile_harness.h"

#include <stdexcept>

#include "Vtcpoe_regfile.h"
#include "verilator_ports.h"
#include "vl_clocked.h"

namespace tcpoe::sim {


struct RegfileHarness::Model {
  explicit Model(const std::string& fst) : top(fst) {}
  VlClocked<Vtcpoe_regfile> top;
};

RegfileHarness::RegfileHarness(const std::string& fst_path)
    : model_(std::make_unique<Model>(fst_path)) {
  auto& t = model_->top;
  t->s_axil_awvalid = 0;
  t->s_axil_wvalid = 0;
  t->s_axil_bready = 1;
  t->s_axil_arvalid = 0;
  t->s_axil_rready = 1;
  t->ring_dev_idx = 0;
  t->dma_idle = 1;
  t->irq_fired = 0;
  t->cnt_inc = 0;
  t->dma_err_valid = 0;
  t->dma_err_addr = 0;
  t->dma_err_write = 0;
  t->dma_err_source = 0;
  t.reset();
  t.settle();
}

RegfileHarness::~RegfileHarness() = default;

void RegfileHarness::clock(int cycles) {
  for (int i = 0; i < cycles; ++i) {
    model_->top.settle();
    model_->top.rising_edge();
    ++cycle_;
  }
  model_->top.settle();
}

AxiResp RegfileHarness::write(uint32_t offset, uint32_t value, uint8_t strobes) {
  auto& t = model_->top;
  t->s_axil_awaddr = static_cast<uint16_t>(offset);
  t->s_axil_wdata = value;
  t->s_axil_wstrb = strobes & 0xf;
  t->s_axil_awvalid = 1;
  t->s_axil_wvalid = 1;
  int waited = 0;
  for (t.settle(); !(t->s_axil_awready && t->s_axil_wready); t.settle()) {
    if (++waited > kHandshakeLimit) throw std::runtime_error("AXI4-Lite write: no AWREADY/WREADY");
    t.rising_edge();
    ++cycle_;
  }
  t.rising_edge();
  ++cycle_;
  t->s_axil_awvalid = 0;
  t->s_axil_wvalid = 0;
  for (t.settle(); !t->s_axil_bvalid; t.settle()) {
    if (++waited > kHandshakeLimit) throw std::runtime_error("AXI4-Lite write: no BVALID");
    t.rising_edge();
    ++cycle_;
  }
  const auto resp = static_cast<AxiResp>(t->s_axil_bresp);
  clock();  // B taken (BREADY is held high)
  return resp;
}

ReadResult RegfileHarness::read(uint32_t offset) {
  auto& t = model_->top;
  t->s_axil_araddr = static_cast<uint16_t>(offset);
  t->s_axil_arvalid = 1;
  int waited = 0;
  for (t.settle(); !t->s_axil_arready; t.settle()) {
    if (++waited > kHandshakeLimit) throw std::runtime_error("AXI4-Lite read: no ARREADY");
    t.rising_edge();
    ++cycle_;
  }
  t.rising_edge();
  ++cycle_;
  t->s_axil_arvalid = 0;
  for (t.settle(); !t->s_axil_rvalid; t.settle()) {
    if (++waited > kHandshakeLimit) throw std::runtime_error("AXI4-Lite read: no RVALID");
    t.rising_edge();
    ++cycle_;
  }
  ReadResult r{t->s_axil_rdata, static_cast<AxiResp>(t->s_axil_rresp)};
  clock();
  return r;
}

void RegfileHarness::set_dev_index(int ring, uint16_t index) {
  auto& port = model_->top->ring_dev_idx;
  const int sh = 16 * ring;
  port = (port & ~(uint64_t{0xffff} << sh)) | (uint64_t{index} << sh);
  model_->top.settle();
}

void RegfileHarness::set_dma_idle(bool idle) {
  model_->top->dma_idle = idle;
  model_->top.settle();
}

void RegfileHarness::pulse_counters(uint32_t counter_mask) {
  model_->top->cnt_inc = counter_mask;
  clock();
  model_->top->cnt_inc = 0;
  model_->top.settle();
}

void RegfileHarness::pulse_irq_fired(uint8_t vector_mask) {
  model_->top->irq_fired = vector_mask;
  clock();
  model_->top->irq_fired = 0;
  model_->top.settle();
}

void RegfileHarness::pulse_dma_error(uint64_t addr, bool write, uint8_t source) {
  auto& t = model_->top;
  t->dma_err_valid = 1;
  t->dma_err_addr = addr;
  t->dma_err_write = write;
  t->dma_err_source = source;
  clock();
  t->dma_err_valid = 0;
  t.settle();
}

RingCfg RegfileHarness::ring(int r) {
  return get_ring_cfg(model_->top->ring_cfg, r * RingCfg::kWidth);
}

IrqCfg RegfileHarness::irq(int v) { return get_irq_cfg(model_->top->irq_cfg, v * IrqCfg::kWidth); }

bool RegfileHarness::dev_enable() { return model_->top->dev_enable; }
bool RegfileHarness::soft_reset_busy() { return model_->top->soft_reset_busy; }
bool RegfileHarness::soft_reset_done() { return model_->top->soft_reset_done; }

}  // namespace tcpoe::sim

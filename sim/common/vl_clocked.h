// A verilated block with a clock, a synchronous active-high reset and an
// optional FST waveform: what every lockstep harness needs around its model.
// Registers start random (randReset 2), so a block that relies on anything
// but its reset fails its lockstep run. RTL assertions do not abort the
// process: assertion_fired() reports them to the harness.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "verilated.h"
#include "verilated_fst_c.h"

namespace tcpoe::sim {

// Makes `ctx` the calling thread's Verilator context, so that a model's
// errors, $time and the scopes its destructor leaves go to its own context
// when several models live in one process (two devices in one test).
//
// Not in the sanitizer pass (-DTCPOE_SANITIZE=ON, where gcc defines
// __SANITIZE_ADDRESS__): Verilated::threadContextp() writes Verilator's
// thread_local `t_s`, defined in Verilator's unsanitized runtime, and gcc's
// UndefinedBehaviorSanitizer, inlining that header function into the
// sanitized harness, reports a member access through a null pointer there
// and aborts. The pass runs one model at a time, whose context is the
// thread's anyway (Verilator makes the newest context current).
inline void make_thread_context(VerilatedContext* ctx) {
#if !defined(__SANITIZE_ADDRESS__)
  Verilated::threadContextp(ctx);
#else
  (void)ctx;
#endif
}

template <typename Top>
class VlClocked {
 public:
  explicit VlClocked(const std::string& fst_path = "") {
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->randReset(2);
    ctx_->fatalOnError(false);
    ctx_->traceEverOn(!fst_path.empty());
    top_ = std::make_unique<Top>(ctx_.get());
    if (!fst_path.empty()) {
      fst_ = std::make_unique<VerilatedFstC>();
      top_->trace(fst_.get(), 99);
      fst_->open(fst_path.c_str());
    }
  }
  ~VlClocked() {
    // A model's scopes leave the thread's current context when it is
    // destroyed: make that its own, not that of another model (two devices
    // in one test) destroyed before it.
    make_thread_context(ctx_.get());
    if (fst_) fst_->close();
    top_->final();
    top_.reset();
  }
  VlClocked(const VlClocked&) = delete;
  VlClocked& operator=(const VlClocked&) = delete;

  Top* operator->() { return top_.get(); }
  Top& top() { return *top_; }

  // Holds rst for `cycles` clocks; the caller has set the inputs idle.
  void reset(int cycles = 4) {
    top_->rst = 1;
    for (int i = 0; i < cycles; ++i) {
      settle();
      rising_edge();
    }
    top_->rst = 0;
  }
  // Clock low, inputs applied: combinational outputs are valid after this.
  void settle() {
    make_thread_context(ctx_.get());  // errors and $time go to this model's context
    top_->clk = 0;
    top_->eval();
    dump();
  }
  // The clock edge: registers take their next values.
  void rising_edge() {
    make_thread_context(ctx_.get());
    top_->clk = 1;
    top_->eval();
    dump();
  }
  bool assertion_fired() const { return ctx_->gotError(); }

 private:
  void dump() {
    if (fst_) fst_->dump(time_++);
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Top> top_;
  std::unique_ptr<VerilatedFstC> fst_;
  uint64_t time_ = 0;
};

}  // namespace tcpoe::sim

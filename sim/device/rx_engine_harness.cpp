#include "rx_engine_harness.h"

#include "Vtcpoe_rx_engine_128.h"
#include "Vtcpoe_rx_engine_128___024root.h"
#include "Vtcpoe_rx_engine_256.h"
#include "Vtcpoe_rx_engine_256___024root.h"
#include "Vtcpoe_rx_engine_512.h"
#include "Vtcpoe_rx_engine_512___024root.h"
#include "Vtcpoe_rx_engine_64.h"
#include "Vtcpoe_rx_engine_64___024root.h"
#include <deque>
#include <random>
#include <stdexcept>

#include "verilator_ports.h"
#include "vl_clocked.h"

namespace tcpoe::sim {

bool RxEngineSim::run_until(const std::function<bool()>& done, uint64_t max_cycles) {
  for (uint64_t i = 0; i < max_cycles; ++i) {
    if (done()) return true;
    step();
  }
  return done();
}

namespace {

template <typename V, int kBytes>
class RxEngineModel final : public RxEngineSim {
 public:
  RxEngineModel(const RxEngineParams& prm, AxiMemory& mem, const RxEngineRun& run)
      : prm_(prm),
        rng_(run.seed * 7919 + 41),
        source_(rng_, Throttle(run.tvalid_prob)),
        rd_slave_(mem, kBytes, run.read_slave),
        wr_slave_(mem, kBytes, run.write_slave),
        rd_checker_(kBytes, prm.max_burst, prm.outstanding),
        wr_checker_(kBytes, prm.max_burst, prm.outstanding) {
    idle_inputs();
    t_.reset();
  }

  void send(const Octets& frame) override {
    frames_.push_back(frame);
    const std::string bad = source_.add(frames_.back());
    if (!bad.empty()) harness_.fail(cycle_, "a frame cannot be sent: " + bad);
    ++queued_;
  }

  void reset() override {
    if (!slaves_quiet()) harness_.fail(cycle_, "reset with AXI transactions outstanding");
    if (source_.offered() && source_.offered()->octets != frames_[source_.offered()->packet].data())
      harness_.fail(cycle_, "reset with a frame half sent");
    idle_inputs();
    apply_cfg();
    t_.reset();
    cycle_ += 4;
  }

  void step() override {
    apply_cfg();
    t_->now = cycle_;
    source_.decide();
    source_.drive(t_->s_axis_rx_tvalid, t_->s_axis_rx_tdata, t_->s_axis_rx_tkeep,
                  t_->s_axis_rx_tlast);
    rd_slave_.prepare(cycle_);
    t_->m_axi_arready = rd_slave_.arready();
    t_->m_axi_rvalid = rd_slave_.rvalid();
    t_->m_axi_rid = rd_slave_.rid();
    t_->m_axi_rlast = rd_slave_.rlast();
    t_->m_axi_rresp = rd_slave_.rresp();
    for (int i = 0; i < kBytes; ++i) set_lane(t_->m_axi_rdata, i, rd_slave_.rdata()[size_t(i)]);
    wr_slave_.prepare(cycle_);
    t_->m_axi_awready = wr_slave_.awready();
    t_->m_axi_wready = wr_slave_.wready();
    t_->m_axi_bvalid = wr_slave_.bvalid();
    t_->m_axi_bid = wr_slave_.bid();
    t_->m_axi_bresp = wr_slave_.bresp();
    t_.settle();

    observe_commands();
    const AxiReadPorts rp = read_ports();
    const AxiWritePorts wp = write_ports();
    rd_checker_.check(cycle_, rp);
    wr_checker_.check(cycle_, wp);
    log_writes(wp);
    observe_pulses();
    if (t_->s_axis_rx_tvalid && !t_->s_axis_rx_tready) ++tready_low_;

    const auto taken = source_.edge(t_->s_axis_rx_tready, cycle_);
    if (taken && taken->last) frame_last_.push_back(cycle_);
    if (t_.assertion_fired()) harness_.fail(cycle_, "an RTL assertion fired");
    t_.rising_edge();
    rd_slave_.clock(cycle_, rp);
    wr_slave_.clock(cycle_, wp);
    ++cycle_;
  }

  const RxEngineParams& params() const override { return prm_; }
  uint16_t rxb_cons() const override { return uint16_t(t_c().rxb_cons); }
  uint16_t rxc_prod() const override { return uint16_t(t_c().rxc_prod); }
  bool idle() const override { return t_c().idle; }

  std::vector<std::string> violations() const override {
    std::vector<std::string> all = harness_.list();
    for (const auto& v : rd_checker_.violations()) all.push_back("read: " + v);
    for (const auto& v : wr_checker_.violations()) all.push_back("write: " + v);
    if (source_.tkeep_violations() != 0) all.push_back("the MAC source broke the tkeep rule");
    return all;
  }

 private:
  const V& t_c() const { return const_cast<VlClocked<V>&>(t_).top(); }

  void idle_inputs() {
    t_->enable = 0;
    t_->s_axis_rx_tvalid = 0;
    t_->m_axi_arready = 0;
    t_->m_axi_rvalid = 0;
    t_->m_axi_awready = 0;
    t_->m_axi_wready = 0;
    t_->m_axi_bvalid = 0;
    t_->now = cycle_;
  }

  void apply_cfg() {
    t_->enable = enable;
    set_ring_cfg(t_->rxb_cfg, 0, rxb);
    set_ring_cfg(t_->rxc_cfg, 0, rxc);
  }

  bool slaves_quiet() const { return outstanding_reads_ == 0 && outstanding_writes_ == 0; }

  // The engine's DMA commands, taken this cycle: what the checkers allow.
  void observe_commands() {
    auto* r = t_->rootp;
    if (r->tcpoe_rx_engine__DOT__u_fetch__DOT__cmd_valid &&
        r->tcpoe_rx_engine__DOT__u_fetch__DOT__cmd_ready) {
      const RxDmaCmd c{cycle_, r->tcpoe_rx_engine__DOT__u_fetch__DOT__read_addr,
                       uint32_t(r->tcpoe_rx_engine__DOT__u_fetch__DOT__cmd_len)};
      read_cmds_.push_back(c);
      rd_checker_.expect_read(c.addr, (c.len + kBytes - 1) / kBytes);
    }
    if (r->tcpoe_rx_engine__DOT__wr_cmd_valid && r->tcpoe_rx_engine__DOT__wr_cmd_ready) {
      const RxDmaCmd c{cycle_, r->tcpoe_rx_engine__DOT__wr_cmd_addr,
                       uint32_t(r->tcpoe_rx_engine__DOT__wr_cmd_len)};
      write_cmds_.push_back(c);
      wr_checker_.expect_write(c.addr, c.len);
    }
  }

  AxiReadPorts read_ports() {
    AxiReadPorts p;
    p.ar = {bool(t_->m_axi_arvalid), bool(t_->m_axi_arready), t_->m_axi_araddr, t_->m_axi_arid,
            t_->m_axi_arlen, t_->m_axi_arsize, t_->m_axi_arburst, t_->m_axi_arcache,
            t_->m_axi_arprot};
    p.rvalid = t_->m_axi_rvalid;
    p.rready = t_->m_axi_rready;
    p.rlast = t_->m_axi_rlast;
    p.rid = t_->m_axi_rid;
    p.rresp = t_->m_axi_rresp;
    if (p.ar.valid && p.ar.ready) outstanding_reads_ += p.ar.len + 1;
    if (p.rvalid && p.rready) --outstanding_reads_;
    return p;
  }

  AxiWritePorts write_ports() {
    AxiWritePorts p;
    p.aw = {bool(t_->m_axi_awvalid), bool(t_->m_axi_awready), t_->m_axi_awaddr, t_->m_axi_awid,
            t_->m_axi_awlen, t_->m_axi_awsize, t_->m_axi_awburst, t_->m_axi_awcache,
            t_->m_axi_awprot};
    p.wvalid = t_->m_axi_wvalid;
    p.wready = t_->m_axi_wready;
    p.wlast = t_->m_axi_wlast;
    p.wdata.resize(kBytes);
    for (int i = 0; i < kBytes; ++i) p.wdata[size_t(i)] = get_lane(t_->m_axi_wdata, i);
    p.wstrb = get_bits(t_->m_axi_wstrb, 0, kBytes);
    p.bvalid = t_->m_axi_bvalid;
    p.bready = t_->m_axi_bready;
    p.bid = t_->m_axi_bid;
    p.bresp = t_->m_axi_bresp;
    if (p.aw.valid && p.aw.ready) ++outstanding_writes_;
    if (p.bvalid && p.bready) --outstanding_writes_;
    return p;
  }

  // Each W beat's strobed octets, at the address its burst gives it.
  void log_writes(const AxiWritePorts& p) {
    if (p.aw.valid && p.aw.ready) bursts_.push_back({p.aw.addr, p.aw.len + 1});
    if (!(p.wvalid && p.wready)) return;
    if (bursts_.empty()) {
      harness_.fail(cycle_, "a W beat without its AW");
      return;
    }
    auto& b = bursts_.front();
    for (int i = 0; i < kBytes; ++i)
      if ((p.wstrb >> i) & 1u) {
        const uint64_t a = b.first + uint64_t(i);
        if (!writes_.empty() && writes_.back().second == a) ++writes_.back().second;
        else writes_.push_back({a, a + 1});
      }
    b.first += kBytes;
    if (--b.second == 0) bursts_.pop_front();
  }

  void observe_pulses() {
    const V& t = t_c();
    RxCounters& c = counters_;
    c.frames_rx += t.cnt_frames_rx;
    c.ip_csum_bad += t.cnt_ip_csum_bad;
    c.tcp_csum_bad += t.cnt_tcp_csum_bad;
    c.malformed += t.cnt_malformed;
    for (int k = 0; k < 9; ++k) c.malformed_code[k] += (t.cnt_malformed_code >> k) & 1u;
    c.drop_no_buffer += t.cnt_rx_drop_no_buffer;
    c.drop_too_long += t.cnt_rx_drop_too_long;
    c.completions += t.cnt_rx_completions;
    c.compl_events += t.compl_event;
    if (t.dma_err_valid)
      dma_errors_.push_back({cycle_, t.dma_err_addr, bool(t.dma_err_write), uint8_t(t.dma_err_source)});
  }

  const RxEngineParams prm_;
  VlClocked<V> t_;
  std::mt19937_64 rng_;
  std::deque<Octets> frames_;  // stable addresses: the source points into them
  AxisSource<kBytes> source_;
  AxiReadSlave rd_slave_;
  AxiWriteSlave wr_slave_;
  AxiReadChecker rd_checker_;
  AxiWriteChecker wr_checker_;
  AxiViolations harness_;
  std::deque<std::pair<uint64_t, uint32_t>> bursts_;  // AW taken: next beat's address, beats left
  int64_t outstanding_reads_ = 0;  // R beats
  int64_t outstanding_writes_ = 0;  // B responses
};

}  // namespace

std::unique_ptr<RxEngineSim> make_rx_engine(int data_width, AxiMemory& mem, const RxEngineRun& run) {
  if (data_width == 64)
    return std::make_unique<RxEngineModel<Vtcpoe_rx_engine_64, 8>>(kRxEngine64, mem, run);
  if (data_width == 128)
    return std::make_unique<RxEngineModel<Vtcpoe_rx_engine_128, 16>>(kRxEngine128, mem, run);
  if (data_width == 256)
    return std::make_unique<RxEngineModel<Vtcpoe_rx_engine_256, 32>>(kRxEngine256, mem, run);
  if (data_width == 512)
    return std::make_unique<RxEngineModel<Vtcpoe_rx_engine_512, 64>>(kRxEngine512, mem, run);
  throw std::invalid_argument("tcpoe_rx_engine is verilated at DATA_W 64, 128, 256 and 512 only, not " +
                              std::to_string(data_width));
}

}  // namespace tcpoe::sim

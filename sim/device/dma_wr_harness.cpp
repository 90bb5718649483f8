#include "dma_wr_harness.h"

#include "Vtcpoe_dma_wr_512.h"
#include "Vtcpoe_dma_wr_64.h"
#include <random>
#include <type_traits>

#include "axis.h"
#include "verilator_ports.h"
#include "vl_clocked.h"

namespace tcpoe::sim {

namespace {

const std::vector<uint64_t> kEmptyBeat{0};  // the packet of a command without octets

template <typename V, int kBytes>
DmaWrReport run_model(const DmaParams& prm, AxiMemory& mem, const std::vector<DmaWriteCmd>& cmds,
                      const DmaWrRun& run) {
  const int bytes = prm.data_width / 8;
  DmaWrReport rep;
  DmaCommandSource<std::decay_t<decltype(cmds[0])>> commands(cmds, run.cmd_valid_prob,
                                                             run.slave.seed * 7919 + 3);
  rep.failure = commands.unfit();
  if (!rep.failure.empty()) return rep;
  VlClocked<V> t;
  AxiWriteSlave slave(mem, bytes, run.slave);
  AxiWriteChecker checker(bytes, prm.max_burst, prm.outstanding);
  for (const auto& c : cmds)
    if (dma_cmd_ok(prm, c.addr, c.len)) checker.expect_write(c.addr, c.len);
  std::mt19937_64 rng(run.slave.seed * 7919 + 29);
  std::bernoulli_distribution take_sts(run.sts_ready_prob);
  AxiViolations harness;
  DmaStatusWatch statuses;
  AxisSource<kBytes> source(rng, Throttle(run.tvalid_prob));
  for (const auto& c : cmds) {
    const std::string bad = source.add(c.data, c.data.empty() ? &kEmptyBeat : nullptr);
    if (!bad.empty()) {
      rep.failure = "a packet cannot be sent: " + bad;
      return rep;
    }
  }

  t->cmd_valid = 0;
  t->s_axis_tvalid = 0;
  t->sts_ready = 0;
  t->m_axi_awready = 0;
  t->m_axi_wready = 0;
  t->m_axi_bvalid = 0;
  t.reset();

  for (uint64_t cycle = 0;; ++cycle) {
    rep.cycles = cycle;
    if (rep.statuses.size() == cmds.size()) break;
    if (cycle >= run.max_cycles) {
      rep.failure = dma_timeout(cycle, rep.statuses.size(), cmds.size());
      break;
    }
    commands.drive(t.top());
    source.decide();
    source.drive(t->s_axis_tvalid, t->s_axis_tdata, t->s_axis_tkeep, t->s_axis_tlast);
    t->sts_ready = take_sts(rng);
    slave.prepare(cycle);
    t->m_axi_awready = slave.awready();
    t->m_axi_wready = slave.wready();
    t->m_axi_bvalid = slave.bvalid();
    t->m_axi_bid = slave.bid();
    t->m_axi_bresp = slave.bresp();
    t.settle();

    AxiWritePorts p;
    p.aw = {bool(t->m_axi_awvalid), bool(t->m_axi_awready), t->m_axi_awaddr, t->m_axi_awid,
            t->m_axi_awlen, t->m_axi_awsize, t->m_axi_awburst, t->m_axi_awcache, t->m_axi_awprot};
    p.wvalid = t->m_axi_wvalid;
    p.wready = t->m_axi_wready;
    p.wlast = t->m_axi_wlast;
    p.wdata.resize(bytes);
    for (int i = 0; i < bytes; ++i) p.wdata[i] = get_lane(t->m_axi_wdata, i);
    p.wstrb = get_bits(t->m_axi_wstrb, 0, bytes);
    p.bvalid = t->m_axi_bvalid;
    p.bready = t->m_axi_bready;
    p.bid = t->m_axi_bid;
    p.bresp = t->m_axi_bresp;
    checker.check(cycle, p);
    if (p.wvalid && p.wready) {
      if (rep.beats == 0) rep.first_beat = cycle;
      rep.last_beat = cycle;
      ++rep.beats;
      if (!(t->s_axis_tvalid && t->s_axis_tready)) harness.fail(cycle, "a W beat not from s_axis");
    }
    const std::string broke = statuses.observe(t->sts_valid, t->sts_ready,
                                               DmaStatus{uint8_t(t->sts_tag), bool(t->sts_error)},
                                               rep.statuses);
    if (!broke.empty()) harness.fail(cycle, broke);

    const bool cmd_taken = t->cmd_valid && t->cmd_ready;
    source.edge(t->s_axis_tready, cycle);
    if (t.assertion_fired()) harness.fail(cycle, "an RTL assertion fired");
    t.rising_edge();
    slave.clock(cycle, p);
    commands.clock(cmd_taken);
  }
  rep.violations = harness.list();
  for (const auto& v : checker.violations()) rep.violations.push_back(v);
  rep.bursts = checker.bursts();
  rep.max_outstanding = checker.max_outstanding();
  return rep;
}

}  // namespace

DmaWrReport run_dma_wr(int data_width, AxiMemory& mem, const std::vector<DmaWriteCmd>& cmds,
                       const DmaWrRun& run) {
  if (data_width == 64) return run_model<Vtcpoe_dma_wr_64, 8>(kDma64, mem, cmds, run);
  if (data_width == 512) return run_model<Vtcpoe_dma_wr_512, 64>(kDma512, mem, cmds, run);
  DmaWrReport r;
  r.failure = "tcpoe_dma_wr is verilated at DATA_W 64 and 512 only, not " + std::to_string(data_width);
  return r;
}

}  // namespace tcpoe::sim

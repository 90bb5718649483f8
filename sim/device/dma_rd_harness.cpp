#include "dma_rd_harness.h"

#include "Vtcpoe_dma_rd_512.h"
#include "Vtcpoe_dma_rd_64.h"
#include <random>
#include <type_traits>

#include "axis.h"
#include "verilator_ports.h"
#include "vl_clocked.h"

namespace tcpoe::sim {

namespace {

// What the engine showed on a handshake-held output last cycle, to check it
// stayed as it was until taken.
struct HeldBeat {
  bool valid = false;
  std::vector<uint8_t> data;
  uint64_t keep = 0;
  bool last = false;
  uint8_t user = 0;
  bool operator!=(const HeldBeat& o) const {
    return data != o.data || keep != o.keep || last != o.last || user != o.user;
  }
};

template <typename V, int kBytes>
DmaRdReport run_model(const DmaParams& prm, const AxiMemory& mem,
                      const std::vector<DmaReadCmd>& cmds, const DmaRdRun& run) {
  const int bytes = prm.data_width / 8;
  DmaRdReport rep;
  DmaCommandSource<std::decay_t<decltype(cmds[0])>> commands(cmds, run.cmd_valid_prob,
                                                             run.slave.seed * 7919 + 3);
  rep.failure = commands.unfit();
  if (!rep.failure.empty()) return rep;
  VlClocked<V> t;
  AxiReadSlave slave(mem, bytes, run.slave);
  AxiReadChecker checker(bytes, prm.max_burst, prm.outstanding);
  std::vector<DmaReadCmd> read;  // the commands not refused: one packet each, in order
  for (const auto& c : cmds)
    if (dma_read_ok(prm, c.len)) {
      const uint64_t from = c.addr / uint64_t(bytes) * uint64_t(bytes);
      checker.expect_read(from, uint32_t((c.addr + c.len - from + bytes - 1) / bytes));
      read.push_back(c);
    }
  std::mt19937_64 rng(run.slave.seed * 7919 + 17);
  std::bernoulli_distribution take_sts(run.sts_ready_prob);

  t->cmd_valid = 0;
  t->m_axis_tready = 0;
  t->sts_ready = 0;
  t->m_axi_arready = 0;
  t->m_axi_rvalid = 0;
  t.reset();

  AxiViolations harness;
  HeldBeat held;
  DmaStatusWatch statuses;
  AxisSink<kBytes> sink(rng, Throttle(run.tready_prob));
  std::vector<uint8_t> tags;  // tuser of each packet
  uint8_t tag = 0;
  bool in_packet = false;
  uint64_t beat_in_packet = 0;

  for (uint64_t cycle = 0;; ++cycle) {
    if (rep.statuses.size() == cmds.size()) {
      rep.cycles = cycle;
      break;
    }
    if (cycle >= run.max_cycles) {
      rep.failure = dma_timeout(cycle, rep.statuses.size(), cmds.size());
      rep.cycles = cycle;
      break;
    }
    commands.drive(t.top());
    t->m_axis_tready = sink.decide();
    t->sts_ready = take_sts(rng);
    slave.prepare(cycle);
    t->m_axi_arready = slave.arready();
    t->m_axi_rvalid = slave.rvalid();
    t->m_axi_rid = slave.rid();
    t->m_axi_rlast = slave.rlast();
    t->m_axi_rresp = slave.rresp();
    for (int i = 0; i < bytes; ++i) set_lane(t->m_axi_rdata, i, slave.rdata()[i]);
    t.settle();

    // The AXI side.
    AxiReadPorts p;
    p.ar = {bool(t->m_axi_arvalid), bool(t->m_axi_arready), t->m_axi_araddr, t->m_axi_arid,
            t->m_axi_arlen, t->m_axi_arsize, t->m_axi_arburst, t->m_axi_arcache, t->m_axi_arprot};
    p.rvalid = t->m_axi_rvalid;
    p.rready = t->m_axi_rready;
    p.rlast = t->m_axi_rlast;
    p.rid = t->m_axi_rid;
    p.rresp = t->m_axi_rresp;
    checker.check(cycle, p);
    if (p.rvalid && p.rready && !(t->m_axis_tvalid && t->m_axis_tready))
      harness.fail(cycle, "an R beat taken that m_axis did not pass on");

    // The output stream: held until taken, lanes from 0, tag constant.
    HeldBeat beat;
    beat.valid = t->m_axis_tvalid;
    beat.data.resize(bytes);
    for (int i = 0; i < bytes; ++i) beat.data[i] = get_lane(t->m_axis_tdata, i);
    beat.keep = get_bits(t->m_axis_tkeep, 0, bytes);
    beat.last = t->m_axis_tlast;
    beat.user = t->m_axis_tuser;
    if (held.valid && (!beat.valid || beat != held))
      harness.fail(cycle, "m_axis changed or TVALID fell before TREADY");
    if (beat.valid && t->m_axis_tready) {
      sink.take(cycle, t->m_axis_tdata, t->m_axis_tkeep, beat.last);
      if (in_packet && beat.user != tag) harness.fail(cycle, "tuser changed within a packet");
      // Each octet in its memory lane, the last beat where the command ends.
      const size_t packet = tags.size();
      if (packet >= read.size()) {
        harness.fail(cycle, "a beat after every command's packet");
      } else {
        const auto& c = read[packet];
        if (beat.keep != dma_read_keep(prm, c.addr, c.len, beat_in_packet))
          harness.fail(cycle, "tkeep not the lanes of the command's octets in this beat");
        const bool last = dma_read_keep(prm, c.addr, c.len, beat_in_packet + 1) == 0;
        if (beat.last != last) harness.fail(cycle, "tlast not on the command's last beat");
      }
      beat_in_packet = beat.last ? 0 : beat_in_packet + 1;
      tag = beat.user;
      in_packet = !beat.last;
      if (beat.last) tags.push_back(tag);
    }
    held = beat;
    held.valid = beat.valid && !t->m_axis_tready;

    const std::string broke = statuses.observe(t->sts_valid, t->sts_ready,
                                               DmaStatus{uint8_t(t->sts_tag), bool(t->sts_error)},
                                               rep.statuses);
    if (!broke.empty()) harness.fail(cycle, broke);

    const bool cmd_taken = t->cmd_valid && t->cmd_ready;
    if (t.assertion_fired()) harness.fail(cycle, "an RTL assertion fired");
    t.rising_edge();
    slave.clock(cycle, p);
    commands.clock(cmd_taken);
  }
  rep.violations = harness.list();
  if (in_packet) rep.violations.push_back("a packet without tlast at the end");
  // (The sink's tkeep rule, packed from lane 0, is not this stream's: checked above.)
  for (size_t i = 0; i < sink.packets().size(); ++i) rep.packets.push_back({tags[i], sink.packets()[i]});
  rep.beats = sink.handshakes().beats;
  rep.first_beat = sink.handshakes().first_cycle;
  rep.last_beat = sink.handshakes().last_cycle;
  for (const auto& v : checker.violations()) rep.violations.push_back(v);
  rep.bursts = checker.bursts();
  rep.max_outstanding = checker.max_outstanding();
  return rep;
}

}  // namespace

DmaRdReport run_dma_rd(int data_width, const AxiMemory& mem, const std::vector<DmaReadCmd>& cmds,
                       const DmaRdRun& run) {
  if (data_width == 64) return run_model<Vtcpoe_dma_rd_64, 8>(kDma64, mem, cmds, run);
  if (data_width == 512) return run_model<Vtcpoe_dma_rd_512, 64>(kDma512, mem, cmds, run);
  DmaRdReport r;
  r.failure = "tcpoe_dma_rd is verilated at DATA_W 64 and 512 only, not " + std::to_string(data_width);
  return r;
}

}  // namespace tcpoe::sim

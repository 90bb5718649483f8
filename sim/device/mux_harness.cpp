#include "mux_harness.h"

#include <deque>
#include <random>

#include "Vtcpoe_axi_mux.h"
#include "Vtcpoe_msix_writer_512.h"
#include "Vtcpoe_msix_writer_64.h"
#include "axi_ports.h"
#include "verilator_ports.h"
#include "vl_clocked.h"

namespace tcpoe::sim {

namespace {

constexpr int kBytes = kMuxDataW / 8;
constexpr int kSize = 3;  // log2(kBytes)
constexpr int kAddrW = 64;

// One address channel of N masters as the C++ side drives it, bursts in order.
struct AddrSide {
  const std::vector<MuxBurst>* bursts = nullptr;
  size_t next = 0;
  bool offering = false;
  uint32_t passed_over = 0;  // grants to others while this one waited

  template <typename Va, typename Id, typename Ad, typename Le, typename Sz, typename Bu,
            typename Ca, typename Pr>
  void drive(int m, Va& valid, Id& id, Ad& addr, Le& len, Sz& size, Bu& burst, Ca& cache, Pr& prot,
             std::mt19937_64& rng, std::bernoulli_distribution& offer) {
    if (!offering && next < bursts->size() && offer(rng)) offering = true;
    set_bit(valid, m, offering);
    if (!offering) return;
    const MuxBurst& b = (*bursts)[next];
    set_bits(id, m * kMuxIdW, kMuxIdW, b.id);
    set_bits(addr, m * kAddrW, kAddrW, b.addr);
    set_bits(len, m * 8, 8, b.beats - 1);
    set_bits(size, m * 3, 3, kSize);
    set_bits(burst, m * 2, 2, 1);
    set_bits(cache, m * 4, 4, 2);
    set_bits(prot, m * 3, 3, 2);
  }
};

}  // namespace

MuxReport run_axi_mux(AxiMemory& mem, const std::vector<std::vector<MuxBurst>>& reads,
                      const std::vector<std::vector<MuxBurst>>& writes, const MuxRun& run) {
  MuxReport rep;
  if (reads.size() != size_t(kMuxReadMasters) || writes.size() != size_t(kMuxWriteMasters)) {
    rep.failure = "the mux is verilated with 2 read and 3 write masters";
    return rep;
  }
  rep.r.resize(kMuxReadMasters);
  rep.b.resize(kMuxWriteMasters);
  VlClocked<Vtcpoe_axi_mux> t;
  AxiReadSlave rd_slave(mem, kBytes, run.slave);
  AxiWriteSlave wr_slave(mem, kBytes, run.slave);
  AxiReadChecker rd_check(kBytes, 256, 1 << 20);
  AxiWriteChecker wr_check(kBytes, 256, 1 << 20);
  rd_check.allow_any_read();
  wr_check.allow_any_write();
  AxiViolations mux;
  std::mt19937_64 rng(run.slave.seed * 48271 + 11);
  std::bernoulli_distribution offer(run.valid_prob), take(run.ready_prob);

  AddrSide ar[kMuxReadMasters], aw[kMuxWriteMasters];
  uint64_t r_beats_due = 0, b_due = 0;
  for (int m = 0; m < kMuxReadMasters; ++m) {
    ar[m].bursts = &reads[size_t(m)];
    for (const auto& b : reads[size_t(m)]) r_beats_due += b.beats;
  }
  struct WSide {
    size_t burst = 0;
    uint32_t beat = 0;
    bool offering = false;
  } w[kMuxWriteMasters];
  for (int m = 0; m < kMuxWriteMasters; ++m) {
    aw[m].bursts = &writes[size_t(m)];
    b_due += writes[size_t(m)].size();
  }
  std::deque<int> aw_granted;  // master of each AW taken whose W is not all out
  uint64_t r_beats = 0, b_got = 0;

  t->s_axi_arvalid = 0;
  t->s_axi_awvalid = 0;
  t->s_axi_wvalid = 0;
  t->s_axi_rready = 0;
  t->s_axi_bready = 0;
  t->m_axi_arready = 0;
  t->m_axi_rvalid = 0;
  t->m_axi_awready = 0;
  t->m_axi_wready = 0;
  t->m_axi_bvalid = 0;
  t.reset();

  for (uint64_t cycle = 0;; ++cycle) {
    rep.cycles = cycle;
    if (r_beats == r_beats_due && b_got == b_due) break;
    if (cycle >= run.max_cycles) {
      rep.failure = "timeout: " + std::to_string(r_beats) + " of " + std::to_string(r_beats_due) +
                    " R beats, " + std::to_string(b_got) + " of " + std::to_string(b_due) + " B";
      break;
    }
    // The masters.
    for (int m = 0; m < kMuxReadMasters; ++m) {
      ar[m].drive(m, t->s_axi_arvalid, t->s_axi_arid, t->s_axi_araddr, t->s_axi_arlen,
                  t->s_axi_arsize, t->s_axi_arburst, t->s_axi_arcache, t->s_axi_arprot, rng, offer);
      set_bit(t->s_axi_rready, m, take(rng));
    }
    for (int m = 0; m < kMuxWriteMasters; ++m) {
      aw[m].drive(m, t->s_axi_awvalid, t->s_axi_awid, t->s_axi_awaddr, t->s_axi_awlen,
                  t->s_axi_awsize, t->s_axi_awburst, t->s_axi_awcache, t->s_axi_awprot, rng, offer);
      const auto& bursts = writes[size_t(m)];
      if (!w[m].offering && w[m].burst < bursts.size() && offer(rng)) w[m].offering = true;
      set_bit(t->s_axi_wvalid, m, w[m].offering);
      if (w[m].offering) {
        const MuxBurst& b = bursts[w[m].burst];
        const uint64_t at = b.addr + uint64_t(w[m].beat) * kBytes;
        for (int i = 0; i < kBytes; ++i)
          set_bits(t->s_axi_wdata, (m * kBytes + i) * 8, 8, mux_write_octet(m, at + uint64_t(i)));
        set_bits(t->s_axi_wstrb, m * kBytes, kBytes, 0xff);
        set_bit(t->s_axi_wlast, m, w[m].beat + 1 == b.beats);
      }
      set_bit(t->s_axi_bready, m, take(rng));
    }
    // The host memory.
    rd_slave.prepare(cycle);
    wr_slave.prepare(cycle);
    drive_read_slave(t.top(), rd_slave, kBytes);
    drive_write_slave(t.top(), wr_slave);
    t.settle();

    const AxiReadPorts rp = read_ports(t.top());
    rd_check.check(cycle, rp);
    const AxiWritePorts wp = write_ports(t.top(), kBytes);
    wr_check.check(cycle, wp);

    // Address grants: the ID's prefix is the master taken, fairly.
    const auto grant = [&](const char* ch, AddrSide* side, int n, uint64_t valid, uint64_t ready,
                           uint32_t out_id) {
      int granted = -1;
      for (int m = 0; m < n; ++m)
        if ((ready >> m) & 1u) {
          if (granted >= 0) mux.fail(cycle, std::string(ch) + "READY to two masters");
          granted = m;
        }
      if (granted < 0) return -1;
      if (!((valid >> granted) & 1u)) mux.fail(cycle, std::string(ch) + "READY to a master without VALID");
      if (int(out_id >> kMuxIdW) != granted ||
          (out_id & ((1u << kMuxIdW) - 1)) != (*side[granted].bursts)[side[granted].next].id)
        mux.fail(cycle, std::string(ch) + "ID " + std::to_string(out_id) + " for master " +
                            std::to_string(granted));
      for (int m = 0; m < n; ++m) {
        if (m == granted) {
          side[m].passed_over = 0;
        } else if ((valid >> m) & 1u && ++side[m].passed_over > uint32_t(n - 1)) {
          mux.fail(cycle, std::string(ch) + ": master " + std::to_string(m) + " passed over " +
                              std::to_string(side[m].passed_over) + " times");
        }
      }
      return granted;
    };
    const uint64_t arvalid = get_bits(t->s_axi_arvalid, 0, kMuxReadMasters);
    const uint64_t awvalid = get_bits(t->s_axi_awvalid, 0, kMuxWriteMasters);
    const int ar_m = rp.ar.valid && rp.ar.ready
                         ? grant("AR", ar, kMuxReadMasters, arvalid,
                                 get_bits(t->s_axi_arready, 0, kMuxReadMasters), rp.ar.id)
                         : -1;
    if (!(rp.ar.valid && rp.ar.ready) && get_bits(t->s_axi_arready, 0, kMuxReadMasters) != 0)
      mux.fail(cycle, "ARREADY to a master without an AR handshake");
    const int aw_m = wp.aw.valid && wp.aw.ready
                         ? grant("AW", aw, kMuxWriteMasters, awvalid,
                                 get_bits(t->s_axi_awready, 0, kMuxWriteMasters), wp.aw.id)
                         : -1;
    if (!(wp.aw.valid && wp.aw.ready) && get_bits(t->s_axi_awready, 0, kMuxWriteMasters) != 0)
      mux.fail(cycle, "AWREADY to a master without an AW handshake");

    // R and B to the master the prefix names, and only to it.
    if (rp.rvalid) {
      const int dest = int(rp.rid >> kMuxIdW);
      if (get_bits(t->s_axi_rvalid, 0, kMuxReadMasters) != (1u << dest))
        mux.fail(cycle, "RVALID not to the master of RID " + std::to_string(rp.rid));
      if (rp.rready != get_bit(t->s_axi_rready, dest)) mux.fail(cycle, "RREADY not its master's");
      if (rp.rready) {
        MuxRBeat beat{uint32_t(t->s_axi_rid), {}, uint8_t(t->s_axi_rresp), bool(t->s_axi_rlast)};
        for (int i = 0; i < kBytes; ++i) beat.data.push_back(get_lane(t->s_axi_rdata, i));
        rep.r[size_t(dest)].push_back(beat);
        ++r_beats;
      }
    }
    if (wp.bvalid) {
      const int dest = int(wp.bid >> kMuxIdW);
      if (get_bits(t->s_axi_bvalid, 0, kMuxWriteMasters) != (1u << dest))
        mux.fail(cycle, "BVALID not to the master of BID " + std::to_string(wp.bid));
      if (wp.bready != get_bit(t->s_axi_bready, dest)) mux.fail(cycle, "BREADY not its master's");
      if (wp.bready) {
        rep.b[size_t(dest)].push_back({uint32_t(t->s_axi_bid), uint8_t(t->s_axi_bresp)});
        ++b_got;
      }
    }
    // W: from the master of the oldest AW granted, its beat as it offered it.
    int w_m = -1;
    for (int m = 0; m < kMuxWriteMasters; ++m)
      if (get_bit(t->s_axi_wready, m) && get_bit(t->s_axi_wvalid, m)) w_m = m;
    if (wp.wvalid && wp.wready) {
      if (aw_granted.empty() || w_m != aw_granted.front()) {
        mux.fail(cycle, "a W beat not from the master of the oldest AW granted");
      } else {
        const MuxBurst& b = writes[size_t(w_m)][w[w_m].burst];
        const uint64_t at = b.addr + uint64_t(w[w_m].beat) * kBytes;
        for (int i = 0; i < kBytes; ++i)
          if (wp.wdata[size_t(i)] != mux_write_octet(w_m, at + uint64_t(i)))
            mux.fail(cycle, "WDATA not the master's");
        if (wp.wlast != (w[w_m].beat + 1 == b.beats)) mux.fail(cycle, "WLAST not the master's");
      }
    } else if (w_m >= 0) {
      mux.fail(cycle, "WREADY to a master without a W handshake");
    }

    t.rising_edge();
    rd_slave.clock(cycle, rp);
    wr_slave.clock(cycle, wp);
    if (ar_m >= 0) ar[ar_m].offering = false, ++ar[ar_m].next;
    if (aw_m >= 0) {
      aw[aw_m].offering = false;
      ++aw[aw_m].next;
      aw_granted.push_back(aw_m);
    }
    if (w_m >= 0 && wp.wvalid && wp.wready) {
      w[w_m].offering = false;
      if (++w[w_m].beat == writes[size_t(w_m)][w[w_m].burst].beats) {
        w[w_m].beat = 0;
        ++w[w_m].burst;
        if (!aw_granted.empty()) aw_granted.pop_front();
      }
    }
  }
  rep.violations = mux.list();
  for (const auto& v : rd_check.violations()) rep.violations.push_back("read: " + v);
  for (const auto& v : wr_check.violations()) rep.violations.push_back("write: " + v);
  return rep;
}

namespace {

template <typename V, int kB>
MsixReport run_msix(AxiMemory& mem, const std::vector<std::vector<std::pair<uint64_t, uint32_t>>>& msgs,
                    const MsixRun& run) {
  MsixReport rep;
  const int vectors = 2;
  if (msgs.size() != size_t(vectors)) {
    rep.failure = "the MSI-X writer is verilated with 2 vectors";
    return rep;
  }
  rep.taken_cycle.resize(vectors);
  VlClocked<V> t;
  AxiWriteSlave slave(mem, kB, run.slave);
  AxiWriteChecker check(kB, 1, 1);
  check.allow_any_write();
  std::mt19937_64 rng(run.slave.seed * 69621 + 5);
  std::bernoulli_distribution offer(run.valid_prob);
  size_t next[vectors] = {0, 0};
  bool offering[vectors] = {false, false};
  size_t total = 0, taken = 0;
  for (const auto& v : msgs) total += v.size();
  AxiViolations own;

  t->msix_valid = 0;
  t->stop = 0;
  t->m_axi_awready = 0;
  t->m_axi_wready = 0;
  t->m_axi_bvalid = 0;
  t.reset();
  uint64_t idle_for = 0;
  bool aw_taken = false;  // the message's AW is taken, its W not yet
  for (uint64_t cycle = 0;; ++cycle) {
    rep.cycles = cycle;
    // Done: every message taken (or stopped), and idle for a while.
    idle_for = t->idle ? idle_for + 1 : 0;
    if ((taken == total || run.stop_from != 0) && idle_for > 200 && cycle > run.stop_from + 200) break;
    if (cycle >= run.max_cycles) {
      rep.failure = "timeout: " + std::to_string(taken) + " of " + std::to_string(total) + " taken";
      break;
    }
    t->stop = run.stop_from != 0 && cycle >= run.stop_from;
    for (int v = 0; v < vectors; ++v) {
      if (!offering[v] && next[v] < msgs[size_t(v)].size() && offer(rng)) offering[v] = true;
      set_bit(t->msix_valid, v, offering[v]);
      if (offering[v]) {
        set_bits(t->msix_addr, v * 64, 64, msgs[size_t(v)][next[v]].first);
        set_bits(t->msix_data, v * 32, 32, msgs[size_t(v)][next[v]].second);
      }
    }
    slave.prepare(cycle);
    drive_write_slave(t.top(), slave);
    t.settle();
    const AxiWritePorts wp = write_ports(t.top(), kB);
    // The writer offers W with its AW (AXI allows W first; the slave takes W
    // only after AW): the checker, which wants W after AW, sees it from then.
    AxiWritePorts seen = wp;
    seen.wvalid = wp.wvalid && aw_taken;
    check.check(cycle, seen);
    if (wp.wvalid && !aw_taken && wp.wready) own.fail(cycle, "W taken before its AW");
    if (wp.aw.valid && wp.aw.ready) aw_taken = true;
    if (wp.wvalid && wp.wready) aw_taken = false;
    if (wp.aw.valid && wp.aw.ready) rep.beat_addr.push_back(wp.aw.addr);
    if (t->dma_err_valid) {
      rep.error_addr.push_back(t->dma_err_addr);
      if (!t->dma_err_write || t->dma_err_source != 6) own.fail(cycle, "dma_err not a write from MSIX");
    }
    bool took[vectors] = {false, false};
    for (int v = 0; v < vectors; ++v) {
      took[v] = get_bit(t->msix_ready, v);
      if (took[v] && !offering[v]) own.fail(cycle, "msix_ready without msix_valid");
      if (took[v] && t->stop) own.fail(cycle, "a message taken during stop");
    }
    t.rising_edge();
    slave.clock(cycle, wp);
    for (int v = 0; v < vectors; ++v)
      if (took[v]) {
        offering[v] = false;
        ++next[v];
        ++taken;
        rep.taken_cycle[size_t(v)].push_back(cycle);
      }
  }
  rep.idle_at_end = t->idle;
  rep.violations = own.list();
  for (const auto& v : check.violations()) rep.violations.push_back(v);
  return rep;
}

}  // namespace

MsixReport run_msix_writer(int data_width, AxiMemory& mem,
                           const std::vector<std::vector<std::pair<uint64_t, uint32_t>>>& messages,
                           const MsixRun& run) {
  if (data_width == 64) return run_msix<Vtcpoe_msix_writer_64, 8>(mem, messages, run);
  if (data_width == 512) return run_msix<Vtcpoe_msix_writer_512, 64>(mem, messages, run);
  MsixReport r;
  r.failure = "tcpoe_msix_writer is verilated at DATA_W 64 and 512 only";
  return r;
}

}  // namespace tcpoe::sim

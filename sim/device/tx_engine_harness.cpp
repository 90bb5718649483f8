#include "tx_engine_harness.h"

#include "Vtcpoe_tx_engine_512.h"
#include "Vtcpoe_tx_engine_64.h"
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>

#include "axis.h"
#include "tcpoe/wire/device_regs.h"
#include "verilator_ports.h"
#include "vl_clocked.h"

namespace tcpoe::sim {

const TxEngineParams& tx_engine_params(int data_width) {
  if (data_width == kTxEngine64.data_width) return kTxEngine64;
  if (data_width == kTxEngine512.data_width) return kTxEngine512;
  throw std::invalid_argument("tcpoe_tx_engine is verilated at DATA_W 64 and 512 only, not " +
                              std::to_string(data_width));
}

namespace {

namespace dev = wire::dev;

constexpr uint64_t kDescEntry = dev::tx_ring::kEntrySize;  // TX_DESC ring entry
struct PartRead {
  uint64_t addr, beats;  // the beats a part's read covers
};
constexpr uint64_t kComplEntry = 16;  // TX completion

// What the engine drives, and the AXI inputs of the cycle, once settled.
struct Outputs {
  AxiReadPorts rd;
  AxiWritePorts wr;
  bool m_tvalid = false, m_tready = false, m_tlast = false;
  std::vector<uint8_t> m_tdata;
  uint64_t m_tkeep = 0;
  bool idle = false, compl_event = false;
  bool cnt_frames_tx = false, cnt_desc_rejected = false, cnt_tx_completions = false;
  bool dma_err_valid = false, dma_err_write = false;
  uint64_t dma_err_addr = 0;
  int dma_err_source = 0;
  uint16_t txd_cons = 0, txc_prod = 0;
  bool assertion = false;
};

uint64_t be_read(const AxiMemory& mem, uint64_t addr, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | mem.read(addr + uint64_t(i));
  return v;
}

// Whether `a` is at most `b` in 16-bit free-running index order.
bool index_not_after(uint16_t a, uint16_t b) { return uint16_t(b - a) < 0x8000; }

}  // namespace

// The host, the monitors and the checks, independent of the model's type.
class TxEngineBench::Impl {
 public:
  Impl(const TxEngineParams& p, AxiMemory& mem, const TxBenchOptions& o)
      : prm(p), bytes(p.data_width / 8), mem(mem), opt(o), rng(o.slave.seed * 7919 + 5),
        doorbell(o.host.doorbell_prob), consume_draw(o.host.consume_prob),
        consume(o.host.consume) {
    fresh_checkers();
  }
  virtual ~Impl() = default;

  virtual void clock() = 0;       // one cycle of the model
  virtual void hold_reset() = 0;  // rst for a few cycles

  // ---------------------------------------------------------------- host
  void host_before_cycle() {
    if (!running) return;
    if (!queue.empty() && doorbell(rng)) post_some();
    if (consume && consume_draw(rng)) consume_one();
  }

  void post_some() {
    const uint16_t cons = txd.wb_addr != 0 ? uint16_t(be_read(mem, txd.wb_addr, 4)) : last.txd_cons;
    const uint32_t size = 1u << txd.size_log2;
    uint32_t room = size - uint16_t(host_prod - cons);
    if (room > size) room = 0;  // a write-back value ahead of the host: take none
    uint32_t n = std::min<uint32_t>(room, uint32_t(queue.size()));
    if (opt.host.post_batch > 0) n = std::min<uint32_t>(n, uint32_t(opt.host.post_batch));
    for (uint32_t i = 0; i < n; ++i) {
      const TxPost& q = queue.front();
      const auto parts = q.gather();
      size_t at = 0;  // the payload, part after part
      for (const auto& part : parts)
        for (uint32_t k = 0; k < part.len && at < q.payload.size(); ++k) mem.write(part.addr + k, q.payload[at++]);
      const uint64_t slot = txd.base + (host_prod & (size - 1)) * kDescEntry;
      const dev::tx_ring::EntryBytes b = dev::tx_ring::entry(q.desc, parts);
      for (uint64_t k = 0; k < kDescEntry; ++k) mem.write(slot + k, b[k]);
      Posted p;
      p.post = q;
      const uint32_t len = uint32_t(q.desc.payload_len) + q.desc.stream_opt_len;
      uint32_t sum = 0;
      for (const auto& part : parts) {
        sum += part.len;
        if (part.len > 0) p.reads.push_back(beats_of(part.addr, part.len));
      }
      p.needs_read_by_rule = len > 0 && len <= uint32_t(prm.max_payload) && sum == len;
      if (!p.reads.empty()) by_payload_addr[p.reads.front().addr] = posted.size();
      posted.push_back(std::move(p));
      queue.pop_front();
      ++host_prod;
    }
  }

  void consume_one() {
    const uint32_t size = 1u << txc.size_log2;
    const uint64_t slot = txc.base + (host_cons & (size - 1)) * kComplEntry;
    const bool pass_phase = ((host_cons >> txc.size_log2) & 1u) == 0;
    const uint8_t flags = mem.read(slot + dev::tx_compl::kFlags.offset);
    if (((flags & dev::compl_flag::kPhase) != 0) != pass_phase) return;
    TxCompletion c;
    c.index = uint16_t(be_read(mem, slot + dev::tx_compl::kDescIndex.offset, 2));
    c.status = mem.read(slot + dev::tx_compl::kStatus.offset);
    c.timestamp = be_read(mem, slot + dev::tx_compl::kTimestamp.offset, 8);
    c.cycle = cycle;
    if (skipped.count(completions_read) && c.status != uint8_t(dev::ComplStatus::kDmaError))
      fail("payload " + std::to_string(completions_read) + " skipped");
    ++completions_read;
    obs.completions.push_back(c);
    ++host_cons;
  }

  RingCfg drive_txd() const {
    RingCfg c = txd;
    c.enable = running;
    c.host_idx = host_prod;
    return c;
  }
  RingCfg drive_txc() const {
    RingCfg c = txc;
    c.enable = running;
    c.host_idx = host_cons;
    return c;
  }

  // ---------------------------------------------------------------- monitors
  void observe(Outputs& o) {
    if (o.assertion) fail("an RTL assertion fired");
    observe_reads(o);
    observe_writes(o);
    observe_mac(o);
    if (o.compl_event && ++obs.compl_events > compl_acked_ok)
      fail("compl_event before its completion's write was answered OK");
    obs.cnt_frames_tx += o.cnt_frames_tx;
    obs.cnt_desc_rejected += o.cnt_desc_rejected;
    obs.cnt_tx_completions += o.cnt_tx_completions;
    if (o.dma_err_valid)
      obs.dma_errors.push_back({cycle, o.dma_err_addr, o.dma_err_write, o.dma_err_source});
    if (stopped && o.idle) idle_after_stop = true;
    if (idle_after_stop && ((o.rd.ar.valid && o.rd.ar.ready) || (o.wr.aw.valid && o.wr.aw.ready)))
      ++obs.axi_after_idle;
    last = o;
  }

  void observe_reads(const Outputs& o) {
    const AxiReadPorts& p = o.rd;
    if (p.rvalid && p.rready) {
      if (reads.empty()) {
        fail("an R beat with no read asked for");
      } else {
        Read& r = reads.front();
        if (r.fetch && p.rresp >= kAxiSlvErr)
          for (uint64_t e = r.first; e < r.first + r.entries && e < posted.size(); ++e)
            posted[e].fetch_failed = true;
        if (p.rlast) {
          if (r.fetch) entries_read += r.entries;
          reads.pop_front();
        }
      }
    }
    if (p.ar.valid && p.ar.ready) {
      const uint64_t beats = uint64_t(p.ar.len) + 1;
      const uint64_t ring_end = txd.base + (uint64_t{1} << txd.size_log2) * kDescEntry;
      ++obs.ar_bursts;
      if (p.ar.addr >= txd.base && p.ar.addr < ring_end)
        observe_fetch(p.ar.addr, beats, ring_end);
      else
        observe_payload_read(p.ar.addr, beats);
      rd_checker->expect_read(p.ar.addr, beats);
    }
    rd_checker->check(cycle, p);
  }

  void observe_fetch(uint64_t addr, uint64_t beats, uint64_t ring_end) {
    const uint64_t size = uint64_t{1} << txd.size_log2;
    const uint64_t want = txd.base + (fetch_pos % size) * kDescEntry;
    const uint64_t entries = beats * uint64_t(bytes) / kDescEntry;
    if (addr != want) fail("a TXD fetch at " + hex(addr) + ", the next entry is at " + hex(want));
    if (entries > uint64_t(prm.fetch_batch)) fail("a TXD fetch of " + std::to_string(entries) + " entries");
    if (fetch_pos + entries > posted.size())
      fail("a TXD fetch of entries the host has not posted");
    if (addr + beats * uint64_t(bytes) > ring_end) fail("a TXD fetch past the ring's end");
    ++obs.fetch_bursts;
    obs.fetched_entries += entries;
    if (stopped) ++obs.reads_started_after_stop;
    reads.push_back({true, fetch_pos, entries});
    fetch_pos += entries;
  }

  // The beats a read of [addr, addr + len) covers: from addr rounded down to
  // the beat.
  PartRead beats_of(uint64_t addr, uint32_t len) const {
    const uint64_t b = uint64_t(bytes), from = addr / b * b;
    return PartRead{from, (addr + len - from + b - 1) / b};
  }

  void observe_payload_read(uint64_t addr, uint64_t beats) {
    reads.push_back({false, 0, 0});
    if (payload_left > 0 && addr == payload_next) {  // the part's next burst
      payload_next += beats * uint64_t(bytes);
      if (beats > payload_left) fail("a payload read past the part's end at " + hex(addr));
      payload_left = beats > payload_left ? 0 : payload_left - beats;
      return;
    }
    if (payload_left > 0) fail("a payload read cut short before " + hex(addr));
    if (!parts_left.empty()) {  // the descriptor's next part
      if (addr != parts_left.front().addr)
        fail("a read at " + hex(addr) + ", the descriptor's next part starts at " + hex(parts_left.front().addr));
      start_part(addr, beats);
      return;
    }
    const auto it = by_payload_addr.find(addr);
    if (it == by_payload_addr.end()) {
      fail("a read at " + hex(addr) + ": neither the TXD ring nor a payload");
      return;
    }
    const uint64_t j = it->second;
    if (next_payload > j) fail("payload " + std::to_string(j) + " read again or out of order");
    // Skipped: allowed only to an entry whose fetch failed, which the bench
    // knows only of the failed fetch's burst (a fetch of several bursts
    // fails whole): judged by its completion (consume_one).
    for (uint64_t k = next_payload; k < j && k < posted.size(); ++k)
      if (needs_read(k)) skipped.insert(k);
    if (!needs_read(j)) fail("payload " + std::to_string(j) + " read, which must not be");
    next_payload = j + 1;
    ++obs.payload_reads;
    if (stopped) ++obs.reads_started_after_stop;
    parts_left.assign(posted[j].reads.begin(), posted[j].reads.end());
    start_part(addr, beats);
  }

  // The first burst of the next part in parts_left.
  void start_part(uint64_t addr, uint64_t beats) {
    const uint64_t total = parts_left.front().beats;
    parts_left.pop_front();
    payload_next = addr + beats * uint64_t(bytes);
    if (beats > total) fail("a payload read past the part's end at " + hex(addr));
    payload_left = beats > total ? 0 : total - beats;
  }

  bool needs_read(uint64_t k) const { return posted[k].needs_read_by_rule && !posted[k].fetch_failed; }

  void observe_writes(const Outputs& o) {
    const AxiWritePorts& p = o.wr;
    if (p.wvalid && p.wready && !w_kinds.empty()) {
      const Write k = w_kinds.front();
      if (k != Write::kCompletion) {
        const uint16_t v = uint16_t(p.wdata[2] << 8 | p.wdata[3]);
        if (k == Write::kTxcProd && !index_not_after(v, uint16_t(compl_acked)))
          fail("TXC PROD write-back " + std::to_string(v) + " ahead of the completions answered");
        if (k == Write::kTxdCons && !index_not_after(v, uint16_t(entries_read)))
          fail("TXD CONS write-back " + std::to_string(v) + " ahead of the entries read");
      }
      if (p.wlast) w_kinds.pop_front();
    }
    if (p.bvalid && p.bready) {
      if (b_kinds.empty()) {
        fail("a B response with no write asked for");
      } else {
        if (b_kinds.front() == Write::kCompletion) {
          ++compl_acked;
          if (p.bresp == kAxiOkay) ++compl_acked_ok;
        }
        b_kinds.pop_front();
      }
    }
    if (p.aw.valid && p.aw.ready) {
      ++obs.aw_bursts;
      if (stopped) ++obs.writes_started_after_stop;
      Write kind = Write::kCompletion;
      if (txd.wb_addr != 0 && p.aw.addr == txd.wb_addr) kind = Write::kTxdCons;
      if (txc.wb_addr != 0 && p.aw.addr == txc.wb_addr) kind = Write::kTxcProd;
      if (kind == Write::kCompletion) {
        const uint64_t size = uint64_t{1} << txc.size_log2;
        const uint64_t slot = compl_writes % size;
        const uint64_t per_beat = std::max<uint64_t>(1, uint64_t(bytes) / kComplEntry);
        const uint64_t pos = slot % per_beat;
        const uint64_t addr = txc.base + (slot - pos) * kComplEntry;
        if (p.aw.addr != addr)
          fail("completion " + std::to_string(compl_writes) + " written at " + hex(p.aw.addr) +
               ", its block is at " + hex(addr));
        wr_checker->expect_write(addr, (pos + 1) * kComplEntry);
        ++compl_writes;
        ++obs.completion_writes;
      } else {
        wr_checker->expect_write(p.aw.addr, 4);
      }
      w_kinds.push_back(kind);
      b_kinds.push_back(kind);
    }
    wr_checker->check(cycle, p);
  }

  void observe_mac(const Outputs& o) {
    if (mac_held && (!o.m_tvalid || o.m_tdata != held_data || o.m_tkeep != held_keep ||
                     o.m_tlast != held_last))
      fail("m_axis_tx changed or TVALID fell before TREADY");
    if (o.m_tvalid && o.m_tready) {
      if (!mac_in_frame && stopped) {
        if (mac_held_at_stop)
          mac_held_at_stop = false;  // the beat offered before the stop
        else
          ++obs.frames_started_after_stop;
      }
      mac_in_frame = !o.m_tlast;
      if (o.m_tlast) obs.frame_last_cycle.push_back(cycle);
    }
    mac_held = o.m_tvalid && !o.m_tready;
    held_data = o.m_tdata;
    held_keep = o.m_tkeep;
    held_last = o.m_tlast;
  }

  void fail(const std::string& what) { violations.fail(cycle, what); }

  static std::string hex(uint64_t v) {
    char buf[24];
    snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
  }

  void fresh_checkers() {
    rd_checker = std::make_unique<AxiReadChecker>(bytes, prm.max_burst, prm.outstanding);
    wr_checker = std::make_unique<AxiWriteChecker>(bytes, prm.max_burst, prm.outstanding);
  }

  // Everything the host and the monitors know, back to the start.
  void forget() {
    host_prod = host_cons = 0;
    queue.clear();
    posted.clear();
    by_payload_addr.clear();
    parts_left.clear();
    skipped.clear();
    completions_read = 0;
    reads.clear();
    w_kinds.clear();
    b_kinds.clear();
    fetch_pos = entries_read = next_payload = payload_left = payload_next = 0;
    compl_writes = compl_acked = compl_acked_ok = 0;
    mac_in_frame = mac_held = false;
    // The checkers' rules carry over nothing once the engine is reset.
    collect_checker_violations();
    fresh_checkers();
  }

  void collect_checker_violations() {
    for (const auto& v : rd_checker->violations()) extra_violations.push_back(v);
    for (const auto& v : wr_checker->violations()) extra_violations.push_back(v);
  }

  TxObservations& observations() {
    obs.violations = violations.list();
    for (const auto& v : extra_violations) obs.violations.push_back(v);
    for (const auto& v : rd_checker->violations()) obs.violations.push_back(v);
    for (const auto& v : wr_checker->violations()) obs.violations.push_back(v);
    return obs;
  }

  enum class Write { kCompletion, kTxdCons, kTxcProd };
  struct Read {
    bool fetch;
    uint64_t first, entries;
  };
  struct Posted {
    TxPost post;
    std::vector<PartRead> reads;  // its parts of nonzero length
    bool needs_read_by_rule = false;
    bool fetch_failed = false;
  };

  const TxEngineParams& prm;
  const int bytes;
  AxiMemory& mem;
  TxBenchOptions opt;
  std::mt19937_64 rng;
  std::bernoulli_distribution doorbell, consume_draw;
  bool consume;

  uint64_t cycle = 0;
  bool running = false, stopped = false, idle_after_stop = false;
  bool mac_held_at_stop = false;  // a beat was offered, not taken, when stop() came
  RingCfg txd, txc;
  uint16_t host_prod = 0, host_cons = 0;
  std::deque<TxPost> queue;
  std::vector<Posted> posted;
  std::map<uint64_t, uint64_t> by_payload_addr;  // a first part's read address: its descriptor
  std::deque<PartRead> parts_left;                // the reading descriptor's parts not begun
  std::set<uint64_t> skipped;                     // posted, payload not read: fetch failed?
  uint64_t completions_read = 0;

  std::deque<Read> reads;
  std::deque<Write> w_kinds, b_kinds;
  uint64_t fetch_pos = 0, entries_read = 0, next_payload = 0, payload_left = 0, payload_next = 0;
  uint64_t compl_writes = 0, compl_acked = 0, compl_acked_ok = 0;
  bool mac_in_frame = false, mac_held = false, held_last = false;
  std::vector<uint8_t> held_data;
  uint64_t held_keep = 0;

  Outputs last;
  AxiViolations violations;
  std::vector<std::string> extra_violations;
  std::unique_ptr<AxiReadChecker> rd_checker;
  std::unique_ptr<AxiWriteChecker> wr_checker;
  TxObservations obs;
};

namespace {

template <typename V, int kBytes>
class ModelBench final : public TxEngineBench::Impl {
 public:
  ModelBench(const TxEngineParams& p, AxiMemory& m, const TxBenchOptions& o)
      : Impl(p, m, o), t(o.fst_path), rd_slave(m, kBytes, o.slave), wr_slave(m, kBytes, wr_timing(o.slave)),
        sink(rng, Throttle(o.mac_tready_prob)) {
    idle_inputs();
    hold_reset();
  }

  static AxiSlaveTiming wr_timing(AxiSlaveTiming s) {
    s.seed = s.seed * 31 + 7;  // the write slave draws its own numbers
    return s;
  }

  void idle_inputs() {
    t->rst = 0;
    t->enable = 0;
    set_ring_cfg(t->txd_cfg, 0, RingCfg{});
    set_ring_cfg(t->txc_cfg, 0, RingCfg{});
    t->now = 0;
    t->m_axis_tx_tready = 0;
    t->m_axi_arready = 0;
    t->m_axi_rvalid = 0;
    t->m_axi_awready = 0;
    t->m_axi_wready = 0;
    t->m_axi_bvalid = 0;
  }

  void hold_reset() override {
    t->rst = 1;
    for (int i = 0; i < 4; ++i) {
      t->now = cycle;
      t.settle();
      t.rising_edge();
      ++cycle;
    }
    t->rst = 0;
  }

  void clock() override {
    host_before_cycle();
    t->enable = running;
    set_ring_cfg(t->txd_cfg, 0, drive_txd());
    set_ring_cfg(t->txc_cfg, 0, drive_txc());
    t->now = cycle;
    t->m_axis_tx_tready = sink.decide();
    rd_slave.prepare(cycle);
    wr_slave.prepare(cycle);
    t->m_axi_arready = rd_slave.arready();
    t->m_axi_rvalid = rd_slave.rvalid();
    t->m_axi_rid = rd_slave.rid();
    t->m_axi_rlast = rd_slave.rlast();
    t->m_axi_rresp = rd_slave.rresp();
    for (int i = 0; i < kBytes; ++i) set_lane(t->m_axi_rdata, i, rd_slave.rdata()[size_t(i)]);
    t->m_axi_awready = wr_slave.awready();
    t->m_axi_wready = wr_slave.wready();
    t->m_axi_bvalid = wr_slave.bvalid();
    t->m_axi_bid = wr_slave.bid();
    t->m_axi_bresp = wr_slave.bresp();
    t.settle();

    Outputs o;
    o.rd.ar = {bool(t->m_axi_arvalid), bool(t->m_axi_arready), t->m_axi_araddr, t->m_axi_arid,
               t->m_axi_arlen, t->m_axi_arsize, t->m_axi_arburst, t->m_axi_arcache, t->m_axi_arprot};
    o.rd.rvalid = t->m_axi_rvalid;
    o.rd.rready = t->m_axi_rready;
    o.rd.rlast = t->m_axi_rlast;
    o.rd.rid = t->m_axi_rid;
    o.rd.rresp = t->m_axi_rresp;
    o.wr.aw = {bool(t->m_axi_awvalid), bool(t->m_axi_awready), t->m_axi_awaddr, t->m_axi_awid,
               t->m_axi_awlen, t->m_axi_awsize, t->m_axi_awburst, t->m_axi_awcache, t->m_axi_awprot};
    o.wr.wvalid = t->m_axi_wvalid;
    o.wr.wready = t->m_axi_wready;
    o.wr.wlast = t->m_axi_wlast;
    o.wr.wdata.resize(kBytes);
    for (int i = 0; i < kBytes; ++i) o.wr.wdata[size_t(i)] = get_lane(t->m_axi_wdata, i);
    o.wr.wstrb = get_bits(t->m_axi_wstrb, 0, kBytes);
    o.wr.bvalid = t->m_axi_bvalid;
    o.wr.bready = t->m_axi_bready;
    o.wr.bid = t->m_axi_bid;
    o.wr.bresp = t->m_axi_bresp;
    o.m_tvalid = t->m_axis_tx_tvalid;
    o.m_tready = t->m_axis_tx_tready;
    o.m_tlast = t->m_axis_tx_tlast;
    o.m_tdata.resize(kBytes);
    for (int i = 0; i < kBytes; ++i) o.m_tdata[size_t(i)] = get_lane(t->m_axis_tx_tdata, i);
    o.m_tkeep = get_bits(t->m_axis_tx_tkeep, 0, kBytes);
    o.idle = t->idle;
    o.compl_event = t->compl_event;
    o.cnt_frames_tx = t->cnt_frames_tx;
    o.cnt_desc_rejected = t->cnt_desc_rejected;
    o.cnt_tx_completions = t->cnt_tx_completions;
    o.dma_err_valid = t->dma_err_valid;
    o.dma_err_addr = t->dma_err_addr;
    o.dma_err_write = t->dma_err_write;
    o.dma_err_source = t->dma_err_source;
    o.txd_cons = t->txd_cons;
    o.txc_prod = t->txc_prod;
    o.assertion = t.assertion_fired();
    observe(o);
    if (o.m_tvalid && o.m_tready) {
      sink.take(cycle, t->m_axis_tx_tdata, t->m_axis_tx_tkeep, o.m_tlast);
      if (!sink.tkeep_violation().empty() && !tkeep_reported) {
        fail("m_axis_tx: " + sink.tkeep_violation());
        tkeep_reported = true;
      }
      for (auto& f : sink.take_packets()) obs.frames.push_back(std::move(f));
    }

    t.rising_edge();
    rd_slave.clock(cycle, o.rd);
    wr_slave.clock(cycle, o.wr);
    ++cycle;
  }

  bool tkeep_reported = false;
  VlClocked<V> t;
  AxiReadSlave rd_slave;
  AxiWriteSlave wr_slave;
  AxisSink<kBytes> sink;
};

}  // namespace

TxEngineBench::TxEngineBench(int data_width, AxiMemory& mem, const TxBenchOptions& options) {
  const TxEngineParams& p = tx_engine_params(data_width);
  if (data_width == 64)
    impl_ = std::make_unique<ModelBench<Vtcpoe_tx_engine_64, 8>>(p, mem, options);
  else
    impl_ = std::make_unique<ModelBench<Vtcpoe_tx_engine_512, 64>>(p, mem, options);
}

TxEngineBench::~TxEngineBench() = default;

const TxEngineParams& TxEngineBench::params() const { return impl_->prm; }

void TxEngineBench::reset() {
  impl_->hold_reset();
  impl_->forget();
}

void TxEngineBench::start(const RingCfg& txd, const RingCfg& txc) {
  // The host clears its completion ring and write-back words first, as a driver does.
  const uint64_t octets = (uint64_t{1} << txc.size_log2) * kComplEntry;
  for (uint64_t a = 0; a < octets; ++a) impl_->mem.write(txc.base + a, 0);
  for (const uint64_t wb : {txd.wb_addr, txc.wb_addr})
    for (uint64_t a = 0; wb != 0 && a < 4; ++a) impl_->mem.write(wb + a, 0);
  impl_->txd = txd;
  impl_->txc = txc;
  impl_->running = true;
  impl_->stopped = false;
  impl_->idle_after_stop = false;
}

void TxEngineBench::stop() {
  impl_->running = false;
  impl_->stopped = true;
  impl_->idle_after_stop = false;
  impl_->mac_held_at_stop = impl_->mac_held && !impl_->mac_in_frame;
}

void TxEngineBench::post(const std::vector<TxPost>& posts) {
  for (const auto& p : posts) impl_->queue.push_back(p);
}

void TxEngineBench::set_consume(bool on) { impl_->consume = on; }

bool TxEngineBench::run_until(const std::function<bool()>& done, uint64_t max_cycles) {
  for (uint64_t i = 0; i < max_cycles; ++i) {
    if (done()) return true;
    impl_->clock();
  }
  return done();
}

bool TxEngineBench::run_for(uint64_t cycles) {
  for (uint64_t i = 0; i < cycles; ++i) impl_->clock();
  return true;
}

bool TxEngineBench::idle() const { return impl_->last.idle; }
uint16_t TxEngineBench::txd_cons() const { return impl_->last.txd_cons; }
uint16_t TxEngineBench::txc_prod() const { return impl_->last.txc_prod; }
uint16_t TxEngineBench::host_txd_prod() const { return impl_->host_prod; }
uint16_t TxEngineBench::host_txc_cons() const { return impl_->host_cons; }
size_t TxEngineBench::posts_waiting() const { return impl_->queue.size(); }
uint64_t TxEngineBench::cycle() const { return impl_->cycle; }

uint32_t TxEngineBench::read_be32(uint64_t addr) const { return uint32_t(be_read(impl_->mem, addr, 4)); }

const TxObservations& TxEngineBench::seen() const { return impl_->observations(); }

// The rules broken stay reported (seen() gathers them each time); what was
// seen restarts.
void TxEngineBench::clear_observations() {
  impl_->obs = TxObservations{};
}

}  // namespace tcpoe::sim

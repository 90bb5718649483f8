#include "top_harness.h"

#include <deque>
#include <random>
#include <stdexcept>

#include "Vtcpoe_top_512.h"
#include "Vtcpoe_top_64.h"
#include "axi_ports.h"
#include "axis.h"
#include "tcpoe/wire/device_regs.h"
#include "verilator_ports.h"
#include "vl_clocked.h"

namespace tcpoe::sim {

namespace d = wire::dev;

namespace {

// What sim/device/CMakeLists.txt passes with -G (MAX_FRAME = 14 + 60 + 60 +
// MAX_PAYLOAD, the top's own rule), and the top's defaults for the rest.
constexpr TopParams kTop64{64, 2048, 14 + 60 + 60 + 2048, 64, 8};
constexpr TopParams kTop512{512, 2048, 14 + 60 + 60 + 2048, 16, 8};

// Masters behind the mux: reads TX, RX; writes TX, RX, MSI-X.
constexpr int kReadMasters = 2, kWriteMasters = 3;

}  // namespace

const TopParams& top_params(int data_width) {
  if (data_width == kTop64.data_width) return kTop64;
  if (data_width == kTop512.data_width) return kTop512;
  throw std::invalid_argument("tcpoe_top is verilated at DATA_W 64 and 512 only, not " +
                              std::to_string(data_width));
}

struct TopHarness::Wire {
  TopHarness* a;
  std::mt19937_64 rng;
  Throttle a_to_b, b_to_a;
};

// The width-independent face of a verilated top and its surroundings.
struct TopHarness::Core {
  virtual ~Core() = default;
  // Start of a cycle: every input but the linked MAC ports, then settle.
  virtual void drive() = 0;
  // Linked MAC ports: the peer's m_axis_tx beat (if `open`) onto s_axis_rx.
  virtual void rx_from(Core& peer, bool open) = 0;
  virtual void tx_ready(bool ready) = 0;
  virtual bool rx_ready() = 0;
  virtual void settle() = 0;
  // The clock edge: observe the cycle's handshakes, then clock.
  virtual void edge() = 0;
  // Queues a frame (owned by rx_queue) on the MAC source; the problem, or "".
  virtual std::string add_rx(const Octets& frame) = 0;
  virtual std::vector<std::string> violations() const = 0;

  // BAR0: the operation in progress.
  struct BarOp {
    bool active = false, write = false, addressed = false, done = false;
    uint32_t offset = 0, value = 0;
    uint8_t strobes = 0xf;
    AxiResp resp = AxiResp::kOkay;
  } bar;
  std::deque<Octets> rx_queue;  // frames for s_axis_rx, owned here for the source
  bool linked = false;
};

template <typename V, int kBytes>
struct TopHarness::CoreImpl : TopHarness::Core {
  CoreImpl(TopHarness& harness, const TopOptions& o)
      : h(harness),
        top(o.fst_path),
        rng(o.seed * 6364136223846793005ull + 1),
        rd_slave(h.memory_, kBytes, o.host),
        wr_slave(h.memory_, kBytes, o.host),
        rd_check(kBytes, h.params_.dma_max_burst, kReadMasters * h.params_.dma_outstanding),
        // the MSI-X writer has one write outstanding at most
        wr_check(kBytes, h.params_.dma_max_burst, (kWriteMasters - 1) * h.params_.dma_outstanding + 1),
        rx_source(rng, Throttle(o.mac_rx_valid)),
        tx_pace(o.mac_tx_ready) {
    rd_check.allow_any_read();
    wr_check.allow_any_write();
    top->s_axil_awvalid = 0;
    top->s_axil_wvalid = 0;
    top->s_axil_arvalid = 0;
    top->s_axil_bready = 1;
    top->s_axil_rready = 1;
    top->m_axi_arready = 0;
    top->m_axi_rvalid = 0;
    top->m_axi_awready = 0;
    top->m_axi_wready = 0;
    top->m_axi_bvalid = 0;
    top->m_axis_tx_tready = 0;
    top->s_axis_rx_tvalid = 0;
    top.reset();
    top.settle();
  }

  void drive() override {
    const uint64_t cycle = h.cycle_;
    // BAR0
    top->s_axil_awvalid = bar.active && bar.write && !bar.addressed;
    top->s_axil_wvalid = top->s_axil_awvalid;
    top->s_axil_awaddr = uint16_t(bar.offset);
    top->s_axil_wdata = bar.value;
    top->s_axil_wstrb = bar.strobes & 0xf;
    top->s_axil_arvalid = bar.active && !bar.write && !bar.addressed;
    top->s_axil_araddr = uint16_t(bar.offset);
    // Host memory
    rd_slave.prepare(cycle);
    wr_slave.prepare(cycle);
    drive_read_slave(top.top(), rd_slave, kBytes);
    drive_write_slave(top.top(), wr_slave);
    // MAC, when not linked to a peer
    if (!linked) {
      rx_source.decide();
      rx_source.drive(top->s_axis_rx_tvalid, top->s_axis_rx_tdata, top->s_axis_rx_tkeep,
                      top->s_axis_rx_tlast);
      top->m_axis_tx_tready = tx_pace.next(rng);
    }
    top.settle();
  }

  void rx_from(Core& peer_core, bool open) override {
    auto& p = static_cast<CoreImpl&>(peer_core).top;
    top->s_axis_rx_tvalid = open && p->m_axis_tx_tvalid;
    top->s_axis_rx_tdata = p->m_axis_tx_tdata;
    top->s_axis_rx_tkeep = p->m_axis_tx_tkeep;
    top->s_axis_rx_tlast = p->m_axis_tx_tlast;
  }
  void tx_ready(bool ready) override { top->m_axis_tx_tready = ready; }
  bool rx_ready() override { return top->s_axis_rx_tready; }
  void settle() override { top.settle(); }
  std::string add_rx(const Octets& frame) override { return rx_source.add(frame); }
  std::vector<std::string> violations() const override {
    std::vector<std::string> all = harness_faults.list();
    for (const auto& v : rd_check.violations()) all.push_back("read: " + v);
    for (const auto& v : wr_check.violations()) all.push_back("write: " + v);
    if (rx_source.tkeep_violations() != 0) all.push_back("the MAC source broke the tkeep rule");
    return all;
  }

  void edge() override {
    const uint64_t cycle = h.cycle_;
    const AxiReadPorts rp = read_ports(top.top());
    rd_check.check(cycle, rp);
    const AxiWritePorts wp = write_ports(top.top(), kBytes);
    wr_check.check(cycle, wp);

    if (rp.ar.valid || wp.aw.valid) h.last_request_cycle_ = cycle;
    h.requests_ += uint64_t(rp.ar.valid && rp.ar.ready) + uint64_t(wp.aw.valid && wp.aw.ready);
    record_msix(cycle, wp);

    // MAC: frames out and in.
    if (top->m_axis_tx_tvalid && top->m_axis_tx_tready) {
      for (int l = 0; l < kBytes; ++l)
        if (get_bit(top->m_axis_tx_tkeep, l)) tx_frame.push_back(get_lane(top->m_axis_tx_tdata, l));
      if (top->m_axis_tx_tlast) h.tx_frames_.push_back(std::move(tx_frame)), tx_frame.clear();
    }
    if (top->s_axis_rx_tvalid && top->s_axis_rx_tready && top->s_axis_rx_tlast) ++h.rx_frames_taken_;
    if (!linked) rx_source.edge(top->s_axis_rx_tready, cycle);

    // BAR0 progress: the address phase, then the response (BREADY/RREADY high).
    if (bar.active) {
      if (!bar.addressed) {
        bar.addressed = bar.write ? (top->s_axil_awready && top->s_axil_wready)
                                  : bool(top->s_axil_arready);
      } else if (bar.write && top->s_axil_bvalid) {
        bar.resp = static_cast<AxiResp>(top->s_axil_bresp);
        bar.done = true;
      } else if (!bar.write && top->s_axil_rvalid) {
        bar.resp = static_cast<AxiResp>(top->s_axil_rresp);
        bar.value = top->s_axil_rdata;
        bar.done = true;
      }
      if (bar.done) bar.active = false;
    }

    if (top.assertion_fired()) harness_faults.fail(cycle, "an RTL assertion fired");
    top.rising_edge();
    rd_slave.clock(cycle, rp);
    wr_slave.clock(cycle, wp);
    if (wp.aw.valid && wp.aw.ready) write_bursts.push_back({wp.aw.addr, wp.aw.len + 1u});
  }

  // A W beat covering the 4 octets of a watched MSI-X address is a message.
  void record_msix(uint64_t cycle, const AxiWritePorts& wp) {
    if (!(wp.wvalid && wp.wready)) return;
    if (write_bursts.empty()) return;  // the checker reports W before AW
    auto& burst = write_bursts.front();
    const uint64_t beat_addr = burst.first;
    for (const uint64_t a : h.msix_watch_) {
      if (a < beat_addr || a + 4 > beat_addr + kBytes) continue;
      const int lane = int(a - beat_addr);
      if (((wp.wstrb >> lane) & 0xf) != 0xf) continue;
      uint32_t data = 0;
      for (int i = 3; i >= 0; --i) data = (data << 8) | wp.wdata[size_t(lane + i)];
      h.msix_.push_back({cycle, a, data});
    }
    burst.first += kBytes;
    if (--burst.second == 0) write_bursts.pop_front();
  }

  TopHarness& h;
  VlClocked<V> top;
  std::mt19937_64 rng;
  AxiReadSlave rd_slave;
  AxiWriteSlave wr_slave;
  AxiReadChecker rd_check;
  AxiWriteChecker wr_check;
  AxiViolations harness_faults;
  AxisSource<kBytes> rx_source;
  Throttle tx_pace;
  Octets tx_frame;
  std::deque<std::pair<uint64_t, uint32_t>> write_bursts;  // AW taken: next beat's address, beats left
};

TopHarness::TopHarness(int data_width, const TopOptions& options)
    : params_(top_params(data_width)) {
  if (data_width == 64)
    core_ = std::make_unique<CoreImpl<Vtcpoe_top_64, 8>>(*this, options);
  else
    core_ = std::make_unique<CoreImpl<Vtcpoe_top_512, 64>>(*this, options);
}

TopHarness::~TopHarness() {
  if (peer_ != nullptr) {  // the peer runs on alone, its MAC ports idle
    peer_->peer_ = nullptr;
    peer_->core_->linked = false;
  }
}

void TopHarness::write_memory(uint64_t addr, const Octets& octets) {
  for (size_t i = 0; i < octets.size(); ++i) memory_.write(addr + i, octets[i]);
}

Octets TopHarness::read_memory(uint64_t addr, size_t n) const {
  Octets out(n);
  for (size_t i = 0; i < n; ++i) out[i] = memory_.read(addr + i);
  return out;
}

void TopHarness::step() {
  TopHarness* both[2] = {this, peer_};
  const int n = peer_ != nullptr ? 2 : 1;
  for (int i = 0; i < n; ++i) both[i]->core_->drive();
  if (peer_ != nullptr) {
    // TVALID never waits for TREADY (AXI4-Stream), so the beats go first.
    Wire& w = *wire_;
    bool open_ab = w.a_to_b.next(w.rng), open_ba = w.b_to_a.next(w.rng);
    if (w.a != this) std::swap(open_ab, open_ba);  // ab: from this device to its peer
    peer_->core_->rx_from(*core_, open_ab);
    core_->rx_from(*peer_->core_, open_ba);
    core_->settle();
    peer_->core_->settle();
    core_->tx_ready(open_ab && peer_->core_->rx_ready());
    peer_->core_->tx_ready(open_ba && core_->rx_ready());
    core_->settle();
    peer_->core_->settle();
  }
  for (int i = 0; i < n; ++i) {
    both[i]->core_->edge();
    ++both[i]->cycle_;
  }
}

void TopHarness::clock(uint64_t cycles) {
  for (uint64_t i = 0; i < cycles; ++i) step();
}

bool TopHarness::run_until(const std::function<bool()>& done, uint64_t limit) {
  for (uint64_t i = 0; i < limit; ++i) {
    if (done()) return true;
    step();
  }
  return done();
}

AxiResp TopHarness::mmio_write(uint32_t offset, uint32_t value, uint8_t strobes) {
  auto& bar = core_->bar;
  bar = Core::BarOp{};
  bar.active = bar.write = true;
  bar.offset = offset;
  bar.value = value;
  bar.strobes = strobes;
  if (!run_until([&bar] { return bar.done; }, kHandshakeLimit))
    throw std::runtime_error("BAR0 write to " + std::to_string(offset) + ": no response");
  return bar.resp;
}

ReadResult TopHarness::mmio_read(uint32_t offset) {
  auto& bar = core_->bar;
  bar = Core::BarOp{};
  bar.active = true;
  bar.offset = offset;
  if (!run_until([&bar] { return bar.done; }, kHandshakeLimit))
    throw std::runtime_error("BAR0 read of " + std::to_string(offset) + ": no response");
  return {bar.value, bar.resp};
}

void TopHarness::write_reg(uint32_t offset, uint32_t value) {
  const AxiResp r = mmio_write(offset, value);
  if (r != AxiResp::kOkay)
    throw std::runtime_error("BAR0 write of " + std::to_string(value) + " to offset " +
                             std::to_string(offset) + " refused (BRESP " +
                             std::to_string(int(r)) + ")");
}

uint32_t TopHarness::read_reg(uint32_t offset) {
  const ReadResult r = mmio_read(offset);
  if (r.resp != AxiResp::kOkay)
    throw std::runtime_error("BAR0 read of offset " + std::to_string(offset) + " refused");
  return r.value;
}

void TopHarness::receive_frame(const Octets& frame) {
  if (peer_ != nullptr) throw std::logic_error("receive_frame: s_axis_rx is linked to a peer");
  core_->rx_queue.push_back(frame);
  const std::string bad = core_->add_rx(core_->rx_queue.back());
  if (!bad.empty()) throw std::invalid_argument("receive_frame: " + bad);
}

void TopHarness::link(TopHarness& a, TopHarness& b, double wire_pace) {
  if (&a == &b || a.peer_ != nullptr || b.peer_ != nullptr)
    throw std::logic_error("link: two devices, each linked once");
  if (a.params_.data_width != b.params_.data_width)
    throw std::invalid_argument("link: both devices at the same DATA_W");
  if (a.cycle_ != b.cycle_) {
    // Bring the younger one level, so both count the same cycles.
    TopHarness& behind = a.cycle_ < b.cycle_ ? a : b;
    behind.clock((a.cycle_ < b.cycle_ ? b.cycle_ : a.cycle_) - behind.cycle_);
  }
  a.peer_ = &b;
  b.peer_ = &a;
  a.core_->linked = b.core_->linked = true;
  a.wire_ = b.wire_ = std::make_shared<Wire>(Wire{&a, std::mt19937_64(a.cycle_ + 7),
                                                    Throttle(wire_pace), Throttle(wire_pace)});
}

void TopHarness::bring_up(const BringUp& s) {
  for (uint8_t r = 0; r < d::kRingCount; ++r) {
    const auto ring = static_cast<d::Ring>(r);
    const RingSetup& rs = s.rings[r];
    write_reg(d::ring_offset(ring, d::ring_reg::kBaseLo), uint32_t(rs.base));
    write_reg(d::ring_offset(ring, d::ring_reg::kBaseHi), uint32_t(rs.base >> 32));
    write_reg(d::ring_offset(ring, d::ring_reg::kSizeLog2), rs.size_log2);
    write_reg(d::ring_offset(ring, d::ring_reg::kWritebackLo), uint32_t(rs.wb_addr));
    write_reg(d::ring_offset(ring, d::ring_reg::kWritebackHi), uint32_t(rs.wb_addr >> 32));
    write_reg(d::ring_offset(ring, d::ring_reg::kRingControl), 1);
  }
  for (uint8_t v = 0; v < d::kIrqVectorCount; ++v) {
    const auto vec = static_cast<d::IrqVector>(v);
    const VectorSetup& vs = s.vectors[v];
    write_reg(d::irq_mod_offset(vec, d::irq_mod_reg::kCount), vs.mod_count);
    write_reg(d::irq_mod_offset(vec, d::irq_mod_reg::kTime), vs.mod_time);
    write_reg(d::msix_offset(vec, d::msix_reg::kAddrLo), uint32_t(vs.msix_addr));
    write_reg(d::msix_offset(vec, d::msix_reg::kAddrHi), uint32_t(vs.msix_addr >> 32));
    write_reg(d::msix_offset(vec, d::msix_reg::kData), vs.msix_data);
    write_reg(d::msix_offset(vec, d::msix_reg::kVectorControl), vs.masked ? 1 : 0);
    if (vs.msix_addr != 0) watch_msix(vs.msix_addr);
  }
  write_reg(d::kIrqEnable.offset, s.irq_enable);
  write_reg(d::kControl.offset, 1u << d::control_bit::kEnable);
}

void TopHarness::doorbell(int ring, uint16_t index) {
  const auto r = static_cast<d::Ring>(ring);
  write_reg(d::ring_offset(r, d::is_completion_ring(r) ? d::ring_reg::kConsHost
                                                       : d::ring_reg::kProdHost),
            index);
}

void TopHarness::watch_msix(uint64_t addr) {
  const uint64_t a = addr & ~uint64_t{3};  // bits 1:0 are not part of the address
  for (const uint64_t w : msix_watch_)
    if (w == a) return;
  msix_watch_.push_back(a);
}

std::vector<std::string> TopHarness::violations() const {
  return core_->violations();
}

}  // namespace tcpoe::sim

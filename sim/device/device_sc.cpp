// The verilated models first: Verilator's headers take a SystemC seen before
// them for a model verilated with --sc (and then want ::sc_time_stamp).
#include "Vtcpoe_top_512.h"
#include "Vtcpoe_top_512___024root.h"
#include "Vtcpoe_top_64.h"
#include "Vtcpoe_top_64___024root.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#include "verilator_ports.h"
#include "vl_clocked.h"

#include "device_sc.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <deque>
#include <map>
#include <stdexcept>
#include <vector>

namespace tcpoe::sim {

namespace {

constexpr uint8_t kOkay = 0, kSlvErr = 2, kDecErr = 3;
constexpr uint32_t kBarSize = 0x10000;

}  // namespace

std::string DeviceConfig::problem() const {
  if (data_width != 64 && data_width != 512)
    return "data_width must be 64 or 512 (the widths tcpoe_top is verilated at), not " +
           std::to_string(data_width);
  if (!(clock_mhz >= 1.0 && clock_mhz <= 2000.0)) return "clock_mhz must be in 1..2000";
  if (dma_threads == 0 || dma_threads > 1024) return "dma_threads must be in 1..1024";
  if (mac_rx_fifo_frames == 0) return "mac_rx_fifo_frames must be at least 1";
  if (reset_cycles == 0) return "reset_cycles must be at least 1";
  return "";
}

// What the clock thread, the BAR target and the requester threads share.
struct Device::Impl {
  struct BarRequest {
    bool write;
    uint32_t offset;
    uint32_t data;  // written, or read
    uint8_t resp = kOkay;
    bool done = false;
    sc_core::sc_event done_event;
  };
  // One AXI burst, from its address handshake to its last R beat or its B.
  struct Burst {
    bool write;
    uint32_t id;
    uint64_t addr;
    uint32_t beats;                // of the bus's full width, the masters' only kind
    std::vector<uint8_t> data;     // beats * DATA_W / 8
    std::vector<bool> strobe;      // writes: octets the W beats enabled
    uint32_t beats_moved = 0;      // W taken or R given
    bool transported = false;      // b_transport returned
    bool error = false;
  };
  using BurstPtr = std::shared_ptr<Burst>;
  struct RxFrame {
    Frame frame;
    uint64_t arrival_ps;
  };

  virtual ~Impl() = default;
  // One clock cycle at `now_ps`: inputs, settle, handshakes, edge.
  virtual void cycle(uint64_t now_ps) = 0;
  virtual void reset(bool on) = 0;
  virtual bool assertion_fired() const = 0;
  virtual void close_trace() = 0;
  // skip_idle: after a cycle, true when the device is settled (see
  // DeviceConfig::skip_idle); cheap while it is not.
  virtual bool settled(uint64_t now_ps) = 0;
  // skip_idle: the clock was stopped for `cycles`.
  virtual void skipped(uint64_t cycles) = 0;

  DeviceCounters counters;
  WireChannel* wire = nullptr;
  int side = 0;

  std::deque<std::shared_ptr<BarRequest>> bar_queue;  // in arrival order, writes and reads
  std::deque<BurstPtr> dma_jobs;  // bursts ready for a requester thread
  sc_core::sc_event dma_job_event;
  std::map<uint32_t, std::deque<BurstPtr>> reads_by_id, writes_by_id;  // in address order per ID
  std::deque<BurstPtr> awaiting_w;  // AW taken, W beats still to come, in AW order

  std::deque<RxFrame> rx_fifo;
  sc_core::sc_event wake;  // a BAR request or a frame arrived: the clock runs again
};

namespace {

template <typename V>
class Core final : public Device::Impl {
 public:
  static constexpr int kBytes = int(sizeof(V::m_axis_tx_tdata));  // DATA_W / 8

  Core(const DeviceConfig& cfg, Device& device) : cfg_(cfg), device_(device) {
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->randReset(2);
    ctx_->fatalOnError(false);
    ctx_->traceEverOn(!cfg.fst_path.empty());
    top_ = std::make_unique<V>(ctx_.get());
    if (!cfg.fst_path.empty()) {
      // Verilator's FST writer does not say when it cannot create the file.
      if (!std::ofstream(cfg.fst_path, std::ios::binary))
        throw std::runtime_error("cannot write the waveform " + cfg.fst_path);
      fst_ = std::make_unique<VerilatedFstC>();
      top_->trace(fst_.get(), 99);
      fst_->set_time_unit("1ps");
      fst_->set_time_resolution("1ps");
      fst_->open(cfg.fst_path.c_str());
    }
    idle_inputs();
  }
  ~Core() override {
    // As VlClocked does: a model's scopes leave the thread's current
    // context when it is destroyed, so make that its own (two devices).
    make_thread_context(ctx_.get());
    close_trace();
    top_->final();
    top_.reset();
  }
  void close_trace() override {
    if (fst_) fst_->close();
    fst_.reset();
  }

  void reset(bool on) override { top_->rst = on; }

  void skipped(uint64_t cycles) override {
    for (uint64_t* c : time_counters()) *c += cycles;
  }

  bool settled(uint64_t now_ps) override {
    const V& t = *top_;
    bool ports_quiet = !bar_ && bar_queue.empty() && !r_burst_ && !b_burst_ && awaiting_w.empty() &&
                       dma_jobs.empty() && rx_.empty() && rx_fifo.empty() && tx_.empty() &&
                       !t.m_axis_tx_tvalid && now_ps >= tx_line_taken_ps_;
    for (const auto& [id, q] : reads_by_id) ports_quiet = ports_quiet && q.empty();
    for (const auto& [id, q] : writes_by_id) ports_quiet = ports_quiet && q.empty();
    if (!ports_quiet) {
      quiet_cycles_ = 0;
      return false;
    }
    // After a few quiet cycles, compare the whole state with a copy taken a
    // cycle earlier (copying every cycle would slow busy stretches down).
    constexpr unsigned kQuietBeforeCompare = 16;
    ++quiet_cycles_;
    if (quiet_cycles_ < kQuietBeforeCompare) return false;
    const auto* state = reinterpret_cast<const unsigned char*>(t.rootp);
    constexpr std::size_t kStateBytes = sizeof(*t.rootp);
    if (quiet_cycles_ == kQuietBeforeCompare + 1 && same_but_time(state)) return true;
    if (quiet_cycles_ > kQuietBeforeCompare) quiet_cycles_ = 0;  // still moving: look again later
    else snapshot_.assign(state, state + kStateBytes);
    return false;
  }
  bool assertion_fired() const override { return ctx_->gotError(); }

  void cycle(uint64_t now_ps) override {
    make_thread_context(ctx_.get());  // errors and $time go to this model's context
    drive(now_ps);
    top_->clk = 0;
    top_->eval();
    if (fst_) fst_->dump(now_ps);
    if (!top_->rst) handshakes(now_ps);
    top_->clk = 1;
    top_->eval();
    if (fst_) fst_->dump(now_ps + half_period_ps());
    counters.cycles++;
  }

 private:
  uint64_t half_period_ps() const { return uint64_t(500'000.0 / cfg_.clock_mhz); }

  void idle_inputs() {
    V& t = *top_;
    t.clk = 0;
    t.rst = 1;
    t.s_axil_awvalid = t.s_axil_wvalid = t.s_axil_arvalid = 0;
    t.s_axil_bready = t.s_axil_rready = 1;
    t.s_axil_wstrb = 0xf;
    t.m_axi_arready = t.m_axi_awready = 1;
    t.m_axi_rvalid = t.m_axi_bvalid = t.m_axi_wready = 0;
    t.m_axis_tx_tready = 0;
    t.s_axis_rx_tvalid = 0;
  }

  // ---- inputs for this cycle ----
  void drive(uint64_t now_ps) {
    V& t = *top_;
    // BAR: the request at the head of the queue, AW and W together.
    if (!bar_ && !bar_queue.empty() && !t.rst) {
      bar_ = std::move(bar_queue.front());
      bar_queue.pop_front();
      aw_done_ = w_done_ = false;
      if (bar_->write) {
        t.s_axil_awaddr = bar_->offset;
        t.s_axil_wdata = bar_->data;
      } else {
        t.s_axil_araddr = bar_->offset;
      }
    }
    t.s_axil_awvalid = bar_ && bar_->write && !aw_done_;
    t.s_axil_wvalid = bar_ && bar_->write && !w_done_;
    t.s_axil_arvalid = bar_ && !bar_->write && !aw_done_;

    // R: one burst at a time, the first ID whose oldest read is back.
    if (!r_burst_)
      for (auto& [id, q] : reads_by_id)
        if (!q.empty() && q.front()->transported) {
          r_burst_ = q.front();
          break;
        }
    t.m_axi_rvalid = r_burst_ != nullptr;
    if (r_burst_) {
      const Burst& b = *r_burst_;
      t.m_axi_rid = b.id;
      t.m_axi_rresp = b.error ? kSlvErr : kOkay;
      t.m_axi_rlast = b.beats_moved + 1 == b.beats;
      const std::size_t at = std::size_t(b.beats_moved) * kBytes;
      for (int lane = 0; lane < kBytes; ++lane)
        set_lane(t.m_axi_rdata, lane, at + lane < b.data.size() ? b.data[at + lane] : 0);
    }
    // W: taken once its burst's AW has been.
    t.m_axi_wready = !awaiting_w.empty();
    // B: the first ID whose oldest write has returned.
    if (!b_burst_)
      for (auto& [id, q] : writes_by_id)
        if (!q.empty() && q.front()->transported) {
          b_burst_ = q.front();
          break;
        }
    t.m_axi_bvalid = b_burst_ != nullptr;
    if (b_burst_) {
      t.m_axi_bid = b_burst_->id;
      t.m_axi_bresp = b_burst_->error ? kSlvErr : kOkay;
    }

    // MAC TX: one frame held while the one before it is on the line.
    t.m_axis_tx_tready = wire != nullptr && now_ps >= tx_line_taken_ps_;
    // MAC RX: the oldest frame that has arrived, a beat a cycle.
    if (rx_.empty() && !rx_fifo.empty() && rx_fifo.front().arrival_ps <= now_ps) {
      rx_ = std::move(rx_fifo.front().frame);
      rx_fifo.pop_front();
      rx_at_ = 0;
      counters.frames_received++;
    }
    t.s_axis_rx_tvalid = !rx_.empty();
    if (!rx_.empty()) {
      const std::size_t n = std::min<std::size_t>(kBytes, rx_.size() - rx_at_);
      t.s_axis_rx_tkeep = 0;
      for (int lane = 0; lane < kBytes; ++lane) {
        const bool kept = std::size_t(lane) < n;
        set_lane(t.s_axis_rx_tdata, lane, kept ? rx_[rx_at_ + std::size_t(lane)] : 0);
        set_bit(t.s_axis_rx_tkeep, lane, kept);
      }
      t.s_axis_rx_tlast = rx_at_ + n == rx_.size();
    }
  }

  // ---- handshakes, before the clock edge ----
  void handshakes(uint64_t now_ps) {
    V& t = *top_;
    bar_handshakes();
    if (t.m_axi_arvalid && t.m_axi_arready) address(false, t.m_axi_arid, t.m_axi_araddr,
                                                     t.m_axi_arlen);
    if (t.m_axi_rvalid && t.m_axi_rready) {
      Burst& b = *r_burst_;
      if (++b.beats_moved == b.beats) {
        reads_by_id[b.id].pop_front();
        r_burst_.reset();
      }
    }
    if (t.m_axi_wvalid && t.m_axi_wready) write_beat();
    if (t.m_axi_awvalid && t.m_axi_awready) address(true, t.m_axi_awid, t.m_axi_awaddr,
                                                     t.m_axi_awlen);
    if (t.m_axi_bvalid && t.m_axi_bready) {
      writes_by_id[b_burst_->id].pop_front();
      b_burst_.reset();
    }
    if (t.m_axis_tx_tvalid && t.m_axis_tx_tready) tx_beat(now_ps);
    if (t.s_axis_rx_tvalid && t.s_axis_rx_tready) {
      rx_at_ += std::min<std::size_t>(kBytes, rx_.size() - rx_at_);
      if (rx_at_ == rx_.size()) rx_.clear();
    }
  }

  void bar_handshakes() {
    V& t = *top_;
    if (!bar_) return;
    if (bar_->write) {
      aw_done_ = aw_done_ || (t.s_axil_awvalid && t.s_axil_awready);
      w_done_ = w_done_ || (t.s_axil_wvalid && t.s_axil_wready);
      if (t.s_axil_bvalid && t.s_axil_bready) finish_bar(t.s_axil_bresp, 0);
    } else {
      aw_done_ = aw_done_ || (t.s_axil_arvalid && t.s_axil_arready);
      if (t.s_axil_rvalid && t.s_axil_rready) finish_bar(t.s_axil_rresp, t.s_axil_rdata);
    }
  }

  void finish_bar(uint8_t resp, uint32_t rdata) {
    bar_->resp = resp;
    if (!bar_->write) bar_->data = rdata;
    (bar_->write ? counters.bar_writes : counters.bar_reads)++;
    if (resp != kOkay) counters.bar_errors++;
    bar_->done = true;
    bar_->done_event.notify();
    bar_.reset();
  }

  void address(bool write, uint32_t id, uint64_t addr, uint32_t len) {
    auto b = std::make_shared<Burst>();
    b->write = write;
    b->id = id;
    b->addr = addr;
    b->beats = len + 1;
    b->data.assign(std::size_t(b->beats) * kBytes, 0);
    if (write) {
      b->strobe.assign(b->data.size(), false);
      writes_by_id[id].push_back(b);
      awaiting_w.push_back(b);
      counters.dma_writes++;
    } else {
      reads_by_id[id].push_back(b);
      dma_jobs.push_back(b);
      dma_job_event.notify();
      counters.dma_reads++;
    }
  }

  void write_beat() {
    V& t = *top_;
    Burst& b = *awaiting_w.front();
    const std::size_t at = std::size_t(b.beats_moved) * kBytes;
    for (int lane = 0; lane < kBytes; ++lane)
      if (get_bit(t.m_axi_wstrb, lane) && at + std::size_t(lane) < b.data.size()) {
        b.data[at + std::size_t(lane)] = get_lane(t.m_axi_wdata, lane);
        b.strobe[at + std::size_t(lane)] = true;
      }
    // WLAST ends the burst (AWLEN said how many beats; a master that
    // disagrees loses the rest, and an RTL assertion of its own says so).
    if (++b.beats_moved == b.beats || t.m_axi_wlast) {
      dma_jobs.push_back(awaiting_w.front());
      awaiting_w.pop_front();
      dma_job_event.notify();
    }
  }

  void tx_beat(uint64_t now_ps) {
    V& t = *top_;
    if (tx_.empty()) tx_first_beat_ps_ = now_ps;
    for (int lane = 0; lane < kBytes; ++lane)
      if (get_bit(t.m_axis_tx_tkeep, lane)) tx_.push_back(get_lane(t.m_axis_tx_tdata, lane));
    if (!t.m_axis_tx_tlast) return;
    Frame frame = std::move(tx_);
    tx_.clear();
    if (frame.empty()) return;  // a tlast with no octet kept: nothing to send
    counters.frames_sent++;
    if (device_.on_frame_sent) device_.on_frame_sent(frame, tx_first_beat_ps_, now_ps);
    tx_line_taken_ps_ = wire->send(side, std::move(frame)).start_ps;
  }

  // The device's free-running cycle counters (tcpoe_top's now_q, the
  // completions' timestamps, and the TX engine's registered copy): the only
  // state that changes every cycle of an idle device. skip_idle leaves them
  // out of the comparison and advances them by the cycles skipped.
  std::array<uint64_t*, 2> time_counters() const {
    return {&top_->rootp->tcpoe_top__DOT__now_q, &top_->rootp->tcpoe_top__DOT__u_tx__DOT__now_q};
  }
  // The state a cycle ago (snapshot_) and now: the same but for the time
  // counters, which went up by one.
  bool same_but_time(const unsigned char* state) const {
    const auto* base = reinterpret_cast<const unsigned char*>(top_->rootp);
    std::array<std::size_t, 2> at{};
    const auto counters = time_counters();
    for (std::size_t i = 0; i < counters.size(); ++i) {
      at[i] = std::size_t(reinterpret_cast<const unsigned char*>(counters[i]) - base);
      uint64_t before = 0;
      std::memcpy(&before, snapshot_.data() + at[i], sizeof before);
      if (*counters[i] != before + 1) return false;
    }
    std::sort(at.begin(), at.end());
    std::size_t from = 0;
    for (const std::size_t a : at) {
      if (std::memcmp(snapshot_.data() + from, state + from, a - from) != 0) return false;
      from = a + sizeof(uint64_t);
    }
    return std::memcmp(snapshot_.data() + from, state + from, snapshot_.size() - from) == 0;
  }

  DeviceConfig cfg_;
  Device& device_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<V> top_;
  std::unique_ptr<VerilatedFstC> fst_;
  std::shared_ptr<BarRequest> bar_;
  bool aw_done_ = false, w_done_ = false;
  BurstPtr r_burst_, b_burst_;
  Frame tx_;
  uint64_t tx_first_beat_ps_ = 0, tx_line_taken_ps_ = 0;
  Frame rx_;
  std::size_t rx_at_ = 0;
  unsigned quiet_cycles_ = 0;            // skip_idle: cycles in a row with nothing on the ports
  std::vector<unsigned char> snapshot_;  // skip_idle: the verilated state a cycle ago
};

}  // namespace

Device::Device(sc_core::sc_module_name name, const DeviceConfig& config)
    : sc_core::sc_module(name), bar_target("bar_target"), dma_initiator("dma_initiator"),
      config_(config) {
  const std::string problem = config_.problem();
  if (!problem.empty()) throw std::invalid_argument("DeviceConfig: " + problem);
  if (config_.data_width == 512)
    impl_ = std::make_unique<Core<Vtcpoe_top_512>>(config_, *this);
  else
    impl_ = std::make_unique<Core<Vtcpoe_top_64>>(config_, *this);
  bar_target.register_b_transport(this, &Device::bar_b_transport);
  SC_HAS_PROCESS(Device);
  SC_THREAD(clock_thread);
  for (unsigned i = 0; i < config_.dma_threads; ++i) {
    sc_core::sc_spawn_options opts;
    sc_core::sc_spawn([this] { dma_thread(); }, sc_core::sc_gen_unique_name("dma"), &opts);
  }
}

Device::~Device() = default;

void Device::connect(WireChannel& wire, int side) {
  if (side != 0 && side != 1) throw std::out_of_range("Device::connect: side must be 0 or 1");
  impl_->wire = &wire;
  impl_->side = side;
  wire.attach(side, this);
}

void Device::frame_arrived(const Frame& frame, uint64_t time_ps) {
  if (impl_->rx_fifo.size() >= config_.mac_rx_fifo_frames) {
    impl_->counters.mac_rx_dropped++;
    return;
  }
  impl_->rx_fifo.push_back({frame, time_ps});
  impl_->wake.notify();
}

const DeviceCounters& Device::counters() const { return impl_->counters; }

sc_core::sc_time Device::clock_period() const {
  return sc_core::sc_time(1e6 / config_.clock_mhz, sc_core::SC_PS);
}

bool Device::assertion_fired() const { return impl_->assertion_fired(); }

void Device::end_of_simulation() { impl_->close_trace(); }

void Device::clock_thread() {
  const sc_core::sc_time period = clock_period();
  impl_->reset(true);
  for (unsigned i = 0; i < config_.reset_cycles; ++i) {
    impl_->cycle(to_wire_ps(sc_core::sc_time_stamp()));
    wait(period);
  }
  impl_->reset(false);
  for (;;) {
    impl_->cycle(to_wire_ps(sc_core::sc_time_stamp()));
    wait(period);
    if (config_.skip_idle && impl_->settled(to_wire_ps(sc_core::sc_time_stamp()))) {
      const sc_core::sc_time stopped = sc_core::sc_time_stamp();
      wait(impl_->wake);
      // Back on the clock's grid (the clock started at time 0).
      const sc_core::sc_time off = sc_core::sc_time::from_value(sc_core::sc_time_stamp().value() % period.value());
      if (off > sc_core::SC_ZERO_TIME) wait(period - off);
      const uint64_t cycles = (sc_core::sc_time_stamp() - stopped).value() / period.value();
      impl_->skipped(cycles);
      impl_->counters.cycles_skipped += cycles;
    }
  }
}

void Device::dma_thread() {
  for (;;) {
    while (impl_->dma_jobs.empty()) wait(impl_->dma_job_event);
    Impl::BurstPtr b = impl_->dma_jobs.front();
    impl_->dma_jobs.pop_front();
    // Writes: one transport per run of strobed octets (the model refuses
    // byte enables); a burst with no octet enabled moves nothing.
    std::vector<std::pair<std::size_t, std::size_t>> runs;  // offset, length
    if (b->write) {
      for (std::size_t i = 0; i < b->data.size();) {
        if (!b->strobe[i]) {
          ++i;
          continue;
        }
        std::size_t j = i;
        while (j < b->data.size() && b->strobe[j]) ++j;
        runs.push_back({i, j - i});
        i = j;
      }
    } else {
      runs.push_back({0, b->data.size()});
    }
    for (const auto& [offset, length] : runs) {
      tlm::tlm_generic_payload trans;
      trans.set_command(b->write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
      trans.set_address(b->addr + offset);
      trans.set_data_ptr(b->data.data() + offset);
      trans.set_data_length(unsigned(length));
      trans.set_streaming_width(unsigned(length));
      trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      dma_initiator->b_transport(trans, delay);
      if (delay > sc_core::SC_ZERO_TIME) wait(delay);
      if (!trans.is_response_ok()) b->error = true;
    }
    if (b->error) impl_->counters.dma_errors++;
    b->transported = true;
  }
}

void Device::bar_b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const uint64_t offset = trans.get_address();
  if (trans.get_byte_enable_ptr() != nullptr) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (trans.get_data_length() != 4 || trans.get_streaming_width() < 4 ||
      trans.get_data_ptr() == nullptr) {
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (offset % 4 != 0 || offset >= kBarSize) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  if (delay > sc_core::SC_ZERO_TIME) {
    wait(delay);
    delay = sc_core::SC_ZERO_TIME;
  }
  auto req = std::make_shared<Impl::BarRequest>();
  req->write = trans.is_write();
  req->offset = uint32_t(offset);
  impl_->bar_queue.push_back(req);
  impl_->wake.notify();
  if (req->write) {
    // Posted: queued in order with the reads (a read never passes it) and
    // answered at once; its AXI4-Lite response has no one to go to.
    std::memcpy(&req->data, trans.get_data_ptr(), 4);  // little-endian, as PCIe
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  while (!req->done) wait(req->done_event);
  std::memcpy(trans.get_data_ptr(), &req->data, 4);
  trans.set_response_status(req->resp == kOkay     ? tlm::TLM_OK_RESPONSE
                            : req->resp == kDecErr ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                                                   : tlm::TLM_GENERIC_ERROR_RESPONSE);
}

}  // namespace tcpoe::sim

#include "simulated_host.h"

#include <algorithm>
#include <stdexcept>

#include "testbed.h"

namespace tcpoe::packetdrill {

namespace {

namespace drv = tcpoe::driver;
namespace regs = tcpoe::wire::dev;
using testbed::sim_now;

constexpr std::size_t kEthHeaderOctets = 14;
constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::size_t kIpv4HeaderOctets = 20;
const sc_core::sc_time kPollInterval(1, sc_core::SC_US);  // poll mode: between two looks

sc_core::sc_time to_sc(Nanos n) { return sc_core::sc_time(double(n.count()), sc_core::SC_NS); }

uint32_t load_be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

// The testbed's host A alone on the wire, its far side packetdrill's; the
// device's clock stopped while it has nothing to do.
testbed::PairConfig pair_config(const SimulatedHostConfig& c) {
  testbed::PairConfig p;
  p.node.device.data_width = c.data_width;
  p.node.device.skip_idle = true;
  p.wire.pcap_path = c.pcap_path;
  p.host_b = false;
  return p;
}

}  // namespace

// The modules, and the host thread that owns the driver. Everything below
// runs in the caller's OS thread: SystemC processes only while the caller
// is inside sc_start().
struct SimulatedHost::Sim : sc_core::sc_module, sim::WireEnd {
  SimulatedHost& owner;
  const SimulatedHostConfig& config;
  testbed::HostPair pair;                // host A's node and the wire
  std::unique_ptr<testbed::SimHost> host;  // the driver, once up
  std::string failure;  // bring-up's
  bool ready = false;

  std::deque<std::function<void()>> requests;  // run in the host thread, in order
  sc_core::sc_event kick;                      // a request, or something to look at again
  std::function<bool()> until;                 // advance()'s condition
  bool until_met = false;
  bool want_packet = false;                    // next_packet() is waiting for one
  std::deque<OutPacket> out;
  uint64_t not_ipv4 = 0;                       // frames from the device that were not IPv4

  Sim(sc_core::sc_module_name name, SimulatedHost& o)
      : sc_core::sc_module(name),
        owner(o),
        config(o.config_),
        pair(pair_config(o.config_)) {
    pair.wire().attach(1, this);
    SC_HAS_PROCESS(Sim);
    SC_THREAD(host_thread);
  }

  // A frame the device sent, at the wire's far end.
  void frame_arrived(const sim::Frame& f, uint64_t time_ps) override {
    if (f.size() < kEthHeaderOctets + kIpv4HeaderOctets || (f[12] << 8 | f[13]) != kEtherTypeIpv4) {
      ++not_ipv4;
      return;
    }
    OutPacket p;
    p.ip.assign(f.begin() + kEthHeaderOctets, f.end());
    const std::size_t total = std::size_t(p.ip[2]) << 8 | p.ip[3];  // the padding goes
    if (total >= kIpv4HeaderOctets && total < p.ip.size()) p.ip.resize(total);
    p.time = Nanos(int64_t(time_ps / 1000));
    out.push_back(std::move(p));
    if (want_packet) sc_core::sc_pause();
  }

  void record(const std::vector<drv::PollEvent>& events) {
    for (const drv::PollEvent& e : events) {
      drv::PollEvent& seen = owner.events_[e.socket];
      seen.socket = e.socket;
      seen.events |= e.events;
      if (e.error) seen.error = e.error;
    }
  }

  void host_thread() {
    try {
      drv::dev::DeviceConfig dc;
      dc.interrupts = config.interrupts;
      host = std::make_unique<testbed::SimHost>(pair.a(), config.stack, dc);
      ready = true;
    } catch (const std::exception& e) {
      failure = e.what();
    }
    sc_core::sc_pause();
    if (!ready) return;
    for (;;) {
      while (!requests.empty()) {
        const std::function<void()> r = std::move(requests.front());
        requests.pop_front();
        r();
      }
      record(host->stack().poll(Nanos(0)));
      if (until && !until_met && until()) {
        until_met = true;
        sc_core::sc_pause();
      }
      // Interrupts that came meanwhile: the rings were just looked at, but
      // look once more (one may have come after the look).
      bool interrupted = false;
      for (const regs::IrqVector v : {regs::IrqVector::kTxCompl, regs::IrqVector::kRxCompl})
        while (pair.a().pcie.poll_interrupt(unsigned(v))) interrupted = true;
      if (interrupted || !requests.empty()) continue;
      const std::optional<drv::tcp::Time> deadline = host->stack().table().next_deadline();
      const Nanos now = sim_now();
      std::optional<sc_core::sc_time> wake;
      if (deadline) wake = to_sc(std::max(*deadline - now, Nanos(1)));
      if (!config.interrupts) wake = wake ? std::min(*wake, kPollInterval) : kPollInterval;
      if (wake)
        wait(*wake, pair.a().pcie.interrupt_event() | kick);
      else
        wait(pair.a().pcie.interrupt_event() | kick);
    }
  }
};

SimulatedHost::SimulatedHost(const SimulatedHostConfig& config) : config_(config) {
  sim_ = std::make_unique<Sim>("tcpoe_packetdrill", *this);
  sc_core::sc_start();  // until the host thread has brought the device up (or failed)
  if (!sim_->ready)
    throw std::runtime_error("the simulated device did not come up: " +
                             (sim_->failure.empty() ? std::string("no answer") : sim_->failure));
}

SimulatedHost::~SimulatedHost() = default;

void SimulatedHost::run(const std::function<void(driver::Stack&)>& call) {
  bool done = false;
  sim_->requests.push_back([&] {
    call(sim_->host->stack());
    done = true;
    sc_core::sc_pause();
  });
  sim_->kick.notify(sc_core::SC_ZERO_TIME);
  sc_core::sc_start();
  if (!done) throw std::logic_error("SimulatedHost::run: the host thread did not take the call");
}

bool SimulatedHost::advance(Nanos duration, const std::function<bool()>& done) {
  if (done && done()) return true;
  sim_->until = done;
  sim_->until_met = false;
  if (duration > Nanos(0)) sc_core::sc_start(to_sc(duration));
  sim_->until = nullptr;
  return sim_->until_met || (done && done());
}

Nanos SimulatedHost::now() const { return sim_now(); }

const driver::PollEvent* SimulatedHost::events(driver::SocketId socket) const {
  const auto it = events_.find(socket);
  return it == events_.end() ? nullptr : &it->second;
}

bool SimulatedHost::send_ip_packet(const uint8_t* packet, std::size_t length, std::string& why) {
  if (length < kIpv4HeaderOctets || packet[0] >> 4 != 4) {
    why = "only IPv4 packets go to the simulated device (this one is " + std::to_string(length) +
          " octets, version " + std::to_string(length ? packet[0] >> 4 : 0) + ")";
    return false;
  }
  sim::Frame f;
  f.reserve(std::max(kEthHeaderOctets + length, sim::ethernet::kMinFrameOctets));
  f.insert(f.end(), config_.stack.local_mac.begin(), config_.stack.local_mac.end());
  f.insert(f.end(), config_.peer_mac.begin(), config_.peer_mac.end());
  f.push_back(uint8_t(kEtherTypeIpv4 >> 8));
  f.push_back(uint8_t(kEtherTypeIpv4 & 0xff));
  f.insert(f.end(), packet, packet + length);
  if (f.size() < sim::ethernet::kMinFrameOctets) f.resize(sim::ethernet::kMinFrameOctets, 0);  // the MAC pads
  const uint32_t source = load_be32(packet + 12);
  run([&](driver::Stack& s) { s.add_neighbour(source, config_.peer_mac); });
  sim_->pair.wire().send(1, std::move(f));
  return true;
}

std::optional<OutPacket> SimulatedHost::next_packet(Nanos limit) {
  if (sim_->out.empty()) {
    sim_->want_packet = true;
    sc_core::sc_start(to_sc(limit));
    sim_->want_packet = false;
  }
  if (sim_->out.empty()) return std::nullopt;
  OutPacket p = std::move(sim_->out.front());
  sim_->out.pop_front();
  return p;
}

std::string SimulatedHost::counters_text() const {
  const driver::StackCounters& s = sim_->host->stack().counters();
  const sim::DeviceCounters& d = sim_->pair.a().device.counters();
  return "frames posted " + std::to_string(s.frames_posted) + ", rx completions " +
         std::to_string(s.rx_completions) + " (failed " + std::to_string(s.rx_failed) + "), device cycles " +
         std::to_string(d.cycles) + " run, " + std::to_string(d.cycles_skipped) + " skipped, frames not IPv4 " +
         std::to_string(sim_->not_ipv4);
}

}  // namespace tcpoe::packetdrill

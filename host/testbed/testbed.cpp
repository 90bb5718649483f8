#include "testbed.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>

#include "tcpoe/pcie/link.h"
#include "tcpoe/wire/device_regs.h"

namespace tcpoe::testbed {

tcp::Time sim_now() { return tcp::Time(int64_t(std::llround(sc_core::sc_time_stamp().to_seconds() * 1e9))); }

pcie::DmaBuffer CountingHost::dma_alloc(std::size_t bytes) {
  pcie::DmaBuffer b = inner_.dma_alloc(bytes);
  ++allocated;
  return b;
}
void CountingHost::dma_free(const pcie::DmaBuffer& buffer) {
  inner_.dma_free(buffer);
  --allocated;
}
uint64_t CountingHost::dma_map(const pcie::DmaBuffer& buffer) {
  const uint64_t address = inner_.dma_map(buffer);
  ++mapped;
  return address;
}
void CountingHost::dma_unmap(uint64_t device_address) {
  inner_.dma_unmap(device_address);
  --mapped;
}

std::chrono::nanoseconds time_wait_outlasting_fins(const tcp::ConnectionConfig& connection) {
  return 2 * connection.max_rto;
}

drv::StackConfig stack_config(const HostAddress& self, uint64_t seed, std::chrono::nanoseconds initial_rto,
                              std::optional<std::chrono::nanoseconds> time_wait) {
  drv::StackConfig c;
  c.local_ip = self.ip;
  c.local_mac = self.mac;
  c.tcp.connection.initial_rto = initial_rto;
  // The data path's timers, scaled to the simulated round trip of a few
  // microseconds as Linux's are to a LAN's: the RTO measured after the
  // handshake at least 100 us and, backed off, at most kMaxRto (or the first
  // RTO, if that is longer; it bounds TIME-WAIT below), delayed ACKs at most 20 us late, and a timestamp
  // clock (the RTT's granularity) of 1 us.
  c.tcp.connection.min_rto = std::chrono::microseconds(100);
  c.tcp.connection.max_rto = std::max<std::chrono::nanoseconds>(kMaxRto, initial_rto);
  c.tcp.connection.delayed_ack = std::chrono::microseconds(20);
  c.tcp.connection.timestamp_tick = std::chrono::microseconds(1);
  c.tcp.connection.time_wait = time_wait.value_or(time_wait_outlasting_fins(c.tcp.connection));
  std::array<uint8_t, 16> secret{};
  for (std::size_t i = 0; i < secret.size(); ++i) secret[i] = uint8_t(seed * 13 + i + self.ip);
  c.tcp.secret = secret;
  return c;
}

SimHost::SimHost(sim::DeviceNode& node, const drv::StackConfig& stack, const drv::dev::DeviceConfig& device)
    : node_(node), host_(node.pcie), device_(host_, device) {
  device_.bring_up();
  reads_at_bring_up_ = node_.pcie.counters().mmio_reads;
  stack_ = std::make_unique<drv::Stack>(device_, stack, sim_now);
}

uint32_t SimHost::wait_for(drv::SocketId socket, uint32_t bits, std::chrono::nanoseconds timeout,
                           drv::PollEvent* seen) {
  const tcp::Time end = sim_now() + timeout;
  while (sim_now() < end) {
    for (const drv::PollEvent& e : stack_->poll(end - sim_now())) {
      if (on_event) on_event(e);
      if (e.socket == socket && (e.events & bits)) {
        if (seen) *seen = e;
        return e.events;
      }
    }
  }
  return 0;
}

std::string SimHost::state_name(drv::SocketId socket) const {
  const auto st = stack_->state(socket);
  return st ? tcp::to_string(*st) : "gone";
}

std::string events_text(const drv::PollEvent& e) {
  std::string s;
  if (e.events & drv::ready::kConnected) s += "connected,";
  if (e.events & drv::ready::kAcceptable) s += "acceptable,";
  if (e.events & drv::ready::kPeerClosed) s += "peer_closed,";
  if (e.events & drv::ready::kClosed) s += "closed,";
  if (e.events & drv::ready::kError) s += "error(" + e.error.message() + "),";
  return s.empty() ? "none" : s.substr(0, s.size() - 1);
}

namespace {

sim::DeviceNodeConfig node_config(const PairConfig& c, const char* name) {
  sim::DeviceNodeConfig n = c.node;
  if (!c.trace_dir.empty()) n.device.fst_path = (std::filesystem::path(c.trace_dir) / (std::string(name) + ".fst")).string();
  return n;
}

}  // namespace

HostPair::HostPair(const PairConfig& config) : config_(config) {
  if (!config.trace_dir.empty()) std::filesystem::create_directories(config.trace_dir);
  a_ = std::make_unique<sim::DeviceNode>("a", node_config(config, "a"));
  if (config.host_b) b_ = std::make_unique<sim::DeviceNode>("b", node_config(config, "b"));
  wire_ = std::make_unique<sim::WireChannel>("wire", config.wire);
  a_->device.connect(*wire_, 0);
  if (b_) b_->device.connect(*wire_, 1);
}

uint64_t connect_lower_bound_ns(const pcie::LinkConfig& link, const sim::EthernetWireConfig& wire,
                                unsigned pcie_round_trips) {
  pcie::Link idle_link(link);
  const double pcie_round_trip_ps = idle_link.dma_read(0, 0x1000, wire::dev::tx_ring::kEntrySize);
  sim::EthernetWireConfig clean;
  clean.rate_bps = wire.rate_bps;
  clean.propagation_ps = wire.propagation_ps;
  sim::EthernetWire idle_wire(clean);
  idle_wire.send(0, sim::Frame(sim::ethernet::kMinFrameOctets), 0);
  const uint64_t one_way_ps = idle_wire.next_arrival_ps().value_or(0);
  // Rounded down: a bound.
  return uint64_t((pcie_round_trips * pcie_round_trip_ps + 2.0 * double(one_way_ps)) / 1000.0);
}

}  // namespace tcpoe::testbed

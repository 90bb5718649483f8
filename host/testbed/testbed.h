// The simulated-host testbed (library tcpoe::testbed): what every program
// and test that runs the host driver on a simulated machine needs, written
// once. A simulated host is a DeviceNode (the PCIe model with the verilated
// tcpoe_top behind it) with the driver on top: dev::Device brought up
// through a counting host interface, and a drv::Stack on the simulated
// clock. Two of them on one WireChannel make a HostPair. The driver's calls
// take simulated time (MMIO reads, waits), so hosts run in SC threads
// (sim::ScThread).
//
// Layering: host -> driver -> sim. Used by tests/driver/stack_scenarios and
// host/tcpoe-handshake.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "device_node.h"
#include "sc_thread.h"
#include "tcpoe/driver/dev/device.h"
#include "tcpoe/driver/stack.h"
#include "wire_channel.h"

namespace tcpoe::testbed {

namespace drv = tcpoe::driver;
namespace tcp = tcpoe::driver::tcp;
using sim::ScThread;

// SystemC's simulated time as the driver's clock (ns, rounded).
tcp::Time sim_now();

// The host interface as the driver sees it, passing everything on to the
// PCIe model and counting the buffers and IOMMU windows held (so a test
// sees that teardown left nothing allocated or mapped) and the octets the
// CPU copies into and out of DMA memory (views are no copy).
class CountingHost : public pcie::HostInterface {
 public:
  explicit CountingHost(pcie::HostInterface& inner) : inner_(inner) {}
  int64_t allocated = 0, mapped = 0;
  uint64_t octets_written = 0, octets_read = 0;  // memory_write, memory_read

  uint32_t mmio_read32(uint64_t offset) override { return inner_.mmio_read32(offset); }
  void mmio_write32(uint64_t offset, uint32_t value) override { inner_.mmio_write32(offset, value); }
  pcie::DmaBuffer dma_alloc(std::size_t bytes) override;
  void dma_free(const pcie::DmaBuffer& buffer) override;
  uint64_t dma_map(const pcie::DmaBuffer& buffer) override;
  void dma_unmap(uint64_t device_address) override;
  void memory_write(const pcie::DmaBuffer& b, std::size_t offset, const void* data, std::size_t n) override {
    inner_.memory_write(b, offset, data, n);
    octets_written += n;
  }
  void memory_read(const pcie::DmaBuffer& b, std::size_t offset, void* data, std::size_t n) override {
    inner_.memory_read(b, offset, data, n);
    octets_read += n;
  }
  const uint8_t* memory_view(const pcie::DmaBuffer& b, std::size_t offset, std::size_t n) override {
    return inner_.memory_view(b, offset, n);
  }
  pcie::MsixMessage msix_message(unsigned vector) const override { return inner_.msix_message(vector); }
  bool poll_interrupt(unsigned vector) override { return inner_.poll_interrupt(vector); }
  bool wait_interrupt(unsigned vector, uint64_t timeout_ns) override {
    return inner_.wait_interrupt(vector, timeout_ns);
  }

 private:
  pcie::HostInterface& inner_;
};

// A simulated host's addresses; A and B are the pair's.
struct HostAddress {
  const char* name;
  uint32_t ip;
  drv::Mac mac;
};
inline constexpr HostAddress kHostA{"a", 0x0a580001, {0x02, 0, 0, 0, 0, 0x0a}};  // 10.88.0.1
inline constexpr HostAddress kHostB{"b", 0x0a580002, {0x02, 0, 0, 0, 0, 0x0b}};  // 10.88.0.2

// The stack's settings for simulated time, which is dear (every device
// clock cycle is evaluated): a first RTO of `initial_rto` (Linux: 1 s), the
// data path's timers scaled alike (RTO from 100 us to at most kMaxRto,
// delayed ACK 20 us, a 1 us timestamp tick), and a TIME-WAIT of `time_wait`,
// by default time_wait_outlasting_fins() of those settings (Linux: 60 s);
// the secret (ISNs, ports, cookies) derived from `seed`, so a run repeats.
drv::StackConfig stack_config(const HostAddress& self, uint64_t seed,
                              std::chrono::nanoseconds initial_rto = std::chrono::microseconds(30),
                              std::optional<std::chrono::nanoseconds> time_wait = std::nullopt);

// The testbed's largest RTO (Linux's TCP_RTO_MAX is 120 s, 600 times its
// least RTO; here 10 times the 100 us least): the longest any segment, a
// FIN among them, waits before it is sent again, whatever the back-off.
inline constexpr std::chrono::nanoseconds kMaxRto = std::chrono::milliseconds(1);

// A TIME-WAIT (2MSL) that outlasts the peer's FIN retransmissions, which is
// what TIME-WAIT is for (RFC 9293 3.6.1): when our ACK of the peer's FIN is
// lost, the peer sends the FIN again one RTO later, at most `max_rto` later
// however far it backed off, and each FIN restarts our TIME-WAIT; twice
// `max_rto` leaves the FIN's and our ACK's trips (microseconds) ample room.
// With the testbed's settings, 2 ms of simulated time.
std::chrono::nanoseconds time_wait_outlasting_fins(const tcp::ConnectionConfig& connection);

// The settings for data with a peer that runs on the wall clock (the Linux
// kernel through a TAP device) while we run on simulated time, in which a
// simulated microsecond lasts about a millisecond of wall clock: each value
// keeps the two clocks from inflating the other's timers.
struct WallClockPeerProfile {
  // Our delayed ACKs (simulated): the testbed's 20 us would reach the kernel
  // 20 ms late and inflate the RTT its congestion control and RTO go by.
  std::chrono::nanoseconds our_delayed_ack = std::chrono::microseconds(2);
  // The kernel's route to us, `quickack 1`: it ACKs every segment at once,
  // so most frames we send have an answer to wait for (its own delayed ACK
  // would hold the simulation for up to 40 ms of wall clock).
  bool peer_quick_ack = true;
  // The route's `rto_min` (Linux's default 200 ms): a round trip through the
  // simulation takes a few ms of wall clock, so a loss is sent again after
  // 10 ms rather than 200.
  std::chrono::milliseconds peer_rto_min{10};
  // Our largest RTO (simulated): Linux's 120 s, not the testbed's kMaxRto.
  // A loaded machine can hold the kernel's answers for seconds of wall
  // clock, milliseconds of simulated time, and 15 retries backed off only to
  // 1 ms would give up after about 12 ms of it. (TIME-WAIT stays the
  // testbed's 2 ms, about 2 s of the kernel's wall clock, longer than the
  // gaps of its FIN retransmissions from rto_min 10 ms up to the 8th.)
  std::chrono::nanoseconds our_max_rto = std::chrono::seconds(120);

  // Our side of it: the stack's settings.
  void apply_to(drv::StackConfig& ours) const {
    ours.tcp.connection.delayed_ack = our_delayed_ack;
    ours.tcp.connection.max_rto = our_max_rto;
  }
};
inline constexpr WallClockPeerProfile kWallClockPeerData{};

// One simulated host: its driver over its node. Construct it in an SC
// thread: bring-up reads registers, which takes simulated time.
class SimHost {
 public:
  // Brings the device up (dev::DeviceError says why not) and makes the stack.
  SimHost(sim::DeviceNode& node, const drv::StackConfig& stack, const drv::dev::DeviceConfig& device = {});

  sim::DeviceNode& node() { return node_; }
  CountingHost& host() { return host_; }
  drv::dev::Device& device() { return device_; }
  drv::Stack& stack() { return *stack_; }
  const pcie::Counters& pcie_counters() const { return node_.pcie.counters(); }
  // MMIO reads up to the end of bring-up.
  uint64_t mmio_reads_at_bring_up() const { return reads_at_bring_up_; }
  // MMIO reads since bring-up: the fast path makes none.
  uint64_t mmio_reads_fast_path() const { return node_.pcie.counters().mmio_reads - reads_at_bring_up_; }

  // Polls until `socket` reports one of `bits` (returns the socket's bits,
  // its event in *seen) or `timeout` passed (0). Every event polled meanwhile,
  // of any socket, goes to on_event first.
  uint32_t wait_for(drv::SocketId socket, uint32_t bits, std::chrono::nanoseconds timeout,
                    drv::PollEvent* seen = nullptr);
  std::function<void(const drv::PollEvent&)> on_event;

  // The socket's RFC 9293 state name, or "gone".
  std::string state_name(drv::SocketId socket) const;

 private:
  sim::DeviceNode& node_;
  CountingHost host_;
  drv::dev::Device device_;
  uint64_t reads_at_bring_up_ = 0;
  std::unique_ptr<drv::Stack> stack_;
};

// A poll event's bits as words: "connected,peer_closed", "error(connection refused)".
std::string events_text(const drv::PollEvent& event);

// Two simulated hosts' nodes on one wire: A on side 0, B on side 1 (or,
// with host_b false, side 1 left for another end: a peer, or nothing).
struct PairConfig {
  sim::DeviceNodeConfig node;      // both nodes' link and device (data width, clock)
  sim::EthernetWireConfig wire;    // rate, delay, impairments and their seed, capture
  std::string trace_dir;           // an FST waveform per device (DIR/a.fst, DIR/b.fst); empty: none
  bool host_b = true;
};

class HostPair {
 public:
  // At elaboration (before sc_start). Throws std::invalid_argument for bad
  // settings, std::runtime_error when a capture or waveform cannot be written.
  explicit HostPair(const PairConfig& config);

  sim::DeviceNode& a() { return *a_; }
  sim::DeviceNode& b() { return *b_; }  // only with PairConfig::host_b
  bool has_b() const { return b_ != nullptr; }
  sim::WireChannel& wire() { return *wire_; }
  const PairConfig& config() const { return config_; }
  // Both directions' frames lost (drawn by the wire's loss rate).
  uint64_t frames_lost() { return wire_->wire().counters(0).lost + wire_->wire().counters(1).lost; }

 private:
  PairConfig config_;
  std::unique_ptr<sim::DeviceNode> a_, b_;
  std::unique_ptr<sim::WireChannel> wire_;
};

// The least time a connect (connect() to ESTABLISHED) can take on these
// settings, whatever the driver and device do: two PCIe round trips plus
// one wire round trip (issue #12's setup_time_lower_bound_ns; give
// `pcie_round_trips` 1 for a peer that has no PCIe link of its own on the
// path, the scripted peer or the Linux kernel). Measured on
// the models themselves, idle, each alone:
//  - a PCIe round trip is a DMA read of a TX ring entry (128 octets) on
//    pcie::Link with `link`
//    (DeviceNode::link_for of the node's settings): the read request TLP to
//    the host, the host's read latency, the completion back to the device.
//    One is our device fetching the SYN's TX descriptor; the other the
//    peer's device fetching the SYN-ACK's (connect), or, for a listener,
//    ours fetching the SYN-ACK's and the peer's the ACK's.
//  - a wire round trip is twice the time from a minimum-size frame (60
//    octets: no TCP segment is shorter) starting on the idle line of
//    sim::EthernetWire with `wire` to its last octet arriving: preamble,
//    frame and FCS at the rate, plus the propagation delay.
// Nothing is counted for the device's clock cycles, MMIO writes, the DMA
// writes of frames and completions, the driver's own work or the peer's.
uint64_t connect_lower_bound_ns(const pcie::LinkConfig& link, const sim::EthernetWireConfig& wire,
                                unsigned pcie_round_trips = 2);

}  // namespace tcpoe::testbed

// One simulated host for packetdrill: the testbed's (host/testbed:
// testbed::SimHost, the driver over the PCIe model with the verilated
// tcpoe_top behind it, on a HostPair without host B) whose wire's other
// end is not a second device but the caller (packetdrill): IPv4 packets in
// (an Ethernet header added), the device's frames out (the header
// stripped), each with its simulated time.
//
// SystemC runs only inside the calls below (the caller's thread drives
// sc_start; SystemC elaborates once per process, so there is one host per
// process). The driver runs in the host's SystemC thread: socket calls are
// handed to it (run()) and the simulation goes on until they have run,
// which takes no simulated time. Between calls simulated time stands still;
// advance() lets it pass, the host thread answering frames and timers
// meanwhile. The device's clock stops while it has nothing to do
// (sim::DeviceConfig::skip_idle), so seconds of a script's timers take
// little wall-clock time.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tcpoe/driver/stack.h"

namespace tcpoe::packetdrill {

using Nanos = std::chrono::nanoseconds;

struct SimulatedHostConfig {
  driver::StackConfig stack;           // local_ip, local_mac, the TCP settings
  driver::Mac peer_mac{0x02, 0, 0, 0, 0, 0xfe};  // every peer's (packetdrill's) Ethernet address
  int data_width = 64;                 // the device's data path: 64 or 512
  bool interrupts = true;              // MSI-X; else poll mode
  std::string pcap_path;               // the wire's capture; empty: none
};

// A packet the device sent: IPv4, without the Ethernet header.
struct OutPacket {
  std::vector<uint8_t> ip;
  Nanos time{0};  // when its last octet reached the wire's far end
};

class SimulatedHost {
 public:
  // Elaborates and brings the device up (std::runtime_error when it fails).
  explicit SimulatedHost(const SimulatedHostConfig& config);
  ~SimulatedHost();
  SimulatedHost(const SimulatedHost&) = delete;
  SimulatedHost& operator=(const SimulatedHost&) = delete;

  // Runs `call` in the host's SystemC thread with the Stack, at the current
  // simulated time, and returns once it has run.
  void run(const std::function<void(driver::Stack&)>& call);
  // Lets `duration` of simulated time pass, or less: until `done` (asked in
  // the host thread after each round of the Stack) holds. True when `done`
  // held.
  bool advance(Nanos duration, const std::function<bool()>& done = {});
  Nanos now() const;

  // What happened to each socket since the host came up (the bits of all
  // its poll events, and the last error reported), as the host thread saw it.
  const driver::PollEvent* events(driver::SocketId socket) const;
  void forget_events(driver::SocketId socket) { events_.erase(socket); }

  // A packet into the device: an IPv4 packet, sent on the wire now with our
  // MAC as destination and the peer's as source. The source address is
  // learnt as a neighbour. False (and why) when it is not IPv4.
  bool send_ip_packet(const uint8_t* packet, std::size_t length, std::string& why);
  // The next packet the device sent, waiting at most `limit` of simulated
  // time for one; nullopt when none came.
  std::optional<OutPacket> next_packet(Nanos limit);

  const SimulatedHostConfig& config() const { return config_; }
  std::string counters_text() const;  // the Stack's and the device's counters, one line

  struct Sim;  // the SystemC modules and the host thread

 private:
  SimulatedHostConfig config_;
  std::unique_ptr<Sim> sim_;
  std::map<driver::SocketId, driver::PollEvent> events_;
};

}  // namespace tcpoe::packetdrill

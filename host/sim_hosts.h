// tcpoe-handshake --peer sim: two simulated hosts, each the host driver
// (tcpoe::driver: Device + Stack) over its own simulated PCIe device (the
// PCIe model with the verilated tcpoe_top), joined by the wire model. B
// listens on kListenPort, A connects (and closes, if asked); every segment
// on the wire is printed as tcpdump would, with the simulated time.
#pragma once

#include <cstdint>
#include <string>

namespace tcpoe::host {

struct SimHostsOptions {
  uint16_t port = 5201;        // A connects to this port of B; B listens on listen_port
  uint16_t listen_port = 5201;
  uint16_t src_port = 0;       // A's port; 0: an ephemeral one
  bool close = false;          // then A closes, then B
  int data_width = 64;         // the devices' data path: 64 or 512
  std::string pcap_path;       // the wire's capture; empty: none
  double loss = 0;             // the wire's loss rate, each direction
  uint64_t seed = 1;           // of the wire's draws
};

// Runs the simulation (SystemC elaborates once per process); the exit
// status: 0 established (and closed, with close), 1 otherwise.
int run_simulated_hosts(const SimHostsOptions& options);

}  // namespace tcpoe::host

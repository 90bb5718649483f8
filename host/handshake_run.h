// tcpoe-handshake's run: our simulated host (the driver, tcpoe::driver,
// over its own simulated PCIe device: the PCIe model with the verilated
// tcpoe_top) on side 0 of the wire model, and a peer on side 1:
//   sim       another simulated host like ours;
//   linux     the Linux kernel behind a TAP device in a network namespace
//             (root), through sim/wire/peer_end.h;
//   scripted  the scripted listener of sim/peer;
//   silent    nothing: our SYNs go unanswered.
// The program only parses its arguments into HandshakeOptions; the
// protocol is the driver's, the hosts the testbed's (host/testbed).
#pragma once

#include <csignal>
#include <cstdint>
#include <string>

#include "ethernet_wire.h"
#include "tcpoe/pcie/link.h"

namespace tcpoe::host {

enum class PeerKind { kSim, kLinux, kScripted, kSilent };

// Where the peer listens (sim, linux, scripted): any other port of it is
// closed and answers a SYN with RST.
constexpr uint16_t kPeerListenPort = 5201;

struct HandshakeOptions {
  PeerKind peer = PeerKind::kSim;
  bool listen = false;                 // we listen, the peer connects
  uint32_t local_ip = 0x0a4d0001;      // 10.77.0.1
  uint32_t peer_ip = 0x0a4d0002;       // 10.77.0.2
  uint16_t port = 5201;                // where the connect goes: the peer's port (it listens on
                                       // kPeerListenPort), or ours with listen
  uint16_t src_port = 0;               // the connecting side's first port (then +1 each); 0: ephemeral
  unsigned connections = 1;            // one after another
  bool close = false;                  // each connection closed before the next
  int data_width = 64;                 // the devices' data path: 64 or 512
  bool interrupts = false;             // MSI-X; else poll mode
  uint64_t initial_rto_ns = 30'000;    // simulated time is dear: Linux's is 1 s
  uint64_t time_wait_ns = 100'000;     // our 2MSL, simulated (Linux: 60 s)
  unsigned syn_retries = 6;            // Linux's net.ipv4.tcp_syn_retries
  pcie::LinkConfig link;               // both nodes' PCIe links
  sim::EthernetWireConfig wire;        // rate, delay, impairments, seed, capture
  std::string trace_dir;               // FST waveforms of the devices; empty: none
  std::string stats_json;              // the run's figures; empty: none
  std::string tap_name = "tcpoe-hs";   // --peer linux: TAP device, namespace NAME-ns
};

// Set by main()'s SIGINT/SIGTERM handler: the run ends its waits, says
// "interrupted", removes what it made (the namespace) and exits 1.
inline volatile std::sig_atomic_t interrupted = 0;

// Runs it (SystemC elaborates once per process). Exit status: 0 when every
// connection was established (and closed, with close), 1 otherwise, 2 when
// the peer cannot be set up (the Linux peer without privileges).
int run_handshake(const HandshakeOptions& options);

}  // namespace tcpoe::host

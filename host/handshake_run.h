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

#include "data_stream.h"
#include "ethernet_wire.h"
#include "tcpoe/pcie/link.h"

namespace tcpoe::host {

enum class PeerKind { kSim, kLinux, kScripted, kSilent };

// Where the peer listens (sim, linux, scripted): any other port of it is
// closed and answers a SYN with RST.
constexpr uint16_t kPeerListenPort = 5201;

// --peer linux's application in the namespace when data is moved
// (host/kernel_peer.py, Python's sockets): the kernel's end of the transfer.
struct KernelApp {
  uint64_t send_bytes = 0;   // what it sends us (its own pseudo-random octets)
  uint64_t pause_after = 0;  // it stops reading after this many octets ...
  uint64_t pause_ms = 0;     // ... for this long (wall clock); 0: never
  uint64_t rcvbuf = 0;       // its socket's SO_RCVBUF; 0: the kernel's default
};

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
  uint64_t time_wait_ns = 0;           // our 2MSL, simulated (Linux: 60 s); 0: the testbed's
                                       // (testbed::time_wait_outlasting_fins, 2 ms)
  unsigned syn_retries = 6;            // Linux's net.ipv4.tcp_syn_retries
  pcie::LinkConfig link;               // both nodes' PCIe links
  sim::EthernetWireConfig wire;        // rate, delay, impairments, seed, capture
  std::string trace_dir;               // FST waveforms of the devices; empty: none
  std::string stats_json;              // the run's figures; empty: none
  std::string tap_name = "tcpoe-hs";   // --peer linux: TAP device, namespace NAME-ns
  // Data on the connection (--peer linux, one connection we make): we send
  // data_plan.send_bytes while the kernel's application sends
  // kernel_app.send_bytes; each end hashes what it sent and received.
  bool data = false;
  testbed::DataPlan data_plan;
  KernelApp kernel_app;
};

// Set by main()'s SIGINT/SIGTERM handler: the run ends its waits, says
// "interrupted", removes what it made (the namespace) and exits 1.
inline volatile std::sig_atomic_t interrupted = 0;

// Runs it (SystemC elaborates once per process). Exit status: 0 when every
// connection was established (and closed, with close; with data, every
// octet arrived, the SHA-256s of both ends equal), 1 otherwise, 2 when the
// peer cannot be set up (the Linux peer without privileges).
int run_handshake(const HandshakeOptions& options);

}  // namespace tcpoe::host

// The Linux kernel behind a TAP device (sim/tap) as the builder tests use
// it: opened or skipped loudly, and the SYN a Linux client sends it.
#pragma once

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "tap_peer.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace tcpoe::test {

constexpr int kSkipExitCode = 77;  // registered as SKIP_RETURN_CODE

// The peer in namespace "<name>-ns"; without the privileges for a TAP device
// and a namespace the test program says why and exits 77 (ctest: skipped).
// With them, a failure to open fails the test. The destructor removes the
// namespace, also when a REQUIRE throws.
inline std::unique_ptr<sim::TapPeer> open_peer_or_skip(const std::string& name) {
  std::string why;
  if (!sim::TapPeer::privileges_ok(&why)) {
    std::fprintf(stderr, "\n*** SKIPPED: a TAP device in a namespace needs privileges: %s\n",
                 why.c_str());
    std::fflush(stderr);
    std::_Exit(kSkipExitCode);
  }
  sim::TapPeerConfig cfg;
  cfg.name = name;
  std::unique_ptr<sim::TapPeer> peer = sim::TapPeer::open(cfg, &why);
  INFO("TapPeer::open: " << why);
  REQUIRE(peer != nullptr);
  return peer;
}

// A SYN to the peer's listener as Linux sends it: MSS 1460, SACK-permitted,
// timestamps (TSval 0x01020304), window scale 7.
inline wire::TxDescriptor linux_syn_to(const sim::TapPeer& peer, uint16_t src_port,
                                       uint32_t isn) {
  wire::TxDescriptor d;
  d.eth_src = peer.config().our_mac;
  d.eth_dst = peer.peer_mac();
  d.ip_src = peer.config().our_ip;
  d.ip_dst = peer.config().peer_ip;
  d.ttl = 64;
  d.ident = 0x1234;
  d.dont_frag = true;
  d.src_port = src_port;
  d.dst_port = peer.config().listen_port;
  d.seq = isn;
  d.tcp_flags = wire::tcp::flag::kSyn;
  d.window = 64240;
  d.has_mss = true;
  d.mss = 1460;
  d.sack_permitted = true;
  d.has_timestamps = true;
  d.ts_val = 0x01020304;
  d.has_window_scale = true;
  d.window_scale = 7;
  return d;
}

}  // namespace tcpoe::test

// Random TX descriptors and what the builder must make of them, shared by
// the builder's tests.
#pragma once

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "builder_lockstep.h"
#include "tx_descriptor_stimulus.h"
#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace tcpoe::test {

// Every field random, every option combination; payload_len from
// [min_payload, max_payload] (0 for header-only).
inline wire::TxDescriptor random_descriptor(std::mt19937_64& rng, uint16_t min_payload = 0,
                                            uint16_t max_payload = 0) {
  wire::TxDescriptor d = kernels::random_tx_descriptor(rng);
  d.payload_len = uint16_t(min_payload + rng() % (unsigned(max_payload - min_payload) + 1));
  return d;
}

inline sim::TxSegment random_segment(std::mt19937_64& rng, uint16_t min_payload = 0,
                                     uint16_t max_payload = 0) {
  sim::TxSegment s;
  s.desc = random_descriptor(rng, min_payload, max_payload);
  s.payload.resize(s.desc.payload_len);
  for (auto& b : s.payload) b = uint8_t(rng());
  return s;
}

// The wire layer's frame for the segment, without the padding to 60 octets
// that emit_frame() adds (the builder leaves it to the MAC).
inline std::vector<uint8_t> expected_frame(const sim::TxSegment& s) {
  const wire::FrameRepr repr = wire::to_frame_repr(s.desc);
  std::vector<uint8_t> f = wire::emit_frame(repr, s.payload);
  f.resize(wire::frame::kTcpOffset + repr.tcp.header_len() + s.payload.size());
  return f;
}

inline std::string hex_bytes(const uint8_t* p, std::size_t n) {
  std::string s;
  char b[3];
  for (std::size_t i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%02x", p[i]);
    s += b;
  }
  return s;
}

// One line of tests/oracles/scapy_build.py's input.
inline std::string scapy_line(const sim::TxSegment& s) {
  const wire::TxDescriptor& d = s.desc;
  char ip[20];
  std::string l = "eth_dst=" + hex_bytes(d.eth_dst.data(), 6) +
                  " eth_src=" + hex_bytes(d.eth_src.data(), 6);
  std::snprintf(ip, sizeof ip, "%08x", unsigned(d.ip_src));
  l += std::string(" ip_src=") + ip;
  std::snprintf(ip, sizeof ip, "%08x", unsigned(d.ip_dst));
  l += std::string(" ip_dst=") + ip;
  l += " ttl=" + std::to_string(d.ttl) + " tos=" + std::to_string(d.tos) +
       " ident=" + std::to_string(d.ident) + " df=" + std::to_string(int(d.dont_frag)) +
       " sport=" + std::to_string(d.src_port) + " dport=" + std::to_string(d.dst_port) +
       " seq=" + std::to_string(d.seq) + " ack=" + std::to_string(d.ack) +
       " flags=" + std::to_string(d.tcp_flags) + " window=" + std::to_string(d.window) +
       " urgent=" + std::to_string(d.urgent);
  l += " mss=" + (d.has_mss ? std::to_string(d.mss) : std::string("-"));
  l += " ws=" + (d.has_window_scale ? std::to_string(d.window_scale) : std::string("-"));
  l += " ts=" + (d.has_timestamps ? std::to_string(d.ts_val) + "," + std::to_string(d.ts_ecr)
                                  : std::string("-"));
  l += " sack=" + std::to_string(int(d.sack_permitted));
  l += " payload=" + (s.payload.empty() ? std::string("-")
                                        : hex_bytes(s.payload.data(), s.payload.size()));
  return l + "\n";
}

}  // namespace tcpoe::test

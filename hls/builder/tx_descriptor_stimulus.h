// Random TX descriptors: every field random and every option combination, the
// stimulus of the builder's C-sim testbench and of its tests. The caller
// chooses payload_len (left 0), since each run wants its own mix.
#pragma once

#include <cstdint>
#include <random>

#include "tcpoe/wire/tx_descriptor.h"

namespace tcpoe::kernels {

inline wire::TxDescriptor random_tx_descriptor(std::mt19937_64& rng) {
  wire::TxDescriptor d;
  for (auto& b : d.eth_dst) b = uint8_t(rng());
  for (auto& b : d.eth_src) b = uint8_t(rng());
  d.ip_src = uint32_t(rng());
  d.ip_dst = uint32_t(rng());
  d.ttl = uint8_t(rng());
  d.tos = uint8_t(rng());
  d.ident = uint16_t(rng());
  d.dont_frag = rng() & 1;
  d.src_port = uint16_t(rng());
  d.dst_port = uint16_t(rng());
  d.seq = uint32_t(rng());
  d.ack = uint32_t(rng());
  d.tcp_flags = uint8_t(rng());
  d.window = uint16_t(rng());
  d.urgent = uint16_t(rng());
  d.has_mss = rng() & 1;
  d.mss = uint16_t(rng());
  d.has_window_scale = rng() & 1;
  d.window_scale = uint8_t(rng() % 15);  // 0..14, RFC 7323's limit
  d.sack_permitted = rng() & 1;
  d.has_timestamps = rng() & 1;
  d.ts_val = uint32_t(rng());
  d.ts_ecr = uint32_t(rng());
  d.payload_len = 0;
  return d;
}

}  // namespace tcpoe::kernels

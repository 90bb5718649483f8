// A host for the device top's tests: what a driver does, through registers
// and host memory only (sim/device/top_harness.h). The four rings, their
// index write-back words and the MSI-X message words at fixed places in host
// memory; TX descriptors with their payloads posted, RX buffers posted,
// completions polled by their phase bit (the completion rings are zeroed
// first, as a driver does, so stale memory never looks new).
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <stdexcept>
#include <vector>

#include "../builder/builder_test_util.h"
#include "tcpoe/wire/device_regs.h"
#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/rx_descriptor.h"
#include "tcpoe/wire/tx_descriptor.h"
#include "top_harness.h"

namespace tcpoe::test {

namespace dev = tcpoe::wire::dev;
using sim::Octets;
using sim::TopHarness;

struct TxCompletion {
  uint16_t desc_index = 0;
  dev::ComplStatus status = dev::ComplStatus::kOk;
  uint64_t timestamp = 0;
};

struct RxCompletion {
  wire::RxDescriptor desc;
  uint16_t buf_index = 0;
  uint16_t frame_len = 0;
  dev::ComplStatus status = dev::ComplStatus::kOk;
  uint64_t timestamp = 0;
};

// Big-endian numbers in host memory, as the ring records carry them.
inline uint64_t get_be(const Octets& o, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | o[at + i];
  return v;
}
inline void put_be(Octets& o, size_t at, size_t n, uint64_t v) {
  for (size_t i = 0; i < n; ++i) o[at + n - 1 - i] = uint8_t(v >> (8 * i));
}

class TopHost {
 public:
  // Where everything lives (64-aligned; one 4 KB slot per payload and buffer).
  static constexpr uint64_t kRingArea = 0x0001'0000;     // ring r at + r * 0x10000
  static constexpr uint64_t kWbArea = 0x0005'0000;       // ring r's index at + r * 64
  static constexpr uint64_t kMsixArea = 0x0006'0000;     // vector v's message at + v * 64
  static constexpr uint64_t kPayloadArea = 0x0010'0000;  // TX slot i at + i * 4096
  static constexpr uint64_t kBufferArea = 0x0100'0000;   // RX slot i at + i * 4096
  static constexpr uint32_t kSlot = 4096;

  TopHost(TopHarness& h, const uint8_t (&size_log2)[4]) : h_(h) {
    for (int r = 0; r < 4; ++r) {
      setup_.rings[r].base = kRingArea + uint64_t(r) * 0x10000;
      setup_.rings[r].size_log2 = size_log2[r];
      setup_.rings[r].wb_addr = kWbArea + uint64_t(r) * 64;
    }
    for (int v = 0; v < 2; ++v) {
      setup_.vectors[v].msix_addr = kMsixArea + uint64_t(v) * 64;
      setup_.vectors[v].msix_data = 0xA000u + uint32_t(v);
    }
  }

  sim::BringUp& setup() { return setup_; }
  uint32_t size(dev::Ring r) const { return 1u << setup_.rings[int(r)].size_log2; }

  // Zeroes the completion rings and write-back words, then sets the device up.
  void bring_up() {
    for (dev::Ring r : {dev::Ring::kTxCompl, dev::Ring::kRxCompl})
      h_.write_memory(setup_.rings[int(r)].base, Octets(size(r) * entry_len(r), 0));
    h_.write_memory(kWbArea, Octets(4 * 64, 0));
    txd_prod_ = rxb_prod_ = txc_cons_ = rxc_cons_ = txc_handed_ = rxc_handed_ = 0;
    h_.bring_up(setup_);
  }

  static uint32_t entry_len(dev::Ring r) {
    switch (r) {
      case dev::Ring::kTxDesc: return dev::tx_ring::kEntrySize;
      case dev::Ring::kRxBuf: return dev::rx_buf::kEntrySize;
      case dev::Ring::kTxCompl: return dev::tx_compl::kEntrySize;
      case dev::Ring::kRxCompl: return dev::rx_compl::kEntrySize;
    }
    return 0;
  }
  uint64_t entry_addr(dev::Ring r, uint16_t index) const {
    return setup_.rings[int(r)].base + uint64_t(index & (size(r) - 1)) * entry_len(r);
  }
  // The device's index of a ring as it last wrote it back (big-endian word).
  uint16_t written_back(dev::Ring r) const {
    return uint16_t(get_be(h_.read_memory(setup_.rings[int(r)].wb_addr, 4), 0, 4));
  }

  // TX: room while PROD - CONS (the device's, written back) < size.
  bool tx_room() const { return uint16_t(txd_prod_ - written_back(dev::Ring::kTxDesc)) < size(dev::Ring::kTxDesc); }
  // Writes the descriptor (payload at `payload_addr`, or its own slot) into the
  // ring; the doorbell rings with ring_tx().
  uint16_t post_tx(const wire::TxDescriptor& d, const Octets& payload,
                   std::optional<uint64_t> payload_addr = std::nullopt) {
    if (!tx_room()) throw std::logic_error("post_tx: TX ring full");
    const uint16_t index = txd_prod_++;
    const uint64_t addr = payload_addr.value_or(kPayloadArea + uint64_t(index % 1024) * kSlot);
    h_.write_memory(addr, payload);
    const auto entry = dev::tx_ring::entry(d, {{addr, uint16_t(d.payload_len + d.stream_opt_len)}});
    h_.write_memory(entry_addr(dev::Ring::kTxDesc, index), Octets(entry.begin(), entry.end()));
    return index;
  }
  void ring_tx() { h_.doorbell(int(dev::Ring::kTxDesc), txd_prod_); }
  uint16_t tx_posted() const { return txd_prod_; }

  // RX buffers: one per slot, `len` octets, posted up to the ring's room.
  bool rx_room() const { return uint16_t(rxb_prod_ - written_back(dev::Ring::kRxBuf)) < size(dev::Ring::kRxBuf); }
  uint16_t post_rx(uint32_t len, std::optional<uint64_t> addr = std::nullopt) {
    if (!rx_room()) throw std::logic_error("post_rx: RX buffer ring full");
    const uint16_t index = rxb_prod_++;
    Octets entry(dev::rx_buf::kEntrySize, 0);
    put_be(entry, dev::rx_buf::kAddr.offset, dev::rx_buf::kAddr.size,
           addr.value_or(buffer_addr(index)));
    put_be(entry, dev::rx_buf::kLen.offset, dev::rx_buf::kLen.size, len);
    h_.write_memory(entry_addr(dev::Ring::kRxBuf, index), entry);
    return index;
  }
  void ring_rx() { h_.doorbell(int(dev::Ring::kRxBuf), rxb_prod_); }
  uint16_t rx_posted() const { return rxb_prod_; }
  static uint64_t buffer_addr(uint16_t index) { return kBufferArea + uint64_t(index % 1024) * kSlot; }

  // Completions: the next one if its phase bit says it is new. The ring's
  // CONS goes back to the device (a register write) as far as the device's
  // PROD, written back after the entries, says it has got: an entry is in
  // host memory a little before the device counts it written (its write's
  // response), and the register file refuses a CONS beyond its PROD.
  std::optional<TxCompletion> poll_tx() {
    hand_back(dev::Ring::kTxCompl, txc_cons_, txc_handed_);
    const auto e = next_completion(dev::Ring::kTxCompl, txc_cons_, dev::tx_compl::kFlags.offset);
    if (!e) return std::nullopt;
    TxCompletion c;
    c.desc_index = uint16_t(get_be(*e, dev::tx_compl::kDescIndex.offset, 2));
    c.status = dev::ComplStatus((*e)[dev::tx_compl::kStatus.offset]);
    c.timestamp = get_be(*e, dev::tx_compl::kTimestamp.offset, 8);
    hand_back(dev::Ring::kTxCompl, txc_cons_, txc_handed_);
    return c;
  }
  std::optional<RxCompletion> poll_rx() {
    hand_back(dev::Ring::kRxCompl, rxc_cons_, rxc_handed_);
    const auto e = next_completion(dev::Ring::kRxCompl, rxc_cons_, dev::rx_compl::kFlags.offset);
    if (!e) return std::nullopt;
    RxCompletion c;
    wire::RxDescriptorBytes b{};
    std::copy(e->begin(), e->begin() + wire::rx_desc::kSize, b.begin());
    c.desc = wire::unpack_rx_descriptor(b);
    c.buf_index = uint16_t(get_be(*e, dev::rx_compl::kBufIndex.offset, 2));
    c.frame_len = uint16_t(get_be(*e, dev::rx_compl::kFrameLen.offset, 2));
    c.status = dev::ComplStatus((*e)[dev::rx_compl::kStatus.offset]);
    c.timestamp = get_be(*e, dev::rx_compl::kTimestamp.offset, 8);
    hand_back(dev::Ring::kRxCompl, rxc_cons_, rxc_handed_);
    return c;
  }

 private:
  // Writes CONS, up to the device's written-back PROD, when it moved.
  void hand_back(dev::Ring r, uint16_t cons, uint16_t& handed) {
    const uint16_t prod = written_back(r);
    const uint16_t upto = uint16_t(prod - handed) < uint16_t(cons - handed) ? prod : cons;
    if (upto == handed) return;
    h_.doorbell(int(r), upto);
    handed = upto;
  }

  // The entry at `cons` when its phase bit is the current pass's (1 on the
  // first pass, flipped on every wrap); advances `cons`.
  std::optional<Octets> next_completion(dev::Ring r, uint16_t& cons, size_t flags_at) {
    const uint64_t at = entry_addr(r, cons);
    const Octets e = h_.read_memory(at, entry_len(r));
    const bool pass_phase = ((cons / size(r)) & 1u) == 0;
    const bool phase = (e[flags_at] & dev::compl_flag::kPhase) != 0;
    if (phase != pass_phase) return std::nullopt;
    ++cons;
    return e;
  }

  TopHarness& h_;
  sim::BringUp setup_;
  uint16_t txd_prod_ = 0, rxb_prod_ = 0, txc_cons_ = 0, rxc_cons_ = 0;
  uint16_t txc_handed_ = 0, rxc_handed_ = 0;  // CONS as last written to the device
};

// The frame the builder makes from a descriptor and payload: the builder
// tests' reference (the wire layer's frame, without the MAC's padding).
inline Octets expected_frame(const wire::TxDescriptor& d, const Octets& payload) {
  return expected_frame(sim::TxSegment(d, payload));
}

// A device counter, read through BAR0.
inline uint32_t counter(TopHarness& h, dev::Counter c) { return h.read_reg(dev::counter_offset(c)); }

// The AXI rules on the device's m_axi all kept (the first broken one shown).
inline void require_clean(const TopHarness& h) {
  const auto v = h.violations();
  INFO((v.empty() ? std::string() : v.front()));
  REQUIRE(v.empty());
}

// A TX descriptor for a data segment between two fixed hosts.
inline wire::TxDescriptor data_desc(uint32_t seq, uint16_t payload_len, std::mt19937_64& rng) {
  wire::TxDescriptor t;
  t.eth_dst = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
  t.eth_src = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
  t.ip_src = 0x0a4d0001;
  t.ip_dst = 0x0a4d0002;
  t.ident = uint16_t(rng());
  t.src_port = 40000;
  t.dst_port = 5201;
  t.seq = seq;
  t.ack = uint32_t(rng());
  t.tcp_flags = wire::tcp::flag::kAck | wire::tcp::flag::kPsh;
  t.window = uint16_t(rng());
  t.has_timestamps = (rng() & 1) != 0;
  t.ts_val = uint32_t(rng());
  t.ts_ecr = uint32_t(rng());
  t.payload_len = payload_len;
  return t;
}

inline Octets random_octets(size_t n, std::mt19937_64& rng) {
  Octets o(n);
  for (auto& b : o) b = uint8_t(rng());
  return o;
}

}  // namespace tcpoe::test

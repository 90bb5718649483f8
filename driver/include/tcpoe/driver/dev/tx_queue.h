// The TX side of the device: the TX descriptor ring (TXD), one payload slot
// per descriptor entry (64-aligned, so the device's payload read starts on a
// beat), and the TX completion ring (TXC).
//
// Lifecycle: constructed by Device::bring_up() (rings allocated and mapped),
// program() writes its registers, post() fills entries (no register), and
// doorbell() hands every post since the last one to the device with one
// TXD PROD write; reap() takes the completions whose phase bit says they are
// new and hands their entries back with one TXC CONS write, no further than
// the TXC PROD written back (CompletionHandback; the rest with a later
// reap). The fast path reads no register: a slot is free once its
// completion was reaped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tcpoe/driver/dev/dma_region.h"
#include "tcpoe/driver/dev/ring.h"
#include "tcpoe/wire/bytes.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace tcpoe::driver::dev {

struct TxCompletion {
  std::uint16_t desc_index = 0;
  wire::dev::ComplStatus status{};
  std::uint64_t timestamp = 0;  // device cycle of the outcome
};

class TxQueue {
 public:
  // `log2` entries (TXD and TXC alike), `slot_bytes` (a multiple of 64) of payload each.
  TxQueue(pcie::HostInterface& host, std::uint8_t log2, std::uint32_t slot_bytes,
          const IndexWriteback& writeback);

  void program();

  // Copies `payload` into the entry's slot, writes the descriptor
  // (payload_len set to its size) and the slot's address. False when every
  // entry is in flight; std::invalid_argument when the payload exceeds a slot.
  bool post(wire::TxDescriptor d, const std::uint8_t* payload = nullptr, std::size_t length = 0) {
    return post(d, wire::ByteSpan(payload, length));
  }
  // The same with the payload in two pieces (a send buffer's range across
  // its wrap), copied one after the other into the slot.
  bool post(wire::TxDescriptor d, wire::ByteSpan first, wire::ByteSpan second = {});
  // TXD PROD, when something was posted since the last doorbell.
  void doorbell();
  // The new completions, at most `max`; TXC CONS written once, up to them
  // or the device's TXC PROD, whichever is less (also when none is new).
  std::vector<TxCompletion> reap(std::size_t max = SIZE_MAX);
  // Completions reaped but not handed back yet (PROD had not covered them).
  std::size_t handback_pending() const { return handback_.pending(completed_); }

  std::size_t capacity() const { return std::size_t(1) << log2_; }
  std::size_t in_flight() const { return std::uint16_t(produced_ - completed_); }
  std::uint64_t doorbells() const { return doorbells_; }
  // The device's TXD consumer index, from its write-back.
  std::uint16_t device_consumer() const { return writeback_.index(Ring::kTxDesc); }

 private:
  pcie::HostInterface& host_;
  std::uint8_t log2_;
  std::uint32_t slot_bytes_;
  const IndexWriteback& writeback_;
  DmaRegion descriptors_, completions_, slots_;
  CompletionHandback handback_;
  std::uint16_t produced_ = 0, announced_ = 0, completed_ = 0;
  std::uint64_t doorbells_ = 0;
};

}  // namespace tcpoe::driver::dev

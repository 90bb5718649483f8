// The TX side of the device: the TX descriptor ring (TXD, 128-octet entries
// with a gather list of up to 4 parts), one slot per descriptor entry for
// what is not referenced in place (a segment's SACK option, or a payload
// given to be copied), always part 0, and the TX completion ring (TXC).
// Payload given by reference (PayloadRef) is read by the device where it
// lies; the queue holds each entry's references (`keep`) until that
// entry's completion is reaped, so the memory is not reused before the
// device has read it, whatever its owner did meanwhile.
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
#include <initializer_list>
#include <memory>
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

// Payload octets the device reads in place: their device address, how
// many, and what keeps that memory alive until the entry completes.
struct PayloadRef {
  std::uint64_t device_address = 0;
  std::uint16_t length = 0;
  std::shared_ptr<const void> keep;
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
  // The same with the payload in two pieces, copied one after the other into the slot.
  bool post(wire::TxDescriptor d, wire::ByteSpan first, wire::ByteSpan second = {});
  // The payload by reference: the parts (at most kMaxParts - 1) follow the
  // slot's SACK option in the gather list, nothing of them is copied, and
  // each part's `keep` is held until this entry's completion is reaped.
  bool post(const wire::TxDescriptor& d, std::initializer_list<PayloadRef> payload);
  // References held for posted entries whose completion is not reaped yet.
  std::size_t references_held() const;
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
  // Fills the entry: the descriptor, the slot (the SACK option, then
  // `copied`) as part 0 and `referenced` after it.
  bool post_entry(wire::TxDescriptor d, wire::ByteSpan copied_first, wire::ByteSpan copied_second,
                  const PayloadRef* referenced, std::size_t referenced_count);

  DmaRegion descriptors_, completions_, slots_;
  CompletionHandback handback_;
  // Per entry, the references its parts hold until its completion is reaped.
  std::vector<std::vector<std::shared_ptr<const void>>> held_;
  std::uint16_t produced_ = 0, announced_ = 0, completed_ = 0;
  std::uint64_t doorbells_ = 0;
};

}  // namespace tcpoe::driver::dev

// The RX side of the device: the RX buffer ring (RXB), one 64-aligned
// buffer per entry, and the RX completion ring (RXC).
//
// Lifecycle: constructed by Device::bring_up(), program() writes its
// registers, refill() posts every free buffer with one RXB PROD write;
// reap() takes the completions whose phase bit says they are new, hands
// each to the caller with a view of its frame in its buffer (no copy: the
// caller copies out what it keeps), then hands the entries back with one
// RXC CONS write (no further than the RXC PROD written back:
// CompletionHandback) and re-posts the buffers. The device consumes buffers in order and
// completes every buffer it consumes, so a buffer is free once its
// completion was reaped and the device's RXB CONS (written back, moving
// with RXC PROD) has passed it: the fast path reads no register.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "tcpoe/driver/dev/dma_region.h"
#include "tcpoe/driver/dev/ring.h"
#include "tcpoe/wire/rx_descriptor.h"

namespace tcpoe::driver::dev {

struct RxCompletion {
  wire::RxDescriptor desc;  // the parser's descriptor (its verdict judges the frame)
  std::uint16_t buf_index = 0;
  std::uint16_t frame_len = 0;
  wire::dev::ComplStatus status{};
  std::uint64_t timestamp = 0;       // device cycle of the frame's last beat
  // The octets the device wrote to the buffer (status OK), in place: valid
  // only inside reap()'s handler (the buffer is posted again after it).
  wire::ByteSpan frame;
};

class RxQueue {
 public:
  RxQueue(pcie::HostInterface& host, std::uint8_t log2, std::uint32_t buffer_bytes,
          const IndexWriteback& writeback);

  void program();
  // Posts every free buffer, never beyond the written-back RXB CONS plus
  // the ring's size; RXB PROD once.
  void refill();
  // Hands each new completion, at most `max`, to `take`, in order; then
  // RXC CONS once, up to them or the device's RXC PROD, whichever is less
  // (also when none is new), and refill(). Returns how many were new.
  using Handler = std::function<void(const RxCompletion&)>;
  std::size_t reap(const Handler& take, std::size_t max = SIZE_MAX);
  // Completions reaped but not handed back yet (PROD had not covered them).
  std::size_t handback_pending() const { return handback_.pending(reaped_); }

  std::size_t capacity() const { return std::size_t(1) << log2_; }
  std::size_t posted() const { return std::uint16_t(posted_ - reaped_); }
  // The device's RXB consumer index, from its write-back.
  std::uint16_t device_consumer() const { return writeback_.index(Ring::kRxBuf); }

 private:
  pcie::HostInterface& host_;
  std::uint8_t log2_;
  std::uint32_t buffer_bytes_;
  const IndexWriteback& writeback_;
  DmaRegion buffer_ring_, completions_, buffers_;
  CompletionHandback handback_;
  std::uint16_t posted_ = 0, announced_ = 0, reaped_ = 0;
};

}  // namespace tcpoe::driver::dev

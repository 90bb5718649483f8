// A connection's send buffer: the octets the user gave and the peer has not
// acknowledged yet, each at its sequence number. A segment sent refers to
// a range of it (its seq and payload_len); the device layer copies that
// range into the TX queue's slot, and it stays here for retransmission
// until acknowledged.
#pragma once

#include <cstddef>

#include "tcpoe/driver/tcp/byte_ring.h"
#include "tcpoe/driver/tcp/seq_number.h"

namespace tcpoe::driver::tcp {

class SendBuffer {
 public:
  explicit SendBuffer(std::size_t capacity) : ring_(capacity) {}

  // The sequence number of the first octet ever written (ISS + 1); only
  // while the buffer is empty.
  void start_at(SeqNumber first) {
    if (ring_.size() == 0) begin_ = first;
  }

  // Takes what fits of `data`; how many octets.
  std::size_t write(wire::ByteSpan data) { return ring_.push(data); }
  // Drops the octets before `ack` (none when it lies before begin(), all
  // when beyond end()); how many were dropped.
  std::size_t acknowledge(SeqNumber ack);

  SeqNumber begin() const { return begin_; }
  SeqNumber end() const { return begin_ + static_cast<uint32_t>(ring_.size()); }
  std::size_t size() const { return ring_.size(); }
  std::size_t free() const { return ring_.free(); }
  std::size_t capacity() const { return ring_.capacity(); }

  // The octets [seq, seq + length); empty unless all of them are held.
  ByteRing::Pieces view(SeqNumber seq, std::size_t length) const;

 private:
  ByteRing ring_;
  SeqNumber begin_;
};

}  // namespace tcpoe::driver::tcp

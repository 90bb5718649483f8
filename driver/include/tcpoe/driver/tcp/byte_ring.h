// A bounded FIFO of octets in one circular block, allocated at the first
// write (a table of idle connections costs no buffer memory). A
// connection's receive buffer is one ByteRing (its send buffer is chunks:
// send_buffer.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tcpoe/wire/bytes.h"

namespace tcpoe::driver::tcp {

class ByteRing {
 public:
  explicit ByteRing(std::size_t capacity) : capacity_(capacity) {}

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const { return size_; }
  std::size_t free() const { return capacity_ - size_; }

  // Appends what fits of `data`; how many octets were taken.
  std::size_t push(wire::ByteSpan data);
  // Drops the first `count` octets (all of them when there are fewer).
  void pop(std::size_t count);

  // The octets [offset, offset + length) as at most two contiguous pieces
  // (the block wraps); cut short at the end of what is held.
  struct Pieces {
    wire::ByteSpan first, second;
    std::size_t size() const { return first.size() + second.size(); }
  };
  Pieces view(std::size_t offset, std::size_t length) const;
  // Copies from `offset` into `into`; how many octets were copied.
  std::size_t copy_out(std::size_t offset, wire::MutableByteSpan into) const;

 private:
  std::size_t capacity_;
  std::vector<uint8_t> block_;
  std::size_t head_ = 0, size_ = 0;
};

}  // namespace tcpoe::driver::tcp

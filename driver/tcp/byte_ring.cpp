#include "tcpoe/driver/tcp/byte_ring.h"

#include <algorithm>
#include <cstring>

namespace tcpoe::driver::tcp {

std::size_t ByteRing::push(wire::ByteSpan data) {
  const std::size_t count = std::min(data.size(), free());
  if (count == 0) return 0;
  if (block_.empty()) block_.resize(capacity_);
  const std::size_t tail = (head_ + size_) % capacity_;
  const std::size_t before_wrap = std::min(count, capacity_ - tail);
  std::memcpy(block_.data() + tail, data.data(), before_wrap);
  std::memcpy(block_.data(), data.data() + before_wrap, count - before_wrap);
  size_ += count;
  return count;
}

void ByteRing::pop(std::size_t count) {
  count = std::min(count, size_);
  if (count == 0) return;
  head_ = (head_ + count) % capacity_;
  size_ -= count;
}

ByteRing::Pieces ByteRing::view(std::size_t offset, std::size_t length) const {
  if (offset >= size_) return {};
  length = std::min(length, size_ - offset);
  const std::size_t start = (head_ + offset) % capacity_;
  const std::size_t before_wrap = std::min(length, capacity_ - start);
  return {wire::ByteSpan(block_.data() + start, before_wrap),
          wire::ByteSpan(block_.data(), length - before_wrap)};
}

std::size_t ByteRing::copy_out(std::size_t offset, wire::MutableByteSpan into) const {
  const Pieces p = view(offset, into.size());
  if (!p.first.empty()) std::memcpy(into.data(), p.first.data(), p.first.size());
  if (!p.second.empty()) std::memcpy(into.data() + p.first.size(), p.second.data(), p.second.size());
  return p.size();
}

}  // namespace tcpoe::driver::tcp

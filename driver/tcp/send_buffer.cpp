#include "tcpoe/driver/tcp/send_buffer.h"

#include <algorithm>

namespace tcpoe::driver::tcp {

std::size_t SendBuffer::write(wire::ByteSpan data) {
  std::size_t taken = 0;
  while (taken < data.size() && size_ < capacity_) {
    const std::size_t tail = head_ + size_;  // from the front chunk's start
    const std::size_t offset = tail % chunk_bytes();
    if (tail / chunk_bytes() == chunks_.size()) {
      std::shared_ptr<SendChunk> chunk = pool_.take();
      if (!chunk) break;
      chunks_.push_back(std::move(chunk));
    }
    const std::size_t count = std::min({data.size() - taken, chunk_bytes() - offset, capacity_ - size_});
    chunks_[tail / chunk_bytes()]->write(offset, data.subspan(taken, count));
    taken += count;
    size_ += count;
  }
  return taken;
}

std::size_t SendBuffer::acknowledge(SeqNumber ack) {
  if (ack <= begin_) return 0;
  const std::size_t count = ack >= end() ? size_ : static_cast<std::size_t>(ack - begin_);
  begin_ += static_cast<uint32_t>(count);
  size_ -= count;
  head_ += count;
  if (size_ == 0) {
    chunks_ = {};  // its memory too: an idle connection holds none
    head_ = 0;
  }
  std::size_t emptied = 0;
  for (; head_ >= chunk_bytes() && emptied < chunks_.size(); head_ -= chunk_bytes()) ++emptied;
  chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(emptied));
  return count;
}

SendBuffer::Parts SendBuffer::view(SeqNumber seq, std::size_t length) const {
  if (seq < begin_ || seq + static_cast<uint32_t>(length) > end() || length > chunk_bytes()) return {};
  Parts p;
  std::size_t at = head_ + static_cast<std::size_t>(seq - begin_);
  for (std::size_t left = length; left != 0; ++p.count) {
    const std::size_t offset = at % chunk_bytes();
    const std::size_t count = std::min(left, chunk_bytes() - offset);
    p.part[p.count] = Part{chunks_[at / chunk_bytes()], offset, count};
    at += count;
    left -= count;
  }
  return p;
}

}  // namespace tcpoe::driver::tcp

#include "tcpoe/driver/tcp/send_buffer.h"

namespace tcpoe::driver::tcp {

std::size_t SendBuffer::acknowledge(SeqNumber ack) {
  if (ack <= begin_) return 0;
  const std::size_t count = ack >= end() ? ring_.size() : static_cast<std::size_t>(ack - begin_);
  ring_.pop(count);
  begin_ += static_cast<uint32_t>(count);
  return count;
}

ByteRing::Pieces SendBuffer::view(SeqNumber seq, std::size_t length) const {
  if (seq < begin_ || seq + static_cast<uint32_t>(length) > end()) return {};
  return ring_.view(static_cast<std::size_t>(seq - begin_), length);
}

}  // namespace tcpoe::driver::tcp

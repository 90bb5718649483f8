#include "tcpoe/driver/tcp/receive_buffer.h"

#include <algorithm>

namespace tcpoe::driver::tcp {

std::size_t ReceiveBuffer::read(wire::MutableByteSpan into) {
  const std::size_t count = ring_.copy_out(0, into);
  ring_.pop(count);
  return count;
}

bool ReceiveBuffer::keep(SeqNumber seq, wire::ByteSpan data, bool fin) {
  const SeqNumber end = seq + static_cast<uint32_t>(data.size());
  ++arrivals_;
  for (Kept& k : kept_)
    if (k.seq <= seq && end <= k.end() && (k.fin || !fin)) {  // held already
      k.arrival = arrivals_;
      return true;
    }
  if (kept_.size() >= max_out_of_order_) return false;
  const auto at = std::find_if(kept_.begin(), kept_.end(), [&](const Kept& k) { return seq < k.seq; });
  kept_.insert(at, Kept{seq, std::vector<uint8_t>(data.begin(), data.end()), fin, arrivals_});
  return true;
}

wire::SackBlocks ReceiveBuffer::sack_blocks(uint8_t max) const {
  struct Block {
    SeqNumber left, right;
    uint64_t arrival;
  };
  std::vector<Block> blocks;
  for (const Kept& k : kept_) {  // by seq: each joins the block it touches
    if (!blocks.empty() && k.seq <= blocks.back().right) {
      Block& b = blocks.back();
      if (b.right < k.end()) b.right = k.end();
      b.arrival = std::max(b.arrival, k.arrival);
    } else {
      blocks.push_back({k.seq, k.end(), k.arrival});
    }
  }
  std::sort(blocks.begin(), blocks.end(),
            [](const Block& a, const Block& b) { return a.arrival > b.arrival; });
  wire::SackBlocks out;
  for (const Block& b : blocks) {
    if (out.count >= max || !out.push({b.left.raw(), b.right.raw()})) break;
  }
  return out;
}

ReceiveBuffer::Drained ReceiveBuffer::drain(SeqNumber rcv_nxt) {
  Drained d;
  for (auto k = kept_.begin(); k != kept_.end() && k->seq <= rcv_nxt && !d.fin; ++k) {
    if (k->end() < rcv_nxt || (k->end() == rcv_nxt && !k->fin)) continue;  // nothing new
    const auto skip = static_cast<std::size_t>(rcv_nxt - k->seq);
    const std::size_t taken =
        append(wire::ByteSpan(k->data.data() + skip, k->data.size() - skip));
    rcv_nxt += static_cast<uint32_t>(taken);
    d.octets += static_cast<uint32_t>(taken);
    if (taken != k->data.size() - skip) break;  // no room left: the rest comes again
    d.fin = k->fin;
  }
  // Drop what is consumed or now lies wholly before RCV.NXT.
  kept_.erase(std::remove_if(kept_.begin(), kept_.end(),
                             [&](const Kept& x) { return x.end() <= rcv_nxt || x.seq < rcv_nxt; }),
              kept_.end());
  return d;
}

}  // namespace tcpoe::driver::tcp

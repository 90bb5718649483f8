#include "tcpoe/driver/dev/rx_queue.h"

#include <array>

#include "tcpoe/wire/device_regs.h"

namespace tcpoe::driver::dev {

namespace regs = wire::dev;

RxQueue::RxQueue(pcie::HostInterface& host, std::uint8_t log2, std::uint32_t buffer_bytes,
                 const IndexWriteback& writeback)
    : host_(host),
      log2_(log2),
      buffer_bytes_(buffer_bytes),
      writeback_(writeback),
      buffer_ring_(host, std::size_t(regs::rx_buf::kEntrySize) << log2),
      completions_(host, std::size_t(regs::rx_compl::kEntrySize) << log2),
      buffers_(host, std::size_t(buffer_bytes) << log2),
      handback_(host, Ring::kRxCompl, writeback) {}

void RxQueue::program() {
  program_ring(host_, Ring::kRxBuf, buffer_ring_, log2_, writeback_.address(Ring::kRxBuf));
  program_ring(host_, Ring::kRxCompl, completions_, log2_, writeback_.address(Ring::kRxCompl));
}

void RxQueue::refill() {
  if (posted() == capacity()) return;
  // RXB CONS moves with RXC PROD, when the completion's write is answered:
  // a buffer whose completion was reaped before that may not be posted
  // again yet (PROD beyond CONS + size is refused: CFG_ERROR BAD_INDEX).
  const std::uint16_t device_limit = std::uint16_t(device_consumer() + capacity());
  while (posted() < capacity() && posted_ != device_limit) {
    const std::uint16_t slot = ring_slot(posted_, log2_);
    std::array<std::uint8_t, regs::rx_buf::kEntrySize> entry{};
    put_be64(entry.data() + regs::rx_buf::kAddr.offset,
             buffers_.device_address() + std::uint64_t(slot) * buffer_bytes_);
    wire::set_field(entry.data(), regs::rx_buf::kLen, buffer_bytes_);
    buffer_ring_.write(std::size_t(slot) * entry.size(), entry.data(), entry.size());
    ++posted_;
  }
  if (announced_ == posted_) return;
  host_.mmio_write32(regs::ring_offset(Ring::kRxBuf, regs::ring_reg::kProdHost), posted_);
  announced_ = posted_;
}

std::size_t RxQueue::reap(const Handler& take, std::size_t max) {
  std::size_t taken = 0;
  constexpr std::size_t kEntry = regs::rx_compl::kEntrySize;
  while (taken < max && reaped_ != announced_) {
    // The entry is read in place: a look that finds nothing new copies nothing.
    const wire::ByteSpan e = completions_.view(std::size_t(ring_slot(reaped_, log2_)) * kEntry, kEntry);
    if ((e[regs::rx_compl::kFlags.offset] & regs::compl_flag::kPhase) != expected_phase(reaped_, log2_))
      break;
    RxCompletion c;
    wire::RxDescriptorBytes raw{};
    std::copy(e.begin(), e.begin() + raw.size(), raw.begin());
    c.desc = wire::unpack_rx_descriptor(raw);
    c.buf_index = std::uint16_t(wire::get_field(e.data(), regs::rx_compl::kBufIndex));
    c.frame_len = std::uint16_t(wire::get_field(e.data(), regs::rx_compl::kFrameLen));
    c.status = regs::ComplStatus(e[regs::rx_compl::kStatus.offset]);
    c.timestamp = get_be64(e.data() + regs::rx_compl::kTimestamp.offset);
    if (c.status == regs::ComplStatus::kOk && c.frame_len <= buffer_bytes_ && c.frame_len)
      c.frame = buffers_.view(std::size_t(ring_slot(c.buf_index, log2_)) * buffer_bytes_, c.frame_len);
    take(c);
    ++taken;
    ++reaped_;
  }
  handback_.hand_back(reaped_);
  refill();  // the buffers reaped now, and any the device's RXB CONS held back before
  return taken;
}

}  // namespace tcpoe::driver::dev

#include "tcpoe/driver/dev/ring.h"

namespace tcpoe::driver::dev {

namespace regs = wire::dev;

std::uint16_t IndexWriteback::index(Ring r) const {
  std::uint8_t b[4];
  region_.read(kStride * unsigned(r), b, sizeof b);
  return std::uint16_t(b[2] << 8 | b[3]);  // 16-bit index in a big-endian word
}

void CompletionHandback::hand_back(std::uint16_t reaped) {
  if (reaped == written_) return;
  // Distances from what was written: the write-back's PROD may lag `reaped`.
  const std::uint16_t prod = writeback_.index(ring_);
  const std::uint16_t target = std::uint16_t(prod - written_) < std::uint16_t(reaped - written_) ? prod : reaped;
  if (target == written_) return;
  host_.mmio_write32(regs::ring_offset(ring_, regs::ring_reg::kConsHost), target);
  written_ = target;
}

void program_ring(pcie::HostInterface& host, Ring r, const DmaRegion& region, std::uint8_t log2,
                  std::uint64_t writeback_address) {
  const auto reg = [r](const regs::Register& which) { return regs::ring_offset(r, which); };
  host.mmio_write32(reg(regs::ring_reg::kBaseLo), std::uint32_t(region.device_address()));
  host.mmio_write32(reg(regs::ring_reg::kBaseHi), std::uint32_t(region.device_address() >> 32));
  host.mmio_write32(reg(regs::ring_reg::kSizeLog2), log2);
  host.mmio_write32(reg(regs::ring_reg::kWritebackLo), std::uint32_t(writeback_address));
  host.mmio_write32(reg(regs::ring_reg::kWritebackHi), std::uint32_t(writeback_address >> 32));
  host.mmio_write32(reg(regs::ring_reg::kRingControl), 1);
}

}  // namespace tcpoe::driver::dev

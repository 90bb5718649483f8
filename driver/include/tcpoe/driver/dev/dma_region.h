// One block of host memory the device may reach: allocated, mapped through
// the host interface's IOMMU (one window), unmapped and freed by its owner.
// Every ring, payload slot array and write-back block of the device layer
// is one DmaRegion.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tcpoe/pcie/host_interface.h"
#include "tcpoe/wire/bytes.h"

namespace tcpoe::driver::dev {

class DmaRegion {
 public:
  DmaRegion() = default;
  // Allocates `bytes` (zeroed, page-aligned) and maps them for the device.
  DmaRegion(pcie::HostInterface& host, std::size_t bytes);
  ~DmaRegion() { release(); }
  DmaRegion(DmaRegion&& other) noexcept { *this = static_cast<DmaRegion&&>(other); }
  DmaRegion& operator=(DmaRegion&& other) noexcept;
  DmaRegion(const DmaRegion&) = delete;
  DmaRegion& operator=(const DmaRegion&) = delete;

  // Unmaps the window and frees the memory; nothing when empty.
  void release();

  bool empty() const { return host_ == nullptr; }
  std::uint64_t device_address() const { return device_address_; }
  std::size_t size() const { return buffer_.size; }

  // The CPU's accesses (offsets inside the region; std::out_of_range otherwise).
  void write(std::size_t offset, const void* data, std::size_t length);
  void read(std::size_t offset, void* data, std::size_t length) const;
  // The octets in place, no copy (pcie::HostInterface::memory_view): valid
  // while the region lives, showing what the device writes later.
  wire::ByteSpan view(std::size_t offset, std::size_t length) const;

 private:
  pcie::HostInterface* host_ = nullptr;
  pcie::DmaBuffer buffer_;
  std::uint64_t device_address_ = 0;
};

}  // namespace tcpoe::driver::dev

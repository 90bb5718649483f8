// Host memory and the IOMMU in front of it, without SystemC: buffers the
// host allocates, windows it maps for the device, and the device's accesses,
// which succeed only inside one mapped window and otherwise touch nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "tcpoe/pcie/host_interface.h"

namespace tcpoe::pcie {

class HostMemory {
 public:
  static constexpr std::size_t kPage = 4096;
  static constexpr std::size_t kMaxBuffer = std::size_t(1) << 30;

  // Device addresses are handed out from `first_device_address` up, a
  // guard page between windows, and must stay below 2^address_bits.
  HostMemory(unsigned address_bits, std::uint64_t first_device_address);

  DmaBuffer allocate(std::size_t bytes);
  void release(const DmaBuffer& buffer);
  std::uint64_t map(const DmaBuffer& buffer);
  void unmap(std::uint64_t device_address);

  void cpu_write(const DmaBuffer& buffer, std::size_t offset, const void* data, std::size_t length);
  void cpu_read(const DmaBuffer& buffer, std::size_t offset, void* data, std::size_t length);
  const std::uint8_t* cpu_view(const DmaBuffer& buffer, std::size_t offset, std::size_t length);

  // The device's accesses through the IOMMU: false, and nothing touched,
  // unless [device_address, device_address + length) lies in one window.
  bool device_write(std::uint64_t device_address, const std::uint8_t* data, std::size_t length);
  bool device_read(std::uint64_t device_address, std::uint8_t* data, std::size_t length);
  bool device_can_reach(std::uint64_t device_address, std::size_t length) {
    return translate(device_address, length) != nullptr;
  }

 private:
  struct Window {
    std::uint64_t size;
    std::uint64_t host_address;
  };
  std::vector<std::uint8_t>& storage(const DmaBuffer& buffer, std::size_t offset, std::size_t length);
  // The host memory behind a device range, or nullptr when not mapped.
  std::uint8_t* translate(std::uint64_t device_address, std::size_t length);

  std::uint64_t address_limit_;  // 2^address_bits - 1
  std::map<std::uint64_t, std::vector<std::uint8_t>> buffers_;  // host address -> contents
  std::map<std::uint64_t, Window> windows_;                     // device address -> window
  std::uint64_t next_host_address_ = 0x7f0000000000;
  std::uint64_t next_device_address_;
};

}  // namespace tcpoe::pcie

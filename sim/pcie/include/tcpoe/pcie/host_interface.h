// What the host driver sees of the device and of its own memory, as a real
// driver sees a PCIe NIC: BAR registers (MMIO), DMA-able memory that it maps
// for the device (an IOMMU window per mapping), and MSI-X interrupts.
//
// No SystemC here: the driver includes only this. The SystemC model
// (tcpoe/pcie/pcie_model.h) is one implementation; a VFIO binding on a real
// board (mmap of the BAR, VFIO_IOMMU_MAP_DMA, eventfd per MSI-X vector)
// would be another, without changing the driver.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tcpoe::pcie {

// A block of host memory the driver allocated; `host_address` names it.
struct DmaBuffer {
  std::uint64_t host_address = 0;
  std::size_t size = 0;
};

// What the driver writes into an MSI-X table entry so that the device's
// write of `data` to `address` raises that vector on the host.
struct MsixMessage {
  std::uint64_t address = 0;
  std::uint32_t data = 0;
};

class HostInterface {
 public:
  virtual ~HostInterface() = default;

  // BAR 0 registers. A write is posted (the CPU does not wait for it); a
  // read waits for its completion, a round trip over the link. A read the
  // device does not answer returns 0xffffffff, as on real hardware.
  virtual std::uint32_t mmio_read32(std::uint64_t bar_offset) = 0;
  virtual void mmio_write32(std::uint64_t bar_offset, std::uint32_t value) = 0;

  // Host memory for DMA. Allocation is page-aligned and zeroed. A mapping
  // opens an IOMMU window over the whole buffer and gives the device
  // address to program into the device; the device can reach nothing else.
  // Misuse (size 0, unknown buffer or window, out-of-range offset) throws
  // std::invalid_argument or std::out_of_range.
  virtual DmaBuffer dma_alloc(std::size_t bytes) = 0;
  virtual void dma_free(const DmaBuffer& buffer) = 0;  // also unmaps its windows
  virtual std::uint64_t dma_map(const DmaBuffer& buffer) = 0;
  virtual void dma_unmap(std::uint64_t device_address) = 0;
  // The host CPU's own accesses to its memory.
  virtual void memory_write(const DmaBuffer& buffer, std::size_t offset, const void* data,
                            std::size_t length) = 0;
  virtual void memory_read(const DmaBuffer& buffer, std::size_t offset, void* data,
                           std::size_t length) = 0;
  // The CPU reading its memory in place, without a copy: the octets
  // [offset, offset + length) of the buffer, valid until it is freed (DMA
  // memory is mapped for the CPU: VFIO's would be inside its mmap). What
  // the device writes there later shows through the pointer.
  virtual const std::uint8_t* memory_view(const DmaBuffer& buffer, std::size_t offset,
                                          std::size_t length) = 0;

  // Interrupts: the MSI-X message for `vector`; poll takes one pending
  // interrupt of that vector if there is one; wait blocks until one is
  // pending or `timeout_ns` has passed (false).
  virtual MsixMessage msix_message(unsigned vector) const = 0;
  virtual bool poll_interrupt(unsigned vector) = 0;
  virtual bool wait_interrupt(unsigned vector, std::uint64_t timeout_ns) = 0;
};

}  // namespace tcpoe::pcie

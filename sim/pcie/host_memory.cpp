#include "tcpoe/pcie/host_memory.h"

#include <cstring>
#include <iterator>
#include <stdexcept>
#include <string>

namespace tcpoe::pcie {

namespace {

std::uint64_t round_up_to_page(std::uint64_t v) {
  return (v + HostMemory::kPage - 1) / HostMemory::kPage * HostMemory::kPage;
}

}  // namespace

HostMemory::HostMemory(unsigned address_bits, std::uint64_t first_device_address)
    : address_limit_(address_bits >= 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << address_bits) - 1),
      next_device_address_(round_up_to_page(first_device_address)) {}

DmaBuffer HostMemory::allocate(std::size_t bytes) {
  if (bytes == 0 || bytes > kMaxBuffer)
    throw std::invalid_argument("dma_alloc: size must be 1.." + std::to_string(kMaxBuffer) +
                                " bytes, not " + std::to_string(bytes));
  const DmaBuffer buffer{next_host_address_, bytes};
  buffers_.emplace(buffer.host_address, std::vector<std::uint8_t>(bytes, 0));
  next_host_address_ += round_up_to_page(bytes) + kPage;
  return buffer;
}

void HostMemory::release(const DmaBuffer& buffer) {
  storage(buffer, 0, 0);  // checks that it is ours
  for (auto it = windows_.begin(); it != windows_.end();)
    it = it->second.host_address == buffer.host_address ? windows_.erase(it) : std::next(it);
  buffers_.erase(buffer.host_address);
}

std::uint64_t HostMemory::map(const DmaBuffer& buffer) {
  storage(buffer, 0, 0);
  const std::uint64_t device_address = next_device_address_;
  const std::uint64_t span = round_up_to_page(buffer.size) + kPage;  // + guard page
  if (device_address > address_limit_ || address_limit_ - device_address < span)
    throw std::out_of_range("dma_map: no device address space left below the address limit");
  windows_.emplace(device_address, Window{buffer.size, buffer.host_address});
  next_device_address_ += span;
  return device_address;
}

void HostMemory::unmap(std::uint64_t device_address) {
  if (windows_.erase(device_address) == 0)
    throw std::invalid_argument("dma_unmap: no window at device address " +
                                std::to_string(device_address));
}

std::vector<std::uint8_t>& HostMemory::storage(const DmaBuffer& buffer, std::size_t offset,
                                               std::size_t length) {
  const auto it = buffers_.find(buffer.host_address);
  if (it == buffers_.end() || it->second.size() != buffer.size)
    throw std::invalid_argument("not a buffer of this host: " + std::to_string(buffer.host_address));
  if (offset > buffer.size || length > buffer.size - offset)
    throw std::out_of_range("access of " + std::to_string(length) + " bytes at offset " +
                            std::to_string(offset) + " outside a buffer of " +
                            std::to_string(buffer.size));
  return it->second;
}

void HostMemory::cpu_write(const DmaBuffer& buffer, std::size_t offset, const void* data,
                           std::size_t length) {
  auto& bytes = storage(buffer, offset, length);
  if (length > 0) std::memcpy(bytes.data() + offset, data, length);
}

void HostMemory::cpu_read(const DmaBuffer& buffer, std::size_t offset, void* data,
                          std::size_t length) {
  const auto& bytes = storage(buffer, offset, length);
  if (length > 0) std::memcpy(data, bytes.data() + offset, length);
}

const std::uint8_t* HostMemory::cpu_view(const DmaBuffer& buffer, std::size_t offset, std::size_t length) {
  return storage(buffer, offset, length).data() + offset;
}

std::uint8_t* HostMemory::translate(std::uint64_t device_address, std::size_t length) {
  auto it = windows_.upper_bound(device_address);
  if (it == windows_.begin() || length == 0) return nullptr;
  --it;
  const std::uint64_t offset = device_address - it->first;
  if (offset >= it->second.size || length > it->second.size - offset) return nullptr;
  return buffers_.at(it->second.host_address).data() + offset;
}

bool HostMemory::device_write(std::uint64_t device_address, const std::uint8_t* data,
                              std::size_t length) {
  std::uint8_t* host = translate(device_address, length);
  if (host == nullptr) return false;
  std::memcpy(host, data, length);
  return true;
}

bool HostMemory::device_read(std::uint64_t device_address, std::uint8_t* data, std::size_t length) {
  const std::uint8_t* host = translate(device_address, length);
  if (host == nullptr) return false;
  std::memcpy(data, host, length);
  return true;
}

}  // namespace tcpoe::pcie

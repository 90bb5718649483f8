#include "tcpoe/driver/dev/dma_region.h"

#include <stdexcept>

namespace tcpoe::driver::dev {

DmaRegion::DmaRegion(pcie::HostInterface& host, std::size_t bytes) : host_(&host) {
  buffer_ = host.dma_alloc(bytes);
  try {
    device_address_ = host.dma_map(buffer_);
  } catch (...) {
    host.dma_free(buffer_);
    throw;
  }
}

DmaRegion& DmaRegion::operator=(DmaRegion&& other) noexcept {
  if (this != &other) {
    release();
    host_ = other.host_;
    buffer_ = other.buffer_;
    device_address_ = other.device_address_;
    other.host_ = nullptr;
  }
  return *this;
}

void DmaRegion::release() {
  if (!host_) return;
  host_->dma_unmap(device_address_);
  host_->dma_free(buffer_);
  host_ = nullptr;
}

void DmaRegion::write(std::size_t offset, const void* data, std::size_t length) {
  if (!host_ || offset + length > buffer_.size) throw std::out_of_range("DmaRegion::write: outside the region");
  host_->memory_write(buffer_, offset, data, length);
}

void DmaRegion::read(std::size_t offset, void* data, std::size_t length) const {
  if (!host_ || offset + length > buffer_.size) throw std::out_of_range("DmaRegion::read: outside the region");
  host_->memory_read(buffer_, offset, data, length);
}

wire::ByteSpan DmaRegion::view(std::size_t offset, std::size_t length) const {
  if (!host_ || offset + length > buffer_.size) throw std::out_of_range("DmaRegion::view: outside the region");
  return {host_->memory_view(buffer_, offset, length), length};
}

}  // namespace tcpoe::driver::dev

// The Stack's send-buffer chunks (tcp::ChunkPool) in DMA memory: each chunk
// is one dev::DmaRegion, allocated and mapped through the host interface
// when taken and unmapped and freed when its last reference goes (a
// connection's send buffer, or a posted TX entry until its completion is
// reaped: dev::TxQueue holds those). send() writes the user's octets into
// it through the host interface (the one copy); the device reads segments'
// payload from it in place (device_address()).
#pragma once

#include <cstddef>
#include <cstdint>

#include "tcpoe/driver/dev/dma_region.h"
#include "tcpoe/driver/tcp/send_chunks.h"

namespace tcpoe::driver {

class DmaChunk : public tcp::SendChunk {
 public:
  DmaChunk(pcie::HostInterface& host, std::size_t bytes) : region_(host, bytes) {}
  void write(std::size_t offset, wire::ByteSpan data) override {
    if (!data.empty()) region_.write(offset, data.data(), data.size());
  }
  wire::ByteSpan view(std::size_t offset, std::size_t length) const override {
    return region_.view(offset, length);
  }
  std::uint64_t device_address() const { return region_.device_address(); }

 private:
  dev::DmaRegion region_;
};

class DmaChunkPool : public tcp::ChunkPool {
 public:
  // `host` must outlive every chunk taken.
  DmaChunkPool(pcie::HostInterface& host, std::size_t chunk_bytes, std::size_t max_chunks)
      : ChunkPool(chunk_bytes, max_chunks), host_(host) {}

 protected:
  std::unique_ptr<tcp::SendChunk> make() override;

 private:
  pcie::HostInterface& host_;
};

}  // namespace tcpoe::driver

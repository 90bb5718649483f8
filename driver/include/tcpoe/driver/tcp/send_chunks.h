// Where a send buffer keeps its octets: fixed-size chunks taken from a pool
// on demand and given back when empty (the last reference dropped). The
// connection core sees only this interface; the Stack's pool
// (driver/dma_chunk_pool.h) makes each chunk DMA memory, so the device
// reads payload where send() put it, and whoever posts a segment holds a
// reference to its chunks until the device is done with them (a chunk is
// never reused while referenced). Without a pool a connection uses
// heap_chunk_pool(): plain memory, for the connection core on its own.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "tcpoe/wire/bytes.h"

namespace tcpoe::driver::tcp {

class SendChunk {
 public:
  virtual ~SendChunk() = default;
  // The CPU's write of `data` at `offset` (the one copy of send()).
  virtual void write(std::size_t offset, wire::ByteSpan data) = 0;
  // The octets in place, no copy.
  virtual wire::ByteSpan view(std::size_t offset, std::size_t length) const = 0;
};

class ChunkPool {
 public:
  // Chunks of `chunk_bytes` (a power of two), at most `max_chunks` alive at once.
  ChunkPool(std::size_t chunk_bytes, std::size_t max_chunks);
  virtual ~ChunkPool() = default;
  ChunkPool(const ChunkPool&) = delete;
  ChunkPool& operator=(const ChunkPool&) = delete;

  // A new chunk (zeroed), freed when its last reference goes (which may
  // outlive the pool); nullptr when `max_chunks` are alive.
  std::shared_ptr<SendChunk> take();

  std::size_t chunk_bytes() const { return chunk_bytes_; }
  std::size_t max_chunks() const { return max_chunks_; }
  std::size_t live() const { return count_->live; }           // chunks alive now
  std::uint64_t taken() const { return count_->taken; }        // chunks ever taken
  std::size_t refused() const { return count_->refused; }      // take()s at the bound

 protected:
  virtual std::unique_ptr<SendChunk> make() = 0;

 private:
  struct Count {
    std::atomic<std::size_t> live{0};
    std::atomic<std::uint64_t> taken{0};
    std::atomic<std::size_t> refused{0};
  };
  std::size_t chunk_bytes_, max_chunks_;
  std::shared_ptr<Count> count_;
};

// Chunks in plain memory.
class HeapChunkPool : public ChunkPool {
 public:
  using ChunkPool::ChunkPool;

 protected:
  std::unique_ptr<SendChunk> make() override;
};

constexpr std::size_t kDefaultChunkBytes = std::size_t(1) << 16;  // 64 kB
// The pool of connections given none: 64 kB chunks, no bound of its own.
ChunkPool& heap_chunk_pool();

}  // namespace tcpoe::driver::tcp

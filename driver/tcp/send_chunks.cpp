#include "tcpoe/driver/tcp/send_chunks.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace tcpoe::driver::tcp {

ChunkPool::ChunkPool(std::size_t chunk_bytes, std::size_t max_chunks)
    : chunk_bytes_(chunk_bytes), max_chunks_(max_chunks), count_(std::make_shared<Count>()) {
  if (chunk_bytes == 0 || (chunk_bytes & (chunk_bytes - 1)) != 0)
    throw std::invalid_argument("ChunkPool: chunk size " + std::to_string(chunk_bytes) +
                                " is not a power of two");
  if (max_chunks == 0) throw std::invalid_argument("ChunkPool: a bound of 0 chunks");
}

std::shared_ptr<SendChunk> ChunkPool::take() {
  if (count_->live >= max_chunks_) {
    ++count_->refused;
    return nullptr;
  }
  std::unique_ptr<SendChunk> chunk = make();
  ++count_->live;
  ++count_->taken;
  return std::shared_ptr<SendChunk>(chunk.release(), [count = count_](SendChunk* c) {
    delete c;
    --count->live;
  });
}

namespace {

class HeapChunk : public SendChunk {
 public:
  explicit HeapChunk(std::size_t bytes) : octets_(bytes) {}
  void write(std::size_t offset, wire::ByteSpan data) override {
    if (offset + data.size() > octets_.size()) throw std::out_of_range("HeapChunk::write: outside the chunk");
    if (!data.empty()) std::memcpy(octets_.data() + offset, data.data(), data.size());
  }
  wire::ByteSpan view(std::size_t offset, std::size_t length) const override {
    if (offset + length > octets_.size()) throw std::out_of_range("HeapChunk::view: outside the chunk");
    return {octets_.data() + offset, length};
  }

 private:
  std::vector<std::uint8_t> octets_;
};

}  // namespace

std::unique_ptr<SendChunk> HeapChunkPool::make() { return std::make_unique<HeapChunk>(chunk_bytes()); }

ChunkPool& heap_chunk_pool() {
  static HeapChunkPool pool(kDefaultChunkBytes, SIZE_MAX);
  return pool;
}

}  // namespace tcpoe::driver::tcp

#include "tcpoe/driver/dma_chunk_pool.h"

namespace tcpoe::driver {

std::unique_ptr<tcp::SendChunk> DmaChunkPool::make() { return std::make_unique<DmaChunk>(host_, chunk_bytes()); }

}  // namespace tcpoe::driver

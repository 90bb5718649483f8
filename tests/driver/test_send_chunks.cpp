// The send buffer's storage (driver/include/tcpoe/driver/tcp/send_chunks.h,
// send_buffer.h): chunks taken from a pool on demand, up to its bound,
// given back when empty, and a segment's range as one or two parts where
// the octets lie, kept alive by whoever holds a part.
#include <catch2/catch.hpp>

#include <numeric>
#include <vector>

#include "tcpoe/driver/tcp/connection.h"
#include "tcpoe/driver/tcp/send_buffer.h"
#include "tcpoe/driver/tcp/send_chunks.h"

namespace {

using namespace tcpoe::driver::tcp;
using tcpoe::wire::ByteSpan;

constexpr std::size_t kChunk = 4096;

std::vector<uint8_t> counting(std::size_t n, uint8_t from = 0) {
  std::vector<uint8_t> v(n);
  std::iota(v.begin(), v.end(), from);
  return v;
}

std::vector<uint8_t> octets_of(const SendBuffer::Parts& p) {
  std::vector<uint8_t> out;
  for (std::size_t k = 0; k < p.count; ++k) {
    const ByteSpan s = p.part[k].octets();
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

}  // namespace

TEST_CASE("a chunk pool hands out chunks up to its bound and takes them back when the last reference goes",
          "[send_chunks]") {
  HeapChunkPool pool(kChunk, 2);
  auto a = pool.take();
  auto b = pool.take();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(pool.live() == 2);
  CHECK(pool.take() == nullptr);  // at the bound
  CHECK(pool.refused() == 1);
  auto a_again = a;  // a second reference: still alive when the first goes
  a.reset();
  CHECK(pool.live() == 2);
  a_again.reset();
  CHECK(pool.live() == 1);
  CHECK(pool.take() != nullptr);  // room again (and given back at once: the temporary goes)
  CHECK(pool.live() == 1);
  CHECK(pool.taken() == 3);
}

TEST_CASE("a chunk pool refuses a chunk size that is not a power of two and a bound of 0", "[send_chunks]") {
  CHECK_THROWS_AS(HeapChunkPool(3000, 4), std::invalid_argument);
  CHECK_THROWS_AS(HeapChunkPool(0, 4), std::invalid_argument);
  CHECK_THROWS_AS(HeapChunkPool(kChunk, 0), std::invalid_argument);
}

TEST_CASE("a chunk outlives its pool while referenced", "[send_chunks]") {
  std::shared_ptr<SendChunk> chunk;
  {
    HeapChunkPool pool(kChunk, 1);
    chunk = pool.take();
    const std::vector<uint8_t> data = counting(10);
    chunk->write(100, ByteSpan(data.data(), data.size()));
  }
  const ByteSpan kept = chunk->view(100, 10);
  CHECK(std::vector<uint8_t>(kept.begin(), kept.end()) == counting(10));
}

TEST_CASE("an idle send buffer holds no chunk, and writing takes them one at a time", "[send_chunks]") {
  HeapChunkPool pool(kChunk, 8);
  SendBuffer b(4 * kChunk, pool);
  b.start_at(SeqNumber(1000));
  CHECK(b.chunks() == 0);
  CHECK(pool.live() == 0);
  const std::vector<uint8_t> data = counting(kChunk + 1);
  CHECK(b.write(ByteSpan(data.data(), kChunk)) == kChunk);
  CHECK(b.chunks() == 1);  // exactly full: the next chunk only when an octet needs it
  CHECK(b.write(ByteSpan(data.data() + kChunk, 1)) == 1);
  CHECK(b.chunks() == 2);
  CHECK(pool.live() == 2);
}

TEST_CASE("a segment across a chunk's end is two parts, in order, of the two chunks", "[send_chunks]") {
  HeapChunkPool pool(kChunk, 8);
  SendBuffer b(4 * kChunk, pool);
  b.start_at(SeqNumber(0xfffff000));  // the sequence numbers wrap too
  const std::vector<uint8_t> data = counting(2 * kChunk, 7);
  REQUIRE(b.write(ByteSpan(data.data(), data.size())) == data.size());
  const SeqNumber seq = SeqNumber(0xfffff000) + uint32_t(kChunk - 100);
  const SendBuffer::Parts p = b.view(seq, 1460);
  REQUIRE(p.count == 2);
  CHECK(p.part[0].chunk != p.part[1].chunk);
  CHECK(p.part[0].offset == kChunk - 100);
  CHECK(p.part[0].length == 100);
  CHECK(p.part[1].offset == 0);
  CHECK(p.part[1].length == 1360);
  CHECK(octets_of(p) == std::vector<uint8_t>(data.begin() + (kChunk - 100), data.begin() + (kChunk + 1360)));
  // Inside one chunk: one part.
  const SendBuffer::Parts one = b.view(SeqNumber(0xfffff000) + 10u, 1460);
  CHECK(one.count == 1);
  CHECK(octets_of(one) == std::vector<uint8_t>(data.begin() + 10, data.begin() + 1470));
}

TEST_CASE("a send buffer refuses a range it does not hold or longer than a chunk", "[send_chunks]") {
  HeapChunkPool pool(kChunk, 8);
  SendBuffer b(4 * kChunk, pool);
  b.start_at(SeqNumber(1));
  const std::vector<uint8_t> data = counting(3 * kChunk);
  REQUIRE(b.write(ByteSpan(data.data(), data.size())) == data.size());
  CHECK(b.view(SeqNumber(0), 10).size() == 0);                     // before begin
  CHECK(b.view(SeqNumber(1) + uint32_t(3 * kChunk - 5), 10).size() == 0);  // past end
  CHECK(b.view(SeqNumber(1), kChunk + 1).size() == 0);              // three chunks' worth
  CHECK(b.view(SeqNumber(1) + 1u, kChunk).count == 2);              // a chunk's length: two parts
}

TEST_CASE("acknowledged chunks go back to the pool, and an emptied buffer gives back every chunk", "[send_chunks]") {
  HeapChunkPool pool(kChunk, 8);
  SendBuffer b(4 * kChunk, pool);
  b.start_at(SeqNumber(1));
  const std::vector<uint8_t> data = counting(2 * kChunk + 10);
  REQUIRE(b.write(ByteSpan(data.data(), data.size())) == data.size());
  CHECK(pool.live() == 3);
  CHECK(b.acknowledge(SeqNumber(1) + uint32_t(kChunk - 1)) == kChunk - 1);
  CHECK(pool.live() == 3);  // one octet of the first chunk is still unacknowledged
  b.acknowledge(SeqNumber(1) + uint32_t(kChunk));
  CHECK(pool.live() == 2);
  CHECK(octets_of(b.view(b.begin(), 10)) == std::vector<uint8_t>(data.begin() + kChunk, data.begin() + kChunk + 10));
  b.acknowledge(b.end());
  CHECK(b.size() == 0);
  CHECK(pool.live() == 0);  // the partly written last chunk too
  // Writing again starts a fresh chunk at its start.
  REQUIRE(b.write(ByteSpan(data.data(), 5)) == 5);
  CHECK(pool.live() == 1);
  CHECK(b.view(b.begin(), 5).part[0].offset == 0);
}

TEST_CASE("a part held past its acknowledgment keeps its octets while the buffer takes new data",
          "[send_chunks]") {
  HeapChunkPool pool(kChunk, 8);
  SendBuffer b(kChunk, pool);
  b.start_at(SeqNumber(1));
  const std::vector<uint8_t> first = counting(1000, 1);
  REQUIRE(b.write(ByteSpan(first.data(), first.size())) == first.size());
  const SendBuffer::Parts posted = b.view(SeqNumber(1), 1000);  // as a posted TX entry holds it
  b.acknowledge(b.end());                                      // the ACK came before the completion
  const std::vector<uint8_t> second(kChunk, 0xee);
  REQUIRE(b.write(ByteSpan(second.data(), second.size())) == second.size());  // a whole chunk of new data
  CHECK(pool.live() == 2);  // the new data went into another chunk
  CHECK(octets_of(posted) == first);
  const SendBuffer::Parts now = b.view(b.begin(), 1000);
  CHECK(now.part[0].chunk != posted.part[0].chunk);
}

TEST_CASE("at the pool's bound a send buffer takes only what its chunks hold", "[send_chunks]") {
  HeapChunkPool pool(kChunk, 1);
  SendBuffer b(4 * kChunk, pool);
  b.start_at(SeqNumber(1));
  const std::vector<uint8_t> data = counting(2 * kChunk);
  CHECK(b.write(ByteSpan(data.data(), data.size())) == kChunk);
  CHECK(b.free() == 3 * kChunk);  // the buffer's own bound is not what stopped it
  b.acknowledge(b.end());
  CHECK(b.write(ByteSpan(data.data(), data.size())) == kChunk);  // the chunk back, the next write goes on
}

TEST_CASE("a connection config whose chunks are smaller than the MSS is refused", "[send_chunks]") {
  ConnectionConfig c;
  c.send_chunks = std::make_shared<HeapChunkPool>(1024, 8);
  CHECK(c.problem().find("smaller than the MSS") != std::string::npos);
  c.send_chunks = std::make_shared<HeapChunkPool>(2048, 8);
  CHECK(c.problem().empty());
}

// A connection's send buffer: the octets the user gave and the peer has not
// acknowledged yet, each at its sequence number, in a queue of fixed-size
// chunks from a ChunkPool (send_chunks.h): a chunk is taken when the
// octets reach its end, and given back once all of its octets are
// acknowledged (every chunk when the buffer empties), so an idle
// connection holds none and `capacity` is a bound, not an allocation. An
// octet is written once into its place and never moved: a segment sent
// refers to a range of it (its seq and payload_len) as at most two parts
// (a range across a chunk's end), which the device reads in place; it
// stays here for retransmission until acknowledged.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <vector>

#include "tcpoe/driver/tcp/send_chunks.h"
#include "tcpoe/driver/tcp/seq_number.h"

namespace tcpoe::driver::tcp {

class SendBuffer {
 public:
  // At most `capacity` octets, in chunks of `pool` (which must outlive the buffer).
  explicit SendBuffer(std::size_t capacity, ChunkPool& pool = heap_chunk_pool())
      : capacity_(capacity), pool_(pool) {}

  // The sequence number of the first octet ever written (ISS + 1); only
  // while the buffer is empty.
  void start_at(SeqNumber first) {
    if (size_ == 0) begin_ = first;
  }

  // Takes what fits of `data` (less when the pool is at its bound); how many octets.
  std::size_t write(wire::ByteSpan data);
  // Drops the octets before `ack` (none when it lies before begin(), all
  // when beyond end()), giving back the chunks emptied; how many were dropped.
  std::size_t acknowledge(SeqNumber ack);

  SeqNumber begin() const { return begin_; }
  SeqNumber end() const { return begin_ + static_cast<uint32_t>(size_); }
  std::size_t size() const { return size_; }
  std::size_t free() const { return capacity_ - size_; }
  std::size_t capacity() const { return capacity_; }
  std::size_t chunks() const { return chunks_.size(); }  // held now

  // A range of the buffer where it lies: a chunk, and octets of it. The
  // chunk reference keeps the memory alive (and unreused) as long as it is held.
  struct Part {
    std::shared_ptr<const SendChunk> chunk;
    std::size_t offset = 0, length = 0;
    wire::ByteSpan octets() const { return chunk ? chunk->view(offset, length) : wire::ByteSpan(); }
  };
  struct Parts {
    std::array<Part, 2> part;
    std::size_t count = 0;
    std::size_t size() const { return part[0].length + part[1].length; }
  };
  // The octets [seq, seq + length) as one or two parts; empty unless all
  // of them are held and `length` is at most a chunk.
  Parts view(SeqNumber seq, std::size_t length) const;

 private:
  std::size_t chunk_bytes() const { return pool_.chunk_bytes(); }

  std::size_t capacity_;
  ChunkPool& pool_;
  // Oldest first; a vector, as it allocates nothing while empty (a deque
  // would, for every idle connection), and holds at most capacity / chunk
  // + 1 chunks (65 by default), so dropping the front is cheap.
  std::vector<std::shared_ptr<SendChunk>> chunks_;
  std::size_t head_ = 0;  // offset of begin() in chunks_.front()
  std::size_t size_ = 0;
  SeqNumber begin_;
};

}  // namespace tcpoe::driver::tcp

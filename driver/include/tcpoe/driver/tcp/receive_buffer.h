// A connection's receive side: the octets received in order and not read
// yet, and the segments that arrived ahead of RCV.NXT, kept for reassembly.
// The bound on reassembly is a number of segments (`max_out_of_order`,
// each inside the receive window the connection advertised); a segment
// beyond it is dropped (the connection counts it) and comes again by
// retransmission.
#pragma once

#include <cstddef>
#include <vector>

#include "tcpoe/driver/tcp/byte_ring.h"
#include "tcpoe/driver/tcp/seq_number.h"
#include "tcpoe/wire/tcp.h"

namespace tcpoe::driver::tcp {

class ReceiveBuffer {
 public:
  ReceiveBuffer(std::size_t capacity, std::size_t max_out_of_order)
      : ring_(capacity), max_out_of_order_(max_out_of_order) {}

  // In-order octets (they start at RCV.NXT): appended, what fits.
  std::size_t append(wire::ByteSpan data) { return ring_.push(data); }
  // The user's read: copies and drops up to into.size() octets.
  std::size_t read(wire::MutableByteSpan into);
  std::size_t size() const { return ring_.size(); }  // unread, in order

  // A segment starting after RCV.NXT (and its FIN, if it carries one):
  // kept, unless the bound is reached (false). A segment the kept ones
  // already hold whole is not kept twice.
  bool keep(SeqNumber seq, wire::ByteSpan data, bool fin);
  // What the kept segments add once RCV.NXT is `rcv_nxt`: their octets from
  // there on, appended in order, and whether the FIN was reached.
  struct Drained {
    uint32_t octets = 0;
    bool fin = false;
  };
  Drained drain(SeqNumber rcv_nxt);

  std::size_t out_of_order_segments() const { return kept_.size(); }
  // RFC 2018 section 4: the SACK blocks of what is kept, at most `max`:
  // first the block holding the most recently received segment, then the
  // others, most recently received first. Contiguous or overlapping kept
  // segments make one block.
  wire::SackBlocks sack_blocks(uint8_t max) const;

 private:
  struct Kept {
    SeqNumber seq;
    std::vector<uint8_t> data;
    bool fin = false;
    uint64_t arrival = 0;  // when it (or a copy of it) last came: a count of keep() calls
    SeqNumber end() const { return seq + static_cast<uint32_t>(data.size()); }
  };

  ByteRing ring_;
  std::size_t max_out_of_order_;
  std::vector<Kept> kept_;  // by seq (all inside one window: SeqNumber's order holds)
  uint64_t arrivals_ = 0;
};

}  // namespace tcpoe::driver::tcp

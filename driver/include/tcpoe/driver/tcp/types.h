// What the connection core takes and gives: time, the 4-tuple, the parsed
// segment it consumes (the RX parser's descriptor) and the actions it returns
// (TX descriptors to hand to the header builder, events for the user).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "tcpoe/wire/rx_descriptor.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace tcpoe::driver::tcp {

// Time since an arbitrary epoch of the caller's clock (simulated or real).
using Time = std::chrono::nanoseconds;

// A received segment: the parser's descriptor, as the device completes it.
using Segment = wire::RxDescriptor;

// One end's view of a connection; IPv4 addresses as numbers (192.0.2.1 is
// 0xc0000201), as in the descriptors.
struct FourTuple {
  uint32_t local_ip = 0;
  uint16_t local_port = 0;
  uint32_t remote_ip = 0;
  uint16_t remote_port = 0;

  friend bool operator==(const FourTuple& a, const FourTuple& b) {
    return a.local_ip == b.local_ip && a.local_port == b.local_port &&
           a.remote_ip == b.remote_ip && a.remote_port == b.remote_port;
  }
  friend bool operator!=(const FourTuple& a, const FourTuple& b) { return !(a == b); }
};

// The tuple of the connection a received segment belongs to (we are its
// destination).
inline FourTuple tuple_of(const Segment& s) {
  return FourTuple{s.ip_dst, s.tcp_dst_port, s.ip_src, s.tcp_src_port};
}

// Addresses and ports of a segment this end sends on connection `t`.
inline void set_addresses(wire::TxDescriptor& d, const FourTuple& t) {
  d.ip_src = t.local_ip;
  d.ip_dst = t.remote_ip;
  d.src_port = t.local_port;
  d.dst_port = t.remote_port;
}

// What the user of a connection is told.
enum class EventKind {
  kEstablished,  // the handshake completed
  kRefused,      // our SYN was answered by RST (ECONNREFUSED)
  kReset,        // a synchronized connection was reset by the peer (ECONNRESET)
  kTimedOut,     // retransmissions of a SYN or FIN went unanswered (ETIMEDOUT)
  kPeerClosed,   // the peer's FIN arrived: end of its stream
  kClosed,       // the connection reached CLOSED in order (after TIME-WAIT or LAST-ACK)
  kReadable,     // in-order data arrived for recv()
  kWritable,     // the send buffer, found full by send(), has room again
};

constexpr const char* to_string(EventKind k) {
  switch (k) {
    case EventKind::kEstablished: return "established";
    case EventKind::kRefused: return "connection refused";
    case EventKind::kReset: return "connection reset";
    case EventKind::kTimedOut: return "timed out";
    case EventKind::kPeerClosed: return "peer closed";
    case EventKind::kClosed: return "closed";
    case EventKind::kReadable: return "readable";
    case EventKind::kWritable: return "writable";
  }
  return "?";
}

struct Event {
  EventKind kind;
  FourTuple tuple;
};

struct Actions {
  std::vector<wire::TxDescriptor> send;  // in order; Ethernet addresses left to the device layer
  std::vector<Event> events;

  void append(Actions&& more) {
    send.insert(send.end(), more.send.begin(), more.send.end());
    events.insert(events.end(), more.events.begin(), more.events.end());
  }
};

// Why a received segment was not acted on, counted where it was dropped.
struct DropCounters {
  uint64_t malformed = 0;     // the parser's Malformed code was not NONE
  uint64_t bad_checksum = 0;  // an IPv4 or TCP checksum unchecked or wrong
};

// True when the parser judged the frame well formed with both checksums
// right; otherwise counts why not. No other segment is acted on.
inline bool accept_verdict(const Segment& s, DropCounters& drops) {
  if (s.malformed != wire::Malformed::kNone) {
    ++drops.malformed;
    return false;
  }
  if (!(s.ip_csum_checked && s.ip_csum_ok && s.tcp_csum_checked && s.tcp_csum_ok)) {
    ++drops.bad_checksum;
    return false;
  }
  return true;
}

}  // namespace tcpoe::driver::tcp

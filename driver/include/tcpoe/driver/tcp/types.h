// What the connection core takes and gives: time, the 4-tuple, the parsed
// segment it consumes (the RX parser's descriptor) and the actions it returns
// (TX descriptors to hand to the header builder, events for the user).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
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

// Why a received segment was not acted on (dropped, or only answered), one
// counter per reason, counted where it was decided (docs/driver.md, "Bad
// input"). The table and each connection keep their own; the table's
// drops() adds them up for the whole stack.
struct DropCounters {
  // The device's verdict (the table judges it first: the tuple of such a
  // frame cannot be trusted either).
  uint64_t malformed = 0;  // every malformed one: the parser's code, or payload_short
  // By the parser's Malformed code (index: the code; [0] stays 0): kTcpOption
  // for an option of length 0 or 1, running past the header, or MSS/WS/
  // SACK-permitted/timestamps with a wrong length; kTcpDataOffset for a data
  // offset below 5 or beyond the segment (docs/device.md).
  std::array<uint64_t, wire::kMalformedCodeCount> malformed_by_code{};
  uint64_t payload_short = 0;     // well formed, but fewer payload octets came than payload_len
  uint64_t bad_checksum = 0;      // frames with the IPv4 or TCP checksum unchecked or wrong
  uint64_t bad_ip_checksum = 0;   // ... the IPv4 header checksum judged wrong
  uint64_t bad_tcp_checksum = 0;  // ... the TCP checksum judged wrong (a frame may count in both)

  // A connection's checks (RFC 9293 3.10.7, RFC 5961, RFC 7323).
  uint64_t paws_drops = 0;         // RFC 7323 5.3: an old TSval, dropped and ACKed
  uint64_t out_of_window = 0;      // sequence number unacceptable (not RST, not SYN): ACKed, dropped
  uint64_t ack_of_unsent = 0;      // SEG.ACK beyond anything sent (RFC 5961 5.2): ACKed, dropped
  uint64_t ack_too_old = 0;        // SEG.ACK below SND.UNA - MAX.SND.WND (RFC 5961 5.2): ACKed, dropped
  uint64_t ack_missing = 0;        // synchronized, no ACK flag (RFC 9293 3.10.7.4): dropped
  uint64_t handshake_ack_reset = 0;  // SYN-SENT/SYN-RECEIVED: an ACK of nothing we sent, answered by RST
  uint64_t rst_out_of_window = 0;  // RST outside the window: dropped silently (RFC 5961 3.2)
  uint64_t rst_challenged = 0;     // RST in the window but not at RCV.NXT: challenge ACK (RFC 5961 3.2)
  uint64_t syn_challenged = 0;     // SYN in a synchronized state: challenge ACK (RFC 5961 4)
  // Challenge ACKs not sent, over the limit per second (RFC 5961 section 7;
  // the segment is dropped all the same).
  uint64_t challenge_acks_limited = 0;

  // No connection (the table; RFC 9293 3.10.7.1/2).
  uint64_t no_connection_reset = 0;    // answered by RST
  uint64_t no_connection_rst = 0;      // a RST for no connection: dropped
  uint64_t listener_dropped = 0;       // to a listener, neither SYN nor ACK (a RST, say): dropped

  DropCounters& operator+=(const DropCounters& o) {
    malformed += o.malformed;
    for (std::size_t i = 0; i < malformed_by_code.size(); ++i) malformed_by_code[i] += o.malformed_by_code[i];
    payload_short += o.payload_short;
    bad_checksum += o.bad_checksum;
    bad_ip_checksum += o.bad_ip_checksum;
    bad_tcp_checksum += o.bad_tcp_checksum;
    paws_drops += o.paws_drops;
    out_of_window += o.out_of_window;
    ack_of_unsent += o.ack_of_unsent;
    ack_too_old += o.ack_too_old;
    ack_missing += o.ack_missing;
    handshake_ack_reset += o.handshake_ack_reset;
    rst_out_of_window += o.rst_out_of_window;
    rst_challenged += o.rst_challenged;
    syn_challenged += o.syn_challenged;
    challenge_acks_limited += o.challenge_acks_limited;
    no_connection_reset += o.no_connection_reset;
    no_connection_rst += o.no_connection_rst;
    listener_dropped += o.listener_dropped;
    return *this;
  }
};

// True when the parser judged the frame well formed with both checksums
// right; otherwise counts why not. No other segment is acted on.
inline bool accept_verdict(const Segment& s, DropCounters& drops) {
  if (s.malformed != wire::Malformed::kNone) {
    ++drops.malformed;
    const auto code = static_cast<std::size_t>(s.malformed);
    if (code < drops.malformed_by_code.size()) ++drops.malformed_by_code[code];
    return false;
  }
  const bool ip_bad = s.ip_csum_checked && !s.ip_csum_ok;
  const bool tcp_bad = s.tcp_csum_checked && !s.tcp_csum_ok;
  drops.bad_ip_checksum += ip_bad;
  drops.bad_tcp_checksum += tcp_bad;
  if (!(s.ip_csum_checked && s.ip_csum_ok && s.tcp_csum_checked && s.tcp_csum_ok)) {
    ++drops.bad_checksum;
    return false;
  }
  return true;
}

}  // namespace tcpoe::driver::tcp

// SYN cookies (RFC 4987 section 3.6), laid out as Linux lays them
// (net/ipv4/syncookies.c), written from that description: when a listener's
// SYN backlog is full, the SYN-ACK's ISN itself carries what the listener
// must remember, so a SYN costs no memory and the peer's ACK (ACK - 1 = the
// cookie) rebuilds the connection.
//
//   cookie = H0(4-tuple) + peer ISN + (count << 24)
//            + ((H1(4-tuple, count) + MSS index) mod 2^24)
//
// count is a one-minute clock; a cookie is good for kMaxAge ticks. H0 and H1
// are SipHash-2-4 under two keys of the stack. With timestamps, the low six
// bits of our TSval carry the peer's window scale and SACK-permitted, which
// the peer echoes in its TSecr.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "tcpoe/driver/tcp/options.h"
#include "tcpoe/driver/tcp/seq_number.h"
#include "tcpoe/driver/tcp/siphash.h"
#include "tcpoe/driver/tcp/types.h"

namespace tcpoe::driver::tcp {

class SynCookies {
 public:
  // The MSS values a cookie can name (Linux's msstab for IPv4).
  static constexpr std::array<uint16_t, 4> kMssTable{536, 1300, 1440, 1460};
  static constexpr uint32_t kMaxAge = 2;                     // Linux MAX_SYNCOOKIE_AGE
  static constexpr Time kTick = std::chrono::seconds(60);    // the count's period

  SynCookies(const SipKey& key0, const SipKey& key1) : key0_(key0), key1_(key1) {}

  // The ISN of the SYN-ACK answering a SYN with this ISN and MSS option.
  SeqNumber make(const FourTuple& t, SeqNumber peer_isn, uint16_t peer_mss, Time now) const;
  // The MSS the cookie remembers, when `cookie` (the ACK's ack - 1) is one
  // we made for this tuple and peer ISN (the ACK's seq - 1) within kMaxAge.
  std::optional<uint16_t> check(const FourTuple& t, SeqNumber peer_isn, SeqNumber cookie,
                                Time now) const;

  // Our TSval with the low six bits naming the SYN's window scale (0xf:
  // none) and SACK-permitted (bit 4), as Linux's cookie_init_timestamp().
  static uint32_t encode_timestamp(uint32_t ts_val, const Negotiated& n);
  // What a connection opened by a valid cookie settles on: the cookie's
  // MSS, and, when the ACK carries timestamps, the options its TSecr names.
  static Negotiated negotiated(const OptionConfig& c, uint16_t peer_mss,
                               const wire::TcpOptions& ack_options);

 private:
  static uint32_t count_at(Time now) { return static_cast<uint32_t>(now / kTick); }

  SipKey key0_, key1_;
};

}  // namespace tcpoe::driver::tcp

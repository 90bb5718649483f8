// Initial sequence numbers per RFC 6528: ISN = M + F(localip, localport,
// remoteip, remoteport, secretkey), M a clock ticking every 4 microseconds
// and F SipHash-2-4 under the stack's secret key. Also the per-connection
// offset of the timestamp clock (RFC 7323 section 5.4, as Linux keys it).
#pragma once

#include <cstdint>

#include "tcpoe/driver/tcp/seq_number.h"
#include "tcpoe/driver/tcp/siphash.h"
#include "tcpoe/driver/tcp/types.h"

namespace tcpoe::driver::tcp {

class IsnGenerator {
 public:
  explicit IsnGenerator(const SipKey& key) : key_(key) {}

  SeqNumber isn(const FourTuple& t, Time now) const {
    const auto ticks = static_cast<uint32_t>(now.count() / 4000);  // M: 4 us per tick
    const auto f = static_cast<uint32_t>(
        siphash24_words(key_, t.local_ip, t.local_port, t.remote_ip, t.remote_port));
    return SeqNumber(ticks + f);
  }

  // The timestamp clock's offset for this connection (a different input
  // layout from isn(), so the two are unrelated).
  uint32_t ts_offset(const FourTuple& t) const {
    return static_cast<uint32_t>(
        siphash24_words(key_, 0x54534f46u /* "TSOF" */, t.local_ip, t.remote_ip));
  }

 private:
  SipKey key_;
};

}  // namespace tcpoe::driver::tcp

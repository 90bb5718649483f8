// RFC 6298's retransmission timeout: SRTT and RTTVAR from round-trip
// samples, RTO = SRTT + max(G, 4 RTTVAR) within [min_rto, max_rto]. Before
// the first sample the RTO is the initial one. Back-off (doubling on each
// expiry) is the connection's; a new sample ends it.
#pragma once

#include "tcpoe/driver/tcp/types.h"

namespace tcpoe::driver::tcp {

class RttEstimator {
 public:
  RttEstimator(Time initial_rto, Time min_rto, Time max_rto, Time granularity)
      : initial_(initial_rto), min_(min_rto), max_(max_rto), granularity_(granularity) {}

  // One round-trip measurement R (RFC 6298 (2.2) and (2.3)).
  void sample(Time r);

  bool measured() const { return measured_; }
  Time srtt() const { return srtt_; }
  Time rttvar() const { return rttvar_; }
  Time rto() const;  // (2.4) and (2.5), clamped to [min_rto, max_rto]

 private:
  Time initial_, min_, max_, granularity_;
  bool measured_ = false;
  Time srtt_{0}, rttvar_{0};
};

}  // namespace tcpoe::driver::tcp

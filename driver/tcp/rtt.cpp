#include "tcpoe/driver/tcp/rtt.h"

#include <algorithm>

namespace tcpoe::driver::tcp {

void RttEstimator::sample(Time r) {
  if (r < Time(0)) return;
  if (!measured_) {  // (2.2)
    srtt_ = r;
    rttvar_ = r / 2;
    measured_ = true;
    return;
  }
  // (2.3): alpha = 1/8, beta = 1/4; RTTVAR first, from the old SRTT.
  const Time error = srtt_ > r ? srtt_ - r : r - srtt_;
  rttvar_ = (rttvar_ * 3 + error) / 4;
  srtt_ = (srtt_ * 7 + r) / 8;
}

Time RttEstimator::rto() const {
  if (!measured_) return std::clamp(initial_, min_, max_);
  return std::clamp(srtt_ + std::max(granularity_, rttvar_ * 4), min_, max_);
}

}  // namespace tcpoe::driver::tcp

#include "tcpoe/driver/tcp/congestion.h"

#include <algorithm>

namespace tcpoe::driver::tcp {

void NewReno::start(uint32_t mss, uint32_t initial_segments, SeqNumber snd_una) {
  mss_ = std::max<uint32_t>(mss, 1);
  cwnd_ = initial_segments * mss_;
  ssthresh_ = UINT32_MAX;
  duplicate_acks_ = 0;
  acked_in_avoidance_ = 0;
  in_recovery_ = false;
  recover_ = snd_una - 1;
}

uint32_t NewReno::half_flight(uint32_t flight) const { return std::max(flight / 2, 2 * mss_); }

NewReno::Verdict NewReno::on_ack(uint32_t acked, SeqNumber ack, uint32_t flight_after) {
  duplicate_acks_ = 0;
  if (in_recovery_) {
    if (ack > recover_) {  // full acknowledgment: RFC 6582 3.2 (3) option 1
      cwnd_ = std::min(ssthresh_, std::max(flight_after, mss_) + mss_);
      in_recovery_ = false;
      return Verdict::kNothing;
    }
    // Partial acknowledgment: deflate by what it acknowledged, add back one
    // MSS if it acknowledged that much, and send the next hole again.
    cwnd_ = cwnd_ > acked ? cwnd_ - acked : 0;
    if (acked >= mss_) cwnd_ += mss_;
    cwnd_ = std::max(cwnd_, mss_);
    return Verdict::kRetransmitFirst;
  }
  if (cwnd_ < ssthresh_) {
    cwnd_ += std::min(acked, 2 * mss_);
  } else {
    acked_in_avoidance_ += acked;
    if (acked_in_avoidance_ >= cwnd_) {
      acked_in_avoidance_ -= cwnd_;
      cwnd_ += mss_;
    }
  }
  return Verdict::kNothing;
}

NewReno::Verdict NewReno::on_duplicate_ack(SeqNumber snd_una, SeqNumber snd_max, uint32_t flight) {
  ++duplicate_acks_;
  if (in_recovery_) {
    cwnd_ += mss_;  // RFC 6582 3.2 (4): each further duplicate inflates the window
    return Verdict::kNothing;
  }
  // Only the third, and only when the ACK covers more than `recover`.
  if (duplicate_acks_ != 3 || snd_una <= recover_) return Verdict::kNothing;
  ssthresh_ = half_flight(flight);
  recover_ = snd_max - 1;
  cwnd_ = ssthresh_ + 3 * mss_;
  in_recovery_ = true;
  return Verdict::kRetransmitFirst;
}

void NewReno::on_timeout(SeqNumber snd_max, uint32_t flight) {
  ssthresh_ = half_flight(flight);
  cwnd_ = mss_;  // RFC 5681's loss window: one segment
  recover_ = snd_max - 1;
  in_recovery_ = false;
  duplicate_acks_ = 0;
  acked_in_avoidance_ = 0;
}

}  // namespace tcpoe::driver::tcp

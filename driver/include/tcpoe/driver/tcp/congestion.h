// Congestion control: slow start and congestion avoidance (RFC 5681) with
// an initial window of 10 segments (RFC 6928, as Linux), fast retransmit on
// the third duplicate ACK and NewReno's fast recovery (RFC 6582). Counted
// in octets; `flight` is what is sent and not acknowledged (SND.MAX -
// SND.UNA). The connection asks it what to do; it sends nothing itself.
#pragma once

#include <cstdint>

#include "tcpoe/driver/tcp/seq_number.h"

namespace tcpoe::driver::tcp {

class NewReno {
 public:
  // A connection's start: cwnd = `initial_segments` x `mss`, ssthresh as
  // high as it goes (RFC 5681 3.1); `snd_una` is the first octet to send.
  void start(uint32_t mss, uint32_t initial_segments, SeqNumber snd_una);

  enum class Verdict { kNothing, kRetransmitFirst };
  // An ACK that advanced SND.UNA by `acked` to `ack`: the window grows
  // (slow start: by at most 2 MSS per ACK, RFC 3465's L = 2; congestion
  // avoidance: one MSS per window acknowledged). In recovery: a partial ACK
  // retransmits the first unacknowledged segment and deflates the window
  // (RFC 6582 3.2 (3)); a full one ends recovery.
  Verdict on_ack(uint32_t acked, SeqNumber ack, uint32_t flight_after);
  // A duplicate ACK (RFC 5681's definition, checked by the connection).
  // The third one out of recovery starts fast retransmit and fast recovery
  // (RFC 6582 3.2 (2)), unless SND.UNA has not passed `recover` (after a
  // timeout); later ones inflate the window.
  Verdict on_duplicate_ack(SeqNumber snd_una, SeqNumber snd_max, uint32_t flight);
  // The retransmission timer expired (RFC 5681 (4), RFC 6582 section 4).
  void on_timeout(SeqNumber snd_max, uint32_t flight);

  uint32_t cwnd() const { return cwnd_; }
  uint32_t ssthresh() const { return ssthresh_; }
  bool in_recovery() const { return in_recovery_; }
  uint32_t duplicate_acks() const { return duplicate_acks_; }

 private:
  uint32_t half_flight(uint32_t flight) const;  // max(flight / 2, 2 MSS): (4) and (3.2 (2))

  uint32_t mss_ = 536;
  uint32_t cwnd_ = 0;
  uint32_t ssthresh_ = UINT32_MAX;
  uint32_t duplicate_acks_ = 0;
  uint32_t acked_in_avoidance_ = 0;
  bool in_recovery_ = false;
  SeqNumber recover_;
};

}  // namespace tcpoe::driver::tcp

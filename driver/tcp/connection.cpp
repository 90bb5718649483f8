#include "tcpoe/driver/tcp/connection.h"

#include <algorithm>

namespace tcpoe::driver::tcp {
namespace {

namespace flag = wire::tcp::flag;

bool has(const Segment& s, uint8_t f) { return (s.tcp_flags & f) != 0; }

// SEG.LEN: the payload, plus one for each of SYN and FIN.
uint32_t segment_length(const Segment& s) {
  return s.payload_len + (has(s, flag::kSyn) ? 1u : 0u) + (has(s, flag::kFin) ? 1u : 0u);
}

}  // namespace

std::string ConnectionConfig::problem() const {
  if (timestamp_tick <= Time(0)) return "timestamp_tick must be positive";
  if (min_rto <= Time(0) || initial_rto <= Time(0)) return "min_rto and initial_rto must be positive";
  if (max_rto < min_rto) return "max_rto is below min_rto";
  // A segment (at most the MSS we advertise, so also the one we send) spans two chunks at most.
  if (send_chunks && send_chunks->chunk_bytes() < options.advertised_mss())
    return "send_chunks' chunks (" + std::to_string(send_chunks->chunk_bytes()) + " octets) are smaller than the MSS";
  if (fin_timeout <= Time(0) || time_wait <= Time(0)) return "fin_timeout and time_wait must be positive";
  if (delayed_ack < Time(0) || delayed_ack > std::chrono::milliseconds(200))
    return "delayed_ack must lie within 0 to 200 ms";
  if (send_buffer == 0 || options.receive_buffer == 0) return "a buffer of 0 octets";
  if (initial_window_segments == 0) return "initial_window_segments is 0";
  return {};
}

Connection::Connection(const ConnectionConfig& config, const FourTuple& tuple, SeqNumber iss,
                       uint32_t ts_offset)
    : config_(config),
      tuple_(tuple),
      ts_offset_(ts_offset),
      iss_(iss),
      snd_una_(iss),
      snd_nxt_(iss),
      snd_max_(iss),
      snd_small_(iss),
      nagle_(config.nagle),
      rcv_window_limit_(config.options.initial_receive_window(config.options.advertised_mss())),
      send_buffer_(config.send_buffer, config.send_chunks ? *config.send_chunks : heap_chunk_pool()),
      receive_buffer_(config.options.receive_buffer, config.max_out_of_order),
      rto_(config.initial_rto),
      rtt_(config.initial_rto, config.min_rto, config.max_rto, config.timestamp_tick) {
  send_buffer_.start_at(iss + 1);
}

std::optional<Time> Connection::deadline() const {
  if (deadline_ && ack_deadline_) return std::min(*deadline_, *ack_deadline_);
  return deadline_ ? deadline_ : ack_deadline_;
}

// The receive side starts at the peer's ISN: RCV.NXT, and the right edge
// our SYN or SYN-ACK advertises (its window is not scaled).
void Connection::synchronize_receive(SeqNumber irs) {
  irs_ = irs;
  rcv_nxt_ = irs + 1;
  rcv_adv_ = rcv_nxt_ + std::min<uint32_t>(rcv_window_limit_, 0xffff);
  last_ack_sent_ = rcv_nxt_;
}

// ESTABLISHED: the congestion window starts (RFC 6928) and the first
// segments are acknowledged at once (Linux's quick-ACK mode).
void Connection::established() {
  enter(State::kEstablished);
  stop_timer();
  congestion_.start(negotiated_.send_mss, config_.initial_window_segments, snd_una_);
  quick_acks_left_ = config_.quick_acks;
}

// ---------------------------------------------------------------- opening

Actions Connection::open_active(Time now) {
  Actions out;
  if (state_ != State::kClosed) return out;
  snd_una_ = iss_;
  snd_nxt_ = snd_max_ = iss_ + 1;
  enter(State::kSynSent);
  out.send.push_back(syn_segment(now));
  start_retransmission(now);
  rtt_probe_ = std::make_pair(snd_nxt_, now);
  return out;
}

Actions Connection::open_passive(const Segment& syn, Time now) {
  Actions out;
  if (state_ != State::kClosed || !accept_verdict(syn, counters_)) return out;
  passive_ = true;
  synchronize_receive(SeqNumber(syn.tcp_seq));
  negotiated_ = negotiate(config_.options, wire::options_of(syn));
  snd_una_ = iss_;
  snd_nxt_ = snd_max_ = iss_ + 1;
  learn_window(syn);
  enter(State::kSynReceived);
  out.send.push_back(syn_segment(now));
  start_retransmission(now);
  rtt_probe_ = std::make_pair(snd_nxt_, now);
  return out;
}

Actions Connection::open_from_cookie(const Segment& ack, const Negotiated& n, Time /*now*/) {
  Actions out;
  if (state_ != State::kClosed || !accept_verdict(ack, counters_)) return out;
  passive_ = true;
  negotiated_ = n;
  synchronize_receive(SeqNumber(ack.tcp_seq) - 1);
  snd_una_ = snd_nxt_ = snd_max_ = iss_ + 1;
  learn_window(ack);
  learn_timestamp(ack);
  established();
  out.events.push_back({EventKind::kEstablished, tuple_});
  return out;
}

// ---------------------------------------------------------------- segments

Actions Connection::on_segment(const Segment& seg, Time now, wire::ByteSpan payload,
                               wire::ByteSpan tcp_options) {
  if (!accept_verdict(seg, counters_)) return {};
  if (payload.size() != seg.payload_len) {  // the descriptor's payload is not all there
    ++counters_.malformed;
    ++counters_.payload_short;
    return {};
  }
  switch (state_) {
    case State::kClosed:
    case State::kListen:
      return {};  // the table answers segments without a connection
    case State::kSynSent:
      return on_syn_sent(seg, now);
    default:
      return on_synchronizing(seg, payload, tcp_options, now);
  }
}

// RFC 9293 section 3.10.7.3, with RFC 5961 section 3's reading of RST.
Actions Connection::on_syn_sent(const Segment& seg, Time now) {
  Actions out;
  const SeqNumber ack(seg.tcp_ack);
  const bool has_ack = has(seg, flag::kAck);
  // First, the ACK: it must acknowledge our SYN and nothing beyond it.
  if (has_ack && (ack <= iss_ || ack > snd_nxt_)) {
    if (!has(seg, flag::kRst)) {
      out.send.push_back(segment(flag::kRst, ack, now));
      ++counters_.resets_sent;
      ++counters_.handshake_ack_reset;
    } else {
      ++counters_.rst_out_of_window;  // a RST that acknowledges nothing of ours
    }
    return out;
  }
  // Second, RST: only with an acceptable ACK (RFC 5961 section 3.2).
  if (has(seg, flag::kRst)) {
    if (has_ack) reset_to_closed(EventKind::kRefused, out);
    return out;
  }
  if (!has(seg, flag::kSyn)) return out;  // fifth: neither SYN nor RST
  // Fourth, SYN.
  synchronize_receive(SeqNumber(seg.tcp_seq));
  negotiated_ = negotiate(config_.options, wire::options_of(seg));
  learn_window(seg);
  if (has_ack) {
    measure_rtt(seg, ack, now);
    snd_una_ = ack;  // above ISS: checked in the first step
    established();
    send_ack(now, out);
    out.events.push_back({EventKind::kEstablished, tuple_});
    output(now, out);  // data queued before the handshake completed
  } else {
    // Simultaneous open: our SYN again, now with the ACK of theirs.
    enter(State::kSynReceived);
    out.send.push_back(syn_segment(now));
    start_retransmission(now);
  }
  return out;
}

// RFC 9293 section 3.10.7.4: SYN-RECEIVED and the synchronized states.
Actions Connection::on_synchronizing(const Segment& seg, wire::ByteSpan payload,
                                     wire::ByteSpan tcp_options, Time now) {
  Actions out;
  const bool rst = has(seg, flag::kRst);
  const bool syn = has(seg, flag::kSyn);
  // Simultaneous open: the peer's SYN-ACK answers our SYN-ACK. RFC 9293's
  // rules would drop it (its SYN lies before RCV.NXT) and wait for the
  // peer's ACK; Linux's tcp_validate_incoming() lets it complete the
  // handshake, and so do we.
  if (state_ == State::kSynReceived && !passive_ && syn && !rst && has(seg, flag::kAck) &&
      SeqNumber(seg.tcp_seq) == irs_ && SeqNumber(seg.tcp_ack) == snd_nxt_ &&
      seg.payload_len == 0) {
    snd_una_ = snd_nxt_;
    established();
    learn_window(seg);
    learn_timestamp(seg);
    out.events.push_back({EventKind::kEstablished, tuple_});
    output(now, out);
    return out;
  }
  // A listener's connection answers its peer's retransmitted SYN with the
  // SYN-ACK again, as Linux does for a request it already holds (the SYN's
  // sequence number lies before RCV.NXT: the first check would drop it).
  if (state_ == State::kSynReceived && passive_ && syn && !rst && !has(seg, flag::kAck) &&
      SeqNumber(seg.tcp_seq) == irs_) {
    out.send.push_back(syn_segment(now));
    ++counters_.retransmissions;
    return out;
  }
  // First, PAWS (RFC 7323 section 5.3): an old timestamp makes a segment
  // unacceptable, RST excepted.
  if (!rst && paws_rejects(seg)) {
    ++counters_.paws_drops;
    send_ack(now, out);
    return out;
  }
  // Then the sequence number.
  if (!acceptable(seg)) {
    if (rst) {  // out-of-window RST: dropped silently (RFC 5961 section 3.2)
      ++counters_.rst_out_of_window;
      return out;
    }
    if (syn) {  // RFC 5961 section 4: any SYN gets an ACK
      send_challenge_ack(counters_.syn_challenged, now, out);
    } else {
      ++counters_.unacceptable_acked;
      ++counters_.out_of_window;
      send_ack(now, out);
    }
    // A retransmitted FIN in TIME-WAIT restarts the 2MSL wait.
    if (state_ == State::kTimeWait && has(seg, flag::kFin)) start_time_wait(now);
    return out;
  }
  // Second, RST: exactly at RCV.NXT resets; elsewhere in the window it only
  // earns a challenge ACK (RFC 5961 section 3.2).
  if (rst) {
    if (SeqNumber(seg.tcp_seq) != rcv_nxt_) {
      send_challenge_ack(counters_.rst_challenged, now, out);
      return out;
    }
    switch (state_) {
      case State::kSynReceived:
        reset_to_closed(EventKind::kRefused, out);  // passive: back to LISTEN, quietly
        break;
      case State::kClosing:
      case State::kLastAck:
      case State::kTimeWait:
        reset_to_closed(EventKind::kClosed, out);
        break;
      default:
        reset_to_closed(EventKind::kReset, out);
        break;
    }
    return out;
  }
  // Fourth, SYN: a challenge ACK (RFC 5961 section 4).
  if (syn) {
    send_challenge_ack(counters_.syn_challenged, now, out);
    return out;
  }
  // Fifth, ACK.
  if (!has(seg, flag::kAck)) {
    ++counters_.ack_missing;
    return out;
  }
  if (!process_ack(seg, tcp_options, now, out)) return out;
  learn_timestamp(seg);
  // Seventh, the text; after close() it resets the connection, as RFC 9293
  // section 3.6.1 asks.
  if (seg.payload_len != 0 && user_closed_ && state_ != State::kTimeWait) {
    out.send.push_back(segment(flag::kRst | flag::kAck, snd_max_, now));  // as send_ack's
    ++counters_.resets_sent;
    reset_to_closed(EventKind::kClosed, out);
    return out;
  }
  const bool receiving = state_ == State::kEstablished || state_ == State::kFinWait1 ||
                         state_ == State::kFinWait2;
  if (receiving && (seg.payload_len != 0 || has(seg, flag::kFin))) {
    process_text(seg, payload, now, out);  // with the FIN, in order or kept for later
  } else if (seg.payload_len != 0) {
    send_ack(now, out);  // after the peer's FIN: the text is ignored (RFC 9293 3.10.7.4)
  } else if (has(seg, flag::kFin) && SeqNumber(seg.tcp_seq) == rcv_nxt_) {
    process_fin(now, out);  // eighth: a FIN seen already; the ACK is repeated
  }
  if (state_ != State::kClosed) output(now, out);
  return out;
}

// Seventh and eighth steps in the states that receive: in-order octets go
// to the receive buffer (the part before RCV.NXT and beyond the advertised
// window trimmed), a segment ahead of RCV.NXT is kept for reassembly and
// answered by a duplicate ACK at once, as a segment filling a hole is; the
// FIN counts once every octet before it is in.
void Connection::process_text(const Segment& seg, wire::ByteSpan payload, Time now, Actions& out) {
  SeqNumber seq(seg.tcp_seq);
  bool fin = has(seg, flag::kFin);
  // Trim to [RCV.NXT, RCV.ADV): what lies before was received already.
  if (seq < rcv_nxt_) {
    const auto old = static_cast<std::size_t>(rcv_nxt_ - seq);
    payload = payload.subspan(old);
    seq = rcv_nxt_;
  }
  const uint32_t room = rcv_adv_ > seq ? static_cast<uint32_t>(rcv_adv_ - seq) : 0;
  if (payload.size() > room) {
    payload = payload.first(room);
    fin = false;  // beyond the window: it comes again
  }
  rcv_mss_ = std::max<uint32_t>(rcv_mss_, seg.payload_len);
  if (seq != rcv_nxt_) {
    if (receive_buffer_.keep(seq, payload, fin))
      ++counters_.out_of_order_kept;
    else
      ++counters_.out_of_order_dropped;
    send_ack(now, out);  // RFC 5681 4.2: a duplicate ACK at once
    return;
  }
  const bool filled_hole = receive_buffer_.out_of_order_segments() != 0;
  const std::size_t taken = receive_buffer_.append(payload);
  if (taken != payload.size()) fin = false;  // no room: the rest comes again
  rcv_nxt_ += static_cast<uint32_t>(taken);
  uint32_t delivered = static_cast<uint32_t>(taken);
  if (filled_hole && !fin) {
    const ReceiveBuffer::Drained d = receive_buffer_.drain(rcv_nxt_);
    rcv_nxt_ += d.octets;
    delivered += d.octets;
    fin = d.fin;
  }
  counters_.octets_received += delivered;
  unacked_octets_ += delivered;
  if (delivered != 0) out.events.push_back({EventKind::kReadable, tuple_});
  if (fin) {
    process_fin(now, out);  // ACKs at once
  } else if (filled_hole || delivered == 0) {
    send_ack(now, out);
  } else {
    schedule_ack(now, out);
  }
}

// RFC 9293 section 3.10.7.4's acceptability test, with RCV.WND our window.
bool Connection::acceptable(const Segment& seg) const {
  const SeqNumber seq(seg.tcp_seq);
  const uint32_t len = segment_length(seg);
  const uint32_t wnd = rcv_wnd();
  if (len == 0) return wnd == 0 ? seq == rcv_nxt_ : in_window(seq, rcv_nxt_, wnd);
  if (wnd == 0) return false;
  return in_window(seq, rcv_nxt_, wnd) || in_window(seq + (len - 1), rcv_nxt_, wnd);
}

// The ACK field of a segment that passed the sequence and RST/SYN checks.
// False when the segment is dropped there.
bool Connection::process_ack(const Segment& seg, wire::ByteSpan tcp_options, Time now,
                             Actions& out) {
  const SeqNumber ack(seg.tcp_ack);
  if (state_ == State::kSynReceived) {
    if (!(snd_una_ < ack && ack <= snd_nxt_)) {
      out.send.push_back(segment(flag::kRst, ack, now));
      ++counters_.resets_sent;
      ++counters_.handshake_ack_reset;
      return false;
    }
    measure_rtt(seg, ack, now);
    snd_una_ = ack;
    established();
    learn_window(seg);
    out.events.push_back({EventKind::kEstablished, tuple_});
    return true;
  }
  // RFC 5961 section 5.2: acceptable is SND.UNA - MAX.SND.WND <= SEG.ACK <=
  // SND.NXT (the highest sent: after a timeout SND.NXT goes back).
  // An ACK of data not sent yet is answered in every state, ESTABLISHED
  // too, as Linux 6.18 does (tests/conformance/bad_input_ack_unsent.pkt
  // passes against it, run_linux.sh); its TSval is not taken.
  if (ack > snd_max_ || ack < snd_una_ - max_snd_wnd_) {
    ++counters_.unacceptable_acked;
    ++(ack > snd_max_ ? counters_.ack_of_unsent : counters_.ack_too_old);
    send_ack(now, out);
    return false;
  }
  // The peer's SACK blocks (RFC 2018), where SACK was agreed; the parser
  // counts the SACK option among the options it does not interpret.
  bool sacked_more = false;
  if (negotiated_.sack_permitted && seg.opt_unknown != 0 && is_synchronized(state_))
    sacked_more = scoreboard_.update(wire::parse_sack_blocks(tcp_options),
                                     snd_una_ < ack ? ack : snd_una_, snd_max_);
  const uint8_t shift = negotiated_.send_scale;
  const bool same_window = (static_cast<uint32_t>(seg.tcp_window) << shift) == snd_wnd_;
  if (snd_una_ < ack) {
    process_new_ack(seg, ack, now, out);
  } else if (ack == snd_una_ && snd_max_ != snd_una_ && seg.payload_len == 0 &&
             (same_window || sacked_more) && !has(seg, flag::kFin) && is_synchronized(state_)) {
    // RFC 5681's duplicate ACK; with SACK, one that reports more SACKed
    // data counts whatever its window (RFC 6675 section 2; Linux counts
    // SACKed segments).
    if (congestion_.on_duplicate_ack(snd_una_, snd_max_, flight()) ==
        NewReno::Verdict::kRetransmitFirst) {
      ++counters_.fast_retransmits;
      rtt_probe_.reset();  // Karn: the timed segment may be the one sent again
      high_rxt_ = snd_una_;  // a new recovery: no hole sent again yet
      retransmit_lost(now, out);
    } else if (congestion_.in_recovery() && sacked_more) {
      retransmit_lost(now, out);  // the next hole, one per ACK that reports more SACKed data
    }
  }
  if (timer_ == Timer::kPersist) retries_ = 0;  // the peer answers our probes
  update_window(seg);
  const bool fin_acked = this->fin_acked();
  switch (state_) {
    case State::kFinWait1:
      if (fin_acked) {
        enter(State::kFinWait2);
        stop_timer();
        if (user_closed_) start_fin_wait_2_timeout(now);
      }
      break;
    case State::kClosing:
      if (fin_acked) start_time_wait(now);
      break;
    case State::kLastAck:
      if (fin_acked) {
        stop_timer();
        enter(State::kClosed);
        out.events.push_back({EventKind::kClosed, tuple_});
        return false;
      }
      break;
    default:
      break;
  }
  return true;
}

// An ACK of new data (RFC 9293 3.10.7.4's fifth step, RFC 6298 (5.2) and
// (5.3), RFC 5681/6582): the octets leave the send buffer, the RTT is
// measured, the window grows or recovery goes on, the timer restarts.
void Connection::process_new_ack(const Segment& seg, SeqNumber ack, Time now, Actions& out) {
  const auto acked = static_cast<uint32_t>(ack - snd_una_);
  measure_rtt(seg, ack, now);
  send_buffer_.acknowledge(ack);
  scoreboard_.acknowledge(ack);
  snd_una_ = ack;
  if (snd_nxt_ < snd_una_) snd_nxt_ = snd_una_;
  retries_ = 0;
  if (probe_high_ && *probe_high_ <= ack) probe_high_.reset();  // the probe's round is over
  if (loss_high_ && *loss_high_ <= ack) loss_high_.reset();     // the timeout's recovery too
  const NewReno::Verdict verdict = congestion_.on_ack(acked, ack, flight());
  if (timer_ == Timer::kRetransmit || timer_ == Timer::kLossProbe) {
    if (snd_una_ == snd_max_)
      stop_timer();
    else
      arm_transmit_timer(now, true);
  }
  if (verdict == NewReno::Verdict::kRetransmitFirst) retransmit_lost(now, out);
  if (writer_blocked_ && send_space() != 0) {
    writer_blocked_ = false;
    out.events.push_back({EventKind::kWritable, tuple_});
  }
}

void Connection::process_fin(Time now, Actions& out) {
  rcv_nxt_ += 1;
  send_ack(now, out);
  switch (state_) {
    case State::kEstablished:
      enter(State::kCloseWait);
      out.events.push_back({EventKind::kPeerClosed, tuple_});
      break;
    case State::kFinWait1:  // our FIN not yet acknowledged: a simultaneous close
      enter(State::kClosing);
      out.events.push_back({EventKind::kPeerClosed, tuple_});
      break;
    case State::kFinWait2:
      out.events.push_back({EventKind::kPeerClosed, tuple_});
      start_time_wait(now);
      break;
    default:  // CLOSE-WAIT, CLOSING, LAST-ACK: already seen; the ACK above repeats ours
      break;
  }
}

// ---------------------------------------------------------------- timers

Actions Connection::on_timer(Time now) {
  Actions out;
  if (ack_deadline_ && now >= *ack_deadline_) send_ack(now, out);  // the delayed ACK is due
  if (!deadline_ || now < *deadline_) return out;
  switch (timer_) {
    case Timer::kFinWait2:  // an orphan's wait for the peer's FIN is over: gone, silently
    case Timer::kTimeWait:
      stop_timer();
      enter(State::kClosed);
      out.events.push_back({EventKind::kClosed, tuple_});
      return out;
    case Timer::kLossProbe:
      send_loss_probe(now, out);
      return out;
    case Timer::kPersist:
      // A zero-window probe, as Linux's tcp_xmit_probe_skb(): an ACK with
      // an old sequence number, which the peer answers with its window.
      if (retries_ >= config_.data_retries) {
        reset_to_closed(EventKind::kTimedOut, out);
        return out;
      }
      ++retries_;
      ++counters_.window_probes;
      if (snd_wnd_ > 0 && snd_nxt_ < send_buffer_.end()) {
        // A window below what SWS avoidance sends into, but open: what fits
        // goes (RFC 1122 4.2.3.4's override; Linux's tcp_write_wakeup()),
        // under the retransmission timer as any data.
        const uint32_t unsent = static_cast<uint32_t>(send_buffer_.end() - snd_nxt_);
        const uint32_t length = std::min({snd_wnd_, std::max<uint32_t>(negotiated_.send_mss, 1), unsent});
        stop_timer();
        snd_nxt_ = send_data(snd_nxt_, length, now, out);
        return out;
      }
      out.send.push_back(segment(flag::kAck, snd_una_ - 1, now));
      rto_ = std::min(rto_ * 2, config_.max_rto);  // probes back off as retransmissions do
      deadline_ = now + rto_;
      return out;
    default:
      break;
  }
  if (state_ == State::kSynSent || state_ == State::kSynReceived) {
    const int limit = state_ == State::kSynSent ? config_.syn_retries : config_.synack_retries;
    if (retries_ >= limit) {
      reset_to_closed(EventKind::kTimedOut, out);
      return out;
    }
    ++retries_;
    ++counters_.retransmissions;
    ++counters_.timeouts;
    rtt_probe_.reset();  // Karn: no sample from a segment sent twice
    rto_ = std::min(rto_ * 2, config_.max_rto);  // RFC 6298 (5.5)
    deadline_ = now + rto_;
    out.send.push_back(syn_segment(now));
    return out;
  }
  on_retransmission_timeout(now, out);
  return out;
}

// RFC 6298 (5.4)-(5.6) in the synchronized states: the RTO doubles, the
// congestion window falls to one segment (RFC 5681 (4)) and sending starts
// again from SND.UNA.
void Connection::on_retransmission_timeout(Time now, Actions& out) {
  const bool closing = state_ == State::kFinWait1 || state_ == State::kClosing ||
                       state_ == State::kLastAck;
  if (retries_ >= (closing ? config_.fin_retries : config_.data_retries)) {
    reset_to_closed(EventKind::kTimedOut, out);
    return;
  }
  ++retries_;
  ++counters_.timeouts;
  rtt_probe_.reset();
  probe_high_.reset();
  loss_high_ = snd_max_;  // no loss probe until what was out is acknowledged
  rto_ = std::min(rto_ * 2, config_.max_rto);
  arm(now, rto_);
  if (snd_una_ == iss_) {
    // A FIN queued in SYN-RECEIVED whose SYN-ACK is not acknowledged yet:
    // the FIN again (it follows the SYN-ACK).
    ++counters_.retransmissions;
    out.send.push_back(segment(flag::kFin | flag::kAck, snd_max_ - 1, now));
    return;
  }
  congestion_.on_timeout(snd_max_, flight());
  scoreboard_.clear();  // RFC 6675 section 5.1: everything from SND.UNA on is sent again
  snd_nxt_ = snd_una_;
  output(now, out);
}

void Connection::start_retransmission(Time now) {
  retries_ = 0;
  rto_ = config_.initial_rto;
  arm(now, rto_);
}

void Connection::arm(Time now, Time after) {
  timer_ = Timer::kRetransmit;
  deadline_ = now + after;
}

void Connection::stop_timer() {
  timer_ = Timer::kNone;
  deadline_.reset();
}

// Linux's tcp_fin_timeout: a connection nobody will read from any more
// waits that long in FIN-WAIT-2 for the peer's FIN, then goes.
void Connection::start_fin_wait_2_timeout(Time now) {
  timer_ = Timer::kFinWait2;
  deadline_ = now + config_.fin_timeout;
}

void Connection::start_time_wait(Time now) {
  enter(State::kTimeWait);
  timer_ = Timer::kTimeWait;
  deadline_ = now + config_.time_wait;
  ack_deadline_.reset();
}

// ---------------------------------------------------------------- user calls

Transfer Connection::send(wire::ByteSpan data, Time now) {
  Transfer t;
  if (send_space() == 0) {
    writer_blocked_ = !data.empty() && !fin_queued_;
    return t;
  }
  t.octets = send_buffer_.write(data);
  writer_blocked_ = t.octets < data.size();
  output(now, t.actions);
  return t;
}

std::size_t Connection::send_space() const {
  const bool open = state_ == State::kSynSent || state_ == State::kSynReceived ||
                    state_ == State::kEstablished || state_ == State::kCloseWait;
  return open && !fin_queued_ ? send_buffer_.free() : 0;
}

Transfer Connection::recv(wire::MutableByteSpan into, Time now) {
  Transfer t;
  const uint32_t advertised = rcv_wnd();
  t.octets = receive_buffer_.read(into);
  if (t.octets == 0 || !is_synchronized(state_)) return t;
  // A window update when reading opened the window to at least twice what
  // the peer knows, by a useful amount (Linux's tcp_cleanup_rbuf(); RFC
  // 9293 3.8.6.2.2's receiver-side silly window avoidance).
  const uint32_t space = receive_space();
  if (space >= 2 * advertised && space - advertised >= window_threshold()) send_ack(now, t.actions);
  return t;
}

SendBuffer::Parts Connection::payload(const wire::TxDescriptor& d) const {
  return send_buffer_.view(SeqNumber(d.seq), d.payload_len);
}

Actions Connection::shutdown(Time now) {
  Actions out;
  switch (state_) {
    case State::kSynSent:
      stop_timer();
      enter(State::kClosed);
      out.events.push_back({EventKind::kClosed, tuple_});
      break;
    case State::kSynReceived:
    case State::kEstablished:
      enter(State::kFinWait1);
      fin_queued_ = true;
      output(now, out);  // the FIN follows the queued data
      break;
    case State::kCloseWait:
      enter(State::kLastAck);
      fin_queued_ = true;
      output(now, out);
      break;
    default:
      break;  // not open, or closing already
  }
  return out;
}

// With received data the user never read, close() aborts instead: RST,
// as RFC 9293 3.10.4 allows, RFC 2525 2.17 asks and Linux does.
Actions Connection::close(Time now) {
  user_closed_ = true;
  if (readable() != 0) return abort(now);
  if (state_ == State::kFinWait2) start_fin_wait_2_timeout(now);  // shut down before: an orphan now
  return shutdown(now);
}

// TCP_NODELAY: off turns Nagle's rule off for this connection and sends
// what it held back at once, as Linux's tcp_push_pending_frames().
Actions Connection::set_nodelay(bool on, Time now) {
  Actions out;
  nagle_ = !on;
  if (on) output(now, out);
  return out;
}

Actions Connection::abort(Time now) {
  Actions out;
  switch (state_) {
    case State::kSynReceived:
    case State::kEstablished:
    case State::kFinWait1:
    case State::kFinWait2:
    case State::kCloseWait:
      out.send.push_back(segment(flag::kRst | flag::kAck, snd_max_, now));
      ++counters_.resets_sent;
      break;
    default:
      break;
  }
  if (state_ != State::kClosed) {
    stop_timer();
    ack_deadline_.reset();
    enter(State::kClosed);
    out.events.push_back({EventKind::kClosed, tuple_});
  }
  return out;
}

void Connection::reset_to_closed(EventKind why, Actions& out) {
  stop_timer();
  ack_deadline_.reset();
  if (state_ == State::kSynReceived && passive_) {
    enter(State::kListen);  // RFC 9293: the listener carries on; its user is not told
    return;
  }
  enter(State::kClosed);
  out.events.push_back({why, tuple_});
}

// ---------------------------------------------------------------- sending

// What the windows allow, in full-sized segments (a smaller one only when
// it is the last of the queued data and Nagle's rule lets it go, or when
// the peer's window is that small for good: RFC 9293 3.8.6.2.1), then the
// FIN once every queued octet is sent. With nothing in flight and the
// peer's window 0, the persist timer probes it.
void Connection::output(Time now, Actions& out) {
  if (state_ == State::kClosed || state_ == State::kListen || state_ == State::kSynSent ||
      state_ == State::kTimeWait)
    return;
  const bool data_allowed = is_synchronized(state_);  // SYN-RECEIVED sends only a FIN
  const uint32_t mss = std::max<uint32_t>(negotiated_.send_mss, 1);
  const std::size_t burst_start = out.send.size();
  const SeqNumber new_data = snd_max_;  // what this call sends from here on is new
  for (;;) {
    const SeqNumber data_end = send_buffer_.end();
    const uint32_t unsent = snd_nxt_ < data_end ? static_cast<uint32_t>(data_end - snd_nxt_) : 0;
    if (unsent == 0) {
      if (fin_queued_ && snd_nxt_ == fin_seq()) {
        const bool fresh = snd_max_ <= fin_seq();
        if (!fresh) ++counters_.retransmissions;
        out.send.push_back(segment(flag::kFin | flag::kAck, fin_seq(), now));
        snd_nxt_ = fin_seq() + 1;
        if (snd_max_ < snd_nxt_) snd_max_ = snd_nxt_;
        if (fresh) last_sent_ = fin_seq();
        if (fresh)
          arm_transmit_timer(now, false);
        else if (timer_ != Timer::kRetransmit)
          arm(now, rto_);
      }
      break;  // all sent
    }
    if (!data_allowed) return;
    // Sending again after a timeout: a segment whose start the peer SACKed
    // since is skipped (the scoreboard was cleared at the timeout; these
    // are new reports). One SACKed only in part goes whole, as Linux's.
    if (snd_nxt_ < snd_max_ && !scoreboard_.empty()) {
      const SeqNumber skip = scoreboard_.sacked_end(snd_nxt_);
      if (skip != snd_nxt_) {
        snd_nxt_ = skip;
        continue;
      }
    }
    const auto in_flight = static_cast<uint32_t>(snd_nxt_ - snd_una_);
    const uint32_t window = std::min(congestion_.cwnd(), snd_wnd_);
    const uint32_t usable = window > in_flight ? window - in_flight : 0;
    const uint32_t length = std::min({mss, unsent, usable});
    if (length == 0) break;
    if (length < mss) {
      if (length < unsent && length < max_snd_wnd_ / 2) break;  // sender-side SWS avoidance
      // Nagle, in Minshall's form as Linux has it: a small segment waits
      // while an earlier small one is unacknowledged.
      // (Retransmissions go regardless.)
      if (length == unsent && nagle_ && snd_una_ < snd_small_ && !fin_queued_ &&
          snd_max_ <= snd_nxt_)
        break;
    }
    snd_nxt_ = send_data(snd_nxt_, length, now, out);
  }
  push_burst(burst_start, new_data, out);
  // Data waiting and nothing in flight: the window is 0, or too small for
  // SWS avoidance to let a segment go. The persist timer probes it (as
  // Linux's tcp_check_probe_timer(), whatever the window): else a lost
  // window update would leave both ends waiting for ever.
  if (snd_max_ == snd_una_ && snd_nxt_ < send_buffer_.end() && timer_ != Timer::kPersist) {
    timer_ = Timer::kPersist;
    deadline_ = now + rto_;
  }
}

// One segment of the send buffer, [seq, seq + length), with the FIN when
// it ends where the FIN goes; PSH on the last of the queued data. Returns
// the sequence number after it.
SeqNumber Connection::send_data(SeqNumber seq, uint32_t length, Time now, Actions& out) {
  const SeqNumber end = seq + length;
  const bool fin = fin_queued_ && end == fin_seq();
  uint8_t flags = flag::kAck;
  if (end == send_buffer_.end()) flags |= flag::kPsh;
  if (fin) flags |= flag::kFin;
  wire::TxDescriptor d = segment(flags, seq, now);
  d.payload_len = static_cast<uint16_t>(length);
  // The SACK blocks share the MSS with the payload (as Linux's
  // tcp_current_mss() counts them): a full-sized segment carries none.
  while (d.sack.count != 0 && length + wire::sack_option_len(d.sack.count) > negotiated_.send_mss)
    --d.sack.count;
  out.send.push_back(d);
  const SeqNumber next = end + (fin ? 1u : 0u);
  if (length < negotiated_.send_mss && snd_small_ < end) snd_small_ = end;
  const bool fresh = snd_max_ <= seq;
  if (!fresh) {
    ++counters_.retransmissions;
    counters_.octets_retransmitted += length;
    if (rtt_probe_ && seq < rtt_probe_->first) rtt_probe_.reset();  // Karn's rule
  } else {
    counters_.octets_sent += length;
    last_sent_ = seq;
    if (!rtt_probe_ && !negotiated_.timestamps) rtt_probe_ = std::make_pair(next, now);
  }
  if (snd_max_ < next) snd_max_ = next;
  if (fresh)
    arm_transmit_timer(now, false);
  else if (timer_ != Timer::kRetransmit)
    arm(now, rto_);  // RFC 6298 (5.1)
  return next;
}

// PSH as Linux sets it (what packetdrill's scripts show of it): besides
// the segment that empties the send buffer (send_data()), every segment of
// new data after the first that one call sends; a lone segment (as limited
// transmit or a probe sends) goes without unless it ends the data.
// Retransmissions keep what send_data() gave them.
void Connection::push_burst(std::size_t burst_start, SeqNumber new_data, Actions& out) {
  for (std::size_t i = burst_start + 1; i < out.send.size(); ++i) {
    wire::TxDescriptor& d = out.send[i];
    if (d.payload_len != 0 && new_data <= SeqNumber(d.seq)) d.tcp_flags |= flag::kPsh;
  }
}

// RFC 8985 section 7 as Linux's tcp_schedule_loss_probe(): on a SACK
// connection with data out, not recovering from a loss (fast recovery or
// a timeout) and no probe out yet.
bool Connection::loss_probe_allowed() const {
  const bool sending = state_ == State::kEstablished || state_ == State::kCloseWait ||
                       state_ == State::kFinWait1 || state_ == State::kClosing ||
                       state_ == State::kLastAck;
  return config_.tail_loss_probe && negotiated_.sack_permitted && sending &&
         snd_una_ < snd_max_ && !congestion_.in_recovery() && !loss_high_ && !probe_high_;
}

// PTO = 2 SRTT, plus min_rto (200 ms: Linux's TCP_RTO_MIN, for the peer's
// delayed ACK) with one segment out, else two timestamp ticks (2 ms: two
// of Linux's jiffies); the initial RTO before an RTT is measured; never
// later than the RTO would come.
void Connection::arm_transmit_timer(Time now, bool restart_rto) {
  if (!loss_probe_allowed()) {
    if (restart_rto || timer_ != Timer::kRetransmit) arm(now, rto_);
    return;
  }
  Time pto = config_.initial_rto;
  if (rtt_.measured()) {
    const bool one_segment = flight() <= std::max<uint32_t>(negotiated_.send_mss, 1) + 1;
    pto = 2 * rtt_.srtt() + (one_segment ? config_.min_rto : 2 * config_.timestamp_tick);
  }
  timer_ = Timer::kLossProbe;
  deadline_ = now + std::min(pto, rto_);
}

// The probe (Linux's tcp_send_loss_probe()): one new segment if the peer's
// window takes it (the congestion window aside), else the last segment
// sent again; then the retransmission timer.
void Connection::send_loss_probe(Time now, Actions& out) {
  ++counters_.loss_probes;
  const SeqNumber data_end = send_buffer_.end();
  const uint32_t mss = std::max<uint32_t>(negotiated_.send_mss, 1);
  bool sent = false;
  if (snd_nxt_ == snd_max_ && snd_nxt_ < data_end) {
    const uint32_t length = std::min(mss, static_cast<uint32_t>(data_end - snd_nxt_));
    if (snd_nxt_ + length <= snd_una_ + snd_wnd_) {
      snd_nxt_ = send_data(snd_nxt_, length, now, out);
      sent = true;
    }
  }
  if (!sent) {
    const SeqNumber from = last_sent_ < snd_una_ ? snd_una_ : last_sent_;
    const SeqNumber data_to = snd_max_ < data_end ? snd_max_ : data_end;
    if (from < data_to) {
      send_data(from, static_cast<uint32_t>(data_to - from), now, out);
    } else if (fin_queued_ && fin_seq() < snd_max_) {
      ++counters_.retransmissions;
      out.send.push_back(segment(flag::kFin | flag::kAck, fin_seq(), now));
    }
  }
  probe_high_ = snd_max_;
  arm(now, rto_);
}

// The first unacknowledged segment again (fast retransmit, a partial ACK).
void Connection::retransmit_first(Time now, Actions& out) {
  const SeqNumber data_end = send_buffer_.end();
  if (snd_una_ < data_end) {
    const auto unacked = static_cast<uint32_t>(data_end - snd_una_);
    send_data(snd_una_, std::min<uint32_t>(unacked, negotiated_.send_mss), now, out);
  } else if (fin_queued_ && snd_una_ == fin_seq() && fin_seq() < snd_max_) {
    ++counters_.retransmissions;
    out.send.push_back(segment(flag::kFin | flag::kAck, fin_seq(), now));
  }
}

void Connection::retransmit_lost(Time now, Actions& out) {
  if (!negotiated_.sack_permitted) {
    retransmit_first(now, out);
    return;
  }
  if (scoreboard_.empty()) {
    // No SACK information above SND.UNA: the first segment, unless this
    // recovery sent it again already.
    if (snd_una_ < high_rxt_) return;
    retransmit_first(now, out);
    high_rxt_ = snd_una_ + negotiated_.send_mss;
    return;
  }
  const SeqNumber from = high_rxt_ < snd_una_ ? snd_una_ : high_rxt_;
  const std::optional<SackScoreboard::Hole> hole = scoreboard_.next_hole(from, negotiated_.send_mss);
  if (!hole) return;  // every hole below the SACKed data was sent again once
  ++counters_.sack_retransmits;
  send_data(hole->seq, hole->length, now, out);
  high_rxt_ = hole->seq + hole->length;
}

uint32_t Connection::ts_clock(Time now) const {
  // Linux's timestamp clock: 1 ms (timestamp_tick), plus the connection's offset.
  return static_cast<uint32_t>(now / config_.timestamp_tick) + ts_offset_;
}

uint32_t Connection::receive_space() const {
  const std::size_t used = receive_buffer_.size();
  return used < rcv_window_limit_ ? rcv_window_limit_ - static_cast<uint32_t>(used) : 0;
}

uint32_t Connection::window_threshold() const {
  return std::min<uint32_t>(rcv_window_limit_ / 2, config_.options.advertised_mss());
}

uint32_t Connection::rcv_wnd() const {
  return rcv_adv_ > rcv_nxt_ ? static_cast<uint32_t>(rcv_adv_ - rcv_nxt_) : 0;
}

// The window field: a SYN's is never scaled (RFC 7323 section 2.2). Later
// ones advertise the free space, but move the right edge only by a useful
// amount (RFC 9293 3.8.6.2.2) and never back (3.8.6 / RFC 7323 2.4): the
// scaled field is rounded down, or up where down would fall short of the
// last edge.
uint16_t Connection::window_field(bool syn) {
  if (syn) return static_cast<uint16_t>(std::min<uint32_t>(rcv_window_limit_, 0xffff));
  const uint8_t shift = negotiated_.receive_scale;
  SeqNumber edge = rcv_nxt_ + receive_space();
  if (edge < rcv_adv_ || static_cast<uint32_t>(edge - rcv_adv_) < window_threshold()) edge = rcv_adv_;
  const auto window = static_cast<uint32_t>(edge - rcv_nxt_);
  uint32_t field = window >> shift;
  if (rcv_nxt_ + (field << shift) < rcv_adv_) ++field;  // rounded up only not to shrink
  field = std::min<uint32_t>(field, 0xffff);
  const SeqNumber advertised = rcv_nxt_ + (field << shift);
  if (rcv_adv_ < advertised) rcv_adv_ = advertised;
  return static_cast<uint16_t>(field);
}

wire::TxDescriptor Connection::segment(uint8_t flags, SeqNumber seq, Time now) {
  wire::TxDescriptor d;
  set_addresses(d, tuple_);
  d.ttl = config_.ttl;
  d.tcp_flags = flags;
  d.seq = seq.raw();
  const bool bare_rst = (flags & flag::kRst) && !(flags & flag::kAck);
  if (flags & flag::kAck) {
    d.ack = rcv_nxt_.raw();
    // Every segment with an ACK is the ACK: nothing is owed any more.
    last_ack_sent_ = rcv_nxt_;
    ack_deadline_.reset();
    unacked_octets_ = 0;
  }
  if (!bare_rst) d.window = window_field((flags & flag::kSyn) != 0);
  if (negotiated_.timestamps && !bare_rst) {
    d.has_timestamps = true;
    d.ts_val = ts_clock(now);
    d.ts_ecr = negotiated_.ts_recent;
  }
  // RFC 2018 section 4: every ACK carries SACK blocks while out-of-order
  // data is held (not a SYN's, not a RST's).
  if (negotiated_.sack_permitted && (flags & flag::kAck) && !(flags & (flag::kSyn | flag::kRst)) &&
      receive_buffer_.out_of_order_segments() != 0)
    d.sack = receive_buffer_.sack_blocks(wire::max_sack_blocks(negotiated_.timestamps));
  return d;
}

wire::TxDescriptor Connection::syn_segment(Time now) {
  const bool syn_ack = state_ == State::kSynReceived;
  wire::TxDescriptor d = segment(syn_ack ? flag::kSyn | flag::kAck : flag::kSyn, iss_, now);
  wire::set_options(d, syn_ack ? syn_ack_options(config_.options, negotiated_, ts_clock(now))
                         : syn_options(config_.options, ts_clock(now)));
  return d;
}

// An ACK carries the highest sequence number sent (Linux's
// tcp_acceptable_seq), not SND.NXT: after a timeout SND.NXT goes back to
// SND.UNA, below the RCV.NXT of a peer that got the data, which would drop
// the ACK as unacceptable, ACK field and all, and answer it.
void Connection::send_ack(Time now, Actions& out) {
  out.send.push_back(segment(flag::kAck, snd_max_, now));
}

// RFC 5961 section 7's throttle: a count per second, restarted once a
// second has passed since the current one began (Linux's
// tcp_send_challenge_ack() before 6.0, per connection here).
void Connection::send_challenge_ack(uint64_t& reason, Time now, Actions& out) {
  ++reason;
  if (config_.challenge_ack_limit != 0) {
    if (!challenge_second_ || now - *challenge_second_ >= std::chrono::seconds(1)) {
      challenge_second_ = now;
      challenge_acks_this_second_ = 0;
    }
    if (challenge_acks_this_second_ >= config_.challenge_ack_limit) {
      ++counters_.challenge_acks_limited;
      return;
    }
    ++challenge_acks_this_second_;
  }
  ++counters_.challenge_acks;
  send_ack(now, out);
}

// Delayed ACKs as Linux sends them: at once for the first `quick_acks`
// segments of a connection and whenever two full-sized segments (the
// largest seen) are unacknowledged; otherwise within `delayed_ack`.
void Connection::schedule_ack(Time now, Actions& out) {
  if (quick_acks_left_ > 0) {
    --quick_acks_left_;
    send_ack(now, out);
  } else if (unacked_octets_ >= 2 * std::max<uint32_t>(rcv_mss_, 1)) {
    send_ack(now, out);
  } else if (!ack_deadline_) {
    ack_deadline_ = now + config_.delayed_ack;
  }
}

void Connection::learn_window(const Segment& seg) {
  // The window of a SYN or SYN-ACK is not scaled; every later one is.
  const uint8_t shift = has(seg, flag::kSyn) ? 0 : negotiated_.send_scale;
  snd_wnd_ = static_cast<uint32_t>(seg.tcp_window) << shift;
  max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
  snd_wl1_ = SeqNumber(seg.tcp_seq);
  snd_wl2_ = SeqNumber(seg.tcp_ack);
}

void Connection::update_window(const Segment& seg) {
  const SeqNumber seq(seg.tcp_seq), ack(seg.tcp_ack);
  if (snd_wl1_ < seq || (snd_wl1_ == seq && snd_wl2_ <= ack)) learn_window(seg);
}

// RFC 7323 section 4.3: TS.Recent follows the peer's TSval, from segments
// that cover the left edge of our window (SEG.SEQ <= Last.ACK.sent).
void Connection::learn_timestamp(const Segment& seg) {
  if (!negotiated_.timestamps || !(seg.opt_found & wire::rx_desc::opt_found::kTimestamps)) return;
  if (static_cast<int32_t>(seg.opt_ts_val - negotiated_.ts_recent) >= 0 &&
      SeqNumber(seg.tcp_seq) <= last_ack_sent_)
    negotiated_.ts_recent = seg.opt_ts_val;
}

bool Connection::paws_rejects(const Segment& seg) const {
  return negotiated_.timestamps && (seg.opt_found & wire::rx_desc::opt_found::kTimestamps) &&
         !has(seg, flag::kSyn) && static_cast<int32_t>(seg.opt_ts_val - negotiated_.ts_recent) < 0;
}

// An RTT sample for an ACK of new data: from its TSecr (RFC 7323 section
// 4.1), else from the one segment being timed, if it was not sent again
// (Karn's rule). A sample ends the back-off.
void Connection::measure_rtt(const Segment& seg, SeqNumber ack, Time now) {
  if (negotiated_.timestamps && (seg.opt_found & wire::rx_desc::opt_found::kTimestamps) &&
      seg.opt_ts_ecr != 0) {
    const uint32_t ticks = ts_clock(now) - seg.opt_ts_ecr;
    if (ticks < 0x80000000u) {
      rtt_.sample(config_.timestamp_tick * ticks);
      rto_ = rtt_.rto();
      rtt_probe_.reset();
      return;
    }
  }
  if (rtt_probe_ && rtt_probe_->first <= ack) {
    rtt_.sample(now - rtt_probe_->second);
    rto_ = rtt_.rto();
    rtt_probe_.reset();
  }
}

}  // namespace tcpoe::driver::tcp

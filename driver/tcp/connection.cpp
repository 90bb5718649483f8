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

Connection::Connection(const ConnectionConfig& config, const FourTuple& tuple, SeqNumber iss,
                       uint32_t ts_offset)
    : config_(config),
      tuple_(tuple),
      ts_offset_(ts_offset),
      iss_(iss),
      snd_una_(iss),
      snd_nxt_(iss),
      rcv_wnd_(config.options.initial_receive_window(config.options.advertised_mss())),
      rto_(config.initial_rto) {}

// ---------------------------------------------------------------- opening

Actions Connection::open_active(Time now) {
  Actions out;
  if (state_ != State::kClosed) return out;
  snd_una_ = iss_;
  snd_nxt_ = iss_ + 1;
  enter(State::kSynSent);
  out.send.push_back(syn_segment(now));
  start_retransmission(now);
  return out;
}

Actions Connection::open_passive(const Segment& syn, Time now) {
  Actions out;
  if (state_ != State::kClosed || !accept_verdict(syn, counters_)) return out;
  passive_ = true;
  irs_ = SeqNumber(syn.tcp_seq);
  rcv_nxt_ = irs_ + 1;
  negotiated_ = negotiate(config_.options, wire::options_of(syn));
  snd_una_ = iss_;
  snd_nxt_ = iss_ + 1;
  learn_window(syn);
  enter(State::kSynReceived);
  out.send.push_back(syn_segment(now));
  start_retransmission(now);
  return out;
}

Actions Connection::open_from_cookie(const Segment& ack, const Negotiated& n, Time /*now*/) {
  Actions out;
  if (state_ != State::kClosed || !accept_verdict(ack, counters_)) return out;
  passive_ = true;
  negotiated_ = n;
  irs_ = SeqNumber(ack.tcp_seq) - 1;
  rcv_nxt_ = SeqNumber(ack.tcp_seq);
  snd_una_ = snd_nxt_ = iss_ + 1;
  learn_window(ack);
  learn_timestamp(ack);
  enter(State::kEstablished);
  out.events.push_back({EventKind::kEstablished, tuple_});
  return out;
}

// ---------------------------------------------------------------- segments

Actions Connection::on_segment(const Segment& seg, Time now) {
  if (!accept_verdict(seg, counters_)) return {};
  switch (state_) {
    case State::kClosed:
    case State::kListen:
      return {};  // the table answers segments without a connection
    case State::kSynSent:
      return on_syn_sent(seg, now);
    default:
      return on_synchronizing(seg, now);
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
  irs_ = SeqNumber(seg.tcp_seq);
  rcv_nxt_ = irs_ + 1;
  negotiated_ = negotiate(config_.options, wire::options_of(seg));
  learn_window(seg);
  if (has_ack) {
    snd_una_ = ack;  // above ISS: checked in the first step
    enter(State::kEstablished);
    deadline_.reset();
    send_ack(now, out);
    out.events.push_back({EventKind::kEstablished, tuple_});
  } else {
    // Simultaneous open: our SYN again, now with the ACK of theirs.
    enter(State::kSynReceived);
    out.send.push_back(syn_segment(now));
    retries_ = 0;
    rto_ = config_.initial_rto;
    deadline_ = now + rto_;
  }
  return out;
}

// RFC 9293 section 3.10.7.4: SYN-RECEIVED and the synchronized states.
Actions Connection::on_synchronizing(const Segment& seg, Time now) {
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
    deadline_.reset();
    enter(State::kEstablished);
    learn_window(seg);
    learn_timestamp(seg);
    out.events.push_back({EventKind::kEstablished, tuple_});
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
  // First, the sequence number.
  if (!acceptable(seg)) {
    if (rst) return out;  // out-of-window RST: dropped silently (RFC 5961 section 3.2)
    if (syn) ++counters_.challenge_acks;  // RFC 5961 section 4: any SYN gets an ACK
    else ++counters_.unacceptable_acked;
    send_ack(now, out);
    // A retransmitted FIN in TIME-WAIT restarts the 2MSL wait.
    if (state_ == State::kTimeWait && has(seg, flag::kFin)) start_time_wait(now);
    return out;
  }
  // Second, RST: exactly at RCV.NXT resets; elsewhere in the window it only
  // earns a challenge ACK (RFC 5961 section 3.2).
  if (rst) {
    if (SeqNumber(seg.tcp_seq) != rcv_nxt_) {
      ++counters_.challenge_acks;
      send_ack(now, out);
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
    ++counters_.challenge_acks;
    send_ack(now, out);
    return out;
  }
  // Fifth, ACK.
  if (!has(seg, flag::kAck)) return out;
  if (!process_ack(seg, now, out)) return out;
  learn_timestamp(seg);
  // Seventh, the text: not accepted until data transfer exists (issue #13);
  // after close() it resets the connection, as RFC 9293 section 3.6.1 asks.
  if (seg.payload_len != 0) {
    if (user_closed_ && state_ != State::kTimeWait) {
      out.send.push_back(segment(flag::kRst | flag::kAck, snd_nxt_, now));
      ++counters_.resets_sent;
      reset_to_closed(EventKind::kClosed, out);
      return out;
    }
    send_ack(now, out);
    return out;
  }
  // Eighth, FIN, when it is the next octet we expect.
  if (has(seg, flag::kFin) && SeqNumber(seg.tcp_seq) == rcv_nxt_) process_fin(now, out);
  return out;
}

// RFC 9293 section 3.10.7.4's acceptability test, with RCV.WND our window.
bool Connection::acceptable(const Segment& seg) const {
  const SeqNumber seq(seg.tcp_seq);
  const uint32_t len = segment_length(seg);
  if (len == 0) return rcv_wnd_ == 0 ? seq == rcv_nxt_ : in_window(seq, rcv_nxt_, rcv_wnd_);
  if (rcv_wnd_ == 0) return false;
  return in_window(seq, rcv_nxt_, rcv_wnd_) || in_window(seq + (len - 1), rcv_nxt_, rcv_wnd_);
}

// The ACK field of a segment that passed the sequence and RST/SYN checks.
// False when the segment is dropped there.
bool Connection::process_ack(const Segment& seg, Time now, Actions& out) {
  const SeqNumber ack(seg.tcp_ack);
  if (state_ == State::kSynReceived) {
    if (!(snd_una_ < ack && ack <= snd_nxt_)) {
      out.send.push_back(segment(flag::kRst, ack, now));
      ++counters_.resets_sent;
      return false;
    }
    snd_una_ = ack;
    deadline_.reset();
    enter(State::kEstablished);
    learn_window(seg);
    out.events.push_back({EventKind::kEstablished, tuple_});
    return true;
  }
  // RFC 5961 section 5.2: acceptable is SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT.
  if (ack > snd_nxt_ || ack < snd_una_ - max_snd_wnd_) {
    ++counters_.unacceptable_acked;
    send_ack(now, out);
    return false;
  }
  if (snd_una_ < ack) snd_una_ = ack;
  learn_window(seg);
  const bool fin_acked = snd_una_ == snd_nxt_;
  switch (state_) {
    case State::kFinWait1:
      if (fin_acked) {
        enter(State::kFinWait2);
        deadline_.reset();
      }
      break;
    case State::kClosing:
      if (fin_acked) start_time_wait(now);
      break;
    case State::kLastAck:
      if (fin_acked) {
        deadline_.reset();
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
  if (!deadline_ || now < *deadline_) return out;
  if (state_ == State::kTimeWait) {
    deadline_.reset();
    enter(State::kClosed);
    out.events.push_back({EventKind::kClosed, tuple_});
    return out;
  }
  const int limit = state_ == State::kSynSent       ? config_.syn_retries
                    : state_ == State::kSynReceived ? config_.synack_retries
                                                    : config_.fin_retries;
  if (retries_ >= limit) {
    reset_to_closed(EventKind::kTimedOut, out);
    return out;
  }
  ++retries_;
  ++counters_.retransmissions;
  rto_ = std::min(rto_ * 2, config_.max_rto);  // RFC 6298 (5.5)
  deadline_ = now + rto_;
  if (state_ == State::kSynSent || state_ == State::kSynReceived)
    out.send.push_back(syn_segment(now));
  else
    out.send.push_back(segment(flag::kFin | flag::kAck, snd_nxt_ - 1, now));
  return out;
}

void Connection::start_retransmission(Time now) {
  retries_ = 0;
  rto_ = config_.initial_rto;
  deadline_ = now + rto_;
}

void Connection::start_time_wait(Time now) {
  enter(State::kTimeWait);
  deadline_ = now + config_.time_wait;
}

// ---------------------------------------------------------------- user calls

Actions Connection::shutdown(Time now) {
  Actions out;
  switch (state_) {
    case State::kSynSent:
      deadline_.reset();
      enter(State::kClosed);
      out.events.push_back({EventKind::kClosed, tuple_});
      break;
    case State::kSynReceived:
    case State::kEstablished:
      enter(State::kFinWait1);
      send_fin(now, out);
      break;
    case State::kCloseWait:
      enter(State::kLastAck);
      send_fin(now, out);
      break;
    default:
      break;  // not open, or closing already
  }
  return out;
}

Actions Connection::close(Time now) {
  user_closed_ = true;
  return shutdown(now);
}

Actions Connection::abort(Time now) {
  Actions out;
  switch (state_) {
    case State::kSynReceived:
    case State::kEstablished:
    case State::kFinWait1:
    case State::kFinWait2:
    case State::kCloseWait:
      out.send.push_back(segment(flag::kRst | flag::kAck, snd_nxt_, now));
      ++counters_.resets_sent;
      break;
    default:
      break;
  }
  if (state_ != State::kClosed) {
    deadline_.reset();
    enter(State::kClosed);
    out.events.push_back({EventKind::kClosed, tuple_});
  }
  return out;
}

void Connection::send_fin(Time now, Actions& out) {
  out.send.push_back(segment(flag::kFin | flag::kAck, snd_nxt_, now));
  snd_nxt_ += 1;
  start_retransmission(now);
}

void Connection::reset_to_closed(EventKind why, Actions& out) {
  deadline_.reset();
  if (state_ == State::kSynReceived && passive_) {
    enter(State::kListen);  // RFC 9293: the listener carries on; its user is not told
    return;
  }
  enter(State::kClosed);
  out.events.push_back({why, tuple_});
}

// ---------------------------------------------------------------- sending

uint32_t Connection::ts_clock(Time now) const {
  // Linux's timestamp clock: 1 ms, plus the connection's offset.
  return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) +
         ts_offset_;
}

uint16_t Connection::window_field(bool syn) const {
  // A SYN's window is never scaled (RFC 7323 section 2.2).
  const uint32_t w = syn ? rcv_wnd_ : rcv_wnd_ >> negotiated_.receive_scale;
  return static_cast<uint16_t>(std::min<uint32_t>(w, 0xffff));
}

wire::TxDescriptor Connection::segment(uint8_t flags, SeqNumber seq, Time now) const {
  wire::TxDescriptor d;
  set_addresses(d, tuple_);
  d.ttl = config_.ttl;
  d.tcp_flags = flags;
  d.seq = seq.raw();
  if (flags & flag::kAck) d.ack = rcv_nxt_.raw();
  const bool bare_rst = (flags & flag::kRst) && !(flags & flag::kAck);
  d.window = bare_rst ? 0 : window_field(false);
  if (negotiated_.timestamps && !bare_rst) {
    d.has_timestamps = true;
    d.ts_val = ts_clock(now);
    d.ts_ecr = negotiated_.ts_recent;
  }
  return d;
}

wire::TxDescriptor Connection::syn_segment(Time now) const {
  const bool syn_ack = state_ == State::kSynReceived;
  wire::TxDescriptor d = segment(syn_ack ? flag::kSyn | flag::kAck : flag::kSyn, iss_, now);
  d.window = window_field(true);
  wire::set_options(d, syn_ack ? syn_ack_options(config_.options, negotiated_, ts_clock(now))
                         : syn_options(config_.options, ts_clock(now)));
  return d;
}

void Connection::send_ack(Time now, Actions& out) const {
  out.send.push_back(segment(flag::kAck, snd_nxt_, now));
}

void Connection::learn_window(const Segment& seg) {
  // The window of a SYN or SYN-ACK is not scaled; every later one is.
  const uint8_t shift = has(seg, flag::kSyn) ? 0 : negotiated_.send_scale;
  snd_wnd_ = static_cast<uint32_t>(seg.tcp_window) << shift;
  max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
}

void Connection::learn_timestamp(const Segment& seg) {
  if (!negotiated_.timestamps || !(seg.opt_found & wire::rx_desc::opt_found::kTimestamps)) return;
  if (static_cast<int32_t>(seg.opt_ts_val - negotiated_.ts_recent) >= 0)
    negotiated_.ts_recent = seg.opt_ts_val;
}

}  // namespace tcpoe::driver::tcp

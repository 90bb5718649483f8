// One TCP connection's control block and its state machine (RFC 9293
// section 3.10, with RFC 5961's defences and RFC 6298's back-off). It needs
// no device: it consumes parsed segments (the RX parser's descriptors) and
// timer ticks and returns what to send, as TX descriptor field sets, and the
// events for its user. Data transfer is issue #13: a segment's payload is not
// accepted yet (it is answered with an ACK for RCV.NXT).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "tcpoe/driver/tcp/options.h"
#include "tcpoe/driver/tcp/seq_number.h"
#include "tcpoe/driver/tcp/state.h"
#include "tcpoe/driver/tcp/types.h"

namespace tcpoe::driver::tcp {

// Linux's defaults, named after the setting each one follows.
struct ConnectionConfig {
  OptionConfig options;
  Time initial_rto = std::chrono::seconds(1);  // RFC 6298 (2.1); Linux TCP_TIMEOUT_INIT
  Time max_rto = std::chrono::seconds(120);    // Linux TCP_RTO_MAX
  // net.ipv4.tcp_syn_retries of the production profile packetdrill's scripts
  // are written for (issue #13); the kernel's own default is 6.
  int syn_retries = 5;
  int synack_retries = 5;                      // net.ipv4.tcp_synack_retries
  int fin_retries = 8;                         // net.ipv4.tcp_orphan_retries = 0 means 8
  Time time_wait = std::chrono::seconds(60);   // 2MSL: Linux TCP_TIMEWAIT_LEN
  uint8_t ttl = 64;                            // net.ipv4.ip_default_ttl
};

struct ConnectionCounters : DropCounters {
  uint64_t challenge_acks = 0;      // RFC 5961: in-window RST or SYN answered by an ACK
  uint64_t unacceptable_acked = 0;  // out-of-window segments and bad ACKs answered by an ACK
  uint64_t resets_sent = 0;
  uint64_t retransmissions = 0;
};

class Connection {
 public:
  // A connection in CLOSED, with its initial send sequence number and its
  // timestamp clock's offset (IsnGenerator gives both).
  Connection(const ConnectionConfig& config, const FourTuple& tuple, SeqNumber iss,
             uint32_t ts_offset);

  // CLOSED --open_active--> SYN-SENT: sends the SYN.
  Actions open_active(Time now);
  // LISTEN --SYN--> SYN-RECEIVED: the listener hands over the peer's SYN;
  // sends the SYN-ACK. Later resets take this connection back to LISTEN
  // (it is dropped; the listener stays).
  Actions open_passive(const Segment& syn, Time now);
  // LISTEN --ACK--> ESTABLISHED: the ACK of a SYN-ACK the listener sent with
  // a SYN cookie as its ISN (this connection's iss); `n` is what the cookie
  // and the ACK's timestamps remember of the SYN.
  Actions open_from_cookie(const Segment& ack, const Negotiated& n, Time now);

  // A received segment of this connection. Malformed segments and those
  // with a bad checksum are counted and never acted on.
  Actions on_segment(const Segment& seg, Time now);
  // Retransmission, give-up and TIME-WAIT expiry, when deadline() has come.
  Actions on_timer(Time now);
  std::optional<Time> deadline() const { return deadline_; }

  // The user's calls. shutdown(): no more sending, a FIN; the peer's data
  // may still come. close(): the same, and the user reads no more, so data
  // arriving afterwards is answered by RST (RFC 9293 section 3.6.1). In
  // SYN-SENT both just delete the connection. abort(): RST, then CLOSED.
  Actions shutdown(Time now);
  Actions close(Time now);
  Actions abort(Time now);

  State state() const { return state_; }
  const FourTuple& tuple() const { return tuple_; }
  bool passive() const { return passive_; }
  const Negotiated& negotiated() const { return negotiated_; }
  const ConnectionCounters& counters() const { return counters_; }
  SeqNumber iss() const { return iss_; }
  SeqNumber irs() const { return irs_; }
  SeqNumber snd_una() const { return snd_una_; }
  SeqNumber snd_nxt() const { return snd_nxt_; }
  SeqNumber rcv_nxt() const { return rcv_nxt_; }
  uint32_t snd_wnd() const { return snd_wnd_; }  // the peer's window, scaled
  uint32_t rcv_wnd() const { return rcv_wnd_; }  // ours, in octets

 private:
  Actions on_syn_sent(const Segment& seg, Time now);
  Actions on_synchronizing(const Segment& seg, Time now);  // SYN-RECEIVED and after
  bool acceptable(const Segment& seg) const;               // RFC 9293's four cases
  bool process_ack(const Segment& seg, Time now, Actions& out);
  void process_fin(Time now, Actions& out);

  wire::TxDescriptor segment(uint8_t flags, SeqNumber seq, Time now) const;
  wire::TxDescriptor syn_segment(Time now) const;  // SYN, or SYN-ACK once the peer's SYN is in
  void send_ack(Time now, Actions& out) const;
  void send_fin(Time now, Actions& out);
  void reset_to_closed(EventKind why, Actions& out);  // passive SYN-RECEIVED: back to LISTEN
  void enter(State s) { state_ = s; }
  void start_retransmission(Time now);
  void start_time_wait(Time now);
  void learn_window(const Segment& seg);
  void learn_timestamp(const Segment& seg);
  uint32_t ts_clock(Time now) const;
  uint16_t window_field(bool syn) const;

  ConnectionConfig config_;
  FourTuple tuple_;
  State state_ = State::kClosed;
  bool passive_ = false;
  bool user_closed_ = false;  // close(): incoming data is answered by RST
  Negotiated negotiated_;
  uint32_t ts_offset_;

  SeqNumber iss_, irs_;
  SeqNumber snd_una_, snd_nxt_, rcv_nxt_;
  uint32_t snd_wnd_ = 0;
  uint32_t max_snd_wnd_ = 0;  // RFC 5961 section 5.2's MAX.SND.WND
  uint32_t rcv_wnd_;

  std::optional<Time> deadline_;
  Time rto_;
  int retries_ = 0;
  ConnectionCounters counters_;
};

}  // namespace tcpoe::driver::tcp

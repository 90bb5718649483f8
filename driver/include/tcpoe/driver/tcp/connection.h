// One TCP connection's control block and its state machine (RFC 9293
// section 3.10, with RFC 5961's defences and RFC 6298's back-off). It needs
// no device: it consumes parsed segments (the RX parser's descriptors) and
// timer ticks and returns what to send, as TX descriptor field sets, and the
// events for its user. The data path: a send buffer (kept until
// acknowledged), a receive buffer with reassembly, cumulative and delayed
// ACKs, a receive window that never shrinks, RFC 6298's retransmission
// timer, NewReno congestion control, RFC 7323's RTT measurement and PAWS,
// and zero-window probes (docs/driver.md, "Data transfer").
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tcpoe/driver/tcp/congestion.h"
#include "tcpoe/driver/tcp/options.h"
#include "tcpoe/driver/tcp/receive_buffer.h"
#include "tcpoe/driver/tcp/rtt.h"
#include "tcpoe/driver/tcp/sack_scoreboard.h"
#include "tcpoe/driver/tcp/send_buffer.h"
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
  // net.ipv4.tcp_fin_timeout: how long a closed connection (close(), not
  // only shutdown()) waits in FIN-WAIT-2 for the peer's FIN.
  Time fin_timeout = std::chrono::seconds(60);
  uint8_t ttl = 64;                            // net.ipv4.ip_default_ttl

  // The data path.
  Time min_rto = std::chrono::milliseconds(200);     // Linux TCP_RTO_MIN (RFC 6298 says 1 s)
  int data_retries = 15;                             // net.ipv4.tcp_retries2
  std::size_t send_buffer = 4194304;                 // net.ipv4.tcp_wmem[2]: 4 MB
  // Where send buffers keep their octets (SendBuffer); none: heap_chunk_pool().
  std::shared_ptr<ChunkPool> send_chunks;
  uint32_t initial_window_segments = 10;             // RFC 6928; Linux TCP_INIT_CWND
  Time delayed_ack = std::chrono::milliseconds(40);  // Linux TCP_DELACK_MIN; at most 200 ms
  int quick_acks = 16;                               // Linux TCP_MAX_QUICKACKS: first segments ACKed at once
  std::size_t max_out_of_order = 256;                // segments kept for reassembly
  bool nagle = true;                                 // Linux without TCP_NODELAY
  // RFC 8985's tail loss probe, as Linux sends it on SACK connections
  // (net.ipv4.tcp_early_retrans = 3 or 4): 2 SRTT after the last segment
  // (plus min_rto with one segment out, else 2 timestamp ticks), never
  // later than the RTO.
  bool tail_loss_probe = true;
  Time timestamp_tick = std::chrono::milliseconds(1);  // TSval clock (Linux: 1 ms); also RFC 6298's G
  // RFC 5961 section 7: at most this many challenge ACKs a second, as
  // Linux's net.ipv4.tcp_challenge_ack_limit (1000 before 6.0); kept per
  // connection, so a storm on one tells nothing about another (Linux's
  // global count was the CVE-2016-5696 side channel). 0: no limit.
  uint32_t challenge_ack_limit = 1000;

  std::string problem() const;  // empty when usable; else what is wrong
};

struct ConnectionCounters : DropCounters {
  uint64_t challenge_acks = 0;      // RFC 5961: challenge ACKs sent (rst_ and syn_challenged, not limited)
  uint64_t unacceptable_acked = 0;  // out_of_window + ack_of_unsent + ack_too_old: answered by an ACK
  uint64_t resets_sent = 0;
  uint64_t retransmissions = 0;      // SYN, FIN and data segments sent again
  uint64_t timeouts = 0;             // retransmission timer expiries
  uint64_t fast_retransmits = 0;     // on the third duplicate ACK
  uint64_t sack_retransmits = 0;     // holes the peer's SACK blocks showed, sent again in recovery
  uint64_t octets_retransmitted = 0; // payload octets sent again (timeouts and recovery)
  uint64_t out_of_order_kept = 0;    // segments ahead of RCV.NXT kept for reassembly
  uint64_t out_of_order_dropped = 0; // ... dropped: the reassembly bound was reached
  uint64_t window_probes = 0;        // zero-window probes sent
  uint64_t loss_probes = 0;          // tail loss probes sent (RFC 8985)
  uint64_t octets_sent = 0, octets_received = 0;  // new payload, in order
};

// What send() and recv() did: octets taken or given, and what to send.
struct Transfer {
  std::size_t octets = 0;
  Actions actions;
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

  // A received segment of this connection and its payload (payload_len
  // octets). Malformed segments, those with a bad checksum and those whose
  // payload is not all there are counted and never acted on. `tcp_options`
  // is the segment's option area (the frame's octets from the TCP header's
  // 20th to the data offset): the parser reports only the SYN options, so
  // the SACK blocks of an ACK are read from there.
  Actions on_segment(const Segment& seg, Time now, wire::ByteSpan payload = {},
                     wire::ByteSpan tcp_options = {});
  // Retransmission, persist probes, delayed ACKs, give-up and TIME-WAIT
  // expiry, when deadline() has come.
  Actions on_timer(Time now);
  std::optional<Time> deadline() const;

  // The user's data. send(): queues what fits of `data` in the send buffer
  // and sends what the windows allow (from SYN-SENT on; nothing once
  // shutdown() was called). recv(): the in-order octets received, and a
  // window update when reading opened the window enough.
  Transfer send(wire::ByteSpan data, Time now);
  Transfer recv(wire::MutableByteSpan into, Time now);
  // The payload of a data segment this connection sent (its seq and
  // payload_len), where it lies in the send buffer: what the device reads.
  // Empty once acknowledged (no longer needed).
  SendBuffer::Parts payload(const wire::TxDescriptor& d) const;
  std::size_t readable() const { return receive_buffer_.size(); }
  std::size_t send_space() const;  // 0 once shut down for sending

  // The user's calls. shutdown(): no more sending, a FIN after the queued
  // data; the peer's data
  // may still come. close(): the same, and the user reads no more, so data
  // arriving afterwards is answered by RST (RFC 9293 section 3.6.1); with
  // received data left unread, close() is abort() (RFC 2525 2.17, as
  // Linux). In SYN-SENT both just delete the connection. abort(): RST,
  // then CLOSED.
  Actions shutdown(Time now);
  Actions close(Time now);
  Actions abort(Time now);
  // TCP_NODELAY (ConnectionConfig::nagle is the default): on, Nagle's rule
  // no longer holds small segments back, and what it held goes at once.
  Actions set_nodelay(bool on, Time now);
  bool nodelay() const { return !nagle_; }

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
  SeqNumber snd_max() const { return snd_max_; }  // the highest sequence sent, plus one
  uint32_t snd_wnd() const { return snd_wnd_; }   // the peer's window, scaled
  uint32_t rcv_wnd() const;                       // ours as advertised: RCV.ADV - RCV.NXT
  const NewReno& congestion() const { return congestion_; }
  const RttEstimator& rtt() const { return rtt_; }
  Time rto() const { return rto_; }  // the current timeout, backed off
  bool persisting() const { return timer_ == Timer::kPersist; }
  const SendBuffer& send_buffer() const { return send_buffer_; }
  const SackScoreboard& scoreboard() const { return scoreboard_; }

 private:
  Actions on_syn_sent(const Segment& seg, Time now);
  Actions on_synchronizing(const Segment& seg, wire::ByteSpan payload, wire::ByteSpan tcp_options,
                           Time now);  // SYN-RECEIVED and after
  bool acceptable(const Segment& seg) const;               // RFC 9293's four cases
  bool paws_rejects(const Segment& seg) const;             // RFC 7323 5.3
  bool process_ack(const Segment& seg, wire::ByteSpan tcp_options, Time now, Actions& out);
  void process_new_ack(const Segment& seg, SeqNumber ack, Time now, Actions& out);
  void process_text(const Segment& seg, wire::ByteSpan payload, Time now, Actions& out);
  void process_fin(Time now, Actions& out);

  wire::TxDescriptor segment(uint8_t flags, SeqNumber seq, Time now);
  wire::TxDescriptor syn_segment(Time now);  // SYN, or SYN-ACK once the peer's SYN is in
  void send_ack(Time now, Actions& out);
  // An ACK answering an in-window RST or a SYN (RFC 5961), unless the
  // limit per second was reached; `reason` counts it either way.
  void send_challenge_ack(uint64_t& reason, Time now, Actions& out);
  void schedule_ack(Time now, Actions& out);  // delayed or at once (Linux's rules)
  // Sends what the windows allow: new data, then the FIN after the queued data.
  void output(Time now, Actions& out);
  SeqNumber send_data(SeqNumber seq, uint32_t length, Time now, Actions& out);
  void push_burst(std::size_t burst_start, SeqNumber new_data, Actions& out);
  void retransmit_first(Time now, Actions& out);
  // After new data (or the FIN) went out, or an ACK of new data with more
  // in flight: the loss probe's timer where RFC 8985 allows one, else the
  // retransmission timer (restarted by an ACK, kept by a send).
  void arm_transmit_timer(Time now, bool restart_rto);
  bool loss_probe_allowed() const;
  void send_loss_probe(Time now, Actions& out);
  // Loss recovery's next retransmission: with SACK information, the next
  // hole not yet sent again in this recovery (RFC 6675's NextSeg rule 1);
  // without, the first unacknowledged segment (NewReno).
  void retransmit_lost(Time now, Actions& out);
  void on_retransmission_timeout(Time now, Actions& out);
  void reset_to_closed(EventKind why, Actions& out);  // passive SYN-RECEIVED: back to LISTEN
  void enter(State s) { state_ = s; }
  void established();  // the data path starts
  void synchronize_receive(SeqNumber irs);
  void start_retransmission(Time now);
  void arm(Time now, Time after);
  void stop_timer();
  void start_fin_wait_2_timeout(Time now);
  void start_time_wait(Time now);
  void learn_window(const Segment& seg);
  void update_window(const Segment& seg);  // RFC 9293's SND.WL1/SND.WL2 rule
  void learn_timestamp(const Segment& seg);
  void measure_rtt(const Segment& seg, SeqNumber ack, Time now);
  uint32_t ts_clock(Time now) const;
  uint16_t window_field(bool syn);
  uint32_t receive_space() const;
  uint32_t window_threshold() const;  // RFC 9293 3.8.6.2.2: min(buffer / 2, MSS)
  bool fin_queued() const { return fin_queued_; }
  SeqNumber fin_seq() const { return send_buffer_.end(); }  // once shut down
  bool fin_acked() const { return fin_queued_ && snd_una_ == fin_seq() + 1; }
  uint32_t flight() const { return static_cast<uint32_t>(snd_max_ - snd_una_); }

  ConnectionConfig config_;
  FourTuple tuple_;
  State state_ = State::kClosed;
  bool passive_ = false;
  bool user_closed_ = false;  // close(): incoming data is answered by RST
  Negotiated negotiated_;
  uint32_t ts_offset_;

  SeqNumber iss_, irs_;
  SeqNumber snd_una_, snd_nxt_, snd_max_, rcv_nxt_;
  SeqNumber snd_small_;          // the end of the last segment shorter than the MSS (Nagle)
  bool nagle_;                   // Nagle's rule applies (no TCP_NODELAY)
  SeqNumber snd_wl1_, snd_wl2_;  // the segment that last set the window
  uint32_t snd_wnd_ = 0;
  uint32_t max_snd_wnd_ = 0;  // RFC 5961 section 5.2's MAX.SND.WND
  uint32_t rcv_window_limit_;  // the most we advertise: half the receive buffer
  SeqNumber rcv_adv_;          // the right edge of the window we advertised (never moves back)
  SeqNumber last_ack_sent_;    // RFC 7323's Last.ACK.sent

  SendBuffer send_buffer_;
  ReceiveBuffer receive_buffer_;
  bool fin_queued_ = false;       // shutdown(): the FIN follows the queued data
  bool writer_blocked_ = false;   // send() found the buffer full: tell when it has room
  uint32_t rcv_mss_ = 0;          // the largest segment received (Linux's rcv_mss)
  uint32_t unacked_octets_ = 0;   // received since our last ACK
  int quick_acks_left_ = 0;
  std::optional<Time> ack_deadline_;  // the delayed ACK

  // The one retransmission timer; what it means when it expires.
  enum class Timer { kNone, kRetransmit, kLossProbe, kPersist, kFinWait2, kTimeWait };
  Timer timer_ = Timer::kNone;
  std::optional<Time> deadline_;
  Time rto_;
  int retries_ = 0;
  RttEstimator rtt_;
  std::optional<std::pair<SeqNumber, Time>> rtt_probe_;  // without timestamps: one segment timed
  NewReno congestion_;
  SeqNumber last_sent_;                       // where the last new segment (data or FIN) starts
  std::optional<SeqNumber> probe_high_;       // a loss probe is out until this is acknowledged
  std::optional<SeqNumber> loss_high_;        // after a timeout: SND.MAX then (no probes before it)
  std::optional<Time> challenge_second_;  // when the current second of challenge ACKs began
  uint32_t challenge_acks_this_second_ = 0;
  SackScoreboard scoreboard_;
  SeqNumber high_rxt_;  // RFC 6675's HighRxt: retransmitted in this recovery up to here
  ConnectionCounters counters_;
};

}  // namespace tcpoe::driver::tcp

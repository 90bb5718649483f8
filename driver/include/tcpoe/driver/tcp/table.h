// The stack's connections: a 4-tuple hash table (SipHash-keyed, so a peer
// cannot aim its tuples at one bucket), ephemeral port allocation, listeners
// with a SYN backlog, and SYN cookies once a backlog is full. Segments
// without a connection are answered as RFC 9293 section 3.10.7.1/2 says.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>

#include "tcpoe/driver/tcp/connection.h"
#include "tcpoe/driver/tcp/isn.h"
#include "tcpoe/driver/tcp/syn_cookie.h"

namespace tcpoe::driver::tcp {

struct StackConfig {
  ConnectionConfig connection;
  uint16_t ephemeral_first = 32768;  // net.ipv4.ip_local_port_range
  uint16_t ephemeral_last = 60999;
  bool syn_cookies = true;  // net.ipv4.tcp_syncookies = 1: only when a SYN backlog is full
  // The stack's secret (ISNs, cookies, timestamp offsets, the table's hash,
  // port offsets); from std::random_device when unset. Tests seed it.
  std::optional<std::array<uint8_t, 16>> secret;
};

enum class Error {
  kOk,
  kAddressInUse,         // EADDRINUSE: the port listens already, or the 4-tuple is taken
  kAddressNotAvailable,  // EADDRNOTAVAIL: no free ephemeral port for this destination
  kNotFound,             // no such connection or listener
  kInvalidArgument,      // EINVAL: port 0 to listen on, a backlog of 0
};

constexpr const char* to_string(Error e) {
  switch (e) {
    case Error::kOk: return "ok";
    case Error::kAddressInUse: return "address in use";
    case Error::kAddressNotAvailable: return "address not available";
    case Error::kNotFound: return "no such connection";
    case Error::kInvalidArgument: return "invalid argument";
  }
  return "?";
}

struct TableCounters : DropCounters {
  uint64_t resets_sent = 0;           // answers to segments without a connection
  uint64_t passive_opens = 0;         // SYNs to a listener that opened a connection (SYN-RECEIVED)
  uint64_t syn_cookies_sent = 0;      // SYN-ACKs sent statelessly, the backlog full
  uint64_t syn_cookies_accepted = 0;  // ACKs whose cookie opened a connection
  uint64_t syn_cookies_rejected = 0;  // ACKs to a listener whose cookie was not ours
  uint64_t syn_backlog_drops = 0;     // SYNs dropped: backlog full and cookies off
};

class ConnectionTable {
 public:
  // std::invalid_argument, with the reason, for a config that cannot work.
  explicit ConnectionTable(const StackConfig& config = {});

  struct Opened {
    Error error = Error::kOk;
    FourTuple tuple;
    Actions actions;  // the SYN
  };
  // An active open from local_ip to remote_ip:remote_port; local_port 0
  // picks a free ephemeral port.
  Opened connect(uint32_t local_ip, uint32_t remote_ip, uint16_t remote_port, Time now,
                 uint16_t local_port = 0);
  // A listener on port (local_ip 0: any address), holding at most `backlog`
  // connections in SYN-RECEIVED.
  Error listen(uint32_t local_ip, uint16_t port, uint32_t backlog);
  Error unlisten(uint16_t port);
  // The listener's user closed it (Linux's inet_csk_listen_stop()): the
  // connections it completed but nobody accepted are reset, those still in
  // SYN-RECEIVED are dropped without a word, then it stops listening.
  Actions close_listener(uint16_t port, Time now);
  // The oldest connection the listener on port completed, not yet accepted.
  std::optional<FourTuple> accept(uint16_t port);

  // A received segment, its payload (payload_len octets) and its option
  // area (Connection::on_segment()).
  Actions on_segment(const Segment& seg, Time now, wire::ByteSpan payload = {},
                     wire::ByteSpan tcp_options = {});
  // Runs every connection whose deadline has come; drops the closed ones.
  Actions on_timer(Time now);
  std::optional<Time> next_deadline() const;

  Actions shutdown(const FourTuple& t, Time now);
  Actions close(const FourTuple& t, Time now);
  Actions abort(const FourTuple& t, Time now);
  Actions set_nodelay(const FourTuple& t, bool on, Time now);
  // The connection's send() and recv() (nothing when there is no such connection).
  Transfer send(const FourTuple& t, wire::ByteSpan data, Time now);
  Transfer recv(const FourTuple& t, wire::MutableByteSpan into, Time now);

  const Connection* find(const FourTuple& t) const;
  std::size_t size() const { return connections_.size(); }  // connections in every state
  std::size_t syn_backlog(uint16_t port) const;              // SYN-RECEIVED of that listener
  const TableCounters& counters() const { return counters_; }
  // Every segment not acted on, by reason, over the whole stack: the
  // table's own (the device's verdict, no connection, listeners) and every
  // connection's, those gone included.
  DropCounters drops() const;

 private:
  struct TupleHash {
    SipKey key;
    std::size_t operator()(const FourTuple& t) const {
      return static_cast<std::size_t>(
          siphash24_words(key, t.local_ip, t.remote_ip, t.local_port, t.remote_port));
    }
  };
  struct Listener {
    uint32_t local_ip = 0;
    uint32_t backlog = 0;
    uint32_t syn_received = 0;
    std::deque<FourTuple> completed;  // waiting for accept()
    std::optional<Time> last_overflow;  // when a SYN last found the backlog full
  };
  using Map = std::unordered_map<FourTuple, std::unique_ptr<Connection>, TupleHash>;

  ConnectionTable(const StackConfig& config, const SipKey& master);

  Listener* listener_for(const FourTuple& t);
  Actions on_listener(Listener& l, const Segment& seg, Time now);
  Actions answer_syn_with_cookie(const Segment& syn, Time now);
  Actions on_no_connection(const Segment& seg);
  // After a connection ran: moves a passive one from the backlog to the
  // accept queue when it is established, drops it when it is closed.
  Actions settle(const FourTuple& t, State before, Actions&& out);
  template <typename Call>
  Actions run(const FourTuple& t, Call&& call);
  template <typename Call>
  Transfer run_transfer(const FourTuple& t, Call&& call);
  std::unique_ptr<Connection> make_connection(const FourTuple& t, Time now) const;
  bool port_in_use(const FourTuple& t) const;

  StackConfig config_;
  IsnGenerator isn_;
  SynCookies cookies_;
  SipKey port_key_;
  std::array<uint32_t, 256> port_offsets_{};  // RFC 6056 algorithm 4's perturbations
  Map connections_;
  std::unordered_map<uint16_t, Listener> listeners_;
  TableCounters counters_;
  DropCounters retired_drops_;  // of the connections erased
};

}  // namespace tcpoe::driver::tcp

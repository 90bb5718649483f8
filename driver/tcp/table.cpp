#include "tcpoe/driver/tcp/table.h"

#include <random>
#include <stdexcept>
#include <vector>

namespace tcpoe::driver::tcp {
namespace {

namespace flag = wire::tcp::flag;

bool has(const Segment& s, uint8_t f) { return (s.tcp_flags & f) != 0; }

SipKey master_key(const StackConfig& c) {
  if (c.secret) return SipKey::from_bytes(*c.secret);
  std::random_device rd;
  std::array<uint8_t, 16> octets{};
  for (auto& o : octets) o = static_cast<uint8_t>(rd());
  return SipKey::from_bytes(octets);
}

// A key of its own for each use, from the master key.
SipKey subkey(const SipKey& master, uint32_t purpose) {
  return SipKey{siphash24_words(master, purpose, 0u), siphash24_words(master, purpose, 1u)};
}

enum Purpose : uint32_t { kIsn = 1, kCookie0, kCookie1, kTable, kPorts };

// RFC 9293 section 3.10.7.1: the answer to a segment no connection takes.
wire::TxDescriptor reset_reply(const Segment& seg, uint8_t ttl) {
  wire::TxDescriptor d;
  set_addresses(d, tuple_of(seg));
  d.ttl = ttl;
  if (has(seg, flag::kAck)) {
    d.tcp_flags = flag::kRst;  // <SEQ=SEG.ACK><CTL=RST>
    d.seq = seg.tcp_ack;
  } else {  // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
    d.tcp_flags = flag::kRst | flag::kAck;
    const uint32_t len = seg.payload_len + (has(seg, flag::kSyn) ? 1u : 0u) +
                         (has(seg, flag::kFin) ? 1u : 0u);
    d.ack = (SeqNumber(seg.tcp_seq) + len).raw();
  }
  return d;
}

}  // namespace

ConnectionTable::ConnectionTable(const StackConfig& config)
    : ConnectionTable(config, master_key(config)) {}

// Every subkey from the one master key (drawn once when it is random).
ConnectionTable::ConnectionTable(const StackConfig& config, const SipKey& master)
    : config_(config),
      isn_(subkey(master, kIsn)),
      cookies_(subkey(master, kCookie0), subkey(master, kCookie1)),
      port_key_(subkey(master, kPorts)),
      connections_(0, TupleHash{subkey(master, kTable)}) {
  if (const std::string p = config.connection.problem(); !p.empty())
    throw std::invalid_argument("ConnectionTable: " + p);
}

std::unique_ptr<Connection> ConnectionTable::make_connection(const FourTuple& t,
                                                             Time now) const {
  return std::make_unique<Connection>(config_.connection, t, isn_.isn(t, now),
                                      isn_.ts_offset(t));
}

bool ConnectionTable::port_in_use(const FourTuple& t) const {
  return connections_.count(t) != 0 || listeners_.count(t.local_port) != 0;
}

ConnectionTable::Opened ConnectionTable::connect(uint32_t local_ip, uint32_t remote_ip,
                                                 uint16_t remote_port, Time now,
                                                 uint16_t local_port) {
  Opened r;
  if (remote_port == 0) {
    r.error = Error::kInvalidArgument;
    return r;
  }
  r.tuple = FourTuple{local_ip, local_port, remote_ip, remote_port};
  if (local_port != 0) {
    if (connections_.count(r.tuple) != 0) {
      r.error = Error::kAddressInUse;
      return r;
    }
  } else {
    // After RFC 6056 algorithm 4, as Linux's __inet_hash_connect() uses it
    // (one keyed hash for both the offset and the bucket): start at the
    // hash of the destination plus its bucket's perturbation, take the
    // first port free for this destination, and move the bucket on.
    const uint32_t first = config_.ephemeral_first;
    const uint32_t range =
        config_.ephemeral_last >= first ? config_.ephemeral_last - first + 1u : 0u;
    const auto h = static_cast<uint32_t>(siphash24_words(port_key_, local_ip, remote_ip, remote_port));
    uint32_t& perturb = port_offsets_[h % port_offsets_.size()];
    bool found = false;
    for (uint32_t i = 0; i < range && !found; ++i) {
      r.tuple.local_port = static_cast<uint16_t>(first + (h + perturb + i) % range);
      if (!port_in_use(r.tuple)) {
        perturb += i + 1;
        found = true;
      }
    }
    if (!found) {
      r.error = Error::kAddressNotAvailable;
      return r;
    }
  }
  auto c = make_connection(r.tuple, now);
  r.actions = c->open_active(now);
  connections_.emplace(r.tuple, std::move(c));
  return r;
}

Error ConnectionTable::listen(uint32_t local_ip, uint16_t port, uint32_t backlog) {
  if (port == 0 || backlog == 0) return Error::kInvalidArgument;
  if (listeners_.count(port) != 0) return Error::kAddressInUse;
  Listener l;
  l.local_ip = local_ip;
  l.backlog = backlog;
  listeners_.emplace(port, std::move(l));
  return Error::kOk;
}

Error ConnectionTable::unlisten(uint16_t port) {
  return listeners_.erase(port) != 0 ? Error::kOk : Error::kNotFound;
}

Actions ConnectionTable::close_listener(uint16_t port, Time now) {
  Actions out;
  const auto it = listeners_.find(port);
  if (it == listeners_.end()) return out;
  const std::deque<FourTuple> not_accepted = std::move(it->second.completed);
  listeners_.erase(it);
  for (const FourTuple& t : not_accepted) out.append(abort(t, now));
  for (auto c = connections_.begin(); c != connections_.end();) {
    const bool half_open = c->first.local_port == port && c->second->passive() &&
                           c->second->state() == State::kSynReceived;
    c = half_open ? connections_.erase(c) : std::next(c);
  }
  return out;
}

std::optional<FourTuple> ConnectionTable::accept(uint16_t port) {
  const auto it = listeners_.find(port);
  if (it == listeners_.end()) return std::nullopt;
  auto& queue = it->second.completed;
  while (!queue.empty()) {
    const FourTuple t = queue.front();
    queue.pop_front();
    if (connections_.count(t) != 0) return t;  // it may have been reset meanwhile
  }
  return std::nullopt;
}

ConnectionTable::Listener* ConnectionTable::listener_for(const FourTuple& t) {
  const auto it = listeners_.find(t.local_port);
  if (it == listeners_.end()) return nullptr;
  Listener& l = it->second;
  return l.local_ip == 0 || l.local_ip == t.local_ip ? &l : nullptr;
}

Actions ConnectionTable::on_segment(const Segment& seg, Time now, wire::ByteSpan payload,
                                    wire::ByteSpan tcp_options) {
  // The tuple of a malformed or corrupted frame cannot be trusted either.
  if (!accept_verdict(seg, counters_)) return {};
  const FourTuple t = tuple_of(seg);
  if (connections_.count(t) != 0)
    return run(t, [&](Connection& c) { return c.on_segment(seg, now, payload, tcp_options); });
  if (Listener* l = listener_for(t)) return on_listener(*l, seg, now);
  return on_no_connection(seg);
}

// RFC 9293 section 3.10.7.2, LISTEN; with SYN cookies past a full backlog.
Actions ConnectionTable::on_listener(Listener& l, const Segment& seg, Time now) {
  Actions out;
  const FourTuple t = tuple_of(seg);
  if (has(seg, flag::kRst)) {
    ++counters_.listener_dropped;
    return out;
  }
  if (has(seg, flag::kAck)) {
    // Only the ACK of a cookie can be good here, and only while cookies
    // may be out: within their lifetime of the last overflow.
    const bool cookies_out = config_.syn_cookies && !has(seg, flag::kSyn) && l.last_overflow &&
                             now - *l.last_overflow <= SynCookies::kTick * (SynCookies::kMaxAge + 1);
    if (cookies_out) {
      const SeqNumber isn = SeqNumber(seg.tcp_ack) - 1;
      if (const auto mss = cookies_.check(t, SeqNumber(seg.tcp_seq) - 1, isn, now)) {
        auto c = std::make_unique<Connection>(config_.connection, t, isn, isn_.ts_offset(t));
        out = c->open_from_cookie(
            seg, SynCookies::negotiated(config_.connection.options, *mss, wire::options_of(seg)),
            now);
        connections_.emplace(t, std::move(c));
        l.completed.push_back(t);
        ++counters_.syn_cookies_accepted;
        return out;
      }
      ++counters_.syn_cookies_rejected;
    }
    return on_no_connection(seg);  // any acknowledgment is bad in LISTEN
  }
  if (!has(seg, flag::kSyn)) {
    ++counters_.listener_dropped;
    return out;
  }
  if (l.syn_received >= l.backlog) {
    l.last_overflow = now;
    if (config_.syn_cookies) return answer_syn_with_cookie(seg, now);
    ++counters_.syn_backlog_drops;
    return out;
  }
  auto c = make_connection(t, now);
  out = c->open_passive(seg, now);
  connections_.emplace(t, std::move(c));
  ++l.syn_received;
  ++counters_.passive_opens;
  return out;
}

// The SYN-ACK a connection would send, from a connection that is not kept:
// its ISN is the cookie, and its TSval names the SYN's options.
Actions ConnectionTable::answer_syn_with_cookie(const Segment& syn, Time now) {
  const FourTuple t = tuple_of(syn);
  const wire::TcpOptions offered = wire::options_of(syn);
  const SeqNumber cookie = cookies_.make(t, SeqNumber(syn.tcp_seq),
                                         offered.mss.value_or(kDefaultPeerMss), now);
  Connection probe(config_.connection, t, cookie, isn_.ts_offset(t));
  Actions out = probe.open_passive(syn, now);
  for (auto& d : out.send)
    if (d.has_timestamps) d.ts_val = SynCookies::encode_timestamp(d.ts_val, probe.negotiated());
  ++counters_.syn_cookies_sent;
  return out;
}

Actions ConnectionTable::on_no_connection(const Segment& seg) {
  Actions out;
  if (has(seg, flag::kRst)) {  // never answer a RST
    ++counters_.no_connection_rst;
    return out;
  }
  out.send.push_back(reset_reply(seg, config_.connection.ttl));
  ++counters_.resets_sent;
  ++counters_.no_connection_reset;
  return out;
}

template <typename Call>
Actions ConnectionTable::run(const FourTuple& t, Call&& call) {
  const auto it = connections_.find(t);
  if (it == connections_.end()) return {};
  const State before = it->second->state();
  return settle(t, before, call(*it->second));
}

template <typename Call>
Transfer ConnectionTable::run_transfer(const FourTuple& t, Call&& call) {
  Transfer result;
  result.actions = run(t, [&](Connection& c) {
    Transfer r = call(c);
    result.octets = r.octets;
    return std::move(r.actions);
  });
  return result;
}

Actions ConnectionTable::settle(const FourTuple& t, State before, Actions&& out) {
  const auto it = connections_.find(t);
  const Connection& c = *it->second;
  const State after = c.state();
  if (c.passive() && before == State::kSynReceived && after != State::kSynReceived) {
    if (Listener* l = listener_for(t)) {
      --l->syn_received;
      if (after != State::kClosed && after != State::kListen) l->completed.push_back(t);
    }
  }
  if (after == State::kClosed || after == State::kListen) {
    retired_drops_ += c.counters();
    connections_.erase(it);
  }
  return std::move(out);
}

Actions ConnectionTable::on_timer(Time now) {
  std::vector<FourTuple> due;
  for (const auto& [t, c] : connections_)
    if (c->deadline() && *c->deadline() <= now) due.push_back(t);
  Actions out;
  for (const FourTuple& t : due) out.append(run(t, [&](Connection& c) { return c.on_timer(now); }));
  return out;
}

std::optional<Time> ConnectionTable::next_deadline() const {
  std::optional<Time> next;
  for (const auto& [t, c] : connections_)
    if (c->deadline() && (!next || *c->deadline() < *next)) next = c->deadline();
  return next;
}

Actions ConnectionTable::shutdown(const FourTuple& t, Time now) {
  return run(t, [&](Connection& c) { return c.shutdown(now); });
}
Actions ConnectionTable::close(const FourTuple& t, Time now) {
  return run(t, [&](Connection& c) { return c.close(now); });
}
Actions ConnectionTable::abort(const FourTuple& t, Time now) {
  return run(t, [&](Connection& c) { return c.abort(now); });
}
Actions ConnectionTable::set_nodelay(const FourTuple& t, bool on, Time now) {
  return run(t, [&](Connection& c) { return c.set_nodelay(on, now); });
}

Transfer ConnectionTable::send(const FourTuple& t, wire::ByteSpan data, Time now) {
  return run_transfer(t, [&](Connection& c) { return c.send(data, now); });
}
Transfer ConnectionTable::recv(const FourTuple& t, wire::MutableByteSpan into, Time now) {
  return run_transfer(t, [&](Connection& c) { return c.recv(into, now); });
}

DropCounters ConnectionTable::drops() const {
  DropCounters sum = counters_;
  sum += retired_drops_;
  for (const auto& entry : connections_) sum += entry.second->counters();
  return sum;
}

const Connection* ConnectionTable::find(const FourTuple& t) const {
  const auto it = connections_.find(t);
  return it == connections_.end() ? nullptr : it->second.get();
}

std::size_t ConnectionTable::syn_backlog(uint16_t port) const {
  const auto it = listeners_.find(port);
  return it == listeners_.end() ? 0 : it->second.syn_received;
}

}  // namespace tcpoe::driver::tcp

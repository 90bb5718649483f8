#include "tcpoe/driver/stack.h"

#include <algorithm>

namespace tcpoe::driver {

namespace {

class StackCategory : public std::error_category {
 public:
  const char* name() const noexcept override { return "tcpoe.stack"; }
  std::string message(int e) const override {
    switch (StackError(e)) {
      case StackError::kConnectionRefused: return "connection refused";
      case StackError::kTimedOut: return "connection timed out";
      case StackError::kConnectionReset: return "connection reset by peer";
      case StackError::kAddressInUse: return "address in use";
      case StackError::kAddressNotAvailable: return "address not available";
      case StackError::kInvalidArgument: return "invalid argument";
      case StackError::kWouldBlock: return "operation would block";
      case StackError::kNotConnected: return "not connected";
      case StackError::kBadSocket: return "no such socket";
      case StackError::kNoRoute: return "no Ethernet address known for the peer";
      case StackError::kBrokenPipe: return "broken pipe: the socket is shut down for sending";
      case StackError::kWaitTimedOut: return "timed out waiting: the call's timeout passed";
    }
    return "unknown error " + std::to_string(e);
  }
};

std::error_code from_table(tcp::Error e) {
  switch (e) {
    case tcp::Error::kOk: return {};
    case tcp::Error::kAddressInUse: return StackError::kAddressInUse;
    case tcp::Error::kAddressNotAvailable: return StackError::kAddressNotAvailable;
    case tcp::Error::kNotFound: return StackError::kNotConnected;
    case tcp::Error::kInvalidArgument: return StackError::kInvalidArgument;
  }
  return StackError::kInvalidArgument;
}

std::uint32_t bits_of(tcp::EventKind k) {
  switch (k) {
    case tcp::EventKind::kEstablished: return ready::kConnected;
    case tcp::EventKind::kPeerClosed: return ready::kPeerClosed;
    case tcp::EventKind::kClosed: return ready::kClosed;
    case tcp::EventKind::kReadable: return ready::kReadable;
    case tcp::EventKind::kWritable: return ready::kWritable;
    case tcp::EventKind::kRefused:
    case tcp::EventKind::kReset:
    case tcp::EventKind::kTimedOut: return ready::kError | ready::kClosed;
  }
  return 0;
}

std::error_code error_of(tcp::EventKind k) {
  switch (k) {
    case tcp::EventKind::kRefused: return StackError::kConnectionRefused;
    case tcp::EventKind::kReset: return StackError::kConnectionReset;
    case tcp::EventKind::kTimedOut: return StackError::kTimedOut;
    default: return {};
  }
}

}  // namespace

const std::error_category& stack_category() {
  static const StackCategory category;
  return category;
}

std::error_code make_error_code(StackError e) { return {int(e), stack_category()}; }

namespace {

tcp::StackConfig with_send_chunks(tcp::StackConfig config, std::shared_ptr<tcp::ChunkPool> pool) {
  config.connection.send_chunks = std::move(pool);
  return config;
}

}  // namespace

Stack::Stack(dev::Device& device, const StackConfig& config, Clock clock)
    : device_(device),
      config_(config),
      clock_(std::move(clock)),
      send_chunks_(std::make_shared<DmaChunkPool>(device.host(), config.send_chunk_bytes, config.send_pool_chunks)),
      table_(with_send_chunks(config.tcp, send_chunks_)) {
  if (!device.up()) throw std::logic_error("Stack: the device is not up");
  if (!clock_) throw std::invalid_argument("Stack: no clock");
  if (config.poll_interval_ns == 0) throw std::invalid_argument("Stack: poll_interval_ns is 0");
}

SocketId Stack::add_socket(const Socket& s) {
  const SocketId id = next_id_++;
  sockets_[id] = s;
  if (s.listener)
    listeners_[s.port] = id;
  else
    by_tuple_[s.tuple] = id;
  return id;
}

void Stack::forget(SocketId id) {
  const auto it = sockets_.find(id);
  if (it == sockets_.end()) return;
  if (it->second.listener)
    listeners_.erase(it->second.port);
  else
    by_tuple_.erase(it->second.tuple);
  sockets_.erase(it);
}

std::error_code Stack::connect(std::uint32_t remote_ip, std::uint16_t remote_port, SocketId& out,
                               std::uint16_t local_port) {
  if (remote_port == 0 || remote_ip == 0) return StackError::kInvalidArgument;
  if (!neighbours_.count(remote_ip)) return StackError::kNoRoute;
  tcp::ConnectionTable::Opened o = table_.connect(config_.local_ip, remote_ip, remote_port, clock_(), local_port);
  if (o.error != tcp::Error::kOk) return from_table(o.error);
  Socket s;
  s.tuple = o.tuple;
  out = add_socket(s);
  apply(std::move(o.actions), ready_);
  device_.tx().doorbell();
  return {};
}

std::error_code Stack::listen(std::uint16_t port, std::uint32_t backlog, SocketId& out) {
  if (const tcp::Error e = table_.listen(config_.local_ip, port, backlog); e != tcp::Error::kOk)
    return from_table(e);
  Socket s;
  s.listener = true;
  s.port = port;
  out = add_socket(s);
  return {};
}

std::error_code Stack::accept(SocketId listener, SocketId& out) {
  const auto it = sockets_.find(listener);
  if (it == sockets_.end()) return StackError::kBadSocket;
  if (!it->second.listener) return StackError::kInvalidArgument;
  const std::optional<tcp::FourTuple> t = table_.accept(it->second.port);
  if (!t) return StackError::kWouldBlock;
  Socket s;
  s.tuple = *t;
  s.nodelay = it->second.nodelay;  // as Linux: the listener's TCP_NODELAY is inherited
  out = add_socket(s);
  if (s.nodelay) apply(table_.set_nodelay(*t, true, clock_()), ready_);
  if (const auto early = before_accept_.find(*t); early != before_accept_.end()) {
    report(out, early->second.events, early->second.error, ready_);
    before_accept_.erase(early);
  }
  return {};
}

std::error_code Stack::shutdown(SocketId socket) {
  const auto it = sockets_.find(socket);
  if (it == sockets_.end()) return StackError::kBadSocket;
  if (it->second.listener) return StackError::kNotConnected;
  if (!table_.find(it->second.tuple)) return StackError::kNotConnected;
  apply(table_.shutdown(it->second.tuple, clock_()), ready_);
  device_.tx().doorbell();
  return {};
}

std::error_code Stack::close(SocketId socket) {
  const auto it = sockets_.find(socket);
  if (it == sockets_.end()) return StackError::kBadSocket;
  if (it->second.listener) return close_listener(socket);
  if (!table_.find(it->second.tuple)) {  // already gone (reset, refused, timed out)
    forget(socket);
    return {};
  }
  it->second.closing = true;
  apply(table_.close(it->second.tuple, clock_()), ready_);
  device_.tx().doorbell();
  return {};
}

// The connections nobody accepted are reset (Linux), the socket goes.
std::error_code Stack::close_listener(SocketId listener) {
  const std::uint16_t port = sockets_.at(listener).port;
  forget(listener);
  for (auto e = before_accept_.begin(); e != before_accept_.end();)
    e = e->first.local_port == port ? before_accept_.erase(e) : std::next(e);
  apply(table_.close_listener(port, clock_()), ready_);
  device_.tx().doorbell();
  return {};
}

std::error_code Stack::set_option(SocketId socket, SocketOption option, int value) {
  const auto it = sockets_.find(socket);
  if (it == sockets_.end()) return StackError::kBadSocket;
  switch (option) {
    case SocketOption::kNoDelay:
      it->second.nodelay = value != 0;
      if (!it->second.listener) {
        apply(table_.set_nodelay(it->second.tuple, value != 0, clock_()), ready_);
        device_.tx().doorbell();
      }
      return {};
  }
  return StackError::kInvalidArgument;
}

std::error_code Stack::get_option(SocketId socket, SocketOption option, int& value) const {
  const auto it = sockets_.find(socket);
  if (it == sockets_.end()) return StackError::kBadSocket;
  switch (option) {
    case SocketOption::kNoDelay:
      value = it->second.nodelay ? 1 : 0;
      return {};
  }
  return StackError::kInvalidArgument;
}

std::error_code Stack::connection_of(SocketId socket, tcp::FourTuple& tuple) const {
  const auto it = sockets_.find(socket);
  if (it == sockets_.end()) return StackError::kBadSocket;
  if (it->second.listener || !table_.find(it->second.tuple)) return StackError::kNotConnected;
  tuple = it->second.tuple;
  return {};
}

std::error_code Stack::send(SocketId socket, wire::ByteSpan data, std::size_t& sent) {
  sent = 0;
  tcp::FourTuple t;
  if (const std::error_code e = connection_of(socket, t)) return e;
  const tcp::Connection& c = *table_.find(t);
  switch (c.state()) {
    case tcp::State::kSynSent:
    case tcp::State::kSynReceived:
      return StackError::kWouldBlock;  // as Linux: not before the handshake completed
    case tcp::State::kEstablished:
    case tcp::State::kCloseWait:
      break;
    default:
      return StackError::kBrokenPipe;
  }
  if (data.empty()) return {};
  tcp::Transfer r = table_.send(t, data, clock_());
  sent = r.octets;
  apply(std::move(r.actions), ready_);
  device_.tx().doorbell();
  return sent == 0 ? std::error_code(StackError::kWouldBlock) : std::error_code();
}

std::error_code Stack::recv(SocketId socket, wire::MutableByteSpan into, std::size_t& got) {
  got = 0;
  tcp::FourTuple t;
  if (const std::error_code e = connection_of(socket, t)) return e;
  if (into.empty()) return {};
  tcp::Transfer r = table_.recv(t, into, clock_());
  got = r.octets;
  apply(std::move(r.actions), ready_);
  device_.tx().doorbell();
  if (got != 0) return {};
  const tcp::Connection* c = table_.find(t);
  switch (c ? c->state() : tcp::State::kClosed) {
    case tcp::State::kCloseWait:
    case tcp::State::kClosing:
    case tcp::State::kLastAck:
    case tcp::State::kTimeWait:
    case tcp::State::kClosed:
      return {};  // the peer's FIN: end of stream
    default:
      return StackError::kWouldBlock;
  }
}

void Stack::report(SocketId id, std::uint32_t bits, std::error_code error, std::vector<PollEvent>& events) {
  for (PollEvent& e : events)
    if (e.socket == id) {
      e.events |= bits;
      if (error) e.error = error;
      return;
    }
  events.push_back(PollEvent{id, bits, error});
}

void Stack::apply(tcp::Actions&& actions, std::vector<PollEvent>& events) {
  for (wire::TxDescriptor& d : actions.send) {
    const auto mac = neighbours_.find(d.ip_dst);
    if (mac == neighbours_.end()) {
      ++counters_.tx_no_neighbour;
      continue;
    }
    d.eth_src = config_.local_mac;
    d.eth_dst = mac->second;
    pending_tx_.push_back(d);
  }
  post_pending();
  for (const tcp::Event& e : actions.events) {
    const auto known = by_tuple_.find(e.tuple);
    if (known == by_tuple_.end()) {
      // A passive connection nobody accepted yet: its listener hears of it.
      const auto l = listeners_.find(e.tuple.local_port);
      if (l == listeners_.end()) continue;
      if (e.kind == tcp::EventKind::kEstablished) {
        report(l->second, ready::kAcceptable, {}, events);
      } else {
        PollEvent& early = before_accept_[e.tuple];
        early.events |= bits_of(e.kind);
        if (error_of(e.kind)) early.error = error_of(e.kind);
      }
      continue;
    }
    const SocketId id = known->second;
    report(id, bits_of(e.kind), error_of(e.kind), events);
    // A closed socket whose connection is gone goes with it; one not
    // closed yet stays (state() says CLOSED) until close().
    if (sockets_.at(id).closing && !table_.find(e.tuple)) forget(id);
  }
}

// Posts what waits, while the TX ring has room. A data segment's payload
// is given by reference, where it lies in its connection's send buffer
// (one or two chunks of DMA memory); the TX entry holds the chunks until
// its completion is reaped. Only the SACK option goes into the slot.
void Stack::post_pending() {
  while (!pending_tx_.empty()) {
    const wire::TxDescriptor& d = pending_tx_.front();
    tcp::SendBuffer::Parts payload;
    if (d.payload_len != 0) {
      const tcp::Connection* c = table_.find(tcp::FourTuple{d.ip_src, d.src_port, d.ip_dst, d.dst_port});
      if (c) payload = c->payload(d);
      if (payload.size() != d.payload_len) {
        ++counters_.tx_payload_gone;
        pending_tx_.pop_front();
        continue;
      }
    }
    if (!post_segment(d, payload)) return;
    pending_tx_.pop_front();
    ++counters_.frames_posted;
  }
}

bool Stack::post_segment(const wire::TxDescriptor& d, const tcp::SendBuffer::Parts& payload) {
  dev::TxQueue& tx = device_.tx();
  std::array<dev::PayloadRef, 2> refs;
  for (std::size_t k = 0; k < payload.count; ++k) {
    const tcp::SendBuffer::Part& part = payload.part[k];
    const auto* chunk = dynamic_cast<const DmaChunk*>(part.chunk.get());
    if (!chunk) {  // not this Stack's DMA memory: copied into the slot
      if (!tx.post(d, payload.part[0].octets(), payload.part[1].octets())) return false;
      counters_.tx_payload_copied += payload.size();
      return true;
    }
    refs[k] = dev::PayloadRef{chunk->device_address() + part.offset, std::uint16_t(part.length), part.chunk};
  }
  const bool posted = payload.count == 0   ? tx.post(d)
                      : payload.count == 1 ? tx.post(d, {refs[0]})
                                           : tx.post(d, {refs[0], refs[1]});
  if (posted) counters_.tx_payload_by_reference += payload.size();
  return posted;
}

void Stack::pump(std::vector<PollEvent>& events) {
  dev::TxQueue& tx = device_.tx();
  for (const dev::TxCompletion& c : tx.reap()) {
    ++counters_.tx_completions;
    if (c.status != wire::dev::ComplStatus::kOk) ++counters_.tx_failed;
  }
  post_pending();
  const tcp::Time now = clock_();
  device_.rx().reap([&](const dev::RxCompletion& c) {
    ++counters_.rx_completions;
    if (c.status != wire::dev::ComplStatus::kOk) {
      ++counters_.rx_failed;
      return;
    }
    // The table judges the parser's verdict (the descriptor's fields; of
    // the header only the option area is read from the frame, for the SACK
    // blocks the parser skips); a payload cut short by the buffer is
    // refused by the connection. The payload is a view of the RX buffer,
    // posted again only after this: the connection copies what it keeps
    // straight into its receive buffer.
    const wire::ByteSpan payload = c.frame.subspan(c.desc.payload_offset, c.desc.payload_len);
    counters_.rx_payload_in_place += payload.size();
    apply(table_.on_segment(c.desc, now, payload, wire::tcp_option_area(c.desc, c.frame)), events);
  });
  if (const auto deadline = table_.next_deadline(); deadline && *deadline <= now)
    apply(table_.on_timer(now), events);
  tx.doorbell();
}

void Stack::idle(tcp::Time end) {
  const tcp::Time now = clock_();
  tcp::Time wake = std::max(end, now);
  if (const auto deadline = table_.next_deadline()) wake = std::min(wake, std::max(*deadline, now));
  std::uint64_t step = std::uint64_t((wake - now).count());
  // A completion handed back late needs another look soon, as does a
  // frame waiting for room: the device may need that room to go on.
  if (!device_.config().interrupts || !pending_tx_.empty() || device_.tx().handback_pending() ||
      device_.rx().handback_pending())
    step = std::min<std::uint64_t>(step, config_.poll_interval_ns);
  device_.wait(std::max<std::uint64_t>(step, 1));
}

std::vector<PollEvent> Stack::poll(std::chrono::nanoseconds timeout) {
  const tcp::Time end = clock_() + timeout;
  std::vector<PollEvent> events;
  events.swap(ready_);
  for (;;) {
    pump(events);
    if (!events.empty() || clock_() >= end) return events;
    idle(end);
  }
}

std::error_code Stack::block(SocketId socket, std::chrono::nanoseconds timeout,
                             const std::function<std::error_code()>& attempt) {
  const tcp::Time end = clock_() + timeout;
  std::vector<PollEvent> seen;
  std::error_code e = attempt();
  while (e == StackError::kWouldBlock) {
    if (clock_() >= end) {
      e = StackError::kWaitTimedOut;
      break;
    }
    idle(end);
    pump(seen);
    e = attempt();
  }
  for (const PollEvent& p : seen) report(p.socket, p.events, p.error, ready_);  // for the next poll()
  // The connection went while waiting: say why, as its event does.
  if (e == StackError::kNotConnected)
    for (const PollEvent& p : ready_)
      if (p.socket == socket && p.error) return p.error;
  return e;
}

std::error_code Stack::connect(std::uint32_t remote_ip, std::uint16_t remote_port, SocketId& out,
                               std::chrono::nanoseconds timeout, std::uint16_t local_port) {
  if (const std::error_code e = connect(remote_ip, remote_port, out, local_port)) return e;
  const SocketId socket = out;
  return block(socket, timeout, [this, socket]() -> std::error_code {
    const tcp::Connection* c = connection(socket);
    if (!c) return StackError::kNotConnected;
    const bool handshaking = c->state() == tcp::State::kSynSent || c->state() == tcp::State::kSynReceived;
    return handshaking ? std::error_code(StackError::kWouldBlock) : std::error_code();
  });
}

std::error_code Stack::accept(SocketId listener, SocketId& out, std::chrono::nanoseconds timeout) {
  return block(listener, timeout, [&] { return accept(listener, out); });
}

std::error_code Stack::send(SocketId socket, wire::ByteSpan data, std::size_t& sent,
                            std::chrono::nanoseconds timeout) {
  sent = 0;
  return block(socket, timeout, [&]() -> std::error_code {
    std::size_t queued = 0;
    const std::error_code e = send(socket, data.subspan(sent), queued);
    sent += queued;
    if (e) return e;
    return sent == data.size() ? std::error_code() : std::error_code(StackError::kWouldBlock);
  });
}

std::error_code Stack::recv(SocketId socket, wire::MutableByteSpan into, std::size_t& got,
                            std::chrono::nanoseconds timeout) {
  return block(socket, timeout, [&] { return recv(socket, into, got); });
}

std::error_code Stack::abort(SocketId socket) {
  const auto it = sockets_.find(socket);
  if (it == sockets_.end()) return StackError::kBadSocket;
  if (it->second.listener) return close(socket);
  if (table_.find(it->second.tuple)) {
    it->second.closing = true;
    apply(table_.abort(it->second.tuple, clock_()), ready_);
    device_.tx().doorbell();
  }
  forget(socket);  // gone at once (apply may have done it)
  return {};
}

std::optional<tcp::State> Stack::state(SocketId socket) const {
  const auto it = sockets_.find(socket);
  if (it == sockets_.end()) return std::nullopt;
  if (it->second.listener) return tcp::State::kListen;
  const tcp::Connection* c = table_.find(it->second.tuple);
  return c ? c->state() : tcp::State::kClosed;
}

const tcp::Connection* Stack::connection(SocketId socket) const {
  const auto it = sockets_.find(socket);
  if (it == sockets_.end() || it->second.listener) return nullptr;
  return table_.find(it->second.tuple);
}

std::optional<tcp::FourTuple> Stack::tuple(SocketId socket) const {
  const auto it = sockets_.find(socket);
  if (it == sockets_.end() || it->second.listener) return std::nullopt;
  return it->second.tuple;
}

}  // namespace tcpoe::driver

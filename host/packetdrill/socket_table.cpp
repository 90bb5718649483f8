#include "socket_table.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>
#include <vector>

namespace tcpoe::packetdrill {

namespace {

namespace drv = tcpoe::driver;
using drv::StackError;
using drv::tcp::State;

// -1 with errno `e`; with a reason on stderr when there is one to give.
int fail(int e, const char* call = nullptr, const std::string& why = "") {
  if (call) std::fprintf(stderr, "tcpoe_packetdrill: %s: %s\n", call, why.c_str());
  errno = e;
  return -1;
}

int errno_of(const std::error_code& e) {
  if (!e) return 0;
  if (e.category() != drv::stack_category()) return EIO;
  switch (StackError(e.value())) {
    case StackError::kConnectionRefused: return ECONNREFUSED;
    case StackError::kTimedOut: return ETIMEDOUT;
    case StackError::kConnectionReset: return ECONNRESET;
    case StackError::kAddressInUse: return EADDRINUSE;
    case StackError::kAddressNotAvailable: return EADDRNOTAVAIL;
    case StackError::kInvalidArgument: return EINVAL;
    case StackError::kWouldBlock: return EAGAIN;
    case StackError::kNotConnected: return ENOTCONN;
    case StackError::kBadSocket: return EBADF;
    case StackError::kNoRoute: return EHOSTUNREACH;
    case StackError::kBrokenPipe: return EPIPE;
    case StackError::kWaitTimedOut: return EAGAIN;  // as Linux after SO_RCVTIMEO/SO_SNDTIMEO
  }
  return EIO;
}

bool connecting(std::optional<State> s) { return s == State::kSynSent || s == State::kSynReceived; }

// An IPv4 socket address, or the errno that refuses it.
int ipv4_of(const sockaddr* addr, socklen_t len, sockaddr_in& out) {
  if (!addr || len < socklen_t(sizeof(sockaddr_in))) return EINVAL;
  if (addr->sa_family != AF_INET) return EAFNOSUPPORT;
  std::memcpy(&out, addr, sizeof out);
  return 0;
}

}  // namespace

SocketTable::Socket* SocketTable::find(int fd) {
  const auto it = sockets_.find(fd);
  return it == sockets_.end() ? nullptr : &it->second;
}

int SocketTable::add(const Socket& s) {
  // The number is a real descriptor of the process (of /dev/null), so it is
  // the one Linux would give, and packetdrill, which closes its sockets'
  // descriptors itself when a script ends, closes a descriptor that exists.
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;  // errno says why (EMFILE)
  sockets_[fd] = s;
  return fd;
}

void SocketTable::take_events(Socket& s) {
  if (!s.id) return;
  if (const drv::PollEvent* e = host_.events(s.id)) {
    // Linux reports a reset after the peer's FIN as EPIPE (tcp_reset()).
    if (e->error)
      s.pending_error = e->error == drv::make_error_code(StackError::kConnectionReset) &&
                                ((s.seen | e->events) & drv::ready::kPeerClosed)
                            ? EPIPE
                            : errno_of(e->error);
    s.seen |= e->events;
    host_.forget_events(s.id);
  }
}

void SocketTable::take_acceptable(Socket& s) {
  take_events(s);
  host_.run([&](drv::Stack& stack) {
    drv::SocketId id = 0;
    while (!stack.accept(s.id, id)) s.accepted.push_back(id);
  });
}

int SocketTable::fail_with_pending_error(Socket& s) {
  const int e = s.pending_error;
  s.pending_error = 0;  // reported once, as SO_ERROR is
  return fail(e);
}

bool SocketTable::block(const char* call, const std::function<bool()>& ready) {
  if (wait_(wait_limit_, ready)) return true;
  fail(ETIMEDOUT, call,
       "blocked for " + std::to_string(wait_limit_.count() / 1'000'000'000) +
           " s of simulated time (wait_limit) without an answer: given up");
  return false;
}

int SocketTable::socket(int domain, int type, int protocol) {
  if (domain != AF_INET) return fail(EAFNOSUPPORT, "socket", "only AF_INET (IPv4) sockets");
  const int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
  if ((type & ~flags) != SOCK_STREAM) return fail(EPROTONOSUPPORT, "socket", "only SOCK_STREAM sockets");
  if (protocol != 0 && protocol != IPPROTO_TCP) return fail(EPROTONOSUPPORT, "socket", "only TCP");
  Socket s;
  s.nonblocking = flags & SOCK_NONBLOCK;
  return add(s);
}

int SocketTable::bind(int fd, const sockaddr* addr, socklen_t len) {
  Socket* s = find(fd);
  if (!s) return fail(EBADF);
  sockaddr_in a{};
  if (const int e = ipv4_of(addr, len, a)) return fail(e);
  if (s->kind != Kind::kNew || s->bound_port) return fail(EINVAL);
  const uint32_t ip = ntohl(a.sin_addr.s_addr);
  if (ip != INADDR_ANY && ip != host_.config().stack.local_ip)
    return fail(EADDRNOTAVAIL, "bind", "the simulated host has one address (so_flags local_ip)");
  const uint16_t port = ntohs(a.sin_port);
  for (const auto& [other_fd, other] : sockets_)
    if (port && other.bound_port == port && other.kind == Kind::kListener) return fail(EADDRINUSE);
  s->bound_port = port;
  return 0;
}

int SocketTable::listen(int fd, int backlog) {
  Socket* s = find(fd);
  if (!s) return fail(EBADF);
  if (s->kind == Kind::kListener) return 0;  // Linux lets a listener listen again
  if (s->kind != Kind::kNew) return fail(EINVAL);
  if (!s->bound_port) return fail(EOPNOTSUPP, "listen", "listening without bind() (an ephemeral port)");
  std::error_code e;
  host_.run([&](drv::Stack& stack) { e = stack.listen(s->bound_port, uint32_t(std::max(backlog, 1)), s->id); });
  if (e) return fail(errno_of(e));
  s->kind = Kind::kListener;
  apply_no_delay(*s);  // what it accepts inherits it (as Linux)
  return 0;
}

void SocketTable::apply_no_delay(const Socket& s) {
  if (!s.id) return;
  host_.run([&](drv::Stack& stack) { stack.set_option(s.id, drv::SocketOption::kNoDelay, s.no_delay); });
}

int SocketTable::accept(int fd, sockaddr* addr, socklen_t* len) {
  Socket* s = find(fd);
  if (!s) return fail(EBADF);
  if (s->kind != Kind::kListener) return fail(EINVAL);
  take_acceptable(*s);
  if (s->accepted.empty()) {
    if (s->nonblocking) return fail(EAGAIN);
    const drv::SocketId listener = s->id;
    if (!block("accept", [&] {
          const drv::PollEvent* e = host_.events(listener);
          return e && (e->events & drv::ready::kAcceptable);
        }))
      return -1;
    take_acceptable(*s);
    if (s->accepted.empty()) return fail(EAGAIN);
  }
  Socket c;
  c.kind = Kind::kConnection;
  c.no_delay = s->no_delay;  // the Stack's socket has it from its listener
  c.id = s->accepted.front();
  s->accepted.pop_front();
  std::optional<drv::tcp::FourTuple> t;
  host_.run([&](drv::Stack& stack) { t = stack.tuple(c.id); });
  if (addr && len && t) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(t->remote_port);
    a.sin_addr.s_addr = htonl(t->remote_ip);
    std::memcpy(addr, &a, std::min<std::size_t>(*len, sizeof a));
    *len = sizeof a;
  }
  return add(c);
}

int SocketTable::connect(int fd, const sockaddr* addr, socklen_t len) {
  Socket* s = find(fd);
  if (!s) return fail(EBADF);
  sockaddr_in a{};
  if (const int e = ipv4_of(addr, len, a)) return fail(e);
  if (s->kind == Kind::kListener) return fail(EINVAL);
  if (s->kind == Kind::kConnection) {
    take_events(*s);
    if (s->pending_error) return fail_with_pending_error(*s);
    std::optional<State> st;
    host_.run([&](drv::Stack& stack) { st = stack.state(s->id); });
    return fail(connecting(st) ? EALREADY : EISCONN);
  }
  const uint32_t ip = ntohl(a.sin_addr.s_addr);
  std::error_code e;
  host_.run([&](drv::Stack& stack) {
    stack.add_neighbour(ip, host_.config().peer_mac);
    e = stack.connect(ip, ntohs(a.sin_port), s->id, s->bound_port);
  });
  if (e) return fail(errno_of(e));
  s->kind = Kind::kConnection;
  if (s->no_delay) apply_no_delay(*s);
  if (s->nonblocking) return fail(EINPROGRESS);
  const drv::SocketId id = s->id;
  if (!block("connect", [&] {
        const drv::PollEvent* ev = host_.events(id);
        return ev && (ev->events & (drv::ready::kConnected | drv::ready::kError | drv::ready::kClosed));
      }))
    return -1;
  take_events(*s);
  if (s->pending_error) return fail_with_pending_error(*s);
  return 0;
}

ssize_t SocketTable::read(int fd, void* buf, std::size_t count) {
  Socket* s = find(fd);
  if (!s) return fail(EBADF);
  if (s->kind != Kind::kConnection) return fail(ENOTCONN);
  if (count && !buf) return fail(EFAULT);
  for (;;) {
    take_events(*s);
    if (s->pending_error) return fail_with_pending_error(*s);
    if (count == 0) return 0;
    std::error_code e;
    std::size_t got = 0;
    host_.run([&](drv::Stack& stack) {
      e = stack.recv(s->id, wire::MutableByteSpan(static_cast<uint8_t*>(buf), count), got);
    });
    if (got) return ssize_t(got);  // after SHUT_RD too: Linux still takes and gives the peer's data
    if (!e || s->shut_read) return 0;  // the peer's FIN (end of its stream), or SHUT_RD
    if (e != drv::make_error_code(StackError::kWouldBlock)) {
      take_events(*s);  // the error that ended the connection, if it is news
      if (s->pending_error) return fail_with_pending_error(*s);
      if (s->seen & drv::ready::kClosed) return 0;  // gone, its error already reported
      return fail(errno_of(e));
    }
    if (s->nonblocking) return fail(EAGAIN);
    const drv::SocketId id = s->id;
    if (!block("read", [&] { return host_.events(id) != nullptr; })) return -1;
  }
}

ssize_t SocketTable::write(int fd, const void* buf, std::size_t count) {
  Socket* s = find(fd);
  if (!s) return fail(EBADF);
  if (s->kind != Kind::kConnection) return fail(EPIPE);  // Linux: an unconnected TCP socket
  if (count && !buf) return fail(EFAULT);
  const auto* bytes = static_cast<const uint8_t*>(buf);
  std::size_t total = 0;  // a blocking write queues all of it (as Linux), waiting for room
  for (;;) {
    take_events(*s);
    if (s->pending_error) return total ? ssize_t(total) : fail_with_pending_error(*s);
    if (s->shut_write || (s->seen & drv::ready::kClosed)) return total ? ssize_t(total) : fail(EPIPE);
    std::error_code e;
    std::size_t sent = 0;
    host_.run([&](drv::Stack& stack) {
      e = stack.send(s->id, wire::ByteSpan(bytes + total, count - total), sent);
    });
    total += sent;
    if (!e && total == count) return ssize_t(total);
    if (e && e != drv::make_error_code(StackError::kWouldBlock))
      return total ? ssize_t(total) : fail(errno_of(e));
    if (s->nonblocking) return total ? ssize_t(total) : fail(EAGAIN);
    const drv::SocketId id = s->id;
    if (!block("write", [&] { return host_.events(id) != nullptr; })) return total ? ssize_t(total) : -1;
  }
}

ssize_t SocketTable::readv(int fd, const iovec* iov, int count) {
  if (count < 0 || (count && !iov)) return fail(EINVAL);
  std::size_t size = 0;
  for (int i = 0; i < count; ++i) size += iov[i].iov_len;
  std::vector<uint8_t> buffer(size);
  const ssize_t got = read(fd, buffer.data(), size);
  std::size_t at = 0;
  for (int i = 0; got > 0 && i < count && at < std::size_t(got); ++i) {
    const std::size_t n = std::min(iov[i].iov_len, std::size_t(got) - at);
    std::memcpy(iov[i].iov_base, buffer.data() + at, n);
    at += n;
  }
  return got;
}

ssize_t SocketTable::writev(int fd, const iovec* iov, int count) {
  if (count < 0 || (count && !iov)) return fail(EINVAL);
  std::vector<uint8_t> buffer;
  for (int i = 0; i < count; ++i) {
    const auto* base = static_cast<const uint8_t*>(iov[i].iov_base);
    buffer.insert(buffer.end(), base, base + iov[i].iov_len);
  }
  return write(fd, buffer.data(), buffer.size());
}

int SocketTable::close(int fd) {
  Socket* s = find(fd);
  if (!s) return fail(EBADF);
  host_.run([&](drv::Stack& stack) {
    for (const drv::SocketId c : s->accepted) stack.abort(c);  // never accepted: reset (as Linux)
    if (s->id && s->linger_abort)
      stack.abort(s->id);
    else if (s->id)
      stack.close(s->id);
  });
  for (const drv::SocketId c : s->accepted) host_.forget_events(c);
  if (s->id) host_.forget_events(s->id);
  sockets_.erase(fd);
  return ::close(fd);
}

int SocketTable::shutdown(int fd, int how) {
  Socket* s = find(fd);
  if (!s) return fail(EBADF);
  if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) return fail(EINVAL);
  if (s->kind != Kind::kConnection) return fail(ENOTCONN);
  if (how != SHUT_WR) s->shut_read = true;  // sends nothing (as Linux)
  if (how == SHUT_RD || s->shut_write) return 0;
  std::error_code e;
  host_.run([&](drv::Stack& stack) { e = stack.shutdown(s->id); });
  if (e) return fail(errno_of(e));
  s->shut_write = true;
  return 0;
}

int SocketTable::getsockopt(int fd, int level, int name, void* value, socklen_t* len) {
  Socket* s = find(fd);
  if (!s) return fail(EBADF);
  if (!value || !len || *len < socklen_t(sizeof(int))) return fail(EINVAL);
  int v = 0;
  if (level == SOL_SOCKET && name == SO_ERROR) {
    take_events(*s);
    v = s->pending_error;
    s->pending_error = 0;
  } else if (level == SOL_SOCKET && name == SO_TYPE) {
    v = SOCK_STREAM;
  } else if (level == SOL_SOCKET && name == SO_REUSEADDR) {
    v = s->reuse_address;
  } else if (level == IPPROTO_TCP && name == TCP_NODELAY) {
    v = s->no_delay;
  } else {
    return fail(ENOPROTOOPT, "getsockopt",
                "level " + std::to_string(level) + " option " + std::to_string(name) +
                    " is not supported (SO_ERROR, SO_TYPE, SO_REUSEADDR, TCP_NODELAY are)");
  }
  std::memcpy(value, &v, sizeof v);
  *len = sizeof v;
  return 0;
}

int SocketTable::setsockopt(int fd, int level, int name, const void* value, socklen_t len) {
  Socket* s = find(fd);
  if (!s) return fail(EBADF);
  if (!value || len < socklen_t(sizeof(int))) return fail(EINVAL);
  int v = 0;
  std::memcpy(&v, value, sizeof v);
  if (level == SOL_SOCKET && name == SO_REUSEADDR) {
    s->reuse_address = v != 0;
  } else if (level == IPPROTO_TCP && name == TCP_NODELAY) {
    s->no_delay = v != 0;
    apply_no_delay(*s);  // at once: what Nagle held back goes (as Linux)
  } else if (level == SOL_SOCKET && name == SO_LINGER) {
    if (len < socklen_t(sizeof(linger))) return fail(EINVAL);
    linger l{};
    std::memcpy(&l, value, sizeof l);
    if (l.l_onoff && l.l_linger != 0)
      return fail(EOPNOTSUPP, "setsockopt",
                  "SO_LINGER with a time: a close() that waits is not supported ({0, _} and {1, 0} are)");
    s->linger_abort = l.l_onoff != 0;
  } else {
    return fail(ENOPROTOOPT, "setsockopt",
                "level " + std::to_string(level) + " option " + std::to_string(name) +
                    " is not supported (SO_REUSEADDR, SO_LINGER {1, 0} and TCP_NODELAY are)");
  }
  return 0;
}

int SocketTable::fcntl(int fd, int cmd, long arg) {
  Socket* s = find(fd);
  if (!s) return fail(EBADF);
  if (cmd == F_GETFL) return O_RDWR | (s->nonblocking ? O_NONBLOCK : 0);
  if (cmd == F_SETFL) {
    if (arg & ~long(O_NONBLOCK | O_ACCMODE))
      return fail(EOPNOTSUPP, "fcntl", "F_SETFL: only O_NONBLOCK is supported");
    s->nonblocking = arg & O_NONBLOCK;
    return 0;
  }
  return fail(EOPNOTSUPP, "fcntl", "command " + std::to_string(cmd) + " (F_GETFL and F_SETFL are supported)");
}

short SocketTable::poll_bits(Socket& s) {
  switch (s.kind) {
    case Kind::kNew:  // Linux: a socket in CLOSE is hung up, and writable
      return POLLOUT | POLLWRNORM | POLLHUP;
    case Kind::kListener:
      take_acceptable(s);
      return s.accepted.empty() ? 0 : POLLIN | POLLRDNORM;
    case Kind::kConnection:
      break;
  }
  take_events(s);
  std::optional<State> st;
  std::size_t readable = 0, send_space = 0;
  host_.run([&](drv::Stack& stack) {
    st = stack.state(s.id);
    if (const drv::tcp::Connection* c = stack.connection(s.id)) {
      readable = c->readable();
      send_space = c->send_space();
    }
  });
  const bool closed = (s.seen & drv::ready::kClosed) || !st || *st == State::kClosed;
  const bool read_shut = closed || (s.seen & drv::ready::kPeerClosed);
  const bool write_shut = closed || s.shut_write;
  short bits = 0;
  if (s.pending_error) bits |= POLLERR;
  if (read_shut && write_shut) bits |= POLLHUP;
  if (read_shut) bits |= POLLRDHUP;
  if (read_shut || readable) bits |= POLLIN | POLLRDNORM;
  // Writable when the send buffer has room, or writing fails at once.
  if (!connecting(st) && (write_shut || send_space)) bits |= POLLOUT | POLLWRNORM;
  return bits;
}

int SocketTable::poll(pollfd* fds, nfds_t n, int timeout_ms) {
  if (n && !fds) return fail(EFAULT);
  const auto look = [&] {
    int ready = 0;
    for (nfds_t i = 0; i < n; ++i) {
      Socket* s = find(fds[i].fd);
      fds[i].revents = s ? short(poll_bits(*s) & (fds[i].events | POLLERR | POLLHUP)) : short(POLLNVAL);
      ready += fds[i].revents != 0;
    }
    return ready;
  };
  int ready = look();
  if (ready || timeout_ms == 0) return ready;
  std::vector<drv::SocketId> ids;
  for (nfds_t i = 0; i < n; ++i)
    if (Socket* s = find(fds[i].fd); s && s->id) ids.push_back(s->id);
  const auto news = [&] {
    for (const drv::SocketId id : ids)
      if (host_.events(id)) return true;
    return false;
  };
  const Nanos limit = timeout_ms < 0 ? wait_limit_ : Nanos(int64_t(timeout_ms) * 1'000'000);
  const Nanos end = host_.now() + limit;
  while (!ready && host_.now() < end) {
    wait_(end - host_.now(), news);
    ready = look();
  }
  if (!ready && timeout_ms < 0) {
    fail(ETIMEDOUT, "poll", "nothing happened in wait_limit of simulated time: given up");
    return -1;
  }
  return ready;
}

}  // namespace tcpoe::packetdrill

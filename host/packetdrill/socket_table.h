// packetdrill's socket calls on the Stack: file descriptors (from 3, the
// lowest free one, as Linux gives them) for the Stack's sockets, with what
// a Linux socket keeps beside its connection (O_NONBLOCK, the pending
// SO_ERROR, the options scripts set, a bound port), and Linux's answers
// (errno values, poll() bits as tcp_poll() gives them).
//
// Each call returns what the system call would: a value, or -1 with errno.
// What is not supported fails with ENOSYS (a whole call) or EOPNOTSUPP (an
// option, a flag) and says so on stderr: never a silent success. read() and
// write() go through the Stack's recv() and send(): a non-blocking socket
// gets what fits (or EAGAIN), a blocking one waits in simulated time (read:
// for some data or the end of the stream; write: until all is queued).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "simulated_host.h"

namespace tcpoe::packetdrill {

class SocketTable {
 public:
  // Lets simulated time pass, at most `limit`, until `ready` holds (asked
  // after each round of the host); true when it held. The caller decides
  // who drives the simulation meanwhile (packetdrill_so.cpp: this thread, or
  // packetdrill's main thread when the call is one the script runs in its
  // blocking-call thread).
  using Waiter = std::function<bool(Nanos limit, const std::function<bool()>& ready)>;

  // `wait_limit`: the most simulated time a blocking call waits (then it
  // fails with ETIMEDOUT and says so).
  SocketTable(SimulatedHost& host, Nanos wait_limit, Waiter wait)
      : host_(host), wait_limit_(wait_limit), wait_(std::move(wait)) {}

  int socket(int domain, int type, int protocol);
  int bind(int fd, const sockaddr* addr, socklen_t len);
  int listen(int fd, int backlog);
  int accept(int fd, sockaddr* addr, socklen_t* len);
  int connect(int fd, const sockaddr* addr, socklen_t len);
  ssize_t read(int fd, void* buf, std::size_t count);
  ssize_t write(int fd, const void* buf, std::size_t count);
  ssize_t readv(int fd, const iovec* iov, int count);   // through one buffer
  ssize_t writev(int fd, const iovec* iov, int count);  // gathered into one buffer
  int close(int fd);
  int shutdown(int fd, int how);
  int getsockopt(int fd, int level, int name, void* value, socklen_t* len);
  int setsockopt(int fd, int level, int name, const void* value, socklen_t len);
  int fcntl(int fd, int cmd, long arg);
  int poll(pollfd* fds, nfds_t n, int timeout_ms);

 private:
  enum class Kind { kNew, kListener, kConnection };
  struct Socket {
    Kind kind = Kind::kNew;
    bool nonblocking = false;
    uint16_t bound_port = 0;
    driver::SocketId id = 0;  // the Stack's socket, once listening or connecting
    bool shut_write = false;  // shutdown(SHUT_WR) or close
    bool shut_read = false;   // shutdown(SHUT_RD): read() gives end-of-stream
    int pending_error = 0;    // SO_ERROR, reported once
    uint32_t seen = 0;        // the Stack's ready bits taken in so far
    bool reuse_address = false, no_delay = false;
    bool linger_abort = false;  // SO_LINGER {1, 0}: close() resets
    std::deque<driver::SocketId> accepted;  // a listener's connections taken from the Stack ahead of accept()
  };

  Socket* find(int fd);
  // The Stack's news of a socket: ready bits, and an error as SO_ERROR.
  void take_events(Socket& s);
  // Connections the Stack has ready for a listener, taken ahead of accept().
  void take_acceptable(Socket& s);
  short poll_bits(Socket& s);  // as Linux's tcp_poll()
  int fail_with_pending_error(Socket& s);  // -1, errno the pending error (then cleared)
  // Lets simulated time pass until `ready` or wait_limit_; false (errno
  // ETIMEDOUT and a message) when it never came.
  bool block(const char* call, const std::function<bool()>& ready);
  int add(const Socket& s);
  // TCP_NODELAY on the Stack's socket, once there is one.
  void apply_no_delay(const Socket& s);

  SimulatedHost& host_;
  Nanos wait_limit_;
  Waiter wait_;
  std::map<int, Socket> sockets_;
};

}  // namespace tcpoe::packetdrill

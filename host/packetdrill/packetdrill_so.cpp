// libtcpoe_packetdrill.so: packetdrill's shared-object interface
// (packetdrill_interface.h) on one simulated host (simulated_host.h) and
// its socket table (socket_table.h). Time is the simulation's: usleep()
// lets simulated time pass, gettimeofday() reads it (plus a fixed epoch),
// netdev_receive() stamps each packet with the time it left the device.
//
// --so_flags: space- or comma-separated, each optional:
//   local_ip=A.B.C.D   the host's address (192.168.0.1; give packetdrill the
//                      same --local_ip, its default is a random one)
//   data_width=64|512  the device's data path (64)
//   irq=msix|poll      completions by MSI-X interrupt or by polling (msix)
//   pcap=PATH          the wire's capture
//   wait_limit=S       the most simulated seconds a blocking call, or
//                      netdev_receive, waits (200)
//   verbose            the host's counters on stderr at the end
#include <arpa/inet.h>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <sstream>
#include <string>

#include <systemc>

#include "packetdrill_interface.h"
#include "simulated_host.h"
#include "socket_table.h"

namespace tcpoe::packetdrill {

namespace {

constexpr int64_t kEpochSeconds = 1'700'000'000;  // gettimeofday's time at simulated time 0
constexpr auto kClockReadCost = std::chrono::microseconds(1);

struct Options {
  SimulatedHostConfig host;
  Nanos wait_limit = std::chrono::seconds(200);
  bool verbose = false;
};

[[noreturn]] void refuse_flags(const std::string& why) {
  std::fprintf(stderr, "tcpoe_packetdrill: --so_flags: %s\n", why.c_str());
  std::exit(2);
}

Options parse_flags(const char* flags) {
  Options o;
  o.host.stack.local_ip = 0xc0a80001;  // 192.168.0.1
  o.host.stack.local_mac = {0x02, 0, 0, 0, 0, 0x01};
  std::string text = flags ? flags : "";
  for (char& c : text)
    if (c == ',') c = ' ';
  std::istringstream in(text);
  for (std::string item; in >> item;) {
    const std::size_t eq = item.find('=');
    const std::string key = item.substr(0, eq), value = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (key == "verbose" && eq == std::string::npos) {
      o.verbose = true;
    } else if (key == "local_ip") {
      in_addr a{};
      if (inet_pton(AF_INET, value.c_str(), &a) != 1) refuse_flags("local_ip=" + value + " is not an IPv4 address");
      o.host.stack.local_ip = ntohl(a.s_addr);
    } else if (key == "data_width") {
      if (value != "64" && value != "512") refuse_flags("data_width must be 64 or 512, not '" + value + "'");
      o.host.data_width = std::stoi(value);
    } else if (key == "irq") {
      if (value != "msix" && value != "poll") refuse_flags("irq must be msix or poll, not '" + value + "'");
      o.host.interrupts = value == "msix";
    } else if (key == "pcap" && !value.empty()) {
      o.host.pcap_path = value;
    } else if (key == "wait_limit") {
      char* end = nullptr;
      const double s = std::strtod(value.c_str(), &end);
      if (value.empty() || *end || !(s > 0 && s <= 3600))
        refuse_flags("wait_limit must be a number of seconds in (0, 3600], not '" + value + "'");
      o.wait_limit = Nanos(int64_t(s * 1e9));
    } else {
      refuse_flags("unknown flag '" + item +
                   "' (local_ip=, data_width=, irq=, pcap=, wait_limit=, verbose)");
    }
  }
  return o;
}

// packetdrill calls from two threads: its main one, and for a call the
// script expects to block (`+0...0.1 accept(...)`) one that makes it while
// the main thread goes on injecting and sniffing packets. One call at a
// time runs here (mutex); a blocking call waits for the main thread's calls
// to drive the simulation (condition variable), or drives it itself when
// it is on the main thread or nobody else calls for a while.
constexpr auto kIdleBeforeDriving = std::chrono::milliseconds(500);  // wall-clock

struct Instance {
  Options options;
  SimulatedHost host;
  SocketTable sockets;
  bool clock_read_last = false;  // the previous call was gettimeofday
  Nanos clock_read_at{-1};
  std::mutex mutex;
  std::condition_variable progress;  // a call finished
  uint64_t calls = 0;
  const std::thread::id main_thread = std::this_thread::get_id();

  explicit Instance(const Options& o)
      : options(o), host(o.host), sockets(host, o.wait_limit, [this](Nanos limit, const std::function<bool()>& ready) {
          return wait_for(limit, ready);
        }) {}

  // Called with `mutex` held (inside a call).
  bool wait_for(Nanos limit, const std::function<bool()>& ready) {
    const Nanos end = host.now() + limit;
    std::unique_lock<std::mutex> lock(mutex, std::adopt_lock);
    bool met = false;
    for (;;) {
      if (ready()) {
        met = true;
        break;
      }
      if (host.now() >= end) break;
      const uint64_t before = calls;
      if (std::this_thread::get_id() != main_thread) progress.wait_for(lock, kIdleBeforeDriving);
      if (calls == before) host.advance(end - host.now(), ready);
    }
    lock.release();  // still held: the call's Guard lets it go
    return met;
  }
};

// One call: the instance to itself, and the others told when it is done.
class Guard {
 public:
  explicit Guard(void* userdata, bool clock_read = false)
      : i_(*static_cast<Instance*>(userdata)), lock_(i_.mutex) {
    if (!clock_read) i_.clock_read_last = false;  // the next clock read is not a spin
  }
  ~Guard() {
    ++i_.calls;
    lock_.unlock();
    i_.progress.notify_all();
  }
  Instance* operator->() { return &i_; }
  Instance& operator*() { return i_; }

 private:
  Instance& i_;
  std::unique_lock<std::mutex> lock_;
};

int unsupported(const char* call) {
  std::fprintf(stderr, "tcpoe_packetdrill: %s() is not supported\n", call);
  errno = ENOSYS;
  return -1;
}

int no_flags(const char* call, int flags) {
  std::fprintf(stderr, "tcpoe_packetdrill: %s(): flags 0x%x are not supported\n", call, unsigned(flags));
  errno = EOPNOTSUPP;
  return -1;
}

void pd_free(void* userdata) {
  Guard g(userdata);
  Instance& i = *g;
  if (i.options.verbose)
    std::fprintf(stderr, "tcpoe_packetdrill: at %.6f s simulated: %s\n", i.host.now().count() / 1e9,
                 i.host.counters_text().c_str());
  // The simulation is not torn down: SystemC's modules live until the
  // process ends, which packetdrill does right after this call.
}

int pd_socket(void* u, int domain, int type, int protocol) { return Guard(u)->sockets.socket(domain, type, protocol); }
int pd_bind(void* u, int fd, const sockaddr* a, socklen_t l) { return Guard(u)->sockets.bind(fd, a, l); }
int pd_listen(void* u, int fd, int backlog) { return Guard(u)->sockets.listen(fd, backlog); }
int pd_accept(void* u, int fd, sockaddr* a, socklen_t* l) { return Guard(u)->sockets.accept(fd, a, l); }
int pd_connect(void* u, int fd, const sockaddr* a, socklen_t l) { return Guard(u)->sockets.connect(fd, a, l); }
ssize_t pd_read(void* u, int fd, void* buf, size_t count) { return Guard(u)->sockets.read(fd, buf, count); }
ssize_t pd_recv(void* u, int fd, void* buf, size_t len, int flags) {
  return flags ? no_flags("recv", flags) : Guard(u)->sockets.read(fd, buf, len);
}
ssize_t pd_recvfrom(void* u, int fd, void* buf, size_t len, int flags, sockaddr*, socklen_t* l) {
  if (l) *l = 0;  // TCP: no source address
  return flags ? no_flags("recvfrom", flags) : Guard(u)->sockets.read(fd, buf, len);
}
ssize_t pd_write(void* u, int fd, const void* buf, size_t count) { return Guard(u)->sockets.write(fd, buf, count); }
ssize_t pd_send(void* u, int fd, const void* buf, size_t len, int flags) {
  return flags ? no_flags("send", flags) : Guard(u)->sockets.write(fd, buf, len);
}
ssize_t pd_sendto(void* u, int fd, const void* buf, size_t len, int flags, const sockaddr*, socklen_t) {
  return flags ? no_flags("sendto", flags) : Guard(u)->sockets.write(fd, buf, len);
}
ssize_t pd_readv(void* u, int fd, const iovec* iov, int n) { return Guard(u)->sockets.readv(fd, iov, n); }
ssize_t pd_recvmsg(void* u, int, msghdr*, int) { return (Guard(u), unsupported("recvmsg")); }
ssize_t pd_writev(void* u, int fd, const iovec* iov, int n) { return Guard(u)->sockets.writev(fd, iov, n); }
ssize_t pd_sendmsg(void* u, int, const msghdr*, int) { return (Guard(u), unsupported("sendmsg")); }
int pd_fcntl(void* u, int fd, int cmd, ...) {
  va_list args;
  va_start(args, cmd);
  const long arg = cmd == F_SETFL ? long(va_arg(args, int)) : 0;
  va_end(args);
  return Guard(u)->sockets.fcntl(fd, cmd, arg);
}
int pd_ioctl(void* u, int, unsigned long, ...) { return (Guard(u), unsupported("ioctl")); }
int pd_close(void* u, int fd) { return Guard(u)->sockets.close(fd); }
int pd_shutdown(void* u, int fd, int how) { return Guard(u)->sockets.shutdown(fd, how); }
int pd_getsockopt(void* u, int fd, int level, int name, void* v, socklen_t* l) {
  return Guard(u)->sockets.getsockopt(fd, level, name, v, l);
}
int pd_setsockopt(void* u, int fd, int level, int name, const void* v, socklen_t l) {
  return Guard(u)->sockets.setsockopt(fd, level, name, v, l);
}
int pd_poll(void* u, pollfd* fds, nfds_t n, int timeout) { return Guard(u)->sockets.poll(fds, n, timeout); }

int pd_netdev_send(void* u, const void* buf, size_t count) {
  Guard g(u);
  std::string why;
  if (g->host.send_ip_packet(static_cast<const uint8_t*>(buf), count, why)) return 0;
  std::fprintf(stderr, "tcpoe_packetdrill: netdev_send: %s\n", why.c_str());
  errno = EAFNOSUPPORT;
  return -1;
}

int pd_netdev_receive(void* u, void* buf, size_t* count, long long* time_usecs) {
  Guard g(u);
  Instance& i = *g;
  const std::optional<OutPacket> p = i.host.next_packet(i.options.wait_limit);
  if (!p) {
    // packetdrill's shared-object mode waits for as long as this takes: say
    // why the script stops here instead of hanging.
    std::fprintf(stderr,
                 "tcpoe_packetdrill: netdev_receive: no packet left the device in %lld s of simulated "
                 "time (wait_limit), at %.6f s\n",
                 (long long)(i.options.wait_limit.count() / 1'000'000'000), i.host.now().count() / 1e9);
    std::exit(EXIT_FAILURE);
  }
  if (p->ip.size() > *count) {
    std::fprintf(stderr, "tcpoe_packetdrill: netdev_receive: a %zu-octet packet for a %zu-octet buffer\n",
                 p->ip.size(), *count);
    errno = EMSGSIZE;
    return -1;
  }
  std::memcpy(buf, p->ip.data(), p->ip.size());
  *count = p->ip.size();
  *time_usecs = kEpochSeconds * 1'000'000 + p->time.count() / 1000;
  return 0;
}

int pd_usleep(void* u, useconds_t usec) {
  Guard(u)->host.advance(std::chrono::microseconds(usec));
  return 0;
}

// packetdrill spins on the clock for the last microseconds before an
// event: a read right after a read finding the same time costs a
// microsecond of simulated time, so the spin ends.
int pd_gettimeofday(void* u, struct timeval* tv, struct timezone*) {
  Guard g(u, true);
  Instance& i = *g;
  if (i.clock_read_last && i.host.now() == i.clock_read_at) i.host.advance(kClockReadCost);
  i.clock_read_last = true;
  i.clock_read_at = i.host.now();
  const int64_t us = i.clock_read_at.count() / 1000;
  tv->tv_sec = time_t(kEpochSeconds + us / 1'000'000);
  tv->tv_usec = suseconds_t(us % 1'000'000);
  return 0;
}

int pd_epoll_create(void* u, int) { return (Guard(u), unsupported("epoll_create")); }
int pd_epoll_ctl(void* u, int, int, int, epoll_event*) { return (Guard(u), unsupported("epoll_ctl")); }
int pd_epoll_wait(void* u, int, epoll_event*, int, int) { return (Guard(u), unsupported("epoll_wait")); }
int pd_pipe(void* u, int*) { return (Guard(u), unsupported("pipe")); }
int pd_splice(void* u, int, loff_t*, int, loff_t*, size_t, unsigned) { return (Guard(u), unsupported("splice")); }

}  // namespace

}  // namespace tcpoe::packetdrill

extern "C" __attribute__((visibility("default"))) void packetdrill_interface_init(const char* flags,
                                                                               packetdrill_interface* ifc) {
  using namespace tcpoe::packetdrill;
  const Options options = parse_flags(flags);
  Instance* instance = nullptr;
  try {
    instance = new Instance(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tcpoe_packetdrill: %s\n", e.what());
    std::exit(EXIT_FAILURE);
  }
  *ifc = packetdrill_interface{};
  ifc->userdata = instance;
  ifc->free = pd_free;
  ifc->socket = pd_socket;
  ifc->bind = pd_bind;
  ifc->listen = pd_listen;
  ifc->accept = pd_accept;
  ifc->connect = pd_connect;
  ifc->read = pd_read;
  ifc->readv = pd_readv;
  ifc->recv = pd_recv;
  ifc->recvfrom = pd_recvfrom;
  ifc->recvmsg = pd_recvmsg;
  ifc->write = pd_write;
  ifc->writev = pd_writev;
  ifc->send = pd_send;
  ifc->sendto = pd_sendto;
  ifc->sendmsg = pd_sendmsg;
  ifc->fcntl = pd_fcntl;
  ifc->ioctl = pd_ioctl;
  ifc->close = pd_close;
  ifc->shutdown = pd_shutdown;
  ifc->getsockopt = pd_getsockopt;
  ifc->setsockopt = pd_setsockopt;
  ifc->poll = pd_poll;
  ifc->netdev_send = pd_netdev_send;
  ifc->netdev_receive = pd_netdev_receive;
  ifc->usleep = pd_usleep;
  ifc->gettimeofday = pd_gettimeofday;
  ifc->epoll_create = pd_epoll_create;
  ifc->epoll_ctl = pd_epoll_ctl;
  ifc->epoll_wait = pd_epoll_wait;
  ifc->pipe = pd_pipe;
  ifc->splice = pd_splice;
}

// libsystemc refers to sc_main (its own main() would call it); packetdrill
// has the process's main, so this one is never called.
extern "C" __attribute__((visibility("default"))) int sc_main(int, char**) {
  std::fprintf(stderr, "tcpoe_packetdrill: sc_main is not an entry point of this library\n");
  return 1;
}

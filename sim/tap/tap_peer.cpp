#include "tap_peer.h"

#include <csignal>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <vector>

namespace tcpoe::sim {
namespace {

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// fork/exec with an argument vector (no shell, so no quoting to get wrong),
// its stdout and stderr into the pipe whose read end is *out_fd; the
// child's pid, or -1 with the reason in *why.
pid_t spawn(const std::vector<std::string>& argv, int* out_fd, std::string* why) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) {
    *why = std::string("pipe: ") + std::strerror(errno);
    return -1;
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    *why = std::string("fork: ") + std::strerror(errno);
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    return -1;
  }
  if (pid == 0) {
    // A terminal's ^C goes to the whole process group. The namespace's set-up
    // and clean-up commands must not die half-way (a clean-up killed by it
    // would leave the namespace behind): they ignore it, and the program
    // that runs them decides what ^C means.
    signal(SIGINT, SIG_IGN);
    dup2(pipefd[1], STDOUT_FILENO);
    dup2(pipefd[1], STDERR_FILENO);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    execv(args[0], args.data());
    dprintf(STDERR_FILENO, "exec %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  ::close(pipefd[1]);
  *out_fd = pipefd[0];
  return pid;
}

int reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs the command to its end.
Run run(const std::vector<std::string>& argv) {
  Run r;
  int out = -1;
  const pid_t pid = spawn(argv, &out, &r.output);
  if (pid < 0) return r;
  char buf[4096];
  ssize_t n;
  while ((n = read(out, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) r.output.append(buf, static_cast<std::size_t>(n));
  ::close(out);
  r.exit_code = reap(pid);
  return r;
}

std::string join(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// Tests run with a trimmed PATH (or as another user), so look in sbin too.
std::string find_tool(const char* name) {
  for (const char* dir : {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"}) {
    const std::string path = std::string(dir) + name;
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

std::string ip_text(uint32_t addr) {
  char buf[INET_ADDRSTRLEN];
  const in_addr a{htonl(addr)};
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

std::string mac_text(const std::array<uint8_t, 6>& mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                mac[4], mac[5]);
  return buf;
}

bool has_capability(int cap) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  return (data[cap / 32].effective & (1u << (cap % 32))) != 0;
}

// Interface names are at most 15 characters; the names also end up in file
// paths (/run/netns) and ip's arguments, so keep to a safe alphabet.
bool valid_name(const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

constexpr const char* kNetnsDir = "/run/netns/";

}  // namespace

bool TapPeer::privileges_ok(std::string* why_not) {
  std::string why;
  if (find_tool("ip").empty()) {
    why = "the ip tool (iproute2) is not installed";
  } else if (!has_capability(CAP_NET_ADMIN) || !has_capability(CAP_SYS_ADMIN)) {
    why = "needs CAP_NET_ADMIN and CAP_SYS_ADMIN (run as root) to create a TAP device and a "
          "network namespace; euid is " + std::to_string(geteuid());
  } else {
    const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      why = std::string("cannot open /dev/net/tun: ") + std::strerror(errno) +
            " (in a container: --device /dev/net/tun)";
    } else {
      // Capabilities held in a user namespace (rootless containers, unshare
      // -r) pass the check above yet may not create a device; only trying
      // tells. An empty name lets the kernel pick a free tapN, which
      // vanishes with the fd.
      ifreq ifr{};
      ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
      if (ioctl(fd, TUNSETIFF, &ifr) != 0)
        why = std::string("cannot create a TAP device (TUNSETIFF: ") + std::strerror(errno) +
              "); capabilities inside a user namespace are not enough";
      ::close(fd);
    }
  }
  if (why_not != nullptr) *why_not = why;
  return why.empty();
}

std::unique_ptr<TapPeer> TapPeer::open(const TapPeerConfig& config, std::string* why_not) {
  std::string why;
  std::unique_ptr<TapPeer> peer;
  if (!valid_name(config.name)) {
    why = "TapPeerConfig::name '" + config.name +
          "' must be 1 to 15 characters of [A-Za-z0-9_-] (an interface name)";
  } else if (config.our_mac == config.peer_mac) {
    why = "our_mac and peer_mac are equal";
  } else if (privileges_ok(&why)) {
    peer.reset(new TapPeer(config));
    // On failure the destructor removes whatever setup() made.
    if (!peer->setup(&why)) peer.reset();
  }
  if (why_not != nullptr) *why_not = why;
  return peer;
}

bool TapPeer::setup(std::string* why_not) {
  const std::string ip = find_tool("ip");
  const std::string& tap = config_.name;
  const std::string ns = netns();
  auto ok = [&](const std::vector<std::string>& argv) {
    const Run r = run(argv);
    if (r.exit_code == 0) return true;
    *why_not = "'" + join(argv) + "' failed (exit " + std::to_string(r.exit_code) + "): " +
               r.output;
    return false;
  };

  // Leftovers of a run that crashed: its namespace outlives it (the TAP
  // device and the listener died with its file descriptors).
  if (exists(kNetnsDir + ns)) run({ip, "netns", "delete", ns});
  // A persistent tap of this name would make TUNSETIFF attach to it; only
  // tun/tap devices (they have tun_flags) are ours to delete.
  if (exists("/sys/class/net/" + tap + "/tun_flags")) run({ip, "link", "delete", tap});

  // In our own namespace first: the fd stays valid after the move, and
  // frames written to it then enter the namespace's stack.
  tap_fd_ = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (tap_fd_ < 0) {
    *why_not = std::string("open /dev/net/tun: ") + std::strerror(errno);
    return false;
  }
  ifreq ifr{};
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;  // no vnet header: no checksum/GSO offload
  std::strncpy(ifr.ifr_name, tap.c_str(), IFNAMSIZ - 1);
  if (ioctl(tap_fd_, TUNSETIFF, &ifr) != 0) {
    *why_not = "TUNSETIFF " + tap + ": " + std::strerror(errno);
    return false;
  }

  if (!ok({ip, "netns", "add", ns})) return false;
  netns_made_ = true;
  if (!ok({ip, "link", "set", "dev", tap, "netns", ns})) return false;

  // No IPv6 on the wire (router solicitations, MLD, DAD): set before the link
  // comes up. -e: a kernel without IPv6 has no such keys, which is fine too.
  const std::string sysctl = find_tool("sysctl");
  if (!sysctl.empty() &&
      !ok({ip, "netns", "exec", ns, sysctl, "-q", "-e", "-w", "net.ipv6.conf.all.disable_ipv6=1",
           "net.ipv6.conf.default.disable_ipv6=1", "net.ipv6.conf." + tap + ".disable_ipv6=1"}))
    return false;

  // A /32 and a host route: works for any pair of addresses, no subnet implied.
  std::vector<std::string> route = {ip, "-n", ns, "route", "add", ip_text(config_.our_ip) + "/32", "dev", tap};
  if (config_.quick_ack) route.insert(route.end(), {"quickack", "1"});
  if (config_.rto_min.count() > 0)
    route.insert(route.end(), {"rto_min", std::to_string(config_.rto_min.count()) + "ms"});
  if (!ok({ip, "-n", ns, "link", "set", "dev", tap, "address", mac_text(config_.peer_mac)}) ||
      !ok({ip, "-n", ns, "link", "set", "dev", "lo", "up"}) ||
      !ok({ip, "-n", ns, "link", "set", "dev", tap, "up"}) ||
      !ok({ip, "-n", ns, "addr", "add", ip_text(config_.peer_ip) + "/32", "dev", tap}) ||
      !ok(route) ||
      !ok({ip, "-n", ns, "neigh", "replace", ip_text(config_.our_ip), "lladdr",
           mac_text(config_.our_mac), "dev", tap, "nud", "permanent"}))
    return false;

  return config_.listen_port == 0 || start_listener(why_not);
}

int TapPeer::socket_in_netns(int type, std::string* err) const {
  const std::string ns_path = kNetnsDir + netns();
  // The process never changes namespace, and the socket dies with the
  // process, so a crash leaves no socket behind (a helper process would).
  auto make = [&ns_path, type, err]() -> int {
    const int ns_fd = ::open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0) {
      *err = "open " + ns_path + ": " + std::strerror(errno);
      return -1;
    }
    const int rc = setns(ns_fd, CLONE_NEWNET);
    ::close(ns_fd);
    if (rc != 0) {
      *err = std::string("setns: ") + std::strerror(errno);
      return -1;
    }
    const int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) *err = std::string("socket: ") + std::strerror(errno);
    return fd;
  };
  int fd = -1;
  std::thread maker([&] { fd = make(); });
  maker.join();
  return fd;
}

bool TapPeer::start_listener(std::string* why_not) {
  const uint32_t peer_ip = config_.peer_ip;
  const uint16_t port = config_.listen_port;
  std::string err;
  listen_fd_ = socket_in_netns(SOCK_STREAM, &err);
  if (listen_fd_ < 0) {
    *why_not = "listener: " + err;
    return false;
  }
  const int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(peer_ip);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 64) != 0) {
    *why_not = "listener: bind/listen " + ip_text(peer_ip) + ":" + std::to_string(port) + ": " +
               std::strerror(errno);
    return false;
  }
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    *why_not = std::string("eventfd: ") + std::strerror(errno);
    return false;
  }
  listener_ = std::thread([this] { serve(); });
  return true;
}

void TapPeer::serve() {
  std::vector<int> conns;
  std::vector<pollfd> fds;
  char buf[65536];
  for (;;) {
    fds.assign({{stop_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}});
    for (int c : conns) fds.push_back({c, POLLIN, 0});
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) break;
    if (fds[0].revents != 0) break;
    if (fds[1].revents & POLLIN) {
      int c;
      while ((c = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        conns.push_back(c);
        ++accepted_;
      }
    }
    for (std::size_t i = 2; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      ssize_t n;
      while ((n = read(fds[i].fd, buf, sizeof buf)) > 0) bytes_received_ += n;
      // EOF or reset: closing answers the peer's FIN with ours.
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        if (n == 0) ++ended_;
        ::close(fds[i].fd);
        conns.erase(std::find(conns.begin(), conns.end(), fds[i].fd));
      }
    }
  }
  for (int c : conns) ::close(c);
}

TapPeer::~TapPeer() {
  stop_app();
  if (listener_.joinable()) {
    const uint64_t one = 1;
    if (write(stop_fd_, &one, sizeof one) < 0) {
      // An eventfd write cannot fail with a counter this small.
    }
    listener_.join();
  }
  if (stop_fd_ >= 0) ::close(stop_fd_);
  if (client_fd_ >= 0) ::close(client_fd_);
  if (listen_fd_ >= 0) ::close(listen_fd_);
  // Closing a non-persistent tap's fd deletes the device, wherever it is.
  if (tap_fd_ >= 0) ::close(tap_fd_);
  if (netns_made_) run({find_tool("ip"), "netns", "delete", netns()});
}

bool TapPeer::start_app(const std::vector<std::string>& argv, std::string* why_not) {
  stop_app();
  std::vector<std::string> command = {find_tool("ip"), "netns", "exec", netns()};
  command.insert(command.end(), argv.begin(), argv.end());
  app_status_.reset();
  app_buffer_.clear();
  app_pid_ = spawn(command, &app_out_, why_not);
  if (app_pid_ < 0) return false;
  fcntl(app_out_, F_SETFL, O_NONBLOCK);
  return true;
}

std::optional<std::string> TapPeer::app_line(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    const std::size_t newline = app_buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = app_buffer_.substr(0, newline);
      app_buffer_.erase(0, newline + 1);
      return line;
    }
    if (app_out_ < 0) return std::nullopt;
    char buf[4096];
    const ssize_t n = read(app_out_, buf, sizeof buf);
    if (n > 0) {
      app_buffer_.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) {  // its output closed: the last line may lack a newline
      ::close(app_out_);
      app_out_ = -1;
      if (!app_buffer_.empty()) app_buffer_ += '\n';
      continue;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pollfd p{app_out_, POLLIN, 0};
    poll(&p, 1, static_cast<int>(left));
  }
}

std::optional<int> TapPeer::app_exit() {
  if (app_pid_ >= 0) {
    int status = 0;
    const pid_t done = waitpid(app_pid_, &status, WNOHANG);
    if (done == app_pid_) {
      app_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      app_pid_ = -1;
    }
  }
  return app_status_;
}

void TapPeer::stop_app() {
  if (app_pid_ >= 0 && !app_exit()) {
    kill(app_pid_, SIGTERM);
    for (int i = 0; i < 100 && !app_exit(); ++i) usleep(10'000);
    if (!app_exit()) {
      kill(app_pid_, SIGKILL);
      app_status_ = reap(app_pid_);
      app_pid_ = -1;
    }
  }
  if (app_out_ >= 0) ::close(app_out_);
  app_out_ = -1;
}

bool TapPeer::set_sysctls(const std::vector<std::string>& assignments, std::string* why_not) {
  const std::string sysctl = find_tool("sysctl");
  if (sysctl.empty()) {
    *why_not = "the sysctl tool (procps) is not installed";
    return false;
  }
  std::vector<std::string> argv = {find_tool("ip"), "netns", "exec", netns(), sysctl, "-q", "-w"};
  argv.insert(argv.end(), assignments.begin(), assignments.end());
  const Run r = run(argv);
  if (r.exit_code == 0) return true;
  *why_not = "'" + join(argv) + "' failed (exit " + std::to_string(r.exit_code) + "): " + r.output;
  return false;
}

bool TapPeer::connect_to_us(uint16_t port, std::string* why_not) {
  if (client_fd_ >= 0) ::close(client_fd_);
  std::string err;
  client_fd_ = socket_in_netns(SOCK_STREAM, &err);
  if (client_fd_ < 0) {
    *why_not = "connect_to_us: " + err;
    return false;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(config_.our_ip);
  if (connect(client_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
      errno != EINPROGRESS) {
    *why_not = "connect_to_us: connect " + ip_text(config_.our_ip) + ":" + std::to_string(port) +
               ": " + std::strerror(errno);
    return false;
  }
  return true;
}

std::string TapPeer::client_state() const {
  if (client_fd_ < 0) return "none";
  int error = 0;
  socklen_t len = sizeof error;
  if (getsockopt(client_fd_, SOL_SOCKET, SO_ERROR, &error, &len) != 0) return std::strerror(errno);
  if (error != 0) return std::strerror(error);
  sockaddr_in peer{};
  socklen_t peer_len = sizeof peer;
  // getpeername() succeeds once the connection is established.
  return getpeername(client_fd_, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0 ? "connected" : "connecting";
}

void TapPeer::close_client() {
  if (client_fd_ >= 0) ::close(client_fd_);
  client_fd_ = -1;
}

std::string TapPeer::socket_table() const {
  const std::string ip = find_tool("ip");
  const std::string ss = find_tool("ss");
  if (ip.empty() || ss.empty()) return "the ip and ss tools (iproute2) are needed";
  const Run r = run({ip, "netns", "exec", netns(), ss, "-tanH"});
  return r.exit_code == 0 ? r.output : "ss failed (exit " + std::to_string(r.exit_code) + "): " + r.output;
}

bool TapPeer::send(const std::vector<uint8_t>& frame) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const ssize_t n = write(tap_fd_, frame.data(), frame.size());
    if (n == static_cast<ssize_t>(frame.size())) return true;
    if (n >= 0 || (errno != EAGAIN && errno != EINTR)) return false;
    pollfd p{tap_fd_, POLLOUT, 0};
    poll(&p, 1, 10);
  }
  return false;
}

std::optional<std::vector<uint8_t>> TapPeer::receive(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + timeout;
  std::vector<uint8_t> buf(65536);
  for (;;) {
    const ssize_t n = read(tap_fd_, buf.data(), buf.size());
    if (n > 0) {
      buf.resize(static_cast<std::size_t>(n));
      return buf;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return std::nullopt;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pollfd p{tap_fd_, POLLIN, 0};
    poll(&p, 1, static_cast<int>(left));
  }
}

std::optional<std::vector<uint8_t>> TapPeer::receive_tcp(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    std::optional<std::vector<uint8_t>> f = receive(std::max(left, std::chrono::milliseconds(0)));
    if (!f) return std::nullopt;
    // EtherType IPv4 and IP protocol TCP; the form is the caller's to judge.
    const std::vector<uint8_t>& b = *f;
    if (b.size() >= 34 && b[12] == 0x08 && b[13] == 0x00 && b[23] == 6) return f;
  }
}

}  // namespace tcpoe::sim

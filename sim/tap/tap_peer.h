// A real Linux TCP stack as the far end of a simulated wire: a TAP device
// whose kernel side lives in a private network namespace with a listening
// socket. Frames the simulation sends are received by that kernel; its
// answers are read back as Ethernet frames. Needs CAP_NET_ADMIN and
// CAP_SYS_ADMIN (in practice: root) and /dev/net/tun; see docs/wire-models.md.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tcpoe::sim {

struct TapPeerConfig {
  std::string name = "tcpoe0";  // netns "<name>-ns" and tap "<name>" (unique per test!)
  std::array<uint8_t, 6> our_mac{0x02, 0, 0, 0, 0, 1};  // the simulated device's MAC
  uint32_t our_ip = 0x0a4d0001;   // 10.77.0.1 (the simulated device)
  uint32_t peer_ip = 0x0a4d0002;  // 10.77.0.2 (the kernel, inside the namespace)
  uint16_t listen_port = 5201;    // a listening TCP socket in the namespace (0: none)
  // The route to our_ip with `quickack 1`: the kernel ACKs every segment at
  // once instead of delaying ACKs (each frame we send then has an answer to
  // wait for, which keeps a transfer in lockstep with the simulation).
  bool quick_ack = false;
  // The route's `rto_min` (0: the kernel's 200 ms): a lower floor for its
  // retransmission timeout, when the simulation answers within milliseconds
  // of wall clock and the kernel should not wait 200 ms to resend a loss.
  std::chrono::milliseconds rto_min{0};
  // The kernel side's MAC; fixed rather than random so captures are diffable.
  std::array<uint8_t, 6> peer_mac{0x02, 0, 0, 0, 0, 2};
};

class TapPeer {
 public:
  // Creates the namespace, the TAP device moved into it, addresses, a static
  // neighbour entry for our_ip (so the kernel needs no ARP answer), and the
  // listener. Returns nullptr and explains in *why_not when privileges or
  // /dev/net/tun are missing, or anything fails (cleaning up what it made).
  // A namespace of the same name left by a crashed run is deleted first.
  static std::unique_ptr<TapPeer> open(const TapPeerConfig& config, std::string* why_not);

  // Whether this process has what open() needs (CAP_NET_ADMIN, CAP_SYS_ADMIN,
  // a usable /dev/net/tun, the ip tool). Tests skip when this is false and
  // fail when it is true but open() fails.
  static bool privileges_ok(std::string* why_not);

  ~TapPeer();  // removes the namespace, the device and the listener
  TapPeer(const TapPeer&) = delete;
  TapPeer& operator=(const TapPeer&) = delete;

  const TapPeerConfig& config() const { return config_; }
  std::array<uint8_t, 6> peer_mac() const { return config_.peer_mac; }
  std::string netns() const { return config_.name + "-ns"; }

  bool send(const std::vector<uint8_t>& frame);  // one Ethernet frame, no FCS

  // Sets sysctls inside the namespace ("net.ipv4.tcp_sack=0", ...): the
  // kernel's behaviour as the far end, without touching the host's. False
  // with the reason in *why_not when sysctl fails (an unknown key, say).
  bool set_sysctls(const std::vector<std::string>& assignments, std::string* why_not);

  // The kernel as the client: a socket in the namespace connect()s to
  // our_ip:port (non-blocking), so its SYN comes out of the TAP device. The
  // socket stays open (retransmitting, unanswered) until the next call or
  // the destructor, so one connection attempt is pending at a time. False
  // with the reason when the socket cannot be made.
  bool connect_to_us(uint16_t port, std::string* why_not);

  // connect_to_us()'s socket: "connected" once the kernel's handshake has
  // completed, "connecting" while it has not, "refused", "timed out", ...
  // (the socket's error) when it failed, "none" without a socket.
  std::string client_state() const;
  // Closes connect_to_us()'s socket: the kernel sends its FIN.
  void close_client();
  // The namespace's TCP sockets as `ss -tanH` lists them (one line each:
  // state, queues, local and peer address), or the reason ss failed.
  std::string socket_table() const;

  // The next IPv4/TCP frame from the kernel within the timeout (others, e.g.
  // IPv6 router solicitations, skipped); nullopt on timeout.
  std::optional<std::vector<uint8_t>> receive_tcp(std::chrono::milliseconds timeout);
  // The next frame of any kind (ARP replies, for instance); nullopt on timeout.
  std::optional<std::vector<uint8_t>> receive(std::chrono::milliseconds timeout);

  // A program run inside the namespace (`ip netns exec NS argv...`): a
  // socket application as the kernel's end of a transfer, say. One at a
  // time; its stdout and stderr are read line by line. False with the reason
  // when it cannot be started.
  bool start_app(const std::vector<std::string>& argv, std::string* why_not);
  // The app's next line of output within the timeout (without its newline);
  // nullopt on timeout, or when it has closed its output and nothing is left.
  std::optional<std::string> app_line(std::chrono::milliseconds timeout);
  // Its exit status once it has ended (-1: killed by a signal); nullopt
  // while it runs or without an app.
  std::optional<int> app_exit();
  // Ends it (SIGTERM, then SIGKILL after a second); the destructor does too.
  void stop_app();

  // Octets the listener has read from accepted connections (it reads and
  // discards, so the kernel keeps its receive window open) and how many it
  // accepted.
  uint64_t bytes_received() const { return bytes_received_.load(); }
  uint32_t connections_accepted() const { return accepted_.load(); }
  // Accepted connections whose read returned 0: the peer's FIN seen as the
  // end of the stream (the listener then closes its side).
  uint32_t streams_ended() const { return ended_.load(); }

 private:
  explicit TapPeer(const TapPeerConfig& config) : config_(config) {}
  bool setup(std::string* why_not);
  bool start_listener(std::string* why_not);
  // A socket made inside the namespace (by a throw-away thread: setns()
  // switches only the calling thread, and a socket keeps the namespace it
  // was made in), or -1 with the reason in *err.
  int socket_in_netns(int type, std::string* err) const;
  void serve();  // the listener thread

  TapPeerConfig config_;
  int tap_fd_ = -1;
  bool netns_made_ = false;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd that wakes the listener thread to end
  int client_fd_ = -1;  // connect_to_us()'s socket
  int app_pid_ = -1;    // start_app()'s process, until reaped
  int app_out_ = -1;    // the read end of its output
  std::optional<int> app_status_;
  std::string app_buffer_;  // output read, not yet returned as lines
  std::thread listener_;
  std::atomic<uint64_t> bytes_received_{0};
  std::atomic<uint32_t> accepted_{0};
  std::atomic<uint32_t> ended_{0};
};

}  // namespace tcpoe::sim

// A stand-in for the Linux peer of sim/tap/ when a TAP device and a network
// namespace are out of reach (no privileges): a listening TCP endpoint
// written on the wire layer alone, so it shares no code with the RTL whose
// frames it judges. It knows just enough of RFC 9293 to accept and close a
// connection the way Linux does:
//
//   SYN to the listening port   -> SYN-ACK (own ISN, ack = seq + 1; MSS 1460,
//                                  and SACK-permitted, timestamps and window
//                                  scale 7 when the SYN offered them)
//   SYN to any other port       -> RST-ACK (seq 0, ack = seq + 1)
//   ACK of its SYN-ACK          -> the connection is established
//   FIN on an established one   -> FIN-ACK (an application that closes at
//                                  EOF), then the ACK of that FIN closes it
//   anything unexpected         -> RST, as Linux answers a stray segment
//
// Frames with a bad checksum, a malformed header or another destination are
// dropped silently, as a kernel drops them. Answers are queued and read with
// receive_tcp(), the same calls as TapPeer's, so a program drives either.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace tcpoe::sim {

struct ScriptedPeerConfig {
  // The same addresses as TapPeerConfig's defaults, so a program changes
  // nothing but the peer when it falls back to this one.
  std::array<uint8_t, 6> mac{0x02, 0, 0, 0, 0, 2};
  uint32_t ip = 0x0a4d0002;  // 10.77.0.2
  uint16_t listen_port = 5201;
  uint16_t mss = 1460;
  uint8_t window_scale = 7;
  uint16_t window = 65160;  // Linux's SYN-ACK window for a 1460 MSS
  uint64_t seed = 1;        // its ISNs and its timestamp clock's start
};

class ScriptedPeer {
 public:
  enum class State { kSynReceived, kEstablished, kLastAck };

  explicit ScriptedPeer(const ScriptedPeerConfig& config);

  const ScriptedPeerConfig& config() const { return config_; }

  // One Ethernet frame (no FCS) arrives at the peer; it answers at once.
  bool send(const std::vector<uint8_t>& frame);
  // The oldest answer not yet read. The peer answers within send(), so
  // there is nothing to wait for: the timeout is for TapPeer's signature.
  std::optional<std::vector<uint8_t>> receive_tcp(std::chrono::milliseconds timeout = {});

  // The state of the connection from remote (ip, port) to local port; none
  // when there is none (never opened, reset, or closed).
  std::optional<State> state(uint32_t remote_ip, uint16_t remote_port, uint16_t local_port) const;
  uint32_t connections_established() const { return established_; }
  uint32_t connections_closed() const { return closed_; }
  uint32_t frames_dropped() const { return dropped_; }
  // What it did with the last frame, for a transcript.
  const std::string& last_event() const { return last_event_; }

 private:
  struct Connection {
    State state = State::kSynReceived;
    std::array<uint8_t, 6> remote_mac{};
    uint32_t iss = 0;      // our initial sequence number
    uint32_t irs = 0;      // theirs
    uint32_t snd_nxt = 0;  // next sequence number we send
    uint32_t rcv_nxt = 0;  // next we expect
    bool timestamps = false;
    uint32_t ts_recent = 0;  // their latest TSval, echoed
    bool sack = false;
    bool window_scale = false;
  };
  using Key = std::tuple<uint32_t, uint16_t, uint16_t>;  // remote ip, remote port, local port

  uint32_t ts_now() { return ts_clock_++; }

  ScriptedPeerConfig config_;
  std::mt19937 rng_;
  uint32_t ts_clock_;
  std::map<Key, Connection> connections_;
  std::deque<std::vector<uint8_t>> outbox_;
  uint32_t established_ = 0, closed_ = 0, dropped_ = 0;
  std::string last_event_;
};

const char* state_name(ScriptedPeer::State s);

}  // namespace tcpoe::sim

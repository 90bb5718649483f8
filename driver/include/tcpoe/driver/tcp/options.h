// The options of SYN and SYN-ACK, offered and answered as Linux does, and
// what a connection settled on. Defaults are Linux's production settings
// (issue #13): <mss 1460,sackOK,TS val T ecr 0,nop,wscale 8> from a 1500
// octet MTU, a 540 kB default receive buffer and a 15 MB maximum.
#pragma once

#include <cstdint>
#include <optional>

#include "tcpoe/wire/tcp.h"

namespace tcpoe::driver::tcp {

// RFC 9293 section 3.7.1: the send MSS when the peer sent no MSS option.
constexpr uint16_t kDefaultPeerMss = 536;
// The timestamps option's 12 octets (10 + 2 NOPs) in every segment.
constexpr uint16_t kTimestampsOverhead = 12;

struct OptionConfig {
  uint16_t mtu = 1500;
  uint32_t receive_buffer = 540000;        // net.ipv4.tcp_rmem[1] of the production profile
  uint32_t receive_buffer_max = 15728640;  // net.ipv4.tcp_rmem[2]: 15 MB
  bool window_scaling = true;              // net.ipv4.tcp_window_scaling = 1
  bool sack = true;                        // net.ipv4.tcp_sack = 1
  bool timestamps = true;                  // net.ipv4.tcp_timestamps = 1

  // MTU minus the IPv4 and TCP headers (Linux's advmss: 1460 for 1500).
  uint16_t advertised_mss() const;
  // Linux's tcp_select_initial_window(): the smallest shift that lets the
  // largest receive buffer be advertised, ilog2(max) - 15, within 0..14
  // (RFC 7323 section 2.3). 15 MB: ilog2(15728640) = 23, shift 8.
  uint8_t window_scale() const;
  // The receive window at the start: half the buffer (Linux's
  // tcp_adv_win_scale = 1 leaves the rest for overhead), rounded down to
  // whole segments of `mss`.
  uint32_t initial_receive_window(uint16_t mss) const;
};

// What one connection settled on.
struct Negotiated {
  uint16_t peer_mss = kDefaultPeerMss;  // the MSS option the peer sent (536 without)
  uint16_t send_mss = kDefaultPeerMss;  // payload per segment we send: min(peer, ours) less options
  bool window_scaling = false;          // both SYNs carried the option
  uint8_t send_scale = 0;               // the peer's shift: its windows are << this
  uint8_t receive_scale = 0;            // our shift: our windows are >> this
  bool sack_permitted = false;
  bool timestamps = false;
  uint32_t ts_recent = 0;  // the peer's latest TSval, echoed as our TSecr
};

// The options of a SYN we send (TSval: our clock; TSecr 0).
wire::TcpOptions syn_options(const OptionConfig& c, uint32_t ts_val);

// What a connection settles on when `peer_syn` (the peer's SYN or SYN-ACK)
// answers or offers options and we offer those `c` enables. For a SYN-ACK
// this is the same rule: it can only carry what our SYN offered.
Negotiated negotiate(const OptionConfig& c, const wire::TcpOptions& peer_syn);

// The options of our SYN-ACK: MSS always; the others only when the SYN
// offered them (Negotiated), window scale only if both sides sent it.
wire::TcpOptions syn_ack_options(const OptionConfig& c, const Negotiated& n, uint32_t ts_val);

}  // namespace tcpoe::driver::tcp

// The transmit descriptor: everything the header builder (rtl/tcp_tx_builder.sv,
// hls/builder) needs to build one Ethernet/IPv4/TCP frame, as a 64-octet
// record the host driver can DMA as it is. This is its one definition: the
// byte offsets below, the builder's RTL (through the TX_DESC_* constants that
// wire/gen_sv_pkg.cpp puts in rtl/tcpoe_wire_pkg.sv), the HLS kernel and the
// tests all read them. docs/descriptors.md is the table for people.
//
// Multi-octet fields are big-endian within the record, like the headers they
// end up in, so most of them are copied to the frame as they are. On the
// hardware port the record is a 512-bit vector with octet i at bits
// [8i+7:8i] (AXI byte-lane order).
#pragma once

#include <array>
#include <cstdint>

#include "tcpoe/wire/bytes.h"
#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/layout.h"

namespace tcpoe::wire {

namespace txdesc {
constexpr uint16_t kSize = 64;
constexpr Field kEthDst{0, 6};
constexpr Field kEthSrc{6, 6};
constexpr Field kIpSrc{12, 4};
constexpr Field kIpDst{16, 4};
constexpr Field kSrcPort{20, 2};
constexpr Field kDstPort{22, 2};
constexpr Field kSeq{24, 4};
constexpr Field kAck{28, 4};
constexpr Field kWindow{32, 2};
constexpr Field kUrgent{34, 2};
constexpr Field kTsVal{36, 4};
constexpr Field kTsEcr{40, 4};
constexpr Field kMss{44, 2};
constexpr Field kPayloadLen{46, 2};  // octets of payload on s_axis; 0: none
constexpr Field kIdent{48, 2};
constexpr Field kTtl{50, 1};
constexpr Field kTos{51, 1};  // DSCP (high 6 bits) and ECN (low 2), as in the IPv4 header
constexpr Field kTcpFlags{52, 1};  // tcp::flag bits, FIN = bit 0 ... CWR = bit 7
constexpr Field kOptFlags{53, 1};  // the opt_bit bits below
constexpr Field kWindowScale{54, 1};  // shift count, 0..14 (tcp::opt::kMaxWindowScale)
// Option octets (a multiple of 4) at the head of the payload packet, sent
// after the options the flags ask for: SACK blocks. The builder counts them
// in the data offset; kPayloadLen counts them with the payload.
constexpr Field kStreamOptLen{55, 1};
// Octets 56..63 are reserved: the builder ignores them; write zero.
constexpr uint16_t kReservedOffset = 56;

// Bit positions in kOptFlags.
namespace opt_bit {
constexpr uint8_t kDontFrag = 0;       // IPv4 DF
constexpr uint8_t kMss = 1;            // send the MSS option
constexpr uint8_t kWindowScale = 2;    // send the window-scale option
constexpr uint8_t kSackPermitted = 3;  // send SACK-permitted
constexpr uint8_t kTimestamps = 4;     // send timestamps (TSval, TSecr)
}  // namespace opt_bit
}  // namespace txdesc

// The record as plain values, for the driver and the tests.
struct TxDescriptor {
  std::array<uint8_t, 6> eth_dst{};
  std::array<uint8_t, 6> eth_src{};
  uint32_t ip_src = 0;
  uint32_t ip_dst = 0;
  uint8_t ttl = 64;
  uint8_t tos = 0;  // DSCP << 2 | ECN
  uint16_t ident = 0;
  bool dont_frag = true;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t tcp_flags = 0;
  uint16_t window = 0;
  uint16_t urgent = 0;
  bool has_mss = false;
  uint16_t mss = 0;
  bool has_window_scale = false;
  uint8_t window_scale = 0;
  bool sack_permitted = false;
  bool has_timestamps = false;
  uint32_t ts_val = 0;
  uint32_t ts_ecr = 0;
  uint16_t payload_len = 0;  // the payload proper, without stream_opt_len
  // Octets of options sent at the head of the payload packet (kStreamOptLen).
  // The driver fills them from `sack` when it posts the descriptor.
  uint8_t stream_opt_len = 0;
  // The SACK blocks to send (RFC 2018), as emit_sack_option() lays them out
  // at the head of the payload packet; not part of the record (its
  // kStreamOptLen says how long they are).
  SackBlocks sack;

  friend bool operator==(const TxDescriptor& a, const TxDescriptor& b) {
    return a.eth_dst == b.eth_dst && a.eth_src == b.eth_src && a.ip_src == b.ip_src &&
           a.ip_dst == b.ip_dst && a.ttl == b.ttl && a.tos == b.tos && a.ident == b.ident &&
           a.dont_frag == b.dont_frag && a.src_port == b.src_port && a.dst_port == b.dst_port &&
           a.seq == b.seq && a.ack == b.ack && a.tcp_flags == b.tcp_flags &&
           a.window == b.window && a.urgent == b.urgent && a.has_mss == b.has_mss &&
           a.mss == b.mss && a.has_window_scale == b.has_window_scale &&
           a.window_scale == b.window_scale && a.sack_permitted == b.sack_permitted &&
           a.has_timestamps == b.has_timestamps && a.ts_val == b.ts_val &&
           a.ts_ecr == b.ts_ecr && a.payload_len == b.payload_len &&
           a.stream_opt_len == b.stream_opt_len;
  }
  friend bool operator!=(const TxDescriptor& a, const TxDescriptor& b) { return !(a == b); }
};

using TxDescriptorBytes = std::array<uint8_t, txdesc::kSize>;

inline TxDescriptorBytes pack(const TxDescriptor& d) {
  namespace t = txdesc;
  TxDescriptorBytes b{};
  uint8_t* p = b.data();
  for (int i = 0; i < 6; ++i) {
    p[t::kEthDst.offset + i] = d.eth_dst[i];
    p[t::kEthSrc.offset + i] = d.eth_src[i];
  }
  set_field(p, t::kIpSrc, d.ip_src);
  set_field(p, t::kIpDst, d.ip_dst);
  set_field(p, t::kSrcPort, d.src_port);
  set_field(p, t::kDstPort, d.dst_port);
  set_field(p, t::kSeq, d.seq);
  set_field(p, t::kAck, d.ack);
  set_field(p, t::kWindow, d.window);
  set_field(p, t::kUrgent, d.urgent);
  set_field(p, t::kTsVal, d.ts_val);
  set_field(p, t::kTsEcr, d.ts_ecr);
  set_field(p, t::kMss, d.mss);
  set_field(p, t::kPayloadLen, d.payload_len + d.stream_opt_len);
  set_field(p, t::kStreamOptLen, d.stream_opt_len);
  set_field(p, t::kIdent, d.ident);
  set_field(p, t::kTtl, d.ttl);
  set_field(p, t::kTos, d.tos);
  set_field(p, t::kTcpFlags, d.tcp_flags);
  const auto bit = [](bool on, uint8_t pos) { return static_cast<uint8_t>(on ? 1u << pos : 0u); };
  set_field(p, t::kOptFlags,
            bit(d.dont_frag, t::opt_bit::kDontFrag) | bit(d.has_mss, t::opt_bit::kMss) |
                bit(d.has_window_scale, t::opt_bit::kWindowScale) |
                bit(d.sack_permitted, t::opt_bit::kSackPermitted) |
                bit(d.has_timestamps, t::opt_bit::kTimestamps));
  set_field(p, t::kWindowScale, d.window_scale);
  return b;
}

inline TxDescriptor unpack(const TxDescriptorBytes& b) {
  namespace t = txdesc;
  const uint8_t* p = b.data();
  TxDescriptor d;
  for (int i = 0; i < 6; ++i) {
    d.eth_dst[i] = p[t::kEthDst.offset + i];
    d.eth_src[i] = p[t::kEthSrc.offset + i];
  }
  d.ip_src = get_field(p, t::kIpSrc);
  d.ip_dst = get_field(p, t::kIpDst);
  d.src_port = static_cast<uint16_t>(get_field(p, t::kSrcPort));
  d.dst_port = static_cast<uint16_t>(get_field(p, t::kDstPort));
  d.seq = get_field(p, t::kSeq);
  d.ack = get_field(p, t::kAck);
  d.window = static_cast<uint16_t>(get_field(p, t::kWindow));
  d.urgent = static_cast<uint16_t>(get_field(p, t::kUrgent));
  d.ts_val = get_field(p, t::kTsVal);
  d.ts_ecr = get_field(p, t::kTsEcr);
  d.mss = static_cast<uint16_t>(get_field(p, t::kMss));
  d.stream_opt_len = static_cast<uint8_t>(get_field(p, t::kStreamOptLen));
  d.payload_len = static_cast<uint16_t>(get_field(p, t::kPayloadLen) - d.stream_opt_len);
  d.ident = static_cast<uint16_t>(get_field(p, t::kIdent));
  d.ttl = static_cast<uint8_t>(get_field(p, t::kTtl));
  d.tos = static_cast<uint8_t>(get_field(p, t::kTos));
  d.tcp_flags = static_cast<uint8_t>(get_field(p, t::kTcpFlags));
  const uint32_t of = get_field(p, t::kOptFlags);
  const auto bit = [of](uint8_t pos) { return ((of >> pos) & 1u) != 0; };
  d.dont_frag = bit(t::opt_bit::kDontFrag);
  d.has_mss = bit(t::opt_bit::kMss);
  d.has_window_scale = bit(t::opt_bit::kWindowScale);
  d.sack_permitted = bit(t::opt_bit::kSackPermitted);
  d.has_timestamps = bit(t::opt_bit::kTimestamps);
  d.window_scale = static_cast<uint8_t>(get_field(p, t::kWindowScale));
  return d;
}

// The frame the builder makes from `d`, as the wire layer describes it
// (EtherType IPv4, protocol TCP). emit_frame(to_frame_repr(d), payload) is
// that frame padded to 60 octets; the builder leaves the padding to the MAC.
inline FrameRepr to_frame_repr(const TxDescriptor& d) {
  FrameRepr r;
  r.eth.dst = d.eth_dst;
  r.eth.src = d.eth_src;
  r.eth.ethertype = eth::kEtherTypeIpv4;
  r.ip.src = d.ip_src;
  r.ip.dst = d.ip_dst;
  r.ip.protocol = ipv4::kProtocolTcp;
  r.ip.ttl = d.ttl;
  r.ip.dscp = static_cast<uint8_t>(d.tos >> 2);
  r.ip.ecn = static_cast<uint8_t>(d.tos & 3u);
  r.ip.ident = d.ident;
  r.ip.dont_frag = d.dont_frag;
  r.tcp.src_port = d.src_port;
  r.tcp.dst_port = d.dst_port;
  r.tcp.seq = d.seq;
  r.tcp.ack = d.ack;
  r.tcp.flags = d.tcp_flags;
  r.tcp.window = d.window;
  r.tcp.urgent = d.urgent;
  if (d.has_mss) r.tcp.options.mss = d.mss;
  if (d.has_window_scale) r.tcp.options.window_scale = d.window_scale;
  r.tcp.options.sack_permitted = d.sack_permitted;
  if (d.has_timestamps) r.tcp.options.timestamps = std::make_pair(d.ts_val, d.ts_ecr);
  r.tcp.payload_len = d.payload_len;
  r.ip.payload_len = static_cast<uint16_t>(r.tcp.header_len() + d.payload_len);
  return r;
}

// Sets the descriptor's option fields to send `o` (and no others).
inline void set_options(TxDescriptor& d, const TcpOptions& o) {
  d.has_mss = o.mss.has_value();
  d.mss = o.mss.value_or(0);
  d.has_window_scale = o.window_scale.has_value();
  d.window_scale = o.window_scale.value_or(0);
  d.sack_permitted = o.sack_permitted;
  d.has_timestamps = o.timestamps.has_value();
  d.ts_val = o.timestamps ? o.timestamps->first : 0;
  d.ts_ecr = o.timestamps ? o.timestamps->second : 0;
}

// The descriptor that builds `r` (its TCP payload_len taken as the payload's
// length). Fields the descriptor has no room for (EtherType, protocol,
// options this builder does not send) are dropped.
inline TxDescriptor from_frame_repr(const FrameRepr& r) {
  TxDescriptor d;
  d.eth_dst = r.eth.dst;
  d.eth_src = r.eth.src;
  d.ip_src = r.ip.src;
  d.ip_dst = r.ip.dst;
  d.ttl = r.ip.ttl;
  d.tos = static_cast<uint8_t>((r.ip.dscp << 2) | (r.ip.ecn & 3u));
  d.ident = r.ip.ident;
  d.dont_frag = r.ip.dont_frag;
  d.src_port = r.tcp.src_port;
  d.dst_port = r.tcp.dst_port;
  d.seq = r.tcp.seq;
  d.ack = r.tcp.ack;
  d.tcp_flags = r.tcp.flags;
  d.window = r.tcp.window;
  d.urgent = r.tcp.urgent;
  set_options(d, r.tcp.options);
  d.payload_len = r.tcp.payload_len;
  return d;
}

}  // namespace tcpoe::wire

// The descriptor the receive parser must produce for a frame, worked out in
// software and independently of the kernel's structure: the verdict and, for
// a well-formed frame, every field come from parse_frame() (the
// specification, wire/include/tcpoe/wire/frame.h); a malformed frame's fixed
// fields are the octets at their place in the frame, zero past its end (the
// descriptor's documented rule). Not a kernel: for test benches.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/rx_descriptor.h"

namespace tcpoe::kernels {

inline wire::RxDescriptor expected_rx_descriptor(wire::ByteSpan frame) {
  using wire::Malformed;
  namespace w4 = wire::ipv4;
  namespace wt = wire::tcp;
  constexpr int kIp = wire::frame::kIpv4Offset, kTcp = wire::frame::kTcpOffset;
  // Octets past the frame's end read as zero.
  std::vector<uint8_t> h(wire::frame::kTcpOffset + wt::kMaxHeaderLen, 0);
  std::copy(frame.begin(), frame.begin() + std::min(frame.size(), h.size()), h.begin());
  const uint8_t* p = h.data();

  wire::RxDescriptor d;
  for (int i = 0; i < 6; ++i) {
    d.eth_dst[i] = p[wire::eth::kDst.offset + i];
    d.eth_src[i] = p[wire::eth::kSrc.offset + i];
  }
  d.ethertype = uint16_t(wire::get_field(p, wire::eth::kEtherType));
  d.ip_tos = uint8_t(wire::get_bits(p + kIp, w4::kDscp) << 2 | wire::get_bits(p + kIp, w4::kEcn));
  d.ip_ttl = uint8_t(wire::get_field(p + kIp, w4::kTtl));
  d.ip_src = wire::get_field(p + kIp, w4::kSrcAddr);
  d.ip_dst = wire::get_field(p + kIp, w4::kDstAddr);
  d.ip_total_len = uint16_t(wire::get_field(p + kIp, w4::kTotalLen));
  d.ip_ident = uint16_t(wire::get_field(p + kIp, w4::kIdent));
  d.ip_flags = uint8_t((wire::get_bits(p + kIp, w4::kDontFrag) ? 1u : 0u) |
                       (wire::get_bits(p + kIp, w4::kMoreFrags) ? 2u : 0u) |
                       (wire::get_bits(p + kIp, w4::kReservedFlag) ? 4u : 0u));
  d.ip_protocol = uint8_t(wire::get_field(p + kIp, w4::kProtocol));
  d.tcp_data_offset = uint8_t(wire::get_bits(p + kTcp, wt::kDataOffset));
  d.tcp_reserved = uint8_t(wire::get_bits(p + kTcp, wt::kReserved));
  d.tcp_flags = uint8_t(wire::get_bits(p + kTcp, wt::kFlags));
  d.tcp_src_port = uint16_t(wire::get_field(p + kTcp, wt::kSrcPort));
  d.tcp_dst_port = uint16_t(wire::get_field(p + kTcp, wt::kDstPort));
  d.tcp_seq = wire::get_field(p + kTcp, wt::kSeqNum);
  d.tcp_ack = wire::get_field(p + kTcp, wt::kAckNum);
  d.tcp_window = uint16_t(wire::get_field(p + kTcp, wt::kWindow));
  d.tcp_urgent = uint16_t(wire::get_field(p + kTcp, wt::kUrgentPtr));

  const wire::ParsedFrame pf = wire::parse_frame(frame);
  const uint8_t code = uint8_t(pf.malformed);
  d.malformed = pf.malformed;
  d.ip_csum_checked = code == 0 || code >= uint8_t(Malformed::kIpTotalLen);
  d.tcp_csum_checked = code == 0 || pf.malformed == Malformed::kTcpDataOffset ||
                       pf.malformed == Malformed::kTcpOption;
  d.ip_csum_ok = pf.ip_checksum_ok;
  d.tcp_csum_ok = pf.tcp_checksum_ok;
  if (pf.malformed != Malformed::kNone) return d;

  // Well-formed: the fields as parse_frame() read them.
  const wire::FrameRepr& r = pf.repr;
  d.eth_dst = r.eth.dst;
  d.eth_src = r.eth.src;
  d.ethertype = r.eth.ethertype;
  d.ip_tos = uint8_t(r.ip.dscp << 2 | r.ip.ecn);
  d.ip_ttl = r.ip.ttl;
  d.ip_src = r.ip.src;
  d.ip_dst = r.ip.dst;
  d.ip_total_len = uint16_t(w4::kHeaderLen + r.ip.payload_len);
  d.ip_ident = r.ip.ident;
  d.ip_flags = uint8_t((d.ip_flags & ~1u) | (r.ip.dont_frag ? 1u : 0u));
  d.ip_protocol = r.ip.protocol;
  d.tcp_flags = r.tcp.flags;
  d.tcp_src_port = r.tcp.src_port;
  d.tcp_dst_port = r.tcp.dst_port;
  d.tcp_seq = r.tcp.seq;
  d.tcp_ack = r.tcp.ack;
  d.tcp_window = r.tcp.window;
  d.tcp_urgent = r.tcp.urgent;
  const wire::TcpOptions& o = r.tcp.options;
  namespace of = wire::rx_desc::opt_found;
  d.opt_found = uint8_t((o.mss ? of::kMss : 0) | (o.window_scale ? of::kWindowScale : 0) |
                        (o.sack_permitted ? of::kSackPermitted : 0) |
                        (o.timestamps ? of::kTimestamps : 0));
  d.opt_unknown = std::min<uint8_t>(o.unknown_skipped, of::kUnknownMax);
  d.opt_mss = o.mss.value_or(0);
  d.opt_window_scale = o.window_scale.value_or(0);
  d.opt_ts_val = o.timestamps ? o.timestamps->first : 0;
  d.opt_ts_ecr = o.timestamps ? o.timestamps->second : 0;
  d.payload_offset = uint8_t(pf.payload_offset);
  d.payload_len = pf.payload_len;
  return d;
}

}  // namespace tcpoe::kernels

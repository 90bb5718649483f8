// The receive parser's descriptor: one 64-octet record per received frame,
// the parsed header fields and the verdict. It is the parser's output port
// (rtl/tcp_rx_parser.sv m_desc_tdata, octet i at bits [8i+7:8i]) and, later,
// the completion the driver reads from host memory, so its layout is defined
// here once: rtl/tcpoe_wire_pkg.sv gets the RX_DESC_* offsets from these
// constants (wire/gen_sv_pkg.cpp), and docs/descriptors.md describes them.
//
// pack() / unpack_rx_descriptor() convert (the TX record, the same
// std::array type, owns plain unpack()).
//
// Multi-octet numbers are big-endian within the record (network order), the
// one convention of every descriptor shared by hardware and host (the TX
// record's too): a field copied from a header is that header's octets in the
// same order (IP addresses, ports, seq/ack, window, ...), and the fields the
// parser computes (payload length, the options' values) follow the same rule.
// A driver reads them with be16/be32 accessors, as it reads sockaddr_in;
// MAC addresses are octet strings in wire order.
//
// Fields of a malformed frame: the fixed header fields are whatever octets
// sit at their place in the frame (zero past its end); options, payload
// offset and payload length are zero.
#pragma once

#include <array>
#include <cstdint>

#include "tcpoe/wire/bytes.h"
#include "tcpoe/wire/layout.h"
#include "tcpoe/wire/tcp.h"

namespace tcpoe::wire {

namespace rx_desc {
constexpr uint16_t kSize = 64;  // octets: one cache line

constexpr Field kEthDst{0, 6};
constexpr Field kEthSrc{6, 6};
constexpr Field kEtherType{12, 2};
constexpr Field kIpTos{14, 1};  // DSCP << 2 | ECN, as on the wire
constexpr Field kIpTtl{15, 1};
constexpr Field kIpSrc{16, 4};
constexpr Field kIpDst{20, 4};
constexpr Field kIpTotalLen{24, 2};
constexpr Field kIpIdent{26, 2};
constexpr Field kIpFlags{28, 1};  // ip_flag bits
constexpr Field kIpProtocol{29, 1};
constexpr Field kTcpDataOffset{30, 1};  // [3:0] data offset (words), [7:4] reserved bits
constexpr Field kTcpFlags{31, 1};       // tcp::flag bits, FIN = bit 0 ... CWR = bit 7
constexpr Field kTcpSrcPort{32, 2};
constexpr Field kTcpDstPort{34, 2};
constexpr Field kTcpSeq{36, 4};
constexpr Field kTcpAck{40, 4};
constexpr Field kTcpWindow{44, 2};
constexpr Field kTcpUrgent{46, 2};
constexpr Field kOptMss{48, 2};
constexpr Field kOptWindowScale{50, 1};
constexpr Field kOptFound{51, 1};  // opt_found bits; [7:4] unknown options skipped, max 15
constexpr Field kOptTsVal{52, 4};
constexpr Field kOptTsEcr{56, 4};
constexpr Field kPayloadOffset{60, 1};  // from the frame start; at most 14 + 20 + 60
constexpr Field kVerdict{61, 1};        // verdict bits; [3:0] the Malformed code
constexpr Field kPayloadLen{62, 2};     // without Ethernet padding

namespace ip_flag {
constexpr uint8_t kDontFrag = 1u << 0;
constexpr uint8_t kMoreFrags = 1u << 1;
constexpr uint8_t kReserved = 1u << 2;
}  // namespace ip_flag

namespace opt_found {
constexpr uint8_t kMss = 1u << 0;
constexpr uint8_t kWindowScale = 1u << 1;
constexpr uint8_t kSackPermitted = 1u << 2;
constexpr uint8_t kTimestamps = 1u << 3;
constexpr uint8_t kUnknownShift = 4;
constexpr uint8_t kUnknownMax = 15;
}  // namespace opt_found

// A checksum that was not judged (the frame's form did not allow it, see
// parse_frame() in frame.h) has its _CHECKED bit clear and its _OK bit clear.
namespace verdict {
constexpr uint8_t kMalformedMask = 0x0f;
constexpr uint8_t kIpCsumChecked = 1u << 4;
constexpr uint8_t kTcpCsumChecked = 1u << 5;
constexpr uint8_t kIpCsumOk = 1u << 6;
constexpr uint8_t kTcpCsumOk = 1u << 7;
}  // namespace verdict
static_assert(kMalformedCodeCount <= verdict::kMalformedMask + 1, "code fits its nibble");
}  // namespace rx_desc

using RxDescriptorBytes = std::array<uint8_t, rx_desc::kSize>;

struct RxDescriptor {
  std::array<uint8_t, 6> eth_dst{};
  std::array<uint8_t, 6> eth_src{};
  uint16_t ethertype = 0;
  uint8_t ip_tos = 0;
  uint8_t ip_ttl = 0;
  uint32_t ip_src = 0;  // as a number: 192.0.2.1 is 0xc0000201 (octets c0 00 02 01 in the record)
  uint32_t ip_dst = 0;
  uint16_t ip_total_len = 0;
  uint16_t ip_ident = 0;
  uint8_t ip_flags = 0;
  uint8_t ip_protocol = 0;
  uint8_t tcp_data_offset = 0;  // words, 4 bits
  uint8_t tcp_reserved = 0;     // 4 bits
  uint8_t tcp_flags = 0;
  uint16_t tcp_src_port = 0;
  uint16_t tcp_dst_port = 0;
  uint32_t tcp_seq = 0;
  uint32_t tcp_ack = 0;
  uint16_t tcp_window = 0;
  uint16_t tcp_urgent = 0;
  uint8_t opt_found = 0;  // opt_found bits, without the unknown count
  uint8_t opt_unknown = 0;  // saturates at opt_found::kUnknownMax
  uint16_t opt_mss = 0;
  uint8_t opt_window_scale = 0;
  uint32_t opt_ts_val = 0;
  uint32_t opt_ts_ecr = 0;
  uint8_t payload_offset = 0;
  uint16_t payload_len = 0;
  Malformed malformed = Malformed::kNone;
  bool ip_csum_checked = false;
  bool ip_csum_ok = false;
  bool tcp_csum_checked = false;
  bool tcp_csum_ok = false;

  uint8_t dscp() const { return static_cast<uint8_t>(ip_tos >> 2); }
  uint8_t ecn() const { return static_cast<uint8_t>(ip_tos & 3u); }
  bool dont_frag() const { return (ip_flags & rx_desc::ip_flag::kDontFrag) != 0; }

  friend bool operator==(const RxDescriptor& a, const RxDescriptor& b);
  friend bool operator!=(const RxDescriptor& a, const RxDescriptor& b) { return !(a == b); }
};

// Every member of RxDescriptor, by name, in record order: visit(name,
// member_of_d...) once per member, with that member of each descriptor given
// (one to print them, two to compare them). The one list of the fields for
// code that treats them alike; a member added to RxDescriptor is added here.
template <typename Visit, typename... Descriptor>
void for_each_field(Visit&& visit, Descriptor&... d) {
  visit("eth_dst", d.eth_dst...);
  visit("eth_src", d.eth_src...);
  visit("ethertype", d.ethertype...);
  visit("ip_tos", d.ip_tos...);
  visit("ip_ttl", d.ip_ttl...);
  visit("ip_src", d.ip_src...);
  visit("ip_dst", d.ip_dst...);
  visit("ip_total_len", d.ip_total_len...);
  visit("ip_ident", d.ip_ident...);
  visit("ip_flags", d.ip_flags...);
  visit("ip_protocol", d.ip_protocol...);
  visit("tcp_data_offset", d.tcp_data_offset...);
  visit("tcp_reserved", d.tcp_reserved...);
  visit("tcp_flags", d.tcp_flags...);
  visit("tcp_src_port", d.tcp_src_port...);
  visit("tcp_dst_port", d.tcp_dst_port...);
  visit("tcp_seq", d.tcp_seq...);
  visit("tcp_ack", d.tcp_ack...);
  visit("tcp_window", d.tcp_window...);
  visit("tcp_urgent", d.tcp_urgent...);
  visit("opt_mss", d.opt_mss...);
  visit("opt_window_scale", d.opt_window_scale...);
  visit("opt_found", d.opt_found...);
  visit("opt_unknown", d.opt_unknown...);
  visit("opt_ts_val", d.opt_ts_val...);
  visit("opt_ts_ecr", d.opt_ts_ecr...);
  visit("payload_offset", d.payload_offset...);
  visit("malformed", d.malformed...);
  visit("ip_csum_checked", d.ip_csum_checked...);
  visit("ip_csum_ok", d.ip_csum_ok...);
  visit("tcp_csum_checked", d.tcp_csum_checked...);
  visit("tcp_csum_ok", d.tcp_csum_ok...);
  visit("payload_len", d.payload_len...);
}

// The name of the first field (in for_each_field's order) where a and b
// differ, or nullptr when they are equal.
inline const char* first_difference(const RxDescriptor& a, const RxDescriptor& b) {
  const char* differing = nullptr;
  for_each_field(
      [&differing](const char* name, const auto& x, const auto& y) {
        if (differing == nullptr && !(x == y)) differing = name;
      },
      a, b);
  return differing;
}

inline RxDescriptorBytes pack(const RxDescriptor& d) {
  using namespace rx_desc;
  RxDescriptorBytes b{};
  uint8_t* p = b.data();
  for (int i = 0; i < 6; ++i) {
    p[kEthDst.offset + i] = d.eth_dst[i];
    p[kEthSrc.offset + i] = d.eth_src[i];
  }
  set_field(p, kEtherType, d.ethertype);
  set_field(p, kIpTos, d.ip_tos);
  set_field(p, kIpTtl, d.ip_ttl);
  set_field(p, kIpSrc, d.ip_src);
  set_field(p, kIpDst, d.ip_dst);
  set_field(p, kIpTotalLen, d.ip_total_len);
  set_field(p, kIpIdent, d.ip_ident);
  set_field(p, kIpFlags, d.ip_flags);
  set_field(p, kIpProtocol, d.ip_protocol);
  set_field(p, kTcpDataOffset,
            uint32_t(d.tcp_data_offset & 0x0fu) | uint32_t(d.tcp_reserved) << 4);
  set_field(p, kTcpFlags, d.tcp_flags);
  set_field(p, kTcpSrcPort, d.tcp_src_port);
  set_field(p, kTcpDstPort, d.tcp_dst_port);
  set_field(p, kTcpSeq, d.tcp_seq);
  set_field(p, kTcpAck, d.tcp_ack);
  set_field(p, kTcpWindow, d.tcp_window);
  set_field(p, kTcpUrgent, d.tcp_urgent);
  set_field(p, kOptMss, d.opt_mss);
  set_field(p, kOptWindowScale, d.opt_window_scale);
  const uint32_t unknown = d.opt_unknown > opt_found::kUnknownMax ? opt_found::kUnknownMax
                                                                  : d.opt_unknown;
  set_field(p, kOptFound, (d.opt_found & 0x0fu) | unknown << opt_found::kUnknownShift);
  set_field(p, kOptTsVal, d.opt_ts_val);
  set_field(p, kOptTsEcr, d.opt_ts_ecr);
  set_field(p, kPayloadOffset, d.payload_offset);
  set_field(p, kPayloadLen, d.payload_len);
  set_field(p, kVerdict,
            (static_cast<uint32_t>(d.malformed) & verdict::kMalformedMask) |
                (d.ip_csum_checked ? verdict::kIpCsumChecked : 0u) |
                (d.tcp_csum_checked ? verdict::kTcpCsumChecked : 0u) |
                (d.ip_csum_ok ? verdict::kIpCsumOk : 0u) |
                (d.tcp_csum_ok ? verdict::kTcpCsumOk : 0u));
  return b;
}

inline RxDescriptor unpack_rx_descriptor(const RxDescriptorBytes& b) {
  using namespace rx_desc;
  const uint8_t* p = b.data();
  RxDescriptor d;
  for (int i = 0; i < 6; ++i) {
    d.eth_dst[i] = p[kEthDst.offset + i];
    d.eth_src[i] = p[kEthSrc.offset + i];
  }
  d.ethertype = static_cast<uint16_t>(get_field(p, kEtherType));
  d.ip_tos = static_cast<uint8_t>(get_field(p, kIpTos));
  d.ip_ttl = static_cast<uint8_t>(get_field(p, kIpTtl));
  d.ip_src = get_field(p, kIpSrc);
  d.ip_dst = get_field(p, kIpDst);
  d.ip_total_len = static_cast<uint16_t>(get_field(p, kIpTotalLen));
  d.ip_ident = static_cast<uint16_t>(get_field(p, kIpIdent));
  d.ip_flags = static_cast<uint8_t>(get_field(p, kIpFlags));
  d.ip_protocol = static_cast<uint8_t>(get_field(p, kIpProtocol));
  const uint32_t doff = get_field(p, kTcpDataOffset);
  d.tcp_data_offset = static_cast<uint8_t>(doff & 0x0fu);
  d.tcp_reserved = static_cast<uint8_t>(doff >> 4);
  d.tcp_flags = static_cast<uint8_t>(get_field(p, kTcpFlags));
  d.tcp_src_port = static_cast<uint16_t>(get_field(p, kTcpSrcPort));
  d.tcp_dst_port = static_cast<uint16_t>(get_field(p, kTcpDstPort));
  d.tcp_seq = get_field(p, kTcpSeq);
  d.tcp_ack = get_field(p, kTcpAck);
  d.tcp_window = static_cast<uint16_t>(get_field(p, kTcpWindow));
  d.tcp_urgent = static_cast<uint16_t>(get_field(p, kTcpUrgent));
  d.opt_mss = static_cast<uint16_t>(get_field(p, kOptMss));
  d.opt_window_scale = static_cast<uint8_t>(get_field(p, kOptWindowScale));
  const uint32_t found = get_field(p, kOptFound);
  d.opt_found = static_cast<uint8_t>(found & 0x0fu);
  d.opt_unknown = static_cast<uint8_t>(found >> opt_found::kUnknownShift);
  d.opt_ts_val = get_field(p, kOptTsVal);
  d.opt_ts_ecr = get_field(p, kOptTsEcr);
  d.payload_offset = static_cast<uint8_t>(get_field(p, kPayloadOffset));
  d.payload_len = static_cast<uint16_t>(get_field(p, kPayloadLen));
  const uint32_t v = get_field(p, kVerdict);
  d.malformed = static_cast<Malformed>(v & verdict::kMalformedMask);
  d.ip_csum_checked = (v & verdict::kIpCsumChecked) != 0;
  d.tcp_csum_checked = (v & verdict::kTcpCsumChecked) != 0;
  d.ip_csum_ok = (v & verdict::kIpCsumOk) != 0;
  d.tcp_csum_ok = (v & verdict::kTcpCsumOk) != 0;
  return d;
}

// Field for field, so the comparison does not depend on struct padding.
inline bool operator==(const RxDescriptor& a, const RxDescriptor& b) {
  return pack(a) == pack(b);
}

// The options the parser found, as the wire layer represents them (the
// unknown options' count left out: TcpOptions counts octets of one header).
inline TcpOptions options_of(const RxDescriptor& d) {
  namespace of = rx_desc::opt_found;
  TcpOptions o;
  if (d.opt_found & of::kMss) o.mss = d.opt_mss;
  if (d.opt_found & of::kWindowScale) o.window_scale = d.opt_window_scale;
  o.sack_permitted = (d.opt_found & of::kSackPermitted) != 0;
  if (d.opt_found & of::kTimestamps) o.timestamps = std::make_pair(d.opt_ts_val, d.opt_ts_ecr);
  return o;
}

// The TCP option area of the frame a descriptor reports (what the parser
// does not interpret, SACK blocks among it, is read from there): the
// header's octets 20 to data offset, ending where the payload starts. Empty
// for a malformed frame, or when `frame` is shorter than the descriptor says.
inline ByteSpan tcp_option_area(const RxDescriptor& d, ByteSpan frame) {
  const std::size_t header = d.tcp_data_offset * 4u;
  if (d.malformed != Malformed::kNone || header < tcp::kHeaderLen ||
      d.payload_offset < header || d.payload_offset > frame.size())
    return {};
  return frame.subspan(d.payload_offset - header + tcp::kHeaderLen, header - tcp::kHeaderLen);
}

}  // namespace tcpoe::wire

// The one definition of the wire format: every header field's offset and
// width, the TCP option kinds, the control bits, and the receive parser's
// verdict codes. The wire-format views (ethernet.h, ipv4.h, tcp.h), the HLS
// kernels, the host driver and the tests all read these; rtl/tcpoe_wire_pkg.sv
// is generated from this file (wire/gen_sv_pkg.cpp) and a test keeps it in step.
//
// Offsets are in octets from the start of their header; multi-octet fields
// are big-endian (network order). A BitField lives inside the big-endian
// 16-bit word at `offset`, `width` bits wide, its least significant bit at
// `shift`. Frames carry no FCS: the MAC adds and strips it.
#pragma once

#include <cstdint>

namespace tcpoe::wire {

struct Field {
  uint16_t offset;
  uint16_t size;  // octets
  constexpr uint16_t end() const { return static_cast<uint16_t>(offset + size); }
};

struct BitField {
  uint16_t offset;  // of the big-endian 16-bit word holding the field
  uint8_t shift;
  uint8_t width;
  constexpr uint16_t mask() const { return static_cast<uint16_t>(((1u << width) - 1u) << shift); }
};

namespace eth {
constexpr Field kDst{0, 6};
constexpr Field kSrc{6, 6};
constexpr Field kEtherType{12, 2};
constexpr uint16_t kHeaderLen = 14;
constexpr uint16_t kMinFrameLen = 60;  // without FCS; shorter frames are padded
constexpr uint16_t kEtherTypeIpv4 = 0x0800;
}  // namespace eth

namespace ipv4 {
constexpr BitField kVersion{0, 12, 4};
constexpr BitField kIhl{0, 8, 4};  // header length in 32-bit words
constexpr BitField kDscp{0, 2, 6};
constexpr BitField kEcn{0, 0, 2};
constexpr Field kTotalLen{2, 2};
constexpr Field kIdent{4, 2};
constexpr BitField kReservedFlag{6, 15, 1};
constexpr BitField kDontFrag{6, 14, 1};
constexpr BitField kMoreFrags{6, 13, 1};
constexpr BitField kFragOffset{6, 0, 13};
constexpr Field kTtl{8, 1};
constexpr Field kProtocol{9, 1};
constexpr Field kChecksum{10, 2};
constexpr Field kSrcAddr{12, 4};
constexpr Field kDstAddr{16, 4};
constexpr uint16_t kHeaderLen = 20;  // without options, which we never send
constexpr uint8_t kVersion4 = 4;
constexpr uint8_t kProtocolTcp = 6;
}  // namespace ipv4

namespace tcp {
// The seed's header: ports, sequence and acknowledgment numbers, data offset,
// the unused bits, the control bits, window, checksum, urgent pointer,
// options. RFC 793's six unused bits are four reserved bits and the two
// ECN bits (CWR, ECE) of RFC 3168 since 2001.
constexpr Field kSrcPort{0, 2};
constexpr Field kDstPort{2, 2};
constexpr Field kSeqNum{4, 4};
constexpr Field kAckNum{8, 4};
constexpr BitField kDataOffset{12, 12, 4};  // header length in 32-bit words
constexpr BitField kReserved{12, 8, 4};
constexpr BitField kFlags{12, 0, 8};
constexpr Field kWindow{14, 2};
constexpr Field kChecksum{16, 2};
constexpr Field kUrgentPtr{18, 2};
constexpr uint16_t kHeaderLen = 20;     // without options
constexpr uint16_t kMaxHeaderLen = 60;  // data offset 15

// Control bits, as bit positions in kFlags.
namespace flag {
constexpr uint8_t kFin = 1u << 0;
constexpr uint8_t kSyn = 1u << 1;
constexpr uint8_t kRst = 1u << 2;
constexpr uint8_t kPsh = 1u << 3;
constexpr uint8_t kAck = 1u << 4;
constexpr uint8_t kUrg = 1u << 5;
constexpr uint8_t kEce = 1u << 6;
constexpr uint8_t kCwr = 1u << 7;
}  // namespace flag

// Option kinds (IANA TCP parameters) and their fixed lengths in octets.
namespace opt {
constexpr uint8_t kEol = 0;
constexpr uint8_t kNop = 1;
constexpr uint8_t kMss = 2;
constexpr uint8_t kMssLen = 4;
constexpr uint8_t kWindowScale = 3;
constexpr uint8_t kWindowScaleLen = 3;
constexpr uint8_t kSackPermitted = 4;
constexpr uint8_t kSackPermittedLen = 2;
constexpr uint8_t kSack = 5;
constexpr uint8_t kTimestamps = 8;
constexpr uint8_t kTimestampsLen = 10;
constexpr uint8_t kMaxWindowScale = 14;  // RFC 7323 section 2.3
}  // namespace opt
}  // namespace tcp

// Where the headers sit in the frames this device builds and accepts:
// Ethernet II, IPv4 without options, TCP.
namespace frame {
constexpr uint16_t kIpv4Offset = eth::kHeaderLen;
constexpr uint16_t kTcpOffset = eth::kHeaderLen + ipv4::kHeaderLen;
constexpr uint16_t kMinTcpFrameLen = kTcpOffset + tcp::kHeaderLen;  // 54
}  // namespace frame

// The receive parser's verdict on a frame. Checksums are judged separately
// from the form, so a frame can be both well-formed and carry a bad checksum.
// `Malformed` codes are numbered in the order the parser checks them; the
// first that applies is reported.
enum class Malformed : uint8_t {
  kNone = 0,
  kShortFrame = 1,      // ends before the Ethernet, IPv4 or fixed TCP header does
  kNotIpv4 = 2,         // EtherType is not 0x0800, or IP version is not 4
  kIpHeaderLen = 3,     // IHL below 5
  kIpOptions = 4,       // IHL above 5: IPv4 options are not supported
  kIpTotalLen = 5,      // total length beyond the frame, or disagreeing with it
  kFragment = 6,        // MF set or a non-zero fragment offset
  kNotTcp = 7,          // protocol is not 6
  kTcpDataOffset = 8,   // data offset below 5 or beyond the segment
  kTcpOption = 9,       // an option of length 0 or 1, or running past the header
};
constexpr uint8_t kMalformedCodeCount = 10;

// A code's name, as the SystemVerilog package spells it after MALFORMED_
// (wire/gen_sv_pkg.cpp) and as tools print it; "?" for a number that is no code.
constexpr const char* to_string(Malformed code) {
  switch (code) {
    case Malformed::kNone: return "NONE";
    case Malformed::kShortFrame: return "SHORT_FRAME";
    case Malformed::kNotIpv4: return "NOT_IPV4";
    case Malformed::kIpHeaderLen: return "IP_HEADER_LEN";
    case Malformed::kIpOptions: return "IP_OPTIONS";
    case Malformed::kIpTotalLen: return "IP_TOTAL_LEN";
    case Malformed::kFragment: return "FRAGMENT";
    case Malformed::kNotTcp: return "NOT_TCP";
    case Malformed::kTcpDataOffset: return "TCP_DATA_OFFSET";
    case Malformed::kTcpOption: return "TCP_OPTION";
  }
  return "?";
}

}  // namespace tcpoe::wire

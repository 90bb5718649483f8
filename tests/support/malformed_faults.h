// One fault per Malformed code, each on its own octets of a well-formed
// frame, so that any two (any number) can be combined: the frame then must
// be judged by the first check that fails (wire/include/tcpoe/wire/frame.h).
// Used by the software parser's tests (tests/wire) and, with the verdicts
// parse_frame() gives, to drive the RTL parser (tests/parser).
//
// The frame must be longer than 53 octets, its total length not 87, and its
// option area must start with an option that has a length octet (MSS in
// Linux's layout, as emit_frame() writes it).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tcpoe/wire/frame.h"

namespace tcpoe::test {

// Applies the faults of `codes` (Malformed values 1..9) to `frame`: the
// short-frame fault (truncation to 53 octets) last, so that the others still
// find their octets. Codes 3 and 4 both set the IHL: the later one wins.
inline std::vector<uint8_t> with_faults(std::vector<uint8_t> f, const std::vector<unsigned>& codes) {
  namespace w = tcpoe::wire;
  const auto ip = [&f] { return w::Ipv4Packet(w::MutableByteSpan(f).subspan(w::frame::kIpv4Offset)); };
  bool truncate = false;
  for (unsigned c : codes) {
    switch (static_cast<w::Malformed>(c)) {
      case w::Malformed::kShortFrame: truncate = true; break;
      case w::Malformed::kNotIpv4: w::EthernetFrame(w::MutableByteSpan(f)).set_ethertype(0x86dd); break;
      case w::Malformed::kIpHeaderLen: ip().set_ihl(4); break;
      case w::Malformed::kIpOptions: ip().set_ihl(6); break;
      case w::Malformed::kIpTotalLen: ip().set_total_len(87); break;
      case w::Malformed::kFragment: ip().set_more_frags(true); break;
      case w::Malformed::kNotTcp: ip().set_protocol(17); break;
      case w::Malformed::kTcpDataOffset: f[w::frame::kTcpOffset + 12] = 0x4f; break;  // 4
      case w::Malformed::kTcpOption: f[w::frame::kTcpOffset + 21] = 0; break;  // length 0
      case w::Malformed::kNone: break;
    }
  }
  if (truncate) f.resize(std::min<std::size_t>(f.size(), w::frame::kMinTcpFrameLen - 1));
  return f;
}

}  // namespace tcpoe::test

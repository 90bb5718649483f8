// TCP: a view over a segment's bytes (TcpSegment), its options (TcpOptions),
// and the values this device sends and accepts (TcpRepr).
//
// The seed's header: source and destination port (16 bits each), sequence
// and acknowledgment number (32 each), data offset (4: the header length in
// 32-bit words, where the data starts), 6 unused bits, 6 control bits (URG
// ACK PSH RST SYN FIN), window (16), checksum (16), urgent pointer (16),
// options (variable). Since RFC 3168 two of the unused bits are the control
// bits CWR and ECE, so this layer reads 4 reserved bits and 8 control bits.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#include "tcpoe/wire/checksum.h"
#include "tcpoe/wire/bytes.h"
#include "tcpoe/wire/layout.h"
#include "tcpoe/wire/parse_result.h"

namespace tcpoe::wire {

// Unchecked accessors: call check_len() first. header_len() is whatever the
// data offset says; options() and payload() clamp it to the buffer. The
// buffer is the whole segment, header to last payload octet (the IPv4
// payload), because the checksum covers exactly that.
template <typename Byte>
class BasicTcpSegment : public HeaderView<Byte> {
  using Base = HeaderView<Byte>;
  using Base::bits;
  using Base::buffer_;
  using Base::field16;
  using Base::field32;
  using Base::put_bits;
  using Base::put_field;

 public:
  explicit constexpr BasicTcpSegment(BasicByteSpan<Byte> buffer) : Base(buffer) {}
  using Base::buffer;

  constexpr bool check_len() const { return buffer_.size() >= tcp::kHeaderLen; }

  constexpr uint16_t src_port() const { return field16(tcp::kSrcPort); }
  constexpr uint16_t dst_port() const { return field16(tcp::kDstPort); }
  constexpr uint32_t seq_number() const { return field32(tcp::kSeqNum); }
  constexpr uint32_t ack_number() const { return field32(tcp::kAckNum); }
  constexpr uint8_t data_offset() const { return bits(tcp::kDataOffset); }
  constexpr uint16_t header_len() const { return static_cast<uint16_t>(data_offset() * 4u); }
  constexpr uint8_t reserved() const { return bits(tcp::kReserved); }
  constexpr uint8_t flags() const { return bits(tcp::kFlags); }
  constexpr bool fin() const { return (flags() & tcp::flag::kFin) != 0; }
  constexpr bool syn() const { return (flags() & tcp::flag::kSyn) != 0; }
  constexpr bool rst() const { return (flags() & tcp::flag::kRst) != 0; }
  constexpr bool psh() const { return (flags() & tcp::flag::kPsh) != 0; }
  constexpr bool ack() const { return (flags() & tcp::flag::kAck) != 0; }
  constexpr bool urg() const { return (flags() & tcp::flag::kUrg) != 0; }
  constexpr bool ece() const { return (flags() & tcp::flag::kEce) != 0; }
  constexpr bool cwr() const { return (flags() & tcp::flag::kCwr) != 0; }
  constexpr uint16_t window() const { return field16(tcp::kWindow); }
  constexpr uint16_t checksum() const { return field16(tcp::kChecksum); }
  constexpr uint16_t urgent_ptr() const { return field16(tcp::kUrgentPtr); }

  constexpr BasicByteSpan<Byte> options() const {
    const uint16_t header = header_len();
    return buffer_.first(header).subspan(tcp::kHeaderLen);
  }
  constexpr BasicByteSpan<Byte> payload() const { return buffer_.subspan(header_len()); }

  // The whole buffer with the pseudo-header sums to 0xffff.
  bool verify_checksum(uint32_t src_ip, uint32_t dst_ip,
                       uint8_t protocol = ipv4::kProtocolTcp) const {
    return sum_with_pseudo_header(src_ip, dst_ip, protocol) == 0xffff;
  }

  void set_src_port(uint16_t v) { put_field(tcp::kSrcPort, v); }
  void set_dst_port(uint16_t v) { put_field(tcp::kDstPort, v); }
  void set_seq_number(uint32_t v) { put_field(tcp::kSeqNum, v); }
  void set_ack_number(uint32_t v) { put_field(tcp::kAckNum, v); }
  void set_data_offset(uint8_t words) { put_bits(tcp::kDataOffset, words); }
  void set_header_len(uint16_t octets) { set_data_offset(static_cast<uint8_t>(octets / 4)); }
  void set_reserved(uint8_t v) { put_bits(tcp::kReserved, v); }
  void set_flags(uint8_t v) { put_bits(tcp::kFlags, v); }
  void set_fin(bool on) { set_flag(tcp::flag::kFin, on); }
  void set_syn(bool on) { set_flag(tcp::flag::kSyn, on); }
  void set_rst(bool on) { set_flag(tcp::flag::kRst, on); }
  void set_psh(bool on) { set_flag(tcp::flag::kPsh, on); }
  void set_ack(bool on) { set_flag(tcp::flag::kAck, on); }
  void set_urg(bool on) { set_flag(tcp::flag::kUrg, on); }
  void set_ece(bool on) { set_flag(tcp::flag::kEce, on); }
  void set_cwr(bool on) { set_flag(tcp::flag::kCwr, on); }
  void set_window(uint16_t v) { put_field(tcp::kWindow, v); }
  void set_checksum(uint16_t v) { put_field(tcp::kChecksum, v); }
  void set_urgent_ptr(uint16_t v) { put_field(tcp::kUrgentPtr, v); }

  // Over the whole buffer: write the header, options and payload first.
  void fill_checksum(uint32_t src_ip, uint32_t dst_ip, uint8_t protocol = ipv4::kProtocolTcp) {
    set_checksum(0);
    set_checksum(static_cast<uint16_t>(~sum_with_pseudo_header(src_ip, dst_ip, protocol)));
  }

 private:
  uint16_t sum_with_pseudo_header(uint32_t src_ip, uint32_t dst_ip, uint8_t protocol) const {
    const uint16_t pseudo = csum::ipv4_pseudo_header_sum(src_ip, dst_ip, protocol,
                                                         static_cast<uint16_t>(buffer_.size()));
    return csum::sum_bytes(buffer_.data(), buffer_.size(), pseudo);
  }
  void set_flag(uint8_t mask, bool on) {
    set_flags(static_cast<uint8_t>(on ? (flags() | mask) : (flags() & ~mask)));
  }
};

using TcpSegment = BasicTcpSegment<uint8_t>;
using ConstTcpSegment = BasicTcpSegment<const uint8_t>;

// The options this device interprets. Parsing rules (RFC 9293 section 3.1):
// EOL ends the list; NOP is skipped; every other option has a length octet
// counting kind and length. An option of length 0 or 1, one whose length
// octet or body runs past the header, and MSS, window scale, SACK-permitted
// or timestamps with any length but their fixed one are Malformed::kTcpOption.
// Other kinds (SACK blocks among them: this layer does not interpret them)
// with a valid length are skipped and counted. A repeated option: the last
// one wins. A window scale above 14 is reported as sent (RFC 7323 says to
// use 14; that is the connection's business).
struct TcpOptions {
  std::optional<uint16_t> mss;
  std::optional<uint8_t> window_scale;
  bool sack_permitted = false;
  std::optional<std::pair<uint32_t, uint32_t>> timestamps;  // TSval, TSecr
  uint8_t unknown_skipped = 0;  // parse only; emit ignores it

  friend bool operator==(const TcpOptions& a, const TcpOptions& b) {
    return a.mss == b.mss && a.window_scale == b.window_scale &&
           a.sack_permitted == b.sack_permitted && a.timestamps == b.timestamps &&
           a.unknown_skipped == b.unknown_skipped;
  }
  friend bool operator!=(const TcpOptions& a, const TcpOptions& b) { return !(a == b); }
};

// The walk every option reader shares (RFC 9293 section 3.1): EOL ends the
// list, NOP is skipped, every other option is handed to `on_option(kind,
// len, at)` (its octets are options[at, at + len)). False, after calling
// nothing more, when an option's length octet or body runs past the area or
// its length is below 2; also when on_option returns false.
template <typename OnOption>
bool walk_tcp_options(ByteSpan options, OnOption&& on_option) {
  std::size_t i = 0;
  while (i < options.size()) {
    const uint8_t kind = options[i];
    if (kind == tcp::opt::kEol) break;
    if (kind == tcp::opt::kNop) {
      ++i;
      continue;
    }
    if (i + 1 >= options.size()) return false;
    const uint8_t len = options[i + 1];
    if (len < 2 || len > options.size() - i) return false;
    if (!on_option(kind, len, i)) return false;
    i += len;
  }
  return true;
}

// `options` is the option area: the header from octet 20 to the data offset.
inline ParseResult<TcpOptions> parse_tcp_options(ByteSpan options) {
  using Result = ParseResult<TcpOptions>;
  namespace opt = tcp::opt;
  TcpOptions out;
  const bool well_formed = walk_tcp_options(options, [&](uint8_t kind, uint8_t len, std::size_t i) {
    // The interpreted options' bodies are at most 8 octets; copied out, so
    // that every read below is visibly in bounds (GCC 12 cannot relate the
    // walk's length check to them and warns).
    std::array<uint8_t, 8> body_octets{};
    for (std::size_t k = 0; k + 2 < len && k < body_octets.size(); ++k)
      body_octets[k] = options[i + 2 + k];
    const uint8_t* body = body_octets.data();
    switch (kind) {
      case opt::kMss:
        if (len != opt::kMssLen) return false;
        out.mss = get_be16(body, 0);
        break;
      case opt::kWindowScale:
        if (len != opt::kWindowScaleLen) return false;
        out.window_scale = get_u8(body, 0);
        break;
      case opt::kSackPermitted:
        if (len != opt::kSackPermittedLen) return false;
        out.sack_permitted = true;
        break;
      case opt::kTimestamps:
        if (len != opt::kTimestampsLen) return false;
        out.timestamps = std::make_pair(get_be32(body, 0), get_be32(body, 4));
        break;
      default:
        if (out.unknown_skipped < UINT8_MAX) ++out.unknown_skipped;
        break;
    }
    return true;
  });
  if (!well_formed) return Result::failure(Malformed::kTcpOption);
  return Result::success(out);
}

// Octets emit_tcp_options() writes: always a multiple of 4.
constexpr uint16_t tcp_options_len(const TcpOptions& o) {
  namespace opt = tcp::opt;
  const bool ts = o.timestamps.has_value();
  // Each element of Linux's layout is padded with NOPs to a 32-bit word,
  // except that SACK-permitted fills the timestamps' two NOPs.
  uint16_t len = 0;
  if (o.mss) len += opt::kMssLen;
  if (ts) len += 2 + opt::kTimestampsLen;
  if (o.window_scale) len += 1 + opt::kWindowScaleLen;
  if (o.sack_permitted && !ts) len += 2 + opt::kSackPermittedLen;
  return len;
}

// Lays the options out as Linux's tcp_options_write() does on a SYN, so that
// our SYNs look like the host stack's:
//   MSS (2,4,mss)
//   SACK_PERM (4,2) TS (8,10,val,ecr)   or, without SACK, NOP NOP TS
//   NOP NOP SACK_PERM (4,2)             only with SACK and without TS
//   NOP WS (3,3,shift)
// Writes tcp_options_len(o) octets and returns that count, or writes nothing
// and returns 0 when `out` is too short.
inline std::size_t emit_tcp_options(const TcpOptions& o, MutableByteSpan out) {
  namespace opt = tcp::opt;
  const std::size_t len = tcp_options_len(o);
  if (out.size() < len) return 0;
  uint8_t* p = out.data();
  std::size_t i = 0;
  const auto put = [&](uint8_t octet) { p[i++] = octet; };
  if (o.mss) {
    put(opt::kMss);
    put(opt::kMssLen);
    set_be16(p, i, *o.mss);
    i += 2;
  }
  if (o.timestamps) {
    if (o.sack_permitted) {
      put(opt::kSackPermitted);
      put(opt::kSackPermittedLen);
    } else {
      put(opt::kNop);
      put(opt::kNop);
    }
    put(opt::kTimestamps);
    put(opt::kTimestampsLen);
    set_be32(p, i, o.timestamps->first);
    set_be32(p, i + 4, o.timestamps->second);
    i += 8;
  }
  if (o.sack_permitted && !o.timestamps) {
    put(opt::kNop);
    put(opt::kNop);
    put(opt::kSackPermitted);
    put(opt::kSackPermittedLen);
  }
  if (o.window_scale) {
    put(opt::kNop);
    put(opt::kWindowScale);
    put(opt::kWindowScaleLen);
    put(*o.window_scale);
  }
  return i;
}

// SACK blocks (RFC 2018 section 3): kind 5, length 2 + 8n, n blocks of
// [left edge, right edge), each edge a 32-bit sequence number. At most 4
// fit in the 40 octets of options, 3 beside the timestamps option.
struct SackBlock {
  uint32_t left = 0;
  uint32_t right = 0;  // one past the block's last octet
  friend constexpr bool operator==(const SackBlock& a, const SackBlock& b) {
    return a.left == b.left && a.right == b.right;
  }
  friend constexpr bool operator!=(const SackBlock& a, const SackBlock& b) { return !(a == b); }
};
struct SackBlocks {
  static constexpr uint8_t kMax = 4;
  std::array<SackBlock, kMax> block{};
  uint8_t count = 0;
  constexpr bool push(SackBlock b) {
    if (count == kMax) return false;
    block[count++] = b;
    return true;
  }
};
namespace tcp::opt {
constexpr uint8_t kSackBlockLen = 8;
}  // namespace tcp::opt

// The most blocks that fit beside the timestamps option (RFC 2018 section 3).
constexpr uint8_t max_sack_blocks(bool timestamps) {
  return timestamps ? 3 : SackBlocks::kMax;
}

// Octets emit_sack_option() writes: NOP NOP, kind, length, the blocks (a
// multiple of 4); 0 without blocks.
constexpr uint16_t sack_option_len(uint8_t blocks) {
  return blocks == 0 ? 0 : static_cast<uint16_t>(4 + tcp::opt::kSackBlockLen * blocks);
}

// Lays the blocks out as Linux's tcp_options_write() does, after the
// timestamps: NOP NOP SACK (5, 2 + 8n, left, right, ...). Writes
// sack_option_len(count) octets and returns that count, or writes nothing
// and returns 0 when `out` is too short.
inline std::size_t emit_sack_option(const SackBlocks& s, MutableByteSpan out) {
  const std::size_t len = sack_option_len(s.count);
  if (len == 0 || out.size() < len) return 0;
  uint8_t* p = out.data();
  p[0] = tcp::opt::kNop;
  p[1] = tcp::opt::kNop;
  p[2] = tcp::opt::kSack;
  p[3] = static_cast<uint8_t>(len - 2);
  for (uint8_t k = 0; k < s.count; ++k) {
    set_be32(p, 4 + 8u * k, s.block[k].left);
    set_be32(p, 8 + 8u * k, s.block[k].right);
  }
  return len;
}

// The blocks of the SACK option in an option area (the last one, if
// several). None when the area is malformed (parse_tcp_options()'s rules)
// or the SACK option's length is not 2 + 8n with n from 1 to 4.
inline SackBlocks parse_sack_blocks(ByteSpan options) {
  SackBlocks found;
  const bool ok = walk_tcp_options(options, [&](uint8_t kind, uint8_t len, std::size_t i) {
    if (kind != tcp::opt::kSack) return true;
    const std::size_t body = len - 2u;
    if (body == 0 || body % tcp::opt::kSackBlockLen != 0 ||
        body / tcp::opt::kSackBlockLen > SackBlocks::kMax)
      return false;
    found = SackBlocks{};
    for (std::size_t at = i + 2; at < i + len; at += tcp::opt::kSackBlockLen) {
      // Copied out, as parse_tcp_options() does, so that the reads are
      // visibly in bounds.
      std::array<uint8_t, tcp::opt::kSackBlockLen> edges{};
      const ByteSpan block = options.subspan(at, edges.size());  // slicing saturates
      for (std::size_t k = 0; k < block.size() && k < edges.size(); ++k) edges[k] = block[k];
      found.push({get_be32(edges.data(), 0), get_be32(edges.data(), 4)});
    }
    return true;
  });
  return ok ? found : SackBlocks{};
}

struct TcpRepr {
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;  // tcp::flag bits
  uint16_t window = 0;
  uint16_t urgent = 0;
  TcpOptions options;
  uint16_t payload_len = 0;

  constexpr uint16_t header_len() const {
    return static_cast<uint16_t>(tcp::kHeaderLen + tcp_options_len(options));
  }

  // The TCP checks of the frame parser, in Malformed order:
  // kTcpDataOffset (below 5, or a header longer than the segment; so any
  // segment shorter than the fixed header, whatever its data offset says),
  // then kTcpOption. The reserved bits are ignored and the checksum is
  // judged separately (verify_checksum()).
  static ParseResult<TcpRepr> parse(const ConstTcpSegment& segment) {
    using Result = ParseResult<TcpRepr>;
    if (!segment.check_len() || segment.header_len() < tcp::kHeaderLen ||
        segment.header_len() > segment.buffer().size())
      return Result::failure(Malformed::kTcpDataOffset);
    const ParseResult<TcpOptions> options = parse_tcp_options(segment.options());
    if (!options.ok()) return Result::failure(options.malformed);
    TcpRepr r;
    r.src_port = segment.src_port();
    r.dst_port = segment.dst_port();
    r.seq = segment.seq_number();
    r.ack = segment.ack_number();
    r.flags = segment.flags();
    r.window = segment.window();
    r.urgent = segment.urgent_ptr();
    r.options = options.repr;
    r.payload_len = static_cast<uint16_t>(segment.buffer().size() - segment.header_len());
    return Result::success(r);
  }

  // Writes header and options with reserved bits zero and checksum zero; the
  // segment must hold at least header_len() octets. Call
  // TcpSegment::fill_checksum() once the payload is in place.
  void emit_header(TcpSegment& segment) const {
    segment.set_src_port(src_port);
    segment.set_dst_port(dst_port);
    segment.set_seq_number(seq);
    segment.set_ack_number(ack);
    segment.set_header_len(header_len());
    segment.set_reserved(0);
    segment.set_flags(flags);
    segment.set_window(window);
    segment.set_checksum(0);
    segment.set_urgent_ptr(urgent);
    emit_tcp_options(options, segment.buffer().subspan(tcp::kHeaderLen));
  }

  // The segment is exactly header_len() + payload.size() octets: header,
  // options, the payload copied in, and the checksum.
  void emit(TcpSegment& segment, ByteSpan payload, uint32_t src_ip, uint32_t dst_ip) const {
    emit_header(segment);
    const MutableByteSpan data = segment.buffer().subspan(header_len());
    for (std::size_t i = 0; i < payload.size() && i < data.size(); ++i) data[i] = payload[i];
    segment.fill_checksum(src_ip, dst_ip);
  }

  friend bool operator==(const TcpRepr& a, const TcpRepr& b) {
    return a.src_port == b.src_port && a.dst_port == b.dst_port && a.seq == b.seq &&
           a.ack == b.ack && a.flags == b.flags && a.window == b.window && a.urgent == b.urgent &&
           a.options == b.options && a.payload_len == b.payload_len;
  }
  friend bool operator!=(const TcpRepr& a, const TcpRepr& b) { return !(a == b); }
};

}  // namespace tcpoe::wire

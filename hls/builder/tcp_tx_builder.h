// TCP/IPv4 header builder (TX) kernel: one 64-octet descriptor
// (wire/include/tcpoe/wire/tx_descriptor.h) and, when its payload_len is not
// zero, one payload packet in; one Ethernet II / IPv4 / TCP frame out, with
// IPv4 total length, IPv4 header checksum, TCP data offset, options (Linux's
// SYN layout) and TCP checksum filled in. No padding to 60 octets and no FCS:
// the MAC adds both.
//
// This is the bit- and cycle-level reference for rtl/tcp_tx_builder.sv:
// every member below is a register of that module with the same name, and
// step() is one rising clock edge.
//
// Descriptor path (a descriptor taken at edge t shows its first beat on
// m_axis in the cycle after edge t+2: 3 cycles of latency when the output is
// free and its payload, if any, is already summed):
//   s1  the header octets laid out from the descriptor (checksums zero)
//   s2  raw 32-bit sums of the IPv4 header and of pseudo-header + TCP header
//   hq  header queue (kHqDepth): IPv4 checksum written in, TCP header sum
//       folded; s_desc is ready while hq has room for s1, s2 and one more.
// Payload path (store and forward):
//   s_axis beats are written to buf_mem (kBufWords words of DATA_W) as they
//   come, lane 0 = payload octet 0, and their masked 16-bit words summed into
//   p1; the next edge adds p1 into the packet accumulator, and on the last
//   beat pushes {sum, octets, words, oversize} to the info queue.
// Emitter: the head of hq is sent beat by beat from the cycle it is there;
// a segment with payload waits for its payload's info. Beat k carries frame
// octets [kB, kB+B): header octets, then payload octets read from the head
// word of buf_mem and `carry` (the word popped before it), rotated by the
// header length modulo B. The TCP checksum is the folded header sum plus the
// payload's sum, added as the first beat goes out.
//
// Bad input (never a hang, never a wrong frame): a descriptor with a window
// scale option above 14 or a payload_len above PAYLOAD_DEPTH is dropped when
// it reaches the head (stat_bad_desc counts it); a segment whose payload
// packet's length disagrees with payload_len, or that ran past PAYLOAD_DEPTH
// octets (the excess is taken and discarded), is dropped with its payload
// (stat_bad_payload). Payload packets pair with descriptors whose payload_len
// is not zero, in order; a dropped descriptor with payload_len > 0 still
// takes its payload packet with it, so the pairing stays in step.
#pragma once

#include <cstdint>

#include "tcpoe/hls/csum_lib.h"
#include "tcpoe/hls/types.h"
#include "tcpoe/wire/layout.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace tcpoe::kernels {

template <int DATA_W, int PAYLOAD_DEPTH = 2048>
class TcpTxBuilder {
  static_assert(DATA_W == 64 || DATA_W == 128 || DATA_W == 256 || DATA_W == 512,
                "DATA_W is one of 64, 128, 256, 512");
  static_assert(PAYLOAD_DEPTH >= 1 && PAYLOAD_DEPTH <= 65535 - 60,
                "the largest frame's IPv4 total length must fit 16 bits");

 public:
  static constexpr int kBytes = DATA_W / 8;
  static constexpr int kLaneBits = DATA_W == 64 ? 3 : DATA_W == 128 ? 4 : DATA_W == 256 ? 5 : 6;
  // MSS 4, NOP NOP TS 12, NOP WS 4: the longest option area of the layout.
  static constexpr int kMaxOptLen = 20;
  static constexpr int kHdrMax = wire::frame::kTcpOffset + wire::tcp::kHeaderLen + kMaxOptLen;
  static constexpr int kHqDepth = 4;
  static constexpr int kInfoDepth = 8;
  static constexpr int kMaxWords = (PAYLOAD_DEPTH + kBytes - 1) / kBytes;
  static constexpr int pow2_at_least(int x) {
    int n = 1;
    while (n < x) n *= 2;
    return n;
  }
  static constexpr int kBufWords = pow2_at_least(kMaxWords);
  static constexpr int kLatency = 3;  // descriptor handshake -> first beat

  using Beat = AxisBeat<DATA_W>;
  using Desc = ap_uint<512>;

  struct Header {  // s1's result: the frame's header octets, checksums zero
    uint8_t hdr[kHdrMax];
    uint8_t hlen;
    uint16_t plen;
    bool bad;
  };

  // One clock cycle.
  void step(::hls::stream<Desc>& s_desc, ::hls::stream<Beat>& s_axis,
            ::hls::stream<Beat>& m_axis) {
#pragma HLS INLINE
    // ------------------------------------------------------------ emitter
    const unsigned h = hq_rd;
    const bool have = hq_count != 0;
    const bool need_p = hq_plen[h] != 0;
    const bool info_have = info_count != 0;
    const bool go = have && (!need_p || info_have);
    const bool mismatch =
        need_p && (info_over[info_rd] || info_bytes[info_rd] != hq_plen[h]);
    const bool drop = go && (hq_bad[h] || mismatch);
    const bool emit = go && !drop;

    bool hq_pop = false, info_pop = false;
    unsigned buf_pop = 0;
    bool carry_load = false;
    uint32_t n_em_k = em_k;
    uint32_t n_stat_bad_desc = stat_bad_desc, n_stat_bad_payload = stat_bad_payload;
    if (drop) {
      hq_pop = true;
      info_pop = need_p;
      buf_pop = need_p ? info_words[info_rd] : 0;
      if (hq_bad[h])
        ++n_stat_bad_desc;
      else
        ++n_stat_bad_payload;
    }
    if (emit) {
      const unsigned hlen = hq_hlen[h];
      const unsigned len = hlen + hq_plen[h];
      const unsigned nbeats = (len + kBytes - 1) >> kLaneBits;
      const unsigned hb = hlen >> kLaneBits, sh = hlen & (kBytes - 1);
      const bool last = em_k == nbeats - 1;
      const uint16_t tcp_csum = static_cast<uint16_t>(
          ~csum::ones_add(hq_tcp_sum[h], need_p ? info_sum[info_rd] : uint16_t{0}));
      Beat out;
      for (int l = 0; l < kBytes; ++l) {
#pragma HLS UNROLL
        const unsigned i = em_k * kBytes + l;
        uint8_t byte = 0;
        if (i < hlen) {
          if (i == kTcpCsumOff)
            byte = static_cast<uint8_t>(tcp_csum >> 8);
          else if (i == kTcpCsumOff + 1u)
            byte = static_cast<uint8_t>(tcp_csum);
          else
            byte = hq_hdr[h][i];
        } else if (i < len) {
          // Octet l of {head word, carry} rotated right by B - sh lanes.
          const unsigned src = l + kBytes - sh;
          byte = src >= unsigned(kBytes) ? lane(buf_mem[buf_rd], src - kBytes) : lane(carry, src);
        }
        out.data.range(8 * l + 7, 8 * l) = byte;
        out.keep[l] = i < len;
      }
      out.last = last;
      if (m_axis.write_nb(out)) {
        if (need_p && em_k >= hb && em_k - hb < info_words[info_rd]) {
          buf_pop = 1;
          carry_load = true;
        }
        if (last) {
          hq_pop = true;
          info_pop = need_p;
          n_em_k = 0;
        } else {
          n_em_k = em_k + 1;
        }
      }
    }

    // ------------------------------------------------------------ hq push (s2 ->)
    const bool hq_push = s2_valid;
    uint8_t push_hdr[kHdrMax];
    for (int i = 0; i < kHdrMax; ++i) push_hdr[i] = s2_hdr[i];
    const uint16_t ip_csum = static_cast<uint16_t>(~csum::fold32(s2_ip_sum));
    push_hdr[kIpCsumOff] = static_cast<uint8_t>(ip_csum >> 8);
    push_hdr[kIpCsumOff + 1] = static_cast<uint8_t>(ip_csum);
    const uint16_t push_tcp_sum = csum::fold32(s2_tcp_sum);

    // ------------------------------------------------------------ s1 -> s2
    uint32_t n_ip_sum = s2_ip_sum, n_tcp_sum = s2_tcp_sum;
    if (s1_valid) {
      n_ip_sum = 0;
      for (int w = 0; w < wire::ipv4::kHeaderLen / 2; ++w)
        n_ip_sum += word_at(s1_hdr, wire::frame::kIpv4Offset + 2 * w);
      const uint32_t tcp_len = s1_hlen - wire::frame::kTcpOffset + s1_plen;
      const uint32_t src = get_be32(s1_hdr, kIpSrcOff), dst = get_be32(s1_hdr, kIpDstOff);
      n_tcp_sum = (src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu) +
                  wire::ipv4::kProtocolTcp + tcp_len;
      for (int w = 0; w < (kHdrMax - wire::frame::kTcpOffset) / 2; ++w)
        n_tcp_sum += word_at(s1_hdr, wire::frame::kTcpOffset + 2 * w);
    }

    // ------------------------------------------------------------ s_desc -> s1
    const bool desc_ready =
        hq_count + unsigned(s1_valid) + unsigned(s2_valid) < unsigned(kHqDepth);
    Desc d;
    bool desc_taken = false;
    if (desc_ready) desc_taken = s_desc.read_nb(d);
    Header n_s1{};
    if (desc_taken) n_s1 = assemble(d);

    // ------------------------------------------------------------ payload writer
    const bool p_ready =
        (buf_count < unsigned(kBufWords) || wr_words >= unsigned(kMaxWords)) &&
        info_count + unsigned(p1_valid && p1_last) < unsigned(kInfoDepth);
    Beat pb;
    bool p_taken = false;
    if (p_ready) p_taken = s_axis.read_nb(pb);
    const bool store = p_taken && wr_words < unsigned(kMaxWords);
    unsigned beat_bytes = 0;
    uint32_t beat_sum = 0;
    if (p_taken) {
      for (int l = 0; l < kBytes; ++l) beat_bytes += pb.keep[l] ? 1u : 0u;
      for (int w = 0; w < kBytes / 2; ++w) {
        const uint32_t hi = pb.keep[2 * w] ? lane(pb.data, 2 * w) : 0u;
        const uint32_t lo = pb.keep[2 * w + 1] ? lane(pb.data, 2 * w + 1) : 0u;
        beat_sum += (hi << 8) | lo;
      }
    }
    const uint32_t n_words = wr_words + unsigned(store);
    const uint32_t n_bytes = (wr_bytes + (store ? beat_bytes : 0u)) & 0x1ffffu;  // 17 bits
    const bool n_over = wr_over || (p_taken && !store);

    // ------------------------------------------------------------ p1 -> info
    const bool info_push = p1_valid && p1_last;
    const uint32_t acc_total = (acc_in_pkt ? acc : 0u) + p1_sum;

    // ------------------------------------------------------------ commit (the clock edge)
    if (carry_load) carry = buf_mem[buf_rd];
    if (store) buf_mem[buf_wr] = pb.data;
    buf_wr = (buf_wr + unsigned(store)) % kBufWords;
    buf_rd = (buf_rd + buf_pop) % kBufWords;
    buf_count = buf_count + unsigned(store) - buf_pop;
    em_k = n_em_k;
    stat_bad_desc = n_stat_bad_desc;
    stat_bad_payload = n_stat_bad_payload;

    if (hq_push) {
      for (int i = 0; i < kHdrMax; ++i) hq_hdr[hq_wr][i] = push_hdr[i];
      hq_hlen[hq_wr] = s2_hlen;
      hq_plen[hq_wr] = s2_plen;
      hq_bad[hq_wr] = s2_bad;
      hq_tcp_sum[hq_wr] = push_tcp_sum;
      hq_wr = (hq_wr + 1) % kHqDepth;
    }
    if (hq_pop) hq_rd = (hq_rd + 1) % kHqDepth;
    hq_count = hq_count + unsigned(hq_push) - unsigned(hq_pop);

    if (s1_valid) {
      for (int i = 0; i < kHdrMax; ++i) s2_hdr[i] = s1_hdr[i];
      s2_hlen = s1_hlen;
      s2_plen = s1_plen;
      s2_bad = s1_bad;
    }
    s2_ip_sum = n_ip_sum;
    s2_tcp_sum = n_tcp_sum;
    s2_valid = s1_valid;
    if (desc_taken) {
      for (int i = 0; i < kHdrMax; ++i) s1_hdr[i] = n_s1.hdr[i];
      s1_hlen = n_s1.hlen;
      s1_plen = n_s1.plen;
      s1_bad = n_s1.bad;
    }
    s1_valid = desc_taken;

    if (info_push) {
      info_sum[info_wr] = csum::fold32(acc_total);
      info_words[info_wr] = p1_words;
      info_bytes[info_wr] = p1_bytes;
      info_over[info_wr] = p1_over;
      info_wr = (info_wr + 1) % kInfoDepth;
    }
    if (info_pop) info_rd = (info_rd + 1) % kInfoDepth;
    info_count = info_count + unsigned(info_push) - unsigned(info_pop);
    if (p1_valid) {
      acc = acc_total;
      acc_in_pkt = !p1_last;
    }
    p1_valid = p_taken;
    if (p_taken) {
      p1_sum = beat_sum;
      p1_last = pb.last[0];
      if (pb.last[0]) {
        p1_words = n_words;
        p1_bytes = n_bytes;
        p1_over = n_over;
        wr_words = 0;
        wr_bytes = 0;
        wr_over = false;
      } else {
        wr_words = n_words;
        wr_bytes = n_bytes;
        wr_over = n_over;
      }
    }
  }

  // The header octets of the frame `d` describes, checksum fields zero, octets
  // past the header zero; the lengths; and whether the descriptor is refused.
  static Header assemble(const Desc& d) {
    namespace td = wire::txdesc;
    namespace op = wire::tcp::opt;
    Header r{};
    const auto db = [&d](int off) { return static_cast<uint8_t>(d.range(8 * off + 7, 8 * off)); };
    const uint8_t of = db(td::kOptFlags.offset);
    const bool df = (of >> td::opt_bit::kDontFrag) & 1u;
    const bool mss = (of >> td::opt_bit::kMss) & 1u;
    const bool ws = (of >> td::opt_bit::kWindowScale) & 1u;
    const bool sack = (of >> td::opt_bit::kSackPermitted) & 1u;
    const bool ts = (of >> td::opt_bit::kTimestamps) & 1u;
    const uint8_t shift = db(td::kWindowScale.offset);
    const uint16_t plen = static_cast<uint16_t>((db(td::kPayloadLen.offset) << 8) |
                                                db(td::kPayloadLen.offset + 1));
    // Linux's SYN layout (tcp_options_write()), as wire::emit_tcp_options():
    // MSS; SACK-permitted or NOP NOP, then TS; NOP WS; NOP NOP SACK-permitted.
    const unsigned off_ts = mss ? op::kMssLen : 0u;
    const unsigned off_ws = off_ts + (ts ? 2u + op::kTimestampsLen : 0u);
    const unsigned off_sack = off_ws + (ws ? 1u + op::kWindowScaleLen : 0u);
    const unsigned opt_len = off_sack + (sack && !ts ? 2u + op::kSackPermittedLen : 0u);
    const unsigned tcp_hlen = wire::tcp::kHeaderLen + opt_len;
    r.hlen = static_cast<uint8_t>(wire::frame::kTcpOffset + tcp_hlen);
    r.plen = plen;
    r.bad = (ws && shift > op::kMaxWindowScale) || plen > PAYLOAD_DEPTH;

    const auto copy = [&](int frame_off, wire::Field f) {
      for (int i = 0; i < f.size; ++i) r.hdr[frame_off + i] = db(f.offset + i);
    };
    using namespace wire;
    constexpr int ip = frame::kIpv4Offset, tc = frame::kTcpOffset;
    copy(eth::kDst.offset, td::kEthDst);
    copy(eth::kSrc.offset, td::kEthSrc);
    put16(r.hdr, eth::kEtherType.offset, eth::kEtherTypeIpv4);
    put16(r.hdr, ip + ipv4::kVersion.offset,
          (ipv4::kVersion4 << ipv4::kVersion.shift) |
              ((ipv4::kHeaderLen / 4) << ipv4::kIhl.shift) | db(td::kTos.offset));
    put16(r.hdr, ip + ipv4::kTotalLen.offset, ipv4::kHeaderLen + tcp_hlen + plen);
    copy(ip + ipv4::kIdent.offset, td::kIdent);
    put16(r.hdr, ip + ipv4::kDontFrag.offset, df ? 1u << ipv4::kDontFrag.shift : 0u);
    copy(ip + ipv4::kTtl.offset, td::kTtl);
    r.hdr[ip + ipv4::kProtocol.offset] = ipv4::kProtocolTcp;
    copy(ip + ipv4::kSrcAddr.offset, td::kIpSrc);
    copy(ip + ipv4::kDstAddr.offset, td::kIpDst);
    copy(tc + tcp::kSrcPort.offset, td::kSrcPort);
    copy(tc + tcp::kDstPort.offset, td::kDstPort);
    copy(tc + tcp::kSeqNum.offset, td::kSeq);
    copy(tc + tcp::kAckNum.offset, td::kAck);
    put16(r.hdr, tc + tcp::kDataOffset.offset,
          ((tcp_hlen / 4) << tcp::kDataOffset.shift) |
              (db(td::kTcpFlags.offset) << tcp::kFlags.shift));
    copy(tc + tcp::kWindow.offset, td::kWindow);
    copy(tc + tcp::kUrgentPtr.offset, td::kUrgent);

    uint8_t* o = r.hdr + tc + tcp::kHeaderLen;
    if (mss) {
      o[0] = op::kMss;
      o[1] = op::kMssLen;
      o[2] = db(td::kMss.offset);
      o[3] = db(td::kMss.offset + 1);
    }
    if (ts) {
      o[off_ts + 0] = sack ? op::kSackPermitted : op::kNop;
      o[off_ts + 1] = sack ? op::kSackPermittedLen : op::kNop;
      o[off_ts + 2] = op::kTimestamps;
      o[off_ts + 3] = op::kTimestampsLen;
      for (int i = 0; i < 4; ++i) {
        o[off_ts + 4 + i] = db(td::kTsVal.offset + i);
        o[off_ts + 8 + i] = db(td::kTsEcr.offset + i);
      }
    }
    if (ws) {
      o[off_ws + 0] = op::kNop;
      o[off_ws + 1] = op::kWindowScale;
      o[off_ws + 2] = op::kWindowScaleLen;
      o[off_ws + 3] = shift;
    }
    if (sack && !ts) {
      o[off_sack + 0] = op::kNop;
      o[off_sack + 1] = op::kNop;
      o[off_sack + 2] = op::kSackPermitted;
      o[off_sack + 3] = op::kSackPermittedLen;
    }
    return r;
  }

  uint32_t bad_desc_count() const { return stat_bad_desc; }
  uint32_t bad_payload_count() const { return stat_bad_payload; }

 private:
  static constexpr unsigned kIpCsumOff = wire::frame::kIpv4Offset + wire::ipv4::kChecksum.offset;
  static constexpr unsigned kTcpCsumOff = wire::frame::kTcpOffset + wire::tcp::kChecksum.offset;
  static constexpr int kIpSrcOff = wire::frame::kIpv4Offset + wire::ipv4::kSrcAddr.offset;
  static constexpr int kIpDstOff = wire::frame::kIpv4Offset + wire::ipv4::kDstAddr.offset;

  template <typename V>
  static uint8_t lane(const V& v, int l) {
    return static_cast<uint8_t>(v.range(8 * l + 7, 8 * l));
  }
  static uint32_t word_at(const uint8_t* p, int off) { return (uint32_t{p[off]} << 8) | p[off + 1]; }
  static uint32_t get_be32(const uint8_t* p, int off) {
    return (word_at(p, off) << 16) | word_at(p, off + 2);
  }
  static void put16(uint8_t* p, int off, unsigned v) {
    p[off] = static_cast<uint8_t>(v >> 8);
    p[off + 1] = static_cast<uint8_t>(v);
  }

  // Descriptor pipeline.
  bool s1_valid = false;
  uint8_t s1_hdr[kHdrMax] = {};
  uint8_t s1_hlen = 0;
  uint16_t s1_plen = 0;
  bool s1_bad = false;
  bool s2_valid = false;
  uint8_t s2_hdr[kHdrMax] = {};
  uint8_t s2_hlen = 0;
  uint16_t s2_plen = 0;
  bool s2_bad = false;
  uint32_t s2_ip_sum = 0, s2_tcp_sum = 0;
  // Header queue.
  uint8_t hq_hdr[kHqDepth][kHdrMax] = {};
  uint8_t hq_hlen[kHqDepth] = {};
  uint16_t hq_plen[kHqDepth] = {};
  bool hq_bad[kHqDepth] = {};
  uint16_t hq_tcp_sum[kHqDepth] = {};
  unsigned hq_rd = 0, hq_wr = 0, hq_count = 0;
  // Payload writer, sum stage, info queue, buffer.
  uint32_t wr_words = 0, wr_bytes = 0;
  bool wr_over = false;
  bool p1_valid = false, p1_last = false, p1_over = false;
  uint32_t p1_sum = 0, p1_words = 0, p1_bytes = 0;
  bool acc_in_pkt = false;
  uint32_t acc = 0;
  uint16_t info_sum[kInfoDepth] = {};
  uint32_t info_words[kInfoDepth] = {};
  uint32_t info_bytes[kInfoDepth] = {};
  bool info_over[kInfoDepth] = {};
  unsigned info_rd = 0, info_wr = 0, info_count = 0;
  ap_uint<DATA_W> buf_mem[kBufWords];
  unsigned buf_rd = 0, buf_wr = 0, buf_count = 0;
  // Emitter.
  uint32_t em_k = 0;
  ap_uint<DATA_W> carry;
  uint32_t stat_bad_desc = 0, stat_bad_payload = 0;
};

}  // namespace tcpoe::kernels

#ifndef TCP_TX_BUILDER_DATA_W
#define TCP_TX_BUILDER_DATA_W 64
#endif

// The synthesis top: a free-running kernel (no start/done), one call per
// clock. TCP_TX_BUILDER_DATA_W picks the width (64, 128, 256, 512).
void tcp_tx_builder_top(hls::stream<ap_uint<512>>& s_desc,
                        hls::stream<tcpoe::kernels::AxisBeat<TCP_TX_BUILDER_DATA_W>>& s_axis,
                        hls::stream<tcpoe::kernels::AxisBeat<TCP_TX_BUILDER_DATA_W>>& m_axis,
                        ap_uint<32>& stat_bad_desc, ap_uint<32>& stat_bad_payload);

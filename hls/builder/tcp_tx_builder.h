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
// free and its payload, if any, is already summed). Each descriptor is
// stored once, as it came; what is computed from it rides beside it:
//   fq  the record (octets 0..55) as taken, in a queue of kFqDepth, until hd
//       is free (at the earliest the edge after);
//   hd  the head segment's header octets, laid out by assemble() as it moves
//       from fq (checksum fields zero), shifted down by one beat for every
//       beat sent, so octet 0 of the beat going out is hd[0]; with its
//       option length, payload_len, the index of its last beat and the
//       frame octets in that beat, and whether it is refused;
//   s1  partial sums of the 16-bit words of its IPv4 header and of its TCP
//       pseudo-header, header and options, straight from the record (five
//       groups of at most five terms: the words that are constant or depend
//       only on the option flags are one term each);
//   s2  the raw sums of the IPv4 header and of the TCP segment's header;
//   hq  their checksum queue (kHqDepth): the IPv4 checksum, the TCP header
//       sum folded. hq_count != 0 means the oldest segment has its sums, and
//       it is in hd.
// s_desc is ready while fewer than kHqDepth segments are in flight (s1, s2,
// hq: the same count as fq plus hd), never depending on m_axis. A descriptor
// is ready to go out 3 cycles after its handshake, so back to back, besides
// the frame going out, 3 cycles' worth of the shortest frames (kMinBeats
// beats) are in flight: kHqDepth is 2 at DATA_W 64 and 128, 3 at 256, 4 at
// 512.
// Payload path (store and forward):
//   s_axis beats are written to buf_mem (kBufWords words of DATA_W) as they
//   come, lane 0 = payload octet 0, and their masked 16-bit words summed into
//   p1; the next edge adds p1 into the packet accumulator, and on the last
//   beat pushes {sum, octets, words, bad} to the info queue. A packet is bad
//   when it ran past PAYLOAD_DEPTH or one of its beats broke the tkeep rule
//   (every beat but the last keeps all lanes, the last lanes 0..n-1, n >= 1).
//   `cur` is buf_mem's head word, read at every edge (a block RAM's
//   registered read, read-first: a word written at the same edge shows a
//   cycle later, before any beat can need it, as its packet is not complete).
// Emitter: the segment in hd is sent beat by beat from the cycle hq holds
// its sums; a segment with payload waits for its payload's info. Beat k
// carries frame octets [kB, kB+B): header octets from hd, then payload
// octets from `cur` and `carry` (the word popped before it), rotated by the
// header length modulo B (six possible lengths: at most six rotations). The
// checksums are inserted as the beat carrying them goes out; the TCP
// checksum is the folded header sum plus the payload's sum.
//
// Bad input (never a hang, never a wrong frame): a descriptor with a window
// scale option above 14 or a payload_len above PAYLOAD_DEPTH is dropped when
// it reaches the head (stat_bad_desc counts it); a segment whose payload
// packet's length disagrees with payload_len, that ran past PAYLOAD_DEPTH
// octets (the excess is taken and discarded), or that has a beat breaking the
// tkeep rule (even when its kept octets add up to payload_len: they are not
// where the emitter reads them) is dropped with its payload
// (stat_bad_payload), the packet's buffer words freed. Payload packets pair
// with descriptors whose payload_len is not zero, in order; a dropped
// descriptor with payload_len > 0 still takes its payload packet with it, so
// the pairing stays in step.
#pragma once

#include <cstdint>

#include "tcpoe/hls/types.h"
#include "tcpoe/wire/checksum.h"
#include "tcpoe/wire/layout.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace tcpoe::kernels {

template <int DATA_W, int PAYLOAD_DEPTH = 2048>
class TcpTxBuilder {
  static_assert(DATA_W == 64 || DATA_W == 128 || DATA_W == 256 || DATA_W == 512,
                "DATA_W is one of 64, 128, 256, 512");
  static_assert(PAYLOAD_DEPTH >= 1 && PAYLOAD_DEPTH <= 65535 - 60,
                "the largest frame's IPv4 total length must fit 16 bits");

  static constexpr int clog2(long x) {
    int n = 0;
    while ((1L << n) < x) ++n;
    return n;
  }

 public:
  static constexpr int kBytes = DATA_W / 8;
  static constexpr int kLaneBits = clog2(kBytes);
  static constexpr int kHdrMin = wire::frame::kTcpOffset + wire::tcp::kHeaderLen;  // no options
  // MSS 4, NOP NOP TS 12, NOP WS 4: the longest option area of the layout.
  static constexpr int kMaxOptLen = wire::tcp::opt::kMssLen + 2 + wire::tcp::opt::kTimestampsLen +
                                    1 + wire::tcp::opt::kWindowScaleLen;
  static constexpr int kHdrMax = kHdrMin + kMaxOptLen;
  // Octets of the record that matter: 56..63 are reserved.
  static constexpr int kDescOctets = wire::txdesc::kStreamOptLen.offset + 1;
  static constexpr int kMinBeats = (kHdrMin + kBytes - 1) / kBytes;  // of the shortest frame
  static constexpr int kHqDepth = 1 + (3 + kMinBeats - 1) / kMinBeats;
  static constexpr int kFqDepth = kHqDepth - 1;
  static constexpr int kInfoDepth = 8;
  static constexpr int kMaxWords = (PAYLOAD_DEPTH + kBytes - 1) / kBytes;
  static constexpr int kBufWords = 1 << (kMaxWords <= 1 ? 1 : clog2(kMaxWords));
  static constexpr int kBytesBits = clog2(long{kMaxWords} * kBytes + 1);  // octets of a packet
  static constexpr int kAccBits = 16 + clog2(long{kMaxWords} * kBytes / 2);  // its word sum
  static constexpr int kMaxBeats = (kHdrMax + PAYLOAD_DEPTH + kBytes - 1) / kBytes;  // of a frame
  static constexpr int kBeatBits = clog2(kMaxBeats);  // em_k, hd_last
  static constexpr int kLatency = 3;  // descriptor handshake -> first beat

  using Beat = AxisBeat<DATA_W>;
  using Desc = ap_uint<8 * wire::txdesc::kSize>;

  struct Header {  // assemble()'s result
    uint8_t hdr[kHdrMax];  // checksum fields zero; octets past the header don't-care
    uint8_t opt_words;     // option octets / 4: the header is kHdrMin + 4 * opt_words
    uint16_t plen;
    bool bad;
  };

  // One clock cycle.
  void step(::hls::stream<Desc>& s_desc, ::hls::stream<Beat>& s_axis,
            ::hls::stream<Beat>& m_axis) {
#pragma HLS INLINE
    // ------------------------------------------------------------ emitter
    const Info& info = info_mem[info_rd];
    const bool have = hq_count != 0;  // then the segment in hd has its sums
    const bool need_p = hd_plen != 0;
    const bool info_have = info_count != 0;
    const bool go = have && (!need_p || info_have);
    const bool mismatch = need_p && (info.bad || info.bytes != hd_plen);
    const bool drop = go && (hd_bad || mismatch);
    const bool emit = go && !drop;

    bool hq_pop = false, info_pop = false, sent = false;
    unsigned buf_pop = 0;
    bool carry_load = false;
    uint32_t n_em_k = em_k;
    uint32_t n_stat_bad_desc = stat_bad_desc, n_stat_bad_payload = stat_bad_payload;
    if (drop) {
      hq_pop = true;
      info_pop = need_p;
      buf_pop = need_p ? info.words : 0;
      if (hd_bad)
        ++n_stat_bad_desc;
      else
        ++n_stat_bad_payload;
    }
    if (emit) {
      const unsigned hlen = kHdrMin + 4u * hd_words;
      const unsigned sh = hlen & (kBytes - 1);  // the payload starts at lane sh of beat hb
      const unsigned hb = hlen >> kLaneBits;
      const bool last = em_k == hd_last;
      const unsigned frame_lanes = last ? hd_last_lanes : unsigned(kBytes);
      const uint16_t ip_csum = hq_ip_csum[hq_rd];
      const uint16_t tcp_csum = static_cast<uint16_t>(
          ~wire::csum::ones_add(hq_tcp_sum[hq_rd], need_p ? info.sum : uint16_t{0}));
      Beat out;
      for (int l = 0; l < kBytes; ++l) {
#pragma HLS UNROLL
        const unsigned i = em_k * kBytes + l;
        uint8_t byte = 0;
        if (i < hlen) {
          if (i == kIpCsumOff)
            byte = static_cast<uint8_t>(ip_csum >> 8);
          else if (i == kIpCsumOff + 1u)
            byte = static_cast<uint8_t>(ip_csum);
          else if (i == kTcpCsumOff)
            byte = static_cast<uint8_t>(tcp_csum >> 8);
          else if (i == kTcpCsumOff + 1u)
            byte = static_cast<uint8_t>(tcp_csum);
          else
            byte = hd[l];
        } else if (unsigned(l) < frame_lanes) {
          // Octet l of {head word, carry} rotated right by B - sh lanes.
          const unsigned src = l + kBytes - sh;
          byte = src >= unsigned(kBytes) ? lane(cur, src - kBytes) : lane(carry, src);
        }
        out.data.range(8 * l + 7, 8 * l) = byte;
        out.keep[l] = unsigned(l) < frame_lanes;
      }
      out.last = last;
      if (m_axis.write_nb(out)) {
        sent = true;
        if (need_p && em_k >= hb && em_k - hb < info.words) {
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

    // ------------------------------------------------------------ fq -> hd
    const bool fq_pop = fq_count != 0 && (!hd_valid || hq_pop);
    Header n_hd{};
    if (fq_pop) n_hd = assemble(fq_desc[fq_rd]);

    // ------------------------------------------------------------ s2 -> hq
    const bool hq_push = s2_valid;
    const uint16_t push_ip_csum = static_cast<uint16_t>(~wire::csum::fold32(s2_ip_sum));
    const uint16_t push_tcp_sum = wire::csum::fold32(s2_tcp_sum);

    // ------------------------------------------------------------ s_desc -> fq, s1
    const bool desc_ready =
        hq_count + unsigned(s1_valid) + unsigned(s2_valid) < unsigned(kHqDepth);
    Desc d;
    bool desc_taken = false;
    if (desc_ready) desc_taken = s_desc.read_nb(d);
    uint8_t db[kDescOctets] = {};
    Sums n_s1{};
    if (desc_taken) {
      for (int i = 0; i < kDescOctets; ++i) db[i] = static_cast<uint8_t>(d.range(8 * i + 7, 8 * i));
      n_s1 = partial_sums(db);
    }

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
    bool keep_bad = false;  // the beat breaks the tkeep rule
    if (p_taken) {
      // Lane 0 not kept, a kept lane above one that is not (a hole), or the
      // top lane not kept on a beat that is not the last.
      keep_bad = !pb.keep[0] || (!pb.last[0] && !pb.keep[kBytes - 1]);
      for (int l = 1; l < kBytes; ++l) keep_bad = keep_bad || (pb.keep[l] && !pb.keep[l - 1]);
      for (int l = 0; l < kBytes; ++l) beat_bytes += pb.keep[l] ? 1u : 0u;
      for (int w = 0; w < kBytes / 2; ++w) {
        const uint32_t hi = pb.keep[2 * w] ? lane(pb.data, 2 * w) : 0u;
        const uint32_t lo = pb.keep[2 * w + 1] ? lane(pb.data, 2 * w + 1) : 0u;
        beat_sum += (hi << 8) | lo;
      }
    }
    const uint32_t n_words = wr_words + unsigned(store);
    const uint32_t n_bytes = (wr_bytes + (store ? beat_bytes : 0u)) & mask(kBytesBits);
    const bool n_bad = wr_bad || (p_taken && (!store || keep_bad));

    // ------------------------------------------------------------ p1 -> info
    const bool info_push = p1_valid && p1_last;
    const uint32_t acc_total = ((acc_in_pkt ? acc : 0u) + p1_sum) & mask(kAccBits);

    // ------------------------------------------------------------ commit (the clock edge)
    if (carry_load) carry = cur;
    buf_rd = (buf_rd + buf_pop) % kBufWords;
    cur = buf_mem[buf_rd];  // read before this edge's write: read-first, as a block RAM
    if (store) buf_mem[buf_wr] = pb.data;
    buf_wr = (buf_wr + unsigned(store)) % kBufWords;
    buf_count = buf_count + unsigned(store) - buf_pop;
    em_k = n_em_k;
    stat_bad_desc = n_stat_bad_desc;
    stat_bad_payload = n_stat_bad_payload;

    if (fq_pop) {
      for (int i = 0; i < kHdrMax; ++i) hd[i] = n_hd.hdr[i];
      hd_words = n_hd.opt_words;
      hd_plen = n_hd.plen;
      const uint32_t len = kHdrMin + 4u * n_hd.opt_words + n_hd.plen;
      hd_last = (((len + kBytes - 1) >> kLaneBits) - 1) & mask(kBeatBits);
      hd_last_lanes = ((len - 1) & (kBytes - 1)) + 1;
      hd_bad = n_hd.bad;
    } else if (sent) {
      for (int i = 0; i < kHdrMax; ++i) hd[i] = i + kBytes < kHdrMax ? hd[i + kBytes] : 0;
    }
    hd_valid = fq_pop || (hd_valid && !hq_pop);
    if (desc_taken) {
      for (int i = 0; i < kDescOctets; ++i) fq_desc[fq_wr][i] = db[i];
      fq_wr = (fq_wr + 1) % kFqDepth;
    }
    if (fq_pop) fq_rd = (fq_rd + 1) % kFqDepth;
    fq_count = fq_count + unsigned(desc_taken) - unsigned(fq_pop);

    if (hq_push) {
      hq_ip_csum[hq_wr] = push_ip_csum;
      hq_tcp_sum[hq_wr] = push_tcp_sum;
      hq_wr = (hq_wr + 1) % kHqDepth;
    }
    if (hq_pop) hq_rd = (hq_rd + 1) % kHqDepth;
    hq_count = hq_count + unsigned(hq_push) - unsigned(hq_pop);

    if (s1_valid) {
      s2_ip_sum = s1_addr_sum + s1_ip_sum;
      s2_tcp_sum = s1_addr_sum + s1_tcp_sum0 + s1_tcp_sum1 + s1_tcp_sum2;
    }
    s2_valid = s1_valid;
    if (desc_taken) {
      s1_addr_sum = n_s1.addr;
      s1_ip_sum = n_s1.ip;
      s1_tcp_sum0 = n_s1.tcp0;
      s1_tcp_sum1 = n_s1.tcp1;
      s1_tcp_sum2 = n_s1.tcp2;
    }
    s1_valid = desc_taken;

    if (info_push) {
      info_mem[info_wr] = Info{wire::csum::fold32(acc_total), p1_words, p1_bytes, p1_bad};
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
        p1_bad = n_bad;
        wr_words = 0;
        wr_bytes = 0;
        wr_bad = false;
      } else {
        wr_words = n_words;
        wr_bytes = n_bytes;
        wr_bad = n_bad;
      }
    }
  }

  // The header octets of the frame the record `d` (octets 0..54) describes,
  // checksum fields zero; the option length in words, payload_len, and
  // whether the descriptor is refused. Octets past the header are
  // don't-care: option slot s (4 octets) holds the one block that can be
  // there whenever the options reach it, chosen as rtl/tcp_tx_hdr_assemble.sv
  // chooses it.
  static Header assemble(const uint8_t* d) {
    namespace td = wire::txdesc;
    namespace op = wire::tcp::opt;
    Header r{};
    const uint8_t of = d[td::kOptFlags.offset];
    const bool df = (of >> td::opt_bit::kDontFrag) & 1u;
    const bool mss = (of >> td::opt_bit::kMss) & 1u;
    const bool ws = (of >> td::opt_bit::kWindowScale) & 1u;
    const bool sack = (of >> td::opt_bit::kSackPermitted) & 1u;
    const bool ts = (of >> td::opt_bit::kTimestamps) & 1u;
    const uint8_t shift = d[td::kWindowScale.offset];
    const uint16_t plen = get16(d, td::kPayloadLen.offset);
    const uint8_t stream_opt = d[td::kStreamOptLen.offset];
    r.opt_words = opt_words(of);
    const unsigned tcp_hlen = wire::tcp::kHeaderLen + 4u * r.opt_words;
    r.plen = plen;
    // Options at the head of the payload packet: whole words, within the
    // payload, and a header of at most 60 octets.
    r.bad = (ws && shift > op::kMaxWindowScale) || plen > PAYLOAD_DEPTH ||
            (stream_opt & 3u) != 0 || stream_opt > plen ||
            tcp_hlen + stream_opt > wire::tcp::kMaxHeaderLen;

    const auto copy = [&](int frame_off, wire::Field f) {
      for (int i = 0; i < f.size; ++i) r.hdr[frame_off + i] = d[f.offset + i];
    };
    using namespace wire;
    constexpr int ip = frame::kIpv4Offset, tc = frame::kTcpOffset;
    copy(eth::kDst.offset, td::kEthDst);
    copy(eth::kSrc.offset, td::kEthSrc);
    put16(r.hdr, eth::kEtherType.offset, eth::kEtherTypeIpv4);
    put16(r.hdr, ip + ipv4::kVersion.offset,
          (ipv4::kVersion4 << ipv4::kVersion.shift) |
              ((ipv4::kHeaderLen / 4) << ipv4::kIhl.shift) | d[td::kTos.offset]);
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
          (((tcp_hlen + stream_opt) / 4) << tcp::kDataOffset.shift) |
              (d[td::kTcpFlags.offset] << tcp::kFlags.shift));
    copy(tc + tcp::kWindow.offset, td::kWindow);
    copy(tc + tcp::kUrgentPtr.offset, td::kUrgent);

    // Linux's SYN layout (tcp_options_write()), as wire::emit_tcp_options(),
    // in 4-octet blocks: MSS; SACK-permitted or NOP NOP, then TS (blocks TS0
    // TS1 TS2); NOP NOP SACK-permitted when there is no TS; NOP WS.
    const uint8_t mss_blk[4] = {op::kMss, op::kMssLen, d[td::kMss.offset],
                                d[td::kMss.offset + 1]};
    const uint8_t ts0_blk[4] = {sack ? op::kSackPermitted : op::kNop,
                                sack ? op::kSackPermittedLen : op::kNop, op::kTimestamps,
                                op::kTimestampsLen};
    const uint8_t* ts1_blk = d + td::kTsVal.offset;
    const uint8_t* ts2_blk = d + td::kTsEcr.offset;
    const uint8_t ws_blk[4] = {op::kNop, op::kWindowScale, op::kWindowScaleLen, shift};
    const uint8_t sack_blk[4] = {op::kNop, op::kNop, op::kSackPermitted, op::kSackPermittedLen};
    const uint8_t* slot[5] = {
        mss ? mss_blk : ts ? ts0_blk : sack ? sack_blk : ws_blk,
        ts ? (mss ? ts0_blk : ts1_blk) : (mss && sack ? sack_blk : ws_blk),
        ts ? (mss ? ts1_blk : ts2_blk) : ws_blk,
        mss ? ts2_blk : ws_blk,
        ws_blk,
    };
    for (int s = 0; s < 5; ++s)
      for (int i = 0; i < 4; ++i) r.hdr[kHdrMin + 4 * s + i] = slot[s][i];
    return r;
  }

  uint32_t bad_desc_count() const { return stat_bad_desc; }
  uint32_t bad_payload_count() const { return stat_bad_payload; }

 private:
  static constexpr unsigned kIpCsumOff = wire::frame::kIpv4Offset + wire::ipv4::kChecksum.offset;
  static constexpr unsigned kTcpCsumOff = wire::frame::kTcpOffset + wire::tcp::kChecksum.offset;

  struct Sums {  // s1's partial sums
    uint32_t addr, ip, tcp0, tcp1, tcp2;
  };
  struct Info {  // one payload packet
    uint16_t sum;
    uint32_t words, bytes;
    bool bad;  // ran past PAYLOAD_DEPTH, or a beat broke the tkeep rule
  };

  static constexpr uint32_t mask(int bits) { return bits >= 32 ? ~0u : (1u << bits) - 1u; }
  template <typename V>
  static uint8_t lane(const V& v, int l) {
    return static_cast<uint8_t>(v.range(8 * l + 7, 8 * l));
  }
  static uint32_t get16(const uint8_t* p, int off) { return (uint32_t{p[off]} << 8) | p[off + 1]; }
  static void put16(uint8_t* p, int off, unsigned v) {
    p[off] = static_cast<uint8_t>(v >> 8);
    p[off + 1] = static_cast<uint8_t>(v);
  }
  static uint8_t opt_words(uint8_t of) {
    namespace ob = wire::txdesc::opt_bit;
    const bool ts = (of >> ob::kTimestamps) & 1u;
    return static_cast<uint8_t>(((of >> ob::kMss) & 1u) + (ts ? 3u : 0u) +
                                ((of >> ob::kWindowScale) & 1u) +
                                (((of >> ob::kSackPermitted) & 1u) && !ts ? 1u : 0u));
  }

  // s1: the 16-bit words of the IPv4 header (checksum zero) and of the TCP
  // pseudo-header, header (checksum zero) and options of the record `d`,
  // summed in the groups rtl/tcp_tx_builder.sv adds them in. Every word is
  // counted once, so s2's totals are those of the header's words.
  static Sums partial_sums(const uint8_t* d) {
    namespace td = wire::txdesc;
    namespace ob = td::opt_bit;
    const uint8_t of = d[td::kOptFlags.offset];
    const bool df = (of >> ob::kDontFrag) & 1u, mss = (of >> ob::kMss) & 1u;
    const bool ws = (of >> ob::kWindowScale) & 1u, sack = (of >> ob::kSackPermitted) & 1u;
    const bool ts = (of >> ob::kTimestamps) & 1u;
    const uint32_t words = opt_words(of);
    const auto w = [d](int off) { return get16(d, off); };
    const auto word = [](unsigned hi, unsigned lo) { return (hi << 8) | lo; };
    namespace op = wire::tcp::opt;
    using wire::ipv4::kProtocolTcp;
    const int src = td::kIpSrc.offset, dst = td::kIpDst.offset;
    // Version/IHL, protocol, the header part of the total length, DF.
    const uint32_t c_ip = (wire::ipv4::kVersion4 << wire::ipv4::kVersion.shift) +
                          ((wire::ipv4::kHeaderLen / 4) << wire::ipv4::kIhl.shift) + kProtocolTcp +
                          wire::ipv4::kHeaderLen + wire::tcp::kHeaderLen + 4 * words +
                          (df ? 1u << wire::ipv4::kDontFrag.shift : 0u);
    // Protocol and the header part of the TCP length (pseudo-header), data
    // offset, option kinds, lengths and NOPs.
    const uint32_t sack_word = word(op::kSackPermitted, op::kSackPermittedLen);
    const uint32_t nops = word(op::kNop, op::kNop);
    const uint32_t c_tcp =
        (kProtocolTcp + wire::tcp::kHeaderLen + 4 * words +
         ((wire::tcp::kHeaderLen / 4 + words) << wire::tcp::kDataOffset.shift) +
         (mss ? word(op::kMss, op::kMssLen) : 0u) +
         (ts ? (sack ? sack_word : nops) + word(op::kTimestamps, op::kTimestampsLen) : 0u) +
         (ws ? word(op::kNop, op::kWindowScale) + word(op::kWindowScaleLen, 0) : 0u) +
         (sack && !ts ? nops + sack_word : 0u)) &
        0xffffu;
    Sums r;
    r.addr = w(src) + w(src + 2) + w(dst) + w(dst + 2) + w(td::kPayloadLen.offset);
    r.ip = c_ip + ((uint32_t{d[td::kTtl.offset]} << 8) | d[td::kTos.offset]) +
           w(td::kIdent.offset);
    r.tcp0 = c_tcp + w(td::kSrcPort.offset) + w(td::kDstPort.offset) + w(td::kSeq.offset) +
             w(td::kSeq.offset + 2);
    // The data offset's share of the options at the head of the payload.
    const uint32_t stream_words = d[td::kStreamOptLen.offset] >> 2;
    r.tcp1 = w(td::kAck.offset) + w(td::kAck.offset + 2) + d[td::kTcpFlags.offset] +
             (ws ? d[td::kWindowScale.offset] : 0u) + w(td::kWindow.offset) +
             w(td::kUrgent.offset) + (stream_words << wire::tcp::kDataOffset.shift);
    r.tcp2 = (mss ? w(td::kMss.offset) : 0u) +
             (ts ? w(td::kTsVal.offset) + w(td::kTsVal.offset + 2) + w(td::kTsEcr.offset) +
                       w(td::kTsEcr.offset + 2)
                 : 0u);
    return r;
  }

  // Descriptor path.
  bool s1_valid = false;
  uint32_t s1_addr_sum = 0, s1_ip_sum = 0, s1_tcp_sum0 = 0, s1_tcp_sum1 = 0, s1_tcp_sum2 = 0;
  bool s2_valid = false;
  uint32_t s2_ip_sum = 0, s2_tcp_sum = 0;
  uint16_t hq_ip_csum[kHqDepth] = {};
  uint16_t hq_tcp_sum[kHqDepth] = {};
  unsigned hq_rd = 0, hq_wr = 0, hq_count = 0;
  uint8_t fq_desc[kFqDepth][kDescOctets] = {};
  unsigned fq_rd = 0, fq_wr = 0, fq_count = 0;
  bool hd_valid = false;
  uint8_t hd[kHdrMax] = {};
  uint8_t hd_words = 0;
  uint16_t hd_plen = 0;
  uint32_t hd_last = 0;        // index of the frame's last beat
  uint32_t hd_last_lanes = 0;  // frame octets in it, 1..B
  bool hd_bad = false;
  // Payload writer, sum stage, info queue, buffer.
  uint32_t wr_words = 0, wr_bytes = 0;
  bool wr_bad = false;  // the packet being taken is bad (see the top)
  bool p1_valid = false, p1_last = false, p1_bad = false;
  uint32_t p1_sum = 0, p1_words = 0, p1_bytes = 0;
  bool acc_in_pkt = false;
  uint32_t acc = 0;
  Info info_mem[kInfoDepth] = {};
  unsigned info_rd = 0, info_wr = 0, info_count = 0;
  ap_uint<DATA_W> buf_mem[kBufWords];
  unsigned buf_rd = 0, buf_wr = 0, buf_count = 0;
  // Emitter.
  uint32_t em_k = 0;
  ap_uint<DATA_W> cur;    // buf_mem[buf_rd], read at every edge (registered)
  ap_uint<DATA_W> carry;
  uint32_t stat_bad_desc = 0, stat_bad_payload = 0;
};

}  // namespace tcpoe::kernels

#ifndef TCP_TX_BUILDER_DATA_W
#define TCP_TX_BUILDER_DATA_W 64
#endif

// The synthesis top: a free-running kernel (no start/done), one call per
// clock. TCP_TX_BUILDER_DATA_W picks the width (64, 128, 256, 512).
void tcp_tx_builder_top(hls::stream<ap_uint<8 * tcpoe::wire::txdesc::kSize>>& s_desc,
                        hls::stream<tcpoe::kernels::AxisBeat<TCP_TX_BUILDER_DATA_W>>& s_axis,
                        hls::stream<tcpoe::kernels::AxisBeat<TCP_TX_BUILDER_DATA_W>>& m_axis,
                        ap_uint<32>& stat_bad_desc, ap_uint<32>& stat_bad_payload);

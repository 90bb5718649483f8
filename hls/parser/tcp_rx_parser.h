// Receive parser kernel: Ethernet II / IPv4 / TCP frames in on an AXI4-Stream,
// one 64-octet descriptor (wire/include/tcpoe/wire/rx_descriptor.h) out per
// frame, in order, malformed frames included. The rules it applies are
// parse_frame()'s (wire/include/tcpoe/wire/frame.h). This is the bit- and
// cycle-level reference of rtl/tcp_rx_parser.sv: every member below is a
// register of that module with the same name (the walk stages' registers
// w_<name>[s] in the RTL are w[s].<name> here), and step() is one rising
// clock edge.
//
// Pipeline, for a frame whose last beat is taken at edge t:
//   in      every beat: octets 0..93 (Ethernet + IPv4 + the longest TCP
//           header) kept in `hdr`, lanes past the frame's end zero; the
//           octet count; the beat, octets 0..33 zeroed, into the checksum
//           engine (hls/csum, rtl/tcp_csum.sv), which then sums exactly the
//           TCP segment plus any Ethernet padding.
//   fa      (edge t) the frame's 94 header octets and its length.
//   w[0]    (edge t+1) decode: the fixed fields into the descriptor
//           (big-endian, as rx_descriptor.h packs them, so a header field's
//           octets keep their frame order), the Malformed checks 1..8, the
//           IPv4 header sum, the pseudo-header sum less the padding's sum,
//           and for each of the 40 option octets the class of an option
//           starting there and where the next one would start.
//   w[1..5] (edges t+2..t+6) the option walk, 8 options per stage: 40 octets
//           hold at most 40 options (NOPs), so 5 stages always finish it.
//           w[3] also takes the engine's sum, which arrives 4 cycles after
//           the last beat.
//   final   (edge t+7) the verdict, the options' values (big-endian too),
//           the descriptor into the output queue: m_desc_tvalid from cycle
//           t+8, 8 cycles after the last beat, at every DATA_W.
// Nothing inside stalls. s_axis is ready while the output queue has room for
// every frame already past the input plus one, so a stalled m_desc never
// loses a descriptor and ready never depends on m_desc_tready
// combinationally. One beat per clock, so back-to-back one-beat frames give
// one descriptor per clock.
#pragma once

#include <cstdint>

#include "tcp_csum.h"
#include "tcpoe/hls/csum_lib.h"
#include "tcpoe/hls/types.h"
#include "tcpoe/wire/bytes.h"
#include "tcpoe/wire/layout.h"
#include "tcpoe/wire/rx_descriptor.h"

namespace tcpoe::kernels {

template <int DATA_W>
class TcpRxParser {
  static_assert(DATA_W == 64 || DATA_W == 128 || DATA_W == 256 || DATA_W == 512,
                "DATA_W is one of 64, 128, 256, 512");

 public:
  static constexpr int kBytes = DATA_W / 8;
  static constexpr int kHdrBytes = wire::frame::kTcpOffset + wire::tcp::kMaxHeaderLen;  // 94
  static constexpr int kOptBytes = wire::tcp::kMaxHeaderLen - wire::tcp::kHeaderLen;    // 40
  static constexpr int kOptOff = wire::frame::kMinTcpFrameLen;                          // 54
  static constexpr int kTcpOff = wire::frame::kTcpOffset;                               // 34
  static constexpr int kIpOff = wire::frame::kIpv4Offset;                               // 14
  static constexpr int kWalkSteps = 8;
  static constexpr int kWalkStages = 5;
  static_assert(kWalkSteps * kWalkStages >= kOptBytes, "the walk always finishes");
  static constexpr int kCsumStage = 3;  // w[kCsumStage] is loaded when the sum arrives
  // w[s] is loaded at edge t+1+s; the sum shows at cycle t+4, so w[3] takes it.
  static_assert(1 + kCsumStage == TcpCsum<DATA_W>::kLatency, "the sum meets its frame");
  static constexpr int kFifoDepth = 16;
  static constexpr int kInflightMax = 2 + kWalkStages;  // fa, w[0..5]
  static_assert(kFifoDepth > kInflightMax, "full rate with a ready consumer");
  static constexpr int kLatency = 2 + kWalkStages + 1;  // last beat -> m_desc_tvalid
  static constexpr uint32_t kLenMax = (1u << 17) - 1;    // frame length saturates here
  static constexpr int kBeatMax = 15;                    // beat index saturates here

  // Option classes of the walk table.
  enum : uint8_t { kClsStop = 0, kClsNop, kClsMss, kClsWs, kClsSack, kClsTs, kClsUnknown, kClsBad };

  using Beat = AxisBeat<DATA_W>;
  using Desc = ap_uint<8 * wire::rx_desc::kSize>;

  // One clock cycle: reads at most one beat (only while ready), offers at
  // most one descriptor.
  void step(::hls::stream<Beat>& s_axis, ::hls::stream<Desc>& m_desc) {
#pragma HLS INLINE
    // ---- outputs of this cycle, from the registers before the edge
    unsigned inflight = unsigned(fa_valid);
    for (int s = 0; s <= kWalkStages; ++s) inflight += unsigned(w[s].valid);
    const bool s_ready = unsigned(kFifoDepth - fifo_count) > inflight;

    bool popped = false;
    if (fifo_count != 0) {
      Desc d;
      for (int i = 0; i < wire::rx_desc::kSize; ++i)
        d.range(8 * i + 7, 8 * i) = fifo_mem[fifo_rd][i];
      popped = m_desc.write_nb(d);
    }

    // ---- s_axis -> hdr / in_*, the checksum engine, fa
    Beat beat;
    bool accepted = false;
    if (s_ready) accepted = s_axis.read_nb(beat);

    uint8_t n_hdr[kHdrBytes];
    unsigned lanes = 0;
    for (int l = 0; l < kBytes; ++l) lanes += unsigned(accepted && beat.keep[l]);
    for (int b = 0; b < kHdrBytes; ++b) {
      const int l = b % kBytes;
      if (accepted && int(in_beat) == b / kBytes)
        n_hdr[b] = beat.keep[l] ? uint8_t(beat.data.range(8 * l + 7, 8 * l)) : 0;
      else if (accepted && in_beat == 0)
        n_hdr[b] = 0;  // a new frame: nothing of the previous one shows through
      else
        n_hdr[b] = hdr[b];
    }
    const uint32_t len_sum = in_bytes + lanes;
    const uint32_t n_len = len_sum > kLenMax ? kLenMax : len_sum;
    const bool frame_end = accepted && beat.last[0];

    // The engine sums the TCP segment: octets before it read as zero.
    if (accepted) {
      Beat cb = beat;
      for (int l = 0; l < kBytes; ++l)
        if (int(in_beat) * kBytes + l < kTcpOff) cb.data.range(8 * l + 7, 8 * l) = 0;
      csum_in.write(cb);
    }
    csum.step(csum_in, csum_out);
    if (!csum_in.empty()) {  // the engine refused a beat: cannot happen, see kCsumStage
      csum_in.read();
      internal_error = true;
    }
    ap_uint<16> csum_sum = 0;
    const bool csum_valid = csum_out.read_nb(csum_sum);
    if (csum_valid != w[kCsumStage - 1].valid) internal_error = true;

    // ---- fa -> w[0]: decode
    Stage n_w[kWalkStages + 1];
    decode(n_w[0]);
    // ---- w[s-1] -> w[s]: the option walk
    for (int s = 1; s <= kWalkStages; ++s) {
      n_w[s] = w[s - 1];
      walk(n_w[s]);
      if (s == kCsumStage) n_w[s].csum = uint16_t(csum_sum.to_uint());
    }
    // ---- w[5] -> final -> output queue
    const Stage& z = w[kWalkStages];
    uint8_t fin_desc[wire::rx_desc::kSize];
    bool mal = false, ip_bad = false, tcp_bad = false;
    if (z.valid) finish(z, fin_desc, mal, ip_bad, tcp_bad);

    // ---- commit (the clock edge)
    if (z.valid) {
      for (int i = 0; i < wire::rx_desc::kSize; ++i) fifo_mem[fifo_wr][i] = fin_desc[i];
      fifo_wr = (fifo_wr + 1) % kFifoDepth;
      stat_frames += 1;
      stat_malformed += uint32_t(mal);
      stat_ip_csum_bad += uint32_t(ip_bad);
      stat_tcp_csum_bad += uint32_t(tcp_bad);
    }
    if (popped) fifo_rd = (fifo_rd + 1) % kFifoDepth;
    fifo_count = fifo_count + unsigned(z.valid) - unsigned(popped);
    for (int s = 0; s <= kWalkStages; ++s) w[s] = n_w[s];
    if (frame_end) {
      for (int b = 0; b < kHdrBytes; ++b) fa_hdr[b] = n_hdr[b];
      fa_len = n_len;
    }
    fa_valid = frame_end;
    if (accepted) {
      for (int b = 0; b < kHdrBytes; ++b) hdr[b] = n_hdr[b];
      in_beat = frame_end ? 0 : (in_beat == kBeatMax ? in_beat : in_beat + 1);
      in_bytes = frame_end ? 0 : n_len;
    }
  }

  // The counters, as the RTL's stat_* outputs show them this cycle.
  uint32_t frames() const { return stat_frames; }
  uint32_t malformed() const { return stat_malformed; }
  uint32_t ip_csum_bad() const { return stat_ip_csum_bad; }
  uint32_t tcp_csum_bad() const { return stat_tcp_csum_bad; }
  // C-sim only: the engine's sum did not meet its frame (a broken invariant).
  bool had_internal_error() const { return internal_error; }

 private:
  // The registers of one stage from w[0] (decode) to w[5] (walk done).
  struct Stage {
    bool valid = false;
    uint8_t desc[wire::rx_desc::kSize] = {};  // fixed fields placed, the rest zero
    uint8_t opt[kOptBytes] = {};               // the option area, for the values
    uint8_t cls[kOptBytes] = {};               // class of an option starting at p
    uint8_t nxt[kOptBytes] = {};               // where the next one starts
    uint8_t code = 0;                          // Malformed checks 1..8
    bool ip_chk = false, ip_ok = false;
    uint16_t adj = 0;  // pseudo-header sum +' ~(padding sum)
    uint16_t csum = 0;  // from w[kCsumStage] on: the engine's sum
    uint8_t pl_off = 0;
    uint16_t pl_len = 0;
    // Walk state.
    uint8_t ptr = 0;
    bool done = false, bad = false;
    bool mss_f = false, ws_f = false, sack_f = false, ts_f = false;
    uint8_t mss_pos = 0, ws_pos = 0, ts_pos = 0;
    uint8_t unk = 0;
  };

  static uint32_t be(const uint8_t* h, int off, int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | h[off + i];
    return v;
  }

  void decode(Stage& o) const {
    namespace w4 = wire::ipv4;
    namespace wt = wire::tcp;
    const uint8_t* h = fa_hdr;
    const uint32_t fl = fa_len;
    const uint32_t ethertype = be(h, wire::eth::kEtherType.offset, 2);
    const uint32_t vihl = h[kIpOff];
    const uint32_t version = vihl >> 4, ihl = vihl & 15u;
    const uint32_t tl = be(h, kIpOff + w4::kTotalLen.offset, 2);
    const uint32_t frag = be(h, kIpOff + w4::kDontFrag.offset, 2);
    const bool mf = (frag & w4::kMoreFrags.mask()) != 0;
    const uint32_t frag_off = frag & w4::kFragOffset.mask();
    const uint32_t proto = h[kIpOff + w4::kProtocol.offset];
    const uint32_t src = be(h, kIpOff + w4::kSrcAddr.offset, 4);
    const uint32_t dst = be(h, kIpOff + w4::kDstAddr.offset, 4);
    const uint32_t doff_byte = h[kTcpOff + wt::kDataOffset.offset];
    const uint32_t doff = doff_byte >> 4;
    const uint32_t l3 = fl - kIpOff;  // fl >= 54 wherever it is used

    uint8_t code = 0;
    if (fl < wire::frame::kMinTcpFrameLen) code = 1;
    else if (ethertype != wire::eth::kEtherTypeIpv4 || version != w4::kVersion4) code = 2;
    else if (ihl < 5) code = 3;
    else if (ihl > 5) code = 4;
    else if (tl < w4::kHeaderLen || tl > l3 || (tl < l3 && fl > wire::eth::kMinFrameLen)) code = 5;
    else if (mf || frag_off != 0) code = 6;
    else if (proto != w4::kProtocolTcp) code = 7;
    else if (tl - w4::kHeaderLen < wt::kHeaderLen || doff < 5 || 4 * doff > tl - w4::kHeaderLen)
      code = 8;
    o.valid = fa_valid;
    o.code = code;
    o.ip_chk = code == 0 || code >= 5;
    o.ip_ok = o.ip_chk && csum::sum_bytes(h + kIpOff, w4::kHeaderLen) == 0xffff;

    // The padding (octets from 14 + total length to the frame's end) lies
    // within octets 34..59 whenever the TCP checksum is judged; the engine
    // summed it, so it is taken out again here.
    uint8_t pad[wire::eth::kMinFrameLen - kTcpOff];
    for (int i = 0; i < wire::eth::kMinFrameLen - kTcpOff; ++i) {
      const uint32_t p = uint32_t(kTcpOff + i);
      pad[i] = (p >= kIpOff + tl && p < fl) ? h[p] : 0;
    }
    const uint16_t pad_sum = csum::sum_bytes(pad, sizeof pad);
    const uint16_t pseudo = csum::ipv4_pseudo_header_sum(
        src, dst, w4::kProtocolTcp, uint16_t(tl - w4::kHeaderLen));
    o.adj = csum::ones_add(uint16_t(~pad_sum), pseudo);
    o.pl_off = uint8_t(kTcpOff + 4 * doff);
    o.pl_len = uint16_t(tl - w4::kHeaderLen - 4 * doff);

    // The option table: what an option starting at octet p would be, given
    // the option area's length L. Octets at or past L stop the walk.
    const uint32_t L = doff >= 5 ? 4 * doff - wt::kHeaderLen : 0;
    for (int p = 0; p < kOptBytes; ++p) {
      const uint32_t kind = h[kOptOff + p];
      const uint32_t len = p + 1 < kOptBytes ? h[kOptOff + p + 1] : 0;
      uint8_t c, n = 0;
      if (uint32_t(p) >= L || kind == wt::opt::kEol) {
        c = kClsStop;
      } else if (kind == wt::opt::kNop) {
        c = kClsNop;
        n = uint8_t(p + 1);
      } else if (uint32_t(p) + 1 >= L || len < 2 || len > L - p) {
        c = kClsBad;
      } else {
        n = uint8_t(p + len);
        if (kind == wt::opt::kMss) c = len == wt::opt::kMssLen ? kClsMss : kClsBad;
        else if (kind == wt::opt::kWindowScale)
          c = len == wt::opt::kWindowScaleLen ? kClsWs : kClsBad;
        else if (kind == wt::opt::kSackPermitted)
          c = len == wt::opt::kSackPermittedLen ? kClsSack : kClsBad;
        else if (kind == wt::opt::kTimestamps)
          c = len == wt::opt::kTimestampsLen ? kClsTs : kClsBad;
        else c = kClsUnknown;
      }
      o.cls[p] = c;
      o.nxt[p] = c == kClsBad ? 0 : n;
      o.opt[p] = h[kOptOff + p];
    }
    o.ptr = 0;
    o.done = o.bad = false;
    o.mss_f = o.ws_f = o.sack_f = o.ts_f = false;
    o.mss_pos = o.ws_pos = o.ts_pos = 0;
    o.unk = 0;
    o.csum = 0;

    wire::RxDescriptor d;
    for (int i = 0; i < 6; ++i) {
      d.eth_dst[i] = h[wire::eth::kDst.offset + i];
      d.eth_src[i] = h[wire::eth::kSrc.offset + i];
    }
    d.ethertype = uint16_t(ethertype);
    d.ip_tos = h[kIpOff + 1];
    d.ip_ttl = h[kIpOff + w4::kTtl.offset];
    d.ip_src = src;
    d.ip_dst = dst;
    d.ip_total_len = uint16_t(tl);
    d.ip_ident = uint16_t(be(h, kIpOff + w4::kIdent.offset, 2));
    d.ip_flags = uint8_t(((frag & w4::kDontFrag.mask()) ? wire::rx_desc::ip_flag::kDontFrag : 0) |
                         (mf ? wire::rx_desc::ip_flag::kMoreFrags : 0) |
                         ((frag & w4::kReservedFlag.mask()) ? wire::rx_desc::ip_flag::kReserved
                                                             : 0));
    d.ip_protocol = uint8_t(proto);
    d.tcp_data_offset = uint8_t(doff);
    d.tcp_reserved = uint8_t(doff_byte & 15u);
    d.tcp_flags = h[kTcpOff + wt::kDataOffset.offset + 1];
    d.tcp_src_port = uint16_t(be(h, kTcpOff + wt::kSrcPort.offset, 2));
    d.tcp_dst_port = uint16_t(be(h, kTcpOff + wt::kDstPort.offset, 2));
    d.tcp_seq = be(h, kTcpOff + wt::kSeqNum.offset, 4);
    d.tcp_ack = be(h, kTcpOff + wt::kAckNum.offset, 4);
    d.tcp_window = uint16_t(be(h, kTcpOff + wt::kWindow.offset, 2));
    d.tcp_urgent = uint16_t(be(h, kTcpOff + wt::kUrgentPtr.offset, 2));
    const wire::RxDescriptorBytes bytes = wire::pack(d);
    for (int i = 0; i < wire::rx_desc::kSize; ++i) o.desc[i] = bytes[i];
  }

  static void walk(Stage& st) {
    for (int k = 0; k < kWalkSteps; ++k) {
#pragma HLS UNROLL
      if (st.done) continue;
      const uint8_t c = st.ptr < kOptBytes ? st.cls[st.ptr] : uint8_t(kClsStop);
      const uint8_t n = st.ptr < kOptBytes ? st.nxt[st.ptr] : uint8_t(0);
      switch (c) {
        case kClsStop: st.done = true; break;
        case kClsBad: st.done = st.bad = true; break;
        case kClsMss: st.mss_f = true; st.mss_pos = st.ptr; break;
        case kClsWs: st.ws_f = true; st.ws_pos = st.ptr; break;
        case kClsSack: st.sack_f = true; break;
        case kClsTs: st.ts_f = true; st.ts_pos = st.ptr; break;
        case kClsUnknown: st.unk = uint8_t(st.unk + 1); break;
        default: break;
      }
      if (!st.done) st.ptr = n;
    }
  }

  static void finish(const Stage& z, uint8_t* out, bool& mal, bool& ip_bad, bool& tcp_bad) {
    namespace rd = wire::rx_desc;
    const uint8_t code = z.code != 0 ? z.code : (z.bad ? uint8_t(wire::Malformed::kTcpOption) : 0);
    const bool ok = code == 0;
    const bool tcp_chk = ok || code == uint8_t(wire::Malformed::kTcpDataOffset) ||
                         code == uint8_t(wire::Malformed::kTcpOption);
    const bool tcp_ok = tcp_chk && csum::ones_add(z.csum, z.adj) == 0xffff;
    for (int i = 0; i < rd::kSize; ++i) out[i] = z.desc[i];
    if (ok) {
      // Big-endian in the record, like every multi-octet field: the options'
      // values are their octets in frame order. Only positions of options
      // that fit the area were recorded, so these reads stay inside it.
      const auto put = [out](wire::Field f, uint32_t v) { wire::set_field(out, f, v); };
      if (z.mss_f) put(rd::kOptMss, be(z.opt, z.mss_pos + 2, 2));
      if (z.ws_f) put(rd::kOptWindowScale, z.opt[z.ws_pos + 2]);
      if (z.ts_f) {
        put(rd::kOptTsVal, be(z.opt, z.ts_pos + 2, 4));
        put(rd::kOptTsEcr, be(z.opt, z.ts_pos + 6, 4));
      }
      const uint32_t unk = z.unk > rd::opt_found::kUnknownMax ? rd::opt_found::kUnknownMax : z.unk;
      put(rd::kOptFound, (z.mss_f ? rd::opt_found::kMss : 0u) |
                             (z.ws_f ? rd::opt_found::kWindowScale : 0u) |
                             (z.sack_f ? rd::opt_found::kSackPermitted : 0u) |
                             (z.ts_f ? rd::opt_found::kTimestamps : 0u) |
                             unk << rd::opt_found::kUnknownShift);
      put(rd::kPayloadOffset, z.pl_off);
      put(rd::kPayloadLen, z.pl_len);
    }
    out[rd::kVerdict.offset] = uint8_t(code | (z.ip_chk ? rd::verdict::kIpCsumChecked : 0) |
                                       (tcp_chk ? rd::verdict::kTcpCsumChecked : 0) |
                                       (z.ip_ok ? rd::verdict::kIpCsumOk : 0) |
                                       (tcp_ok ? rd::verdict::kTcpCsumOk : 0));
    mal = !ok;
    ip_bad = z.ip_chk && !z.ip_ok;
    tcp_bad = tcp_chk && !tcp_ok;
  }

  // Input side.
  uint8_t in_beat = 0;    // beat index in the frame, saturating at kBeatMax
  uint32_t in_bytes = 0;  // octets before this beat, saturating at kLenMax
  uint8_t hdr[kHdrBytes] = {};
  // The checksum engine and the wires to it.
  TcpCsum<DATA_W> csum;
  ::hls::stream<Beat> csum_in;
  ::hls::stream<ap_uint<16>> csum_out;
  // fa: a frame that has ended.
  bool fa_valid = false;
  uint8_t fa_hdr[kHdrBytes] = {};
  uint32_t fa_len = 0;
  // Decode and walk.
  Stage w[kWalkStages + 1];
  // Output queue and counters.
  uint8_t fifo_mem[kFifoDepth][wire::rx_desc::kSize] = {};
  unsigned fifo_rd = 0, fifo_wr = 0, fifo_count = 0;
  uint32_t stat_frames = 0, stat_malformed = 0, stat_ip_csum_bad = 0, stat_tcp_csum_bad = 0;
  bool internal_error = false;
};

}  // namespace tcpoe::kernels

#ifndef TCP_RX_PARSER_DATA_W
#define TCP_RX_PARSER_DATA_W 64
#endif

// The synthesis top: a free-running kernel (no start/done), one call per
// clock. TCP_RX_PARSER_DATA_W picks the width (64, 128, 256, 512).
void tcp_rx_parser_top(
    hls::stream<tcpoe::kernels::AxisBeat<TCP_RX_PARSER_DATA_W>>& s_axis,
    hls::stream<ap_uint<8 * tcpoe::wire::rx_desc::kSize>>& m_desc, ap_uint<32>& stat_frames,
    ap_uint<32>& stat_malformed, ap_uint<32>& stat_ip_csum_bad, ap_uint<32>& stat_tcp_csum_bad);

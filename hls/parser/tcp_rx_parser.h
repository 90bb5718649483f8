// Receive parser kernel: Ethernet II / IPv4 / TCP frames in on an AXI4-Stream,
// one 64-octet descriptor (wire/include/tcpoe/wire/rx_descriptor.h) out per
// frame, in order, malformed frames included. The rules it applies are
// parse_frame()'s (wire/include/tcpoe/wire/frame.h). This is the bit- and
// cycle-level reference of rtl/tcp_rx_parser.sv: every member below is a
// register (or memory) of that module with the same name (the registers
// w_<name> of pipeline stage s in the RTL are w[s].<name> here; walk unit k
// is the RTL's g_walk[k].u_unit, rtl/tcp_rx_opt_walk_unit.sv, whose
// registers are the packed struct tcp_rx_opt_walk_pkg::unit_t with the
// fields of Unit below), and step() is one rising clock edge.
//
// Pipeline, for a frame whose last beat is taken at edge t:
//   in      every beat: octets 0..93 (Ethernet + IPv4 + the longest TCP
//           header) kept in `hdr` (octets 0..53 zero past the frame's end;
//           the option octets, 54 on, stay until a later frame overwrites
//           them); the octet count; the beat into the checksum engine
//           (hls/csum, rtl/tcp_csum.sv) with octets 0..33 and any Ethernet
//           padding (octets 14 + total length .. 59) zeroed, so that it sums
//           exactly the TCP segment.
//   fa      (edge t) the frame's length; `hdr` holds the frame until the
//           next beat is taken.
//   w[0]    (edge t+1) decode, from `hdr`: the fixed fields into the output
//           queue's memory (`fix_mem`, big-endian as rx_descriptor.h packs
//           them, so a header field's octets keep their frame order); the
//           Malformed checks 1..8, the IPv4 header verdict, payload offset
//           and length into `dec_mem` (and the option octets 2..39 into
//           `opt_mem` where they would not stay in hdr), where the last
//           stage reads them; the pseudo-header sum.
//   walk    (cycles t+1..t+6) the option walk, window j = positions 7j..7j+6
//           in cycle t+1+j, in walk units (`u`): unit k takes a frame for
//           kWindowsPerUnit windows from window k * kWindowsPerUnit;
//           kWindowsPerUnit = 6, 3, 2, 1 at DATA_W 64, 128, 256, 512 (a
//           frame that needs the walk comes at most once per 8, 4, 2, 1
//           beats), so 1, 2, 3, 6 units. Windows read the option
//           octets in hdr while the next frame has not overwritten them, later
//           ones copies taken at the decode and handed on with the frame.
//   w[1..5] (edges t+2..t+6) the frame's place in the pipeline; w[5] takes
//           the engine's sum (6 cycles after the last beat; w[3], 4 cycles,
//           wider than 64 bits: TcpCsum::kLatency) and judges the
//           TCP checksum.
//   final   (edge t+7) the verdict, the options' values (big-endian too:
//           MSS and window scale as the walk found them, timestamps from the
//           option octets at the position it recorded), the rest of the
//           record into the queue (`var_mem`): m_desc_tvalid from cycle t+8,
//           8 cycles after the last beat, at every DATA_W.
// Nothing inside stalls. s_axis is ready while the output queue has room for
// every frame already past the input plus one, so a stalled m_desc never
// loses a descriptor and ready never depends on m_desc_tready
// combinationally; it also keeps the frames in the queue plus those inside
// at 16 or fewer, so frame n owns queue slot n mod 16 from its decode on.
// One beat per clock, so back-to-back one-beat frames give one descriptor
// per clock.
#pragma once

#include <cstdint>

#include "tcp_csum.h"
#include "tcpoe/hls/types.h"
#include "tcpoe/wire/checksum.h"
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
  static constexpr int kStages = 6;  // the frame pipeline w[0..5]
  // The option walk: window j is positions kPosPerWindow*j .. kPosPerWindow*j+6, walked in cycle
  // t+1+j. A frame that needs it (well-formed as far as check 8, with
  // options: 58 octets or more) comes at most once per kSpacing beats, so a
  // walk unit can keep a frame for kWindowsPerUnit windows.
  static constexpr int kPosPerWindow = 7;
  static constexpr int kWindows = 6;
  // A window's octets: its positions, then up to the MSS value's end.
  static constexpr int kWindowOctets = kPosPerWindow + 3;
  static constexpr int kSpacing = (kOptOff + 4 + kBytes - 1) / kBytes;  // 8, 4, 2, 1
  static constexpr int kWindowsPerUnit =
      kSpacing >= 6 ? 6 : (kSpacing >= 3 ? 3 : kSpacing);  // 6, 3, 2, 1
  static constexpr int kUnits = kWindows / kWindowsPerUnit;
  // Window j's octets are still in hdr in cycle t+1+j (the next frame has
  // not overwritten them) for j < kFirstCopiedWindow; later windows read
  // copies taken at the decode and handed from unit to unit with the frame.
  static constexpr bool in_hdr(int j) { return (kOptOff + kPosPerWindow * j) / kBytes >= j; }
  static constexpr int kFirstCopiedWindow = kBytes == 64 ? 1 : (kBytes == 32 ? 3 : kWindows);
  static_assert(kWindowsPerUnit <= kSpacing && kUnits * kWindowsPerUnit == kWindows &&
                    kPosPerWindow * kWindows >= kOptBytes + 2,
                "the walk units fit");
  static_assert(in_hdr(kFirstCopiedWindow - 1) &&
                    (kFirstCopiedWindow == kWindows || !in_hdr(kFirstCopiedWindow)),
                "copies exactly where hdr no longer holds the window");
  static constexpr int kOptValueOff = 2;  // an option's value follows its kind and length
  static constexpr int kOptValueOctets = kOptBytes - kOptValueOff;  // octets 2..39: the values
  // They are still in hdr when the last stage reads them at DATA_W=64.
  static constexpr bool kOptValuesInHdr = (kOptOff + kOptValueOff) / kBytes >= kStages;
  // w[kCsumStage] is loaded when the sum arrives: w[s] is loaded at edge
  // t+1+s and the sum shows at cycle t+kLatency of the engine (6 at 64
  // bits: w[5]; 4 wider: w[3]).
  static constexpr int kCsumStage = TcpCsum<DATA_W>::kLatency - 1;
  static_assert(kCsumStage >= 1 && kCsumStage < kStages, "the sum meets its frame");
  static constexpr int kFifoDepth = 16;
  static constexpr int kInflightMax = 1 + kStages;  // fa, w[0..5]
  static_assert(kFifoDepth > kInflightMax, "full rate with a ready consumer");
  static constexpr int kLatency = 2 + kStages;     // last beat -> m_desc_tvalid
  static constexpr uint32_t kLenMax = (1u << 17) - 1;  // frame length saturates here
  static constexpr int kBeatMax = 15;                  // beat index saturates here
  // The record in two parts: octets 0..47 written at the decode, 48..63 at the end.
  static constexpr int kFixBytes = wire::rx_desc::kOptMss.offset;  // 48
  static constexpr int kVarBytes = wire::rx_desc::kSize - kFixBytes;

  using Beat = AxisBeat<DATA_W>;
  using Desc = ap_uint<8 * wire::rx_desc::kSize>;

  // One clock cycle: reads at most one beat (only while ready), offers at
  // most one descriptor.
  void step(::hls::stream<Beat>& s_axis, ::hls::stream<Desc>& m_desc) {
#pragma HLS INLINE
    // ---- outputs of this cycle, from the registers before the edge
    unsigned inflight = unsigned(fa_valid);
    for (int s = 0; s < kStages; ++s) inflight += unsigned(w[s].valid);
    const bool s_ready = unsigned(kFifoDepth - fifo_count) > inflight;

    bool popped = false;
    if (fifo_count != 0) {
      Desc d;
      for (int i = 0; i < kFixBytes; ++i) d.range(8 * i + 7, 8 * i) = fix_mem[fifo_rd][i];
      for (int i = 0; i < kVarBytes; ++i)
        d.range(8 * (kFixBytes + i) + 7, 8 * (kFixBytes + i)) = var_mem[fifo_rd][i];
      popped = m_desc.write_nb(d);
    }

    // ---- s_axis -> hdr / in_*, the checksum engine, fa
    Beat beat;
    bool accepted = false;
    if (s_ready) accepted = s_axis.read_nb(beat);

    uint8_t kept[kBytes];
    unsigned lanes = 0;
    for (int l = 0; l < kBytes; ++l) {
      kept[l] = accepted && beat.keep[l] ? uint8_t(beat.data.range(8 * l + 7, 8 * l)) : 0;
      lanes += unsigned(accepted && beat.keep[l]);
    }
    uint8_t n_hdr[kHdrBytes];
    for (int b = 0; b < kHdrBytes; ++b) {
      if (accepted && int(in_beat) == b / kBytes) n_hdr[b] = kept[b % kBytes];
      else if (accepted && in_beat == 0 && b < kOptOff) n_hdr[b] = 0;  // a new frame
      else n_hdr[b] = hdr[b];
    }
    const uint32_t len_sum = in_bytes + lanes;
    const uint32_t n_len = len_sum > kLenMax ? kLenMax : len_sum;
    const bool frame_end = accepted && beat.last[0];

    // The engine sums the TCP segment: octets before it, and the Ethernet
    // padding (octets from 14 + total length to 59), read as zero.
    if (accepted) {
      constexpr int kTl = kIpOff + wire::ipv4::kTotalLen.offset;  // 16
      uint8_t tl_now[2];
      for (int i = 0; i < 2; ++i)
        tl_now[i] = int(in_beat) == (kTl + i) / kBytes ? kept[(kTl + i) % kBytes] : hdr[kTl + i];
      const uint32_t tl16 = uint32_t(tl_now[0]) << 8 | tl_now[1];
      const uint32_t seg_end = (tl16 & 63u) + kIpOff;  // 14 + total length, when below 64
      Beat cb = beat;
      for (int l = 0; l < kBytes; ++l) {
        const uint32_t idx = uint32_t(in_beat) * kBytes + uint32_t(l);
        if (idx < uint32_t(kTcpOff) ||
            (idx < uint32_t(wire::eth::kMinFrameLen) && (tl16 >> 6) == 0 && seg_end <= idx))
          cb.data.range(8 * l + 7, 8 * l) = 0;
      }
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

    // ---- fa -> w[0]: decode (from hdr, which still holds the frame)
    uint8_t d_fix[kFixBytes];
    Dec d_dm;
    uint16_t d_p16 = 0;
    bool d_ok8 = false;  // no Malformed code from checks 1..8
    uint8_t d_doff = 0;
    decode(d_fix, d_dm, d_p16, d_ok8, d_doff);
    const bool claim = fa_valid && (kWindowsPerUnit == 1 || (d_ok8 && d_doff > 5));

    // ---- the walk units: each walks one window when it has a frame
    Unit n_u[kUnits];
    bool first[kUnits], act[kUnits], fresh[kUnits];
    unsigned cw[kUnits];
    for (int k = 0; k < kUnits; ++k) {
      // It walks a window when a frame comes in (first) or while it has one;
      // from the incoming frame's state unless busy (`fresh`: for unit 0 it
      // does not depend on the decode's verdict).
      first[k] = k == 0 ? claim : u[k - 1].fin;
      act[k] = first[k] || (kWindowsPerUnit > 1 && u[k].busy);
      fresh[k] = kWindowsPerUnit == 1 || (k == 0 ? !u[k].busy : u[k - 1].fin);
      cw[k] = fresh[k] ? 0 : u[k].c;
      n_u[k] = u[k];
      n_u[k].fin = false;
      if (act[k]) {
        Unit in = u[k];
        if (fresh[k] && k == 0) {
          in.stop = false;
          in.nr = 0;
          in.doff = d_doff;
          in.bad = in.mss_f = in.ws_f = in.sack_f = in.ts_f = false;
          in.mss = 0;
          in.ws = 0;
          in.ts_pos = 0;
          in.unk = 0;
        } else if (fresh[k]) {
          in = u[k - 1];
        }
        const int j = k * kWindowsPerUnit + int(cw[k]);
        // The copies it reads: the incoming ones with a new frame, else its own.
        const uint8_t* copy = k == 0 ? hdr + kOptOff : (fresh[k] ? u[k - 1].opt : u[k].opt);
        uint8_t win[kWindowOctets];
        for (int i = 0; i < kWindowOctets; ++i) {
          const int q = kPosPerWindow * j + i;
          win[i] = q >= kOptBytes ? 0 : (j < kFirstCopiedWindow ? hdr[kOptOff + q] : copy[q]);
        }
        walk_window(in, win, j);
        n_u[k].stop = in.stop;
        n_u[k].nr = in.nr;
        n_u[k].doff = in.doff;
        n_u[k].bad = in.bad;
        n_u[k].mss_f = in.mss_f, n_u[k].ws_f = in.ws_f;
        n_u[k].sack_f = in.sack_f, n_u[k].ts_f = in.ts_f;
        n_u[k].mss = in.mss, n_u[k].ws = in.ws, n_u[k].ts_pos = in.ts_pos;
        n_u[k].unk = in.unk;
        if (cw[k] == unsigned(kWindowsPerUnit - 1)) {
          n_u[k].busy = false;
          n_u[k].fin = true;
        } else {
          n_u[k].busy = true;
          n_u[k].c = uint8_t(cw[k] + 1);
        }
      }
      if (first[k] && u[k].busy) internal_error = true;  // a unit taken while in use
      // The copies, taken with the frame: octets of windows kFirstCopiedWindow on that this
      // unit (after its first window) and the later units read (every cycle
      // when kWindowsPerUnit = 1).
      if (kWindowsPerUnit == 1 || first[k]) {
        const uint8_t* in_copy = k == 0 ? hdr + kOptOff : u[k - 1].opt;
        const int second = k * kWindowsPerUnit + 1;  // the unit's second window
        const int keep_from =
            kPosPerWindow * (second > kFirstCopiedWindow ? second : kFirstCopiedWindow);
        for (int q = 0; q < kOptBytes; ++q) n_u[k].opt[q] = q >= keep_from ? in_copy[q] : 0;
      }
    }

    // ---- w[0..5]: the frame's place in the pipeline; the TCP verdict's sums
    //      meet in w[kCsumStage]
    Stage n_w[kStages];
    n_w[0].valid = fa_valid;
    n_w[0].walked = claim;
    n_w[0].p16 = d_p16;
    n_w[0].tsum_ok = false;
    for (int s = 1; s < kStages; ++s) {
      n_w[s].valid = w[s - 1].valid;
      n_w[s].walked = w[s - 1].walked;
      n_w[s].p16 = s < kCsumStage ? w[s - 1].p16 : 0;
      if (s == kCsumStage) {
        // The segment's sum plus the pseudo-header's is 0xffff (modulo
        // 0xffff: the pseudo-header's folded sum is never zero).
        const uint16_t c = uint16_t(csum_sum.to_uint()), p = w[s - 1].p16;
        n_w[s].tsum_ok = c == uint16_t(~p) || (c == 0xffff && p == 0xffff);
      } else {
        n_w[s].tsum_ok = s > kCsumStage ? w[s - 1].tsum_ok : false;
      }
    }

    // ---- w[5] -> final -> output queue
    const Stage& z = w[kStages - 1];
    const Dec& dm = dec_mem[fifo_wr];
    const uint8_t* opt_values = kOptValuesInHdr ? hdr + kOptOff + kOptValueOff : opt_mem[fifo_wr];
    uint8_t f_var[kVarBytes];
    bool mal = false, ip_bad = false, tcp_bad = false;
    if (z.valid) finish(z, u[kUnits - 1], dm, opt_values, f_var, mal, ip_bad, tcp_bad);

    // ---- commit (the clock edge)
    if (fa_valid) {
      for (int i = 0; i < kFixBytes; ++i) fix_mem[fix_wr][i] = d_fix[i];
      dec_mem[fix_wr] = d_dm;
      if (!kOptValuesInHdr)
        for (int i = 0; i < kOptValueOctets; ++i)
          opt_mem[fix_wr][i] = hdr[kOptOff + kOptValueOff + i];
      fix_wr = (fix_wr + 1) % kFifoDepth;
    }
    if (z.valid) {
      for (int i = 0; i < kVarBytes; ++i) var_mem[fifo_wr][i] = f_var[i];
      fifo_wr = (fifo_wr + 1) % kFifoDepth;
      stat_frames += 1;
      stat_malformed += uint32_t(mal);
      stat_ip_csum_bad += uint32_t(ip_bad);
      stat_tcp_csum_bad += uint32_t(tcp_bad);
    }
    if (popped) fifo_rd = (fifo_rd + 1) % kFifoDepth;
    fifo_count = fifo_count + unsigned(z.valid) - unsigned(popped);
    for (int k = 0; k < kUnits; ++k) u[k] = n_u[k];
    for (int s = 0; s < kStages; ++s) w[s] = n_w[s];
    if (frame_end) fa_len = n_len;
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
  // Test only, as the RTL's harness writes its counter registers: the
  // counters' values from now on (to prove their width and wrap-around).
  void tb_preload_counters(uint32_t frames, uint32_t malformed, uint32_t ip_csum_bad,
                           uint32_t tcp_csum_bad) {
    stat_frames = frames;
    stat_malformed = malformed;
    stat_ip_csum_bad = ip_csum_bad;
    stat_tcp_csum_bad = tcp_csum_bad;
  }
  // C-sim only: the engine's sum did not meet its frame, or a walk unit was
  // given a frame while in use (broken invariants).
  bool had_internal_error() const { return internal_error; }

 private:
  // The registers of one stage of the frame pipeline, w[0] to w[5].
  struct Stage {
    bool valid = false;
    bool walked = false;   // the frame went through the walk units
    uint16_t p16 = 0;      // pseudo-header sum, up to w[kCsumStage - 1]
    bool tsum_ok = false;  // from w[kCsumStage]: segment + pseudo-header sum to 0xffff
  };
  // The registers of one walk unit: tcp_rx_opt_walk_pkg::unit_t in the RTL,
  // the same fields with the same names.
  struct Unit {
    bool busy = false, fin = false;  // walking a frame; gave it on last cycle
    uint8_t c = 0;                   // the window (in the unit) it walks next
    // Walk state: the next option starts at position nr of the next window
    // (unless stop); the data offset, for the option area's end.
    bool stop = false;
    uint8_t nr = 0;
    uint8_t doff = 0;
    bool bad = false;
    bool mss_f = false, ws_f = false, sack_f = false, ts_f = false;
    uint16_t mss = 0;     // MSS value
    uint8_t ws = 0;       // window scale shift
    uint8_t ts_pos = 0;   // position of the timestamps option
    uint8_t unk = 0;
    // Copies for windows kFirstCopiedWindow on: its later ones and the next units'.
    uint8_t opt[kOptBytes] = {};
  };
  // One dec_mem word: what the last stage needs of the decode.
  struct Dec {
    uint8_t pl_off = 0;
    uint16_t pl_len = 0;
    wire::Malformed code = wire::Malformed::kNone;  // checks 1..8
    bool ip_chk = false, ip_ok = false;
  };

  // Checks 5 on (and none failing) are made once the IPv4 header is known to
  // be 20 octets long: then its checksum is judged.
  static constexpr bool ip_header_judged(wire::Malformed code) {
    return code == wire::Malformed::kNone || code >= wire::Malformed::kIpTotalLen;
  }

  static uint32_t be(const uint8_t* h, int off, int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | h[off + i];
    return v;
  }

  void decode(uint8_t* fix, Dec& dm, uint16_t& p16, bool& ok8, uint8_t& doff_out) const {
    namespace w4 = wire::ipv4;
    namespace wt = wire::tcp;
    const uint8_t* h = hdr;
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
    const uint32_t tl_end = tl + kIpOff;
    const uint32_t doff_end = w4::kHeaderLen + 4 * doff;

    // Check 8 written for tl >= 20 (check 5 has made sure of it): a segment
    // below 20 octets, a data offset below 5 or past the segment.
    using M = wire::Malformed;
    M code = M::kNone;
    if (fl < wire::frame::kMinTcpFrameLen) code = M::kShortFrame;
    else if (ethertype != wire::eth::kEtherTypeIpv4 || version != w4::kVersion4) code = M::kNotIpv4;
    else if (ihl < 5) code = M::kIpHeaderLen;
    else if (ihl > 5) code = M::kIpOptions;
    else if (tl < w4::kHeaderLen || tl_end > fl || (tl_end < fl && fl > wire::eth::kMinFrameLen))
      code = M::kIpTotalLen;
    else if (mf || frag_off != 0) code = M::kFragment;
    else if (proto != w4::kProtocolTcp) code = M::kNotTcp;
    else if (doff < 5 || tl < doff_end) code = M::kTcpDataOffset;

    // The sums, modulo 0xffff. IPv4 header: judged once it is known to be 20
    // octets (never all zero then), right when its 20-bit total H:L has
    // L = 0xffff - H.
    const uint32_t sd = (src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu);
    uint32_t ip_acc = sd;
    for (int i = 0; i < 6; ++i) ip_acc += be(h, kIpOff + 2 * i, 2);
    dm.code = code;
    dm.ip_chk = ip_header_judged(code);
    dm.ip_ok = dm.ip_chk && (ip_acc & 0xffffu) == (0xffffu - (ip_acc >> 16));
    // Pseudo-header: addresses, protocol 6 and total length - 20, i.e.
    // total length - 14 = + 0xfff1 modulo 0xffff. Folded: never zero.
    const uint32_t ps_acc = sd + tl + 0xfff1u;
    const uint32_t ps_t = (ps_acc & 0xffffu) + (ps_acc >> 16);
    p16 = uint16_t((ps_t & 0xffffu) + (ps_t >> 16));
    dm.pl_off = uint8_t(kTcpOff + 4 * doff);
    dm.pl_len = uint16_t(tl - doff_end);
    ok8 = code == M::kNone;
    doff_out = uint8_t(doff);

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
    for (int i = 0; i < kFixBytes; ++i) fix[i] = bytes[i];
  }

  // Window j: positions p = kPosPerWindow*j + i (i < kPosPerWindow) of the option area, whose
  // length is L = 4 x data offset - 20; win[] holds its octets and the next
  // three. st.nr is where the next option starts, relative to the window. At
  // a start: a position at or past L ends the walk (bad if past L: the
  // option before ran past the header); EOL stops it; NOP goes on at the
  // next position; length 0 or 1, 64 up or reaching 64 positions past the
  // window, or a known kind with another length, is bad; otherwise the next
  // option starts length positions on. After the last window, a start past
  // L is bad. What starts inside the area is recorded (the last MSS, window
  // scale and timestamps win): the MSS and window scale values, the
  // timestamps option's position; unknown kinds are counted.
  static void walk_window(Unit& st, const uint8_t* win, int j) {
    namespace opt = wire::tcp::opt;
    bool hit[kPosPerWindow] = {};
    for (int i = 0; i < kPosPerWindow; ++i) {
#pragma HLS UNROLL
      const int p = kPosPerWindow * j + i;
      const uint32_t kind = win[i], len = win[i + 1];
      const uint32_t next = uint32_t(i) + (len & 63u);
      const bool past = st.doff <= 5 + p / 4;                   // p >= L
      const bool beyond = p > 0 && st.doff <= 5 + (p - 1) / 4;  // p > L
      const bool bad_opt = len < 2 || len >= 64 || next >= 64 ||
                           (kind == opt::kMss && len != opt::kMssLen) ||
                           (kind == opt::kWindowScale && len != opt::kWindowScaleLen) ||
                           (kind == opt::kSackPermitted && len != opt::kSackPermittedLen) ||
                           (kind == opt::kTimestamps && len != opt::kTimestampsLen);
      if (st.stop || st.nr != i) continue;
      hit[i] = !past;
      if (past) {
        if (beyond) st.bad = true;
        st.stop = true;
      } else if (kind == opt::kEol) {
        st.stop = true;
      } else if (kind == opt::kNop) {
        st.nr = uint8_t(i + 1);
      } else if (bad_opt) {
        st.bad = true;
        st.stop = true;
      } else {
        st.nr = uint8_t(next);
      }
    }
    if (j == kWindows - 1 && !st.stop &&
        unsigned(st.nr) + kPosPerWindow * (kWindows - 1) + wire::tcp::kHeaderLen > 4u * st.doff)
      st.bad = true;
    st.nr = uint8_t((st.nr - kPosPerWindow) & 63u);
    unsigned cnt = 0;
    for (int i = 0; i < kPosPerWindow; ++i) {
      if (!hit[i]) continue;
      const uint32_t kind = win[i];
      if (kind == opt::kMss) st.mss_f = true, st.mss = uint16_t(be(win, i + kOptValueOff, 2));
      else if (kind == opt::kWindowScale) st.ws_f = true, st.ws = win[i + kOptValueOff];
      else if (kind == opt::kSackPermitted) st.sack_f = true;
      else if (kind == opt::kTimestamps) st.ts_f = true, st.ts_pos = uint8_t(kPosPerWindow * j + i);
      else if (kind != opt::kEol && kind != opt::kNop) ++cnt;
    }
    st.unk = uint8_t(st.unk + cnt);
  }

  // The rest of the record (octets 48..63). A frame that did not go through
  // the walk has no options to report.
  static void finish(const Stage& z, const Unit& r, const Dec& dm, const uint8_t* opt_values,
                     uint8_t* out, bool& mal, bool& ip_bad, bool& tcp_bad) {
    namespace rd = wire::rx_desc;
    const bool bad = z.walked && r.bad;
    const bool mss_f = z.walked && r.mss_f, ws_f = z.walked && r.ws_f;
    const bool sack_f = z.walked && r.sack_f, ts_f = z.walked && r.ts_f;
    const uint32_t unk =
        !z.walked ? 0 : (r.unk > rd::opt_found::kUnknownMax ? rd::opt_found::kUnknownMax : r.unk);
    using M = wire::Malformed;
    const M code = dm.code != M::kNone ? dm.code : (bad ? M::kTcpOption : M::kNone);
    const bool ok = code == M::kNone;
    const bool tcp_chk = ok || code == M::kTcpDataOffset || code == M::kTcpOption;
    const bool tcp_ok = tcp_chk && z.tsum_ok;
    for (int i = 0; i < kVarBytes; ++i) out[i] = 0;
    // Fields of the second part, at their offsets in it.
    const auto put = [out](wire::Field f, uint32_t v) {
      wire::set_field(out, wire::Field{uint16_t(f.offset - kFixBytes), f.size}, v);
    };
    if (ok) {
      // Big-endian in the record, like every multi-octet field: the options'
      // values are their octets in frame order (opt_values[k] is option octet k + 2;
      // only a timestamps option that fits the area was recorded).
      if (mss_f) put(rd::kOptMss, r.mss);
      if (ws_f) put(rd::kOptWindowScale, r.ws);
      if (ts_f) {
        put(rd::kOptTsVal, be(opt_values, r.ts_pos, 4));
        put(rd::kOptTsEcr, be(opt_values, r.ts_pos + 4, 4));
      }
      put(rd::kOptFound, (mss_f ? rd::opt_found::kMss : 0u) |
                             (ws_f ? rd::opt_found::kWindowScale : 0u) |
                             (sack_f ? rd::opt_found::kSackPermitted : 0u) |
                             (ts_f ? rd::opt_found::kTimestamps : 0u) |
                             unk << rd::opt_found::kUnknownShift);
      put(rd::kPayloadOffset, dm.pl_off);
      put(rd::kPayloadLen, dm.pl_len);
    }
    out[rd::kVerdict.offset - kFixBytes] =
        uint8_t(uint8_t(code) | (dm.ip_chk ? rd::verdict::kIpCsumChecked : 0) |
                (tcp_chk ? rd::verdict::kTcpCsumChecked : 0) |
                (dm.ip_ok ? rd::verdict::kIpCsumOk : 0) | (tcp_ok ? rd::verdict::kTcpCsumOk : 0));
    mal = !ok;
    ip_bad = dm.ip_chk && !dm.ip_ok;
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
  // fa: a frame that has ended (its octets are still in hdr).
  bool fa_valid = false;
  uint32_t fa_len = 0;
  // The walk units and the frame pipeline.
  Unit u[kUnits];
  Stage w[kStages];
  // Output queue: slot n mod 16 belongs to frame n from its decode until it
  // is taken. fix_mem, dec_mem and opt_mem (only where the option octets do
  // not stay in hdr) are written at the decode (fix_wr), var_mem at the end
  // (fifo_wr), and the record is read at fifo_rd.
  uint8_t fix_mem[kFifoDepth][kFixBytes] = {};
  uint8_t var_mem[kFifoDepth][kVarBytes] = {};
  Dec dec_mem[kFifoDepth] = {};
  uint8_t opt_mem[kFifoDepth][kOptValueOctets] = {};
  unsigned fix_wr = 0, fifo_rd = 0, fifo_wr = 0, fifo_count = 0;
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

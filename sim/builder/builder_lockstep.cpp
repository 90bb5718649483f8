#include "builder_lockstep.h"

#include <optional>
#include <random>
#include <sstream>

#include "Vtcp_tx_builder_128.h"
#include "Vtcp_tx_builder_256.h"
#include "Vtcp_tx_builder_512.h"
#include "Vtcp_tx_builder_64.h"
#include "tcp_tx_builder.h"
#include "data_width.h"
#include "verilator_ports.h"
#include "vl_clocked.h"

namespace tcpoe::sim {
namespace {

std::size_t popcount64(uint64_t v) { return std::size_t(__builtin_popcountll(v)); }

struct PayloadBeat {
  const TxSegment* seg;
  std::size_t offset;  // payload octets in the packet's beats before this one
  uint64_t keep;       // lane l kept: bit l
  bool last;
};

template <int W, typename Top>
class BuilderBench {
 public:
  static constexpr int kBytes = W / 8;
  static constexpr uint64_t kAllLanes = kBytes == 64 ? ~uint64_t{0} : (uint64_t{1} << kBytes) - 1;
  using Model = kernels::TcpTxBuilder<W, kBuilderPayloadDepth>;

  BuilderBench(const std::vector<TxSegment>& segments, const BuilderRunOptions& opt)
      : segments_(segments), opt_(opt), rng_(opt.seed), top_(opt.fst_path) {
    for (std::size_t i = 0; i < segments_.size(); ++i) {
      const TxSegment& s = segments_[i];
      if (s.payload.empty() && s.payload_tkeep.empty()) continue;
      packets_.push_back(&s);
      if (s.payload_tkeep.empty()) continue;
      std::size_t kept = 0;
      for (const uint64_t k : s.payload_tkeep) kept += popcount64(k & kAllLanes);
      if (kept != s.payload.size() && setup_error_.empty()) {
        std::ostringstream os;
        os << "segment " << i << ": payload_tkeep keeps " << kept << " lanes for "
           << s.payload.size() << " payload octets";
        setup_error_ = os.str();
      }
    }
  }

  BuilderRunReport run() {
    if (!setup_error_.empty()) return fail(0, setup_error_);
    top_->s_desc_tvalid = 0;
    top_->s_axis_tvalid = 0;
    top_->m_axis_tready = 0;
    top_.reset();
    std::bernoulli_distribution offer_desc(opt_.desc_valid_probability),
        offer_payload(opt_.payload_valid_probability), ready(opt_.ready_probability);
    std::size_t next_desc = 0, next_pkt = 0, pkt_off = 0, pkt_beat = 0;
    bool desc_offered = false, payload_offered = false;
    std::vector<uint8_t> frame;
    uint64_t frame_start = 0, idle = 0;

    while (true) {
      const uint64_t cycle = report_.cycles;
      const uint32_t rtl_bad_desc = top_->stat_bad_desc, rtl_bad_payload = top_->stat_bad_payload;
      report_.stat_bad_desc = rtl_bad_desc;
      report_.stat_bad_payload = rtl_bad_payload;
      const std::size_t accounted = report_.frames.size() + rtl_bad_desc + rtl_bad_payload;
      if (next_desc == segments_.size() && next_pkt == packets_.size() &&
          accounted >= segments_.size()) {
        if (accounted > segments_.size()) return fail(cycle, "more frames and drops than segments");
        break;
      }

      // ---- drive the inputs for this cycle
      if (!desc_offered && next_desc < segments_.size()) desc_offered = offer_desc(rng_);
      if (!payload_offered && next_pkt < packets_.size()) payload_offered = offer_payload(rng_);
      std::optional<wire::TxDescriptorBytes> desc;
      if (desc_offered) desc = wire::pack(segments_[next_desc].desc);
      std::optional<PayloadBeat> beat;
      if (payload_offered) beat = beat_at(next_pkt, pkt_beat, pkt_off);
      drive(desc, beat);
      const bool m_ready = ready(rng_);
      top_->m_axis_tready = m_ready;
      top_.settle();

      const bool desc_ready = top_->s_desc_tready;
      const bool pay_ready = top_->s_axis_tready;
      const bool m_valid = top_->m_axis_tvalid;
      if (opt_.lockstep && !compare(cycle, desc, beat, m_ready)) return report_;

      // ---- the clock edge
      bool moved = false, bad_beat_taken = false;
      if (desc_offered && desc_ready) {
        report_.desc_cycle.push_back(cycle);
        ++next_desc;
        desc_offered = false;
        moved = true;
      }
      if (payload_offered && pay_ready) {
        payload_offered = false;
        moved = true;
        bad_beat_taken = breaks_tkeep_rule(*beat);
        report_.tkeep_violations += bad_beat_taken;
        if (beat->last) {
          ++next_pkt;
          pkt_off = 0;
          pkt_beat = 0;
        } else {
          pkt_off += popcount64(beat->keep);
          ++pkt_beat;
        }
      }
      if (m_valid && m_ready) {
        moved = true;
        if (frame.empty()) frame_start = cycle;
        if (report_.out_beats == 0) report_.first_out_cycle = cycle;
        report_.last_out_cycle = cycle;
        ++report_.out_beats;
        bool hole = false, seen_gap = false;
        for (int l = 0; l < kBytes; ++l) {
          const bool kept = get_bit(top_->m_axis_tkeep, l);
          if (kept) {
            if (seen_gap) hole = true;
            frame.push_back(get_lane(top_->m_axis_tdata, l));
          } else {
            seen_gap = true;
          }
        }
        const bool last = top_->m_axis_tlast;
        if (hole || (!last && seen_gap))
          return fail(cycle, "m_axis_tkeep is not all lanes, or lanes 0..n-1 on the last beat");
        if (last) {
          report_.frames.push_back(std::move(frame));
          report_.frame_first_cycle.push_back(frame_start);
          report_.frame_last_cycle.push_back(cycle);
          frame.clear();
        }
      }
      const int errors_before = top_.top().contextp()->errorCount();
      top_.rising_edge();
      ++report_.cycles;
      // RTL errors ($error of a failed assertion) at this edge: only the
      // tkeep rule's, at a beat breaking it, and only when the run expects it.
      const int errors = top_.top().contextp()->errorCount() - errors_before;
      if (opt_.expect_tkeep_errors && bad_beat_taken && errors == 1) {
        ++report_.rtl_tkeep_errors;
      } else if (errors != 0) {
        report_.rtl_assertion_fired = true;
        return fail(cycle, opt_.expect_tkeep_errors && !bad_beat_taken
                               ? "an RTL assertion fired, not at a payload beat breaking the tkeep "
                                 "rule (see the %Error line above)"
                               : "an RTL assertion fired (see the %Error line above)");
      } else if (opt_.expect_tkeep_errors && bad_beat_taken) {
        return fail(cycle, "a payload beat broke the tkeep rule and the RTL reported no error");
      }
      const bool dropped = top_->stat_bad_desc != rtl_bad_desc ||
                           top_->stat_bad_payload != rtl_bad_payload;
      idle = moved || dropped ? 0 : idle + 1;
      if (idle > opt_.stall_limit) return fail(cycle, "no handshake for too long: the builder hangs");
    }
    report_.ok = true;
    return report_;
  }

 private:
  // Beat `index` of packet `pkt`, `off` payload octets into it.
  PayloadBeat beat_at(std::size_t pkt, std::size_t index, std::size_t off) const {
    const TxSegment& s = *packets_[pkt];
    if (!s.payload_tkeep.empty())
      return PayloadBeat{&s, off, s.payload_tkeep[index] & kAllLanes,
                         index + 1 == s.payload_tkeep.size()};
    const std::size_t left = s.payload.size() - off;
    const uint64_t keep = left >= std::size_t(kBytes) ? kAllLanes : (uint64_t{1} << left) - 1;
    return PayloadBeat{&s, off, keep, off + kBytes >= s.payload.size()};
  }

  static bool lane_kept(const PayloadBeat& b, int lane) { return (b.keep >> lane) & 1u; }
  // The payload octet a kept lane carries: the kept lanes take them in order.
  static uint8_t lane_octet(const PayloadBeat& b, int lane) {
    const uint64_t below = lane == 0 ? 0 : b.keep & (kAllLanes >> (kBytes - lane));
    return b.seg->payload[b.offset + popcount64(below)];
  }
  // Every beat but the last keeps all lanes; the last keeps lanes 0..n-1, n >= 1.
  static bool breaks_tkeep_rule(const PayloadBeat& b) {
    if (!b.last) return b.keep != kAllLanes;
    return b.keep == 0 || (b.keep & (b.keep + 1)) != 0;
  }

  void drive(const std::optional<wire::TxDescriptorBytes>& desc,
             const std::optional<PayloadBeat>& beat) {
    top_->s_desc_tvalid = desc.has_value();
    for (int i = 0; i < 64; ++i)
      set_lane(top_->s_desc_tdata, i, desc ? (*desc)[i] : uint8_t(rng_()));
    top_->s_axis_tvalid = beat.has_value();
    top_->s_axis_tlast = beat && beat->last;
    for (int l = 0; l < kBytes; ++l) {
      const bool kept = beat && lane_kept(*beat, l);
      // Lanes not kept carry junk, as they may on a real bus.
      set_lane(top_->s_axis_tdata, l, kept ? lane_octet(*beat, l) : uint8_t(rng_()));
      set_bit(top_->s_axis_tkeep, l, kept);
    }
  }

  bool compare(uint64_t cycle, const std::optional<wire::TxDescriptorBytes>& desc,
               const std::optional<PayloadBeat>& beat, bool m_ready) {
    if (desc) {
      typename Model::Desc d;
      for (int i = 0; i < 64; ++i) d.range(8 * i + 7, 8 * i) = (*desc)[i];
      model_desc_.write(d);
    }
    if (beat) {
      typename Model::Beat b;
      for (int l = 0; l < kBytes; ++l) {
        const bool kept = lane_kept(*beat, l);
        b.data.range(8 * l + 7, 8 * l) = kept ? lane_octet(*beat, l) : 0;
        b.keep[l] = kept;
      }
      b.last = beat->last;
      model_in_.write(b);
    }
    model_out_.tb_set_ready(m_ready);
    const uint32_t model_bad_desc = model_.bad_desc_count();
    const uint32_t model_bad_payload = model_.bad_payload_count();
    model_.step(model_desc_, model_in_, model_out_);
    const bool model_desc_ready = model_desc_.tb_take_read_attempted();
    const bool model_pay_ready = model_in_.tb_take_read_attempted();
    if (!model_desc_.empty()) model_desc_.read();  // not taken: offered again next cycle
    if (!model_in_.empty()) model_in_.read();
    const auto model_m = model_out_.tb_take_write_attempt();
    if (!model_out_.empty()) model_out_.read();

    std::ostringstream os;
    const bool m_valid = top_->m_axis_tvalid;
    if (bool(top_->s_desc_tready) != model_desc_ready) {
      os << "s_desc_tready: RTL " << bool(top_->s_desc_tready) << ", HLS model "
         << model_desc_ready;
    } else if (bool(top_->s_axis_tready) != model_pay_ready) {
      os << "s_axis_tready: RTL " << bool(top_->s_axis_tready) << ", HLS model "
         << model_pay_ready;
    } else if (m_valid != model_m.has_value()) {
      os << "m_axis_tvalid: RTL " << m_valid << ", HLS model " << model_m.has_value();
    } else if (top_->stat_bad_desc != model_bad_desc ||
               top_->stat_bad_payload != model_bad_payload) {
      os << "stat_bad_desc/stat_bad_payload: RTL " << top_->stat_bad_desc << "/"
         << top_->stat_bad_payload << ", HLS model " << model_bad_desc << "/"
         << model_bad_payload;
    } else if (m_valid) {
      if (bool(top_->m_axis_tlast) != bool(model_m->last[0]))
        os << "m_axis_tlast: RTL " << bool(top_->m_axis_tlast) << ", HLS model "
           << bool(model_m->last[0]);
      for (int l = 0; l < kBytes && os.tellp() == 0; ++l) {
        const bool rk = get_bit(top_->m_axis_tkeep, l), mk = model_m->keep[l];
        const unsigned rd = get_lane(top_->m_axis_tdata, l);
        const unsigned md = unsigned(model_m->data.range(8 * l + 7, 8 * l));
        if (rk != mk || rd != md)
          os << "m_axis lane " << l << ": RTL keep " << rk << " data " << std::hex << rd
             << ", HLS model keep " << mk << " data " << md;
      }
    }
    if (os.tellp() == 0) return true;
    fail(cycle, "RTL and HLS model differ, " + os.str());
    return false;
  }

  BuilderRunReport fail(uint64_t cycle, const std::string& what) {
    report_.ok = false;
    std::ostringstream os;
    os << "DATA_W=" << W << ", cycle " << cycle << ": " << what;
    report_.failure = os.str();
    return report_;
  }

  const std::vector<TxSegment>& segments_;
  std::vector<const TxSegment*> packets_;  // the segments with a payload packet, in order
  std::string setup_error_;
  const BuilderRunOptions& opt_;
  std::mt19937_64 rng_;
  VlClocked<Top> top_;
  Model model_;
  ::hls::stream<typename Model::Desc> model_desc_;
  ::hls::stream<typename Model::Beat> model_in_;
  ::hls::stream<typename Model::Beat> model_out_;
  BuilderRunReport report_;
};

}  // namespace

BuilderRunReport run_builder(const std::vector<TxSegment>& segments,
                             const BuilderRunOptions& opt) {
  return dispatch_data_width<BuilderRunReport>(opt.data_width, [&](auto w) {
    constexpr int W = decltype(w)::value;
    using Top = VerilatedAt<W, Vtcp_tx_builder_64, Vtcp_tx_builder_128,  //
                            Vtcp_tx_builder_256, Vtcp_tx_builder_512>;
    return BuilderBench<W, Top>(segments, opt).run();
  });
}

}  // namespace tcpoe::sim

#include "builder_lockstep.h"

#include <optional>
#include <random>
#include <sstream>

#include "Vtcp_tx_builder_128.h"
#include "Vtcp_tx_builder_256.h"
#include "Vtcp_tx_builder_512.h"
#include "Vtcp_tx_builder_64.h"
#include "tcp_tx_builder.h"
#include "axis.h"
#include "data_width.h"
#include "hls_beat.h"
#include "vl_clocked.h"

namespace tcpoe::sim {
namespace {

template <int W, typename Top>
class BuilderBench {
 public:
  static constexpr int kBytes = W / 8;
  using Model = kernels::TcpTxBuilder<W, kBuilderPayloadDepth>;

  BuilderBench(const std::vector<TxSegment>& segments, const BuilderRunOptions& opt)
      : segments_(segments),
        opt_(opt),
        rng_(opt.seed),
        top_(opt.fst_path),
        desc_source_(rng_, Throttle(opt.desc_valid_probability, opt.desc_valid_pattern)),
        payload_source_(rng_, Throttle(opt.payload_valid_probability, opt.payload_valid_pattern)),
        sink_(rng_, Throttle(opt.ready_probability, opt.ready_pattern)),
        stall_(opt.stall_limit) {
    descs_.reserve(segments_.size());
    for (std::size_t i = 0; i < segments_.size(); ++i) {
      const TxSegment& s = segments_[i];
      const wire::TxDescriptorBytes packed = wire::pack(s.desc);
      descs_.emplace_back(packed.begin(), packed.end());
      desc_source_.add(descs_.back());
      if (s.payload.empty() && s.payload_tkeep.empty()) continue;
      const std::string problem = payload_source_.add(s.payload, &s.payload_tkeep);
      if (!problem.empty() && setup_error_.empty())
        setup_error_ = "segment " + std::to_string(i) + ": payload_tkeep: " + problem;
    }
  }

  BuilderRunReport run() {
    if (!setup_error_.empty()) return fail(0, setup_error_);
    top_->s_desc_tvalid = 0;
    top_->s_axis_tvalid = 0;
    top_->m_axis_tready = 0;
    top_.reset();

    while (true) {
      const uint64_t cycle = report_.cycles;
      const uint32_t rtl_bad_desc = top_->stat_bad_desc, rtl_bad_payload = top_->stat_bad_payload;
      report_.stat_bad_desc = rtl_bad_desc;
      report_.stat_bad_payload = rtl_bad_payload;
      const std::size_t accounted = sink_.packets().size() + rtl_bad_desc + rtl_bad_payload;
      if (desc_source_.done() && payload_source_.done() && accounted >= segments_.size()) {
        if (accounted > segments_.size()) return fail(cycle, "more frames and drops than segments");
        break;
      }

      // ---- drive the inputs for this cycle
      desc_source_.decide();
      payload_source_.decide();
      desc_source_.drive(top_->s_desc_tvalid, top_->s_desc_tdata);
      payload_source_.drive(top_->s_axis_tvalid, top_->s_axis_tdata, top_->s_axis_tkeep,
                            top_->s_axis_tlast);
      top_->m_axis_tready = sink_.decide();
      top_.settle();

      const bool desc_ready = top_->s_desc_tready;
      const bool pay_ready = top_->s_axis_tready;
      const bool m_valid = top_->m_axis_tvalid;
      if (opt_.lockstep && !compare(cycle)) return report_;

      // ---- the clock edge
      const bool desc_taken = desc_source_.edge(desc_ready, cycle).has_value();
      const auto beat = payload_source_.edge(pay_ready, cycle);
      const bool bad_beat_taken = beat && !follows_tkeep_rule(beat->keep, beat->last, kBytes);
      const bool out_taken = m_valid && sink_.tready();
      if (out_taken &&
          !sink_.take(cycle, top_->m_axis_tdata, top_->m_axis_tkeep, top_->m_axis_tlast))
        return fail(cycle, "m_axis_tkeep is not all lanes, or lanes 0..n-1 on the last beat");
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
      if (stall_.stalled(desc_taken || beat || out_taken || dropped))
        return fail(cycle, "no handshake for too long: the builder hangs");
    }
    note_handshakes();
    report_.ok = true;
    return report_;
  }

 private:
  void note_handshakes() {
    report_.tkeep_violations = payload_source_.tkeep_violations();
    report_.desc_cycle = desc_source_.packet_last_cycle();
    report_.frames = sink_.packets();
    report_.frame_first_cycle = sink_.packet_first_cycle();
    report_.frame_last_cycle = sink_.packet_last_cycle();
    const HandshakeLog& out = sink_.handshakes();
    report_.out_beats = out.beats;
    report_.first_out_cycle = out.first_cycle;
    report_.last_out_cycle = out.last_cycle;
  }

  bool compare(uint64_t cycle) {
    if (desc_source_.offered()) model_desc_.write(hls_data<512>(*desc_source_.offered()));
    if (payload_source_.offered()) model_in_.write(hls_beat<W>(*payload_source_.offered()));
    model_out_.tb_set_ready(sink_.tready());
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
    note_handshakes();
    report_.ok = false;
    std::ostringstream os;
    os << "DATA_W=" << W << ", cycle " << cycle << ": " << what;
    report_.failure = os.str();
    return report_;
  }

  const std::vector<TxSegment>& segments_;
  std::vector<Octets> descs_;  // each segment's descriptor, packed
  std::string setup_error_;
  const BuilderRunOptions& opt_;
  std::mt19937_64 rng_;
  VlClocked<Top> top_;
  AxisSource<wire::txdesc::kSize> desc_source_;
  AxisSource<kBytes> payload_source_;
  AxisSink<kBytes> sink_;
  StallWatch stall_;
  Model model_;
  ::hls::stream<typename Model::Desc> model_desc_;
  ::hls::stream<typename Model::Beat> model_in_;
  ::hls::stream<typename Model::Beat> model_out_;
  BuilderRunReport report_;
};

}  // namespace

BuilderRunReport run_builder(const std::vector<TxSegment>& segments,
                             const BuilderRunOptions& opt) {
  for (const std::string& problem :
       {throttle_problem("descriptor valid", opt.desc_valid_probability, opt.desc_valid_pattern),
        throttle_problem("payload valid", opt.payload_valid_probability,
                         opt.payload_valid_pattern),
        throttle_problem("ready", opt.ready_probability, opt.ready_pattern)}) {
    if (problem.empty()) continue;
    BuilderRunReport r;
    r.failure = problem;
    return r;
  }
  return dispatch_data_width<BuilderRunReport>(opt.data_width, [&](auto w) {
    constexpr int W = decltype(w)::value;
    using Top = VerilatedAt<W, Vtcp_tx_builder_64, Vtcp_tx_builder_128,  //
                            Vtcp_tx_builder_256, Vtcp_tx_builder_512>;
    return BuilderBench<W, Top>(segments, opt).run();
  });
}

}  // namespace tcpoe::sim

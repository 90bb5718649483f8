#include "parser_lockstep.h"

#include <random>
#include <sstream>

#include "Vtcp_rx_parser_128.h"
#include "Vtcp_rx_parser_128___024root.h"
#include "Vtcp_rx_parser_256.h"
#include "Vtcp_rx_parser_256___024root.h"
#include "Vtcp_rx_parser_512.h"
#include "Vtcp_rx_parser_512___024root.h"
#include "Vtcp_rx_parser_64.h"
#include "Vtcp_rx_parser_64___024root.h"
#include "tcp_rx_parser.h"
#include "axis.h"
#include "data_width.h"
#include "hls_beat.h"
#include "vl_clocked.h"

namespace tcpoe::sim {
namespace {

template <int W, typename Top>
class ParserBench {
 public:
  static constexpr int kBytes = W / 8;
  using Model = kernels::TcpRxParser<W>;

  ParserBench(const std::vector<Frame>& frames, const ParserRunOptions& opt)
      : frames_(frames),
        opt_(opt),
        rng_(opt.seed),
        top_(opt.fst_path),
        source_(rng_, Throttle(opt.valid_probability, opt.valid_pattern)),
        sink_(rng_, Throttle(opt.ready_probability, opt.ready_pattern)),
        stall_(opt.stall_limit) {
    for (const Frame& f : frames_) source_.add(f);
  }

  ParserRunReport run() {
    top_->s_axis_tvalid = 0;
    top_->m_desc_tready = 0;
    top_.reset();
    if (opt_.preload_counters) preload_counters(*opt_.preload_counters);
    report_.descriptors.reserve(frames_.size());

    while (report_.descriptors.size() < frames_.size()) {
      const uint64_t cycle = report_.cycles;
      source_.decide();
      source_.drive(top_->s_axis_tvalid, top_->s_axis_tdata, top_->s_axis_tkeep,
                    top_->s_axis_tlast);
      top_->m_desc_tready = sink_.decide();
      top_.settle();

      const bool s_ready = top_->s_axis_tready;
      const bool m_valid = top_->m_desc_tvalid;
      wire::RxDescriptorBytes m_data{};
      for (int i = 0; i < wire::rx_desc::kSize; ++i) m_data[i] = get_lane(top_->m_desc_tdata, i);
      if (opt_.lockstep && !compare_with_model(cycle, s_ready, m_valid, m_data)) return report_;

      // ---- the clock edge: handshakes happen
      const auto taken = source_.edge(s_ready, cycle);
      if (taken && taken->last) latency_.input_done(cycle);
      if (m_valid && !latency_.output_valid(cycle))
        return fail(cycle, "m_desc_tvalid before the frame's last beat");
      const bool result_taken = m_valid && sink_.tready();
      if (result_taken) {
        sink_.take(cycle, top_->m_desc_tdata);
        report_.descriptors.push_back(m_data);
        latency_.output_taken();
      }
      top_.rising_edge();
      ++report_.cycles;

      if (top_.assertion_fired()) {
        report_.rtl_assertion_fired = true;
        return fail(cycle, "an RTL assertion fired (see the %Error line above)");
      }
      if (stall_.stalled(taken.has_value() || result_taken))
        return fail(cycle, "no handshake for too long: the parser hangs");
    }
    // Let the counters of the last frame settle (they move with its push).
    top_->s_axis_tvalid = 0;
    top_.settle();
    report_.counters = {top_->stat_frames, top_->stat_malformed, top_->stat_ip_csum_bad,
                        top_->stat_tcp_csum_bad};
    note_handshakes();
    report_.ok = true;
    return report_;
  }

 private:
  void note_handshakes() {
    const HandshakeLog& in = source_.handshakes();
    report_.beats = in.beats;
    report_.first_beat_cycle = in.first_cycle;
    report_.last_beat_cycle = in.last_cycle;
    report_.latencies = latency_.latencies();
  }

  // The counter registers (writable: public_flat_rw in the RTL) and the
  // model's, to the same values.
  void preload_counters(const ParserCounters& c) {
    auto* root = top_->rootp;
    root->tcp_rx_parser__DOT__stat_frames = c.frames;
    root->tcp_rx_parser__DOT__stat_malformed = c.malformed;
    root->tcp_rx_parser__DOT__stat_ip_csum_bad = c.ip_csum_bad;
    root->tcp_rx_parser__DOT__stat_tcp_csum_bad = c.tcp_csum_bad;
    model_.tb_preload_counters(c.frames, c.malformed, c.ip_csum_bad, c.tcp_csum_bad);
  }

  bool compare_with_model(uint64_t cycle, bool s_ready, bool m_valid,
                          const wire::RxDescriptorBytes& m_data) {
    // The counters are registers: what the model holds before its step.
    const ParserCounters model_stats{model_.frames(), model_.malformed(), model_.ip_csum_bad(),
                                     model_.tcp_csum_bad()};
    if (source_.offered()) model_in_.write(hls_beat<W>(*source_.offered()));
    model_out_.tb_set_ready(sink_.tready());
    model_.step(model_in_, model_out_);
    const bool model_s_ready = model_in_.tb_take_read_attempted();
    if (!model_in_.empty()) model_in_.read();  // not taken: offered again next cycle
    const auto model_m = model_out_.tb_take_write_attempt();
    if (!model_out_.empty()) model_out_.read();

    std::ostringstream os;
    if (model_.had_internal_error()) {
      os << "the HLS model's checksum engine fell out of step with its pipeline";
    } else if (s_ready != model_s_ready) {
      os << "s_axis_tready: RTL " << s_ready << ", HLS model " << model_s_ready;
    } else if (m_valid != model_m.has_value()) {
      os << "m_desc_tvalid: RTL " << m_valid << ", HLS model " << model_m.has_value();
    } else if (top_->stat_frames != model_stats.frames ||
               top_->stat_malformed != model_stats.malformed ||
               top_->stat_ip_csum_bad != model_stats.ip_csum_bad ||
               top_->stat_tcp_csum_bad != model_stats.tcp_csum_bad) {
      os << "stat_* (frames, malformed, ip_csum_bad, tcp_csum_bad): RTL " << top_->stat_frames
         << " " << top_->stat_malformed << " " << top_->stat_ip_csum_bad << " "
         << top_->stat_tcp_csum_bad << ", HLS model " << model_stats.frames << " "
         << model_stats.malformed << " " << model_stats.ip_csum_bad << " "
         << model_stats.tcp_csum_bad;
    } else if (m_valid) {
      for (int i = 0; i < wire::rx_desc::kSize; ++i) {
        const unsigned want = unsigned(model_m->range(8 * i + 7, 8 * i));
        if (m_data[i] != want) {
          os << "m_desc_tdata octet " << i << ": RTL " << std::hex << unsigned(m_data[i])
             << ", HLS model " << want;
          break;
        }
      }
    }
    if (os.str().empty()) return true;
    fail(cycle, "RTL and HLS model differ, " + os.str());
    return false;
  }

  ParserRunReport fail(uint64_t cycle, const std::string& what) {
    note_handshakes();
    report_.ok = false;
    std::ostringstream os;
    os << "DATA_W=" << W << ", cycle " << cycle << ", descriptor "
       << report_.descriptors.size() << ": " << what;
    report_.failure = os.str();
    return report_;
  }

  const std::vector<Frame>& frames_;
  const ParserRunOptions& opt_;
  std::mt19937_64 rng_;
  VlClocked<Top> top_;
  AxisSource<kBytes> source_;
  AxisSink<wire::rx_desc::kSize> sink_;
  LatencyMeter latency_;
  StallWatch stall_;
  Model model_;
  ::hls::stream<typename Model::Beat> model_in_;
  ::hls::stream<typename Model::Desc> model_out_;
  ParserRunReport report_;
};

}  // namespace


ParserRunReport run_parser(const std::vector<Frame>& frames, const ParserRunOptions& opt) {
  const std::string problem = stream_run_problem(
      frames, "frame",
      {throttle_problem("valid", opt.valid_probability, opt.valid_pattern),
       throttle_problem("ready", opt.ready_probability, opt.ready_pattern)});
  if (!problem.empty()) {
    ParserRunReport r;
    r.failure = problem;
    return r;
  }
  return dispatch_data_width<ParserRunReport>(opt.data_width, [&](auto w) {
    constexpr int W = decltype(w)::value;
    using Top = VerilatedAt<W, Vtcp_rx_parser_64, Vtcp_rx_parser_128,  //
                            Vtcp_rx_parser_256, Vtcp_rx_parser_512>;
    return ParserBench<W, Top>(frames, opt).run();
  });
}

}  // namespace tcpoe::sim

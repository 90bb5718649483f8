#include "parser_lockstep.h"

#include <random>
#include <sstream>

#include "Vtcp_rx_parser_128.h"
#include "Vtcp_rx_parser_256.h"
#include "Vtcp_rx_parser_512.h"
#include "Vtcp_rx_parser_64.h"
#include "tcp_rx_parser.h"
#include "data_width.h"
#include "verilator_ports.h"
#include "vl_clocked.h"

namespace tcpoe::sim {
namespace {

struct BeatView {
  const Frame* frame;
  std::size_t offset;
  int lanes;  // octets kept
  bool last;
};

template <int W, typename Top>
class ParserBench {
 public:
  static constexpr int kBytes = W / 8;
  using Model = kernels::TcpRxParser<W>;

  ParserBench(const std::vector<Frame>& frames, const ParserRunOptions& opt)
      : frames_(frames), opt_(opt), rng_(opt.seed), top_(opt.fst_path) {}

  ParserRunReport run() {
    top_->s_axis_tvalid = 0;
    top_->m_desc_tready = 0;
    top_.reset();
    report_.descriptors.reserve(frames_.size());
    std::vector<uint64_t> last_beat_cycle(frames_.size(), 0);
    std::size_t frame = 0, off = 0;  // next beat to offer
    std::size_t results = 0;
    bool offering = false, head_seen_valid = false;
    uint64_t idle = 0;
    std::bernoulli_distribution offer(opt_.valid_probability), ready(opt_.ready_probability);

    while (results < frames_.size()) {
      const uint64_t cycle = report_.cycles;
      if (!offering && frame < frames_.size()) offering = offer(rng_);
      BeatView beat{nullptr, 0, 0, false};
      if (offering) beat = beat_at(frame, off);
      drive_input(offering ? &beat : nullptr);
      const bool m_ready = ready(rng_);
      top_->m_desc_tready = m_ready;
      top_.settle();

      const bool s_ready = top_->s_axis_tready;
      const bool m_valid = top_->m_desc_tvalid;
      wire::RxDescriptorBytes m_data{};
      for (int i = 0; i < wire::rx_desc::kSize; ++i) m_data[i] = get_lane(top_->m_desc_tdata, i);
      if (opt_.lockstep &&
          !compare_with_model(cycle, offering ? &beat : nullptr, m_ready, s_ready, m_valid, m_data))
        return report_;

      // ---- the clock edge: handshakes happen
      bool moved = false;
      if (offering && s_ready) {
        moved = true;
        if (report_.beats == 0) report_.first_beat_cycle = cycle;
        report_.last_beat_cycle = cycle;
        ++report_.beats;
        offering = false;
        if (beat.last) {
          last_beat_cycle[frame] = cycle;
          ++frame;
          off = 0;
        } else {
          off += kBytes;
        }
      }
      if (m_valid && !head_seen_valid) {
        if (results >= frame) return fail(cycle, "m_desc_tvalid before the frame's last beat");
        report_.latencies.push_back(static_cast<uint32_t>(cycle - last_beat_cycle[results]));
        head_seen_valid = true;
      }
      if (m_valid && m_ready) {
        moved = true;
        report_.descriptors.push_back(m_data);
        ++results;
        head_seen_valid = false;
      }
      top_.rising_edge();
      ++report_.cycles;

      if (top_.assertion_fired()) {
        report_.rtl_assertion_fired = true;
        return fail(cycle, "an RTL assertion fired (see the %Error line above)");
      }
      idle = moved ? 0 : idle + 1;
      if (idle > opt_.stall_limit)
        return fail(cycle, "no handshake for too long: the parser hangs");
    }
    // Let the counters of the last frame settle (they move with its push).
    top_->s_axis_tvalid = 0;
    top_.settle();
    report_.counters = {top_->stat_frames, top_->stat_malformed, top_->stat_ip_csum_bad,
                        top_->stat_tcp_csum_bad};
    report_.ok = true;
    return report_;
  }

 private:
  BeatView beat_at(std::size_t frame, std::size_t off) const {
    const Frame& f = frames_[frame];
    const std::size_t left = f.size() - off;
    const int lanes = left >= std::size_t(kBytes) ? kBytes : int(left);
    return BeatView{&f, off, lanes, off + kBytes >= f.size()};
  }

  void drive_input(const BeatView* b) {
    top_->s_axis_tvalid = b != nullptr;
    top_->s_axis_tlast = b != nullptr && b->last;
    for (int lane = 0; lane < kBytes; ++lane) {
      const bool kept = b != nullptr && lane < b->lanes;
      // Lanes not kept carry junk, as they may on a real bus.
      const uint8_t byte = kept ? (*b->frame)[b->offset + lane] : uint8_t(rng_());
      set_lane(top_->s_axis_tdata, lane, byte);
      set_bit(top_->s_axis_tkeep, lane, kept);
    }
  }

  bool compare_with_model(uint64_t cycle, const BeatView* b, bool m_ready, bool s_ready,
                          bool m_valid, const wire::RxDescriptorBytes& m_data) {
    // The counters are registers: what the model holds before its step.
    const ParserCounters model_stats{model_.frames(), model_.malformed(), model_.ip_csum_bad(),
                                     model_.tcp_csum_bad()};
    if (b != nullptr) {
      typename Model::Beat mb;
      for (int lane = 0; lane < kBytes; ++lane) {
        const bool kept = lane < b->lanes;
        mb.data.range(8 * lane + 7, 8 * lane) = kept ? (*b->frame)[b->offset + lane] : 0;
        mb.keep[lane] = kept;
      }
      mb.last = b->last;
      model_in_.write(mb);
    }
    model_out_.tb_set_ready(m_ready);
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
  Model model_;
  ::hls::stream<typename Model::Beat> model_in_;
  ::hls::stream<typename Model::Desc> model_out_;
  ParserRunReport report_;
};

}  // namespace


ParserRunReport run_parser(const std::vector<Frame>& frames, const ParserRunOptions& opt) {
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].empty()) {
      ParserRunReport r;
      r.failure = "frame " + std::to_string(i) + " is empty: a frame has at least one octet";
      return r;
    }
  }
  return dispatch_data_width<ParserRunReport>(opt.data_width, [&](auto w) {
    constexpr int W = decltype(w)::value;
    using Top = VerilatedAt<W, Vtcp_rx_parser_64, Vtcp_rx_parser_128,  //
                            Vtcp_rx_parser_256, Vtcp_rx_parser_512>;
    return ParserBench<W, Top>(frames, opt).run();
  });
}

}  // namespace tcpoe::sim

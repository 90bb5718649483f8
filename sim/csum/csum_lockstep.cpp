#include "csum_lockstep.h"

#include <algorithm>
#include <random>
#include <sstream>

#include "Vtcp_csum_128.h"
#include "Vtcp_csum_256.h"
#include "Vtcp_csum_512.h"
#include "Vtcp_csum_64.h"
#include "tcp_csum.h"
#include "axis.h"
#include "data_width.h"
#include "hls_beat.h"
#include "vl_clocked.h"

namespace tcpoe::sim {
namespace {

template <int W, typename Top>
class CsumBench {
 public:
  static constexpr int kBytes = W / 8;
  using Model = kernels::TcpCsum<W>;

  CsumBench(const std::vector<Packet>& packets, const CsumRunOptions& opt)
      : packets_(packets),
        opt_(opt),
        rng_(opt.seed),
        top_(opt.fst_path),
        source_(rng_, Throttle(opt.valid_probability, opt.valid_pattern)),
        sink_(rng_, Throttle(opt.ready_probability, opt.ready_pattern)),
        stall_(opt.stall_limit) {
    for (std::size_t i = 0; i < packets_.size(); ++i) {
      if (opt_.break_tkeep_of_packet == i) {
        broken_ = broken_beats(packets_[i]);
        source_.add(broken_.octets, &broken_.tkeep);
      } else {
        source_.add(packets_[i]);
      }
    }
  }

  CsumRunReport run() {
    top_->s_axis_tvalid = 0;
    top_->m_axis_tready = 0;
    top_.reset();
    report_.sums.reserve(packets_.size());

    while (report_.sums.size() < packets_.size()) {
      const uint64_t cycle = report_.cycles;
      // ---- drive the inputs for this cycle
      source_.decide();
      source_.drive(top_->s_axis_tvalid, top_->s_axis_tdata, top_->s_axis_tkeep,
                    top_->s_axis_tlast);
      top_->m_axis_tready = sink_.decide();
      top_.settle();

      const bool s_ready = top_->s_axis_tready;
      const bool m_valid = top_->m_axis_tvalid;
      const uint16_t m_data = top_->m_axis_tdata;
      if (opt_.lockstep && !compare_with_model(cycle, s_ready, m_valid, m_data)) return report_;

      // ---- the clock edge: handshakes happen
      const auto taken = source_.edge(s_ready, cycle);
      if (taken && taken->last) latency_.input_done(cycle);
      if (m_valid && !latency_.output_valid(cycle))
        return fail(cycle, "m_axis_tvalid before the packet's last beat");
      if (m_valid && sink_.tready()) {
        const std::size_t i = report_.sums.size();
        const uint16_t want = wire::csum::sum_bytes(packets_[i].data(), packets_[i].size());
        if (m_data != want && !opt_.break_tkeep_of_packet) {
          std::ostringstream os;
          os << "packet " << i << " (" << packets_[i].size() << " bytes): sum " << std::hex
             << m_data << ", RFC 1071 gives " << want;
          return fail(cycle, os.str());
        }
        sink_.take(cycle, top_->m_axis_tdata);
        report_.sums.push_back(m_data);
        latency_.output_taken();
      }
      top_.rising_edge();
      ++report_.cycles;

      if (top_.assertion_fired()) {
        report_.rtl_assertion_fired = true;
        return fail(cycle, "an RTL assertion fired (see the %Error line above)");
      }
      if (stall_.stalled(taken.has_value() || (m_valid && sink_.tready())))
        return fail(cycle, "no handshake for too long: the engine hangs");
    }
    note_handshakes();
    report_.ok = true;
    return report_;
  }

 private:
  // The beats of a packet against the tkeep rule (break_tkeep_of_packet),
  // each lane carrying the octet it would under the rule: a hole in lane 0
  // of a last beat with more lanes, or a non-last beat short of its top lane.
  struct BrokenPacket {
    Octets octets;
    std::vector<uint64_t> tkeep;
  };
  static BrokenPacket broken_beats(const Packet& p) {
    BrokenPacket b;
    for (std::size_t off = 0; off < p.size(); off += kBytes) {
      const std::size_t lanes = std::min(p.size() - off, std::size_t(kBytes));
      const bool last = off + kBytes >= p.size();
      uint64_t keep = low_lanes(int(lanes));
      if (last && lanes > 1) keep &= ~uint64_t{1};
      if (!last) keep &= ~(uint64_t{1} << (kBytes - 1));
      for (int l = 0; l < kBytes; ++l)
        if ((keep >> l) & 1u) b.octets.push_back(p[off + std::size_t(l)]);
      b.tkeep.push_back(keep);
    }
    return b;
  }

  void note_handshakes() {
    const HandshakeLog& in = source_.handshakes();
    report_.beats = in.beats;
    report_.first_beat_cycle = in.first_cycle;
    report_.last_beat_cycle = in.last_cycle;
    report_.latencies = latency_.latencies();
  }

  bool compare_with_model(uint64_t cycle, bool s_ready, bool m_valid, uint16_t m_data) {
    if (source_.offered()) model_in_.write(hls_beat<W>(*source_.offered()));
    model_out_.tb_set_ready(sink_.tready());
    model_.step(model_in_, model_out_);
    const bool model_s_ready = model_in_.tb_take_read_attempted();
    if (!model_in_.empty()) model_in_.read();  // not taken: offered again next cycle
    const auto model_m = model_out_.tb_take_write_attempt();
    if (!model_out_.empty()) model_out_.read();

    std::ostringstream os;
    if (s_ready != model_s_ready)
      os << "s_axis_tready: RTL " << s_ready << ", HLS model " << model_s_ready;
    else if (m_valid != model_m.has_value())
      os << "m_axis_tvalid: RTL " << m_valid << ", HLS model " << model_m.has_value();
    else if (m_valid && m_data != model_m->to_uint())
      os << "m_axis_tdata: RTL " << std::hex << m_data << ", HLS model " << model_m->to_uint();
    else
      return true;
    fail(cycle, "RTL and HLS model differ, " + os.str());
    return false;
  }

  CsumRunReport fail(uint64_t cycle, const std::string& what) {
    note_handshakes();
    report_.ok = false;
    std::ostringstream os;
    os << "DATA_W=" << W << ", cycle " << cycle << ": " << what;
    report_.failure = os.str();
    return report_;
  }

  const std::vector<Packet>& packets_;
  const CsumRunOptions& opt_;
  std::mt19937_64 rng_;
  VlClocked<Top> top_;
  AxisSource<kBytes> source_;
  AxisSink<2> sink_;
  BrokenPacket broken_;
  LatencyMeter latency_;
  StallWatch stall_;
  Model model_;
  ::hls::stream<typename Model::Beat> model_in_;
  ::hls::stream<typename Model::Sum> model_out_;
  CsumRunReport report_;
};

}  // namespace


CsumRunReport run_csum(const std::vector<Packet>& packets, const CsumRunOptions& opt) {
  const std::string problem = stream_run_problem(
      packets, "packet",
      {throttle_problem("valid", opt.valid_probability, opt.valid_pattern),
       throttle_problem("ready", opt.ready_probability, opt.ready_pattern)});
  if (!problem.empty()) {
    CsumRunReport r;
    r.failure = problem;
    return r;
  }
  return dispatch_data_width<CsumRunReport>(opt.data_width, [&](auto w) {
    constexpr int W = decltype(w)::value;
    using Top = VerilatedAt<W, Vtcp_csum_64, Vtcp_csum_128, Vtcp_csum_256, Vtcp_csum_512>;
    return CsumBench<W, Top>(packets, opt).run();
  });
}

std::vector<Packet> random_packets(std::size_t n, std::size_t min_len, std::size_t max_len,
                                   uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> len(min_len, max_len);
  std::vector<Packet> out(n);
  for (auto& p : out) {
    p.resize(len(rng));
    for (auto& b : p) b = static_cast<uint8_t>(rng());
  }
  return out;
}

}  // namespace tcpoe::sim

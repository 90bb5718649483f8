#include "csum_lockstep.h"

#include <random>
#include <sstream>

#include "Vtcp_csum_128.h"
#include "Vtcp_csum_256.h"
#include "Vtcp_csum_512.h"
#include "Vtcp_csum_64.h"
#include "tcp_csum.h"
#include "data_width.h"
#include "verilator_ports.h"
#include "vl_clocked.h"

namespace tcpoe::sim {
namespace {

// One beat of a packet as the ports carry it.
struct BeatView {
  const Packet* packet;
  std::size_t offset;
  int lanes;  // bytes kept
  bool last;
};

template <int W, typename Top>
class CsumBench {
 public:
  static constexpr int kBytes = W / 8;
  using Model = kernels::TcpCsum<W>;

  CsumBench(const std::vector<Packet>& packets, const CsumRunOptions& opt)
      : packets_(packets), opt_(opt), rng_(opt.seed), top_(opt.fst_path) {}

  CsumRunReport run() {
    top_->s_axis_tvalid = 0;
    top_->m_axis_tready = 0;
    top_.reset();
    report_.sums.reserve(packets_.size());
    std::vector<uint64_t> last_beat_cycle(packets_.size(), 0);
    std::size_t pkt = 0, off = 0;  // next beat to offer
    std::size_t results = 0;
    bool offering = false;
    bool head_seen_valid = false;
    uint64_t idle = 0;
    std::bernoulli_distribution offer(opt_.valid_probability), ready(opt_.ready_probability);

    while (results < packets_.size()) {
      const uint64_t cycle = report_.cycles;
      // ---- drive the inputs for this cycle
      if (!offering && pkt < packets_.size()) offering = offer(rng_);
      BeatView beat{nullptr, 0, 0, false};
      if (offering) beat = beat_at(pkt, off);
      drive_input(offering ? &beat : nullptr);
      const bool m_ready = ready(rng_);
      top_->m_axis_tready = m_ready;
      top_.settle();

      const bool s_ready = top_->s_axis_tready;
      const bool m_valid = top_->m_axis_tvalid;
      const uint16_t m_data = top_->m_axis_tdata;
      if (opt_.lockstep && !compare_with_model(cycle, offering ? &beat : nullptr, m_ready,
                                               s_ready, m_valid, m_data))
        return finish();

      // ---- the clock edge: handshakes happen
      bool moved = false;
      if (offering && s_ready) {
        moved = true;
        if (report_.beats == 0) report_.first_beat_cycle = cycle;
        report_.last_beat_cycle = cycle;
        ++report_.beats;
        offering = false;
        if (beat.last) {
          last_beat_cycle[pkt] = cycle;
          ++pkt;
          off = 0;
        } else {
          off += kBytes;
        }
      }
      if (m_valid && !head_seen_valid) {
        if (results >= pkt) return fail(cycle, "m_axis_tvalid before the packet's last beat");
        report_.latencies.push_back(static_cast<uint32_t>(cycle - last_beat_cycle[results]));
        head_seen_valid = true;
      }
      if (m_valid && m_ready) {
        moved = true;
        const Packet& p = packets_[results];
        const uint16_t want = csum::sum_bytes(p.data(), p.size());
        if (m_data != want && !opt_.break_tkeep_of_packet) {
          std::ostringstream os;
          os << "packet " << results << " (" << p.size() << " bytes): sum " << std::hex << m_data
             << ", RFC 1071 gives " << want;
          return fail(cycle, os.str());
        }
        report_.sums.push_back(m_data);
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
      if (idle > opt_.stall_limit) return fail(cycle, "no handshake for too long: the engine hangs");
    }
    report_.ok = true;
    return finish();
  }

 private:
  BeatView beat_at(std::size_t pkt, std::size_t off) const {
    const Packet& p = packets_[pkt];
    const std::size_t left = p.size() - off;
    const int lanes = left >= std::size_t(kBytes) ? kBytes : int(left);
    return BeatView{&p, off, lanes, off + kBytes >= p.size()};
  }

  // Whether the port keeps a lane of a beat; broken on purpose for the
  // packet named by break_tkeep_of_packet.
  bool lane_kept(const BeatView& b, int lane) const {
    bool kept = lane < b.lanes;
    if (opt_.break_tkeep_of_packet && b.packet == &packets_[*opt_.break_tkeep_of_packet]) {
      // A hole in lane 0 of a last beat with more lanes, or a short
      // non-last beat: both against the rule.
      if (b.last && b.lanes > 1 && lane == 0) kept = false;
      if (!b.last && lane == kBytes - 1) kept = false;
    }
    return kept;
  }

  void drive_input(const BeatView* b) {
    top_->s_axis_tvalid = b != nullptr;
    top_->s_axis_tlast = b != nullptr && b->last;
    for (int lane = 0; lane < kBytes; ++lane) {
      const bool kept = b != nullptr && lane_kept(*b, lane);
      // Lanes not kept carry junk, as they may on a real bus.
      const uint8_t byte = kept ? (*b->packet)[b->offset + lane] : uint8_t(rng_());
      set_lane(top_->s_axis_tdata, lane, byte);
      set_bit(top_->s_axis_tkeep, lane, kept);
    }
  }

  bool compare_with_model(uint64_t cycle, const BeatView* b, bool m_ready, bool s_ready,
                          bool m_valid, uint16_t m_data) {
    if (b != nullptr) {
      typename Model::Beat mb;
      for (int lane = 0; lane < kBytes; ++lane) {
        const bool kept = lane_kept(*b, lane);
        mb.data.range(8 * lane + 7, 8 * lane) = kept ? (*b->packet)[b->offset + lane] : 0;
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
    report_.ok = false;
    std::ostringstream os;
    os << "DATA_W=" << W << ", cycle " << cycle << ": " << what;
    report_.failure = os.str();
    return report_;
  }
  CsumRunReport finish() { return report_; }

  const std::vector<Packet>& packets_;
  const CsumRunOptions& opt_;
  std::mt19937_64 rng_;
  VlClocked<Top> top_;
  Model model_;
  ::hls::stream<typename Model::Beat> model_in_;
  ::hls::stream<typename Model::Sum> model_out_;
  CsumRunReport report_;
};

}  // namespace


CsumRunReport run_csum(const std::vector<Packet>& packets, const CsumRunOptions& opt) {
  for (std::size_t i = 0; i < packets.size(); ++i) {
    if (packets[i].empty()) {
      CsumRunReport r;
      r.failure = "packet " + std::to_string(i) + " is empty: a packet has at least one byte";
      return r;
    }
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

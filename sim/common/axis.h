// AXI4-Stream drivers for the lockstep harnesses, the part every testbench
// around a streaming block repeats: a source that slices packets into beats
// under the tkeep rule and offers them with tvalid (held, data stable, until
// tready), a sink that drives tready and collects the beats it takes into
// packets, checking the tkeep rule, and the measurements around them (the
// cycles of every handshake, latency from a packet's last beat to its
// result, a watch for a block that stops moving).
//
// The tkeep rule, on every stream of the project: every beat but a packet's
// last keeps all lanes; the last keeps lanes 0..n-1, n >= 1.
//
// Each cycle of a harness: decide() on each source and sink (in a fixed
// order: they draw from the harness's one random generator), drive() the
// inputs, settle the model, then at the clock edge edge()/take() the beats
// that were handshaken. The same seed gives the same run, cycle for cycle.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "verilator_ports.h"

namespace tcpoe::sim {

using Octets = std::vector<uint8_t>;

// The tkeep of a beat with lanes 0..n-1 kept, n = 0..64.
constexpr uint64_t low_lanes(int n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }

// Whether a beat's tkeep (lane l at bit l, `lanes` lanes) follows the tkeep rule.
constexpr bool follows_tkeep_rule(uint64_t keep, bool last, int lanes) {
  const uint64_t all = low_lanes(lanes);
  keep &= all;
  if (!last) return keep == all;
  return keep != 0 && (keep & (keep + 1)) == 0;
}

// When a source offers a waiting beat (tvalid) or a sink takes beats
// (tready): with a probability each time, or after a pattern of '1' (yes)
// and '0' (no) that repeats, e.g. "1110" gives one idle cycle in four.
// A probability draws from the generator every time, 1.0 too, so a run's
// random sequence does not depend on the probabilities chosen.
class Throttle {
 public:
  explicit Throttle(double probability = 1.0, std::string pattern = "")
      : draw_(clamp(probability)), pattern_(std::move(pattern)) {}

  // What is wrong with this probability or pattern for a stream that must
  // make progress, or nothing.
  static std::optional<std::string> problem(double probability, const std::string& pattern) {
    if (!pattern.empty()) {
      if (pattern.find_first_not_of("01") != std::string::npos)
        return "pattern \"" + pattern + "\" has characters other than 0 and 1";
      if (pattern.find('1') == std::string::npos)
        return "pattern \"" + pattern + "\" never lets a beat through";
      return std::nullopt;
    }
    if (!(probability > 0.0 && probability <= 1.0))
      return "probability " + std::to_string(probability) + " is not in (0, 1]";
    return std::nullopt;
  }

  bool next(std::mt19937_64& rng) {
    if (pattern_.empty()) return draw_(rng);
    const bool yes = pattern_[at_] == '1';
    at_ = (at_ + 1) % pattern_.size();
    return yes;
  }

 private:
  static double clamp(double p) { return p < 0.0 ? 0.0 : p > 1.0 ? 1.0 : p; }

  std::bernoulli_distribution draw_;
  std::string pattern_;
  std::size_t at_ = 0;
};

// "valid: <problem>" for a run option naming a throttle that cannot work, or "".
inline std::string throttle_problem(const std::string& name, double probability,
                                    const std::string& pattern) {
  const auto problem = Throttle::problem(probability, pattern);
  return problem ? name + ": " + *problem : "";
}

// Why a run of `packets` through a stream harness cannot start, or "": a
// packet without octets (`what` names a packet: "packet", "frame"), or the
// first of `throttles` (throttle_problem()s) that cannot work.
template <typename Packets>
std::string stream_run_problem(const Packets& packets, const std::string& what,
                               std::initializer_list<std::string> throttles) {
  for (std::size_t i = 0; i < packets.size(); ++i)
    if (packets[i].empty())
      return what + " " + std::to_string(i) + " is empty: a " + what + " has at least one octet";
  for (const std::string& problem : throttles)
    if (!problem.empty()) return problem;
  return "";
}

// One beat a source offers.
struct SourceBeat {
  std::size_t packet = 0;          // index of its packet, in the order added
  const uint8_t* octets = nullptr;  // the packet's octets from this beat's on
  uint64_t keep = 0;                // lane l kept: bit l
  bool last = false;

  bool kept(int lane) const { return (keep >> lane) & 1u; }
  // The octet a kept lane carries: the kept lanes take the octets in order.
  uint8_t lane(int lane) const {
    return octets[std::size_t(__builtin_popcountll(keep & low_lanes(lane)))];
  }
};

// The cycles of a port's handshakes.
struct HandshakeLog {
  uint64_t beats = 0;
  uint64_t first_cycle = 0, last_cycle = 0;

  void record(uint64_t cycle) {
    if (beats == 0) first_cycle = cycle;
    last_cycle = cycle;
    ++beats;
  }
};

// Offers packets on a stream kBytes lanes wide.
template <int kBytes>
class AxisSource {
 public:
  static_assert(kBytes >= 1 && kBytes <= 64, "tkeep is handled as a 64-bit mask");
  static constexpr uint64_t kAllLanes = low_lanes(kBytes);

  AxisSource(std::mt19937_64& rng, Throttle valid) : rng_(rng), valid_(std::move(valid)) {}

  // Queues a packet, its octets owned by the caller until the run ends.
  // Without `tkeep`, sliced under the tkeep rule; with it (tests of bad
  // input), those beats with those tkeeps, the kept lanes taking the octets
  // in order. Returns the problem when the packet cannot be offered, else "".
  std::string add(const Octets& octets, const std::vector<uint64_t>* tkeep = nullptr) {
    if (tkeep == nullptr || tkeep->empty()) {
      if (octets.empty()) return "a packet has at least one octet";
      packets_.push_back({&octets, nullptr});
      return "";
    }
    std::size_t kept = 0;
    for (const uint64_t k : *tkeep) kept += std::size_t(__builtin_popcountll(k & kAllLanes));
    if (kept != octets.size())
      return "its tkeep keeps " + std::to_string(kept) + " lanes for " +
             std::to_string(octets.size()) + " octets";
    packets_.push_back({&octets, tkeep});
    return "";
  }

  // The start of a cycle: a waiting beat not yet offered is offered or not
  // (one draw of the throttle). Once offered, it stays until taken.
  void decide() {
    held_ = offered_.has_value();
    if (!offered_ && next_packet_ < packets_.size() && valid_.next(rng_)) offered_ = beat_here();
  }
  const std::optional<SourceBeat>& offered() const { return offered_; }

  // tvalid, tdata, tkeep, tlast for this cycle. Lanes not kept carry junk
  // from the generator, as they may on a real bus; a beat held from the
  // cycle before keeps its junk (every lane stable while valid && !ready),
  // though the generator is drawn all the same, so the random sequence, and
  // with it a run's timing, does not depend on how long beats wait.
  template <typename Valid, typename Data, typename Keep, typename Last>
  void drive(Valid& tvalid, Data& tdata, Keep& tkeep, Last& tlast) {
    drive(tvalid, tdata);
    tlast = offered_ && offered_->last;
    for (int l = 0; l < kBytes; ++l) set_bit(tkeep, l, offered_ && offered_->kept(l));
  }
  // A stream without tkeep and tlast: every packet is one full beat.
  template <typename Valid, typename Data>
  void drive(Valid& tvalid, Data& tdata) {
    tvalid = offered_.has_value();
    for (int l = 0; l < kBytes; ++l) {
      const bool kept = offered_ && offered_->kept(l);
      if (!kept) {
        const uint8_t fresh = uint8_t(rng_());
        if (!held_) junk_[std::size_t(l)] = fresh;
      }
      set_lane(tdata, l, kept ? offered_->lane(l) : junk_[std::size_t(l)]);
    }
  }

  // The clock edge: the offered beat is taken when tready is high. Returns
  // the beat taken, if any.
  std::optional<SourceBeat> edge(bool tready, uint64_t cycle) {
    if (!offered_ || !tready) return std::nullopt;
    std::optional<SourceBeat> taken;
    taken.swap(offered_);
    log_.record(cycle);
    if (!follows_tkeep_rule(taken->keep, taken->last, kBytes)) ++tkeep_violations_;
    if (taken->last) {
      packet_last_cycle_.push_back(cycle);
      ++next_packet_;
      beat_ = 0;
      offset_ = 0;
    } else {
      ++beat_;
      offset_ += std::size_t(__builtin_popcountll(taken->keep));
    }
    return taken;
  }

  bool done() const { return next_packet_ == packets_.size(); }
  std::size_t packets_sent() const { return next_packet_; }
  const HandshakeLog& handshakes() const { return log_; }
  // Handshake cycle of each packet's last beat.
  const std::vector<uint64_t>& packet_last_cycle() const { return packet_last_cycle_; }
  uint64_t tkeep_violations() const { return tkeep_violations_; }

 private:
  struct Queued {
    const Octets* octets;
    const std::vector<uint64_t>* tkeep;
  };

  SourceBeat beat_here() const {
    const Queued& q = packets_[next_packet_];
    SourceBeat b;
    b.packet = next_packet_;
    b.octets = q.octets->data() + offset_;
    if (q.tkeep != nullptr) {
      b.keep = (*q.tkeep)[beat_] & kAllLanes;
      b.last = beat_ + 1 == q.tkeep->size();
    } else {
      const std::size_t left = q.octets->size() - offset_;
      b.keep = left >= std::size_t(kBytes) ? kAllLanes : low_lanes(int(left));
      b.last = left <= std::size_t(kBytes);
    }
    return b;
  }

  std::mt19937_64& rng_;
  Throttle valid_;
  std::vector<Queued> packets_;
  std::size_t next_packet_ = 0, beat_ = 0, offset_ = 0;
  std::optional<SourceBeat> offered_;
  bool held_ = false;                    // offered_ was offered the cycle before
  std::array<uint8_t, kBytes> junk_{};  // what the lanes not kept carry
  HandshakeLog log_;
  std::vector<uint64_t> packet_last_cycle_;
  uint64_t tkeep_violations_ = 0;
};

// Takes beats from a stream kBytes lanes wide and collects them into packets.
template <int kBytes>
class AxisSink {
 public:
  static_assert(kBytes >= 1 && kBytes <= 64, "tkeep is handled as a 64-bit mask");

  AxisSink(std::mt19937_64& rng, Throttle ready) : rng_(rng), ready_(std::move(ready)) {}

  // The start of a cycle: tready for this cycle (one draw of the throttle).
  bool decide() { return tready_ = ready_.next(rng_); }
  bool tready() const { return tready_; }

  // The clock edge, with tvalid && tready: collects the kept lanes' octets.
  // Returns false, with tkeep_violation() saying how, for a beat that breaks
  // the tkeep rule (it is collected all the same).
  template <typename Data, typename Keep>
  bool take(uint64_t cycle, const Data& tdata, const Keep& tkeep, bool tlast) {
    uint64_t keep = 0;
    for (int l = 0; l < kBytes; ++l) {
      if (!get_bit(tkeep, l)) continue;
      keep |= uint64_t{1} << l;
      current_.push_back(get_lane(tdata, l));
    }
    if (!in_packet_) packet_first_cycle_.push_back(cycle);
    in_packet_ = !tlast;
    log_.record(cycle);
    const bool ok = follows_tkeep_rule(keep, tlast, kBytes);
    if (!ok && violation_.empty())
      violation_ = "beat " + std::to_string(log_.beats - 1) +
                   (tlast ? " (last) keeps lanes that are not 0..n-1, n >= 1"
                          : " (not last) does not keep all lanes");
    if (tlast) {
      packets_.push_back(std::move(current_));
      current_.clear();
      packet_last_cycle_.push_back(cycle);
    }
    return ok;
  }
  // A stream without tkeep and tlast: every beat is a packet of kBytes octets.
  template <typename Data>
  void take(uint64_t cycle, const Data& tdata) {
    take(cycle, tdata, low_lanes(kBytes), true);
  }

  const std::vector<Octets>& packets() const { return packets_; }
  std::vector<Octets> take_packets() { return std::move(packets_); }
  // Handshake cycles of each packet's first and last beat.
  const std::vector<uint64_t>& packet_first_cycle() const { return packet_first_cycle_; }
  const std::vector<uint64_t>& packet_last_cycle() const { return packet_last_cycle_; }
  const HandshakeLog& handshakes() const { return log_; }
  // The first beat that broke the tkeep rule, or "".
  const std::string& tkeep_violation() const { return violation_; }

 private:
  std::mt19937_64& rng_;
  Throttle ready_;
  bool tready_ = false;
  Octets current_;
  bool in_packet_ = false;
  std::vector<Octets> packets_;
  std::vector<uint64_t> packet_first_cycle_, packet_last_cycle_;
  HandshakeLog log_;
  std::string violation_;
};

// Cycles from the handshake of a packet's last beat into a block to the
// first cycle its result is valid at the output, packet by packet in order.
class LatencyMeter {
 public:
  void input_done(uint64_t cycle) { input_done_.push_back(cycle); }
  // The output's tvalid is high this cycle. False when no packet is waiting
  // for its result: a result before its input's last beat.
  bool output_valid(uint64_t cycle) {
    if (head_seen_) return true;
    if (results_ >= input_done_.size()) return false;
    latencies_.push_back(uint32_t(cycle - input_done_[results_]));
    head_seen_ = true;
    return true;
  }
  // The result was taken: the next valid is the next packet's.
  void output_taken() {
    ++results_;
    head_seen_ = false;
  }
  const std::vector<uint32_t>& latencies() const { return latencies_; }
  std::vector<uint32_t> take_latencies() { return std::move(latencies_); }

 private:
  std::vector<uint64_t> input_done_;
  std::vector<uint32_t> latencies_;
  std::size_t results_ = 0;
  bool head_seen_ = false;
};

// A block that hangs: no progress for more than `limit` cycles in a row.
class StallWatch {
 public:
  explicit StallWatch(uint64_t limit) : limit_(limit) {}
  // Called once a cycle; true when the block has stalled for too long.
  bool stalled(bool progressed) {
    idle_ = progressed ? 0 : idle_ + 1;
    return idle_ > limit_;
  }

 private:
  uint64_t limit_;
  uint64_t idle_ = 0;
};

}  // namespace tcpoe::sim

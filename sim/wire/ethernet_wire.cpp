#include "ethernet_wire.h"

#include <stdexcept>

namespace tcpoe::sim {

namespace {

bool is_probability(double p) { return p >= 0.0 && p <= 1.0; }  // false for NaN too

}  // namespace

std::string EthernetWireConfig::problem() const {
  if (rate_bps == 0) return "rate_bps must be above 0";
  if (rate_bps > 1'000'000'000'000'000ull) return "rate_bps must be at most 10^15 (1 Pb/s)";
  const std::pair<const char*, double> rates[] = {
      {"loss", loss}, {"corrupt", corrupt}, {"duplicate", duplicate}, {"reorder", reorder}};
  for (const auto& [name, p] : rates)
    if (!is_probability(p)) return std::string(name) + " must be a probability in [0, 1]";
  if (reorder > 0 && reorder_hold_ps == 0) return "reorder_hold_ps must be above 0 when reorder > 0";
  return "";
}

void EthernetWireConfig::validate() const {
  const std::string p = problem();
  if (!p.empty()) throw std::invalid_argument("EthernetWireConfig: " + p);
}

EthernetWire::EthernetWire(const EthernetWireConfig& config) : config_(config) {
  config_.validate();
  for (int side = 0; side < kSides; ++side)
    rng_[std::size_t(side)].seed(config_.seed * 2 + uint64_t(side));
  if (!config_.pcap_path.empty()) {
    capture_ = std::make_unique<PcapWriter>(config_.pcap_path);
    if (!capture_->ok()) throw std::runtime_error("EthernetWire: capture: " + capture_->error());
  }
}

void EthernetWire::attach(int side, WireEnd* end) {
  if (side < 0 || side >= kSides) throw std::out_of_range("EthernetWire: side must be 0 or 1");
  ends_[std::size_t(side)] = end;
}

uint64_t EthernetWire::bits_time_ps(uint64_t octets) const {
  // Exact for the usual rates (10 Gb/s: 800 ps an octet); rounded otherwise.
  const unsigned __int128 ps = (unsigned __int128)octets * 8 * 1'000'000'000'000ull;
  return uint64_t((ps + config_.rate_bps / 2) / config_.rate_bps);
}

uint64_t EthernetWire::line_time_ps(std::size_t frame_octets) const {
  return bits_time_ps(ethernet::line_octets(frame_octets));
}

double EthernetWire::draw(int side) {
  return double(rng_[std::size_t(side)]() >> 11) * 0x1.0p-53;
}

EthernetWire::Key EthernetWire::schedule(uint64_t time_ps, int to_side, Frame frame) {
  const Key key{time_ps, sequence_++};
  arrivals_.emplace(key, Arrival{to_side, std::move(frame)});
  return key;
}

EthernetWire::Transmission EthernetWire::send(int side, Frame frame, uint64_t ready_ps) {
  if (side < 0 || side >= kSides) throw std::out_of_range("EthernetWire: side must be 0 or 1");
  if (frame.empty() || frame.size() > ethernet::kMaxFrameOctets)
    throw std::invalid_argument("EthernetWire: a frame of " + std::to_string(frame.size()) +
                                " octets (1.." + std::to_string(ethernet::kMaxFrameOctets) +
                                " allowed)");
  if (ready_ps < delivered_until_ps_)
    throw std::invalid_argument("EthernetWire: a frame sent at " + std::to_string(ready_ps) +
                                " ps, before the present (" + std::to_string(delivered_until_ps_) +
                                " ps)");
  const std::size_t s = std::size_t(side);
  const int to_side = 1 - side;
  WireCounters& c = counters_[s];
  c.frames_sent++;
  c.octets_sent += frame.size();

  const uint64_t start = std::max(ready_ps, line_free_ps_[s]);
  const uint64_t line_time = line_time_ps(frame.size());
  line_free_ps_[s] = start + line_time;
  if (on_send) on_send(side, frame, {start, start + line_time});
  const uint64_t received =
      start + config_.propagation_ps +
      bits_time_ps(ethernet::line_octets(frame.size()) - ethernet::kInterFrameGapOctets);

  // Four draws a frame whatever happens, so each impairment's choices do
  // not depend on the others' rates.
  const bool lose = draw(side) < config_.loss;
  const bool corrupt = draw(side) < config_.corrupt;
  const bool duplicate = draw(side) < config_.duplicate;
  const bool reorder = draw(side) < config_.reorder;
  if (lose) {
    c.lost++;
    return {start, start + line_time};
  }
  if (corrupt) {
    const std::size_t octet = std::size_t(draw(side) * double(frame.size()));
    const unsigned bit = unsigned(draw(side) * 8);
    frame[octet] ^= uint8_t(1u << bit);
    c.corrupted++;
  }

  // A held frame follows the first frame sent after it that arrives before
  // its deadline (that frame is not held itself); otherwise it stays at its
  // deadline.
  std::optional<Key>& held = held_[s];
  const bool releases = held && held->first > received;
  if (releases) {
    auto node = arrivals_.extract(*held);
    schedule(received + line_time, node.mapped().to_side, std::move(node.mapped().frame));
  }
  held.reset();  // moved behind this frame, or due (or delivered) before it

  if (duplicate) {
    schedule(received + line_time, to_side, frame);
    c.duplicated++;
  }
  if (reorder && !releases) {
    held = schedule(received + config_.reorder_hold_ps, to_side, std::move(frame));
    c.reordered++;
  } else {
    schedule(received, to_side, std::move(frame));
  }
  return {start, start + line_time};
}

void EthernetWire::deliver_until(uint64_t now_ps) {
  while (!arrivals_.empty() && arrivals_.begin()->first.first <= now_ps) {
    auto node = arrivals_.extract(arrivals_.begin());
    const uint64_t time_ps = node.key().first;
    delivered_until_ps_ = std::max(delivered_until_ps_, time_ps);  // an end may answer from then on
    for (std::optional<Key>& held : held_)
      if (held && *held == node.key()) held.reset();
    Arrival& a = node.mapped();
    counters_[std::size_t(1 - a.to_side)].frames_delivered++;
    if (capture_) capture_->write(a.frame, time_ps / 1000);
    if (WireEnd* end = ends_[std::size_t(a.to_side)]) end->frame_arrived(a.frame, time_ps);
  }
  delivered_until_ps_ = std::max(delivered_until_ps_, now_ps);
}

std::optional<uint64_t> EthernetWire::next_arrival_ps() const {
  if (arrivals_.empty()) return std::nullopt;
  return arrivals_.begin()->first.first;
}

void EthernetWire::flush_capture() {
  if (capture_) capture_->flush();
}

}  // namespace tcpoe::sim

// The Ethernet wire between two MAC ports, in simulated time: each direction
// serializes frames at the link rate (preamble, FCS, minimum frame size and
// inter-frame gap accounted), optionally loses, duplicates, reorders or
// corrupts them at seeded rates, delivers each frame to the end attached at
// the other side when its last octet has arrived, and writes every frame it
// delivers to a pcap capture stamped with that time (docs/wire-models.md).
//
// Plain C++, no SystemC: the owner of time calls send() when a frame is
// ready and deliver_until() as time advances (sim/wire/wire_channel.h does
// both inside SystemC). Times are integer picoseconds from the start.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "pcap_writer.h"

namespace tcpoe::sim {

using Frame = std::vector<uint8_t>;

// Ethernet's octets around a frame (IEEE 802.3): the frames handled here run
// from the destination MAC to the last payload octet, without FCS.
namespace ethernet {
constexpr std::size_t kPreambleSfdOctets = 8;
constexpr std::size_t kFcsOctets = 4;
constexpr std::size_t kInterFrameGapOctets = 12;
constexpr std::size_t kMinFrameOctets = 60;  // without FCS; a MAC pads shorter frames
constexpr std::size_t kMaxFrameOctets = PcapWriter::kSnapLen;  // larger: refused
// Octets a frame of `frame_octets` occupies on the line, gap included.
constexpr std::size_t line_octets(std::size_t frame_octets) {
  return kPreambleSfdOctets + (frame_octets < kMinFrameOctets ? kMinFrameOctets : frame_octets) +
         kFcsOctets + kInterFrameGapOctets;
}
}  // namespace ethernet

struct EthernetWireConfig {
  uint64_t rate_bps = 10'000'000'000;  // each direction
  uint64_t propagation_ps = 0;         // cable delay (0: back to back)
  // Impairments, each the probability per frame, each direction, drawn
  // independently: lost (never delivered); corrupted (one random bit
  // flipped and delivered, as if damaged behind the FCS, e.g. in a switch's
  // memory: a MAC drops a frame whose FCS fails, which is a loss);
  // duplicated (delivered twice, the copy right behind the original);
  // reordered (held back and delivered right behind the next frame of its
  // direction, or reorder_hold_ps late if no frame arrives meanwhile; the
  // frame that releases a held one is not held itself, so with steady
  // traffic a share reorder / (1 + reorder) of the frames is reordered).
  double loss = 0, corrupt = 0, duplicate = 0, reorder = 0;
  uint64_t reorder_hold_ps = 10'000'000;  // 10 us
  uint64_t seed = 1;                      // each direction draws from its own stream
  // Every delivered frame (so not the lost ones; duplicates twice), in order
  // of arrival, stamped with its arrival time (ns, truncated); empty: none.
  std::string pcap_path;

  // An empty string when the settings are usable, else what is wrong.
  std::string problem() const;
  void validate() const;  // throws std::invalid_argument with problem()
};

// What is attached to a side of the wire: a MAC port, a peer.
class WireEnd {
 public:
  virtual ~WireEnd() = default;
  // `frame` has been received whole (its FCS's last octet) at `time_ps`.
  virtual void frame_arrived(const Frame& frame, uint64_t time_ps) = 0;
};

struct WireCounters {  // one direction
  uint64_t frames_sent = 0, octets_sent = 0;  // frame octets (no preamble, FCS, gap)
  uint64_t frames_delivered = 0;              // duplicates included
  uint64_t lost = 0, corrupted = 0, duplicated = 0, reordered = 0;
};

class EthernetWire {
 public:
  static constexpr int kSides = 2;

  // Validates `config` (std::invalid_argument) and creates its capture file
  // (std::runtime_error with the reason when it cannot).
  explicit EthernetWire(const EthernetWireConfig& config);
  EthernetWire(const EthernetWire&) = delete;
  EthernetWire& operator=(const EthernetWire&) = delete;

  // The end at `side` (0 or 1) receives what the other side sends; nullptr
  // detaches (frames to it are then delivered nowhere, but still captured).
  void attach(int side, WireEnd* end);

  struct Transmission {
    uint64_t start_ps;  // first preamble octet on the line
    uint64_t end_ps;    // line free again (after FCS and inter-frame gap)
  };
  // Queues `frame` (1..kMaxFrameOctets octets) from `side` once the line is
  // free and the frame ready (`ready_ps`, not before the last
  // deliver_until()); returns when it occupies the line. A MAC that holds
  // one frame at a time takes the next from its source at end_ps.
  Transmission send(int side, Frame frame, uint64_t ready_ps);
  // Called for every frame send() accepts, with when it occupies the line
  // (lost or not): for a program's timing of what it sent.
  std::function<void(int side, const Frame& frame, const Transmission& on_line)> on_send;
  uint64_t line_free_ps(int side) const { return line_free_ps_.at(std::size_t(side)); }
  // Time on the line of a frame's octets plus preamble, FCS and gap.
  uint64_t line_time_ps(std::size_t frame_octets) const;

  // Delivers, in order of arrival, every frame that has arrived by `now_ps`
  // (an end may send from frame_arrived()); the next arrival still due.
  void deliver_until(uint64_t now_ps);
  std::optional<uint64_t> next_arrival_ps() const;

  const WireCounters& counters(int from_side) const { return counters_.at(std::size_t(from_side)); }
  const EthernetWireConfig& config() const { return config_; }
  // Pushes the capture's records to its file (closed by the destructor).
  void flush_capture();

 private:
  struct Arrival {
    int to_side;
    Frame frame;
  };
  using Key = std::pair<uint64_t, uint64_t>;  // arrival time, sequence (ties in send order)

  double draw(int side);  // uniform in [0, 1) from the side's stream
  uint64_t bits_time_ps(uint64_t octets) const;
  Key schedule(uint64_t time_ps, int to_side, Frame frame);

  EthernetWireConfig config_;
  std::array<WireEnd*, kSides> ends_{};
  std::array<uint64_t, kSides> line_free_ps_{};
  std::array<std::mt19937_64, kSides> rng_;
  std::array<WireCounters, kSides> counters_{};
  std::array<std::optional<Key>, kSides> held_;  // a reordered frame waiting for the next
  std::map<Key, Arrival> arrivals_;
  uint64_t sequence_ = 0;
  uint64_t delivered_until_ps_ = 0;
  std::unique_ptr<PcapWriter> capture_;
};

}  // namespace tcpoe::sim

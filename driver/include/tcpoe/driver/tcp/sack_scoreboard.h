// The sender's SACK scoreboard (RFC 6675 section 3): which octets between
// SND.UNA and SND.MAX the peer reported holding in SACK blocks (RFC 2018),
// so that loss recovery retransmits only the holes, each once per recovery.
// Ranges are kept sorted, disjoint and not touching; SeqNumber's order holds
// because all of them lie in one window above SND.UNA. Blocks outside
// (SND.UNA, SND.MAX], empty or inverted ones (a peer's garbage, or D-SACK
// blocks below SND.UNA) are ignored. At most kMaxRanges ranges are kept: a
// block that would add one more is ignored (SACK information is advisory;
// the retransmission timer still covers everything).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "tcpoe/driver/tcp/seq_number.h"
#include "tcpoe/wire/tcp.h"

namespace tcpoe::driver::tcp {

class SackScoreboard {
 public:
  static constexpr std::size_t kMaxRanges = 256;

  // The blocks of an ACK; `snd_una` is SND.UNA after it. True when they
  // marked octets not marked before.
  bool update(const wire::SackBlocks& blocks, SeqNumber snd_una, SeqNumber snd_max);
  // SND.UNA moved to `snd_una`: what lies before it is forgotten.
  void acknowledge(SeqNumber snd_una);
  // RFC 6675 section 5.1: after a retransmission timeout, SACK information
  // is not trusted any more.
  void clear() { ranges_.clear(); }

  bool empty() const { return ranges_.empty(); }
  bool is_sacked(SeqNumber seq) const;
  // The end of the SACKed range holding `seq`; `seq` itself when none does.
  SeqNumber sacked_end(SeqNumber seq) const;
  uint32_t sacked_octets() const;
  std::size_t ranges() const { return ranges_.size(); }

  struct Hole {
    SeqNumber seq;
    uint32_t length;
  };
  // The first octets from `from` on that are not SACKed but lie below a
  // SACKed range (RFC 6675's holes), at most `max_length` of them, up to
  // the next SACKed range. None when no hole starts at or after `from`.
  std::optional<Hole> next_hole(SeqNumber from, uint32_t max_length) const;

 private:
  struct Range {
    SeqNumber start, end;  // [start, end)
  };
  bool add(SeqNumber start, SeqNumber end);
  std::vector<Range> ranges_;
};

}  // namespace tcpoe::driver::tcp

#include "tcpoe/driver/tcp/sack_scoreboard.h"

#include <algorithm>

namespace tcpoe::driver::tcp {

bool SackScoreboard::update(const wire::SackBlocks& blocks, SeqNumber snd_una, SeqNumber snd_max) {
  acknowledge(snd_una);
  bool marked = false;
  for (uint8_t k = 0; k < blocks.count; ++k) {
    const SeqNumber left(blocks.block[k].left), right(blocks.block[k].right);
    if (!(left < right) || left < snd_una || snd_max < right) continue;
    marked = add(left, right) || marked;
  }
  return marked;
}

bool SackScoreboard::add(SeqNumber start, SeqNumber end) {
  // The ranges it touches or overlaps: [first, last).
  const auto first = std::find_if(ranges_.begin(), ranges_.end(),
                                  [&](const Range& r) { return start <= r.end; });
  auto last = first;
  while (last != ranges_.end() && last->start <= end) ++last;
  if (first == last) {
    if (ranges_.size() >= kMaxRanges) return false;
    ranges_.insert(first, Range{start, end});
    return true;
  }
  const SeqNumber merged_start = std::min(start, first->start);
  const SeqNumber merged_end = std::max(end, std::prev(last)->end);
  const bool grew = std::next(first) != last || merged_start < first->start || first->end < merged_end;
  *first = Range{merged_start, merged_end};
  ranges_.erase(std::next(first), last);
  return grew;
}

void SackScoreboard::acknowledge(SeqNumber snd_una) {
  ranges_.erase(std::remove_if(ranges_.begin(), ranges_.end(),
                               [&](const Range& r) { return r.end <= snd_una; }),
                ranges_.end());
  if (!ranges_.empty() && ranges_.front().start < snd_una) ranges_.front().start = snd_una;
}

bool SackScoreboard::is_sacked(SeqNumber seq) const {
  return std::any_of(ranges_.begin(), ranges_.end(),
                     [&](const Range& r) { return r.start <= seq && seq < r.end; });
}

SeqNumber SackScoreboard::sacked_end(SeqNumber seq) const {
  for (const Range& r : ranges_)
    if (r.start <= seq && seq < r.end) return r.end;
  return seq;
}

uint32_t SackScoreboard::sacked_octets() const {
  uint32_t total = 0;
  for (const Range& r : ranges_) total += static_cast<uint32_t>(r.end - r.start);
  return total;
}

std::optional<SackScoreboard::Hole> SackScoreboard::next_hole(SeqNumber from,
                                                              uint32_t max_length) const {
  if (max_length == 0) return std::nullopt;
  for (const Range& r : ranges_) {
    if (r.end <= from) continue;
    if (from < r.start)
      return Hole{from, std::min(max_length, static_cast<uint32_t>(r.start - from))};
    from = r.end;  // inside a SACKed range: the hole, if any, starts after it
  }
  return std::nullopt;
}

}  // namespace tcpoe::driver::tcp

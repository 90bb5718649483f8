// A TCP sequence number: a point on the circle of 2^32, compared by serial
// number arithmetic (RFC 1982, RFC 9293 section 3.4) so that comparisons hold
// across the wrap. The driver never compares raw uint32_t sequence numbers:
// every one it keeps is a SeqNumber.
#pragma once

#include <cstdint>

namespace tcpoe::driver::tcp {

class SeqNumber {
 public:
  constexpr SeqNumber() = default;
  explicit constexpr SeqNumber(uint32_t raw) : raw_(raw) {}

  constexpr uint32_t raw() const { return raw_; }

  // Moving forward or back by an offset wraps modulo 2^32.
  friend constexpr SeqNumber operator+(SeqNumber s, uint32_t offset) {
    return SeqNumber(s.raw_ + offset);
  }
  friend constexpr SeqNumber operator-(SeqNumber s, uint32_t offset) {
    return SeqNumber(s.raw_ - offset);
  }
  SeqNumber& operator+=(uint32_t offset) { return *this = *this + offset; }

  // The signed distance from b to a: how far a lies ahead of b (negative
  // when behind). At exactly 2^31 apart the order is undefined (RFC 1982
  // section 3.2); the distance is then INT32_MIN, and neither is less.
  friend constexpr int32_t operator-(SeqNumber a, SeqNumber b) {
    const uint32_t d = a.raw_ - b.raw_;
    return d < 0x80000000u ? static_cast<int32_t>(d)
                           : -static_cast<int32_t>(0xffffffffu - d) - 1;
  }

  friend constexpr bool operator==(SeqNumber a, SeqNumber b) { return a.raw_ == b.raw_; }
  friend constexpr bool operator!=(SeqNumber a, SeqNumber b) { return a.raw_ != b.raw_; }
  friend constexpr bool operator<(SeqNumber a, SeqNumber b) {
    const uint32_t ahead = b.raw_ - a.raw_;  // how far b lies ahead of a
    return ahead != 0 && ahead < 0x80000000u;
  }
  friend constexpr bool operator>(SeqNumber a, SeqNumber b) { return b < a; }
  friend constexpr bool operator<=(SeqNumber a, SeqNumber b) { return a == b || a < b; }
  friend constexpr bool operator>=(SeqNumber a, SeqNumber b) { return b <= a; }

 private:
  uint32_t raw_ = 0;
};

// first <= s < first + length (false when length is 0).
constexpr bool in_window(SeqNumber s, SeqNumber first, uint32_t length) {
  return length != 0 && first <= s && s < first + length;
}

}  // namespace tcpoe::driver::tcp

// Stand-in for Xilinx's <ap_int.h>, used only when Vitis HLS headers are not
// installed. It implements the subset of ap_uint<W> the kernels of this
// project use, with the same names and semantics, so kernel code compiles
// unchanged against either header:
//   ap_uint<W>(uint64), to_uint64(), range(hi, lo) read/write, operator[],
//   ==, !=.
// Arithmetic is done on plain integers in the kernels, so none is offered
// here; a kernel that needs more than this will not compile, which is the
// point (it would then silently rely on stand-in-only behaviour).
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>

template <int W>
class ap_uint {
  static_assert(W >= 1 && W <= 4096, "ap_uint width out of range");
  static constexpr int kLimbs = (W + 63) / 64;
  uint64_t limb_[kLimbs] = {};

  void clear_unused() {
    constexpr int rem = W % 64;
    if (rem != 0) limb_[kLimbs - 1] &= (uint64_t{1} << rem) - 1;
  }

 public:
  class range_ref {
    ap_uint& v_;
    int hi_, lo_;

   public:
    range_ref(ap_uint& v, int hi, int lo) : v_(v), hi_(hi), lo_(lo) {}
    uint64_t to_uint64() const { return v_.get_bits(hi_, lo_); }
    unsigned to_uint() const { return static_cast<unsigned>(to_uint64()); }
    operator uint64_t() const { return to_uint64(); }
    range_ref& operator=(uint64_t x) {
      v_.set_bits(hi_, lo_, x);
      return *this;
    }
  };
  class bit_ref {
    ap_uint& v_;
    int i_;

   public:
    bit_ref(ap_uint& v, int i) : v_(v), i_(i) {}
    operator bool() const { return v_.get_bits(i_, i_) != 0; }
    bit_ref& operator=(bool b) {
      v_.set_bits(i_, i_, b ? 1 : 0);
      return *this;
    }
  };

  ap_uint() = default;
  ap_uint(unsigned long long x) {  // NOLINT: implicit like Xilinx's
    limb_[0] = x;
    clear_unused();
  }
  ap_uint(unsigned long x) : ap_uint(static_cast<unsigned long long>(x)) {}  // NOLINT
  ap_uint(unsigned x) : ap_uint(static_cast<unsigned long long>(x)) {}       // NOLINT
  ap_uint(int x) : ap_uint(static_cast<unsigned long long>(x)) {}            // NOLINT
  ap_uint(bool x) : ap_uint(static_cast<unsigned long long>(x)) {}           // NOLINT

  static constexpr int width = W;

  // Bits [hi:lo], hi - lo < 64.
  uint64_t get_bits(int hi, int lo) const {
    assert(hi >= lo && hi < W && hi - lo < 64);
    const int n = hi - lo + 1;
    const int li = lo / 64, sh = lo % 64;
    uint64_t x = limb_[li] >> sh;
    if (sh != 0 && li + 1 < kLimbs) x |= limb_[li + 1] << (64 - sh);
    return n == 64 ? x : x & ((uint64_t{1} << n) - 1);
  }
  void set_bits(int hi, int lo, uint64_t x) {
    assert(hi >= lo && hi < W && hi - lo < 64);
    const int n = hi - lo + 1;
    const uint64_t mask = n == 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
    x &= mask;
    const int li = lo / 64, sh = lo % 64;
    limb_[li] = (limb_[li] & ~(mask << sh)) | (x << sh);
    if (sh != 0 && sh + n > 64) {
      const int spill = 64 - sh;
      limb_[li + 1] = (limb_[li + 1] & ~(mask >> spill)) | (x >> spill);
    }
  }

  uint64_t to_uint64() const { return limb_[0]; }
  unsigned to_uint() const { return static_cast<unsigned>(limb_[0]); }
  range_ref range(int hi, int lo) { return range_ref(*this, hi, lo); }
  uint64_t range(int hi, int lo) const { return get_bits(hi, lo); }
  bit_ref operator[](int i) { return bit_ref(*this, i); }
  bool operator[](int i) const { return get_bits(i, i) != 0; }

  friend bool operator==(const ap_uint& a, const ap_uint& b) {
    for (int i = 0; i < kLimbs; ++i)
      if (a.limb_[i] != b.limb_[i]) return false;
    return true;
  }
  friend bool operator!=(const ap_uint& a, const ap_uint& b) { return !(a == b); }
};

// Stand-in for Xilinx's <hls_stream.h>, used only when Vitis HLS headers are
// not installed. Same C-simulation semantics as Xilinx's hls::stream
// (unbounded FIFO, blocking read on an empty stream is an error), plus
// port-level observation hooks (tb_*) that the cycle-lockstep harness uses to
// see what the synthesized AXI4-Stream port would do in the same clock cycle:
//   - a read_nb() call is the cycle in which the kernel drives TREADY high;
//   - a write_nb() call is the cycle in which it drives TVALID high with that
//     TDATA, and the write succeeds only if the consumer is ready
//     (tb_set_ready), exactly as TVALID && TREADY.
// Kernels must not call tb_* (they do not exist in Xilinx's header).
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <optional>

namespace hls {

template <typename T>
class stream {
  std::deque<T> fifo_;
  bool bounded_ = false;  // false: C-sim default, never full
  bool ready_ = true;     // with bounded_: whether a write_nb succeeds
  bool read_attempted_ = false;
  std::optional<T> write_attempt_;

 public:
  stream() = default;
  explicit stream(const char*) {}
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  bool empty() const { return fifo_.empty(); }
  bool full() const { return bounded_ && !ready_; }
  std::size_t size() const { return fifo_.size(); }

  T read() {
    if (fifo_.empty()) {
      std::fprintf(stderr, "hls::stream: blocking read from an empty stream\n");
      std::abort();
    }
    T v = fifo_.front();
    fifo_.pop_front();
    return v;
  }
  void read(T& v) { v = read(); }
  bool read_nb(T& v) {
    read_attempted_ = true;
    if (fifo_.empty()) return false;
    v = read();
    return true;
  }
  void write(const T& v) { fifo_.push_back(v); }
  bool write_nb(const T& v) {
    write_attempt_ = v;
    if (full()) return false;
    fifo_.push_back(v);
    return true;
  }
  stream& operator<<(const T& v) {
    write(v);
    return *this;
  }
  stream& operator>>(T& v) {
    read(v);
    return *this;
  }

  // --- stand-in only: cycle-level port observation (see header comment) ---
  // Makes the stream model an AXI4-Stream port whose consumer is `ready`
  // this cycle.
  void tb_set_ready(bool ready) {
    bounded_ = true;
    ready_ = ready;
  }
  // Whether the kernel drove TREADY this cycle; clears the flag.
  bool tb_take_read_attempted() {
    bool r = read_attempted_;
    read_attempted_ = false;
    return r;
  }
  // The TDATA the kernel drove with TVALID this cycle, if any; clears it.
  std::optional<T> tb_take_write_attempt() {
    std::optional<T> r = write_attempt_;
    write_attempt_.reset();
    return r;
  }
};

}  // namespace hls

// A function run as an SC_THREAD: what a simulated host's program (a driver
// making MMIO reads and waits, which take simulated time) runs in. The
// simulation stops (sc_stop) when the last of these threads has returned.
// An exception the body throws ends only that thread: it is handed to
// `on_exception` (by default printed with the thread's name).
#pragma once

#include <cstdio>
#include <exception>
#include <functional>
#include <string>
#include <utility>

#include <systemc>

namespace tcpoe::sim {

class ScThread : public sc_core::sc_module {
 public:
  using OnException = std::function<void(const std::string& thread, const std::exception&)>;

  ScThread(sc_core::sc_module_name name, std::function<void()> body, OnException on_exception = {})
      : sc_core::sc_module(name), body_(std::move(body)), on_exception_(std::move(on_exception)) {
    SC_HAS_PROCESS(ScThread);
    SC_THREAD(run);
    ++running_;
  }

  // Threads made and not yet returned.
  static int running() { return running_; }

 private:
  void run() {
    try {
      body_();
    } catch (const std::exception& e) {
      if (on_exception_) on_exception_(name(), e);
      else std::printf("%s: %s\n", name(), e.what());
    }
    if (--running_ == 0) sc_core::sc_stop();
  }

  static inline int running_ = 0;
  std::function<void()> body_;
  OnException on_exception_;
};

}  // namespace tcpoe::sim

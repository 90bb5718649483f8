// What the DMA engine's read and write harnesses share: the parameters each
// master is verilated with, the commands' rule, the client's command source
// and status watch.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace tcpoe::sim {

// The parameters each width is verilated with (sim/device/CMakeLists.txt
// passes the same values with -G, to both masters).
struct DmaParams {
  int data_width, max_len, max_burst, outstanding;
};
constexpr DmaParams kDma64{64, 9216 + 64, 256, 8};
constexpr DmaParams kDma512{512, 9216 + 64, 16, 4};

// cmd_len's width, $clog2(MAX_LEN + 1): longer lengths do not fit the port.
constexpr int kDmaLenBits = 14;
static_assert((1 << kDmaLenBits) > kDma64.max_len && (1 << (kDmaLenBits - 1)) <= kDma64.max_len);

// The parameters of the masters verilated at this width; throws for others.
inline const DmaParams& dma_params(int data_width) {
  if (data_width == kDma64.data_width) return kDma64;
  if (data_width == kDma512.data_width) return kDma512;
  throw std::invalid_argument("the DMA masters are verilated at DATA_W 64 and 512 only, not " +
                              std::to_string(data_width));
}

// Whether a master takes the command (tcpoe_dma_bursts' rule) or refuses it.
inline bool dma_cmd_ok(const DmaParams& p, uint64_t addr, uint32_t len) {
  return addr % uint64_t(p.data_width / 8) == 0 && len >= 1 && len <= uint32_t(p.max_len);
}
// The read master takes any address (it reads the beats the octets touch).
inline bool dma_read_ok(const DmaParams& p, uint32_t len) {
  return len >= 1 && len <= uint32_t(p.max_len);
}
// The lanes beat `beat` of a read of [addr, addr + len) keeps: each octet in
// its memory lane (octet a on lane a mod DATA_W/8).
inline uint64_t dma_read_keep(const DmaParams& p, uint64_t addr, uint32_t len, uint64_t beat) {
  const uint64_t bytes = uint64_t(p.data_width / 8);
  const uint64_t first = addr / bytes * bytes + beat * bytes;  // the beat's first octet
  const uint64_t begin = std::max(first, addr), end = std::min(first + bytes, addr + len);
  if (begin >= end) return 0;
  const uint64_t ones = end - begin == 64 ? ~uint64_t{0} : (uint64_t{1} << (end - begin)) - 1;
  return ones << (begin - first);
}

struct DmaStatus {
  uint8_t tag = 0;
  bool error = false;
};

// A master's status output, cycle by cycle: collects the statuses taken and
// says when one changed or went away before it was.
class DmaStatusWatch {
 public:
  // Returns the rule broken in this cycle, or "".
  std::string observe(bool valid, bool ready, DmaStatus s, std::vector<DmaStatus>& taken) {
    const bool broke = held_ && (!valid || s.tag != last_.tag || s.error != last_.error);
    if (valid && ready) taken.push_back(s);
    held_ = valid && !ready;
    last_ = s;
    return broke ? "the status changed or STS_VALID fell before STS_READY" : "";
  }

 private:
  bool held_ = false;
  DmaStatus last_;
};

// The client's commands (DmaReadCmd or DmaWriteCmd: addr, len, tag), each
// offered on cmd_* in a cycle with probability `prob` and held until taken.
template <typename Cmd>
class DmaCommandSource {
 public:
  DmaCommandSource(const std::vector<Cmd>& cmds, double prob, uint64_t seed)
      : cmds_(cmds), offer_(prob), rng_(seed) {}
  // What is wrong with the commands for the port (a length cmd_len cannot hold), or "".
  std::string unfit() const {
    for (const auto& c : cmds_)
      if (c.len >= (1u << kDmaLenBits)) return "a length of " + std::to_string(c.len) + " does not fit cmd_len";
    return "";
  }
  // Sets the model's cmd_* inputs for this cycle.
  template <typename Top>
  void drive(Top& top) {
    if (!offering_ && next_ < cmds_.size() && offer_(rng_)) offering_ = true;
    if (offering_) {
      top.cmd_addr = cmds_[next_].addr;
      top.cmd_len = static_cast<std::remove_reference_t<decltype(top.cmd_len)>>(cmds_[next_].len);
      top.cmd_tag = cmds_[next_].tag;
    }
    top.cmd_valid = offering_;
  }
  // At the clock edge: whether the command was taken.
  void clock(bool taken) {
    if (taken) {
      offering_ = false;
      ++next_;
    }
  }

 private:
  const std::vector<Cmd>& cmds_;
  std::bernoulli_distribution offer_;
  std::mt19937_64 rng_;
  size_t next_ = 0;
  bool offering_ = false;
};

// The failure of a run that did not end in time.
inline std::string dma_timeout(uint64_t cycles, size_t statuses, size_t commands) {
  return "timeout after " + std::to_string(cycles) + " cycles with " + std::to_string(statuses) +
         " of " + std::to_string(commands) + " statuses";
}

}  // namespace tcpoe::sim

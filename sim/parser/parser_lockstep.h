// Runs rtl/tcp_rx_parser.sv (verilated) and its HLS reference (hls/parser)
// on the same stimulus, clock by clock, and stops at the first cycle where
// their ports differ: s_axis_tready, m_desc_tvalid, m_desc_tdata while
// valid, or any stat_* counter. The descriptors are returned in order for
// the caller to judge against the software parser (parse_frame) or scapy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tcpoe/wire/rx_descriptor.h"

#include "data_width.h"

namespace tcpoe::sim {

using Frame = std::vector<uint8_t>;

struct ParserCounters {
  uint32_t frames = 0, malformed = 0, ip_csum_bad = 0, tcp_csum_bad = 0;
};

struct ParserRunOptions {
  int data_width = 64;  // 64, 128, 256 or 512
  // Port behaviour of the traffic around the parser, per cycle.
  double valid_probability = 1.0;  // a waiting beat is offered (AXI: then held until taken)
  double ready_probability = 1.0;  // m_desc_tready is high
  // Instead of the probabilities, when set: a pattern of 1 and 0 that
  // repeats (sim::Throttle), e.g. "1110" for one idle cycle in four.
  std::string valid_pattern, ready_pattern;
  uint64_t seed = 1;
  bool lockstep = true;  // compare with the HLS reference every cycle
  std::string fst_path;  // write an FST waveform there when set
  // Give up when no beat or descriptor has moved for this many cycles: a
  // hang is a failure, never an endless run.
  uint64_t stall_limit = 10000;
  // The stat_* counters' values right after reset, written into the RTL's
  // registers and the model's alike (a test of their width and wrap-around).
  std::optional<ParserCounters> preload_counters;
};

struct ParserRunReport {
  bool ok = false;
  std::string failure;  // the first problem, with its cycle, when !ok
  bool rtl_assertion_fired = false;
  uint64_t cycles = 0;  // clock cycles after reset
  uint64_t beats = 0;   // beats accepted
  uint64_t first_beat_cycle = 0, last_beat_cycle = 0;
  std::vector<wire::RxDescriptorBytes> descriptors;  // one per frame, in order
  std::vector<uint32_t> latencies;  // per frame: last beat's handshake -> m_desc_tvalid
  ParserCounters counters;          // the stat_* outputs at the end of the run
};

ParserRunReport run_parser(const std::vector<Frame>& frames, const ParserRunOptions& options);

}  // namespace tcpoe::sim

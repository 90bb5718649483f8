// Runs rtl/tcp_csum.sv (verilated) and its HLS reference (hls/csum) on the
// same stimulus, clock by clock, and stops at the first cycle where their
// ports differ: s_axis_tready, m_axis_tvalid, or m_axis_tdata while valid.
// Every result is also checked against the RFC 1071 byte-stream sum.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data_width.h"

namespace tcpoe::sim {

using Packet = std::vector<uint8_t>;

struct CsumRunOptions {
  int data_width = 64;  // 64, 128, 256 or 512
  // Port behaviour of the traffic around the engine, per cycle.
  double valid_probability = 1.0;  // a waiting beat is offered (AXI: then held until taken)
  double ready_probability = 1.0;  // m_axis_tready is high
  // Instead of the probabilities, when set: a pattern of 1 and 0 that
  // repeats (sim::Throttle), e.g. "1110" for one idle cycle in four.
  std::string valid_pattern, ready_pattern;
  uint64_t seed = 1;
  bool lockstep = true;  // compare with the HLS reference every cycle
  std::string fst_path;  // write an FST waveform there when set
  // Give up when no beat or result has moved for this many cycles: a hang is
  // a failure, never an endless run.
  uint64_t stall_limit = 10000;
  // Test of the input checks: offers packet N with a tkeep that breaks the
  // rule (a hole in a last beat, or a partial beat that is not the last).
  std::optional<std::size_t> break_tkeep_of_packet;
};

struct CsumRunReport {
  bool ok = false;
  std::string failure;  // the first problem, with its cycle, when !ok
  bool rtl_assertion_fired = false;
  uint64_t cycles = 0;          // clock cycles after reset
  uint64_t beats = 0;           // beats accepted
  uint64_t first_beat_cycle = 0, last_beat_cycle = 0;
  std::vector<uint16_t> sums;   // one per packet, in order
  std::vector<uint32_t> latencies;  // per packet: last beat's handshake -> result's tvalid
};

CsumRunReport run_csum(const std::vector<Packet>& packets, const CsumRunOptions& options);

// n packets of random octets, lengths uniform in [min_len, max_len]; the same
// seed gives the same packets (the tests, the bench and tcpoe-csum --random).
std::vector<Packet> random_packets(std::size_t n, std::size_t min_len, std::size_t max_len,
                                   uint64_t seed);

}  // namespace tcpoe::sim

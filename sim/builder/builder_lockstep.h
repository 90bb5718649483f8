// Runs rtl/tcp_tx_builder.sv (verilated) and its HLS reference (hls/builder)
// on the same stimulus, clock by clock, and stops at the first cycle where
// their ports differ: s_desc_tready, s_axis_tready, m_axis_tvalid, and
// m_axis_tdata/tkeep/tlast while valid, and the stat_* counters. Returns the
// frames m_axis carried, with their cycles, for the tests to judge against
// independent oracles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tcpoe/wire/tx_descriptor.h"

#include "data_width.h"

namespace tcpoe::sim {

struct TxSegment {
  TxSegment() = default;
  TxSegment(const wire::TxDescriptor& d, std::vector<uint8_t> p = {},
            std::vector<uint64_t> keep = {})
      : desc(d), payload(std::move(p)), payload_tkeep(std::move(keep)) {}

  wire::TxDescriptor desc;
  // What s_axis carries for this segment: offered as one packet when this or
  // payload_tkeep is not empty. Normally desc.payload_len octets; tests of
  // bad input make it disagree.
  std::vector<uint8_t> payload;
  // Tests of the tkeep rule: when not empty, the packet is these beats with
  // these tkeeps (lane l at bit l), the payload's octets filling the kept
  // lanes in order; they must keep payload.size() lanes in all (else the run
  // fails at once). Empty: as the rule says (full beats, the last keeping
  // lanes 0..n-1).
  std::vector<uint64_t> payload_tkeep;
};

struct BuilderRunOptions {
  int data_width = 64;  // 64, 128, 256 or 512 (PAYLOAD_DEPTH is the default, 2048)
  // Per cycle: a waiting descriptor / payload beat is offered (then held
  // until taken, as AXI requires), m_axis_tready is high.
  double desc_valid_probability = 1.0;
  double payload_valid_probability = 1.0;
  double ready_probability = 1.0;
  // Instead of the probabilities, when set: a pattern of 1 and 0 that
  // repeats (sim::Throttle), e.g. "1110" for one idle cycle in four.
  std::string desc_valid_pattern, payload_valid_pattern, ready_pattern;
  uint64_t seed = 1;
  bool lockstep = true;  // compare with the HLS reference every cycle
  std::string fst_path;  // write an FST waveform there when set
  // No handshake on any port for this many cycles while work remains is a
  // hang, reported as a failure.
  uint64_t stall_limit = 10000;
  // Payload beats against the tkeep rule (TxSegment::payload_tkeep) make the
  // RTL's simulation assertion report an error (the hardware drops their
  // packet). Unset, any RTL error fails the run. Set, an RTL error at the
  // edge taking such a beat is expected and counted (rtl_tkeep_errors), and
  // one missing there, or any other RTL error, fails the run.
  bool expect_tkeep_errors = false;
};

struct BuilderRunReport {
  bool ok = false;
  std::string failure;  // the first problem, with its cycle, when !ok
  bool rtl_assertion_fired = false;
  uint64_t tkeep_violations = 0;  // payload beats taken that broke the tkeep rule
  uint64_t rtl_tkeep_errors = 0;  // RTL errors at those beats (expect_tkeep_errors)
  uint64_t cycles = 0;  // after reset
  std::vector<std::vector<uint8_t>> frames;  // octets of kept lanes, in order
  std::vector<uint64_t> frame_first_cycle, frame_last_cycle;  // their first/last beat
  std::vector<uint64_t> desc_cycle;  // handshake cycle of each descriptor
  uint64_t out_beats = 0;
  uint64_t first_out_cycle = 0, last_out_cycle = 0;
  uint32_t stat_bad_desc = 0, stat_bad_payload = 0;
};

constexpr int kBuilderPayloadDepth = 2048;  // PAYLOAD_DEPTH the harness verilates

BuilderRunReport run_builder(const std::vector<TxSegment>& segments,
                             const BuilderRunOptions& options);

}  // namespace tcpoe::sim

// TX header builder benchmark: for each DATA_W, in one run,
//   - output beats per cycle for back-to-back header-only segments (SYN,
//     SYN-ACK, ACK, RST, FIN of random options; goal 1.000);
//   - cycles from the descriptor handshake to the first and to the last
//     output beat, for a 54-octet ACK and a 74-octet Linux SYN;
//   - output beats per cycle for back-to-back segments with payload, random
//     1..1460 octets and full 1460-octet segments (store and forward;
//     PAYLOAD_DEPTH 2048);
//   - simulation speed, RTL in lockstep with the HLS model.
// Prints a Markdown table; the README quotes it (scripts/readme_tables.py).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "bench_table.h"
#include "builder_lockstep.h"
#include "tx_descriptor_stimulus.h"

namespace {

using tcpoe::sim::BuilderRunOptions;
using tcpoe::sim::BuilderRunReport;
using tcpoe::sim::TxSegment;

// A random descriptor (the builder's C-sim and test stimulus) with the
// options the run asks for: Linux's SYN set (MSS 1460, SACK_PERM, TS, WS 7),
// the stimulus's random mix, or none.
TxSegment segment(std::mt19937_64& rng, uint16_t payload, bool syn_options, bool random_opts) {
  TxSegment s;
  auto& d = s.desc;
  d = tcpoe::kernels::random_tx_descriptor(rng);
  if (syn_options) {
    d.has_mss = d.has_window_scale = d.sack_permitted = d.has_timestamps = true;
    d.mss = 1460;
    d.window_scale = 7;
  } else if (!random_opts) {
    d.has_mss = d.has_window_scale = d.sack_permitted = d.has_timestamps = false;
  }
  d.payload_len = payload;
  s.payload.resize(payload);
  for (auto& b : s.payload) b = uint8_t(rng());
  return s;
}

BuilderRunReport run(const std::vector<TxSegment>& segs, BuilderRunOptions opt, double* secs) {
  const auto t0 = std::chrono::steady_clock::now();
  auto r = tcpoe::sim::run_builder(segs, opt);
  const auto t1 = std::chrono::steady_clock::now();
  if (!r.ok) {
    std::fprintf(stderr, "bench_builder: run failed: %s\n", r.failure.c_str());
    std::exit(1);
  }
  if (secs != nullptr) *secs = std::chrono::duration<double>(t1 - t0).count();
  return r;
}

double beats_per_cycle(const BuilderRunReport& r) {
  return double(r.out_beats) / double(r.last_out_cycle - r.first_out_cycle + 1);
}

}  // namespace

int main(int argc, char** argv) {
  using tcpoe::bench::cell;
  const auto options = tcpoe::bench::parse_options(
      "bench_builder", "TX header builder: beats per cycle and latency at each DATA_W.", argc,
      argv);
  const tcpoe::bench::Table table(
      {{"DATA_W"}, {"beats/cycle, header-only b2b"}, {"latency ACK 54 B first/last"},
       {"latency SYN 74 B first/last"}, {"beats/cycle, payload 1..1460 B"},
       {"beats/cycle, payload 1460 B"}, {"lockstep kcycles/s", true}},
      options);
  table.print_header();
  for (int w : {64, 128, 256, 512}) {
    std::mt19937_64 rng{uint64_t(w)};
    BuilderRunOptions opt;
    opt.data_width = w;

    std::vector<TxSegment> hdr_only;
    for (int i = 0; i < 5000; ++i) hdr_only.push_back(segment(rng, 0, false, true));
    double secs = 0;
    const auto b2b = run(hdr_only, opt, &secs);

    BuilderRunOptions lone = opt;
    lone.desc_valid_probability = 0.01;  // nothing queued ahead of the measured descriptor
    const auto ack = run({segment(rng, 0, false, false)}, lone, nullptr);
    const auto syn = run({segment(rng, 0, true, false)}, lone, nullptr);

    std::vector<TxSegment> mixed, full;
    for (int i = 0; i < 300; ++i)
      mixed.push_back(segment(rng, uint16_t(1 + rng() % 1460), false, true));
    for (int i = 0; i < 200; ++i) full.push_back(segment(rng, 1460, true, false));
    const auto pm = run(mixed, opt, nullptr);
    const auto pf = run(full, opt, nullptr);

    table.print_row({cell("%d", w), cell("%.3f", beats_per_cycle(b2b)),
                     cell("%llu / %llu",
                          (unsigned long long)(ack.frame_first_cycle[0] - ack.desc_cycle[0]),
                          (unsigned long long)(ack.frame_last_cycle[0] - ack.desc_cycle[0])),
                     cell("%llu / %llu",
                          (unsigned long long)(syn.frame_first_cycle[0] - syn.desc_cycle[0]),
                          (unsigned long long)(syn.frame_last_cycle[0] - syn.desc_cycle[0])),
                     cell("%.3f", beats_per_cycle(pm)), cell("%.3f", beats_per_cycle(pf)),
                     cell("%.0f", b2b.cycles / secs / 1e3)});
  }
  table.print_machine_speed_columns();
  return 0;
}

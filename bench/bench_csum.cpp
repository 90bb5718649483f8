// Checksum engine benchmark: for each DATA_W, in one Verilator run each,
//   - beats accepted per cycle with back-pressure off (limit: 1.000),
//     for mixed-size packets and for back-to-back one-beat packets;
//   - cycles from the last beat's handshake to the result (goal: <= 4 at
//     DATA_W=512; 6 at 64);
//   - results per cycle for one-beat packets (limit: 1.000);
//   - simulation speed, RTL alone and in lockstep with the HLS model.
// Prints a Markdown table; the README quotes it (scripts/readme_tables.py).
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "bench_table.h"
#include "csum_lockstep.h"

namespace {

using tcpoe::sim::Packet;
using tcpoe::sim::random_packets;

struct Timed {
  tcpoe::sim::CsumRunReport report;
  double seconds;
};

Timed timed_run(const std::vector<Packet>& packets, const tcpoe::sim::CsumRunOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  auto r = tcpoe::sim::run_csum(packets, opt);
  const auto t1 = std::chrono::steady_clock::now();
  if (!r.ok) {
    std::fprintf(stderr, "bench_csum: run failed: %s\n", r.failure.c_str());
    std::exit(1);
  }
  return {std::move(r), std::chrono::duration<double>(t1 - t0).count()};
}

double beats_per_cycle(const tcpoe::sim::CsumRunReport& r) {
  return double(r.beats) / double(r.last_beat_cycle - r.first_beat_cycle + 1);
}

}  // namespace

int main(int argc, char** argv) {
  using tcpoe::bench::cell;
  const auto options = tcpoe::bench::parse_options(
      "bench_csum", "Checksum engine: throughput and latency at each DATA_W.", argc, argv);
  const tcpoe::bench::Table table(
      {{"DATA_W"}, {"beats/cycle, 64..9018 B"}, {"beats/cycle, 1-beat pkts"},
       {"results/cycle, 1-beat pkts"}, {"latency (cycles)"}, {"beats/cycle at 50% ready"},
       {"sim kcycles/s RTL", true}, {"lockstep", true}},
      options);
  table.print_header();
  for (int w : {64, 128, 256, 512}) {
    tcpoe::sim::CsumRunOptions opt;
    opt.data_width = w;
    opt.lockstep = false;

    const auto mixed = random_packets(400, 64, 9018, 7);
    const Timed rtl = timed_run(mixed, opt);
    opt.lockstep = true;
    const Timed both = options.cycles_only ? Timed{} : timed_run(mixed, opt);

    const auto tiny = random_packets(20000, std::size_t(w / 8), std::size_t(w / 8), 8);
    const Timed one_beat = timed_run(tiny, opt);
    const auto& ob = one_beat.report;
    auto [lat_min, lat_max] = std::minmax_element(ob.latencies.begin(), ob.latencies.end());
    // The run's cycles but those the last result spends in the pipeline.
    const double results_per_cycle = double(ob.sums.size()) / double(ob.cycles - *lat_max);

    opt.ready_probability = 0.5;
    const Timed pressed = timed_run(mixed, opt);

    table.print_row({cell("%d", w), cell("%.3f", beats_per_cycle(rtl.report)),
                     cell("%.3f", beats_per_cycle(ob)), cell("%.3f", results_per_cycle),
                     cell("%u..%u", *lat_min, *lat_max),
                     cell("%.3f", beats_per_cycle(pressed.report)),
                     cell("%.0f", rtl.report.cycles / rtl.seconds / 1e3),
                     cell("%.0f", both.report.cycles / both.seconds / 1e3)});
  }
  table.print_machine_speed_columns();
  std::printf("\nlimits: 1.000 beat and 1.000 result per cycle; latency goal <= 4 cycles at "
              "DATA_W=512 (6 at DATA_W=64, for the clock rate: docs/synthesis.md); at 50%% ready "
              "the consumer takes one result every other cycle.\n");
  return 0;
}

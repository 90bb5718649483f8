// Receive parser benchmark: for each DATA_W, in one Verilator run each,
//   - frames per cycle for back-to-back minimum-size (60-octet) frames,
//     against the limit of one frame per ceil(60 / (DATA_W/8)) beats;
//   - the same for back-to-back 74-octet SYNs with Linux's options (MSS,
//     SACK-permitted, timestamps, window scale), which the option walk reads;
//   - cycles from a frame's last beat to its descriptor's tvalid;
//   - frames per cycle with the descriptor consumer ready half the time;
//   - simulation speed, RTL alone and in lockstep with the HLS model.
// Prints a Markdown table; the README quotes it (scripts/readme_tables.py).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "bench_table.h"
#include "parser_lockstep.h"
#include "tcpoe/wire/frame.h"

namespace {

using tcpoe::sim::Frame;

std::vector<Frame> min_frames(std::size_t n, uint64_t seed, bool syn_options = false) {
  std::mt19937_64 rng(seed);
  std::vector<Frame> out;
  for (std::size_t i = 0; i < n; ++i) {
    tcpoe::wire::FrameRepr r;
    r.ip.src = uint32_t(rng());
    r.ip.dst = uint32_t(rng());
    r.tcp.seq = uint32_t(rng());
    r.tcp.flags = tcpoe::wire::tcp::flag::kAck;
    if (syn_options) {
      r.tcp.flags = tcpoe::wire::tcp::flag::kSyn;
      r.tcp.options.mss = uint16_t(rng());
      r.tcp.options.sack_permitted = true;
      r.tcp.options.timestamps = std::make_pair(uint32_t(rng()), uint32_t(rng()));
      r.tcp.options.window_scale = uint8_t(rng() % 15);
      out.push_back(tcpoe::wire::emit_frame(r, Frame()));  // 74 octets
    } else {
      out.push_back(tcpoe::wire::emit_frame(r, Frame(6, 0x61)));  // 60 octets, unpadded
    }
  }
  return out;
}

double frames_per_cycle(const tcpoe::sim::ParserRunReport& r) {
  return double(r.descriptors.size()) / double(r.last_beat_cycle - r.first_beat_cycle + 1);
}

struct Timed {
  tcpoe::sim::ParserRunReport report;
  double seconds;
};

Timed timed_run(const std::vector<Frame>& frames, const tcpoe::sim::ParserRunOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  auto r = tcpoe::sim::run_parser(frames, opt);
  const auto t1 = std::chrono::steady_clock::now();
  if (!r.ok) {
    std::fprintf(stderr, "bench_parser: run failed: %s\n", r.failure.c_str());
    std::exit(1);
  }
  return {std::move(r), std::chrono::duration<double>(t1 - t0).count()};
}

}  // namespace

int main(int argc, char** argv) {
  using tcpoe::bench::cell;
  const auto options = tcpoe::bench::parse_options(
      "bench_parser", "Receive parser: frames per cycle and latency at each DATA_W.", argc, argv);
  const tcpoe::bench::Table table(
      {{"DATA_W"}, {"beats/frame"}, {"frames/cycle (limit)"}, {"latency (cycles)"},
       {"74 B SYNs: frames/cycle (limit), latency"}, {"frames/cycle at 50% ready"},
       {"sim kcycles/s RTL", true}, {"lockstep", true}},
      options);
  table.print_header();
  const auto frames = min_frames(20000, 1);
  const auto syns = min_frames(20000, 2, true);
  for (int w : {64, 128, 256, 512}) {
    tcpoe::sim::ParserRunOptions opt;
    opt.data_width = w;
    opt.lockstep = false;
    const Timed rtl = timed_run(frames, opt);
    const Timed syn = timed_run(syns, opt);
    opt.lockstep = true;
    const Timed both = options.cycles_only ? Timed{} : timed_run(frames, opt);
    const auto& r = rtl.report;
    const int beats = (60 + w / 8 - 1) / (w / 8);
    const int syn_beats = (74 + w / 8 - 1) / (w / 8);
    auto [lat_min, lat_max] = std::minmax_element(r.latencies.begin(), r.latencies.end());
    auto [syn_min, syn_max] =
        std::minmax_element(syn.report.latencies.begin(), syn.report.latencies.end());
    opt.lockstep = false;
    opt.ready_probability = 0.5;
    const Timed pressed = timed_run(frames, opt);
    table.print_row({cell("%d", w), cell("%d", beats),
                     cell("%.3f (%.3f)", frames_per_cycle(r), 1.0 / beats),
                     cell("%u..%u", *lat_min, *lat_max),
                     cell("%.3f (%.3f), %u..%u", frames_per_cycle(syn.report), 1.0 / syn_beats,
                          *syn_min, *syn_max),
                     cell("%.3f", frames_per_cycle(pressed.report)),
                     cell("%.0f", r.cycles / rtl.seconds / 1e3),
                     cell("%.0f", both.report.cycles / both.seconds / 1e3)});
  }
  table.print_machine_speed_columns();
  std::printf("\nlimit: one frame per ceil(octets / (DATA_W/8)) beats at one beat per cycle; at 50%% "
              "ready the consumer takes a descriptor every other cycle (limit 0.5).\n");
  return 0;
}

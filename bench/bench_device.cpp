// bench_device: the verilated device (rtl/tcpoe_top.sv) in SystemC behind
// the PCIe model, its MAC on a 10 Gb/s Ethernet wire, driven through the
// host interface (sim/device/ring_host.h), in one run:
//   - TX frame rate for 64- and 1518-octet frames (with FCS): the host keeps
//     the TX ring full; frames per second at the MAC against what the wire
//     allows (preamble, FCS, gap);
//   - RX frame rate for the same sizes: frames arrive at the wire's line
//     rate; the device's completions per second against that rate, and the
//     frames lost for want of room;
//   - the time from the doorbell (the MMIO write of TXD PROD) to the
//     frame's first beat at the MAC, on an idle device (median of 9);
//   - simulated time per wall-clock second.
// `--csv` prints `metric,frame_bytes,value,limit,ratio` and one row each.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "device_node.h"
#include "ring_host.h"
#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace {

namespace dev = tcpoe::wire::dev;
namespace wire = tcpoe::wire;
using tcpoe::sim::Frame;

constexpr std::size_t kFrameSizes[] = {64, 1518};  // with FCS, as Ethernet counts them
constexpr std::size_t kFcs = 4;

struct Options {
  bool csv = false;
  int data_width = 64;
  unsigned frames = 400;
};

struct Row {
  std::string metric;
  std::size_t frame_bytes;
  double value, limit;
};

double now_ps() { return sc_core::sc_time_stamp().to_seconds() * 1e12; }

wire::TxDescriptor segment(uint32_t seq) {
  wire::TxDescriptor d;
  d.eth_src = {0x02, 0, 0, 0, 0, 1};
  d.eth_dst = {0x02, 0, 0, 0, 0, 2};
  d.ip_src = 0x0a4d0001;
  d.ip_dst = 0x0a4d0002;
  d.src_port = 40000;
  d.dst_port = 5201;
  d.seq = seq;
  d.tcp_flags = wire::tcp::flag::kAck;
  d.window = 502;
  return d;
}
// Payload that makes a frame of `frame_bytes` with FCS (54 octets of headers).
std::size_t payload_for(std::size_t frame_bytes) { return frame_bytes - kFcs - 54; }

// The far end of the wire: counts what the device sends, and sends frames
// at the line rate when asked.
struct FarEnd : tcpoe::sim::WireEnd {
  tcpoe::sim::WireChannel& wire;
  uint64_t received = 0;
  explicit FarEnd(tcpoe::sim::WireChannel& w) : wire(w) { w.attach(1, this); }
  void frame_arrived(const Frame&, uint64_t) override { ++received; }
  void blast(const Frame& frame, unsigned count) {
    for (unsigned i = 0; i < count; ++i) wire.send(1, frame);  // queued back to back
  }
};

struct Bench : sc_core::sc_module {
  Options opt;
  tcpoe::sim::DeviceNode node;
  tcpoe::sim::WireChannel wire;
  FarEnd far;
  std::vector<double> first_beats_ps;  // of every frame the device sent
  std::vector<Row> rows;

  Bench(sc_core::sc_module_name name, const Options& o)
      : sc_core::sc_module(name), opt(o), node("node", config(o)), wire("wire", {}), far(wire) {
    node.device.connect(wire, 0);
    node.device.on_frame_sent = [this](const Frame&, uint64_t first_ps, uint64_t) {
      first_beats_ps.push_back(double(first_ps));
    };
    SC_HAS_PROCESS(Bench);
    SC_THREAD(run);
  }
  static tcpoe::sim::DeviceNodeConfig config(const Options& o) {
    tcpoe::sim::DeviceNodeConfig c;
    c.device.data_width = o.data_width;
    return c;
  }
  double line_frames_per_s(std::size_t frame_bytes) {
    return double(wire.wire().config().rate_bps) /
           (8.0 * double(tcpoe::sim::ethernet::line_octets(frame_bytes - kFcs)));
  }

  void tx_rate(tcpoe::sim::RingHost& host, std::size_t frame_bytes) {
    const std::vector<uint8_t> payload(payload_for(frame_bytes), 0x5a);
    first_beats_ps.clear();
    unsigned sent = 0, done = 0;
    const double deadline = now_ps() + opt.frames * 5e6 + 100e6;  // never a hang
    while (done < opt.frames && now_ps() < deadline) {
      while (sent < opt.frames && host.send(segment(sent), payload)) ++sent;
      done += unsigned(host.wait_tx(1, 1'000).size());
      while (host.poll_tx()) ++done;
    }
    if (done < opt.frames)
      std::fprintf(stderr, "bench_device: TX, %zu-octet frames: %u of %u completed in time\n",
                   frame_bytes, done, opt.frames);
    // Steady state: the first tenth left out while the pipeline fills.
    const std::size_t from = first_beats_ps.size() / 10, to = first_beats_ps.size() - 1;
    const double rate = first_beats_ps.size() < 2 ? 0.0
        : double(to - from) / ((first_beats_ps[to] - first_beats_ps[from]) * 1e-12);
    rows.push_back({"tx_frames_per_s", frame_bytes, rate, line_frames_per_s(frame_bytes)});
  }

  void rx_rate(tcpoe::sim::RingHost& host, std::size_t frame_bytes) {
    wire::TxDescriptor d = segment(1);
    const std::vector<uint8_t> payload(payload_for(frame_bytes), 0xa5);
    d.payload_len = uint16_t(payload.size());
    const Frame frame = wire::emit_frame(wire::to_frame_repr(d), wire::ByteSpan(payload));
    const uint64_t dropped_before = node.device.counters().mac_rx_dropped;
    const uint32_t no_buffer_before = host.counter(dev::Counter::kRxDropNoBuffer);
    far.blast(frame, opt.frames);
    std::vector<uint64_t> stamps;  // device cycle of each frame's last beat
    std::size_t reposted = 0;
    const double deadline = now_ps() + 2.0 * opt.frames * 1e12 / line_frames_per_s(frame_bytes) + 50e6;
    while (now_ps() < deadline && stamps.size() < opt.frames) {
      for (const auto& c : host.wait_rx(1, 1'000)) stamps.push_back(c.timestamp);
      while (auto c = host.poll_rx()) stamps.push_back(c->timestamp);
      if (stamps.size() > reposted) host.post_rx_buffers(unsigned(stamps.size() - reposted));
      reposted = stamps.size();
    }
    if (stamps.size() < opt.frames)
      std::fprintf(stderr, "bench_device: RX, %zu-octet frames: %zu of %u completed in time\n",
                   frame_bytes, stamps.size(), opt.frames);
    const std::size_t from = stamps.size() / 10, to = stamps.size() - 1;
    const double cycle_s = 1e-6 / node.device.config().clock_mhz;
    const double rate = stamps.size() < 2 ? 0.0
                        : double(to - from) / (double(stamps[to] - stamps[from]) * cycle_s);
    rows.push_back({"rx_frames_per_s", frame_bytes, rate, line_frames_per_s(frame_bytes)});
    const double lost = double(node.device.counters().mac_rx_dropped - dropped_before) +
                        double(host.counter(dev::Counter::kRxDropNoBuffer) - no_buffer_before);
    rows.push_back({"rx_frames_lost", frame_bytes, lost, double(opt.frames)});
  }

  void doorbell_latency(tcpoe::sim::RingHost& host, std::size_t frame_bytes) {
    const std::vector<uint8_t> payload(payload_for(frame_bytes), 0x11);
    std::vector<double> ns;
    for (int i = 0; i < 9; ++i) {
      host.idle(5'000);
      first_beats_ps.clear();
      const double doorbell = now_ps();  // send() ends with the PROD write
      host.send(segment(uint32_t(i)), payload);
      host.wait_tx(1, 100'000);
      if (!first_beats_ps.empty()) ns.push_back((first_beats_ps.front() - doorbell) / 1000.0);
    }
    std::sort(ns.begin(), ns.end());
    rows.push_back({"doorbell_to_first_beat_ns", frame_bytes, ns.empty() ? 0.0 : ns[ns.size() / 2], 0});
  }

  void run() {
    tcpoe::sim::RingHostConfig cfg;
    cfg.txd_log2 = cfg.txc_log2 = 8;
    cfg.rxb_log2 = cfg.rxc_log2 = 9;
    cfg.tx_slot_bytes = 2048;
    cfg.rx_buffer_bytes = 2048;
    tcpoe::sim::RingHost host(node.pcie, cfg);
    const std::string problem = host.bring_up();
    if (!problem.empty()) {
      std::fprintf(stderr, "bench_device: bring-up failed: %s\n", problem.c_str());
      std::exit(1);
    }
    host.post_rx_buffers(1u << cfg.rxb_log2);
    for (std::size_t size : kFrameSizes) doorbell_latency(host, size);
    for (std::size_t size : kFrameSizes) tx_rate(host, size);
    for (std::size_t size : kFrameSizes) rx_rate(host, size);
    sc_core::sc_stop();
  }
};

void usage_exit(int code) {
  std::fputs("usage: bench_device [--csv] [--data-width 64|512] [--frames N]\n", code ? stderr : stdout);
  std::exit(code);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--csv")
      opt.csv = true;
    else if (a == "--data-width" && i + 1 < argc)
      opt.data_width = std::atoi(argv[++i]);
    else if (a == "--frames" && i + 1 < argc)
      opt.frames = unsigned(std::atoi(argv[++i]));
    else if (a == "-h" || a == "--help")
      usage_exit(0);
    else
      usage_exit(2);
  }
  if ((opt.data_width != 64 && opt.data_width != 512) || opt.frames < 20 || opt.frames > 100000) {
    std::fprintf(stderr, "bench_device: --data-width 64|512, --frames 20..100000\n");
    return 2;
  }
  Bench bench("bench", opt);
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_SEC));  // a bound: never a hang
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double sim_s = sc_core::sc_time_stamp().to_seconds();
  bench.rows.push_back({"sim_us_per_wall_s", 0, sim_s * 1e6 / wall_s, 0});
  if (bench.node.device.assertion_fired()) {
    std::fprintf(stderr, "bench_device: an RTL assertion fired\n");
    return 1;
  }

  if (opt.csv) {
    std::printf("metric,frame_bytes,value,limit,ratio\n");
    for (const Row& r : bench.rows)
      std::printf("%s,%zu,%.6g,%.6g,%.4f\n", r.metric.c_str(), r.frame_bytes, r.value, r.limit,
                  r.limit > 0 ? r.value / r.limit : 0.0);
    return 0;
  }
  std::printf("Device at DATA_W %d, %g MHz, PCIe Gen3 x8 model, 10 Gb/s wire; %u frames a run\n\n",
              opt.data_width, bench.node.device.config().clock_mhz, opt.frames);
  std::printf("| measure | frame (octets, with FCS) | value | limit | ratio |\n|---|---:|---:|---:|---:|\n");
  for (const Row& r : bench.rows) {
    const std::string size = r.frame_bytes ? std::to_string(r.frame_bytes) : "";
    if (r.limit > 0)
      std::printf("| %s | %s | %.4g | %.4g | %.3f |\n", r.metric.c_str(), size.c_str(), r.value,
                  r.limit, r.value / r.limit);
    else
      std::printf("| %s | %s | %.4g | | |\n", r.metric.c_str(), size.c_str(), r.value);
  }
  return 0;
}

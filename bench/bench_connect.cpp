// bench_connect: the host driver's connect between two simulated hosts
// (host/testbed: each a PCIe model with the verilated device behind it and
// the driver on top, joined by the 10 Gb/s wire model), in one run:
//   - simulated connect time, connect() to ESTABLISHED on A, median and p99
//     of --samples connects made one at a time (each closed before the
//     next), against the least a connect can take on the same settings
//     (testbed::connect_lower_bound_ns: two PCIe round trips plus one wire
//     round trip) as a ratio (goal: at most 1.5); and where the time goes:
//     connect() to the SYN's first beat at A's MAC, that to the SYN-ACK's
//     first beat at B's MAC, that to ESTABLISHED (medians);
//   - MMIO reads per handshake after bring-up, both hosts (goal 0);
//   - established connections per wall-clock second for --connections
//     connects, --concurrent at a time, each closed both ways (the
//     simulator's speed on this machine), and the frames the devices' RX
//     dropped meanwhile;
//   - memory per connection: sizeof(tcp::Connection), and the heap's live
//     octets per connection in a ConnectionTable holding --connections
//     connections (operator new counted: tests/support/live_heap.h).
// The device runs at --data-width 512 (default) or 64. Prints a Markdown
// table; exits 1 when a run did not finish, a connect failed or (with
// --max-ratio R) the median connect time is more than R times its bound.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "../tests/support/live_heap.h"
#include "bench_args.h"
#include "connect_run.h"
#include "tcpoe/driver/tcp/table.h"
#include "tcpoe/wire/layout.h"

namespace {

namespace testbed = tcpoe::testbed;
namespace drv = tcpoe::driver;
namespace tcp = tcpoe::driver::tcp;
using testbed::kHostA;
using testbed::kHostB;

struct Options {
  unsigned samples = 201;        // one-at-a-time connects for the connect time
  unsigned connections = 10000;  // for the rate and the memory
  // More at once overflows the device's RX frame store (README: the RX
  // engine takes one frame at a time), which then drops frames.
  unsigned concurrent = 16;
  bool interrupts = false;  // MSI-X instead of poll mode's pauses
  // The device's data path: 512 bits at 250 MHz (128 Gb/s) keeps up with
  // the Gen3 x8 link (57.9 Gb/s of TLPs); 64 bits (16 Gb/s) does not, and
  // every 128-octet completion or 64-octet descriptor then takes 16 or 8
  // clock cycles of beats.
  int data_width = 512;
  double max_ratio = 0;  // > 0: exit 1 when the median connect time's ratio is above it
};

struct Row {
  std::string measure;
  double value = 0;
  std::string goal;  // what it is measured against
  double ratio = -1; // value / bound, when there is one
};

constexpr uint16_t kLatencyPort = 5201, kRatePort = 5202;

// Simulated first-beat times of A's SYNs and B's SYN-ACKs at their MACs.
struct FirstBeats {
  std::vector<uint64_t> syn_ns, syn_ack_ns;
};
void watch(tcpoe::sim::DeviceNode& node, std::vector<uint64_t>& out, uint8_t flags) {
  // Ethernet 14 + IPv4 20 (our frames carry no IP options) + TCP flags at 13.
  constexpr std::size_t kFlagsOctet = 14 + 20 + 13;
  node.device.on_frame_sent = [&out, flags](const tcpoe::sim::Frame& f, uint64_t first_ps, uint64_t) {
    if (f.size() > kFlagsOctet && f[kFlagsOctet] == flags) out.push_back(first_ps / 1000);
  };
}

struct Results {
  testbed::ConnectRunResult latency, rate;
  double rate_wall_s = 0;
  uint64_t mmio_reads_fast_path = 0;  // both hosts, after bring-up, over both runs
  uint64_t handshakes = 0;
  FirstBeats beats;
};

std::unique_ptr<testbed::HostPair> g_pair;
Results g_results;

testbed::ConnectRunConfig run_config(unsigned connections, unsigned concurrent, uint16_t port) {
  testbed::ConnectRunConfig c;
  c.connections = connections;
  c.concurrent = concurrent;
  c.port = port;
  c.limit = std::chrono::seconds(1);
  return c;
}

// The stack's settings for the bench: the testbed's, with a TIME-WAIT of
// 5 us so that one-at-a-time connects follow each other closely.
drv::StackConfig bench_stack(const testbed::HostAddress& self) {
  return testbed::stack_config(self, 1, std::chrono::microseconds(30), std::chrono::microseconds(5));
}

drv::dev::DeviceConfig g_device;

void elaborate(const Options& o) {
  g_device.interrupts = o.interrupts;
  testbed::PairConfig pair;
  pair.node.device.data_width = o.data_width;
  g_pair = std::make_unique<testbed::HostPair>(pair);
  watch(g_pair->a(), g_results.beats.syn_ns, tcpoe::wire::tcp::flag::kSyn);
  watch(g_pair->b(), g_results.beats.syn_ack_ns, tcpoe::wire::tcp::flag::kSyn | tcpoe::wire::tcp::flag::kAck);
  testbed::ConnectRunConfig one_at_a_time = run_config(o.samples, 1, kLatencyPort);
  one_at_a_time.one_at_a_time = true;
  static auto latency = std::make_shared<testbed::ConnectRun>(one_at_a_time);
  static auto rate = std::make_shared<testbed::ConnectRun>(run_config(o.connections, o.concurrent, kRatePort));
  static bool a_done = false;
  new testbed::ScThread("host_b", [] {
    testbed::SimHost b(g_pair->b(), bench_stack(kHostB), g_device);
    b.stack().add_neighbour(kHostA.ip, kHostA.mac);
    latency->listener(b);
    rate->listener(b);
    while (!a_done) b.stack().poll(std::chrono::microseconds(10));
    g_results.mmio_reads_fast_path += b.mmio_reads_fast_path();
  });
  new testbed::ScThread("host_a", [] {
    testbed::SimHost a(g_pair->a(), bench_stack(kHostA), g_device);
    a.stack().add_neighbour(kHostB.ip, kHostB.mac);
    latency->connector(a, kHostB.ip);
    g_results.latency = latency->result();
    const auto wall0 = std::chrono::steady_clock::now();
    rate->connector(a, kHostB.ip);
    g_results.rate_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    g_results.rate = rate->result();
    g_results.mmio_reads_fast_path += a.mmio_reads_fast_path();
    g_results.handshakes = g_results.latency.established + g_results.rate.established;
    a_done = true;
  });
}

// Heap octets per connection in a ConnectionTable of `n` connections (SYN-SENT).
double table_octets_per_connection(unsigned n) {
  tcp::StackConfig c;
  c.secret = std::array<uint8_t, 16>{};
  tcp::ConnectionTable table(c);
  const long long before = live_octets();
  for (unsigned i = 0; i < n; ++i) {
    // Spread over destination ports: the ephemeral range is per destination.
    const tcp::ConnectionTable::Opened o = table.connect(kHostA.ip, kHostB.ip, uint16_t(1000 + i % 20000),
                                                         tcp::Time(0));
    if (o.error != tcp::Error::kOk) {
      std::fprintf(stderr, "bench_connect: table connect %u: %s\n", i, tcp::to_string(o.error));
      std::exit(1);
    }
  }
  return double(live_octets() - before) / n;
}

// The median over the first `n` connects of (to[i] - from[i]): the
// one-at-a-time connects come first, one SYN and one SYN-ACK each (no loss).
double median_between(const std::vector<uint64_t>& from, const std::vector<uint64_t>& to, std::size_t n) {
  std::vector<uint64_t> d;
  for (std::size_t i = 0; i < n && i < from.size() && i < to.size(); ++i) d.push_back(to[i] - from[i]);
  return double(testbed::percentile(d, 50));
}

void usage_exit(int code) {
  std::fputs("usage: bench_connect [--samples N] [--connections N] [--concurrent N] [--interrupts]\n"
             "                     [--data-width 64|512] [--max-ratio R]\n"
             "One run: connect time against its lower bound, MMIO reads per handshake,\n"
             "connections per wall-clock second, memory per connection (Markdown table).\n",
             code ? stderr : stdout);
  std::exit(code);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  Options o;
  const tcpoe::bench::RunArgs args("bench_connect", usage_exit);
  args.parse(argc, argv, {"--interrupts"}, [&](const std::string& a, const std::string& v) {
    if (a == "--interrupts") o.interrupts = true;
    else if (a == "--samples") o.samples = unsigned(args.count("a count", v, 50000));
    else if (a == "--connections") o.connections = unsigned(args.count("a count", v, 50000));
    else if (a == "--concurrent") o.concurrent = unsigned(args.count("a count", v, 50000));
    else if (a == "--data-width") o.data_width = args.data_width(v);
    else if (a == "--max-ratio") o.max_ratio = args.number(a, v, [](double r) { return r >= 1.0; }, "of at least 1");
    else return false;
    return true;
  });
  const double heap_per_connection = table_octets_per_connection(o.connections);

  elaborate(o);
  sc_core::sc_start(sc_core::sc_time(2, sc_core::SC_SEC));  // a bound: never a hang
  const Results& r = g_results;
  if (!r.latency.finished || !r.rate.finished || r.latency.failed || r.rate.failed) {
    std::fprintf(stderr, "bench_connect: a run did not finish cleanly (latency %s, %llu failed; rate %s, %llu failed)\n",
                 r.latency.finished ? "finished" : "unfinished", (unsigned long long)r.latency.failed,
                 r.rate.finished ? "finished" : "unfinished", (unsigned long long)r.rate.failed);
    return 1;
  }

  const testbed::PairConfig& pc = g_pair->config();
  const double bound = double(testbed::connect_lower_bound_ns(tcpoe::sim::DeviceNode::link_for(pc.node), pc.wire));
  const std::size_t samples = r.latency.connect_ns.size();
  const double median = double(testbed::percentile(r.latency.connect_ns, 50));
  const double p99 = double(testbed::percentile(r.latency.connect_ns, 99));
  std::vector<Row> rows = {
      {"connect_ns_median", median, "lower bound " + std::to_string(uint64_t(bound)) + " ns", median / bound},
      {"connect_ns_p99", p99, "lower bound " + std::to_string(uint64_t(bound)) + " ns", p99 / bound},
      {"  connect() to SYN first beat at A (ns, median)",
       median_between(r.latency.connect_at_ns, r.beats.syn_ns, samples), "", -1},
      {"  SYN to SYN-ACK first beat at B (ns, median)", median_between(r.beats.syn_ns, r.beats.syn_ack_ns, samples), "", -1},
      {"  SYN-ACK to ESTABLISHED at A (ns, median)", [&] {
         std::vector<uint64_t> established;
         for (std::size_t i = 0; i < r.latency.connect_at_ns.size(); ++i)
           established.push_back(r.latency.connect_at_ns[i] + r.latency.connect_ns[i]);
         return median_between(r.beats.syn_ack_ns, established, samples);
       }(), "", -1},
      {"mmio_reads_per_handshake", double(r.mmio_reads_fast_path) / double(r.handshakes), "goal 0", -1},
      {"established_per_wall_s", double(r.rate.established) / r.rate_wall_s,
       std::to_string(o.connections) + " connects, " + std::to_string(o.concurrent) + " at a time, each closed", -1},
      {"sim_ms_for_the_connects", double(r.rate.sim_ns) / 1e6, "", -1},
      {"frames_dropped_by_the_devices_rx", double(g_pair->a().device.counters().mac_rx_dropped +
                                                  g_pair->b().device.counters().mac_rx_dropped),
       "", -1},
      {"sizeof_connection_octets", double(sizeof(tcp::Connection)), "", -1},
      {"table_heap_octets_per_connection", heap_per_connection,
       "ConnectionTable of " + std::to_string(o.connections), -1},
  };
  const std::string mode = o.interrupts ? "MSI-X interrupts"
                                        : "poll mode (" + std::to_string(bench_stack(kHostA).poll_interval_ns) +
                                              " ns pauses)";
  std::printf("Two simulated hosts, device DATA_W %d at 250 MHz, PCIe Gen3 x8 model, 10 Gb/s wire, %s; "
              "%u one-at-a-time connects, then %u connects %u at a time\n\n",
              o.data_width, mode.c_str(), o.samples, o.connections, o.concurrent);
  std::printf("| measure | value | against | ratio |\n|---|---:|---|---:|\n");
  for (const Row& row : rows) {
    const std::string ratio = row.ratio >= 0 ? std::to_string(row.ratio).substr(0, 5) : "";
    std::printf("| %s | %.4g | %s | %s |\n", row.measure.c_str(), row.value, row.goal.c_str(), ratio.c_str());
  }
  g_pair.reset();
  if (o.max_ratio > 0 && median / bound > o.max_ratio) {
    std::fprintf(stderr, "bench_connect: the median connect time is %.3f times its lower bound, above %.3f\n",
                 median / bound, o.max_ratio);
    return 1;
  }
  return 0;
}

// Goodput of one bulk transfer between two simulated hosts (issue #13): A
// sends --bytes (10 MB) to B over a lossless wire, each host the driver's
// Stack on a PCIe model with the verilated device, the settings
// bench_connect uses (PCIe Gen3 x8, 10 Gb/s wire, device at 250 MHz).
// Prints, measured in that one run:
//  - goodput: the application's octets over the simulated time from A's
//    first send() to B's recv() of the last octet;
//  - the limit the settings allow, the smallest of
//    (a) the wire: its rate x MSS / (MSS + the TCP/IP headers with the
//        options the segments carry + Ethernet's header, FCS, preamble
//        and inter-frame gap), for full-MSS segments;
//    (b) the device's data path: DATA_W bits a clock cycle, a frame taking
//        whole beats;
//    (c) the PCIe model's DMA for one full-MSS segment: at A, reading its
//        TX descriptor and payload; at B, writing the frame and its RX
//        completion (pcie::read_limit_gbps / write_limit_gbps, the model's
//        own costs), whichever direction is slower;
//    and which one binds;
//  - goodput / limit (issue #13's goal: at least 0.9);
//  - simulated time per wall-clock second during the transfer.
// `--min-ratio R` exits 1 when goodput / limit is below R (the CTest smoke).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench_args.h"
#include "device_node.h"
#include "testbed.h"
#include "tcpoe/pcie/link.h"
#include "tcpoe/wire/device_regs.h"
#include "tcpoe/wire/layout.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace {

namespace drv = tcpoe::driver;
namespace tcp = tcpoe::driver::tcp;
namespace testbed = tcpoe::testbed;
using testbed::kHostA;
using testbed::kHostB;
using testbed::sim_now;

struct Options {
  uint64_t bytes = 10'000'000;
  int data_width = 512;
  double min_ratio = 0;  // > 0: exit 1 below it
};

constexpr uint16_t kPort = 5201;
// Simulated time the transfer may take at most: a bound, never a hang.
constexpr auto kLimit = std::chrono::milliseconds(500);

struct Results {
  bool connected = false, finished = false;
  uint64_t received = 0, wrong = 0;
  tcp::Time first_send{0}, last_received{0};
  double wall_s = 0;  // from the first send() to the last octet
  uint16_t send_mss = 0;
  bool timestamps = false;
  uint64_t retransmissions = 0;
};

std::unique_ptr<testbed::HostPair> g_pair;
Results g_results;

uint8_t payload_octet(uint64_t i) { return uint8_t((i * 2654435761u) >> 13); }

void elaborate(const Options& o) {
  testbed::PairConfig pair;
  pair.node.device.data_width = o.data_width;
  g_pair = std::make_unique<testbed::HostPair>(pair);
  static bool b_listening = false, b_done = false;
  new testbed::ScThread("host_b", [o] {
    testbed::SimHost b(g_pair->b(), testbed::stack_config(kHostB, 1));
    drv::Stack& s = b.stack();
    s.add_neighbour(kHostA.ip, kHostA.mac);
    drv::SocketId listener = 0, conn = 0;
    s.listen(kPort, 1, listener);
    b_listening = true;
    b.wait_for(listener, drv::ready::kAcceptable, std::chrono::milliseconds(2));
    if (s.accept(listener, conn)) {
      b_done = true;
      return;
    }
    Results& r = g_results;
    std::vector<uint8_t> buf(1 << 16);
    const tcp::Time end = sim_now() + kLimit;
    while (r.received < o.bytes && sim_now() < end) {
      std::size_t n = 0;
      const std::error_code e = s.recv(conn, buf, n);
      for (std::size_t i = 0; i < n; ++i) r.wrong += buf[i] != payload_octet(r.received + i);
      r.received += n;
      if (n == 0 && e != drv::StackError::kWouldBlock) break;  // end of stream or an error: too early
      if (n == 0) s.poll(std::chrono::microseconds(10));
    }
    r.last_received = sim_now();
    r.finished = r.received == o.bytes;
    if (const tcp::Connection* c = s.connection(conn)) r.retransmissions += c->counters().retransmissions;
    b_done = true;
    s.close(conn);
    b.wait_for(conn, drv::ready::kClosed, std::chrono::milliseconds(2));
  });
  new testbed::ScThread("host_a", [o] {
    testbed::SimHost a(g_pair->a(), testbed::stack_config(kHostA, 1));
    drv::Stack& s = a.stack();
    s.add_neighbour(kHostB.ip, kHostB.mac);
    while (!b_listening) sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
    drv::SocketId conn = 0;
    s.connect(kHostB.ip, kPort, conn);
    Results& r = g_results;
    r.connected = a.wait_for(conn, drv::ready::kConnected | drv::ready::kError, std::chrono::milliseconds(2)) &
                  drv::ready::kConnected;
    if (!r.connected) return;
    if (const tcp::Connection* c = s.connection(conn)) {
      r.send_mss = c->negotiated().send_mss;
      r.timestamps = c->negotiated().timestamps;
    }
    std::vector<uint8_t> data(o.bytes);
    for (uint64_t i = 0; i < o.bytes; ++i) data[i] = payload_octet(i);
    std::size_t sent = 0;
    r.first_send = sim_now();
    const auto wall0 = std::chrono::steady_clock::now();
    while (!b_done) {
      if (sent < data.size()) {
        std::size_t n = 0;
        s.send(conn, tcpoe::wire::ByteSpan(data).subspan(sent), n);
        sent += n;
      }
      s.poll(std::chrono::microseconds(10));
    }
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    if (const tcp::Connection* c = s.connection(conn)) r.retransmissions += c->counters().retransmissions;
    s.close(conn);
    a.wait_for(conn, drv::ready::kClosed, std::chrono::milliseconds(2));
  });
}

struct Limit {
  std::string name;
  double gbps;
  std::string how;
};

std::string fixed(double v, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, v);
  return text;
}

// The three limits of a full-MSS segment's payload on these settings.
std::vector<Limit> limits(const Options& o, const Results& r) {
  namespace layout = tcpoe::wire;
  const testbed::PairConfig& pc = g_pair->config();
  const double mss = r.send_mss;
  const unsigned options = r.timestamps ? tcp::kTimestampsOverhead : 0;
  const unsigned frame = layout::eth::kHeaderLen + layout::ipv4::kHeaderLen + layout::tcp::kHeaderLen + options +
                         r.send_mss;  // from the MAC's first octet, without FCS
  const auto line = tcpoe::sim::ethernet::line_octets(frame);
  const double wire = double(pc.wire.rate_bps) / 1e9 * mss / double(line);

  const double beat_octets = o.data_width / 8.0;
  const double beats = std::ceil(frame / beat_octets);
  const double clock_mhz = pc.node.device.clock_mhz;
  const double datapath = mss * 8 / (beats * 1000.0 / clock_mhz);  // octets*8 / ns = Gb/s

  const tcpoe::pcie::LinkConfig link = tcpoe::sim::DeviceNode::link_for(pc.node);
  const auto ns_reading = [&](double octets) { return octets * 8 / tcpoe::pcie::read_limit_gbps(link, uint64_t(octets)); };
  const auto ns_writing = [&](double octets) { return octets * 8 / tcpoe::pcie::write_limit_gbps(link, uint64_t(octets)); };
  const double read_gbps = mss * 8 / (ns_reading(layout::dev::tx_ring::kEntrySize) + ns_reading(mss));
  const double write_gbps = mss * 8 / (ns_writing(frame) + ns_writing(layout::dev::rx_compl::kEntrySize));
  const bool read_binds = read_gbps <= write_gbps;

  return {
      {"wire", wire,
       fixed(double(pc.wire.rate_bps) / 1e9, 0) + " Gb/s x " + std::to_string(r.send_mss) + " / " +
           std::to_string(line) + " line octets (+ Ethernet 14, IPv4 20, TCP 20 + " + std::to_string(options) +
           " of options, FCS, preamble and gap " + std::to_string(line - frame) + ")"},
      {"device data path", datapath,
       std::to_string(o.data_width) + " bits x " + fixed(clock_mhz, 0) + " MHz, a " + std::to_string(frame) +
           "-octet frame in " + fixed(beats, 0) + " beats"},
      {"PCIe DMA", std::min(read_gbps, write_gbps),
       read_binds ? "A reads a " + std::to_string(layout::dev::tx_ring::kEntrySize) + "-octet TX ring entry and the payload ("
                        "writes at B: " + fixed(write_gbps, 2) + " Gb/s)"
                  : "B writes the " + std::to_string(frame) + "-octet frame and a " +
                        std::to_string(layout::dev::rx_compl::kEntrySize) + "-octet RX completion (reads at A: " +
                        fixed(read_gbps, 2) + " Gb/s)"},
  };
}

void usage_exit(int code) {
  std::fputs("usage: bench_transfer [--bytes N] [--data-width 64|512] [--min-ratio R]\n"
             "One transfer A->B between two simulated hosts: goodput against the limit of\n"
             "the wire, the device's data path and the PCIe model, simulated time per wall second.\n",
             code ? stderr : stdout);
  std::exit(code);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  Options o;
  const tcpoe::bench::RunArgs args("bench_transfer", usage_exit);
  args.parse(argc, argv, {}, [&](const std::string& a, const std::string& v) {
    if (a == "--bytes") o.bytes = args.count(a, v, 1'000'000'000);
    else if (a == "--data-width") o.data_width = args.data_width(v);
    else if (a == "--min-ratio") o.min_ratio = args.number(a, v, [](double r) { return r > 0 && r <= 1; }, "in (0, 1]");
    else return false;
    return true;
  });

  elaborate(o);
  sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_SEC));  // a bound: never a hang
  const Results& r = g_results;
  if (!r.connected || !r.finished || r.wrong != 0) {
    std::fprintf(stderr, "bench_transfer: the transfer did not complete intact (%s, %llu of %llu octets, %llu wrong)\n",
                 r.connected ? "connected" : "no connection", (unsigned long long)r.received,
                 (unsigned long long)o.bytes, (unsigned long long)r.wrong);
    return 1;
  }
  const double sim_ns = double((r.last_received - r.first_send).count());
  const double goodput = double(o.bytes) * 8 / sim_ns;  // Gb/s
  const std::vector<Limit> all = limits(o, r);
  const Limit& binding = *std::min_element(all.begin(), all.end(),
                                           [](const Limit& x, const Limit& y) { return x.gbps < y.gbps; });
  const double ratio = goodput / binding.gbps;

  std::printf("Two simulated hosts, device DATA_W %d at %.0f MHz, PCIe Gen%u x%u model, %.0f Gb/s wire; "
              "one transfer of %llu octets A->B, MSS %u%s\n\n",
              o.data_width, g_pair->config().node.device.clock_mhz, g_pair->config().node.link.generation,
              g_pair->config().node.link.lanes, double(g_pair->config().wire.rate_bps) / 1e9,
              (unsigned long long)o.bytes, r.send_mss, r.timestamps ? " with timestamps" : "");
  std::printf("| measure | value | against | ratio |\n|---|---:|---|---:|\n");
  std::printf("| goodput_gbps | %.3f | limit %.3f Gb/s (%s) | %.4f |\n", goodput, binding.gbps, binding.name.c_str(),
              ratio);
  for (const Limit& l : all)
    std::printf("|   limit: %s (Gb/s) | %.3f | %s |%s |\n", l.name.c_str(), l.gbps, l.how.c_str(),
                &l == &binding ? " binds" : "");
  std::printf("| sim_us_for_the_transfer | %.1f | first send() to the last octet's recv() | |\n", sim_ns / 1000);
  std::printf("| sim_us_per_wall_s | %.1f | | |\n", sim_ns / 1000 / r.wall_s);
  std::printf("| retransmissions | %llu | lossless wire: goal 0 | |\n", (unsigned long long)r.retransmissions);
  g_pair.reset();
  // Above the limit would mean the limit is computed wrong (the first
  // send() is taken once the connection is up, so the handshake is out).
  if (ratio > 1.001) {
    std::fprintf(stderr, "bench_transfer: goodput is %.4f of its limit: the limit is wrong\n", ratio);
    return 1;
  }
  if (o.min_ratio > 0 && ratio < o.min_ratio) {
    std::fprintf(stderr, "bench_transfer: goodput is %.3f of its limit, below %.3f\n", ratio, o.min_ratio);
    return 1;
  }
  return 0;
}

#include "sim_hosts.h"

#include <chrono>
#include <cstdio>
#include <functional>

#include "cli_args.h"
#include "tcpoe/wire/frame.h"
#include "testbed.h"

namespace tcpoe::host {

namespace {

namespace drv = tcpoe::driver;
namespace tcp = tcpoe::driver::tcp;
using tcpoe::sim::DeviceNode;
using tcpoe::testbed::HostAddress;
using tcpoe::testbed::kHostA;
using tcpoe::testbed::kHostB;
using tcpoe::testbed::ScThread;
using tcpoe::testbed::sim_now;
// Simulated time is dear (every device clock cycle is evaluated): a short
// first RTO and TIME-WAIT, and a limit to every wait.
constexpr auto kInitialRto = std::chrono::microseconds(100);
constexpr auto kTimeWait = std::chrono::microseconds(100);
constexpr auto kWaitLimit = std::chrono::milliseconds(20);

SimHostsOptions g_options;
int g_exit = 1;

double now_us() { return sc_core::sc_time_stamp().to_seconds() * 1e6; }

// A frame as tcpdump prints it, at the time its last octet left the device.
void print_frame(const tcpoe::sim::Frame& f, uint64_t last_beat_ps) {
  const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(f));
  if (p.malformed != wire::Malformed::kNone) {
    std::printf("%12.3f us  (a frame of %zu octets the wire layer does not parse)\n", last_beat_ps / 1e6,
                f.size());
    return;
  }
  const wire::FrameRepr& r = p.repr;
  std::printf("%12.3f us  %s.%u > %s.%u: Flags [%s], seq %u, ack %u, win %u%s, length %u\n",
              last_beat_ps / 1e6, cli::ipv4_text(r.ip.src).c_str(), r.tcp.src_port,
              cli::ipv4_text(r.ip.dst).c_str(), r.tcp.dst_port, cli::flags_text(r.tcp.flags).c_str(),
              r.tcp.seq, r.tcp.ack, r.tcp.window, cli::options_text(r.tcp.options).c_str(),
              r.tcp.payload_len);
}

// One simulated host: its driver, brought up, and its state as printed.
struct Host : tcpoe::testbed::SimHost {
  const char* name;
  Host(DeviceNode& node, const HostAddress& self, const HostAddress& peer)
      : SimHost(node, tcpoe::testbed::stack_config(self, g_options.seed, kInitialRto, kTimeWait)), name(self.name) {
    stack().add_neighbour(peer.ip, peer.mac);
    const drv::dev::DeviceIdentity& id = device().identity();
    std::printf("%12.3f us  %s: device up (ID 0x%08x, version %u.%u, %u-bit data path), %s\n", now_us(), name,
                id.id, id.version >> 16 & 0xff, id.version >> 8 & 0xff, id.data_width,
                cli::ipv4_text(self.ip).c_str());
  }
  // Polls until `socket` reports one of `bits` (true) or the wait limit.
  bool wait_for(drv::SocketId socket, uint32_t bits, drv::PollEvent* seen = nullptr) {
    drv::PollEvent got;
    const uint32_t events = SimHost::wait_for(socket, bits, kWaitLimit, &got);
    if (seen && events) *seen = got;
    return events != 0;
  }
  void say_state(drv::SocketId s) {
    const auto st = stack().state(s);
    std::printf("%12.3f us  %s: %s\n", now_us(), name, st ? tcp::to_string(*st) : "CLOSED (gone)");
  }
};

std::unique_ptr<tcpoe::testbed::HostPair> g_pair;

void elaborate() {
  const SimHostsOptions& o = g_options;
  tcpoe::testbed::PairConfig pc;
  pc.node.device.data_width = o.data_width;
  pc.wire.pcap_path = o.pcap_path;
  pc.wire.loss = o.loss;
  pc.wire.seed = o.seed;
  g_pair = std::make_unique<tcpoe::testbed::HostPair>(pc);
  DeviceNode* a = &g_pair->a();
  DeviceNode* b = &g_pair->b();
  tcpoe::sim::WireChannel* wire = &g_pair->wire();
  a->device.on_frame_sent = [](const tcpoe::sim::Frame& f, uint64_t, uint64_t last) { print_frame(f, last); };
  b->device.on_frame_sent = a->device.on_frame_sent;

  static bool b_ready = false, a_done = false, b_accepted = false, b_closed = false;
  new ScThread("host_b", [b, &o] {
    Host h(*b, kHostB, kHostA);
    drv::SocketId listener = 0, conn = 0;
    if (const std::error_code e = h.stack().listen(o.listen_port, 16, listener)) {
      std::printf("b: listen: %s\n", e.message().c_str());
      b_ready = a_done = true;
      return;
    }
    std::printf("%12.3f us  b: listening on port %u\n", now_us(), o.listen_port);
    b_ready = true;
    while (!a_done) {
      for (const drv::PollEvent& e : h.stack().poll(std::chrono::microseconds(10)))
        if (e.socket == listener && (e.events & drv::ready::kAcceptable) && !h.stack().accept(listener, conn)) {
          h.say_state(conn);
          b_accepted = true;
        }
      if (conn && o.close && h.stack().state(conn) == tcp::State::kCloseWait) {
        h.say_state(conn);
        h.stack().close(conn);
        h.say_state(conn);
        h.wait_for(conn, drv::ready::kClosed);
        h.say_state(conn);
        conn = 0;
        b_closed = true;
      }
    }
  });
  new ScThread("host_a", [a, wire, &o] {
    Host h(*a, kHostA, kHostB);
    while (!b_ready) sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
    const tcp::Time t0 = sim_now();
    drv::SocketId s = 0;
    if (const std::error_code e = h.stack().connect(kHostB.ip, o.port, s, o.src_port)) {
      std::printf("a: connect: %s\n", e.message().c_str());
      a_done = true;
      return;
    }
    h.say_state(s);
    drv::PollEvent seen;
    const bool up = h.wait_for(s, drv::ready::kConnected | drv::ready::kError, &seen) &&
                    (seen.events & drv::ready::kConnected);
    h.say_state(s);
    if (!up) {
      std::printf("wire: %llu lost\n",
                  (unsigned long long)(wire->wire().counters(0).lost + wire->wire().counters(1).lost));
      std::printf("a: connect failed: %s\n", seen.error ? seen.error.message().c_str() : "no answer in time");
      a_done = true;
      return;
    }
    std::printf("%12.3f us  a: connected in %.3f us\n", now_us(), (sim_now() - t0).count() / 1e3);
    bool ok = true;
    if (o.close) {
      while (!b_accepted) h.stack().poll(std::chrono::microseconds(1));
      h.stack().close(s);
      h.say_state(s);
      ok = h.wait_for(s, drv::ready::kClosed, &seen) && !(seen.events & drv::ready::kError);
      h.say_state(s);
      // B's FIN, sent again after a loss, finds A's device still there.
      const tcp::Time end = sim_now() + kWaitLimit;
      while (!b_closed && sim_now() < end) h.stack().poll(std::chrono::microseconds(10));
    }
    const tcpoe::sim::WireCounters& ab = wire->wire().counters(0);
    const tcpoe::sim::WireCounters& ba = wire->wire().counters(1);
    std::printf("wire: %llu frames a>b, %llu b>a, %llu lost\n", (unsigned long long)ab.frames_sent,
                (unsigned long long)ba.frames_sent, (unsigned long long)(ab.lost + ba.lost));
    g_exit = ok ? 0 : 1;
    a_done = true;
  });
}

}  // namespace

int run_simulated_hosts(const SimHostsOptions& options) {
  g_options = options;
  std::printf("peer: simulated host b (%s, port %u), each host the driver over its own simulated PCIe device\n",
              cli::ipv4_text(kHostB.ip).c_str(), options.listen_port);
  char name[] = "tcpoe-handshake";
  char* argv[] = {name, nullptr};
  sc_core::sc_elab_and_sim(1, argv);
  return g_exit;
}

}  // namespace tcpoe::host

// SystemC's entry, reached through sc_elab_and_sim() above.
int sc_main(int, char**) {
  tcpoe::host::elaborate();
  sc_core::sc_start();
  tcpoe::host::g_pair.reset();
  return 0;
}

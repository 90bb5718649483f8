// Two simulated hosts, each a PcieModel with the verilated device behind it
// and the driver (tcpoe::driver: Device + Stack) on top, joined by the wire
// model: `stack_scenarios NAME [--out DIR] [--interrupts] [--data-width
// 64|512] [--loss P] [--dup P] [--reorder P] [--corrupt P] [--seed N]
// [--connections N] [--concurrent N] [--limit-ms MS] [--time-wait-us US]
// [--capture] [--bytes N] [--payload-seed N] [--payload-file PATH]
// [--skip-idle] [--no-sack]` runs one scenario (SystemC elaborates once per process) and
// prints what it observed as `key value` lines; tests/driver/test_stack_*.cpp
// judge them (the wire's capture, DIR/NAME.pcap, by tshark).
//   bringup  host A alone: bring-up, identity, teardown; what stayed mapped
//   connect  B listens, A connects, then A closes, then B closes
//   transfer B listens, A connects and sends --bytes N (1 MB) of
//            pseudo-random octets (--payload-seed; --payload-file writes
//            them out too), B sends every octet back as it arrives; each
//            end compares what it received with what was sent, octet by
//            octet, and reports the SHA-256 of what it sent and received;
//            then A closes, then B; then what is left on each host, as
//            `many` reports it
//   blocking the Stack's blocking calls: accept, connect, send, recv, a
//            recv timing out and one ended by the peer's reset
//   garbage  B listens, A connects and sends --bytes N to B in two halves;
//            between them, with the connection idle, garbage of --garbage
//            KIND (checksum, options, window, rst, syn; garbage_frames.h)
//            is put on the wire from A's side, one frame every --pace-ns:
//            B's counters by reason before and after, its connection's
//            state and sequence variables, its table, rings and CFG_ERROR
//   refused  A connects to a port of B where nothing listens
//   timeout  A connects to B, whose device is never brought up (it drops
//            every frame): SYN retransmissions, then connection timed out
//   many     A makes --connections connects to B, --concurrent at a time
//            (testbed::ConnectRun), each closed once established; then what
//            is left on each host: table, rings, buffers, allocations after
//            teardown (a capture only with --capture)
// The fault rates apply to the wire both ways (sim::EthernetWireConfig).
// --skip-idle stops the devices' clocks while they are settled
// (sim::DeviceConfig::skip_idle: the same run, in less wall-clock time
// when the hosts wait for timers).
#include <chrono>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <random>
#include <stdexcept>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <random>
#include <set>

#include "../support/sc_scenario.h"
#include "connect_run.h"
#include "data_stream.h"
#include "garbage_frames.h"
#include "testbed.h"

namespace {

namespace dev = tcpoe::driver::dev;
namespace drv = tcpoe::driver;
namespace tcp = tcpoe::driver::tcp;
namespace regs = tcpoe::wire::dev;
using tcpoe::sim::DeviceNode;
using tcpoe::sim::DeviceNodeConfig;

struct Options {
  std::string scenario;
  std::string out = "/tmp";
  bool interrupts = false;
  int data_width = 64;
  double loss = 0, duplicate = 0, reorder = 0, corrupt = 0;
  uint64_t seed = 1;
  unsigned connections = 100, concurrent = 100;  // many
  double limit_ms = 50;                          // many: simulated time, at most
  std::optional<double> time_wait_us;            // TIME-WAIT; none: testbed::stack_config's default
  bool capture = false;                          // many: write DIR/many.pcap too
  uint64_t bytes = 1 << 20;                      // transfer
  uint64_t payload_seed = 1;                     // transfer: the payload's octets
  std::string payload_file;                      // transfer: the payload written there too
  bool skip_idle = false;                        // sim::DeviceConfig::skip_idle on both devices
  std::string garbage = "checksum";              // garbage: its kind
  double pace_ns = 1000;                         // garbage: between two frames
  bool sack = true;                              // --no-sack: SACK-permitted not offered
};

using tcpoe::test::hex;
using tcpoe::test::say;
using Thread = tcpoe::test::ScenarioThread;
using tcpoe::testbed::events_text;
using tcpoe::testbed::HostAddress;
using tcpoe::testbed::kHostA;
using tcpoe::testbed::kHostB;
using tcpoe::testbed::sim_now;
using tcpoe::testbed::SimHost;
constexpr uint16_t kPort = 5201;
constexpr uint32_t kSpoofedIp = 0x0a580063;  // 10.88.0.99: no host, no neighbour entry

dev::DeviceConfig device_config(const Options& o) {
  dev::DeviceConfig c;
  c.interrupts = o.interrupts;
  return c;
}

// Polls until `socket` reports one of `bits` or `timeout` passed; the bits
// seen. Every event is reported as WHO_event_SOCKET_at_ns_TIME.
uint32_t wait_for(SimHost& h, drv::SocketId socket, uint32_t bits, std::chrono::nanoseconds timeout,
                  const std::string& who, drv::PollEvent* seen = nullptr) {
  h.on_event = [who](const drv::PollEvent& e) {
    say(who + "_event_" + std::to_string(e.socket) + "_at_ns_" + std::to_string(sim_now().count()),
        events_text(e));
  };
  return h.wait_for(socket, bits, timeout, seen);
}

void device_report(const std::string& who, DeviceNode& n) {
  say(who + "_assertion_fired", n.device.assertion_fired() ? "1" : "0");
  say(who + "_iommu_faults", n.pcie.counters().iommu_faults);
  say(who + "_interrupts", n.pcie.counters().interrupts);
  say(who + "_mmio_reads", n.pcie.counters().mmio_reads);
  say(who + "_mmio_writes", n.pcie.counters().mmio_writes);
  say(who + "_mac_frames_received", n.device.counters().frames_received);
  say(who + "_mac_frames_sent", n.device.counters().frames_sent);
  say(who + "_mac_rx_dropped", n.device.counters().mac_rx_dropped);
}

tcpoe::testbed::PairConfig pair_config(const Options& o) {
  tcpoe::testbed::PairConfig c;
  c.node.device.data_width = o.data_width;
  c.node.device.skip_idle = o.skip_idle;
  // `many` makes tens of thousands of frames: a capture only if asked for.
  if (o.scenario != "many" || o.capture) c.wire.pcap_path = o.out + "/" + o.scenario + ".pcap";
  c.wire.loss = o.loss;
  c.wire.duplicate = o.duplicate;
  c.wire.reorder = o.reorder;
  c.wire.corrupt = o.corrupt;
  c.wire.seed = o.seed;
  return c;
}

// The stack's settings of a host: the testbed's, with --time-wait-us and --seed.
drv::StackConfig host_stack_config(const Options& o, const HostAddress& self) {
  std::optional<std::chrono::nanoseconds> time_wait;
  if (o.time_wait_us) time_wait = std::chrono::nanoseconds(int64_t(*o.time_wait_us * 1000));
  return tcpoe::testbed::stack_config(self, o.seed, std::chrono::microseconds(30), time_wait);
}

// How long the side that closes first may wait for its connection to be
// gone: TIME-WAIT, and `rest` for the FINs and ACKs before it.
std::chrono::nanoseconds close_limit(const Options& o, std::chrono::nanoseconds rest) {
  return host_stack_config(o, kHostA).tcp.connection.time_wait + rest;
}

// A host of the pair, its driver up, the other host its neighbour.
// `send_buffer`: the connections' send buffer (0: the default, 4 MB).
std::unique_ptr<SimHost> make_host(DeviceNode& node, const Options& o, const HostAddress& self,
                                   const HostAddress& peer, std::size_t send_buffer = 0) {
  drv::StackConfig config = host_stack_config(o, self);
  if (send_buffer) config.tcp.connection.send_buffer = send_buffer;
  config.tcp.connection.options.sack = o.sack;
  auto h = std::make_unique<SimHost>(node, config, device_config(o));
  h->stack().add_neighbour(peer.ip, peer.mac);
  return h;
}

// Polls until the last frames' completions are reaped and handed back (at
// most `limit`): what is in flight then is a leak.
void settle(SimHost& h, std::chrono::nanoseconds limit = std::chrono::microseconds(100)) {
  const tcp::Time end = sim_now() + limit;
  const auto busy = [&h] {
    dev::Device& d = h.device();
    return d.tx().in_flight() || h.stack().frames_waiting() || d.tx().handback_pending() ||
           d.rx().handback_pending();
  };
  while (busy() && sim_now() < end) h.stack().poll(std::chrono::microseconds(1));
}

// What the hardware's verdict dropped and what a host sent unasked; the
// device's CFG_ERROR (a register read: made last).
// Counters said as WHO_NAME, one (NAME, member) pair each.
template <typename Counters>
void say_counters(const std::string& who, const Counters& counters,
                  std::initializer_list<std::pair<const char*, uint64_t Counters::*>> fields) {
  for (const auto& [name, member] : fields) say(who + "_" + name, counters.*member);
}

void fault_report(const std::string& who, SimHost& h) {
  using T = tcp::TableCounters;
  say_counters(who, h.stack().table().counters(),
               {{"drops_malformed", &T::malformed}, {"drops_bad_checksum", &T::bad_checksum},
                {"resets_sent", &T::resets_sent}, {"syn_cookies_sent", &T::syn_cookies_sent},
                {"syn_cookies_accepted", &T::syn_cookies_accepted}, {"syn_backlog_drops", &T::syn_backlog_drops}});
  say_counters(who, h.stack().counters(),
               {{"rx_failed", &drv::StackCounters::rx_failed}, {"tx_failed", &drv::StackCounters::tx_failed}});
  say(who + "_cfg_error", hex(h.device().host().mmio_read32(regs::kCfgError.offset)));
}

// ---------------------------------------------------------------------------

// The two hosts of the pair scenarios, on one wire (sc_main ends them).
std::unique_ptr<tcpoe::testbed::HostPair> g_pair;
std::unique_ptr<DeviceNode> g_node;  // bringup's one host

void bringup(const Options& o) {
  DeviceNodeConfig c;
  c.device.data_width = o.data_width;
  g_node = std::make_unique<DeviceNode>("a", c);
  new Thread("host_a", [o] {
    DeviceNode* node = g_node.get();
    tcpoe::testbed::CountingHost host(node->pcie);
    {
      dev::Device device(host, device_config(o));
      device.bring_up();
      const dev::DeviceIdentity& id = device.identity();
      say("id", hex(id.id));
      say("version", hex(id.version));
      say("caps", hex(id.caps));
      say("data_width", id.data_width);
      say("max_frame", id.max_frame);
      say("mapped_when_up", uint64_t(host.mapped));
      say("allocated_when_up", uint64_t(host.allocated));
      say("cfg_error", hex(node->pcie.mmio_read32(regs::kCfgError.offset)));
      say("status", hex(node->pcie.mmio_read32(regs::kStatus.offset)));
      say("rx_posted", device.rx().posted());
      // The device's RXB CONS, written back: 0, nothing received yet.
      say("rxb_cons_writeback", device.rx().device_consumer());
      device.teardown();
      say("up_after_teardown", device.up() ? "1" : "0");
      say("mapped_after_teardown", uint64_t(host.mapped));
      say("allocated_after_teardown", uint64_t(host.allocated));
      say("control_after_teardown", hex(node->pcie.mmio_read32(regs::kControl.offset)));
      // Up again on the same device: a second bring-up works.
      device.bring_up();
      say("second_bring_up", device.up() ? "ok" : "down");
    }  // the destructor tears down
    say("mapped_after_destructor", uint64_t(host.mapped));
    device_report("a", *node);
  });
}

void connect(const Options& o) {
  g_pair = std::make_unique<tcpoe::testbed::HostPair>(pair_config(o));
  static bool b_listening = false;
  static bool b_accepted = false;
  static bool b_done = false;
  static bool a_done = false;
  new Thread("host_b", [o] {
    const auto h = make_host(g_pair->b(), o, kHostB, kHostA);
    drv::Stack& s = h->stack();
    drv::SocketId listener = 0;
    say("b_listen", s.listen(kPort, 8, listener).message());
    b_listening = true;
    const uint32_t got = wait_for(*h, listener, drv::ready::kAcceptable, std::chrono::milliseconds(2), "b");
    say("b_acceptable", got & drv::ready::kAcceptable ? "1" : "0");
    drv::SocketId conn = 0;
    say("b_accept", s.accept(listener, conn).message());
    say("b_state_accepted", h->state_name(conn));
    b_accepted = true;
    drv::SocketId none = 0;
    say("b_accept_again", s.accept(listener, none).message());
    say("b_listen_again", s.listen(kPort, 8, none).message());
    const uint32_t fin = wait_for(*h, conn, drv::ready::kPeerClosed, std::chrono::milliseconds(2), "b");
    say("b_peer_closed", fin & drv::ready::kPeerClosed ? "1" : "0");
    say("b_state_after_peer_fin", h->state_name(conn));
    say("b_close", s.close(conn).message());
    const uint32_t closed = wait_for(*h, conn, drv::ready::kClosed, std::chrono::milliseconds(2), "b");
    say("b_closed", closed & drv::ready::kClosed ? "1" : "0");
    say("b_state_closed", h->state_name(conn));
    b_done = true;
    dev::Device& d = h->device();
    say("b_table_size", s.table().size());
    say("b_mmio_reads_fast_path", h->mmio_reads_fast_path());
    say("b_doorbells", d.tx().doorbells());
    say("b_counter_frames_rx", d.counter(regs::Counter::kFramesRx));
    say("b_counter_rx_completions", d.counter(regs::Counter::kRxCompletions));
    say("b_counter_rx_drop_no_buffer", d.counter(regs::Counter::kRxDropNoBuffer));
    say("b_counter_rx_drop_too_long", d.counter(regs::Counter::kRxDropTooLong));
    say("b_rxc_prod_writeback", d.host().mmio_read32(regs::ring_offset(regs::Ring::kRxCompl, regs::ring_reg::kProdDevice)));
    say("b_rx_completions", s.counters().rx_completions);
    say("b_tx_completions", s.counters().tx_completions);
    say("b_tx_failed", s.counters().tx_failed);
    device_report("b", g_pair->b());
    while (!a_done) s.poll(std::chrono::microseconds(10));
    s.poll(std::chrono::microseconds(20));  // nothing may come any more
    settle(*h);
    fault_report("b", *h);
  });
  new Thread("host_a", [o] {
    const auto h = make_host(g_pair->a(), o, kHostA, kHostB);
    drv::Stack& s = h->stack();
    while (!b_listening) sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
    const tcp::Time t0 = sim_now();
    drv::SocketId conn = 0;
    say("a_connect", s.connect(kHostB.ip, kPort, conn).message());
    say("a_state_after_connect", h->state_name(conn));
    const uint32_t got = wait_for(*h, conn, drv::ready::kConnected | drv::ready::kError,
                                  std::chrono::milliseconds(2), "a");
    say("a_connected", got & drv::ready::kConnected ? "1" : "0");
    say("a_connect_ns", uint64_t((sim_now() - t0).count()));
    say("a_state_connected", h->state_name(conn));
    if (const tcp::Connection* c = s.connection(conn)) say("a_retransmissions", c->counters().retransmissions);
    say("a_mmio_reads_fast_path", h->mmio_reads_fast_path());
    while (!b_accepted) s.poll(std::chrono::microseconds(1));
    say("a_close", s.close(conn).message());
    say("a_state_after_close", h->state_name(conn));
    const uint32_t closed = wait_for(*h, conn, drv::ready::kClosed, close_limit(o, std::chrono::milliseconds(2)), "a");
    say("a_closed", closed & drv::ready::kClosed ? "1" : "0");
    say("a_state_closed", h->state_name(conn));
    while (!b_done) s.poll(std::chrono::microseconds(10));  // answers B's last segments
    say("a_table_size", s.table().size());
    say("a_mmio_reads_after_close", h->mmio_reads_fast_path());
    say("a_counter_frames_tx", h->device().counter(regs::Counter::kFramesTx));
    say("a_counter_frames_rx", h->device().counter(regs::Counter::kFramesRx));
    say("a_tx_failed", s.counters().tx_failed);
    say("wire_lost", g_pair->frames_lost());
    const tcpoe::sim::EthernetWire& w = g_pair->wire().wire();
    say("wire_corrupted", w.counters(0).corrupted + w.counters(1).corrupted);
    say("wire_duplicated", w.counters(0).duplicated + w.counters(1).duplicated);
    say("wire_reordered", w.counters(0).reordered + w.counters(1).reordered);
    device_report("a", g_pair->a());
    a_done = true;
    s.poll(std::chrono::microseconds(20));
    settle(*h);
    fault_report("a", *h);
  });
}

void refused(const Options& o) {
  g_pair = std::make_unique<tcpoe::testbed::HostPair>(pair_config(o));
  static bool b_up = false;
  static bool a_done = false;
  new Thread("host_b", [o] {
    const auto h = make_host(g_pair->b(), o, kHostB, kHostA);
    b_up = true;
    while (!a_done) h->stack().poll(std::chrono::microseconds(10));
    say("b_resets_sent", h->stack().table().counters().resets_sent);
  });
  new Thread("host_a", [o] {
    const auto h = make_host(g_pair->a(), o, kHostA, kHostB);
    drv::Stack& s = h->stack();
    while (!b_up) sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
    drv::SocketId conn = 0;
    say("a_connect", s.connect(kHostB.ip, kPort + 1, conn).message());
    drv::PollEvent seen;
    const uint32_t got = wait_for(*h, conn, drv::ready::kError, std::chrono::milliseconds(2), "a", &seen);
    say("a_error", got & drv::ready::kError ? seen.error.message() : "none");
    say("a_error_is_refused", seen.error == drv::StackError::kConnectionRefused ? "1" : "0");
    say("a_state", h->state_name(conn));
    say("a_table_size", s.table().size());
    say("a_close", s.close(conn).message());
    say("a_state_after_close", h->state_name(conn));
    drv::SocketId other = 0;
    say("a_connect_unknown_host", s.connect(0x0a58ffff, kPort, other).message());
    a_done = true;
  });
}

constexpr int kTimeoutSynRetries = 3;

void timeout(const Options& o) {
  g_pair = std::make_unique<tcpoe::testbed::HostPair>(pair_config(o));
  new Thread("host_a", [o] {
    drv::StackConfig c = tcpoe::testbed::stack_config(kHostA, o.seed);
    c.tcp.connection.syn_retries = kTimeoutSynRetries;
    SimHost h(g_pair->a(), c, device_config(o));
    drv::Stack& s = h.stack();
    s.add_neighbour(kHostB.ip, kHostB.mac);
    const tcp::Time t0 = sim_now();
    drv::SocketId conn = 0;
    say("a_connect", s.connect(kHostB.ip, kPort, conn).message());
    drv::PollEvent seen;
    const uint32_t got = wait_for(h, conn, drv::ready::kError, std::chrono::milliseconds(5), "a", &seen);
    say("a_error", got & drv::ready::kError ? seen.error.message() : "none");
    say("a_error_is_timed_out", seen.error == drv::StackError::kTimedOut ? "1" : "0");
    say("a_gave_up_after_ns", uint64_t((sim_now() - t0).count()));
    say("a_state", h.state_name(conn));
    say("a_table_size", s.table().size());
    say("a_syn_retries", uint64_t(kTimeoutSynRetries));
    say("a_frames_posted", s.counters().frames_posted);
    say("a_tx_completions", s.counters().tx_completions);
    say("a_tx_in_flight", h.device().tx().in_flight());
  });
}

std::unique_ptr<tcpoe::testbed::ConnectRun> g_run;

// After the run: the table, rings and buffers back to empty, CFG_ERROR 0,
// and every buffer freed and window unmapped after teardown.
void leak_report(const std::string& who, SimHost& h) {
  settle(h);
  dev::Device& d = h.device();
  say(who + "_table_size", h.stack().table().size());
  say(who + "_tx_in_flight", d.tx().in_flight());
  say(who + "_frames_waiting", h.stack().frames_waiting());
  say(who + "_handback_pending", d.tx().handback_pending() + d.rx().handback_pending());
  say(who + "_rx_posted", d.rx().posted());
  say(who + "_rx_capacity", d.rx().capacity());
  say(who + "_mmio_reads_fast_path", h.mmio_reads_fast_path());
  say(who + "_send_chunks_live", h.stack().send_chunks().live());
  say(who + "_tx_references_held", d.tx().references_held());
  fault_report(who, h);
  say(who + "_counter_rx_drop_no_buffer", d.counter(regs::Counter::kRxDropNoBuffer));
  device_report(who, h.node());
  say(who + "_allocated_when_up", uint64_t(h.host().allocated));
  d.teardown();
  say(who + "_allocated_after_teardown", uint64_t(h.host().allocated));
  say(who + "_mapped_after_teardown", uint64_t(h.host().mapped));
  say(who + "_assertion_fired", h.node().device.assertion_fired() ? "1" : "0");
}

void many(const Options& o) {
  g_pair = std::make_unique<tcpoe::testbed::HostPair>(pair_config(o));
  tcpoe::testbed::ConnectRunConfig c;
  c.connections = o.connections;
  c.concurrent = o.concurrent;
  c.port = kPort;
  c.limit = std::chrono::nanoseconds(int64_t(o.limit_ms * 1e6));
  g_run = std::make_unique<tcpoe::testbed::ConnectRun>(c);
  new Thread("host_b", [o] {
    const auto h = make_host(g_pair->b(), o, kHostB, kHostA);
    g_run->listener(*h);
    const tcpoe::testbed::ConnectRunResult& r = g_run->result();
    say("b_accepted", r.accepted);
    say("b_closed", r.b_closed);
    for (const auto& [message, n] : r.b_errors) say("b_error_" + message, n);
    leak_report("b", *h);
  });
  new Thread("host_a", [o] {
    const auto h = make_host(g_pair->a(), o, kHostA, kHostB);
    const auto wall0 = std::chrono::steady_clock::now();
    g_run->connector(*h, kHostB.ip);
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    const tcpoe::testbed::ConnectRunResult& r = g_run->result();
    say("requested", r.requested);
    say("established", r.established);
    say("failed", r.failed);
    for (const auto& [message, n] : r.connect_errors) say("connect_error_" + message, n);
    for (std::size_t i = 0; i < r.failed_ports.size(); ++i) say("failed_port_" + std::to_string(i), r.failed_ports[i]);
    say("closed", r.closed);
    for (const auto& [message, n] : r.close_errors) say("close_error_" + message, n);
    say("finished", r.finished ? "1" : "0");
    for (const auto& [what, n] : r.left) say("left_" + what, n);
    say("sim_ns", r.sim_ns);
    say("wall_ms", uint64_t(wall_s * 1000));
    say("connect_ns_median", tcpoe::testbed::percentile(r.connect_ns, 50));
    say("connect_ns_p99", tcpoe::testbed::percentile(r.connect_ns, 99));
    say("wire_lost", g_pair->frames_lost());
    leak_report("a", *h);
  });
}

// The stream A sends: --bytes pseudo-random octets drawn from
// --payload-seed (not a repeating pattern: an octet out of place differs).
std::vector<uint8_t> g_payload;

void make_payload(uint64_t seed, std::size_t bytes) {
  g_payload.resize(bytes);
  tcpoe::testbed::PseudoRandomStream(seed).fill(g_payload);
}

// What a transfer's end saw: octets received, how many differ from the
// payload at their place, and the SHA-256 of all of them.
struct Received {
  uint64_t octets = 0;
  uint64_t wrong = 0;
  tcpoe::testbed::Sha256 sha256;
  void take(const uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) wrong += octets + i >= g_payload.size() || p[i] != g_payload[octets + i];
    sha256.update(p, n);
    octets += n;
  }
};

void connection_report(const std::string& who, const drv::Stack& s, drv::SocketId conn) {
  using C = tcp::ConnectionCounters;
  if (const tcp::Connection* c = s.connection(conn))
    say_counters(who, c->counters(),
                 {{"retransmissions", &C::retransmissions}, {"timeouts", &C::timeouts},
                  {"fast_retransmits", &C::fast_retransmits}, {"sack_retransmits", &C::sack_retransmits},
                  {"octets_retransmitted", &C::octets_retransmitted}, {"out_of_order_kept", &C::out_of_order_kept},
                  {"paws_drops", &C::paws_drops}, {"octets_sent", &C::octets_sent},
                  {"octets_received", &C::octets_received}});
  say_counters(who, s.counters(),
               {{"tx_payload_gone", &drv::StackCounters::tx_payload_gone}, {"tx_failed", &drv::StackCounters::tx_failed}});
}

// The payload's copies: the CPU's copies into and out of DMA memory (the
// host interface's count), and the Stack's payload counters.
void copy_report(const std::string& who, SimHost& h) {
  say(who + "_host_octets_written", h.host().octets_written);
  say(who + "_host_octets_read", h.host().octets_read);
  say(who + "_tx_payload_copied", h.stack().counters().tx_payload_copied);
  say(who + "_tx_payload_by_reference", h.stack().counters().tx_payload_by_reference);
  say(who + "_frames_posted", h.stack().counters().frames_posted);
  say(who + "_rx_completions", h.stack().counters().rx_completions);
  say(who + "_send_chunks_taken", h.stack().send_chunks().taken());
  say(who + "_rx_payload_in_place", h.stack().counters().rx_payload_in_place);
}

void transfer(const Options& o) {
  g_pair = std::make_unique<tcpoe::testbed::HostPair>(pair_config(o));
  make_payload(o.payload_seed, o.bytes);
  if (!o.payload_file.empty()) {  // for an outside digest of what A sends
    std::FILE* f = std::fopen(o.payload_file.c_str(), "wb");
    if (f == nullptr || std::fwrite(g_payload.data(), 1, g_payload.size(), f) != g_payload.size())
      throw std::runtime_error("cannot write " + o.payload_file);
    std::fclose(f);
  }
  static bool b_listening = false;
  static bool a_closed = false, b_closed = false;
  const auto limit = std::chrono::milliseconds(200);  // of simulated time
  new Thread("host_b", [o, limit] {
    const auto h = make_host(g_pair->b(), o, kHostB, kHostA);
    drv::Stack& s = h->stack();
    drv::SocketId listener = 0, conn = 0;
    s.listen(kPort, 8, listener);
    b_listening = true;
    wait_for(*h, listener, drv::ready::kAcceptable, std::chrono::milliseconds(2), "b");
    say("b_accept", s.accept(listener, conn).message());
    // Echo: every octet received is sent back.
    Received got;
    tcpoe::testbed::Sha256 sent_sha256;
    std::vector<uint8_t> echo, buf(65536);
    std::size_t echoed = 0;
    bool end_of_stream = false;
    const tcp::Time end = sim_now() + limit;
    while (!(end_of_stream && echoed == echo.size()) && sim_now() < end) {
      std::size_t n = 0;
      const std::error_code e = s.recv(conn, buf, n);
      if (n) {
        got.take(buf.data(), n);
        echo.insert(echo.end(), buf.begin(), buf.begin() + n);
      } else if (!e) {
        end_of_stream = true;
      } else if (e != drv::StackError::kWouldBlock) {
        say("b_recv_error", e.message());
        break;
      }
      if (echoed < echo.size()) {
        std::size_t sent = 0;
        s.send(conn, tcpoe::wire::ByteSpan(echo).subspan(echoed), sent);
        sent_sha256.update(echo.data() + echoed, sent);
        echoed += sent;
      }
      if (n == 0) s.poll(std::chrono::microseconds(20));
    }
    say("b_received", got.octets);
    say("b_received_wrong", got.wrong);
    say("b_received_sha256", got.sha256.hex());
    say("b_echoed", uint64_t(echoed));
    say("b_sent_sha256", sent_sha256.hex());
    say("b_end_of_stream", end_of_stream ? "1" : "0");
    connection_report("b", s, conn);
    copy_report("b", *h);
    say("b_close", s.close(conn).message());
    const uint32_t closed = wait_for(*h, conn, drv::ready::kClosed, std::chrono::milliseconds(5), "b_close");
    say("b_closed", closed & drv::ready::kClosed ? "1" : "0");
    b_closed = true;
    while (!a_closed) s.poll(std::chrono::microseconds(10));  // answers A's last segments
    leak_report("b", *h);
  });
  new Thread("host_a", [o, limit] {
    const auto h = make_host(g_pair->a(), o, kHostA, kHostB);
    drv::Stack& s = h->stack();
    while (!b_listening) sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
    drv::SocketId conn = 0;
    s.connect(kHostB.ip, kPort, conn);
    const std::vector<uint8_t>& data = g_payload;
    std::vector<uint8_t> buf(65536);
    std::size_t none = 0;
    say("a_send_in_syn_sent", s.send(conn, data, none).message());
    say("a_recv_in_syn_sent", s.recv(conn, buf, none).message());
    const uint32_t up = wait_for(*h, conn, drv::ready::kConnected | drv::ready::kError, std::chrono::milliseconds(2), "a");
    say("a_connected", up & drv::ready::kConnected ? "1" : "0");
    Received got;
    tcpoe::testbed::Sha256 sent_sha256;
    std::size_t sent = 0;
    const auto wall0 = std::chrono::steady_clock::now();
    const tcp::Time t0 = sim_now(), end = t0 + limit;
    while (got.octets < o.bytes && sim_now() < end) {
      if (sent < data.size()) {
        std::size_t n = 0;
        s.send(conn, tcpoe::wire::ByteSpan(data).subspan(sent), n);
        sent_sha256.update(data.data() + sent, n);
        sent += n;
      }
      std::size_t n = 0;
      const std::error_code e = s.recv(conn, buf, n);
      got.take(buf.data(), n);
      if (e && e != drv::StackError::kWouldBlock) {
        say("a_recv_error", e.message());
        break;
      }
      if (n == 0) s.poll(std::chrono::microseconds(20));
    }
    say("a_sent", uint64_t(sent));
    say("a_sent_sha256", sent_sha256.hex());
    say("a_received", got.octets);
    say("a_received_wrong", got.wrong);
    say("a_received_sha256", got.sha256.hex());
    say("a_transfer_ns", uint64_t((sim_now() - t0).count()));
    say("a_transfer_wall_ms", uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - wall0).count()));
    connection_report("a", s, conn);
    copy_report("a", *h);
    say("a_close", s.close(conn).message());
    say("a_send_after_close", s.send(conn, data, none).message());
    const uint32_t closed = wait_for(*h, conn, drv::ready::kClosed, std::chrono::milliseconds(5), "a_close");
    say("a_send_when_gone", s.send(conn, data, none).message());
    say("a_closed", closed & drv::ready::kClosed ? "1" : "0");
    a_closed = true;
    while (!b_closed) s.poll(std::chrono::microseconds(10));  // answers B's last segments
    say("wire_lost", g_pair->frames_lost());
    const tcpoe::sim::EthernetWire& w = g_pair->wire().wire();
    say("wire_duplicated", w.counters(0).duplicated + w.counters(1).duplicated);
    say("wire_reordered", w.counters(0).reordered + w.counters(1).reordered);
    leak_report("a", *h);
  });
}

// The blocking calls (Stack's forms with a timeout): B's accept on a port
// nobody connects to times out; B's accept and A's connect wait for each
// other; A's connect to a closed port is refused; A sends 256 kB through a
// 64 kB send buffer in one call; B receives it with calls that each return
// data; B's next recv times out (A sends no more); A's recv waits until B
// resets the connection.
void blocking(const Options& o) {
  g_pair = std::make_unique<tcpoe::testbed::HostPair>(pair_config(o));
  static bool b_listening = false, b_timed_out = false, done = false;
  static const std::size_t kData = 256 * 1024;
  static const auto kRecvTimeout = std::chrono::microseconds(50);
  make_payload(o.payload_seed, kData);
  const auto ns_since = [](tcp::Time t0) { return uint64_t((sim_now() - t0).count()); };
  new Thread("host_b", [o, ns_since] {
    const auto h = make_host(g_pair->b(), o, kHostB, kHostA);
    drv::Stack& s = h->stack();
    drv::SocketId listener = 0, idle_listener = 0, conn = 0, none = 0;
    s.listen(kPort, 8, listener);
    s.listen(kPort + 1, 8, idle_listener);
    tcp::Time t0 = sim_now();
    say("b_accept_idle", s.accept(idle_listener, none, std::chrono::microseconds(20)).message());
    say("b_accept_idle_ns", ns_since(t0));
    b_listening = true;
    say("b_accept", s.accept(listener, conn, std::chrono::milliseconds(2)).message());
    say("b_state_accepted", h->state_name(conn));
    Received got;
    std::vector<uint8_t> buf(16384);
    uint64_t calls = 0, empty = 0;
    std::error_code e;
    while (got.octets < kData) {
      std::size_t n = 0;
      e = s.recv(conn, buf, n, std::chrono::milliseconds(5));
      ++calls;
      if (n == 0) ++empty;
      got.take(buf.data(), n);
      if (e) break;
    }
    say("b_recv_error", e.message());
    say("b_received", got.octets);
    say("b_received_wrong", got.wrong);
    say("b_recv_calls", calls);
    say("b_recv_empty", empty);
    std::size_t n = 0;
    t0 = sim_now();
    say("b_recv_timeout", s.recv(conn, buf, n, kRecvTimeout).message());
    say("b_recv_timeout_got", uint64_t(n));
    say("b_recv_timeout_ns", ns_since(t0));
    b_timed_out = true;
    s.poll(std::chrono::microseconds(20));  // A is in its recv by now
    say("b_abort_at_ns", uint64_t(sim_now().count()));
    say("b_abort", s.abort(conn).message());
    say("b_state_after_abort", h->state_name(conn));
    while (!done) s.poll(std::chrono::microseconds(10));
  });
  new Thread("host_a", [o, ns_since] {
    const auto h = make_host(g_pair->a(), o, kHostA, kHostB, 64 * 1024);
    drv::Stack& s = h->stack();
    while (!b_listening) sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
    drv::SocketId refused = 0, conn = 0;
    say("a_connect_closed_port", s.connect(kHostB.ip, kPort + 2, refused, std::chrono::milliseconds(2)).message());
    say("a_connect", s.connect(kHostB.ip, kPort, conn, std::chrono::milliseconds(2)).message());
    say("a_state_after_connect", h->state_name(conn));
    const std::vector<uint8_t>& data = g_payload;
    std::size_t sent = 0;
    tcp::Time t0 = sim_now();
    say("a_send", s.send(conn, data, sent, std::chrono::milliseconds(20)).message());
    say("a_sent", uint64_t(sent));
    say("a_send_ns", ns_since(t0));
    std::vector<uint8_t> buf(1024);
    std::size_t got = 0;
    const std::error_code reset = s.recv(conn, buf, got, std::chrono::milliseconds(5));
    say("a_recv_reset", reset.message());
    say("a_recv_reset_got", uint64_t(got));
    say("a_recv_reset_at_ns", uint64_t(sim_now().count()));
    say("a_recv_reset_after_b_timed_out", b_timed_out ? "1" : "0");
    // The event the blocking recv saw stays for poll().
    std::string polled;
    for (const drv::PollEvent& e : s.poll(std::chrono::nanoseconds(0)))
      if (e.socket == conn) polled = events_text(e);
    say("a_poll_after_reset", polled);
    say("a_close", s.close(conn).message());
    done = true;
    device_report("a", g_pair->a());
  });
}

// ---------------------------------------------------------------------------
// garbage

// What garbage must leave as it was on a connection; the latest TSval of
// the peer too, unless the connection takes the peer's answers to the
// garbage (they carry newer ones, rightly).
std::string variables_text(const tcp::Connection& c, bool with_ts_recent = true) {
  return std::string(tcp::to_string(c.state())) + " snd_una=" + std::to_string(c.snd_una().raw()) +
         " snd_nxt=" + std::to_string(c.snd_nxt().raw()) + " snd_max=" + std::to_string(c.snd_max().raw()) +
         " rcv_nxt=" + std::to_string(c.rcv_nxt().raw()) + " snd_wnd=" + std::to_string(c.snd_wnd()) +
         " rcv_wnd=" + std::to_string(c.rcv_wnd()) +
         (with_ts_recent ? " ts_recent=" + std::to_string(c.negotiated().ts_recent) : "");
}

// Every reason of DropCounters as `key value` pairs, prefixed.
std::vector<std::pair<std::string, uint64_t>> drop_fields(const tcp::DropCounters& d) {
  std::vector<std::pair<std::string, uint64_t>> out = {
      {"malformed", d.malformed},
      {"payload_short", d.payload_short},
      {"bad_checksum", d.bad_checksum},
      {"bad_ip_checksum", d.bad_ip_checksum},
      {"bad_tcp_checksum", d.bad_tcp_checksum},
      {"paws_drops", d.paws_drops},
      {"out_of_window", d.out_of_window},
      {"ack_of_unsent", d.ack_of_unsent},
      {"ack_too_old", d.ack_too_old},
      {"ack_missing", d.ack_missing},
      {"handshake_ack_reset", d.handshake_ack_reset},
      {"rst_out_of_window", d.rst_out_of_window},
      {"rst_challenged", d.rst_challenged},
      {"syn_challenged", d.syn_challenged},
      {"challenge_acks_limited", d.challenge_acks_limited},
      {"no_connection_reset", d.no_connection_reset},
      {"no_connection_rst", d.no_connection_rst},
      {"listener_dropped", d.listener_dropped}};
  for (uint8_t code = 1; code < tcpoe::wire::kMalformedCodeCount; ++code)
    out.emplace_back(std::string("malformed_") + tcpoe::wire::to_string(tcpoe::wire::Malformed(code)),
                     d.malformed_by_code[code]);
  return out;
}
// The counters' growth from `before` to now: WHO_drop_REASON lines.
void drops_report(const std::string& who, const tcp::DropCounters& before, const tcp::DropCounters& after) {
  const auto b = drop_fields(before), a = drop_fields(after);
  for (std::size_t i = 0; i < a.size(); ++i) say(who + "_drop_" + a[i].first, a[i].second - b[i].second);
}

void garbage(const Options& o) {
  namespace g = tcpoe::test::garbage;
  make_payload(o.payload_seed, o.bytes);
  g_pair = std::make_unique<tcpoe::testbed::HostPair>(pair_config(o));
  static bool b_listening = false, a_done = false;
  static SimHost* b_host = nullptr;
  static drv::SocketId b_conn = 0, b_listener = 0;
  static Received b_got;
  const auto limit = std::chrono::milliseconds(100);
  new Thread("host_b", [o, limit] {
    const auto h = make_host(g_pair->b(), o, kHostB, kHostA);
    drv::Stack& s = h->stack();
    s.listen(kPort, 8, b_listener);
    b_listening = true;
    wait_for(*h, b_listener, drv::ready::kAcceptable, std::chrono::milliseconds(2), "b");
    say("b_accept", s.accept(b_listener, b_conn).message());
    b_host = h.get();
    std::vector<uint8_t> buf(65536);
    bool end_of_stream = false;
    const tcp::Time end = sim_now() + limit;
    while (!end_of_stream && sim_now() < end) {
      std::size_t n = 0;
      const std::error_code e = s.recv(b_conn, buf, n);
      b_got.take(buf.data(), n);
      if (n == 0 && !e) end_of_stream = true;
      else if (e && e != drv::StackError::kWouldBlock) {
        say("b_recv_error", e.message());
        break;
      }
      if (n == 0) s.poll(std::chrono::microseconds(5));
    }
    say("b_received", b_got.octets);
    say("b_received_wrong", b_got.wrong);
    say("b_end_of_stream", end_of_stream ? "1" : "0");
    say("b_close", s.close(b_conn).message());
    const uint32_t closed = wait_for(*h, b_conn, drv::ready::kClosed, std::chrono::milliseconds(5), "b_close");
    say("b_closed", closed & drv::ready::kClosed ? "1" : "0");
    say("b_accept_after", s.accept(b_listener, b_conn).message());  // no garbage SYN became a connection
    while (!a_done) s.poll(std::chrono::microseconds(10));
    s.close(b_listener);
    leak_report("b", *h);
    b_host = nullptr;
  });
  new Thread("host_a", [o, limit] {
    const auto h = make_host(g_pair->a(), o, kHostA, kHostB);
    drv::Stack& s = h->stack();
    while (!b_listening) sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
    drv::SocketId conn = 0;
    s.connect(kHostB.ip, kPort, conn);
    const uint32_t up = wait_for(*h, conn, drv::ready::kConnected | drv::ready::kError, std::chrono::milliseconds(2), "a");
    say("a_connected", up & drv::ready::kConnected ? "1" : "0");
    const std::vector<uint8_t>& data = g_payload;
    std::size_t sent = 0;
    // Sends data[sent, upto) and waits until B has read it and every octet
    // is acknowledged, the connection idle (at most `limit`).
    const auto send_until = [&](std::size_t upto) {
      const tcp::Time end = sim_now() + limit;
      while (sim_now() < end) {
        std::size_t n = 0;
        if (sent < upto) s.send(conn, tcpoe::wire::ByteSpan(data).subspan(sent, upto - sent), n);
        sent += n;
        const tcp::Connection* c = s.connection(conn);
        if (sent == upto && b_got.octets == upto && c && c->snd_una() == c->snd_max()) break;
        s.poll(std::chrono::microseconds(5));
      }
      s.poll(std::chrono::microseconds(50));  // delayed ACKs and window updates are out
    };
    send_until(data.size() / 2);
    const tcp::Connection* bc = b_host ? b_host->stack().connection(b_conn) : nullptr;
    say("b_idle_before_garbage", bc && b_got.octets == data.size() / 2 ? "1" : "0");
    if (!bc) return;
    const std::string before = variables_text(*bc);
    const std::string a_before = variables_text(*s.connection(conn), false);
    const tcp::DropCounters b_drops0 = b_host->stack().drops(), a_drops0 = s.drops();
    const tcp::TableCounters b_table0 = b_host->stack().table().counters();
    const uint64_t b_sent0 = g_pair->b().device.counters().frames_sent;
    const uint64_t b_rx0 = g_pair->b().device.counters().frames_received;
    const uint64_t b_no_neighbour0 = b_host->stack().counters().tx_no_neighbour;

    // A segment of A's on this connection, as A's device would build it.
    const tcp::FourTuple at = *s.tuple(conn);
    tcpoe::wire::TxDescriptor base;
    base.ttl = g::kTtl;
    base.eth_src = kHostA.mac;
    base.eth_dst = kHostB.mac;
    tcp::set_addresses(base, at);
    base.tcp_flags = tcpoe::wire::tcp::flag::kAck;
    base.seq = bc->rcv_nxt().raw();
    base.ack = bc->snd_nxt().raw();
    base.window = 1000;
    base.has_timestamps = true;
    base.ts_val = bc->negotiated().ts_recent;  // the latest: PAWS lets it pass
    base.ts_ecr = 1;
    std::mt19937_64 rng(o.seed);
    uint64_t injected = 0;
    // Puts a frame on the wire from A's side and lets --pace-ns pass, A
    // polling meanwhile (it takes B's answers).
    const auto inject = [&](const g::Frame& f) {
      g_pair->wire().send(0, f);
      ++injected;
      const tcp::Time next = sim_now() + std::chrono::nanoseconds(int64_t(o.pace_ns));
      while (sim_now() < next) s.poll(next - sim_now());
    };
    const auto with = [&](auto change) {
      tcpoe::wire::TxDescriptor d = base;
      change(d);
      return g::segment_frame(d);
    };
    namespace flag = tcpoe::wire::tcp::flag;
    const uint32_t rcv_nxt = bc->rcv_nxt().raw(), rcv_wnd = bc->rcv_wnd();
    say("b_rcv_wnd", uint64_t(rcv_wnd));
    if (o.garbage == "checksum") {
      // In-order data of garbage octets: taken, it would show in the compare.
      const g::Frame good = with([](auto& d) { d.payload_len = 100; });
      const std::pair<const char*, g::BadChecksum> kinds[] = {
          {"ip", g::BadChecksum::kIp}, {"tcp", g::BadChecksum::kTcp}, {"both", g::BadChecksum::kBoth}};
      for (const auto& [name, which] : kinds) {
        for (int i = 0; i < 20; ++i) inject(g::with_bad_checksum(good, which));
        say(std::string("injected_bad_checksum_") + name, 20);
      }
    } else if (o.garbage == "options") {
      for (const g::Malformation& m : g::malformations()) {
        tcpoe::wire::TxDescriptor d = base;
        d.payload_len = 16;
        for (int i = 0; i < 5; ++i) inject(g::malformed_frame(d, m));
        say(std::string("injected_") + m.name + "_" + tcpoe::wire::to_string(m.code), 5);
      }
    } else if (o.garbage == "window") {
      const int n = 20;
      for (int i = 0; i < n; ++i) inject(with([&](auto& d) { d.seq = rcv_nxt - 100000; d.payload_len = 100; }));
      say("injected_out_of_window_old", n);
      for (int i = 0; i < n; ++i) inject(with([&](auto& d) { d.seq = rcv_nxt + 0x40000000u; d.payload_len = 100; }));
      say("injected_out_of_window_future", n);
      for (int i = 0; i < n; ++i) inject(with([&](auto& d) { d.ack = base.ack + 100000; d.payload_len = 100; }));
      say("injected_ack_of_unsent", n);
      for (int i = 0; i < n; ++i) inject(with([&](auto& d) { d.ack = base.ack - 0x40000000u; }));
      say("injected_ack_too_old", n);
      for (int i = 0; i < n; ++i) inject(with([&](auto& d) { d.ts_val = base.ts_val - 1000; d.payload_len = 100; }));
      say("injected_paws", n);
    } else if (o.garbage == "rst") {
      // Half at random over the whole sequence space, half at random in
      // the window; none at RCV.NXT itself (that one would reset).
      uint64_t in_window = 0, outside = 0;
      for (int i = 0; i < 3000; ++i) {
        uint32_t seq = i % 2 ? uint32_t(rng()) : rcv_nxt + 1 + uint32_t(rng() % (rcv_wnd - 1));
        if (seq == rcv_nxt) seq += 1;
        (tcp::in_window(tcp::SeqNumber(seq), tcp::SeqNumber(rcv_nxt), rcv_wnd) ? in_window : outside) += 1;
        inject(with([&](auto& d) { d.tcp_flags = flag::kRst; d.seq = seq; d.ack = 0; d.has_timestamps = false; }));
      }
      say("injected_rst_in_window", in_window);
      say("injected_rst_outside", outside);
    } else if (o.garbage == "syn") {
      // To the listener, from ports of A's that hold no connection: A
      // answers each SYN-ACK with RST (it opened nothing), which takes the
      // connection back out of the backlog.
      const auto syn_to_listener = [&](uint32_t from_ip, uint16_t from_port) {
        inject(with([&](auto& d) {
          d.tcp_flags = flag::kSyn;
          d.ip_src = from_ip;
          d.src_port = from_port;
          d.seq = uint32_t(rng());
          d.ack = 0;
          d.has_mss = true;
          d.mss = 1460;
          d.ts_ecr = 0;
        }));
      };
      for (int i = 0; i < 100; ++i) syn_to_listener(kHostA.ip, uint16_t(1024 + i));
      say("injected_syn_listener_from_a", 100);
      // From an address B knows no Ethernet address for (a spoofed one):
      // nothing answers, the backlog of 8 fills and the rest get SYN
      // cookies; each SYN-ACK is dropped for want of a neighbour.
      for (int i = 0; i < 200; ++i) syn_to_listener(kSpoofedIp, uint16_t(1024 + i));
      say("injected_syn_listener_spoofed", 200);
      // On the established connection: every one a challenge ACK, as the
      // limit allows.
      for (int i = 0; i < 1500; ++i)
        inject(with([&](auto& d) { d.tcp_flags = flag::kSyn; d.seq = uint32_t(rng()); d.ack = 0; }));
      say("injected_syn_established", 1500);
    } else {
      say("unknown_garbage", o.garbage);
    }
    say("injected", injected);
    // B takes the last of it; the RSTs A answers come back.
    for (int i = 0; i < 20; ++i) s.poll(std::chrono::microseconds(10));
    say("b_frames_received_of_garbage", g_pair->b().device.counters().frames_received - b_rx0);
    say("b_answers", g_pair->b().device.counters().frames_sent - b_sent0);
    drops_report("b", b_drops0, b_host->stack().drops());
    drops_report("a", a_drops0, s.drops());
    const tcp::TableCounters& bt = b_host->stack().table().counters();
    say("b_syn_cookies_sent", bt.syn_cookies_sent - b_table0.syn_cookies_sent);
    say("b_passive_opens", bt.passive_opens - b_table0.passive_opens);
    say("b_tx_no_neighbour", b_host->stack().counters().tx_no_neighbour - b_no_neighbour0);
    say("b_syn_backlog_after", b_host->stack().table().syn_backlog(kPort));
    say("b_table_size_after_garbage", b_host->stack().table().size());
    const tcp::Connection* bc_after = b_host->stack().connection(b_conn);
    say("b_challenge_acks_sent", bc_after ? bc_after->counters().challenge_acks : 0);
    say("b_variables_before", "'" + before + "'");
    say("b_variables_after", bc_after ? "'" + variables_text(*bc_after) + "'" : "gone");
    say("a_variables_before", "'" + a_before + "'");
    say("a_variables_after", "'" + variables_text(*s.connection(conn), false) + "'");

    // Half-open connections give up after their SYN-ACK retries (about
    // 2 ms with the testbed's 30 us first RTO).
    const tcp::Time give_up = sim_now() + std::chrono::milliseconds(5);
    while (b_host->stack().table().syn_backlog(kPort) != 0 && sim_now() < give_up)
      s.poll(std::chrono::microseconds(50));
    say("b_syn_backlog_in_the_end", b_host->stack().table().syn_backlog(kPort));
    say("b_table_size_in_the_end", b_host->stack().table().size());

    send_until(data.size());
    say("a_sent", uint64_t(sent));
    say("a_close", s.close(conn).message());
    const uint32_t closed = wait_for(*h, conn, drv::ready::kClosed, std::chrono::milliseconds(5), "a_close");
    say("a_closed", closed & drv::ready::kClosed ? "1" : "0");
    a_done = true;
    say("wire_lost", g_pair->frames_lost());
    s.poll(std::chrono::microseconds(20));
    leak_report("a", *h);
  });
}

const std::map<std::string, void (*)(const Options&)> kScenarios = {
    {"bringup", bringup}, {"connect", connect},   {"refused", refused},
    {"timeout", timeout}, {"many", many},         {"transfer", transfer},
    {"blocking", blocking}, {"garbage", garbage}};

// The command line; std::invalid_argument says what is wrong with it.
Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* what) -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(std::string(what) + " needs a value");
      return argv[++i];
    };
    auto number = [&](const char* what) -> double {
      const std::string v = value(what);
      std::size_t used = 0;
      double n = 0;
      try {
        n = std::stod(v, &used);
      } catch (const std::logic_error&) {
      }
      if (used == 0 || used != v.size()) throw std::invalid_argument(std::string(what) + " needs a number, not " + v);
      return n;
    };
    if (a == "--out") o.out = value("--out");
    else if (a == "--interrupts") o.interrupts = true;
    else if (a == "--data-width") o.data_width = int(number("--data-width"));
    else if (a == "--loss") o.loss = number("--loss");
    else if (a == "--dup") o.duplicate = number("--dup");
    else if (a == "--reorder") o.reorder = number("--reorder");
    else if (a == "--corrupt") o.corrupt = number("--corrupt");
    else if (a == "--connections") o.connections = unsigned(number("--connections"));
    else if (a == "--concurrent") o.concurrent = unsigned(number("--concurrent"));
    else if (a == "--limit-ms") o.limit_ms = number("--limit-ms");
    else if (a == "--time-wait-us") o.time_wait_us = number("--time-wait-us");
    else if (a == "--capture") o.capture = true;
    else if (a == "--skip-idle") o.skip_idle = true;
    else if (a == "--seed") o.seed = uint64_t(number("--seed"));
    else if (a == "--bytes") o.bytes = uint64_t(number("--bytes"));
    else if (a == "--payload-seed") o.payload_seed = uint64_t(number("--payload-seed"));
    else if (a == "--payload-file") o.payload_file = value("--payload-file");
    else if (a == "--garbage") o.garbage = value("--garbage");
    else if (a == "--pace-ns") o.pace_ns = number("--pace-ns");
    else if (a == "--no-sack") o.sack = false;
    else if (o.scenario.empty() && a[0] != '-') o.scenario = a;
    else throw std::invalid_argument("unknown argument " + a);
  }
  if (!kScenarios.count(o.scenario))
    throw std::invalid_argument("usage: stack_scenarios bringup|connect|refused|timeout|many|transfer|blocking|garbage [--out DIR] "
                                "[--interrupts] [--data-width 64|512] [--loss P] [--dup P] [--reorder P] "
                                "[--corrupt P] [--seed N] [--connections N] [--concurrent N] [--limit-ms MS] "
                                "[--time-wait-us US] [--capture] [--bytes N] [--payload-seed N] "
                                "[--payload-file PATH] [--skip-idle] [--garbage checksum|options|window|rst|syn] [--pace-ns NS] "
                                "[--no-sack]");
  if (o.scenario == "garbage" && !std::set<std::string>{"checksum", "options", "window", "rst", "syn"}.count(o.garbage))
    throw std::invalid_argument("--garbage must be checksum, options, window, rst or syn, not " + o.garbage);
  if (o.connections == 0 || o.concurrent == 0 || !(o.limit_ms > 0) || !(o.time_wait_us.value_or(1) > 0))
    throw std::invalid_argument("--connections, --concurrent, --limit-ms and --time-wait-us must be above 0");
  return o;
}

}  // namespace

int sc_main(int argc, char** argv) {
  Options o;
  try {
    o = parse(argc, argv);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "stack_scenarios: %s\n", e.what());
    return 2;
  }
  try {
    kScenarios.at(o.scenario)(o);
  } catch (const std::exception& e) {  // the wire's settings, a file that cannot be written
    std::fprintf(stderr, "stack_scenarios: %s\n", e.what());
    return 2;
  }
  sc_core::sc_start();
  g_run.reset();
  g_pair.reset();
  g_node.reset();
  return 0;
}

// Two simulated hosts, each a PcieModel with the verilated device behind it
// and the driver (tcpoe::driver: Device + Stack) on top, joined by the wire
// model: `stack_scenarios NAME [--out DIR] [--interrupts] [--data-width
// 64|512] [--loss P] [--seed N]` runs one scenario (SystemC elaborates once per process) and
// prints what it observed as `key value` lines; tests/driver/test_stack_*.cpp
// judge them (the wire's capture, DIR/NAME.pcap, by tshark).
//   bringup  host A alone: bring-up, identity, teardown; what stayed mapped
//   connect  B listens, A connects, then A closes, then B closes
//   refused  A connects to a port of B where nothing listens
//   timeout  A connects to B, whose device is never brought up (it drops
//            every frame): SYN retransmissions, then connection timed out
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "../support/sc_scenario.h"
#include "device_node.h"
#include "tcpoe/driver/dev/device.h"
#include "tcpoe/driver/stack.h"

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
  double loss = 0;
  uint64_t seed = 1;
};

using tcpoe::test::hex;
using tcpoe::test::say;
tcp::Time sim_now() {
  return tcp::Time(int64_t(sc_core::sc_time_stamp().to_seconds() * 1e9 + 0.5));
}

// A host's thread: an exception it throws is reported as `NAME_exception
// what` (the tests look for it) and ends only that thread.
struct Thread : tcpoe::test::ScenarioThread {
  Thread(const char* name, std::function<void()> f)
      : ScenarioThread(name, [name, f] {
          try {
            f();
          } catch (const std::exception& e) {
            say(std::string(name) + "_exception", e.what());
          }
        }) {}
};

// The host interface as the driver sees it, counting what it holds: so a
// test can see that teardown left nothing allocated or mapped.
class CountingHost : public tcpoe::pcie::HostInterface {
 public:
  explicit CountingHost(tcpoe::pcie::HostInterface& inner) : inner_(inner) {}
  int64_t allocated = 0, mapped = 0;

  uint32_t mmio_read32(uint64_t o) override { return inner_.mmio_read32(o); }
  void mmio_write32(uint64_t o, uint32_t v) override { inner_.mmio_write32(o, v); }
  tcpoe::pcie::DmaBuffer dma_alloc(std::size_t n) override {
    ++allocated;
    return inner_.dma_alloc(n);
  }
  void dma_free(const tcpoe::pcie::DmaBuffer& b) override {
    --allocated;
    inner_.dma_free(b);
  }
  uint64_t dma_map(const tcpoe::pcie::DmaBuffer& b) override {
    ++mapped;
    return inner_.dma_map(b);
  }
  void dma_unmap(uint64_t a) override {
    --mapped;
    inner_.dma_unmap(a);
  }
  void memory_write(const tcpoe::pcie::DmaBuffer& b, std::size_t o, const void* d, std::size_t n) override {
    inner_.memory_write(b, o, d, n);
  }
  void memory_read(const tcpoe::pcie::DmaBuffer& b, std::size_t o, void* d, std::size_t n) override {
    inner_.memory_read(b, o, d, n);
  }
  tcpoe::pcie::MsixMessage msix_message(unsigned v) const override { return inner_.msix_message(v); }
  bool poll_interrupt(unsigned v) override { return inner_.poll_interrupt(v); }
  bool wait_interrupt(unsigned v, uint64_t ns) override { return inner_.wait_interrupt(v, ns); }

 private:
  tcpoe::pcie::HostInterface& inner_;
};

// One simulated host's addresses.
struct Host {
  const char* name;
  uint32_t ip;
  drv::Mac mac;
};
constexpr Host kHostA{"a", 0x0a580001, {0x02, 0, 0, 0, 0, 0x0a}};
constexpr Host kHostB{"b", 0x0a580002, {0x02, 0, 0, 0, 0, 0x0b}};
constexpr uint16_t kPort = 5201;

dev::DeviceConfig device_config(const Options& o) {
  dev::DeviceConfig c;
  c.interrupts = o.interrupts;
  return c;
}

drv::StackConfig stack_config(const Host& self, uint64_t seed) {
  drv::StackConfig c;
  c.local_ip = self.ip;
  c.local_mac = self.mac;
  c.tcp.connection.initial_rto = std::chrono::microseconds(30);  // simulated time is dear
  c.tcp.connection.time_wait = std::chrono::microseconds(100);
  std::array<uint8_t, 16> secret{};
  for (std::size_t i = 0; i < secret.size(); ++i) secret[i] = uint8_t(seed * 13 + i + self.ip);
  c.tcp.secret = secret;
  return c;
}

std::string describe(const drv::PollEvent& e) {
  std::string s;
  if (e.events & drv::ready::kConnected) s += "connected,";
  if (e.events & drv::ready::kAcceptable) s += "acceptable,";
  if (e.events & drv::ready::kPeerClosed) s += "peer_closed,";
  if (e.events & drv::ready::kClosed) s += "closed,";
  if (e.events & drv::ready::kError) s += "error(" + e.error.message() + "),";
  return s.empty() ? "none" : s.substr(0, s.size() - 1);
}

// Polls until `socket` reports one of `bits` or `timeout` passed; the bits seen.
uint32_t wait_for(drv::Stack& stack, drv::SocketId socket, uint32_t bits, std::chrono::nanoseconds timeout,
                  const std::string& who, drv::PollEvent* seen = nullptr) {
  const tcp::Time end = sim_now() + timeout;
  while (sim_now() < end) {
    for (const drv::PollEvent& e : stack.poll(end - sim_now())) {
      say(who + "_event_" + std::to_string(e.socket) + "_at_ns_" + std::to_string(sim_now().count()), describe(e));
      if (e.socket == socket && (e.events & bits)) {
        if (seen) *seen = e;
        return e.events;
      }
    }
  }
  return 0;
}

std::string state_name(const drv::Stack& s, drv::SocketId id) {
  const auto st = s.state(id);
  return st ? tcp::to_string(*st) : "gone";
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

DeviceNode* make_node(const std::string& name, const Options& o) {
  DeviceNodeConfig c;
  c.device.data_width = o.data_width;
  return new DeviceNode(name.c_str(), c);
}

// ---------------------------------------------------------------------------

void bringup(const Options& o) {
  DeviceNode* node = make_node("a", o);
  new Thread("host_a", [node, o] {
    CountingHost host(node->pcie);
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

// Two hosts on one wire, each with its Device and Stack, in its own thread.
struct Pair {
  DeviceNode* a;
  DeviceNode* b;
  tcpoe::sim::WireChannel* wire;
};
Pair make_pair_on_wire(const Options& o) {
  tcpoe::sim::EthernetWireConfig w;
  w.pcap_path = o.out + "/" + o.scenario + ".pcap";
  w.loss = o.loss;
  w.seed = o.seed;
  Pair p{make_node("a", o), make_node("b", o), new tcpoe::sim::WireChannel("wire", w)};
  p.a->device.connect(*p.wire, 0);
  p.b->device.connect(*p.wire, 1);
  return p;
}

// Brings a host's driver up; the MMIO reads its node had made by then.
struct Driver {
  dev::Device device;
  drv::Stack* stack = nullptr;
  uint64_t reads_after_bring_up = 0;
  Driver(DeviceNode& node, const Options& o, const Host& self, const Host& peer)
      : device(node.pcie, device_config(o)) {
    device.bring_up();
    stack = new drv::Stack(device, stack_config(self, o.seed), sim_now);
    stack->add_neighbour(peer.ip, peer.mac);
    reads_after_bring_up = node.pcie.counters().mmio_reads;
  }
  ~Driver() { delete stack; }
};

void connect(const Options& o) {
  Pair p = make_pair_on_wire(o);
  static bool b_listening = false;
  static bool b_accepted = false;
  static bool b_done = false;
  new Thread("host_b", [p, o] {
    Driver d(*p.b, o, kHostB, kHostA);
    drv::Stack& s = *d.stack;
    drv::SocketId listener = 0;
    say("b_listen", s.listen(kPort, 8, listener).message());
    b_listening = true;
    const uint32_t got = wait_for(s, listener, drv::ready::kAcceptable, std::chrono::milliseconds(2), "b");
    say("b_acceptable", got & drv::ready::kAcceptable ? "1" : "0");
    drv::SocketId conn = 0;
    say("b_accept", s.accept(listener, conn).message());
    say("b_state_accepted", state_name(s, conn));
    b_accepted = true;
    drv::SocketId none = 0;
    say("b_accept_again", s.accept(listener, none).message());
    say("b_listen_again", s.listen(kPort, 8, none).message());
    const uint32_t fin = wait_for(s, conn, drv::ready::kPeerClosed, std::chrono::milliseconds(2), "b");
    say("b_peer_closed", fin & drv::ready::kPeerClosed ? "1" : "0");
    say("b_state_after_peer_fin", state_name(s, conn));
    say("b_close", s.close(conn).message());
    const uint32_t closed = wait_for(s, conn, drv::ready::kClosed, std::chrono::milliseconds(2), "b");
    say("b_closed", closed & drv::ready::kClosed ? "1" : "0");
    say("b_state_closed", state_name(s, conn));
    b_done = true;
    say("b_table_size", s.table().size());
    say("b_mmio_reads_fast_path", p.b->pcie.counters().mmio_reads - d.reads_after_bring_up);
    say("b_doorbells", d.device.tx().doorbells());
    say("b_counter_frames_rx", d.device.counter(regs::Counter::kFramesRx));
    say("b_counter_rx_completions", d.device.counter(regs::Counter::kRxCompletions));
    say("b_counter_rx_drop_no_buffer", d.device.counter(regs::Counter::kRxDropNoBuffer));
    say("b_counter_rx_drop_too_long", d.device.counter(regs::Counter::kRxDropTooLong));
    say("b_rxc_prod_writeback", d.device.host().mmio_read32(regs::ring_offset(regs::Ring::kRxCompl, regs::ring_reg::kProdDevice)));
    say("b_rx_completions", s.counters().rx_completions);
    say("b_tx_completions", s.counters().tx_completions);
    say("b_tx_failed", s.counters().tx_failed);
    device_report("b", *p.b);
  });
  new Thread("host_a", [p, o] {
    Driver d(*p.a, o, kHostA, kHostB);
    drv::Stack& s = *d.stack;
    while (!b_listening) sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
    const tcp::Time t0 = sim_now();
    drv::SocketId conn = 0;
    say("a_connect", s.connect(kHostB.ip, kPort, conn).message());
    say("a_state_after_connect", state_name(s, conn));
    const uint32_t got = wait_for(s, conn, drv::ready::kConnected | drv::ready::kError,
                                  std::chrono::milliseconds(2), "a");
    say("a_connected", got & drv::ready::kConnected ? "1" : "0");
    say("a_connect_ns", uint64_t((sim_now() - t0).count()));
    say("a_state_connected", state_name(s, conn));
    if (const tcp::Connection* c = s.connection(conn)) say("a_retransmissions", c->counters().retransmissions);
    say("a_mmio_reads_fast_path", p.a->pcie.counters().mmio_reads - d.reads_after_bring_up);
    while (!b_accepted) s.poll(std::chrono::microseconds(1));
    say("a_close", s.close(conn).message());
    say("a_state_after_close", state_name(s, conn));
    const uint32_t closed = wait_for(s, conn, drv::ready::kClosed, std::chrono::milliseconds(2), "a");
    say("a_closed", closed & drv::ready::kClosed ? "1" : "0");
    say("a_state_closed", state_name(s, conn));
    while (!b_done) s.poll(std::chrono::microseconds(10));  // answers B's last segments
    say("a_table_size", s.table().size());
    say("a_mmio_reads_after_close", p.a->pcie.counters().mmio_reads - d.reads_after_bring_up);
    say("a_counter_frames_tx", d.device.counter(regs::Counter::kFramesTx));
    say("a_counter_frames_rx", d.device.counter(regs::Counter::kFramesRx));
    say("a_tx_failed", s.counters().tx_failed);
    say("wire_lost", p.wire->wire().counters(0).lost + p.wire->wire().counters(1).lost);
    device_report("a", *p.a);
  });
}

void refused(const Options& o) {
  Pair p = make_pair_on_wire(o);
  static bool b_up = false;
  static bool a_done = false;
  new Thread("host_b", [p, o] {
    Driver d(*p.b, o, kHostB, kHostA);
    b_up = true;
    while (!a_done) d.stack->poll(std::chrono::microseconds(10));
    say("b_resets_sent", d.stack->table().counters().resets_sent);
  });
  new Thread("host_a", [p, o] {
    Driver d(*p.a, o, kHostA, kHostB);
    drv::Stack& s = *d.stack;
    while (!b_up) sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
    drv::SocketId conn = 0;
    say("a_connect", s.connect(kHostB.ip, kPort + 1, conn).message());
    drv::PollEvent seen;
    const uint32_t got = wait_for(s, conn, drv::ready::kError, std::chrono::milliseconds(2), "a", &seen);
    say("a_error", got & drv::ready::kError ? seen.error.message() : "none");
    say("a_error_is_refused", seen.error == drv::StackError::kConnectionRefused ? "1" : "0");
    say("a_state", state_name(s, conn));
    say("a_table_size", s.table().size());
    say("a_close", s.close(conn).message());
    say("a_state_after_close", state_name(s, conn));
    drv::SocketId other = 0;
    say("a_connect_unknown_host", s.connect(0x0a58ffff, kPort, other).message());
    a_done = true;
  });
}

constexpr int kTimeoutSynRetries = 3;

void timeout(const Options& o) {
  Pair p = make_pair_on_wire(o);
  new Thread("host_a", [p, o] {
    dev::Device device(p.a->pcie, device_config(o));
    device.bring_up();
    drv::StackConfig c = stack_config(kHostA, o.seed);
    c.tcp.connection.syn_retries = kTimeoutSynRetries;
    drv::Stack s(device, c, sim_now);
    s.add_neighbour(kHostB.ip, kHostB.mac);
    const tcp::Time t0 = sim_now();
    drv::SocketId conn = 0;
    say("a_connect", s.connect(kHostB.ip, kPort, conn).message());
    drv::PollEvent seen;
    const uint32_t got = wait_for(s, conn, drv::ready::kError, std::chrono::milliseconds(5), "a", &seen);
    say("a_error", got & drv::ready::kError ? seen.error.message() : "none");
    say("a_error_is_timed_out", seen.error == drv::StackError::kTimedOut ? "1" : "0");
    say("a_gave_up_after_ns", uint64_t((sim_now() - t0).count()));
    say("a_state", state_name(s, conn));
    say("a_table_size", s.table().size());
    say("a_syn_retries", uint64_t(kTimeoutSynRetries));
    say("a_frames_posted", s.counters().frames_posted);
    say("a_tx_completions", s.counters().tx_completions);
    say("a_tx_in_flight", device.tx().in_flight());
  });
}

const std::map<std::string, void (*)(const Options&)> kScenarios = {
    {"bringup", bringup}, {"connect", connect}, {"refused", refused}, {"timeout", timeout}};

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
    else if (a == "--seed") o.seed = uint64_t(number("--seed"));
    else if (o.scenario.empty() && a[0] != '-') o.scenario = a;
    else throw std::invalid_argument("unknown argument " + a);
  }
  if (!kScenarios.count(o.scenario))
    throw std::invalid_argument("usage: stack_scenarios bringup|connect|refused|timeout [--out DIR] "
                                "[--interrupts] [--data-width 64|512] [--loss P] [--seed N]");
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
  kScenarios.at(o.scenario)(o);
  sc_core::sc_start();
  return 0;
}

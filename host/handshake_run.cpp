#include "handshake_run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "cli_args.h"
#include "connect_timing.h"
#include "peer_end.h"
#include "scripted_peer.h"
#include "tap_peer.h"
#include "tcpoe/wire/frame.h"
#include "testbed.h"

namespace tcpoe::host {

namespace {

namespace drv = tcpoe::driver;
namespace tcp = tcpoe::driver::tcp;
using testbed::ScThread;
using testbed::SimHost;
using testbed::sim_now;
using namespace std::chrono_literals;

// The MACs of TapPeerConfig's defaults: ours, the peer's.
constexpr drv::Mac kOurMac{0x02, 0, 0, 0, 0, 1}, kPeerMac{0x02, 0, 0, 0, 0, 2};
constexpr auto kWaitLimit = 20ms;           // simulated: the longest wait for one step
constexpr auto kWaitSlice = 20us;           // simulated: a look at `interrupted` between
constexpr auto kStateSlice = 500ns;         // simulated: a look at a socket's state between
constexpr auto kKernelAnswerWait = 10ms;    // wall clock: the kernel's first answer to a frame
// ... while data moves: many frames (a pure ACK with nothing left to send,
// say) have no answer, and one not waited for is put on the wire by the
// pump, within 2 us of simulated time (about a millisecond of wall clock).
constexpr auto kKernelDataAnswerWait = 1ms;
constexpr auto kKernelSideWait = 2000ms;    // wall clock: its sockets to show what happened
constexpr auto kPumpInterval = 2us;         // simulated: frames the kernel sends by itself
constexpr auto kDataPumpInterval = 200ns;   // ... while data moves (a look costs a read() that finds nothing)
constexpr auto kKernelAppStart = 5000ms;    // wall clock: its transfer application to listen

double now_us() { return sc_core::sc_time_stamp().to_seconds() * 1e6; }
uint64_t now_ps() { return sim::to_wire_ps(sc_core::sc_time_stamp()); }

// What the run found, for the summary and --stats-json.
struct Results {
  unsigned requested = 0, established = 0, failed = 0, closed = 0;
  std::vector<uint64_t> setup_ns;
  std::vector<TimingPart> breakdown;  // of the first connect
  uint64_t mmio_reads = 0, mmio_writes = 0, mmio_reads_fast_path = 0, interrupts = 0;
  uint64_t table_size_at_end = 0;
  uint64_t bad_checksum_dropped = 0, malformed_dropped = 0;
  bool kernel = false;  // the peer_* figures are the kernel's
  unsigned peer_accepted = 0, peer_streams_ended = 0, peer_connected = 0;
  unsigned peer_sockets_left = 0, peer_time_wait = 0;
  // With data: ours, and the kernel application's `key value` lines.
  std::optional<testbed::DataResult> data;
  std::map<std::string, std::string> kernel_app;
  std::optional<int> kernel_app_exit;
};

// Everything the run is made of; built at elaboration, ended after sc_start.
struct Run {
  HandshakeOptions o;
  std::unique_ptr<testbed::HostPair> pair;
  std::unique_ptr<sim::TapPeer> tap;
  std::unique_ptr<sim::PeerEnd<sim::TapPeer>> tap_end;
  std::unique_ptr<sim::ScriptedPeer> scripted;
  std::unique_ptr<sim::PeerEnd<sim::ScriptedPeer>> scripted_end;
  std::vector<std::unique_ptr<sim::WireEnd>> recorders;
  ConnectTiming timing;
  Results results;
  bool our_part_done = false;
  bool peer_listening = false;        // --peer sim: B's listener is up
  bool print_frames = true;           // off while data moves (the capture has those)
  uint64_t frames_not_printed = 0;
  unsigned peer_connects_wanted = 0;  // --listen --peer sim: connects asked of the peer
  int exit_status = 1;
};
Run* g_run = nullptr;

// Passes frames on to the end it wraps, noting their arrival for the timing.
class RecordingEnd : public sim::WireEnd {
 public:
  RecordingEnd(int side, sim::WireEnd* inner, ConnectTiming& timing) : side_(side), inner_(inner), timing_(timing) {}
  void frame_arrived(const sim::Frame& frame, uint64_t time_ps) override {
    timing_.arrived(side_, frame, time_ps);
    if (inner_) inner_->frame_arrived(frame, time_ps);
  }

 private:
  int side_;
  sim::WireEnd* inner_;
  ConnectTiming& timing_;
};

// The kernel's own frames (its SYN, its FIN, retransmissions) onto the wire.
struct KernelPump : sc_core::sc_module {
  sim::PeerEnd<sim::TapPeer>& end;
  sim::WireChannel& wire;
  KernelPump(sc_core::sc_module_name name, sim::PeerEnd<sim::TapPeer>& e, sim::WireChannel& w)
      : sc_core::sc_module(name), end(e), wire(w) {
    SC_HAS_PROCESS(KernelPump);
    SC_THREAD(run);
  }
  void run() {
    for (;;) {
      if (end.pump(now_ps())) wire.notify_sent();
      const auto interval = g_run->o.data ? kDataPumpInterval : kPumpInterval;
      wait(sc_core::sc_time(double(std::chrono::nanoseconds(interval).count()), sc_core::SC_NS));
    }
  }
};

// A frame as tcpdump prints it, at its start on the line.
void print_frame(const sim::Frame& f, uint64_t start_ps) {
  const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(f));
  if (p.malformed != wire::Malformed::kNone) {
    std::printf("%12.3f us  (a frame of %zu octets the wire layer does not parse)\n", start_ps / 1e6, f.size());
    return;
  }
  const wire::FrameRepr& r = p.repr;
  std::printf("%12.3f us  %s.%u > %s.%u: Flags [%s], seq %u, ack %u, win %u%s, length %u\n", start_ps / 1e6,
              cli::ipv4_text(r.ip.src).c_str(), r.tcp.src_port, cli::ipv4_text(r.ip.dst).c_str(), r.tcp.dst_port,
              cli::flags_text(r.tcp.flags).c_str(), r.tcp.seq, r.tcp.ack, r.tcp.window,
              cli::options_text(r.tcp.options).c_str(), r.tcp.payload_len);
}

// A simulated host of the run, printing as it goes.
struct Host : SimHost {
  const char* name;
  std::map<drv::SocketId, std::optional<tcp::State>> shown_;  // the states printed
  Host(sim::DeviceNode& node, const char* n, uint32_t ip, const drv::Mac& mac, uint32_t peer_ip,
       const drv::Mac& peer_mac, uint64_t seed)
      : SimHost(node, stack_config(ip, mac, seed), device_config()), name(n) {
    stack().add_neighbour(peer_ip, peer_mac);
    const drv::dev::DeviceIdentity& id = device().identity();
    std::printf("%12.3f us  %s: device up (ID 0x%08x, version %u.%u, %u-bit data path, %s mode), %s\n", now_us(),
                name, id.id, id.version >> 16 & 0xff, id.version >> 8 & 0xff, id.data_width,
                g_run->o.interrupts ? "interrupt" : "poll", cli::ipv4_text(ip).c_str());
  }
  static drv::StackConfig stack_config(uint32_t ip, const drv::Mac& mac, uint64_t seed) {
    std::optional<std::chrono::nanoseconds> time_wait;
    if (g_run->o.time_wait_ns) time_wait = std::chrono::nanoseconds(g_run->o.time_wait_ns);
    drv::StackConfig c =
        testbed::stack_config({"", ip, mac}, seed, std::chrono::nanoseconds(g_run->o.initial_rto_ns), time_wait);
    c.tcp.connection.syn_retries = g_run->o.syn_retries;
    // Data with the kernel, which runs on the wall clock: the testbed's profile for it.
    if (g_run->o.data && g_run->o.peer == PeerKind::kLinux) testbed::kWallClockPeerData.apply_to(c);
    return c;
  }
  static drv::dev::DeviceConfig device_config() {
    drv::dev::DeviceConfig c;
    c.interrupts = g_run->o.interrupts;
    return c;
  }
  // Prints the socket's state when it differs from the last printed.
  void say_state(drv::SocketId s) {
    const std::optional<tcp::State> st = stack().state(s);
    const auto it = shown_.find(s);
    if (it != shown_.end() && it->second == st) return;
    shown_[s] = st;
    std::printf("%12.3f us  %s: %s\n", now_us(), name, st ? tcp::to_string(*st) : "CLOSED (gone)");
  }
  // Waits for one of `bits` on `s` (kWaitLimit at most), looking at its
  // state between slices (so every transition is printed, within a slice
  // of when it happened) and at `interrupted`; the bits seen.
  uint32_t await(drv::SocketId s, uint32_t bits, drv::PollEvent* seen = nullptr) {
    const tcp::Time end = sim_now() + kWaitLimit;
    while (!interrupted && sim_now() < end) {
      const uint32_t got = wait_for(s, bits, std::min<std::chrono::nanoseconds>(kStateSlice, end - sim_now()), seen);
      say_state(s);
      if (got) return got;
    }
    return 0;
  }
  // Polls for `d` of simulated time.
  void idle(std::chrono::nanoseconds d) {
    const tcp::Time end = sim_now() + d;
    while (sim_now() < end) stack().poll(end - sim_now());
  }
};

// Waits until the kernel's sockets show `done()`, kKernelSideWait of wall
// clock at most, the simulation going on meanwhile (our last segment may
// still be on its way to the kernel).
template <typename Done>
bool kernel_shows(Host& h, Done done) {
  const auto end = std::chrono::steady_clock::now() + kKernelSideWait;
  while (!done() && !interrupted && std::chrono::steady_clock::now() < end) {
    h.stack().poll(kPumpInterval);
    if (!done()) std::this_thread::sleep_for(1ms);
  }
  return done();
}

// The kernel application's last words: its `key value` lines, the rest
// printed as they are.
void read_kernel_app() {
  Run& r = *g_run;
  while (std::optional<std::string> line = r.tap->app_line(0ms)) {
    const std::size_t space = line->find(' ');
    static const std::set<std::string> keys = {"received_octets", "received_sha256", "sent_octets",
                                               "sent_sha256",     "paused_at",       "error"};
    if (space != std::string::npos && keys.count(line->substr(0, space)))
      r.results.kernel_app[line->substr(0, space)] = line->substr(space + 1);
    else
      std::printf("             kernel application: %s\n", line->c_str());
  }
}

// Data both ways on the connection, then our close; the kernel's
// application reports what it received and sent.
void transfer(Host& h, drv::SocketId s) {
  Run& r = *g_run;
  const HandshakeOptions& o = r.o;
  std::printf("%12.3f us  a: sending %llu octets; the kernel sends %llu (frames not printed from here on)\n",
              now_us(), (unsigned long long)o.data_plan.send_bytes, (unsigned long long)o.kernel_app.send_bytes);
  r.print_frames = false;
  const testbed::DataResult d = testbed::move_data(h, s, o.data_plan, [] { return interrupted != 0; });
  r.results.data = d;
  std::printf("%12.3f us  a: sent %llu octets (SHA-256 %s), received %llu (SHA-256 %s)%s%s in %.3f us simulated, "
              "%llu ms wall clock\n",
              now_us(), (unsigned long long)d.sent, d.sent_sha256.c_str(), (unsigned long long)d.received,
              d.received_sha256.c_str(), d.end_of_stream ? ", then the kernel's end of stream" : "",
              d.error.empty() ? "" : (", stopped: " + d.error).c_str(), d.sim_ns / 1e3, (unsigned long long)d.wall_ms);
  const tcp::ConnectionCounters& k = d.counters;
  std::printf("             %llu retransmissions (%llu timeouts, %llu fast), %llu out-of-order kept, %llu zero-window "
              "probes; the kernel's window seen at 0 %llu times, ours advertised at 0 %llu times\n",
              (unsigned long long)k.retransmissions, (unsigned long long)k.timeouts,
              (unsigned long long)k.fast_retransmits, (unsigned long long)k.out_of_order_kept,
              (unsigned long long)k.window_probes, (unsigned long long)d.peer_zero_windows,
              (unsigned long long)d.our_zero_windows);
  // The kernel's FIN may come first: then ours ends the connection in
  // LAST-ACK while the data moves, and close() only releases the socket.
  h.stack().close(s);
  drv::PollEvent seen;
  const uint32_t closed = d.closed ? drv::ready::kClosed | (d.close_error ? drv::ready::kError : 0u)
                                   : h.await(s, drv::ready::kClosed, &seen);
  r.print_frames = true;
  std::printf("%12.3f us  a: %s (%llu frames of the transfer not printed: see --pcap)\n", now_us(),
              !(closed & drv::ready::kClosed) ? "not closed in time"
              : d.closed                      ? (d.close_error ? "closed during the transfer: " + d.close_error.message()
                                                               : std::string("closed during the transfer (the kernel's FIN first)")).c_str()
                                              : "closed",
              (unsigned long long)r.frames_not_printed);
  if ((closed & drv::ready::kClosed) && !(closed & drv::ready::kError)) ++r.results.closed;
  kernel_shows(h, [&] { return r.tap->app_exit().has_value(); });
  read_kernel_app();
  r.results.kernel_app_exit = r.tap->app_exit();
  const auto& app = r.results.kernel_app;
  auto field = [&app](const char* key) { return app.count(key) ? app.at(key) : std::string("?"); };
  std::printf("             kernel: received %s octets (SHA-256 %s), sent %s (SHA-256 %s); %s\n",
              field("received_octets").c_str(), field("received_sha256").c_str(), field("sent_octets").c_str(),
              field("sent_sha256").c_str(),
              r.results.kernel_app_exit ? ("exit " + std::to_string(*r.results.kernel_app_exit) + ", error " +
                                           field("error")).c_str()
                                        : "still running");
}

// Every octet arrived and the hashes of both ends agree.
bool data_intact(const Results& s, const HandshakeOptions& o) {
  if (!s.data) return false;
  const testbed::DataResult& d = *s.data;
  const auto& app = s.kernel_app;
  auto is = [&app](const char* key, const std::string& v) { return app.count(key) && app.at(key) == v; };
  return d.error.empty() && d.end_of_stream && d.sent == o.data_plan.send_bytes &&
         d.received == o.kernel_app.send_bytes && s.kernel_app_exit == 0 &&
         is("received_octets", std::to_string(d.sent)) && is("received_sha256", d.sent_sha256) &&
         is("sent_octets", std::to_string(d.received)) && is("sent_sha256", d.received_sha256);
}

// Our connect()s, one after another.
void connect_all(Host& h) {
  Run& r = *g_run;
  const HandshakeOptions& o = r.o;
  for (unsigned i = 0; i < o.connections && !interrupted; ++i) {
    const uint64_t t0 = now_ps();
    r.timing.forget_before(t0);
    drv::SocketId s = 0;
    const uint16_t port = o.src_port ? uint16_t(o.src_port + i) : 0;
    if (const std::error_code e = h.stack().connect(o.peer_ip, o.port, s, port)) {
      std::printf("%12.3f us  a: connect %u: %s\n", now_us(), i + 1, e.message().c_str());
      ++r.results.failed;
      continue;
    }
    h.say_state(s);
    drv::PollEvent seen;
    const uint32_t got = h.await(s, drv::ready::kConnected | drv::ready::kError, &seen);
    h.say_state(s);
    if (!(got & drv::ready::kConnected)) {
      std::printf("%12.3f us  a: connect %u failed: %s\n", now_us(), i + 1,
                  got ? seen.error.message().c_str() : "no answer in time");
      ++r.results.failed;
      h.stack().close(s);
      continue;
    }
    ++r.results.established;
    const uint64_t setup_ns = uint64_t((now_ps() - t0) / 1000);
    r.results.setup_ns.push_back(setup_ns);
    std::printf("%12.3f us  a: connect %u established in %.3f us\n", now_us(), i + 1, setup_ns / 1e3);
    if (r.results.breakdown.empty()) {
      r.results.breakdown = r.timing.breakdown(t0, now_ps());
      if (!r.results.breakdown.empty()) {
        std::printf("             where the connect's time went (measured on the models):\n");
        for (const TimingPart& p : r.results.breakdown)
          std::printf("             %-13s %8llu ns  %s\n", p.name, (unsigned long long)p.ns, p.what);
      }
    }
    if (o.data) {
      transfer(h, s);
      continue;
    }
    if (r.tap) {
      const unsigned want = r.results.established;
      const bool seen_by_kernel = kernel_shows(h, [&] { return r.tap->connections_accepted() >= want; });
      r.results.peer_accepted = r.tap->connections_accepted();
      std::printf("             kernel: %s (connections_accepted = %u)\n",
                  seen_by_kernel ? "its listening socket accepted the connection" : "nothing accepted",
                  r.results.peer_accepted);
    }
    if (!o.close) continue;
    h.stack().close(s);
    h.say_state(s);
    const uint32_t closed = h.await(s, drv::ready::kClosed, &seen);
    h.say_state(s);
    if ((closed & drv::ready::kClosed) && !(closed & drv::ready::kError)) ++r.results.closed;
    else std::printf("%12.3f us  a: close %u: %s\n", now_us(), i + 1, closed ? seen.error.message().c_str() : "not closed in time");
    if (r.tap) {
      const unsigned want = r.results.closed;
      kernel_shows(h, [&] { return r.tap->streams_ended() >= want; });
      r.results.peer_streams_ended = r.tap->streams_ended();
      std::printf("             kernel: read() returned 0, end of stream (streams_ended = %u)\n",
                  r.results.peer_streams_ended);
    }
  }
}

// The peer's connects to our listener, one after another.
void accept_all(Host& h) {
  Run& r = *g_run;
  const HandshakeOptions& o = r.o;
  drv::SocketId listener = 0;
  if (const std::error_code e = h.stack().listen(o.port, 16, listener)) {
    std::printf("a: listen: %s\n", e.message().c_str());
    r.results.failed = o.connections;
    return;
  }
  std::printf("%12.3f us  a: listening on port %u\n", now_us(), o.port);
  for (unsigned i = 0; i < o.connections && !interrupted; ++i) {
    r.timing.forget_before(now_ps());
    std::string why;
    if (r.tap && !r.tap->connect_to_us(o.port, &why)) {
      std::printf("kernel: %s\n", why.c_str());
      ++r.results.failed;
      continue;
    }
    ++r.peer_connects_wanted;
    drv::PollEvent seen;
    drv::SocketId conn = 0;
    if (!(h.await(listener, drv::ready::kAcceptable, &seen) & drv::ready::kAcceptable) ||
        h.stack().accept(listener, conn)) {
      std::printf("%12.3f us  a: connection %u: none to accept in time\n", now_us(), i + 1);
      ++r.results.failed;
      continue;
    }
    ++r.results.established;
    const uint64_t setup_ns = uint64_t((now_ps() - r.timing.last_syn_arrival(now_ps())) / 1000);
    r.results.setup_ns.push_back(setup_ns);
    h.say_state(conn);
    std::printf("%12.3f us  a: connection %u accepted, %.3f us after its SYN arrived\n", now_us(), i + 1,
                setup_ns / 1e3);
    if (r.tap) {
      const bool connected = kernel_shows(h, [&] { return r.tap->client_state() == "connected"; });
      if (connected) ++r.results.peer_connected;
      std::printf("             kernel: its socket is %s\n", r.tap->client_state().c_str());
      if (o.close) r.tap->close_client();
    }
    if (!o.close) continue;
    // The peer closes first (the sim peer on its own, the kernel above).
    const uint32_t fin = h.await(conn, drv::ready::kPeerClosed | drv::ready::kClosed, &seen);
    h.say_state(conn);
    if (!(fin & drv::ready::kPeerClosed)) {
      std::printf("%12.3f us  a: connection %u: the peer did not close it\n", now_us(), i + 1);
      h.stack().close(conn);
      continue;
    }
    h.stack().close(conn);
    h.say_state(conn);
    const uint32_t closed = h.await(conn, drv::ready::kClosed, &seen);
    h.say_state(conn);
    if ((closed & drv::ready::kClosed) && !(closed & drv::ready::kError)) ++r.results.closed;
  }
  h.stack().close(listener);
}

// What is left of the kernel's sockets (the listener aside).
void kernel_sockets() {
  Run& r = *g_run;
  const std::string table = r.tap->socket_table();
  std::printf("kernel's TCP sockets in %s (ss -tan):\n%s", r.tap->netns().c_str(), table.c_str());
  std::istringstream lines(table);
  std::string state;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream(line) >> state;
    if (state == "TIME-WAIT") ++r.results.peer_time_wait;
    else if (state != "LISTEN" && !state.empty()) ++r.results.peer_sockets_left;
  }
}

void our_host() {
  Run& r = *g_run;
  struct Done {  // however our part ends, the peer's thread ends with it
    ~Done() { g_run->our_part_done = true; }
  } done;
  Host h(r.pair->a(), "a", r.o.local_ip, kOurMac, r.o.peer_ip, kPeerMac, r.o.wire.seed);
  // The simulated peer's device comes up alongside ours: connect once it listens.
  while (r.o.peer == PeerKind::kSim && !r.o.listen && !r.peer_listening && !interrupted)
    h.stack().poll(std::chrono::nanoseconds(100));
  if (r.o.listen) accept_all(h);
  else connect_all(h);
  // Our last segments answered, TIME-WAITs over.
  if (r.o.close) {
    const tcp::Time end = sim_now() + kWaitLimit;
    while (h.stack().table().size() > 0 && sim_now() < end && !interrupted)
      h.stack().poll(std::min<std::chrono::nanoseconds>(kWaitSlice, end - sim_now()));
  } else {
    h.idle(std::chrono::microseconds(5));
  }
  Results& res = r.results;
  const pcie::Counters& c = h.pcie_counters();
  res.mmio_reads = c.mmio_reads;
  res.mmio_writes = c.mmio_writes;
  res.mmio_reads_fast_path = h.mmio_reads_fast_path();
  res.interrupts = c.interrupts;
  res.table_size_at_end = h.stack().table().size();
  res.bad_checksum_dropped = h.stack().table().counters().bad_checksum;
  res.malformed_dropped = h.stack().table().counters().malformed;
  if (r.tap) kernel_sockets();
}

// The other simulated host: listens (and closes what we close), or
// connects when we listen (and closes first, with close).
void peer_host() {
  Run& r = *g_run;
  const HandshakeOptions& o = r.o;
  Host h(r.pair->b(), "b", o.peer_ip, kPeerMac, o.local_ip, kOurMac, o.wire.seed + 1);
  if (o.listen) {
    unsigned made = 0;
    while (!r.our_part_done) {
      if (made == r.peer_connects_wanted) {
        h.stack().poll(10us);
        continue;
      }
      drv::SocketId s = 0;
      const uint16_t port = o.src_port ? uint16_t(o.src_port + made) : 0;
      ++made;
      if (const std::error_code e = h.stack().connect(o.local_ip, o.port, s, port)) {
        std::printf("b: connect: %s\n", e.message().c_str());
        continue;
      }
      h.say_state(s);
      drv::PollEvent seen;
      const uint32_t got = h.await(s, drv::ready::kConnected | drv::ready::kError, &seen);
      h.say_state(s);
      if ((got & drv::ready::kConnected) && o.close) {
        h.stack().close(s);
        h.say_state(s);
      }
    }
    return;
  }
  drv::SocketId listener = 0;
  if (const std::error_code e = h.stack().listen(kPeerListenPort, 16, listener)) {
    std::printf("b: listen: %s\n", e.message().c_str());
    r.peer_listening = true;  // our connects will be refused
    return;
  }
  std::printf("%12.3f us  b: listening on port %u\n", now_us(), kPeerListenPort);
  r.peer_listening = true;
  while (!r.our_part_done) {
    for (const drv::PollEvent& e : h.stack().poll(10us)) {
      drv::SocketId conn = 0;
      if (e.socket == listener && (e.events & drv::ready::kAcceptable)) {
        while (!h.stack().accept(listener, conn)) {
          std::printf("%12.3f us  b: accepted a connection\n", now_us());
          h.say_state(conn);
        }
      } else if (e.events & drv::ready::kPeerClosed) {  // an application that closes at EOF
        h.say_state(e.socket);
        h.stack().close(e.socket);
        h.say_state(e.socket);
      } else if (e.events & drv::ready::kClosed) {
        h.say_state(e.socket);
      }
    }
  }
}

const char* peer_text(PeerKind p) {
  switch (p) {
    case PeerKind::kSim: return "sim";
    case PeerKind::kLinux: return "linux";
    case PeerKind::kScripted: return "scripted";
    case PeerKind::kSilent: return "silent";
  }
  return "?";
}

// host/kernel_peer.py in the namespace, listening where we connect.
bool start_kernel_app(Run& r) {
  const HandshakeOptions& o = r.o;
  const KernelApp& k = o.kernel_app;
  std::vector<std::string> argv = {"/usr/bin/python3", TCPOE_KERNEL_PEER_SCRIPT,
                                   "--listen", cli::ipv4_text(o.peer_ip) + ":" + std::to_string(kPeerListenPort),
                                   "--send-bytes", std::to_string(k.send_bytes),
                                   "--seed", std::to_string(o.data_plan.seed),
                                   // Linux's default, whatever the machine's (BBR paces by the
                                   // wall-clock RTT, which the simulation makes long)
                                   "--congestion", "cubic"};
  if (k.pause_ms) {
    for (const std::string& a : {std::string("--pause-after"), std::to_string(k.pause_after),
                                 std::string("--pause-ms"), std::to_string(k.pause_ms)})
      argv.push_back(a);
  }
  if (k.rcvbuf) {
    argv.push_back("--rcvbuf");
    argv.push_back(std::to_string(k.rcvbuf));
  }
  std::string why;
  std::optional<std::string> line;
  if (r.tap->start_app(argv, &why)) line = r.tap->app_line(kKernelAppStart);
  if (line == "listening") return true;
  std::fprintf(stderr, "tcpoe-handshake: --peer linux: the kernel's transfer application (%s) did not start: %s\n",
               TCPOE_KERNEL_PEER_SCRIPT, !why.empty() ? why.c_str() : line ? line->c_str() : "it said nothing");
  while ((line = r.tap->app_line(0ms))) std::fprintf(stderr, "  %s\n", line->c_str());
  return false;
}

// Sets up the peer of side 1; false (said why) when it cannot be.
bool elaborate(Run& r) {
  const HandshakeOptions& o = r.o;
  testbed::PairConfig pc;
  pc.node.link = o.link;
  pc.node.device.data_width = o.data_width;
  // The devices' clocks stop while they are settled (the same run: the
  // device behaves as if clocked throughout), so that the waits on timers
  // (TIME-WAIT above all: 2 ms per connection with --close) cost no
  // wall-clock time (a waveform shows the clock stopped there); not with
  // the Linux kernel, whose wall clock keeps pace with simulated time only
  // while every cycle is simulated.
  pc.node.device.skip_idle = o.peer != PeerKind::kLinux;
  pc.wire = o.wire;
  pc.trace_dir = o.trace_dir;
  pc.host_b = o.peer == PeerKind::kSim;
  r.pair = std::make_unique<testbed::HostPair>(pc);
  sim::EthernetWire& wire = r.pair->wire().wire();
  sim::WireEnd* peer_end = nullptr;
  if (o.peer == PeerKind::kSim) {
    peer_end = &r.pair->b().device;
  } else if (o.peer == PeerKind::kScripted) {
    sim::ScriptedPeerConfig sc;
    sc.mac = kPeerMac;
    sc.ip = o.peer_ip;
    sc.listen_port = kPeerListenPort;
    sc.seed = o.wire.seed;
    r.scripted = std::make_unique<sim::ScriptedPeer>(sc);
    r.scripted_end = std::make_unique<sim::PeerEnd<sim::ScriptedPeer>>(wire, 1, *r.scripted);
    peer_end = r.scripted_end.get();
  } else if (o.peer == PeerKind::kLinux) {
    sim::TapPeerConfig tc;
    tc.name = o.tap_name;
    tc.our_mac = kOurMac;
    tc.peer_mac = kPeerMac;
    tc.our_ip = o.local_ip;
    tc.peer_ip = o.peer_ip;
    tc.listen_port = o.listen || o.data ? 0 : kPeerListenPort;  // with data, the application listens
    // With data, the kernel's route to us as the testbed's wall-clock peer
    // profile has it (ACKs at once, a loss resent after 10 ms).
    if (o.data) {
      tc.quick_ack = testbed::kWallClockPeerData.peer_quick_ack;
      tc.rto_min = testbed::kWallClockPeerData.peer_rto_min;
    }
    std::string why;
    r.tap = sim::TapPeer::open(tc, &why);
    if (interrupted) return false;  // the set-up's commands got the ^C too
    if (!r.tap) {
      std::fprintf(stderr, "tcpoe-handshake: --peer linux: cannot put the Linux kernel on the wire: %s\n",
                   why.c_str());
      return false;
    }
    if (o.data && !start_kernel_app(r)) return false;
    r.tap_end = std::make_unique<sim::PeerEnd<sim::TapPeer>>(wire, 1, *r.tap, 0,
                                                             o.data ? kKernelDataAnswerWait : kKernelAnswerWait);
    peer_end = r.tap_end.get();
    new KernelPump("kernel_pump", *r.tap_end, r.pair->wire());
  }
  for (int side = 0; side < sim::EthernetWire::kSides; ++side) {
    sim::WireEnd* inner = side == 0 ? &r.pair->a().device : peer_end;
    r.recorders.push_back(std::make_unique<RecordingEnd>(side, inner, r.timing));
    wire.attach(side, r.recorders.back().get());
  }
  wire.on_send = [&r](int side, const sim::Frame& f, const sim::EthernetWire::Transmission& t) {
    r.timing.sent(side, f, t.start_ps);
    if (r.print_frames) print_frame(f, t.start_ps);
    else ++r.frames_not_printed;
  };
  r.pair->a().pcie.on_transfer = [&r](const pcie::PcieModel::Transfer& t) { r.timing.transfer(t); };

  const char* who = o.peer == PeerKind::kSim      ? "a simulated host like ours"
                    : o.peer == PeerKind::kLinux  ? "the Linux kernel behind a TAP device, in namespace "
                    : o.peer == PeerKind::kScripted ? "the scripted peer (sim/peer)"
                                                  : "nobody: no answer will come";
  std::printf("peer %s: %s%s, %s; we are %s, the driver over a simulated PCIe device (Gen%u x%u, %.0f ns host "
              "read latency), wire %.3g Gb/s\n",
              peer_text(o.peer), who, r.tap ? r.tap->netns().c_str() : "", cli::ipv4_text(o.peer_ip).c_str(),
              cli::ipv4_text(o.local_ip).c_str(), o.link.generation, o.link.lanes, o.link.host_read_latency_ns,
              double(o.wire.rate_bps) / 1e9);
  new ScThread("our_host", our_host);
  if (o.peer == PeerKind::kSim) new ScThread("peer_host", peer_host);
  return true;
}

uint64_t median(std::vector<uint64_t> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

bool write_stats(const Run& r, uint64_t median_ns, uint64_t bound_ns) {
  const Results& s = r.results;
  const sim::WireCounters& ab = r.pair->wire().wire().counters(0);
  const sim::WireCounters& ba = r.pair->wire().wire().counters(1);
  std::ofstream f(r.o.stats_json);
  f << "{\n"
    << "  \"peer\": \"" << peer_text(r.o.peer) << "\",\n"
    << "  \"listen\": " << (r.o.listen ? "true" : "false") << ",\n"
    << "  \"connections_requested\": " << s.requested << ",\n"
    << "  \"established\": " << s.established << ",\n"
    << "  \"failed\": " << s.failed << ",\n"
    << "  \"closed\": " << s.closed << ",\n"
    << "  \"mmio_reads\": " << s.mmio_reads << ",\n"
    << "  \"mmio_writes\": " << s.mmio_writes << ",\n"
    << "  \"mmio_reads_fast_path\": " << s.mmio_reads_fast_path << ",\n"
    << "  \"interrupts\": " << s.interrupts << ",\n"
    << "  \"dma_bytes_read\": " << r.timing.dma_bytes_read() << ",\n"
    << "  \"dma_bytes_written\": " << r.timing.dma_bytes_written() << ",\n"
    << "  \"setup_time_ns_median\": " << median_ns << ",\n"
    << "  \"setup_time_lower_bound_ns\": " << bound_ns << ",\n"
    << "  \"setup_time_ns\": [";
  for (std::size_t i = 0; i < s.setup_ns.size(); ++i) f << (i ? ", " : "") << s.setup_ns[i];
  f << "],\n  \"setup_breakdown_ns\": {";
  for (std::size_t i = 0; i < s.breakdown.size(); ++i)
    f << (i ? ", " : "") << "\"" << s.breakdown[i].name << "\": " << s.breakdown[i].ns;
  f << "},\n"
    << "  \"table_size_at_end\": " << s.table_size_at_end << ",\n"
    << "  \"dropped_bad_checksum\": " << s.bad_checksum_dropped << ",\n"
    << "  \"dropped_malformed\": " << s.malformed_dropped << ",\n"
    << "  \"wire_frames\": " << ab.frames_sent + ba.frames_sent << ",\n"
    << "  \"wire_lost\": " << ab.lost + ba.lost << ",\n"
    << "  \"wire_duplicated\": " << ab.duplicated + ba.duplicated << ",\n"
    << "  \"wire_reordered\": " << ab.reordered + ba.reordered << ",\n"
    << "  \"wire_corrupted\": " << ab.corrupted + ba.corrupted;
  if (s.kernel)
    f << ",\n  \"peer_accepted\": " << s.peer_accepted << ",\n  \"peer_streams_ended\": " << s.peer_streams_ended
      << ",\n  \"peer_connected\": " << s.peer_connected << ",\n  \"peer_sockets_left\": " << s.peer_sockets_left
      << ",\n  \"peer_time_wait\": " << s.peer_time_wait;
  if (s.data) {
    const testbed::DataResult& d = *s.data;
    const tcp::ConnectionCounters& k = d.counters;
    auto app = [&s](const char* key) {
      const auto it = s.kernel_app.find(key);
      return it == s.kernel_app.end() ? std::string("null") : it->second;
    };
    auto text = [&s](const char* key) {
      const auto it = s.kernel_app.find(key);
      return it == s.kernel_app.end() ? std::string("null") : "\"" + it->second + "\"";
    };
    f << ",\n  \"sent_octets\": " << d.sent << ",\n  \"sent_sha256\": \"" << d.sent_sha256 << "\""
      << ",\n  \"received_octets\": " << d.received << ",\n  \"received_sha256\": \"" << d.received_sha256 << "\""
      << ",\n  \"end_of_stream\": " << (d.end_of_stream ? "true" : "false")
      << ",\n  \"transfer_error\": \"" << d.error << "\""
      << ",\n  \"transfer_sim_ns\": " << d.sim_ns << ",\n  \"transfer_wall_ms\": " << d.wall_ms
      << ",\n  \"retransmissions\": " << k.retransmissions << ",\n  \"timeouts\": " << k.timeouts
      << ",\n  \"fast_retransmits\": " << k.fast_retransmits << ",\n  \"out_of_order_kept\": " << k.out_of_order_kept
      << ",\n  \"window_probes\": " << k.window_probes << ",\n  \"peer_zero_windows\": " << d.peer_zero_windows
      << ",\n  \"our_zero_windows\": " << d.our_zero_windows << ",\n  \"we_paused\": " << (d.paused ? "true" : "false")
      << ",\n  \"peer_received_octets\": " << app("received_octets")
      << ",\n  \"peer_received_sha256\": " << text("received_sha256")
      << ",\n  \"peer_sent_octets\": " << app("sent_octets") << ",\n  \"peer_sent_sha256\": " << text("sent_sha256")
      << ",\n  \"peer_paused_at\": " << app("paused_at") << ",\n  \"peer_error\": " << text("error")
      << ",\n  \"peer_exit\": " << (s.kernel_app_exit ? std::to_string(*s.kernel_app_exit) : "null")
      << ",\n  \"data_intact\": " << (data_intact(s, r.o) ? "true" : "false");
  }
  f << "\n}\n";
  return bool(f);
}

}  // namespace

int run_handshake(const HandshakeOptions& options) {
  g_run = new Run;  // lives until the process ends, as SystemC's objects do
  g_run->o = options;
  g_run->results.requested = options.connections;
  g_run->results.kernel = options.peer == PeerKind::kLinux;
  char name[] = "tcpoe-handshake";
  char* argv[] = {name, nullptr};
  const int status = sc_core::sc_elab_and_sim(1, argv);
  Run& r = *g_run;
  if (interrupted) {
    r.tap_end.reset();
    r.tap.reset();  // the namespace goes
    std::printf("interrupted\n");
    return 1;
  }
  if (status == 2 || !r.pair) {
    r.tap.reset();  // the namespace goes
    return 2;
  }
  const Results& s = r.results;
  const uint64_t median_ns = median(s.setup_ns);
  const uint64_t bound_ns = testbed::connect_lower_bound_ns(sim::DeviceNode::link_for(r.pair->config().node),
                                                            options.wire, options.peer == PeerKind::kSim ? 2 : 1);
  const sim::WireCounters& ab = r.pair->wire().wire().counters(0);
  const sim::WireCounters& ba = r.pair->wire().wire().counters(1);
  std::printf("wire: %llu frames a>b, %llu b>a; %llu lost, %llu duplicated, %llu reordered, %llu corrupted "
              "(dropped by our device's verdict: %llu bad checksum, %llu malformed)\n",
              (unsigned long long)ab.frames_sent, (unsigned long long)ba.frames_sent,
              (unsigned long long)(ab.lost + ba.lost), (unsigned long long)(ab.duplicated + ba.duplicated),
              (unsigned long long)(ab.reordered + ba.reordered), (unsigned long long)(ab.corrupted + ba.corrupted),
              (unsigned long long)s.bad_checksum_dropped, (unsigned long long)s.malformed_dropped);
  std::printf("connections: %u requested, %u established, %u failed, %u closed; setup time median %.3f us "
              "(lower bound %.3f us); our MMIO: %llu reads (%llu after bring-up), %llu writes; %llu interrupts\n",
              s.requested, s.established, s.failed, s.closed, median_ns / 1e3, bound_ns / 1e3,
              (unsigned long long)s.mmio_reads, (unsigned long long)s.mmio_reads_fast_path,
              (unsigned long long)s.mmio_writes, (unsigned long long)s.interrupts);
  if (!options.stats_json.empty() && !write_stats(r, median_ns, bound_ns)) {
    std::fprintf(stderr, "tcpoe-handshake: cannot write %s\n", options.stats_json.c_str());
    return 1;
  }
  r.tap_end.reset();
  r.tap.reset();  // the namespace goes
  r.pair->wire().wire().flush_capture();
  const bool ok = s.established == s.requested && (!options.close || s.closed == s.requested) &&
                  (!options.data || data_intact(s, options));
  if (options.data)
    std::printf("data: %s\n", data_intact(s, options) ? "intact both ways: every octet arrived, SHA-256s equal"
                                                      : "NOT intact (see above)");
  return ok ? 0 : 1;
}

}  // namespace tcpoe::host

// SystemC's entry, reached through sc_elab_and_sim() above.
int sc_main(int, char**) {
  if (!tcpoe::host::elaborate(*tcpoe::host::g_run)) return 2;
  sc_core::sc_start();
  return 0;
}

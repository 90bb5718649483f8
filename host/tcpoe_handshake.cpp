// tcpoe-handshake: the seed's connect(), done by our hardware blocks. The
// SYN and the ACK are built by the TX header builder (rtl/tcp_tx_builder.sv
// in Verilator, in lockstep with its HLS model), the SYN-ACK is read by the
// RX parser (rtl/tcp_rx_parser.sv, likewise); the other end is the Linux
// kernel behind a TAP device in a private network namespace, or, without
// the privileges for that, a scripted peer (sim/peer).
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "builder_lockstep.h"
#include "cli_args.h"
#include "parser_lockstep.h"
#include "pcap_writer.h"
#include "scripted_peer.h"
#include "sim_hosts.h"
#include "tap_peer.h"
#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/rx_descriptor.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace {

constexpr const char* kUsage =
    "usage: tcpoe-handshake [options]\n"
    "Opens a TCP connection the way connect() does (SYN, SYN-ACK, ACK) with the\n"
    "device's RTL in Verilator: the TX header builder makes our segments, the RX\n"
    "parser reads the peer's, each in lockstep with its HLS model.\n"
    "\n"
    "  --peer P           who answers: linux (the kernel, in a network namespace\n"
    "                     behind a TAP device; needs root), scripted (a listener\n"
    "                     written on the wire layer), auto (linux when privileges\n"
    "                     allow, else scripted; the default), silent (never\n"
    "                     answers: shows the SYN retransmissions and the timeout),\n"
    "                     sim (two simulated hosts, each the host driver over its\n"
    "                     own simulated PCIe device with the whole device RTL,\n"
    "                     on a simulated wire: we connect, the other listens)\n"
    "  --port N           destination port (default 5201, where the peer listens;\n"
    "                     any other port is closed and answers RST)\n"
    "  --src-port N       our port (default: random, 32768..60999)\n"
    "  --isn N            our initial sequence number (default: random)\n"
    "  --timeout MS       give up when no SYN-ACK came within MS milliseconds; the\n"
    "                     SYN is sent again after MS/4 and MS/2 (default 2000)\n"
    "  --close            then close the connection too (FIN, FIN-ACK, ACK)\n"
    "  --loss P, --seed N --peer sim: the wire loses each frame with probability P\n"
    "                     (each direction, seeded by N; default 0 and 1)\n"
    "  --data-width W     datapath width of the RTL: 64, 128, 256 or 512 (default 64)\n"
    "  --pcap FILE        write every frame, both ways, to a capture; time is\n"
    "                     simulated at 250 MHz, plus the peer's real answer time\n"
    "  --trace-dir DIR    an FST waveform of every builder and parser run there\n"
    "  --tap-name NAME    the TAP device of --peer linux; its namespace is\n"
    "                     NAME-ns (default tcpoe-hs)\n"
    "  -h, --help         this text\n"
    "Exit: 0 connection established (and closed, with --close), 1 the handshake\n"
    "failed (RST, no answer, bad frame, RTL failure), 2 bad arguments, or --peer\n"
    "linux without the privileges it needs.\n";

constexpr uint64_t kClockPeriodPs = 4000;  // 250 MHz, the clock the HLS flow targets
constexpr uint16_t kListenPort = 5201;
constexpr uint16_t kOurMss = 1460;
constexpr uint8_t kOurWindowScale = 7;
constexpr uint16_t kOurWindow = 64240;  // Linux's SYN window for a 1460 MSS

namespace wire = tcpoe::wire;
namespace sim = tcpoe::sim;
namespace flag = tcpoe::wire::tcp::flag;
using Frame = std::vector<uint8_t>;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using tcpoe::cli::flags_text;
using tcpoe::cli::ipv4_text;
using tcpoe::cli::options_of;
using tcpoe::cli::options_text;

volatile std::sig_atomic_t g_interrupted = 0;

// The two peers behind one face, so the handshake is written once.
class Peer {
 public:
  virtual ~Peer() = default;
  virtual bool send(const Frame& f) = 0;
  virtual std::optional<Frame> receive(std::chrono::milliseconds timeout) = 0;
  // Whether the peer's side of the connection from our_port to its port is
  // established, and how it tells.
  virtual bool established(uint16_t our_port, uint16_t port, std::string* how) = 0;
  virtual bool closed(std::string* how) = 0;
};

class LinuxPeer : public Peer {
 public:
  explicit LinuxPeer(std::unique_ptr<sim::TapPeer> tap) : tap_(std::move(tap)) {}
  bool send(const Frame& f) override { return tap_->send(f); }
  std::optional<Frame> receive(std::chrono::milliseconds timeout) override {
    return tap_->receive_tcp(timeout);
  }
  bool established(uint16_t, uint16_t, std::string* how) override {
    // accept() returns once the kernel has the final ACK, and the listener
    // thread needs a moment to get there.
    const auto deadline = Clock::now() + 1000ms;
    while (tap_->connections_accepted() == 0 && Clock::now() < deadline && !g_interrupted)
      std::this_thread::sleep_for(5ms);
    const uint32_t n = tap_->connections_accepted();
    *how = "the kernel's listening socket accepted it (connections_accepted = " +
           std::to_string(n) + ")";
    return n == 1;
  }
  bool closed(std::string* how) override {
    *how = "the kernel acknowledged our FIN and sent its own";
    return true;
  }

 private:
  std::unique_ptr<sim::TapPeer> tap_;
};

// A peer that is not there (a host that is down, a firewall that drops): what
// connect() does then, the retransmissions and the give-up, is worth seeing.
class SilentPeer : public Peer {
 public:
  bool send(const Frame&) override { return true; }
  std::optional<Frame> receive(std::chrono::milliseconds timeout) override {
    std::this_thread::sleep_for(timeout);
    return std::nullopt;
  }
  bool established(uint16_t, uint16_t, std::string* how) override {
    *how = "a silent peer establishes nothing";
    return false;
  }
  bool closed(std::string* how) override {
    *how = "a silent peer closes nothing";
    return false;
  }
};

class ScriptedPeerAdapter : public Peer {
 public:
  ScriptedPeerAdapter(const sim::ScriptedPeerConfig& cfg, uint32_t our_ip)
      : peer_(cfg), our_ip_(our_ip) {}
  bool send(const Frame& f) override { return peer_.send(f); }
  std::optional<Frame> receive(std::chrono::milliseconds timeout) override {
    auto f = peer_.receive_tcp(timeout);
    // Nothing will come: it answers within send(). Waiting out the timeout
    // keeps the retransmission behaviour (and its timing) the same as with
    // Linux.
    if (!f) std::this_thread::sleep_for(timeout);
    return f;
  }
  bool established(uint16_t our_port, uint16_t port, std::string* how) override {
    const auto s = peer_.state(our_ip_, our_port, port);
    *how = std::string("the scripted peer's state is ") +
           (s ? sim::state_name(*s) : "none (no connection)") + " (" + peer_.last_event() + ")";
    return s == sim::ScriptedPeer::State::kEstablished;
  }
  bool closed(std::string* how) override {
    *how = "the scripted peer closed it (" + peer_.last_event() + ")";
    return peer_.connections_closed() == 1;
  }

 private:
  sim::ScriptedPeer peer_;
  uint32_t our_ip_;
};

std::string segment_text(const char* dir, uint8_t flags, uint32_t src, uint16_t sport,
                         uint32_t dst, uint16_t dport, uint32_t seq, uint32_t ack,
                         uint16_t win, const wire::TcpOptions& o) {
  char head[160];
  std::snprintf(head, sizeof head, "%s %-8s %s:%u > %s:%u seq %u ack %u win %u", dir,
                flags_text(flags).c_str(), ipv4_text(src).c_str(), sport,
                ipv4_text(dst).c_str(), dport, seq, ack, win);
  return head + options_text(o);
}

// What the parser's verdict says is wrong with a frame; empty when nothing.
std::string verdict_problem(const wire::RxDescriptor& d) {
  if (d.malformed != wire::Malformed::kNone)
    return std::string("malformed frame (") + wire::to_string(d.malformed) + ")";
  if (!d.ip_csum_checked || !d.ip_csum_ok) return "bad IPv4 header checksum";
  if (!d.tcp_csum_checked || !d.tcp_csum_ok) return "bad TCP checksum";
  return "";
}

// One side of the connection: our hardware blocks, the peer, the capture and
// simulated time.
class Session {
 public:
  Session(Peer& peer, int data_width, sim::PcapWriter* pcap, std::string trace_dir)
      : peer_(peer), width_(data_width), pcap_(pcap), trace_dir_(std::move(trace_dir)) {}

  // Builds the segment with the RTL and sends it; false (said why) on failure.
  bool transmit(const wire::TxDescriptor& d, const char* name, Frame* sent = nullptr) {
    sim::BuilderRunOptions opt;
    opt.data_width = width_;
    opt.fst_path = trace_path(name, "builder");
    const sim::BuilderRunReport r = sim::run_builder({{d, {}}}, opt);
    if (!r.ok || r.frames.size() != 1) {
      std::printf("!! the TX builder RTL failed on the %s: %s\n", name,
                  r.ok ? "not exactly one frame out" : r.failure.c_str());
      return false;
    }
    const wire::FrameRepr f = wire::to_frame_repr(d);
    std::printf("%s\n   built by RTL (DATA_W=%d, %llu cycles, lockstep with HLS: identical)%s\n",
                segment_text("->", d.tcp_flags, d.ip_src, d.src_port, d.ip_dst, d.dst_port,
                             d.seq, d.ack, d.window, f.tcp.options)
                    .c_str(),
                width_, (unsigned long long)r.cycles, trace_note(opt.fst_path).c_str());
    capture(r.frames[0], now_ns_ + cycles_ns(r.frame_last_cycle[0]));
    now_ns_ += cycles_ns(r.cycles);
    if (sent != nullptr) *sent = r.frames[0];
    return send_frame(r.frames[0]);
  }

  // The frame again, as it was (a retransmission is the same octets).
  bool resend(const Frame& f) {
    capture(f, now_ns_);
    return send_frame(f);
  }

  // The next segment from the peer to our port within `timeout`, read by
  // the parser RTL. Segments for other connections are shown and skipped.
  // nullopt on timeout, interruption or a parser failure (failed() tells).
  std::optional<wire::RxDescriptor> receive(uint16_t our_port,
                                            std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!g_interrupted) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - Clock::now());
      if (left <= 0ms) break;
      // Short slices, so that ^C ends the wait soon.
      const std::optional<Frame> f = peer_.receive(std::min(left, 100ms));
      if (!f) continue;
      const auto waited = Clock::now() - sent_at_;
      now_ns_ = std::max(now_ns_, sent_ns_ + uint64_t(std::chrono::duration_cast<
                                                          std::chrono::nanoseconds>(waited)
                                                          .count()));
      capture(*f, now_ns_);
      sim::ParserRunOptions opt;
      opt.data_width = width_;
      opt.fst_path = trace_path("received", "parser");
      const sim::ParserRunReport r = sim::run_parser({*f}, opt);
      if (!r.ok || r.descriptors.size() != 1) {
        std::printf("!! the RX parser RTL failed on a received frame: %s\n",
                    r.ok ? "not exactly one descriptor out" : r.failure.c_str());
        failed_ = true;
        return std::nullopt;
      }
      now_ns_ += cycles_ns(r.cycles);
      // Fields from the unpacked record only: its octet order is the
      // descriptor's business, not ours.
      const wire::RxDescriptor d = wire::unpack_rx_descriptor(r.descriptors[0]);
      const std::string problem = verdict_problem(d);
      std::printf("%s\n   parsed by RTL (DATA_W=%d, %llu cycles, lockstep with HLS: "
                  "identical): verdict %s%s\n",
                  segment_text("<-", d.tcp_flags, d.ip_src, d.tcp_src_port, d.ip_dst,
                               d.tcp_dst_port, d.tcp_seq, d.tcp_ack, d.tcp_window,
                               options_of(d))
                      .c_str(),
                  width_, (unsigned long long)r.cycles,
                  problem.empty() ? "ok" : problem.c_str(), trace_note(opt.fst_path).c_str());
      if (problem.empty() && d.tcp_dst_port != our_port) {
        std::printf("   (for port %u, not ours: ignored)\n", d.tcp_dst_port);
        continue;
      }
      return d;
    }
    return std::nullopt;
  }

  bool failed() const { return failed_; }

 private:
  static uint64_t cycles_ns(uint64_t cycles) {
    return sim::PcapWriter::cycle_time_ns(cycles, kClockPeriodPs);
  }

  bool send_frame(const Frame& f) {
    sent_at_ = Clock::now();
    sent_ns_ = now_ns_;
    if (peer_.send(f)) return true;
    std::printf("!! could not hand the frame to the peer: %s\n", std::strerror(errno));
    failed_ = true;
    return false;
  }

  void capture(const Frame& f, uint64_t t_ns) {
    if (pcap_ != nullptr) pcap_->write(f, t_ns);
  }

  std::string trace_path(const char* what, const char* block) {
    ++runs_;
    if (trace_dir_.empty()) return "";
    char name[96];
    std::snprintf(name, sizeof name, "%02d-%s-%s.fst", runs_, what, block);
    return (std::filesystem::path(trace_dir_) / name).string();
  }
  static std::string trace_note(const std::string& path) {
    return path.empty() ? "" : "\n   waveform: " + path;
  }

  Peer& peer_;
  int width_;
  sim::PcapWriter* pcap_;
  std::string trace_dir_;
  int runs_ = 0;
  bool failed_ = false;
  uint64_t now_ns_ = 0;  // simulated time
  Clock::time_point sent_at_;
  uint64_t sent_ns_ = 0;
};

void on_signal(int) { g_interrupted = 1; }

}  // namespace

int main(int argc, char** argv) {
  // ^C (SIGINT, to the whole foreground process group: the `ip` commands
  // that set up the namespace get it too) and SIGTERM only set a flag, from
  // the first instruction on: every wait ends on it, nothing is left behind.
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const tcpoe::cli::Args cli("tcpoe-handshake", kUsage, argc, argv);
  std::random_device entropy;
  std::string peer_choice = "auto", pcap_path, trace_dir, tap_name = "tcpoe-hs";
  uint16_t port = kListenPort;
  uint16_t src_port = uint16_t(32768 + entropy() % (60999 - 32768 + 1));
  uint32_t isn = entropy();
  uint64_t timeout_ms = 2000;
  int width = 64;
  bool close = false;
  double loss = 0;
  uint64_t seed = 1;

  cli.parse([&](const std::string& a, const auto& value) {
    if (a == "--peer") {
      peer_choice = value();
      if (peer_choice != "auto" && peer_choice != "linux" && peer_choice != "scripted" &&
          peer_choice != "silent" && peer_choice != "sim")
        cli.usage_error("--peer must be auto, linux, scripted, silent or sim, not '" + peer_choice +
                        "'");
    } else if (a == "--port") {
      port = uint16_t(cli.parse_uint(a, value(), 1, 65535));
    } else if (a == "--src-port") {
      src_port = uint16_t(cli.parse_uint(a, value(), 1, 65535));
    } else if (a == "--isn") {
      isn = uint32_t(cli.parse_uint(a, value(), 0, UINT32_MAX));
    } else if (a == "--timeout") {
      timeout_ms = cli.parse_uint(a, value(), 100, 600000);
    } else if (a == "--close") {
      close = true;
    } else if (a == "--loss") {
      loss = cli.parse_probability(a, value());
    } else if (a == "--seed") {
      seed = cli.parse_uint(a, value(), 0, UINT64_MAX);
    } else if (a == "--data-width") {
      width = cli.parse_data_width(a, value());
    } else if (a == "--pcap") {
      pcap_path = value();
    } else if (a == "--trace-dir") {
      trace_dir = value();
    } else if (a == "--tap-name") {
      tap_name = value();
      // The namespace's name adds "-ns"; an interface name has 15 characters.
      if (tap_name.empty() || tap_name.size() > 15 ||
          tap_name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789_-") != std::string::npos)
        cli.usage_error("--tap-name wants 1 to 15 characters of [A-Za-z0-9_-], not '" +
                        tap_name + "'");
    } else {
      return false;
    }
    return true;
  });
  if (close && port != kListenPort)
    cli.usage_error("--close needs a connection: --port must be the listening port " +
                    std::to_string(kListenPort));

  if (peer_choice != "sim" && (loss != 0 || seed != 1))
    cli.usage_error("--loss and --seed are the simulated wire's: --peer sim");
  if (peer_choice == "sim") {
    if (!trace_dir.empty() || tap_name != "tcpoe-hs" || timeout_ms != 2000)
      cli.usage_error("--peer sim takes --port, --src-port, --close, --data-width, --pcap, --loss and --seed");
    if (width != 64 && width != 512) cli.usage_error("--peer sim runs the device at --data-width 64 or 512");
    tcpoe::host::SimHostsOptions o;
    o.port = port;
    o.listen_port = kListenPort;
    o.src_port = src_port;
    o.close = close;
    o.data_width = width;
    o.pcap_path = pcap_path;
    o.loss = loss;
    o.seed = seed;
    return tcpoe::host::run_simulated_hosts(o);
  }

  if (!trace_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(trace_dir, ec);
    if (ec) {
      std::fprintf(stderr, "tcpoe-handshake: cannot create %s: %s\n", trace_dir.c_str(),
                   ec.message().c_str());
      return 2;
    }
  }
  std::unique_ptr<sim::PcapWriter> pcap;
  if (!pcap_path.empty()) {
    pcap = std::make_unique<sim::PcapWriter>(pcap_path);
    if (!pcap->ok()) {
      std::fprintf(stderr, "tcpoe-handshake: cannot write %s: %s\n", pcap_path.c_str(),
                   pcap->error().c_str());
      return 2;
    }
  }

  // From here on no exit(): the namespace must be deleted by the peer's
  // destructor, so ^C only ends the waits.
  const auto interrupted = [] {
    if (!g_interrupted) return false;
    std::printf("interrupted\n");
    return true;
  };
  if (interrupted()) return 1;

  sim::TapPeerConfig tap_cfg;
  tap_cfg.name = tap_name;
  tap_cfg.listen_port = kListenPort;
  std::unique_ptr<Peer> peer;
  std::string why;
  if (peer_choice == "silent") {
    std::printf("peer: silent (%s does not answer)\n", ipv4_text(tap_cfg.peer_ip).c_str());
    peer = std::make_unique<SilentPeer>();
  } else if (peer_choice != "scripted") {
    std::unique_ptr<sim::TapPeer> tap;
    if (peer_choice == "linux" || sim::TapPeer::privileges_ok(&why))
      tap = sim::TapPeer::open(tap_cfg, &why);
    if (tap) {
      std::printf("peer: Linux kernel in namespace %s (%s, listening on port %u, TAP %s)\n",
                  tap->netns().c_str(), ipv4_text(tap_cfg.peer_ip).c_str(), kListenPort,
                  tap_name.c_str());
      peer = std::make_unique<LinuxPeer>(std::move(tap));
    } else if (interrupted()) {  // the set-up's commands got the ^C too
      return 1;
    } else if (peer_choice == "linux") {
      std::fprintf(stderr, "tcpoe-handshake: --peer linux: cannot put the Linux kernel on the "
                           "wire: %s\n", why.c_str());
      return 2;
    }
  }
  if (!peer) {
    sim::ScriptedPeerConfig cfg;
    cfg.mac = tap_cfg.peer_mac;
    cfg.ip = tap_cfg.peer_ip;
    cfg.listen_port = kListenPort;
    cfg.seed = (uint64_t(entropy()) << 32) | entropy();
    std::printf("peer: scripted peer (%s, listening on port %u): %s\n",
                ipv4_text(cfg.ip).c_str(), kListenPort,
                peer_choice == "scripted" ? "chosen with --peer scripted" : why.c_str());
    peer = std::make_unique<ScriptedPeerAdapter>(cfg, tap_cfg.our_ip);
  }

  Session s(*peer, width, pcap.get(), trace_dir);
  // Our timestamp clock: Linux's ticks in milliseconds from a random offset.
  const uint32_t ts_base = entropy();
  const auto start = Clock::now();
  const auto ts_now = [&] {
    return ts_base + uint32_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  Clock::now() - start).count());
  };

  wire::TxDescriptor syn;
  syn.eth_src = tap_cfg.our_mac;
  syn.eth_dst = tap_cfg.peer_mac;
  syn.ip_src = tap_cfg.our_ip;
  syn.ip_dst = tap_cfg.peer_ip;
  syn.ident = uint16_t(entropy());
  syn.src_port = src_port;
  syn.dst_port = port;
  syn.seq = isn;
  syn.tcp_flags = flag::kSyn;
  syn.window = kOurWindow;
  syn.has_mss = true;
  syn.mss = kOurMss;
  syn.sack_permitted = true;
  syn.has_timestamps = true;
  syn.ts_val = ts_now();
  syn.has_window_scale = true;
  syn.window_scale = kOurWindowScale;

  std::printf("connect(%s:%u) from %s:%u, ISN %u\n", ipv4_text(syn.ip_dst).c_str(), port,
              ipv4_text(syn.ip_src).c_str(), src_port, isn);
  Frame syn_frame;
  if (!s.transmit(syn, "syn", &syn_frame)) return 1;

  // Linux sends the SYN again after 1 s, 2 s, ... ; we have less patience:
  // again after a quarter and after half of the timeout.
  const std::chrono::milliseconds total(timeout_ms);
  const std::chrono::milliseconds waits[] = {total / 4, total / 4, total / 2};
  std::optional<wire::RxDescriptor> synack;
  for (std::size_t attempt = 0; attempt < std::size(waits) && !synack && !g_interrupted;
       ++attempt) {
    if (attempt > 0) {
      std::printf("-> SYN again (retransmission %zu: no answer in %lld ms)\n", attempt,
                  (long long)waits[attempt - 1].count());
      if (!s.resend(syn_frame)) return 1;
    }
    const auto deadline = Clock::now() + waits[attempt];
    while (!synack && Clock::now() < deadline && !g_interrupted) {
      auto d = s.receive(src_port, std::chrono::duration_cast<std::chrono::milliseconds>(
                                       deadline - Clock::now()));
      if (s.failed()) return 1;
      if (!d) break;
      const std::string problem = verdict_problem(*d);
      if (!problem.empty()) {
        std::printf("FAILED: the answer to our SYN is unusable: %s\n", problem.c_str());
        return 1;
      }
      const bool acks_syn = (d->tcp_flags & flag::kAck) && d->tcp_ack == isn + 1;
      if (d->tcp_flags & flag::kRst) {
        // RFC 9293 3.10.7.3: in SYN-SENT a RST counts only if it ACKs our SYN.
        if (!acks_syn) {
          std::printf("   (RST that does not acknowledge our SYN: ignored)\n");
          continue;
        }
        std::printf("FAILED: connection refused: the peer answered our SYN with RST "
                    "(nothing listens on %s:%u)\n",
                    ipv4_text(syn.ip_dst).c_str(), port);
        return 1;
      }
      if ((d->tcp_flags & (flag::kSyn | flag::kAck | flag::kFin)) != (flag::kSyn | flag::kAck)) {
        std::printf("FAILED: expected SYN,ACK, the peer sent %s\n",
                    flags_text(d->tcp_flags).c_str());
        return 1;
      }
      if (!acks_syn) {
        std::printf("FAILED: the SYN-ACK acknowledges %u, our SYN needs %u\n", d->tcp_ack,
                    isn + 1);
        return 1;
      }
      synack = d;
    }
  }
  if (interrupted()) return 1;
  if (!synack) {
    std::printf("FAILED: no SYN-ACK in %llu ms (SYN sent %zu times)\n",
                (unsigned long long)timeout_ms, std::size(waits));
    return 1;
  }

  // The SYN-ACK's options decide what our later segments carry.
  const bool peer_ts = synack->opt_found & wire::rx_desc::opt_found::kTimestamps;
  const bool scaled = synack->opt_found & wire::rx_desc::opt_found::kWindowScale;
  wire::TxDescriptor ack = syn;
  ack.ident = uint16_t(syn.ident + 1);
  ack.seq = isn + 1;
  ack.ack = synack->tcp_seq + 1;
  ack.tcp_flags = flag::kAck;
  ack.window = scaled ? uint16_t(kOurWindow >> kOurWindowScale) : kOurWindow;
  ack.has_mss = ack.sack_permitted = ack.has_window_scale = false;
  ack.window_scale = 0;
  ack.has_timestamps = peer_ts;
  ack.ts_val = peer_ts ? ts_now() : 0;
  ack.ts_ecr = peer_ts ? synack->opt_ts_val : 0;
  if (!s.transmit(ack, "ack")) return 1;

  std::string how;
  if (!peer->established(src_port, port, &how)) {
    if (interrupted()) return 1;
    std::printf("FAILED: the peer did not establish the connection: %s\n", how.c_str());
    return 1;
  }
  std::printf("connection established: %s:%u <-> %s:%u; %s\n", ipv4_text(syn.ip_src).c_str(),
              src_port, ipv4_text(syn.ip_dst).c_str(), port, how.c_str());
  if (!close) return 0;

  // close(): our FIN; the peer's application reads EOF and closes too.
  wire::TxDescriptor fin = ack;
  fin.ident = uint16_t(ack.ident + 1);
  fin.tcp_flags = flag::kFin | flag::kAck;
  fin.ts_val = peer_ts ? ts_now() : 0;
  if (!s.transmit(fin, "fin")) return 1;
  bool fin_acked = false, peer_fin = false;
  uint32_t rcv_nxt = ack.ack, peer_tsval = ack.ts_ecr;
  const auto deadline = Clock::now() + total;
  while (!(fin_acked && peer_fin) && Clock::now() < deadline && !g_interrupted) {
    auto d = s.receive(src_port, std::chrono::duration_cast<std::chrono::milliseconds>(
                                     deadline - Clock::now()));
    if (s.failed()) return 1;
    if (!d) break;
    if (!verdict_problem(*d).empty() || (d->tcp_flags & flag::kRst)) {
      std::printf("FAILED: closing: %s\n", (d->tcp_flags & flag::kRst)
                                              ? "the peer reset the connection"
                                              : verdict_problem(*d).c_str());
      return 1;
    }
    if ((d->tcp_flags & flag::kAck) && d->tcp_ack == fin.seq + 1) fin_acked = true;
    if ((d->tcp_flags & flag::kFin) && d->tcp_seq == rcv_nxt) {
      peer_fin = true;
      rcv_nxt = d->tcp_seq + 1;
    }
    if (d->opt_found & wire::rx_desc::opt_found::kTimestamps) peer_tsval = d->opt_ts_val;
  }
  if (interrupted()) return 1;
  if (!(fin_acked && peer_fin)) {
    std::printf("FAILED: closing: %s within %llu ms\n",
                fin_acked ? "no FIN from the peer" : "our FIN was not acknowledged",
                (unsigned long long)timeout_ms);
    return 1;
  }
  wire::TxDescriptor last = fin;
  last.ident = uint16_t(fin.ident + 1);
  last.seq = fin.seq + 1;
  last.ack = rcv_nxt;
  last.tcp_flags = flag::kAck;
  last.ts_val = peer_ts ? ts_now() : 0;
  last.ts_ecr = peer_ts ? peer_tsval : 0;
  if (!s.transmit(last, "last-ack")) return 1;
  if (!peer->closed(&how)) {
    if (interrupted()) return 1;
    std::printf("FAILED: the peer did not close the connection: %s\n", how.c_str());
    return 1;
  }
  std::printf("connection closed: %s; we are in TIME-WAIT\n", how.c_str());
  return 0;
}

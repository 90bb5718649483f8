// tcpoe-handshake: the seed's connect() through the host driver. Our host
// is simulated: the driver (tcpoe::driver) over its own PCIe device (the
// PCIe model with the verilated tcpoe_top, whose builder and parser make and
// read every header); the peer is another such host, the Linux kernel
// behind a TAP device, the scripted peer, or nobody. This file only reads
// the arguments; host/handshake_run.cpp wires the parts together.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>

#include "cli_args.h"
#include "handshake_run.h"

namespace {

constexpr const char* kUsage =
    "usage: tcpoe-handshake [options]\n"
    "Opens TCP connections the way connect() does (SYN, SYN-ACK, ACK) from a\n"
    "simulated host: the host driver over its own simulated PCIe device, whose\n"
    "RTL (in Verilator) builds and parses every header, on a simulated wire.\n"
    "Prints every segment with its simulated time, the states as they change,\n"
    "and where the connect's time went.\n"
    "\n"
    "  --peer P           who is at the other end: sim (another simulated host\n"
    "                     like ours; the default), linux (the kernel, in a network\n"
    "                     namespace behind a TAP device; needs root), scripted (a\n"
    "                     listener written on the wire layer), silent (nobody: the\n"
    "                     SYN is sent again with back-off, then the connect times out)\n"
    "  --listen           we listen and the peer connects (sim and linux peers)\n"
    "  --local-ip A       our address (default 10.77.0.1)\n"
    "  --peer-ip A        the peer's address (default 10.77.0.2)\n"
    "  --port N           where we connect (default 5201, where the peer listens;\n"
    "                     any other port of the peer is closed and answers RST);\n"
    "                     with --listen, where we listen\n"
    "  --src-port N       the connecting side's port, +1 for each further\n"
    "                     connection (default: ephemeral, 32768..60999)\n"
    "  --connections N    N connections, one after another: each is established\n"
    "                     (and closed, with --close) before the next connect\n"
    "  --close            close each connection (we close first; with --listen\n"
    "                     the peer does)\n"
    "  --loss P, --dup P, --reorder P, --corrupt P\n"
    "                     the wire loses, duplicates, reorders, corrupts each frame\n"
    "                     with probability P (each direction)\n"
    "  --seed N           of the wire's draws and the hosts' secrets (default 1)\n"
    "  --pcie-gen G       PCIe generation 1..5 (default 3)\n"
    "  --pcie-lanes N     1, 2, 4, 8, 12, 16 or 32 (default 8)\n"
    "  --pcie-latency NS  the host's DMA read latency (default 535)\n"
    "  --wire-gbps G      the wire's rate, Gb/s (default 10)\n"
    "  --wire-delay NS    the wire's propagation delay (default 0)\n"
    "  --data-width W     the devices' data path: 64 or 512 (default 64)\n"
    "  --interrupts       MSI-X interrupts wake the driver (default: poll mode)\n"
    "  --rto US           the first retransmission timeout, simulated us\n"
    "                     (default 30; Linux's is 1 s)\n"
    "  --syn-retries N    SYNs sent again before giving up (default 6, as Linux)\n"
    "  --time-wait US     our TIME-WAIT (2MSL), simulated us (default 2000: twice\n"
    "                     the largest RTO, outlasting the peer's FIN\n"
    "                     retransmissions; Linux's is 60 s)\n"
    "  --pcap FILE        every frame on the wire, with its simulated time\n"
    "  --trace-dir DIR    an FST waveform of each simulated device (DIR/a.fst, b.fst)\n"
    "  --stats-json FILE  the run's figures (connections, MMIO, DMA, setup times)\n"
    "  --tap-name NAME    --peer linux: the TAP device; its namespace is NAME-ns\n"
    "                     (default tcpoe-hs)\n"
    "Data (--peer linux, one connection we make; the kernel's end is\n"
    "host/kernel_peer.py, Python's sockets in the namespace):\n"
    "  --send-bytes N     we send N pseudo-random octets (from --seed), then our FIN\n"
    "  --recv-bytes N     the kernel sends us N octets of its own, then its FIN;\n"
    "                     both directions at once when both are given. Each end\n"
    "                     prints the SHA-256 of what it sent and received\n"
    "  --kernel-pause-after N, --kernel-pause-ms MS\n"
    "                     the kernel's application stops reading after N octets for\n"
    "                     MS ms of wall clock: its window closes, we probe it\n"
    "  --kernel-rcvbuf N  its socket's SO_RCVBUF (a small one fills sooner)\n"
    "  --pause-after N, --pause-us US\n"
    "                     we stop reading after N octets for US simulated us: our\n"
    "                     window closes, then our window update resumes the kernel\n"
    "  -h, --help         this text\n"
    "Exit: 0 every connection established (and closed, with --close; with\n"
    "data, every octet arrived and the SHA-256s of both ends agree), 1\n"
    "otherwise, 2 bad arguments or --peer linux without the privileges it needs.\n";

}  // namespace

void on_signal(int) { tcpoe::host::interrupted = 1; }

int main(int argc, char** argv) {
  // ^C (SIGINT, to the whole foreground process group: the `ip` commands
  // that set up the namespace get it too, and ignore it) and SIGTERM only
  // set a flag, from the first instruction on: every wait ends on it and
  // nothing is left behind.
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const tcpoe::cli::Args cli("tcpoe-handshake", kUsage, argc, argv);
  tcpoe::host::HandshakeOptions o;
  cli.parse([&](const std::string& a, const auto& value) {
    using tcpoe::host::PeerKind;
    if (a == "--peer") {
      const std::string p = value();
      if (p == "sim") o.peer = PeerKind::kSim;
      else if (p == "linux") o.peer = PeerKind::kLinux;
      else if (p == "scripted") o.peer = PeerKind::kScripted;
      else if (p == "silent") o.peer = PeerKind::kSilent;
      else cli.usage_error("--peer must be sim, linux, scripted or silent, not '" + p + "'");
    } else if (a == "--listen") {
      o.listen = true;
    } else if (a == "--local-ip") {
      o.local_ip = cli.parse_ipv4(a, value());
    } else if (a == "--peer-ip") {
      o.peer_ip = cli.parse_ipv4(a, value());
    } else if (a == "--port") {
      o.port = uint16_t(cli.parse_uint(a, value(), 1, 65535));
    } else if (a == "--src-port") {
      o.src_port = uint16_t(cli.parse_uint(a, value(), 1, 65535));
    } else if (a == "--connections") {
      o.connections = unsigned(cli.parse_uint(a, value(), 1, 100000));
    } else if (a == "--close") {
      o.close = true;
    } else if (a == "--loss") {
      o.wire.loss = cli.parse_probability(a, value());
    } else if (a == "--dup") {
      o.wire.duplicate = cli.parse_probability(a, value());
    } else if (a == "--reorder") {
      o.wire.reorder = cli.parse_probability(a, value());
    } else if (a == "--corrupt") {
      o.wire.corrupt = cli.parse_probability(a, value());
    } else if (a == "--seed") {
      o.wire.seed = cli.parse_uint(a, value(), 0, UINT64_MAX);
    } else if (a == "--pcie-gen") {
      o.link.generation = unsigned(cli.parse_uint(a, value(), 1, 5));
    } else if (a == "--pcie-lanes") {
      o.link.lanes = unsigned(cli.parse_uint(a, value(), 1, 32));
    } else if (a == "--pcie-latency") {
      o.link.host_read_latency_ns = cli.parse_real(a, value(), 0, 1e6);
    } else if (a == "--wire-gbps") {
      o.wire.rate_bps = uint64_t(cli.parse_real(a, value(), 0.001, 1000) * 1e9);
    } else if (a == "--wire-delay") {
      o.wire.propagation_ps = uint64_t(cli.parse_real(a, value(), 0, 1e9) * 1000);
    } else if (a == "--data-width") {
      o.data_width = int(cli.parse_uint(a, value(), 0, 4096));
      if (o.data_width != 64 && o.data_width != 512) cli.usage_error("--data-width must be 64 or 512 (the device's widths)");
    } else if (a == "--interrupts") {
      o.interrupts = true;
    } else if (a == "--rto") {
      o.initial_rto_ns = cli.parse_uint(a, value(), 1, 10'000'000) * 1000;
    } else if (a == "--time-wait") {
      o.time_wait_ns = cli.parse_uint(a, value(), 1, 10'000'000) * 1000;
    } else if (a == "--syn-retries") {
      o.syn_retries = unsigned(cli.parse_uint(a, value(), 0, 10));
    } else if (a == "--pcap") {
      o.wire.pcap_path = value();
    } else if (a == "--trace-dir") {
      o.trace_dir = value();
    } else if (a == "--stats-json") {
      o.stats_json = value();
    } else if (a == "--tap-name") {
      o.tap_name = value();
      // The namespace's name adds "-ns"; an interface name has 15 characters.
      if (o.tap_name.empty() || o.tap_name.size() > 15 ||
          o.tap_name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
              std::string::npos)
        cli.usage_error("--tap-name wants 1 to 15 characters of [A-Za-z0-9_-], not '" + o.tap_name + "'");
    } else if (a == "--send-bytes") {
      o.data = true;
      o.data_plan.send_bytes = cli.parse_uint(a, value(), 0, uint64_t(1) << 40);
    } else if (a == "--recv-bytes") {
      o.data = true;
      o.kernel_app.send_bytes = cli.parse_uint(a, value(), 0, uint64_t(1) << 40);
    } else if (a == "--kernel-pause-after") {
      o.kernel_app.pause_after = cli.parse_uint(a, value(), 0, uint64_t(1) << 40);
    } else if (a == "--kernel-pause-ms") {
      o.kernel_app.pause_ms = cli.parse_uint(a, value(), 1, 60'000);
    } else if (a == "--kernel-rcvbuf") {
      o.kernel_app.rcvbuf = cli.parse_uint(a, value(), 1024, 1 << 30);
    } else if (a == "--pause-after") {
      o.data_plan.pause_after = cli.parse_uint(a, value(), 0, uint64_t(1) << 40);
    } else if (a == "--pause-us") {
      o.data_plan.pause = std::chrono::microseconds(cli.parse_uint(a, value(), 1, 10'000'000));
    } else {
      return false;
    }
    return true;
  });
  o.data_plan.seed = o.wire.seed;
  using tcpoe::host::PeerKind;
  if (o.listen && (o.peer == PeerKind::kScripted || o.peer == PeerKind::kSilent))
    cli.usage_error("--listen needs a peer that connects: --peer sim or linux");
  if (o.data && (o.peer != PeerKind::kLinux || o.listen || o.connections != 1))
    cli.usage_error("--send-bytes and --recv-bytes move data with --peer linux, on one connection we make "
                    "(no --listen, --connections 1)");
  if ((o.kernel_app.pause_after && !o.kernel_app.pause_ms) || (o.data_plan.pause_after && !o.data_plan.pause.count()))
    cli.usage_error("--kernel-pause-after needs --kernel-pause-ms, and --pause-after --pause-us: how long to pause");
  if ((o.kernel_app.pause_ms || o.kernel_app.rcvbuf || o.data_plan.pause.count()) && !o.data)
    cli.usage_error("--kernel-pause-ms, --kernel-rcvbuf and --pause-us need data: --send-bytes or --recv-bytes");
  if (o.local_ip == o.peer_ip) cli.usage_error("--local-ip and --peer-ip must differ");
  if (const std::string p = o.link.problem(); !p.empty()) cli.usage_error("PCIe link: " + p);
  if (const std::string p = o.wire.problem(); !p.empty()) cli.usage_error("wire: " + p);
  if (!o.stats_json.empty()) {
    if (std::FILE* f = std::fopen(o.stats_json.c_str(), "w")) std::fclose(f);
    else cli.usage_error("cannot write " + o.stats_json);
  }
  if (!o.wire.pcap_path.empty()) {
    if (std::FILE* f = std::fopen(o.wire.pcap_path.c_str(), "w")) std::fclose(f);
    else cli.usage_error("cannot write " + o.wire.pcap_path);
  }
  return tcpoe::host::run_handshake(o);
}

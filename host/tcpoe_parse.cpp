// tcpoe-parse: runs every frame of a capture through the receive parser
// (rtl/tcp_rx_parser.sv in Verilator, in lockstep with its HLS model) and
// prints what it parsed, tshark-like or as JSON; --check compares each
// descriptor with the software parser's (wire::parse_frame).
#include <cstdio>
#include <string>
#include <vector>

#include "capture.h"
#include "cli_args.h"
#include "parser_lockstep.h"
#include "rx_descriptor_text.h"
#include "tcp_rx_parser.h"
#include "tcp_rx_parser_ref.h"

namespace {

constexpr const char* kUsage =
    "usage: tcpoe-parse --pcap FILE [options]\n"
    "Runs every frame of a capture through the receive parser (RTL in\n"
    "Verilator, compared cycle by cycle with the HLS model) and prints one line\n"
    "per frame: time, addresses and ports, flags, seq/ack/win/len, options,\n"
    "both checksum verdicts and the malformed code by name.\n"
    "\n"
    "  --pcap FILE        the capture (Ethernet link type); required\n"
    "  --data-width W     datapath width: 64, 128, 256 or 512 (default 64)\n"
    "  --json             one JSON object per frame, with every descriptor field\n"
    "  --check            compare each descriptor with the software parser\n"
    "                     (wire::parse_frame); stop at the first difference,\n"
    "                     naming the frame and the field\n"
    "  --valid-prob P     chance a beat is offered in a cycle, 0<P<=1 (default 1)\n"
    "  --ready-prob P     chance a descriptor is taken in a cycle, 0<P<=1 (default 1)\n"
    "  --seed S           random seed of those chances (default 1)\n"
    "  --trace FILE.fst   write an FST waveform (open it with gtkwave)\n"
    "  --no-lockstep      run the RTL alone, without the HLS model\n"
    "  -h, --help         this text\n"
    "Exit: 0 ran clean, 1 the parser failed (RTL/HLS mismatch, assertion, hang),\n"
    "2 bad arguments or input (unreadable, truncated or empty capture, a link\n"
    "type other than Ethernet, an empty frame or one longer than the parser\n"
    "counts), 3 --check found a difference.\n";

// The parser counts a frame's octets up to this many; a longer frame's
// length would saturate, so the tool refuses it rather than judge it wrongly.
constexpr uint32_t kMaxFrameLen = tcpoe::kernels::TcpRxParser<64>::kLenMax;

using tcpoe::cli::CapturedFrame;

[[noreturn]] void input_error(const std::string& msg) {
  std::fprintf(stderr, "tcpoe-parse: %s\n", msg.c_str());
  std::exit(2);
}

// The capture's frames, each one the parser can take.
std::vector<CapturedFrame> read_capture(const std::string& path) {
  std::vector<CapturedFrame> frames = tcpoe::cli::read_ethernet_capture("tcpoe-parse", path);
  if (frames.empty()) input_error(path + " holds no frames");
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const std::size_t len = frames[i].octets.size();
    const std::string where = path + ": frame " + std::to_string(i + 1);
    if (len == 0) input_error(where + " has no octets");
    if (len > kMaxFrameLen)
      input_error(where + " is " + std::to_string(len) + " octets, longer than the parser counts (" +
                  std::to_string(kMaxFrameLen) + ")");
  }
  return frames;
}

// Seconds with microseconds, as tshark prints a frame's time.
std::string seconds_text(long long usec) {
  const unsigned long long magnitude = usec < 0 ? 0ull - (unsigned long long)usec : usec;
  char s[32];
  std::snprintf(s, sizeof s, "%s%llu.%06llu", usec < 0 ? "-" : "", magnitude / 1000000,
                magnitude % 1000000);
  return s;
}

long long usec_of(const timeval& t) { return (long long)t.tv_sec * 1000000 + t.tv_usec; }

}  // namespace

int main(int argc, char** argv) {
  tcpoe::sim::ParserRunOptions opt;
  std::string pcap_path;
  bool json = false, check = false;

  const tcpoe::cli::Args cli("tcpoe-parse", kUsage, argc, argv);
  cli.parse([&](const std::string& a, const auto& value) {
    if (a == "--pcap") {
      pcap_path = value();
    } else if (a == "--json") {
      json = true;
    } else if (a == "--check") {
      check = true;
    } else {
      return cli.run_option(a, value, opt);
    }
    return true;
  });
  if (pcap_path.empty()) cli.usage_error("--pcap FILE is required");

  const std::vector<CapturedFrame> captured = read_capture(pcap_path);
  std::vector<tcpoe::sim::Frame> frames;
  frames.reserve(captured.size());
  for (const CapturedFrame& c : captured) frames.push_back(c.octets);

  const tcpoe::sim::ParserRunReport r = tcpoe::sim::run_parser(frames, opt);
  if (!r.ok || r.descriptors.size() != frames.size()) {
    std::fprintf(stderr, "tcpoe-parse: FAILED: %s\n",
                 r.ok ? "not one descriptor per frame" : r.failure.c_str());
    return 1;
  }

  const long long start = usec_of(captured.front().time);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const CapturedFrame& c = captured[i];
    const tcpoe::wire::RxDescriptor d = tcpoe::wire::unpack_rx_descriptor(r.descriptors[i]);
    if (json) {
      std::printf("{\"frame\": %zu, \"time\": %s, \"captured_len\": %zu, \"wire_len\": %u, %s}\n",
                  i + 1, seconds_text(usec_of(c.time)).c_str(), c.octets.size(), c.wire_len,
                  tcpoe::cli::descriptor_json_members(d).c_str());
    } else {
      const std::string cut = c.octets.size() < c.wire_len
                                  ? " (captured " + std::to_string(c.octets.size()) + " of " +
                                        std::to_string(c.wire_len) + " octets)"
                                  : "";
      std::printf("%5zu %s %s%s\n", i + 1, seconds_text(usec_of(c.time) - start).c_str(),
                  tcpoe::cli::descriptor_line(d).c_str(), cut.c_str());
    }
    if (check) {
      const std::string difference = tcpoe::cli::check_difference(
          i + 1, d, tcpoe::kernels::expected_rx_descriptor(tcpoe::wire::ByteSpan(c.octets)));
      if (!difference.empty()) {
        std::fflush(stdout);
        std::fprintf(stderr, "tcpoe-parse: --check: %s\n", difference.c_str());
        return 3;
      }
    }
  }
  std::fflush(stdout);
  std::fprintf(stderr, "tcp_rx_parser DATA_W=%d: %zu frames, %llu beats in %llu cycles, %s%s\n",
               opt.data_width, frames.size(), (unsigned long long)r.beats,
               (unsigned long long)r.cycles,
               opt.lockstep ? "RTL and HLS model identical on every cycle" : "RTL alone (no lockstep)",
               check ? "; every descriptor equals parse_frame's" : "");
  if (!opt.fst_path.empty()) std::fprintf(stderr, "waveform: %s\n", opt.fst_path.c_str());
  return 0;
}

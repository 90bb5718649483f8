// tcpoe-csum: runs the checksum engine (rtl/tcp_csum.sv in Verilator, in
// lockstep with its HLS reference) on random packets or on the TCP/IPv4
// frames of a capture, whose IPv4 and TCP checksums it then verifies.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "capture.h"
#include "cli_args.h"
#include "csum_lockstep.h"
#include "tcpoe/wire/checksum.h"
#include "tcpoe/wire/frame.h"

namespace {

constexpr const char* kUsage =
    "usage: tcpoe-csum [options]\n"
    "Runs the checksum engine (RTL in Verilator, compared cycle by cycle with\n"
    "the HLS model) over packets, and reports the sums.\n"
    "\n"
    "  --pcap FILE        verify the IPv4 and TCP checksum of every TCP/IPv4\n"
    "                     frame of a capture (Ethernet link type)\n"
    "  --random N         N packets of random bytes (default: 1000, without --pcap)\n"
    "  --min-len N        shortest random packet in bytes (default 1)\n"
    "  --max-len N        longest random packet in bytes (default 9018)\n"
    "  --data-width W     datapath width: 64, 128, 256 or 512 (default 64)\n"
    "  --valid-prob P     chance a beat is offered in a cycle, 0<P<=1 (default 1)\n"
    "  --ready-prob P     chance the result is taken in a cycle, 0<P<=1 (default 1)\n"
    "  --seed S           random seed (default 1)\n"
    "  --trace FILE.fst   write an FST waveform (open it with gtkwave)\n"
    "  --no-lockstep      run the RTL alone, without the HLS model\n"
    "  --strict           exit 3 if any frame of --pcap carries a bad checksum\n"
    "  -h, --help         this text\n"
    "Exit: 0 ran clean, 1 the engine failed (RTL/HLS mismatch, wrong sum, hang),\n"
    "2 bad arguments or input, 3 bad checksums found with --strict.\n";

// What each frame of a capture contributes: two streams whose sums must be
// ffff when the frame's checksums are right.
struct FrameSpans {
  std::size_t frame_index;
  std::size_t ip_stream, tcp_stream;  // indices into the packet list
  std::string summary;                // endpoints and control bits
};

using tcpoe::cli::flags_text;
using tcpoe::cli::ipv4_text;

std::string frame_summary(const tcpoe::wire::FrameRepr& f) {
  return ipv4_text(f.ip.src) + ":" + std::to_string(f.tcp.src_port) + " > " +
         ipv4_text(f.ip.dst) + ":" + std::to_string(f.tcp.dst_port) + " [" +
         flags_text(f.tcp.flags) + "] len " + std::to_string(f.tcp.payload_len);
}

}  // namespace

int main(int argc, char** argv) {
  tcpoe::sim::CsumRunOptions opt;
  std::string pcap_path;
  uint64_t random_count = 1000, min_len = 1, max_len = 9018;
  bool random_given = false, strict = false;

  const tcpoe::cli::Args cli("tcpoe-csum", kUsage, argc, argv);
  cli.parse([&](const std::string& a, const auto& value) {
    if (a == "--pcap") {
      pcap_path = value();
    } else if (a == "--random") {
      random_count = cli.parse_uint(a, value(), 1, 10000000);
      random_given = true;
    } else if (a == "--min-len") {
      min_len = cli.parse_uint(a, value(), 1, 1u << 20);
    } else if (a == "--max-len") {
      max_len = cli.parse_uint(a, value(), 1, 1u << 20);
    } else if (a == "--strict") {
      strict = true;
    } else {
      return cli.run_option(a, value, opt);
    }
    return true;
  });
  if (!pcap_path.empty() && random_given)
    cli.usage_error("--pcap and --random exclude each other");
  if (min_len > max_len) cli.usage_error("--min-len is above --max-len");

  std::vector<tcpoe::sim::Packet> packets;
  std::vector<FrameSpans> frames;
  std::size_t skipped = 0, frame_count = 0;
  if (!pcap_path.empty()) {
    for (const tcpoe::cli::CapturedFrame& captured :
         tcpoe::cli::read_ethernet_capture("tcpoe-csum", pcap_path)) {
      const std::size_t index = frame_count++;
      const std::vector<uint8_t>& frame = captured.octets;
      const auto parsed = tcpoe::wire::parse_frame(tcpoe::wire::ByteSpan(frame));
      if (frame.size() != captured.wire_len || parsed.malformed != tcpoe::wire::Malformed::kNone) {
        ++skipped;  // not a whole TCP/IPv4 frame: nothing for the engine to verify
        continue;
      }
      namespace f = tcpoe::wire::frame;
      const auto ip_begin = frame.begin() + f::kIpv4Offset;
      const auto& ip = parsed.repr.ip;
      const std::size_t seg_len = ip.payload_len;
      FrameSpans spans{index, packets.size(), packets.size() + 1, frame_summary(parsed.repr)};
      packets.emplace_back(ip_begin, ip_begin + tcpoe::wire::ipv4::kHeaderLen);
      // The pseudo-header goes in front as octets: 12 of them, so the
      // segment's words stay aligned.
      tcpoe::sim::Packet tcp = {uint8_t(ip.src >> 24), uint8_t(ip.src >> 16), uint8_t(ip.src >> 8),
                                uint8_t(ip.src),       uint8_t(ip.dst >> 24), uint8_t(ip.dst >> 16),
                                uint8_t(ip.dst >> 8),  uint8_t(ip.dst),       0,
                                tcpoe::wire::ipv4::kProtocolTcp, uint8_t(seg_len >> 8),
                                uint8_t(seg_len)};
      tcp.insert(tcp.end(), frame.begin() + f::kTcpOffset, frame.begin() + f::kTcpOffset + seg_len);
      packets.push_back(std::move(tcp));
      frames.push_back(spans);
    }
    if (packets.empty()) {
      std::fprintf(stderr, "tcpoe-csum: %s holds no TCP/IPv4 frame (%zu frames read)\n",
                   pcap_path.c_str(), frame_count);
      return 2;
    }
  } else {
    packets = tcpoe::sim::random_packets(random_count, min_len, max_len, opt.seed);
  }

  const auto r = tcpoe::sim::run_csum(packets, opt);
  if (!r.ok) {
    std::fprintf(stderr, "tcpoe-csum: FAILED: %s\n", r.failure.c_str());
    return 1;
  }
  std::printf("tcp_csum DATA_W=%d: %zu packets, %llu beats in %llu cycles, %s\n", opt.data_width,
              r.sums.size(), (unsigned long long)r.beats, (unsigned long long)r.cycles,
              opt.lockstep ? "RTL and HLS model identical on every cycle"
                           : "RTL alone (no lockstep)");
  std::size_t bad = 0;
  if (!frames.empty()) {
    std::printf("%-6s %-10s %-10s %s\n", "frame", "IPv4 csum", "TCP csum", "segment");
    for (const auto& f : frames) {
      const bool ip_ok = r.sums[f.ip_stream] == 0xffff;
      const bool tcp_ok = r.sums[f.tcp_stream] == 0xffff;
      bad += !ip_ok + !tcp_ok;
      std::printf("%-6zu %-10s %-10s %s\n", f.frame_index + 1, ip_ok ? "ok" : "BAD",
                  tcp_ok ? "ok" : "BAD", f.summary.c_str());
    }
    std::printf("%zu TCP/IPv4 frames verified, %zu bad checksums; %zu frames not TCP/IPv4, "
                "skipped\n",
                frames.size(), bad, skipped);
  }
  if (!opt.fst_path.empty()) std::printf("waveform: %s\n", opt.fst_path.c_str());
  return strict && bad != 0 ? 3 : 0;
}

// The wire-format layer against an oracle we did not write: scapy (Debian's
// python3-scapy, through tests/oracles/scapy_frames.py).
//
// Padding: scapy builds frames without Ethernet padding, while emit_frame
// pads to 60 octets with zeros as a NIC does. So our frame is compared with
// scapy's bytes zero-extended to 60 octets (the same bytes, plus the zeros
// that a NIC would add), and parse_frame is given scapy's unpadded bytes as
// well as padded ones.
//
// A missing scapy fails these tests (run_scapy_oracle throws); it never skips.
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../support/subprocess.h"
#include "../support/test_seed.h"
#include "tcpoe/wire/frame.h"
#include "wire_test_util.h"

using namespace tcpoe::wire;
using tcpoe::test::from_hex;
using tcpoe::test::run_scapy_oracle;
using tcpoe::test::to_hex;
using tcpoe::wire::test::Random;
using tcpoe::wire::test::with_lengths;
using Octets = std::vector<uint8_t>;
using Fields = std::map<std::string, std::string>;

namespace {

std::vector<Fields> parse_lines(const std::string& text) {
  std::vector<Fields> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    Fields f;
    std::istringstream tokens(line);
    std::string token;
    while (tokens >> token) {
      const auto eq = token.find('=');
      if (eq != std::string::npos) f[token.substr(0, eq)] = token.substr(eq + 1);
    }
    out.push_back(f);
  }
  return out;
}

const std::string& get(const Fields& f, const std::string& key) {
  static const std::string missing = "<missing>";
  const auto it = f.find(key);
  return it == f.end() ? missing : it->second;
}

uint64_t num(const Fields& f, const std::string& key) {
  return std::stoull(get(f, key), nullptr, 0);
}
uint64_t hexnum(const Fields& f, const std::string& key) {
  return std::stoull(get(f, key), nullptr, 16);
}

MacAddress mac(const std::string& hex) {
  const Octets b = from_hex(hex);
  MacAddress m{};
  for (std::size_t i = 0; i < m.size() && i < b.size(); ++i) m[i] = b[i];
  return m;
}

Octets payload_of(const Fields& f) {
  const std::string& p = get(f, "payload");
  return p == "-" ? Octets{} : from_hex(p);
}

std::string hex_n(uint64_t v, int digits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

// The fields scapy's dissect mode prints, as our views and parse_frame see
// them, formatted the same way.
Fields describe(const Octets& frame) {
  const ByteSpan bytes(frame);
  const ConstEthernetFrame eth(bytes);
  const ConstIpv4Packet ip(eth.payload());
  const ConstTcpSegment tcp(ip.payload());
  const ParsedFrame parsed = parse_frame(bytes);
  const TcpOptions& o = parsed.repr.tcp.options;
  const auto opt = [](const auto& v) { return v ? std::to_string(*v) : std::string("-"); };
  const MacAddress dst = eth.dst_addr(), src = eth.src_addr();
  const Octets payload(tcp.payload().begin(), tcp.payload().end());
  Fields f;
  f["malformed"] = std::to_string(static_cast<int>(parsed.malformed));
  f["eth_dst"] = to_hex(Octets(dst.begin(), dst.end()));
  f["eth_src"] = to_hex(Octets(src.begin(), src.end()));
  f["ethertype"] = std::to_string(eth.ethertype());
  f["version"] = std::to_string(ip.version());
  f["ihl"] = std::to_string(ip.ihl());
  f["ip_len"] = std::to_string(ip.total_len());
  f["mf"] = std::to_string(ip.more_frags());
  f["frag"] = std::to_string(ip.frag_offset());
  f["proto"] = std::to_string(ip.protocol());
  f["ip_src"] = hex_n(ip.src_addr(), 8);
  f["ip_dst"] = hex_n(ip.dst_addr(), 8);
  f["ttl"] = std::to_string(ip.ttl());
  f["ident"] = std::to_string(ip.ident());
  f["dscp"] = std::to_string(ip.dscp());
  f["ecn"] = std::to_string(ip.ecn());
  f["df"] = std::to_string(ip.dont_frag());
  f["sport"] = std::to_string(tcp.src_port());
  f["dport"] = std::to_string(tcp.dst_port());
  f["seq"] = std::to_string(tcp.seq_number());
  f["ack"] = std::to_string(tcp.ack_number());
  f["data_offset"] = std::to_string(tcp.data_offset());
  f["reserved"] = std::to_string(tcp.reserved());
  f["flags"] = std::to_string(tcp.flags());
  f["window"] = std::to_string(tcp.window());
  f["urgent"] = std::to_string(tcp.urgent_ptr());
  f["mss"] = opt(o.mss);
  f["ws"] = opt(o.window_scale);
  f["ts"] = o.timestamps
                ? std::to_string(o.timestamps->first) + "," + std::to_string(o.timestamps->second)
                : "-";
  f["sack"] = std::to_string(o.sack_permitted);
  f["unknown"] = std::to_string(o.unknown_skipped);
  f["payload"] = payload.empty() ? "-" : to_hex(payload);
  f["payload_len"] = std::to_string(payload.size());
  f["ip_csum_ok"] = std::to_string(parsed.ip_checksum_ok);
  f["tcp_csum_ok"] = std::to_string(parsed.tcp_checksum_ok);
  return f;
}

}  // namespace

TEST_CASE("emit_frame builds scapy's frames octet for octet, parse_frame reads them back",
          "[wire][oracle][scapy]") {
  constexpr int kFrames = 400;
  const auto oracle = run_scapy_oracle("scapy_frames.py gen " + std::to_string(kFrames) + " " +
                                       std::to_string(tcpoe::test::test_seed(2024)));
  const std::vector<Fields> lines = parse_lines(oracle.output);
  REQUIRE(lines.size() == kFrames);
  int padded = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Fields& s = lines[i];
    INFO("scapy frame " << i << ": " << get(s, "frame"));
    FrameRepr r;
    r.eth.dst = mac(get(s, "eth_dst"));
    r.eth.src = mac(get(s, "eth_src"));
    r.eth.ethertype = static_cast<uint16_t>(num(s, "ethertype"));
    r.ip.src = static_cast<uint32_t>(hexnum(s, "ip_src"));
    r.ip.dst = static_cast<uint32_t>(hexnum(s, "ip_dst"));
    r.ip.ttl = static_cast<uint8_t>(num(s, "ttl"));
    r.ip.ident = static_cast<uint16_t>(num(s, "ident"));
    r.ip.dscp = static_cast<uint8_t>(num(s, "dscp"));
    r.ip.ecn = static_cast<uint8_t>(num(s, "ecn"));
    r.ip.dont_frag = num(s, "df") != 0;
    r.tcp.src_port = static_cast<uint16_t>(num(s, "sport"));
    r.tcp.dst_port = static_cast<uint16_t>(num(s, "dport"));
    r.tcp.seq = static_cast<uint32_t>(num(s, "seq"));
    r.tcp.ack = static_cast<uint32_t>(num(s, "ack"));
    r.tcp.flags = static_cast<uint8_t>(num(s, "flags"));
    r.tcp.window = static_cast<uint16_t>(num(s, "window"));
    r.tcp.urgent = static_cast<uint16_t>(num(s, "urgent"));
    if (get(s, "mss") != "-") r.tcp.options.mss = static_cast<uint16_t>(num(s, "mss"));
    if (get(s, "ws") != "-") r.tcp.options.window_scale = static_cast<uint8_t>(num(s, "ws"));
    r.tcp.options.sack_permitted = num(s, "sack") != 0;
    if (get(s, "ts") != "-") {
      const std::string& ts = get(s, "ts");
      const auto comma = ts.find(',');
      r.tcp.options.timestamps =
          std::make_pair(static_cast<uint32_t>(std::stoul(ts.substr(0, comma))),
                         static_cast<uint32_t>(std::stoul(ts.substr(comma + 1))));
    }
    const Octets payload = payload_of(s);
    const Octets scapy_frame = from_hex(get(s, "frame"));

    Octets scapy_padded = scapy_frame;
    if (scapy_padded.size() < eth::kMinFrameLen) {
      scapy_padded.resize(eth::kMinFrameLen, 0);
      ++padded;
    }
    const Octets ours = emit_frame(r, payload);
    CHECK(to_hex(ours) == to_hex(scapy_padded));

    for (const Octets* f : std::vector<const Octets*>{&scapy_frame, &scapy_padded}) {
      const ParsedFrame p = parse_frame(ByteSpan(*f));
      REQUIRE(p.malformed == Malformed::kNone);
      CHECK(p.ip_checksum_ok);
      CHECK(p.tcp_checksum_ok);
      CHECK(p.repr == with_lengths(r, payload.size()));
      REQUIRE(p.payload_len == payload.size());
      CHECK(Octets(f->begin() + p.payload_offset, f->begin() + p.payload_offset + p.payload_len) ==
            payload);
    }
  }
  CHECK(padded > 10);  // the padding rule was exercised
}

TEST_CASE("scapy dissects our frames, bad checksums included, as parse_frame does",
          "[wire][oracle][scapy]") {
  Random rng(tcpoe::test::test_seed(41));
  std::vector<Octets> frames;
  std::vector<std::string> kinds;
  for (int i = 0; i < 300; ++i) {
    FrameRepr r = rng.frame_repr();
    const Octets payload = rng.bytes(rng.payload_len());
    Octets f = emit_frame(r, payload);
    const std::size_t segment_len = r.tcp.header_len() + payload.size();
    Ipv4Packet ip(MutableByteSpan(f).subspan(frame::kIpv4Offset));
    TcpSegment tcp(MutableByteSpan(f).subspan(frame::kTcpOffset, segment_len));
    const auto refill_tcp = [&] { tcp.fill_checksum(ip.src_addr(), ip.dst_addr()); };
    std::string kind = "as emitted";
    switch (i % 8) {
      case 1:
        tcp.set_reserved(static_cast<uint8_t>(1 + rng.below(15)));
        refill_tcp();
        kind = "TCP reserved bits set";
        break;
      case 2:
        ip.set_checksum(ip.checksum() ^ static_cast<uint16_t>(1 + rng.below(0xffff)));
        kind = "IP checksum corrupted";
        break;
      case 3:
        tcp.set_checksum(tcp.checksum() ^ static_cast<uint16_t>(1 + rng.below(0xffff)));
        kind = "TCP checksum corrupted";
        break;
      case 4: {
        // A payload octet, or one of the ports and sequence numbers: octets
        // whose change leaves the frame well-formed.
        const std::size_t at = payload.empty() || rng.chance(0.5)
                                   ? frame::kTcpOffset + rng.below(tcp::kAckNum.end())
                                   : frame::kTcpOffset + r.tcp.header_len() +
                                         rng.below(static_cast<uint32_t>(payload.size()));
        f[at] ^= static_cast<uint8_t>(1 + rng.below(255));
        kind = "a TCP octet changed after the checksum";
        break;
      }
      case 5:
        ip.set_checksum(ip.checksum() ^ 0x0100);
        tcp.set_checksum(tcp.checksum() ^ 0x0001);
        kind = "both checksums corrupted";
        break;
      case 6:
        if (r.tcp.options.window_scale) {
          // NOP WS(3,3,s), the last option word, becomes an unknown option
          // kind 30 of 4 octets.
          const std::size_t ws = frame::kTcpOffset + r.tcp.header_len() - 4;
          REQUIRE(f[ws] == tcp::opt::kNop);
          REQUIRE(f[ws + 1] == tcp::opt::kWindowScale);
          f[ws] = 30;
          f[ws + 1] = 4;
          refill_tcp();
          kind = "an unknown option";
        }
        break;
      case 7:
        if (r.tcp.options.mss && tcp_options_len(r.tcp.options) > 4) {
          // EOL right after the MSS: the rest of the option area is ignored.
          f[frame::kTcpOffset + 24] = tcp::opt::kEol;
          refill_tcp();
          kind = "EOL after MSS";
        }
        break;
      default:
        break;
    }
    frames.push_back(f);
    kinds.push_back(kind);
  }
  std::string input;
  for (const Octets& f : frames) input += to_hex(f) + "\n";
  const auto oracle = run_scapy_oracle("scapy_frames.py dissect", input);
  const std::vector<Fields> lines = parse_lines(oracle.output);
  REQUIRE(lines.size() == frames.size());

  int bad_ip = 0, bad_tcp = 0, unknown = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    INFO("frame " << i << " (" << kinds[i] << "): " << to_hex(frames[i]));
    const Fields ours = describe(frames[i]);
    const Fields& theirs = lines[i];
    CHECK(get(ours, "malformed") == "0");
    for (const auto& [key, value] : theirs) {
      INFO("field " << key);
      CHECK(get(ours, key) == value);
    }
    CHECK(theirs.size() >= 34);  // every field came back
    bad_ip += get(theirs, "ip_csum_ok") == "0";
    bad_tcp += get(theirs, "tcp_csum_ok") == "0";
    unknown += get(theirs, "unknown") != "0";
  }
  // The corruptions reached scapy as corruptions.
  CHECK(bad_ip >= 60);
  CHECK(bad_tcp >= 100);
  CHECK(unknown >= 5);
}

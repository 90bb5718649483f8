// The receive parser against scapy, which we did not write: scapy builds
// frames (options in random legal orders, wrong checksums, and a frame of
// every Malformed code: short, not IPv4, IHL below 5, IP options, bad total
// length, fragments, UDP, bad data offsets, bad options), the RTL (in
// lockstep with its HLS reference) parses them at every DATA_W, and scapy's
// own dissection of the same octets must agree with every descriptor field,
// checksum verdict and Malformed code (scapy_dissect.py judge: scapy's
// reading of why the frame is malformed).
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <sstream>

#include "../support/key_values.h"
#include "../support/subprocess.h"
#include "../support/test_seed.h"
#include "parser_lockstep.h"
#include "tcpoe/wire/rx_descriptor.h"

namespace w = tcpoe::wire;
using tcpoe::sim::Frame;

namespace {


std::string hex_of(const uint8_t* p, std::size_t n) {
  return tcpoe::test::to_hex(std::vector<uint8_t>(p, p + n));
}

std::string hex32(uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

}  // namespace

TEST_CASE("scapy builds, our parser parses, scapy dissects: every field and verdict agree",
          "[parser][scapy][oracle]") {
  const auto gen = tcpoe::test::run_scapy_oracle(
      "scapy_dissect.py gen 400 " + std::to_string(tcpoe::test::test_seed(2024)));
  std::vector<std::string> kinds;
  std::vector<Frame> frames;
  std::string hex_lines;
  std::istringstream is(gen.output);
  std::string kind, hex;
  while (is >> kind >> hex) {
    Frame f = tcpoe::test::from_hex(hex);
    if (f.size() < 60 && kind != "short") f.resize(60, 0);  // the MAC pads short frames
    kinds.push_back(kind);
    hex_lines += tcpoe::test::to_hex(f) + "\n";
    frames.push_back(std::move(f));
  }
  REQUIRE(frames.size() == 400);
  const auto dis = tcpoe::test::run_scapy_oracle("scapy_dissect.py dissect", hex_lines);
  std::vector<std::map<std::string, std::string>> scapy;
  std::istringstream ds(dis.output);
  for (std::string line; std::getline(ds, line);)
    if (!line.empty()) scapy.push_back(tcpoe::test::key_value_fields(line));
  REQUIRE(scapy.size() == frames.size());
  // scapy's own reading of why a frame is malformed: a Malformed name per
  // frame, its code the name's place in the list.
  const std::vector<std::string> reasons = {
      "none",     "short_frame", "not_ipv4", "ip_header_len",   "ip_options",
      "ip_total_len", "fragment", "not_tcp", "tcp_data_offset", "tcp_option"};
  REQUIRE(reasons.size() == w::kMalformedCodeCount);
  const auto judged = tcpoe::test::run_scapy_oracle("scapy_dissect.py judge", hex_lines);
  std::vector<int> scapy_code;
  std::istringstream js(judged.output);
  for (std::string name; js >> name;) {
    const auto at = std::find(reasons.begin(), reasons.end(), name);
    INFO("scapy's reason " << name);
    REQUIRE(at != reasons.end());
    scapy_code.push_back(int(at - reasons.begin()));
  }
  REQUIRE(scapy_code.size() == frames.size());

  const std::map<std::string, int> code_of_kind = {
      {"good", 0},          {"bad_ip_csum", 0}, {"bad_tcp_csum", 0}, {"short", 1},
      {"not_ipv4", 2},      {"ihl_short", 3},   {"ip_options", 4},   {"bad_total_len", 5},
      {"fragment", 6},      {"udp", 7},         {"bad_dataofs", 8},  {"bad_option", 9}};
  std::map<std::string, int> seen;
  for (int width : {64, 128, 256, 512}) {
    tcpoe::sim::ParserRunOptions opt;
    opt.data_width = width;
    opt.valid_probability = 0.8;
    opt.ready_probability = 0.8;
    const auto r = tcpoe::sim::run_parser(frames, opt);
    INFO("DATA_W=" << width << ": " << r.failure);
    REQUIRE(r.ok);
    REQUIRE(r.descriptors.size() == frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const w::RxDescriptor d = w::unpack_rx_descriptor(r.descriptors[i]);
      auto& s = scapy[i];
      INFO("frame " << i << " kind " << kinds[i] << " scapy: " << s.size() << " keys");
      REQUIRE(code_of_kind.count(kinds[i]) == 1);
      CHECK(int(d.malformed) == code_of_kind.at(kinds[i]));
      CHECK(int(d.malformed) == scapy_code[i]);
      if (width == 64) ++seen[kinds[i]];
      if (s.count("error")) {
        // scapy finds no TCP/IPv4 in a frame too short for the headers, not
        // IPv4, with a total length past the frame (or below 20), or in UDP
        // or a fragment past offset 0; it cannot read the fields of a header
        // whose IHL is below 5.
        CHECK(d.malformed != w::Malformed::kNone);
        CHECK(d.malformed != w::Malformed::kIpOptions);
        CHECK(d.malformed != w::Malformed::kTcpDataOffset);
        CHECK(d.malformed != w::Malformed::kTcpOption);
        continue;
      }
      // Fields scapy reads whatever the verdict.
      CHECK(hex_of(d.eth_dst.data(), 6) == s["eth_dst"]);
      CHECK(hex_of(d.eth_src.data(), 6) == s["eth_src"]);
      CHECK(std::to_string(d.ethertype) == s["ethertype"]);
      CHECK(hex32(d.ip_src) == s["ip_src"]);
      CHECK(hex32(d.ip_dst) == s["ip_dst"]);
      CHECK(std::to_string(d.ip_total_len) == s["ip_len"]);
      CHECK(std::to_string(d.ip_ttl) == s["ttl"]);
      CHECK(std::to_string(d.ip_ident) == s["ident"]);
      CHECK(std::to_string(d.dscp()) == s["dscp"]);
      CHECK(std::to_string(d.ecn()) == s["ecn"]);
      CHECK(int(d.dont_frag()) == std::stoi(s["df"]));
      CHECK(int((d.ip_flags & w::rx_desc::ip_flag::kMoreFrags) != 0) == std::stoi(s["mf"]));
      CHECK(std::to_string(d.ip_protocol) == s["proto"]);
      if (d.ip_csum_checked) CHECK(int(d.ip_csum_ok) == std::stoi(s["ip_csum_ok"]));
      if (d.malformed != w::Malformed::kNone) continue;
      CHECK(d.ip_csum_checked);
      CHECK(d.tcp_csum_checked);
      CHECK(int(d.tcp_csum_ok) == std::stoi(s["tcp_csum_ok"]));
      CHECK(std::to_string(d.tcp_src_port) == s["sport"]);
      CHECK(std::to_string(d.tcp_dst_port) == s["dport"]);
      CHECK(std::to_string(d.tcp_seq) == s["seq"]);
      CHECK(std::to_string(d.tcp_ack) == s["ack"]);
      CHECK(std::to_string(d.tcp_flags) == s["flags"]);
      CHECK(std::to_string(d.tcp_window) == s["window"]);
      CHECK(std::to_string(d.tcp_urgent) == s["urgent"]);
      CHECK(std::to_string(d.tcp_data_offset) == s["data_offset"]);
      namespace of = w::rx_desc::opt_found;
      CHECK(((d.opt_found & of::kMss) ? std::to_string(d.opt_mss) : "-") == s["mss"]);
      CHECK(((d.opt_found & of::kWindowScale) ? std::to_string(d.opt_window_scale) : "-") ==
            s["ws"]);
      CHECK(((d.opt_found & of::kTimestamps)
                 ? std::to_string(d.opt_ts_val) + "," + std::to_string(d.opt_ts_ecr)
                 : "-") == s["ts"]);
      CHECK(int((d.opt_found & of::kSackPermitted) != 0) == std::stoi(s["sack"]));
      CHECK(std::to_string(d.payload_len) == s["payload_len"]);
      CHECK(d.payload_offset == 34 + 4 * d.tcp_data_offset);
      if (kinds[i] == "good") CHECK((d.ip_csum_ok && d.tcp_csum_ok));
    }
  }
  std::vector<int> judged_codes(w::kMalformedCodeCount, 0);
  for (int c : scapy_code) ++judged_codes[c];
  for (const auto& [k, code] : code_of_kind) {
    INFO("kind " << k);
    CHECK(seen[k] > 5);  // scapy's generator really produced every kind
    CHECK(judged_codes[code] > 5);  // and scapy judged every code on some frames
  }
}

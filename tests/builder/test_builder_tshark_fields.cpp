// tshark judges every field of the frames the RTL builds, against the
// descriptor each frame was built from: the expected values come from the
// input, never from our wire layer's reading of the output. Checksums and
// form are test_builder_oracles.cpp's business; here a builder that wrote a
// constant TTL, a zero urgent pointer, a wrong length or an option out of
// place fails, even when its checksums agree with what it wrote.
#include <catch2/catch.hpp>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "../support/subprocess.h"
#include "../support/test_seed.h"
#include "../support/tshark_check.h"
#include "builder_lockstep.h"
#include "builder_pcap.h"
#include "builder_test_util.h"
#include "tcpoe/wire/layout.h"

using tcpoe::sim::TxSegment;
using tcpoe::test::test_seed;
namespace wire = tcpoe::wire;

namespace {

// What tshark is asked, and the order of the columns.
enum Column {
  kEthDst, kEthSrc, kEthType,
  kIpVersion, kIpHdrLen, kIpDscp, kIpEcn, kIpLen, kIpId, kIpRb, kIpDf, kIpMf, kIpFragOffset,
  kIpTtl, kIpProto, kIpSrc, kIpDst,
  kTcpSrcPort, kTcpDstPort, kTcpSeq, kTcpAck, kTcpHdrLen, kTcpFlags, kTcpWindow, kTcpUrgent,
  kTcpLen, kTcpOptionKind, kTcpOptionLen, kTcpMss, kTcpWscale, kTcpTsval, kTcpTsecr,
  kColumns
};
const std::vector<std::string> kFields = {
    "eth.dst", "eth.src", "eth.type",
    "ip.version", "ip.hdr_len", "ip.dsfield.dscp", "ip.dsfield.ecn", "ip.len", "ip.id",
    "ip.flags.rb", "ip.flags.df", "ip.flags.mf", "ip.frag_offset", "ip.ttl", "ip.proto",
    "ip.src", "ip.dst",
    "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags",
    "tcp.window_size_value", "tcp.urgent_pointer", "tcp.len", "tcp.option_kind",
    "tcp.option_len", "tcp.options.mss_val", "tcp.options.wscale.shift",
    "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr",
};

std::string text(const char* format, unsigned long v) {
  char b[32];
  std::snprintf(b, sizeof b, format, v);
  return b;
}
std::string dec(unsigned long v) { return std::to_string(v); }

std::string mac(const std::array<uint8_t, 6>& m) {
  std::string s;
  for (uint8_t b : m) s += (s.empty() ? "" : ":") + text("%02x", b);
  return s;
}

std::string ipv4(uint32_t a) {
  return dec(a >> 24) + "." + dec((a >> 16) & 255) + "." + dec((a >> 8) & 255) + "." +
         dec(a & 255);
}

// The option kinds and lengths the descriptor asks for, in Linux's SYN
// layout (net/ipv4/tcp_output.c tcp_options_write()): MSS; SACK-permitted or
// NOP NOP, then timestamps; NOP NOP SACK-permitted without timestamps; NOP
// window scale. Written out here, from Linux, not taken from our emitter.
struct ExpectedOptions {
  std::vector<std::string> kinds, lens;  // lens: of the options that have one
  unsigned octets = 0;
};
ExpectedOptions expected_options(const wire::TxDescriptor& d) {
  namespace op = wire::tcp::opt;
  ExpectedOptions e;
  const auto add = [&e](std::initializer_list<int> kinds, int len) {
    for (int k : kinds) e.kinds.push_back(dec(k));
    e.lens.push_back(dec(len));
    e.octets += unsigned(kinds.size() - 1 + len);
  };
  if (d.has_mss) add({op::kMss}, op::kMssLen);
  if (d.has_timestamps) {
    if (d.sack_permitted) {
      add({op::kSackPermitted}, op::kSackPermittedLen);
      add({op::kTimestamps}, op::kTimestampsLen);
    } else {
      add({op::kNop, op::kNop, op::kTimestamps}, op::kTimestampsLen);
    }
  }
  if (d.sack_permitted && !d.has_timestamps)
    add({op::kNop, op::kNop, op::kSackPermitted}, op::kSackPermittedLen);
  if (d.has_window_scale) add({op::kNop, op::kWindowScale}, op::kWindowScaleLen);
  return e;
}

// One line per field that differs: "ip.ttl: tshark 64, descriptor 17".
std::vector<std::string> judge(const std::vector<std::vector<std::string>>& row,
                               const TxSegment& s) {
  const wire::TxDescriptor& d = s.desc;
  const ExpectedOptions o = expected_options(d);
  const unsigned tcp_hlen = 20 + o.octets;
  std::vector<std::vector<std::string>> want(kColumns);
  // Scalar fields: the first occurrence is this frame's header (a payload
  // tshark reads as some protocol cannot come before it).
  const auto one = [&](Column c, std::string v) { want[c] = {std::move(v)}; };
  one(kEthDst, mac(d.eth_dst));
  one(kEthSrc, mac(d.eth_src));
  one(kEthType, "0x0800");
  one(kIpVersion, "4");
  one(kIpHdrLen, "20");
  one(kIpDscp, dec(d.tos >> 2));
  one(kIpEcn, dec(d.tos & 3u));
  one(kIpLen, dec(20 + tcp_hlen + d.payload_len));
  one(kIpId, text("0x%04x", d.ident));
  one(kIpRb, "0");
  one(kIpDf, d.dont_frag ? "1" : "0");
  one(kIpMf, "0");
  one(kIpFragOffset, "0");
  one(kIpTtl, dec(d.ttl));
  one(kIpProto, "6");
  one(kIpSrc, ipv4(d.ip_src));
  one(kIpDst, ipv4(d.ip_dst));
  one(kTcpSrcPort, dec(d.src_port));
  one(kTcpDstPort, dec(d.dst_port));
  one(kTcpSeq, dec(d.seq));
  one(kTcpAck, dec(d.ack));
  one(kTcpHdrLen, dec(tcp_hlen));
  one(kTcpFlags, text("0x%04x", d.tcp_flags));
  one(kTcpWindow, dec(d.window));
  one(kTcpUrgent, dec(d.urgent));
  one(kTcpLen, dec(d.payload_len));
  if (d.has_mss) one(kTcpMss, dec(d.mss));
  if (d.has_window_scale) one(kTcpWscale, dec(d.window_scale));
  if (d.has_timestamps) {
    one(kTcpTsval, dec(d.ts_val));
    one(kTcpTsecr, dec(d.ts_ecr));
  }
  std::vector<std::string> diffs;
  const auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& x : v) s += (s.empty() ? "" : ",") + x;
    return "[" + s + "]";
  };
  for (int c = 0; c < kColumns; ++c) {
    std::vector<std::string> got = row[c];
    if (c == kTcpOptionKind) {
      want[c] = o.kinds;
    } else if (c == kTcpOptionLen) {
      want[c] = o.lens;
    } else if (got.size() > 1 && !want[c].empty()) {
      got.resize(1);
    }
    if (got != want[c])
      diffs.push_back(kFields[c] + ": tshark " + list(got) + ", descriptor " + list(want[c]));
  }
  return diffs;
}

}  // namespace

TEST_CASE("tshark reads every header field and option of the RTL's frames as the descriptor says"
          " - at every DATA_W", "[builder][oracle][tshark]") {
  std::vector<TxSegment> segments;
  std::vector<std::vector<uint8_t>> frames;
  std::vector<uint64_t> cycles;
  for (int w : tcpoe::sim::kDataWidths) {
    // Every field random, every option combination; a quarter with payload.
    std::mt19937_64 rng(test_seed(7100 + uint64_t(w)));
    std::vector<TxSegment> segs;
    for (int i = 0; i < 400; ++i)
      segs.push_back(rng() % 4 == 0 ? tcpoe::test::random_segment(rng, 1, 600)
                                    : tcpoe::test::random_segment(rng, 0, 0));
    tcpoe::sim::BuilderRunOptions opt;
    opt.data_width = w;
    opt.ready_probability = 0.8;
    opt.seed = test_seed(uint64_t(w));
    const auto r = tcpoe::sim::run_builder(segs, opt);
    INFO("DATA_W=" << w << ": " << r.failure);
    REQUIRE(r.ok);
    REQUIRE(r.frames.size() == segs.size());
    segments.insert(segments.end(), segs.begin(), segs.end());
    frames.insert(frames.end(), r.frames.begin(), r.frames.end());
    cycles.insert(cycles.end(), r.frame_last_cycle.begin(), r.frame_last_cycle.end());
  }

  const std::string path = tcpoe::test::write_builder_pcap(frames, cycles);
  const auto t = tcpoe::test::tshark_fields(path, kFields);
  std::remove(path.c_str());
  {
    INFO(t.raw.substr(0, 2000));
    REQUIRE(t.ran);
    REQUIRE(t.rows.size() == segments.size());
  }
  std::size_t bad_frames = 0;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::vector<std::string> diffs = judge(t.rows[i], segments[i]);
    if (diffs.empty()) continue;
    // The first few frames in full; then only the count, to stay readable.
    if (++bad_frames <= 5) {
      std::string msg = "frame " + std::to_string(i + 1) + " (" +
                        tcpoe::test::scapy_line(segments[i]).substr(0, 400) + "):";
      for (const std::string& d : diffs) msg += "\n  " + d;
      FAIL_CHECK(msg);
    }
  }
  INFO(bad_frames << " of " << segments.size() << " frames differ from their descriptors");
  CHECK(bad_frames == 0);
}

// The judge can fail: a frame whose TTL and urgent pointer differ from its
// descriptor (both checksums still right) is caught on both fields.
TEST_CASE("tshark field check: a frame whose TTL and urgent pointer disagree with its descriptor"
          " fails", "[builder][oracle][tshark]") {
  std::mt19937_64 rng(test_seed(5));
  TxSegment s = tcpoe::test::random_segment(rng, 0, 0);
  s.desc.ttl = 17;
  s.desc.urgent = 0x1234;
  TxSegment written = s;
  written.desc.ttl = 64;
  written.desc.urgent = 0;
  const std::string path = tcpoe::test::write_builder_pcap(
      {tcpoe::test::expected_frame(written)}, {0});
  const auto t = tcpoe::test::tshark_fields(path, kFields);
  std::remove(path.c_str());
  REQUIRE(t.ran);
  REQUIRE(t.rows.size() == 1);
  const std::vector<std::string> diffs = judge(t.rows[0], s);
  REQUIRE(diffs.size() == 2);
  CHECK(diffs[0] == "ip.ttl: tshark [64], descriptor [17]");
  CHECK(diffs[1] == "tcp.urgent_pointer: tshark [0], descriptor [4660]");
  // And the frame written as described passes.
  CHECK(judge(t.rows[0], written).empty());
}

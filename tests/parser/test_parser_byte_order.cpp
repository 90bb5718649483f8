// The RX descriptor's byte order, pinned: multi-octet fields are big-endian
// in the record (docs/descriptors.md), so a field copied from a header is
// that header's octets in frame order. Checked on the software pack() and on
// the octets rtl/tcp_rx_parser.sv puts on m_desc_tdata (in lockstep with its
// HLS reference), for one known frame.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>

#include "parser_lockstep.h"
#include "parser_test_util.h"

namespace w = tcpoe::wire;
namespace rd = tcpoe::wire::rx_desc;
using tcpoe::parser_test::Frame;

namespace {

// Options: MSS 0x05b4, NOP NOP, timestamps, 4 NOPs (20 octets, data
// offset 10): the MSS value at frame octets 56..57, TSval at 62..65, TSecr
// at 66..69.
constexpr std::size_t kMssAt = 56, kTsValAt = 62, kTsEcrAt = 66;
constexpr uint16_t kPayloadLen = 0x0123;

Frame known_frame() {
  w::FrameRepr r;
  r.eth.dst = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
  r.eth.src = {0x02, 0x66, 0x77, 0x88, 0x99, 0xaa};
  r.ip.src = 0xc0000201;  // 192.0.2.1
  r.ip.dst = 0xc6336407;  // 198.51.100.7
  r.ip.ttl = 64;
  r.ip.ident = 0xbeef;
  r.ip.dont_frag = true;
  r.tcp.src_port = 0x1234;
  r.tcp.dst_port = 0x0050;
  r.tcp.seq = 0x01020304;
  r.tcp.ack = 0xa1b2c3d4;
  r.tcp.flags = uint8_t(w::tcp::flag::kAck | w::tcp::flag::kPsh);
  r.tcp.window = 0xfedc;
  r.tcp.urgent = 0x0102;
  const Frame options = {w::tcp::opt::kMss, 4, 0x05, 0xb4, w::tcp::opt::kNop, w::tcp::opt::kNop,
                         w::tcp::opt::kTimestamps, 10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
                         0x77, 0x88, w::tcp::opt::kNop, w::tcp::opt::kNop,
                         w::tcp::opt::kNop, w::tcp::opt::kNop};
  Frame payload(kPayloadLen);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = uint8_t(i * 7 + 3);
  return tcpoe::parser_test::build_frame(r, options, payload);
}

// Descriptor octets [d, d+n) equal frame octets [f, f+n).
void check_octets(const w::RxDescriptorBytes& desc, const Frame& frame, const char* field,
                  w::Field d, std::size_t f) {
  for (std::size_t i = 0; i < d.size; ++i) {
    INFO(field << ": descriptor octet " << d.offset + i << " vs frame octet " << f + i);
    CHECK(int(desc[d.offset + i]) == int(frame[f + i]));
  }
}

// Every multi-octet field of the known frame's descriptor, octet by octet.
void check_big_endian(const w::RxDescriptorBytes& b, const Frame& f) {
  check_octets(b, f, "ethertype", rd::kEtherType, 12);
  check_octets(b, f, "ip_total_len", rd::kIpTotalLen, 16);
  check_octets(b, f, "ip_ident", rd::kIpIdent, 18);
  check_octets(b, f, "ip_src", rd::kIpSrc, 26);
  check_octets(b, f, "ip_dst", rd::kIpDst, 30);
  check_octets(b, f, "tcp_src_port", rd::kTcpSrcPort, 34);
  check_octets(b, f, "tcp_dst_port", rd::kTcpDstPort, 36);
  check_octets(b, f, "tcp_seq", rd::kTcpSeq, 38);
  check_octets(b, f, "tcp_ack", rd::kTcpAck, 42);
  check_octets(b, f, "tcp_window", rd::kTcpWindow, 48);
  check_octets(b, f, "tcp_urgent", rd::kTcpUrgent, 52);
  check_octets(b, f, "opt_mss", rd::kOptMss, kMssAt);
  check_octets(b, f, "opt_ts_val", rd::kOptTsVal, kTsValAt);
  check_octets(b, f, "opt_ts_ecr", rd::kOptTsEcr, kTsEcrAt);
  // The literal octets too, so a frame built wrongly cannot hide a swap.
  CHECK(b[rd::kIpSrc.offset] == 0xc0);
  CHECK(b[rd::kIpSrc.offset + 1] == 0x00);
  CHECK(b[rd::kIpSrc.offset + 2] == 0x02);
  CHECK(b[rd::kIpSrc.offset + 3] == 0x01);
  CHECK(b[rd::kTcpSeq.offset] == 0x01);
  CHECK(b[rd::kTcpSeq.offset + 3] == 0x04);
  CHECK(b[rd::kOptMss.offset] == 0x05);
  CHECK(b[rd::kOptMss.offset + 1] == 0xb4);
  // Computed by the parser, not copied: big-endian as well.
  CHECK(b[rd::kPayloadLen.offset] == (kPayloadLen >> 8));
  CHECK(b[rd::kPayloadLen.offset + 1] == (kPayloadLen & 0xff));
  CHECK(b[rd::kPayloadOffset.offset] == 34 + 40);
}

}  // namespace

TEST_CASE("RX descriptor byte order: multi-octet fields are the frame's octets in order",
          "[parser][rx_desc][byte_order]") {
  const Frame f = known_frame();
  REQUIRE(f.size() == 14 + 20 + 40 + kPayloadLen);
  // The frame is what this test assumes it is.
  REQUIRE(f[12] == 0x08);
  REQUIRE(f[13] == 0x00);
  REQUIRE(f[26] == 0xc0);
  REQUIRE(f[38] == 0x01);
  REQUIRE(f[46] >> 4 == 10);
  REQUIRE(f[54] == w::tcp::opt::kMss);
  REQUIRE(f[60] == w::tcp::opt::kTimestamps);
  const w::RxDescriptor want = tcpoe::kernels::expected_rx_descriptor(f);
  REQUIRE(want.malformed == w::Malformed::kNone);
  REQUIRE(want.tcp_csum_ok);
  REQUIRE(want.opt_found == (rd::opt_found::kMss | rd::opt_found::kTimestamps));
  REQUIRE(want.payload_len == kPayloadLen);

  SECTION("software: pack(), and unpack_rx_descriptor() reads the numbers back") {
    const w::RxDescriptorBytes b = w::pack(want);
    check_big_endian(b, f);
    const w::RxDescriptor u = w::unpack_rx_descriptor(b);
    CHECK(u.ip_src == 0xc0000201);
    CHECK(u.ip_dst == 0xc6336407);
    CHECK(u.tcp_seq == 0x01020304);
    CHECK(u.tcp_ack == 0xa1b2c3d4);
    CHECK(u.tcp_window == 0xfedc);
    CHECK(u.opt_mss == 0x05b4);
    CHECK(u.opt_ts_val == 0x11223344);
    CHECK(u.opt_ts_ecr == 0x55667788);
    CHECK(u == want);
  }

  SECTION("hardware: m_desc_tdata of rtl/tcp_rx_parser.sv, in lockstep with the HLS model") {
    for (int width : {64, 128, 256, 512}) {
      tcpoe::sim::ParserRunOptions opt;
      opt.data_width = width;
      const tcpoe::sim::ParserRunReport r = tcpoe::sim::run_parser({f}, opt);
      INFO("DATA_W=" << width << ": " << r.failure);
      REQUIRE(r.ok);
      REQUIRE(r.descriptors.size() == 1);
      check_big_endian(r.descriptors[0], f);
      CHECK(r.descriptors[0] == w::pack(want));
    }
  }
}

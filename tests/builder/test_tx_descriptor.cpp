// The TX descriptor record (wire/include/tcpoe/wire/tx_descriptor.h): its
// byte layout, pack/unpack, and its meaning through the wire layer.
#include <catch2/catch.hpp>

#include "../support/test_seed.h"

#include <random>

#include "builder_test_util.h"
#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace wire = tcpoe::wire;
namespace td = tcpoe::wire::txdesc;

TEST_CASE("descriptor fields do not overlap and fit the 64-octet record", "[builder][descriptor]") {
  const wire::Field fields[] = {td::kEthDst, td::kEthSrc, td::kIpSrc,   td::kIpDst,
                                td::kSrcPort, td::kDstPort, td::kSeq,   td::kAck,
                                td::kWindow, td::kUrgent, td::kTsVal,   td::kTsEcr,
                                td::kMss,    td::kPayloadLen, td::kIdent, td::kTtl,
                                td::kTos,    td::kTcpFlags, td::kOptFlags, td::kWindowScale};
  int owner[td::kSize];
  for (int& o : owner) o = -1;
  for (int f = 0; f < int(sizeof fields / sizeof fields[0]); ++f) {
    REQUIRE(fields[f].end() <= td::kReservedOffset);
    for (int i = fields[f].offset; i < fields[f].end(); ++i) {
      INFO("octet " << i);
      REQUIRE(owner[i] == -1);
      owner[i] = f;
    }
  }
  CHECK(td::kReservedOffset <= td::kSize);
}

TEST_CASE("pack puts fields big-endian at their offsets and unpack reverses it",
          "[builder][descriptor]") {
  wire::TxDescriptor d;
  d.seq = 0x11223344;
  d.mss = 0xa1b2;
  d.eth_dst = {1, 2, 3, 4, 5, 6};
  d.has_timestamps = true;
  d.dont_frag = false;
  const wire::TxDescriptorBytes b = wire::pack(d);
  CHECK(b[td::kSeq.offset] == 0x11);
  CHECK(b[td::kSeq.offset + 3] == 0x44);
  CHECK(b[td::kMss.offset] == 0xa1);
  CHECK(b[td::kEthDst.offset + 5] == 6);
  CHECK(b[td::kOptFlags.offset] == (1u << td::opt_bit::kTimestamps));
  for (int i = td::kReservedOffset; i < td::kSize; ++i) CHECK(b[i] == 0);

  std::mt19937_64 rng(tcpoe::test::test_seed(3));
  for (int n = 0; n < 1000; ++n) {
    const wire::TxDescriptor r = tcpoe::test::random_descriptor(rng, 0, 65535);
    REQUIRE(wire::unpack(wire::pack(r)) == r);
  }
}

TEST_CASE("a descriptor's frame parses back to the same descriptor", "[builder][descriptor]") {
  std::mt19937_64 rng(tcpoe::test::test_seed(4));
  for (int n = 0; n < 1000; ++n) {
    const tcpoe::sim::TxSegment s = tcpoe::test::random_segment(rng, 0, 300);
    const std::vector<uint8_t> frame = tcpoe::test::expected_frame(s);
    const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(frame));
    REQUIRE(p.malformed == wire::Malformed::kNone);
    CHECK(p.ip_checksum_ok);
    CHECK(p.tcp_checksum_ok);
    // Values of options not sent are not in the frame: they come back zero.
    wire::TxDescriptor want = s.desc;
    if (!want.has_mss) want.mss = 0;
    if (!want.has_window_scale) want.window_scale = 0;
    if (!want.has_timestamps) want.ts_val = want.ts_ecr = 0;
    REQUIRE(wire::from_frame_repr(p.repr) == want);
  }
}

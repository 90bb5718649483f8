// The engine's sums checked against oracles we did not write: RFC 1071's
// worked example, and TCP/IPv4 packets whose checksums scapy computed.
#include <catch2/catch.hpp>

#include <sstream>

#include "csum_lockstep.h"
#include "../support/subprocess.h"

using tcpoe::sim::CsumRunOptions;
using tcpoe::sim::Packet;
using tcpoe::test::from_hex;

TEST_CASE("RFC 1071 section 3 example sums to ddf2 in the RTL", "[csum][oracle][rfc1071]") {
  const int w = GENERATE(64, 128, 256, 512);
  CsumRunOptions opt;
  opt.data_width = w;
  const Packet example{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  const auto r = tcpoe::sim::run_csum({example}, opt);
  REQUIRE(r.ok);
  REQUIRE(r.sums.size() == 1);
  CHECK(r.sums[0] == 0xddf2);
}

TEST_CASE("scapy's TCP and IPv4 checksums agree with the engine", "[csum][oracle][scapy]") {
  const auto oracle = tcpoe::test::run_scapy_oracle("scapy_csum.py 300 4242");
  struct Case {
    Packet pseudo, segment, iphdr;
    uint16_t tcp_csum, ip_csum;
  };
  std::vector<Case> cases;
  std::istringstream lines(oracle.output);
  std::string pseudo, seg, tcp_csum, iphdr, ip_csum;
  while (lines >> pseudo >> seg >> tcp_csum >> iphdr >> ip_csum)
    cases.push_back({from_hex(pseudo), from_hex(seg), from_hex(iphdr),
                     uint16_t(std::stoul(tcp_csum, nullptr, 16)),
                     uint16_t(std::stoul(ip_csum, nullptr, 16))});
  REQUIRE(cases.size() == 300);

  // Per packet, four streams: the checksummed span with its field zeroed
  // (the engine's sum, inverted, is the checksum) and with scapy's checksum
  // in place (a correct packet sums to ffff).
  std::vector<Packet> streams;
  for (const auto& c : cases) {
    Packet tcp = c.pseudo;
    tcp.insert(tcp.end(), c.segment.begin(), c.segment.end());
    streams.push_back(tcp);
    tcp[c.pseudo.size() + 16] = uint8_t(c.tcp_csum >> 8);
    tcp[c.pseudo.size() + 17] = uint8_t(c.tcp_csum);
    streams.push_back(tcp);
    Packet ip = c.iphdr;
    streams.push_back(ip);
    ip[10] = uint8_t(c.ip_csum >> 8);
    ip[11] = uint8_t(c.ip_csum);
    streams.push_back(ip);
  }
  const int w = GENERATE(64, 512);
  CsumRunOptions opt;
  opt.data_width = w;
  opt.ready_probability = 0.8;
  const auto r = tcpoe::sim::run_csum(streams, opt);
  INFO(r.failure);
  REQUIRE(r.ok);
  REQUIRE(r.sums.size() == streams.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO("packet " << i);
    CHECK(uint16_t(~r.sums[4 * i]) == cases[i].tcp_csum);
    CHECK(r.sums[4 * i + 1] == 0xffff);
    CHECK(uint16_t(~r.sums[4 * i + 2]) == cases[i].ip_csum);
    CHECK(r.sums[4 * i + 3] == 0xffff);
  }
}

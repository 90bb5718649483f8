// bench_dma, which runs transfers through the SystemC model, against the
// PCIe protocol's costs written out here from the specification's constants
// (independently of the model's own functions), and against the published
// figures of Neugebauer et al. (SIGCOMM 2018) for Gen3 x8.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include "../support/subprocess.h"

namespace {

struct Measured {
  double gbps, latency_ns;
};
// op -> size -> measurement
using BenchTable = std::map<std::string, std::map<unsigned, Measured>>;

BenchTable run_bench(const std::string& args) {
  const auto r = tcpoe::test::run_command(std::string(TCPOE_BENCH_DMA) + " --csv " + args + " 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  std::istringstream in(r.output);
  std::string line;
  REQUIRE(std::getline(in, line));
  REQUIRE(line == "op,size_bytes,gbps,latency_ns");
  BenchTable table;
  int rows = 0;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string op, size, gbps, latency;
    REQUIRE(std::getline(f, op, ','));
    REQUIRE(std::getline(f, size, ','));
    REQUIRE(std::getline(f, gbps, ','));
    REQUIRE(std::getline(f, latency));
    table[op][unsigned(std::stoul(size))] = {std::stod(gbps), std::stod(latency)};
    ++rows;
  }
  REQUIRE(rows == 16);
  for (const char* op : {"write", "read"})
    for (unsigned size : {64u, 128u, 256u, 512u, 1024u, 1500u, 2048u, 4096u})
      REQUIRE(table[op].count(size) == 1);
  return table;
}

// The spec's arithmetic (docs/pcie-model.md), written out again.
struct Link {
  int gen, lanes, mps, mrrs;

  double raw_gbps() const {
    const double gt[] = {0, 2.5, 5, 8, 16, 32};
    return gt[gen] * lanes * (gen <= 2 ? 0.8 : 128.0 / 130.0);
  }
  double tlp_gbps() const {
    const double internal_delay = gen == 1 ? 19 : gen == 2 ? 70 : 115;
    const double ack_factor = mps <= 256 ? (lanes <= 4 ? 1.4 : lanes == 8 ? 2.5 : 3.0)
                                         : (lanes <= 8 ? 1.0 : 2.0);
    const double limit = std::floor((mps + 28) * ack_factor / lanes + internal_delay);
    return raw_gbps() * (1 - 8 / limit - 8 / limit - 4.0 / 1538);
  }
  // Aligned transfers of `size` octets, 64-bit addresses: MWr and MRd cost
  // 24 octets besides their data, CplD 20.
  double write_gbps(double size) const {
    return tlp_gbps() * size / (std::ceil(size / mps) * 24 + size);
  }
  // Completions answer one request each: a request of r octets takes
  // ceil(r / MPS) of them (also when MRRS < MPS).
  double read_gbps(double size) const {
    const double full_requests = std::floor(size / mrrs), rest = size - full_requests * mrrs;
    const double cpls = full_requests * std::ceil(double(mrrs) / mps) + std::ceil(rest / mps);
    const double completions = cpls * 20 + size;
    const double requests = std::ceil(size / mrrs) * 24;
    return tlp_gbps() * size / std::max(completions, requests);
  }
};

void check_against_formula(const BenchTable& t, const Link& link, double tolerance) {
  for (const auto& [size, m] : t.at("write")) {
    INFO("write " << size);
    CHECK(m.gbps == Approx(link.write_gbps(size)).epsilon(tolerance));
  }
  for (const auto& [size, m] : t.at("read")) {
    INFO("read " << size);
    CHECK(m.gbps == Approx(link.read_gbps(size)).epsilon(tolerance));
  }
}

}  // namespace

TEST_CASE("Gen3 x8 defaults: the published 42.1 and 52.9 Gb/s for writes, the formula for reads",
          "[pcie][bench]") {
  const BenchTable t = run_bench("");
  CHECK(t.at("write").at(64).gbps == Approx(42.1).epsilon(0.01));
  for (unsigned size : {256u, 512u, 1024u, 2048u, 4096u}) {
    INFO(size);
    CHECK(t.at("write").at(size).gbps == Approx(52.9).epsilon(0.01));
  }
  check_against_formula(t, {3, 8, 256, 512}, 0.01);
  // Never faster than the protocol allows.
  const Link link{3, 8, 256, 512};
  for (const auto& [size, m] : t.at("write")) CHECK(m.gbps <= link.write_gbps(size) * 1.001);
  for (const auto& [size, m] : t.at("read")) CHECK(m.gbps <= link.read_gbps(size) * 1.001);
}

TEST_CASE("a lone 64-byte read takes about 550 ns, latency grows with size", "[pcie][bench]") {
  const BenchTable t = run_bench("");
  CHECK(t.at("read").at(64).latency_ns == Approx(550).epsilon(0.05));
  // A lone write: its TLPs' time on the link, 88 octets for 64 bytes.
  const Link link{3, 8, 256, 512};
  CHECK(t.at("write").at(64).latency_ns == Approx(88 * 8 / link.tlp_gbps()).epsilon(0.02));
  double previous = 0;
  for (const auto& [size, m] : t.at("read")) {
    CHECK(m.latency_ns > previous);
    previous = m.latency_ns;
  }
}

TEST_CASE("other links and sizes follow the formula", "[pcie][bench]") {
  struct Case {
    const char* args;
    Link link;
  };
  const Case cases[] = {
      {"--gen 1 --lanes 1", {1, 1, 256, 512}},
      {"--gen 2 --lanes 4", {2, 4, 256, 512}},
      {"--gen 4 --lanes 16", {4, 16, 256, 512}},
      {"--mps 128", {3, 8, 128, 512}},
      {"--mps 512", {3, 8, 512, 512}},
      {"--mrrs 128", {3, 8, 256, 128}},
      {"--mrrs 4096", {3, 8, 256, 4096}},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    check_against_formula(run_bench(c.args), c.link, 0.01);
  }
}

TEST_CASE("tags bound outstanding reads: one tag is one read at a time", "[pcie][bench][tags]") {
  const Link link{3, 8, 256, 512};
  const double latency_ns = 535;  // the model's default host read latency
  const double ns_per_octet = 8 / link.tlp_gbps();
  auto round_trip_ns = [&](double size) {  // MRd, host, completions of MPS
    return 24 * ns_per_octet + latency_ns + (std::ceil(size / 256) * 20 + size) * ns_per_octet;
  };
  const BenchTable one = run_bench("--tags 1");
  for (unsigned size : {64u, 256u, 512u}) {
    INFO(size);
    CHECK(one.at("read").at(size).gbps == Approx(size * 8 / round_trip_ns(size)).epsilon(0.01));
  }
  // 4096 octets: 8 requests of MRRS, one after the other.
  CHECK(one.at("read").at(4096).gbps == Approx(4096 * 8 / (8 * round_trip_ns(512))).epsilon(0.01));
  // Writes are posted and take no tags.
  CHECK(one.at("write").at(64).gbps == Approx(link.write_gbps(64)).epsilon(0.01));
  // The default 32 tags bound 64-byte reads below the link's rate.
  const BenchTable t32 = run_bench("--tags 32");
  CHECK(t32.at("read").at(64).gbps == Approx(32 * 64 * 8 / round_trip_ns(64)).epsilon(0.01));
  CHECK(t32.at("read").at(64).gbps < 0.8 * link.read_gbps(64));
  CHECK(t32.at("read").at(512).gbps == Approx(link.read_gbps(512)).epsilon(0.01));
}

TEST_CASE("bench_dma refuses bad options with a message", "[pcie][bench]") {
  for (const char* args : {"--mps 100", "--lanes 3", "--gen 9", "--tags 0", "--tags", "--rcb 7",
                           "--mps abc", "--host-latency-ns -5", "--bogus 1"}) {
    INFO(args);
    const auto r = tcpoe::test::run_command(std::string(TCPOE_BENCH_DMA) + " " + args + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("bench_dma: ") != std::string::npos);
  }
  const auto table = tcpoe::test::run_command(std::string(TCPOE_BENCH_DMA) + " 2>/dev/null");
  CHECK(table.exit_code == 0);
  CHECK(table.output.find("| op | size (B) | Gb/s | protocol limit (Gb/s)") != std::string::npos);
  // The model's counters, per transfer: 4096 octets read = 8 MRd of MRRS up,
  // 16 CplD of MPS down; 1500 octets written = 6 MWr of MPS or less.
  CHECK(table.output.find("| 8 / 16 |") != std::string::npos);
  CHECK(table.output.find("| 6 / 0 |") != std::string::npos);
}

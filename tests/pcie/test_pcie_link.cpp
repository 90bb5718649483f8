// The PCIe link model without SystemC: how requests split into TLPs, seen on
// the TLP trace (type, address, length, tag of every TLP), the tags, the
// counters and the refusal of bad settings.
#include <catch2/catch.hpp>

#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "tcpoe/pcie/link.h"

namespace {

using tcpoe::pcie::Link;
using tcpoe::pcie::LinkConfig;

struct TraceLine {
  double time_ns;
  std::string dir, type;
  unsigned long long address;
  unsigned length;
  std::string tag;
};

std::vector<TraceLine> parse_trace(const std::string& text) {
  std::vector<TraceLine> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    TraceLine t;
    std::string address;
    f >> t.time_ns >> t.dir >> t.type >> address >> t.length >> t.tag;
    REQUIRE(f);
    t.address = std::stoull(address, nullptr, 16);
    lines.push_back(t);
  }
  return lines;
}

// Runs one DMA request on an idle link and returns its TLPs.
std::vector<TraceLine> trace_of(const LinkConfig& cfg, bool write, unsigned long long address,
                                unsigned long long length) {
  Link link(cfg);
  std::ostringstream trace;
  link.set_trace(&trace);
  if (write)
    link.dma_write(0, address, length);
  else
    link.dma_read(0, address, length);
  return parse_trace(trace.str());
}

struct Expected {
  const char* dir;
  const char* type;
  unsigned long long address;
  unsigned length;
  const char* tag;
};

void check_tlps(const std::vector<TraceLine>& got, const std::vector<Expected>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("TLP " << i);
    CHECK(got[i].dir == want[i].dir);
    CHECK(got[i].type == want[i].type);
    CHECK(got[i].address == want[i].address);
    CHECK(got[i].length == want[i].length);
    CHECK(got[i].tag == want[i].tag);
  }
}

}  // namespace

TEST_CASE("writes split at MPS", "[pcie][split]") {
  LinkConfig cfg;  // MPS 256
  check_tlps(trace_of(cfg, true, 0x1000, 1024), {{"up", "MWr", 0x1000, 256, "-"},
                                                 {"up", "MWr", 0x1100, 256, "-"},
                                                 {"up", "MWr", 0x1200, 256, "-"},
                                                 {"up", "MWr", 0x1300, 256, "-"}});
  cfg.max_payload = 128;
  check_tlps(trace_of(cfg, true, 0, 300), {{"up", "MWr", 0, 128, "-"},
                                           {"up", "MWr", 128, 128, "-"},
                                           {"up", "MWr", 256, 44, "-"}});
  cfg.max_payload = 512;
  check_tlps(trace_of(cfg, true, 0, 1500), {{"up", "MWr", 0, 512, "-"},
                                            {"up", "MWr", 512, 512, "-"},
                                            {"up", "MWr", 1024, 476, "-"}});
}

TEST_CASE("writes never cross a 4 KB boundary, also from an unaligned start", "[pcie][split]") {
  LinkConfig cfg;
  check_tlps(trace_of(cfg, true, 0xff0, 300), {{"up", "MWr", 0xff0, 16, "-"},
                                               {"up", "MWr", 0x1000, 256, "-"},
                                               {"up", "MWr", 0x1100, 28, "-"}});
  cfg.max_payload = 4096;
  check_tlps(trace_of(cfg, true, 0x100000f00, 4096), {{"up", "MWr", 0x100000f00, 256, "-"},
                                                     {"up", "MWr", 0x100001000, 3840, "-"}});
}

TEST_CASE("reads split at MRRS, completions at MPS, each request with its own tag", "[pcie][split]") {
  LinkConfig cfg;  // MPS 256, MRRS 512, RCB 64
  check_tlps(trace_of(cfg, false, 0x2000, 1024), {{"up", "MRd", 0x2000, 512, "0"},
                                                  {"down", "CplD", 0x2000, 256, "0"},
                                                  {"down", "CplD", 0x2100, 256, "0"},
                                                  {"up", "MRd", 0x2200, 512, "1"},
                                                  {"down", "CplD", 0x2200, 256, "1"},
                                                  {"down", "CplD", 0x2300, 256, "1"}});
  cfg.max_read_request = 128;
  const auto small = trace_of(cfg, false, 0, 512);
  REQUIRE(small.size() == 8);  // 4 MRd of 128, each answered by one CplD of 128
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(small[2 * i].type == "MRd");
    CHECK(small[2 * i].address == 128 * i);
    CHECK(small[2 * i].length == 128);
    CHECK(small[2 * i + 1].type == "CplD");
    CHECK(small[2 * i + 1].length == 128);
    CHECK(small[2 * i].tag == std::to_string(i));
  }
  cfg.max_read_request = 4096;
  const auto big = trace_of(cfg, false, 0, 4096);
  REQUIRE(big.size() == 17);  // one MRd, 16 completions of MPS
  CHECK(big[0].type == "MRd");
  CHECK(big[0].length == 4096);
  for (std::size_t i = 1; i < big.size(); ++i) {
    CHECK(big[i].address == 256 * (i - 1));
    CHECK(big[i].length == 256);
  }
}

TEST_CASE("read requests never cross 4 KB, completions from an unaligned start end at an RCB boundary",
          "[pcie][split]") {
  LinkConfig cfg;
  check_tlps(trace_of(cfg, false, 0xf00, 512), {{"up", "MRd", 0xf00, 256, "0"},
                                                {"down", "CplD", 0xf00, 256, "0"},
                                                {"up", "MRd", 0x1000, 256, "1"},
                                                {"down", "CplD", 0x1000, 256, "1"}});
  // RCB 64: the first completion ends at 0x100, the largest RCB boundary
  // within MPS of the start.
  check_tlps(trace_of(cfg, false, 0x10, 512), {{"up", "MRd", 0x10, 512, "0"},
                                               {"down", "CplD", 0x10, 240, "0"},
                                               {"down", "CplD", 0x100, 256, "0"},
                                               {"down", "CplD", 0x200, 16, "0"}});
  check_tlps(trace_of(cfg, false, 0x50, 300), {{"up", "MRd", 0x50, 300, "0"},
                                               {"down", "CplD", 0x50, 240, "0"},
                                               {"down", "CplD", 0x140, 60, "0"}});
  cfg.read_completion_boundary = 128;  // 0x50 + 256 = 0x150: back to 0x100
  check_tlps(trace_of(cfg, false, 0x50, 300), {{"up", "MRd", 0x50, 300, "0"},
                                               {"down", "CplD", 0x50, 176, "0"},
                                               {"down", "CplD", 0x100, 124, "0"}});
}

TEST_CASE("tags bound the outstanding reads", "[pcie][tags]") {
  LinkConfig cfg;
  cfg.tags = 2;
  Link link(cfg);
  std::ostringstream trace;
  link.set_trace(&trace);
  const double done_ps = link.dma_read(0, 0, 2048);  // 4 requests, 2 tags
  const auto t = parse_trace(trace.str());
  std::vector<TraceLine> requests, completions;
  for (const auto& l : t) (l.type == "MRd" ? requests : completions).push_back(l);
  REQUIRE(requests.size() == 4);
  REQUIRE(completions.size() == 8);
  CHECK(requests[0].tag == "0");
  CHECK(requests[1].tag == "1");
  CHECK(requests[2].tag == "0");
  CHECK(requests[3].tag == "1");
  // The third request waits for the end of the first one's last completion.
  const double cpl_ns = (20.0 + 256) * 8 / cfg.tlp_gbps();
  CHECK(requests[2].time_ns >= completions[1].time_ns + cpl_ns - 1e-3);
  CHECK(requests[1].time_ns < completions[0].time_ns);  // the second did not wait
  CHECK(done_ps / 1000 == Approx(completions.back().time_ns + cpl_ns).epsilon(1e-6));
}

TEST_CASE("the two directions are separate serializers and TLPs queue on each", "[pcie][timing]") {
  LinkConfig cfg;
  Link link(cfg);
  const double ps_per_octet = 8000.0 / cfg.tlp_gbps();
  // Three 64-octet writes at once: back to back, 88 octets each.
  double end = 0;
  for (int i = 0; i < 3; ++i) end = link.dma_write(0, 0x1000 * i, 64);
  CHECK(end == Approx(3 * 88 * ps_per_octet));
  // A read issued at time 0 too: its request waits behind the writes; its
  // completion comes the host's latency after the request arrived.
  const double read_done = link.dma_read(0, 0, 64);
  CHECK(read_done ==
        Approx(3 * 88 * ps_per_octet + 24 * ps_per_octet + cfg.host_read_latency_ns * 1000 + 84 * ps_per_octet));
  // An MMIO write goes the other way: not delayed by the device's writes.
  CHECK(link.mmio_write(0, 0x10, 4) == Approx(28 * ps_per_octet));
}

TEST_CASE("counters count TLPs and octets each way", "[pcie][counters]") {
  LinkConfig cfg;
  Link link(cfg);
  link.dma_write(0, 0, 1000);  // 4 MWr: 256 + 256 + 256 + 232
  link.dma_read(0, 0, 600);    // 2 MRd (512 + 88); CplD 256 + 256 + 88
  link.mmio_write(0, 0, 4);
  const Link::MmioRead read = link.mmio_read_request(0, 4, 4);
  link.mmio_read_completion(read, read.arrival_ps, 4, 4);
  const auto& c = link.counters();
  CHECK(c.dma_writes == 1);
  CHECK(c.dma_reads == 1);
  CHECK(c.mmio_writes == 1);
  CHECK(c.mmio_reads == 1);
  CHECK(c.tlps_to_host == 4 + 2 + 1);
  CHECK(c.tlps_to_device == 3 + 1 + 1);
  CHECK(c.payload_bytes_to_host == 1000 + 4);
  CHECK(c.payload_bytes_to_device == 600 + 4);
  CHECK(c.wire_bytes_to_host == 4 * 24 + 1000 + 2 * 24 + 20 + 4);
  CHECK(c.wire_bytes_to_device == 3 * 20 + 600 + 24 + 4 + 24);
}

TEST_CASE("32-bit addresses use 3-DW headers, ECRC adds 4 octets", "[pcie][config]") {
  LinkConfig cfg;
  CHECK(cfg.memory_request_header_octets() == 24);
  CHECK(cfg.completion_header_octets() == 20);
  cfg.address_bits = 32;
  CHECK(cfg.memory_request_header_octets() == 20);
  cfg.ecrc = true;
  CHECK(cfg.memory_request_header_octets() == 24);
  CHECK(cfg.completion_header_octets() == 24);
}

TEST_CASE("bad settings are refused with a message naming them", "[pcie][config]") {
  struct Bad {
    void (*set)(LinkConfig&);
    const char* word;
  };
  const Bad bad[] = {
      {[](LinkConfig& c) { c.generation = 0; }, "generation"},
      {[](LinkConfig& c) { c.generation = 6; }, "generation"},
      {[](LinkConfig& c) { c.lanes = 3; }, "lanes"},
      {[](LinkConfig& c) { c.lanes = 0; }, "lanes"},
      {[](LinkConfig& c) { c.max_payload = 100; }, "payload"},
      {[](LinkConfig& c) { c.max_payload = 8192; }, "payload"},
      {[](LinkConfig& c) { c.max_read_request = 64; }, "read request"},
      {[](LinkConfig& c) { c.max_read_request = 384; }, "read request"},
      {[](LinkConfig& c) { c.read_completion_boundary = 32; }, "completion boundary"},
      {[](LinkConfig& c) { c.address_bits = 48; }, "address bits"},
      {[](LinkConfig& c) { c.tags = 0; }, "tags"},
      {[](LinkConfig& c) { c.tags = 1024; }, "tags"},
      {[](LinkConfig& c) { c.host_read_latency_ns = -1; }, "latency"},
      {[](LinkConfig& c) { c.host_read_latency_ns = std::numeric_limits<double>::infinity(); }, "latency"},
      {[](LinkConfig& c) { c.device_clock_mhz = 0; }, "clock"},
      {[](LinkConfig& c) { c.max_request_bytes = 0; }, "request bytes"},
  };
  for (const Bad& b : bad) {
    LinkConfig cfg;
    b.set(cfg);
    INFO(b.word);
    CHECK_THROWS_WITH(Link(cfg), Catch::Contains(b.word));
  }
  CHECK_NOTHROW(Link(LinkConfig{}));
}

TEST_CASE("MMIO reads in flight together hold different tags", "[pcie][tags]") {
  Link link(LinkConfig{});
  std::ostringstream trace;
  link.set_trace(&trace);
  const Link::MmioRead first = link.mmio_read_request(0, 0x10, 4);
  const Link::MmioRead second = link.mmio_read_request(0, 0x20, 4);
  CHECK(first.tag != second.tag);
  CHECK(second.arrival_ps > first.arrival_ps);
  link.mmio_read_completion(second, second.arrival_ps, 0x20, 4);
  link.mmio_read_completion(first, second.arrival_ps, 0x10, 4);
  const auto t = parse_trace(trace.str());
  REQUIRE(t.size() == 4);
  CHECK(t[2].type == "CplD");
  CHECK(t[2].address == 0x20);
  CHECK(t[2].tag == std::to_string(second.tag));
  CHECK(t[3].address == 0x10);
  CHECK(t[3].tag == std::to_string(first.tag));
}

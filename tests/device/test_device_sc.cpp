// The verilated device (rtl/tcpoe_top.sv) inside SystemC behind the PCIe
// model, driven through HostInterface only: tests/device/device_scenarios
// runs each scenario in a process of its own (SystemC elaborates once) and
// prints what it saw; here it is judged, the wire's capture by tshark and
// scapy.
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "../support/subprocess.h"
#include "../support/tshark_check.h"
#include "tcpoe/wire/device_regs.h"

namespace {

namespace dev = tcpoe::wire::dev;
using Seen = std::map<std::string, std::string>;

std::string out_dir(const std::string& tag) {
  const std::string dir = "/tmp/tcpoe-devsc-" + tag + "-" + std::to_string(getpid());
  tcpoe::test::run_command("mkdir -p '" + dir + "'");
  return dir;
}

Seen scenario(const std::string& name, int data_width, const std::string& dir,
              const std::string& more = "") {
  const auto r = tcpoe::test::run_command(std::string(TCPOE_DEVICE_SCENARIOS) + " " + name +
                                          " --data-width " + std::to_string(data_width) +
                                          " --out '" + dir + "' " + more + " 2>&1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  Seen seen;
  std::istringstream in(r.output);
  std::string line;
  while (std::getline(in, line)) {
    const auto space = line.find(' ');
    if (space != std::string::npos) seen[line.substr(0, space)] = line.substr(space + 1);
  }
  return seen;
}

const std::string& at(const Seen& s, const std::string& key) {
  INFO("key " << key);
  REQUIRE(s.count(key) == 1);
  return s.at(key);
}
uint64_t number(const Seen& s, const std::string& key) { return std::stoull(at(s, key), nullptr, 0); }

// The link's TLP time, Gen3 x8 (docs/pcie-model.md: 57.88 Gb/s for TLPs).
constexpr double kNsPerOctet = 8 / 57.8793;

}  // namespace

TEST_CASE("device in SystemC: bring-up through the host interface", "[device_sc]") {
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    const Seen s = scenario("bringup", width, out_dir("bringup"));
    CHECK(number(s, "id") == dev::kDeviceId);
    CHECK(number(s, "version") == dev::kVersion);
    CHECK(number(s, "data_width") == uint64_t(width));
    CHECK(number(s, "max_frame") == 14 + 60 + 60 + 2048);
    // A read is a round trip: MRd down, the AXI4-Lite read's cycles, CplD up.
    const double read_ns = std::stod(at(s, "id_read_ns"));
    const double link_ns = (24 + 24) * kNsPerOctet;
    CHECK(read_ns >= link_ns + 2 * 4.0);
    CHECK(read_ns <= link_ns + 12 * 4.0);
    // A write is posted: free for the CPU, and a later read sees it.
    CHECK(std::stod(at(s, "posted_write_cpu_ns")) == 0.0);
    CHECK(number(s, "read_after_write") == 0x12340);
    // Unmapped offsets: all ones, a refused write recorded as UNMAPPED.
    CHECK(number(s, "read_unmapped") == 0xffffffff);
    CHECK(number(s, "cfg_error_after_unmapped_write") ==
          (0x3000u << 16 | uint32_t(dev::CfgError::kUnmapped)));
    CHECK(number(s, "read_beyond_bar") == 0xffffffff);
    CHECK(number(s, "cfg_error_cleared") == 0);
    CHECK(number(s, "bar_errors") == 2);  // the read and the write to 0x3000
    // Every MMIO the host made reached the BAR but the one beyond it.
    CHECK(number(s, "bar_reads") + 1 == number(s, "pcie_mmio_reads"));
    CHECK(number(s, "bar_writes") == number(s, "pcie_mmio_writes"));
    CHECK(at(s, "bring_up") == "ok");
    CHECK(number(s, "status") == (1u << dev::status_bit::kRunning | 1u << dev::status_bit::kDmaIdle));
    CHECK(number(s, "txd_enabled") == 1);
    CHECK(number(s, "clock_period_ps") == 4000);
    // The clock ran the whole time: one cycle per 4 ns.
    CHECK(double(number(s, "cycles")) == Approx(std::stod(at(s, "now_ns")) / 4.0).margin(2));
    CHECK(number(s, "assertion_fired") == 0);
    CHECK(number(s, "dma_errors") == 0);
    CHECK(number(s, "iommu_faults") == 0);
  }
}

TEST_CASE("device in SystemC: the FST waveform is in simulated time", "[device_sc][trace]") {
  const std::string dir = out_dir("trace");
  const std::string fst = dir + "/device.fst";
  const Seen s = scenario("bringup", 64, dir, "--trace '" + fst + "'");
  CHECK(at(s, "bring_up") == "ok");
  // gtkwave's fst2vcd reads it back: a real FST, in ps, a clock edge each 2 ns.
  const auto vcd = tcpoe::test::run_command("fst2vcd '" + fst + "' 2>&1");
  REQUIRE(vcd.exit_code == 0);
  CHECK(vcd.output.find("$timescale") != std::string::npos);
  CHECK(vcd.output.find("1ps") != std::string::npos);
  CHECK(vcd.output.find("s_axil_arvalid") != std::string::npos);
  CHECK(vcd.output.find("m_axis_tx_tvalid") != std::string::npos);
  CHECK(vcd.output.find("\n#2000\n") != std::string::npos);
  CHECK(vcd.output.find("\n#4000\n") != std::string::npos);
  // The last time stamp is the end of the run (within a clock period).
  const std::size_t last = vcd.output.rfind("\n#");
  REQUIRE(last != std::string::npos);
  const double last_ns = std::stod(vcd.output.substr(last + 2)) / 1000.0;
  CHECK(last_ns == Approx(std::stod(at(s, "now_ns"))).margin(4.0));
  tcpoe::test::run_command("rm -rf '" + dir + "'");
}

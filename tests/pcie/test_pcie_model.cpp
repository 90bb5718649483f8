// The SystemC PCIe model: IOMMU windows, MMIO, MSI-X, counters and bad
// requests, through tests/pcie/pcie_scenarios (one SystemC elaboration per
// process), whose observations are checked here.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>

#include "../support/key_values.h"
#include "../support/subprocess.h"

namespace {

std::map<std::string, std::string> scenario(const std::string& name) {
  const auto r = tcpoe::test::run_command(std::string(TCPOE_PCIE_SCENARIOS) + " " + name + " 2>&1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return tcpoe::test::key_value_lines(r.output);
}

double number(const std::map<std::string, std::string>& s, const std::string& key) {
  INFO(key);
  REQUIRE(s.count(key) == 1);
  return std::stod(s.at(key));
}

const std::string kOk = "TLM_OK_RESPONSE";
const std::string kAddressError = "TLM_ADDRESS_ERROR_RESPONSE";

// Gen3 x8, MPS 256 (docs/pcie-model.md): 57.88 Gb/s for TLPs.
const double kNsPerOctet = 8 / 57.8793;

}  // namespace

TEST_CASE("DMA outside the mapped windows fails, is counted, touches nothing", "[pcie][iommu]") {
  const auto s = scenario("iommu");
  CHECK(s.at("write_inside") == kOk);
  CHECK(s.at("write_straddling_end") == kAddressError);
  CHECK(s.at("write_guard_page") == kAddressError);
  CHECK(s.at("write_below_window") == kAddressError);
  CHECK(s.at("read_straddling_end") == kAddressError);
  CHECK(s.at("read_outside_data_untouched") == "1");
  CHECK(s.at("memory_as_written_inside_only") == "1");
  CHECK(s.at("faults_after_outside") == "4");
  // Later good accesses still work.
  CHECK(s.at("write_after_faults") == kOk);
  CHECK(s.at("read_after_faults") == kOk);
  CHECK(s.at("read_data_ok") == "1");
  CHECK(s.at("write_after_faults_landed") == "1");
  // Unmap closes the window; other windows stay; a freed buffer's window goes.
  CHECK(s.at("write_after_unmap") == kAddressError);
  CHECK(s.at("unmapped_memory_untouched") == "1");
  CHECK(s.at("write_second_window") == kOk);
  CHECK(s.at("write_past_second_window") == kAddressError);
  CHECK(s.at("unmap_twice").rfind("threw:", 0) == 0);
  CHECK(s.at("write_after_free") == kAddressError);
  CHECK(s.at("iommu_faults") == "7");
  // Refused requests sent no TLPs: only the 4 good ones did.
  // write 64 (1 MWr) + write 100 (1) + read 64 (1 MRd) + write 100 (1)
  CHECK(s.at("tlps_to_host") == "4");
  CHECK(s.at("tlps_to_device") == "1");
  CHECK(s.at("payload_bytes_to_host") == "264");
  CHECK(s.at("payload_bytes_to_device") == "64");
  CHECK(number(s, "device_address") >= 4294967296.0);  // 64-bit addresses by default
}

TEST_CASE("MMIO: posted writes cost the CPU nothing, reads cost a round trip", "[pcie][mmio]") {
  const auto s = scenario("mmio");
  CHECK(number(s, "write_cpu_ns") == 0);
  // The write reaches the device after its TLP: 24 + 4 octets.
  CHECK(number(s, "write_reached_device_ns") == Approx(28 * kNsPerOctet).epsilon(0.01));
  CHECK(s.at("read_value") == std::to_string(0xdeadbeefu));
  // MRd down (24 octets), the register read (2 cycles at 250 MHz), CplD up
  // (20 + 4 octets).
  CHECK(number(s, "read_ns") == Approx(24 * kNsPerOctet + 8 + 24 * kNsPerOctet).epsilon(0.01));
  CHECK(s.at("read_missing_register") == std::to_string(0xffffffffu));
  CHECK(s.at("read_after_write") == "1234");
  CHECK(s.at("mmio_reads") == "3");
  CHECK(s.at("mmio_writes") == "2");
  CHECK(s.at("tlps_to_device") == "5");  // 2 MWr + 3 MRd
  CHECK(s.at("tlps_to_host") == "3");    // 3 CplD
  CHECK(s.at("payload_bytes_to_device") == "8");
  CHECK(s.at("payload_bytes_to_host") == "12");
}

TEST_CASE("MSI-X writes arrive as interrupts: poll, wait, timeout", "[pcie][msix]") {
  const auto s = scenario("msix");
  CHECK(s.at("poll_before") == "0");
  CHECK(s.at("device_msix_3") == kOk);
  CHECK(s.at("wait_3") == "1");
  // The device wrote at 100 ns; the MWr (24 + 4 octets) then crossed.
  CHECK(number(s, "wait_3_returned_ns") == Approx(100 + 28 * kNsPerOctet).epsilon(0.01));
  CHECK(s.at("poll_after_taken") == "0");
  CHECK(s.at("wait_5") == "0");
  CHECK(number(s, "wait_5_timeout_ns") == Approx(1000));
  CHECK(s.at("poll_7_first") == "1");
  CHECK(s.at("poll_7_second") == "1");
  CHECK(s.at("poll_7_third") == "0");
  CHECK(s.at("msix_vector_out_of_range") == "TLM_GENERIC_ERROR_RESPONSE");
  CHECK(s.at("msix_eight_bytes") == kAddressError);  // not an MSI-X message, not mapped
  CHECK(s.at("msix_message_5000").rfind("threw:", 0) == 0);
  CHECK(s.at("interrupts") == "3");
  CHECK(s.at("iommu_faults") == "1");
  CHECK(s.at("refused_requests") == "1");
}

TEST_CASE("malformed and absurd requests are refused without a crash", "[pcie][bad]") {
  const auto s = scenario("bad");
  CHECK(s.at("zero_length") == "TLM_BURST_ERROR_RESPONSE");
  CHECK(s.at("two_mebibytes") == "TLM_BURST_ERROR_RESPONSE");
  CHECK(s.at("byte_enables") == "TLM_BYTE_ENABLE_ERROR_RESPONSE");
  CHECK(s.at("ignore_command") == "TLM_COMMAND_ERROR_RESPONSE");
  CHECK(s.at("null_data") == "TLM_BURST_ERROR_RESPONSE");
  CHECK(s.at("address_wraps") == kAddressError);
  CHECK(s.at("memory_untouched") == "1");
  CHECK(s.at("good_after_bad") == kOk);
  CHECK(s.at("view_sees_device_write") == "1");
  for (const char* misuse : {"alloc_zero", "alloc_huge", "memory_write_past_end",
                             "memory_read_offset_overflow", "map_unknown_buffer", "memory_view_past_end",
                             "memory_view_unknown_buffer"}) {
    INFO(misuse);
    CHECK(s.at(misuse).rfind("threw:", 0) == 0);
  }
  CHECK(s.at("refused_requests") == "5");
  CHECK(s.at("iommu_faults") == "1");
  CHECK(s.at("tlps_to_host") == "1");
}

TEST_CASE("32-bit addresses: windows below 4 GiB, nothing above", "[pcie][iommu]") {
  const auto s = scenario("addr32");
  CHECK(s.at("device_address_below_4g") == "1");
  CHECK(s.at("write_mapped") == kOk);
  CHECK(s.at("write_above_4g") == kAddressError);
  CHECK(s.at("iommu_faults") == "1");
}

TEST_CASE("pcie_scenarios refuses an unknown scenario", "[pcie][bad]") {
  const auto r = tcpoe::test::run_command(std::string(TCPOE_PCIE_SCENARIOS) + " nosuch 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("no scenario 'nosuch'") != std::string::npos);
}

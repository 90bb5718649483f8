// SystemC scenarios of the PCIe model for tests/pcie/test_pcie_model.cpp:
// `pcie_scenarios NAME` runs one (SystemC elaborates once per process) and
// prints what it observed as `key value` lines; the test asserts on them.
//   iommu  DMA inside and outside the mapped windows, unmap
//   mmio   posted writes and non-posted reads to the device's BAR
//   msix   MSI-X writes as interrupts: poll, wait, timeout
//   bad    malformed and absurd requests, misuse of the host interface
//   addr32 32-bit device addresses
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tcpoe/pcie/pcie_model.h"

namespace {

using tcpoe::pcie::DmaBuffer;
using tcpoe::pcie::LinkConfig;
using tcpoe::pcie::PcieModel;

void say(const std::string& key, const std::string& value) {
  std::printf("%s %s\n", key.c_str(), value.c_str());
}
void say(const std::string& key, double value) {
  std::printf("%s %.4f\n", key.c_str(), value);
}
double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }

// The device's BAR: 1024 32-bit registers; beyond them, an error response.
struct RegisterFile : sc_core::sc_module {
  tlm_utils::simple_target_socket<RegisterFile> socket{"socket"};
  std::vector<std::uint32_t> regs = std::vector<std::uint32_t>(1024, 0);
  double last_write_ns = -1;

  explicit RegisterFile(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    socket.register_b_transport(this, &RegisterFile::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const std::uint64_t index = trans.get_address() / 4;
    if (index >= regs.size() || trans.get_data_length() != 4) {
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (trans.is_write()) {
      std::memcpy(&regs[index], trans.get_data_ptr(), 4);
      last_write_ns = (sc_core::sc_time_stamp() + delay).to_seconds() * 1e9;
    } else {
      std::memcpy(trans.get_data_ptr(), &regs[index], 4);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

// The device's DMA requester and the host's driver, each a thread.
struct Bench : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Bench> dma{"dma"};
  PcieModel& pcie;
  RegisterFile& bar;
  std::function<void(Bench&)> host, device;

  Bench(sc_core::sc_module_name name, PcieModel& p, RegisterFile& r)
      : sc_core::sc_module(name), pcie(p), bar(r) {
    SC_HAS_PROCESS(Bench);
    SC_THREAD(run_host);
    SC_THREAD(run_device);
  }
  void run_host() {
    if (host) host(*this);
    sc_core::sc_stop();
  }
  void run_device() {
    if (device) device(*this);
  }

  // One DMA request; returns the TLM response as text.
  std::string request(tlm::tlm_command command, std::uint64_t address, std::uint8_t* data,
                      unsigned length, unsigned char* byte_enables = nullptr) {
    tlm::tlm_generic_payload trans;
    trans.set_command(command);
    trans.set_address(address);
    trans.set_data_ptr(data);
    trans.set_data_length(length);
    trans.set_streaming_width(length);
    trans.set_byte_enable_ptr(byte_enables);
    trans.set_byte_enable_length(byte_enables != nullptr ? length : 0);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    dma->b_transport(trans, delay);
    return trans.get_response_string();
  }
  std::string write(std::uint64_t address, std::vector<std::uint8_t> data) {
    return request(tlm::TLM_WRITE_COMMAND, address, data.data(), unsigned(data.size()));
  }
  std::string read(std::uint64_t address, std::vector<std::uint8_t>& data) {
    return request(tlm::TLM_READ_COMMAND, address, data.data(), unsigned(data.size()));
  }
  std::string msix(std::uint64_t address, std::uint32_t data, unsigned length = 4) {
    std::uint8_t bytes[8] = {std::uint8_t(data), std::uint8_t(data >> 8), std::uint8_t(data >> 16),
                             std::uint8_t(data >> 24), 0, 0, 0, 0};
    return request(tlm::TLM_WRITE_COMMAND, address, bytes, length);
  }
  void counters() {
    const auto& c = pcie.counters();
    say("iommu_faults", std::to_string(c.iommu_faults));
    say("refused_requests", std::to_string(c.refused_requests));
    say("tlps_to_host", std::to_string(c.tlps_to_host));
    say("tlps_to_device", std::to_string(c.tlps_to_device));
    say("payload_bytes_to_host", std::to_string(c.payload_bytes_to_host));
    say("payload_bytes_to_device", std::to_string(c.payload_bytes_to_device));
    say("mmio_reads", std::to_string(c.mmio_reads));
    say("mmio_writes", std::to_string(c.mmio_writes));
    say("interrupts", std::to_string(c.interrupts));
  }
};

std::string throws(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return std::string("threw:") + e.what();
  }
  return "no";
}

bool all_equal(const std::vector<std::uint8_t>& v, std::size_t from, std::size_t to, std::uint8_t x) {
  for (std::size_t i = from; i < to; ++i)
    if (v[i] != x) return false;
  return true;
}

void iommu(Bench& b) {
  PcieModel& host = b.pcie;
  const DmaBuffer buf = host.dma_alloc(8192);
  host.memory_write(buf, 0, std::vector<std::uint8_t>(8192, 0x55).data(), 8192);
  const std::uint64_t dev = host.dma_map(buf);
  say("device_address", std::to_string(dev));
  say("write_inside", b.write(dev + 64, std::vector<std::uint8_t>(64, 0xaa)));
  say("write_straddling_end", b.write(dev + 8192 - 32, std::vector<std::uint8_t>(64, 0xbb)));
  say("write_guard_page", b.write(dev + 8192 + 16, std::vector<std::uint8_t>(64, 0xbb)));
  say("write_below_window", b.write(dev - 64, std::vector<std::uint8_t>(64, 0xbb)));
  std::vector<std::uint8_t> got(64, 0x11);
  say("read_straddling_end", b.read(dev + 8192 - 32, got));
  say("read_outside_data_untouched", all_equal(got, 0, 64, 0x11) ? "1" : "0");
  std::vector<std::uint8_t> mem(8192);
  host.memory_read(buf, 0, mem.data(), 8192);
  say("memory_as_written_inside_only",
      all_equal(mem, 0, 64, 0x55) && all_equal(mem, 64, 128, 0xaa) && all_equal(mem, 128, 8192, 0x55)
          ? "1" : "0");
  say("faults_after_outside", std::to_string(host.counters().iommu_faults));
  // Good accesses still work after the faults.
  say("write_after_faults", b.write(dev + 4096, std::vector<std::uint8_t>(100, 0xcc)));
  say("read_after_faults", b.read(dev + 64, got));
  say("read_data_ok", all_equal(got, 0, 64, 0xaa) ? "1" : "0");
  host.memory_read(buf, 0, mem.data(), 8192);
  say("write_after_faults_landed", all_equal(mem, 4096, 4196, 0xcc) ? "1" : "0");
  // A second window, then the first one unmapped.
  const DmaBuffer buf2 = host.dma_alloc(100);
  const std::uint64_t dev2 = host.dma_map(buf2);
  host.dma_unmap(dev);
  say("write_after_unmap", b.write(dev + 64, std::vector<std::uint8_t>(64, 0xdd)));
  host.memory_read(buf, 0, mem.data(), 8192);
  say("unmapped_memory_untouched", all_equal(mem, 64, 128, 0xaa) ? "1" : "0");
  say("write_second_window", b.write(dev2, std::vector<std::uint8_t>(100, 0xee)));
  say("write_past_second_window", b.write(dev2 + 50, std::vector<std::uint8_t>(51, 0xee)));
  say("unmap_twice", throws([&] { host.dma_unmap(dev); }));
  host.dma_free(buf2);
  say("write_after_free", b.write(dev2, std::vector<std::uint8_t>(4, 0xee)));
  b.counters();
}

void mmio(Bench& b) {
  PcieModel& host = b.pcie;
  const double t0 = now_ns();
  host.mmio_write32(0x10, 0xdeadbeef);
  say("write_cpu_ns", now_ns() - t0);
  wait(sc_core::sc_time(100, sc_core::SC_NS));
  say("write_reached_device_ns", b.bar.last_write_ns - t0);
  const double t1 = now_ns();
  say("read_value", std::to_string(host.mmio_read32(0x10)));
  say("read_ns", now_ns() - t1);
  say("read_missing_register", std::to_string(host.mmio_read32(0x10000)));
  // A read after a posted write to the same register sees the write.
  host.mmio_write32(0x20, 1234);
  say("read_after_write", std::to_string(host.mmio_read32(0x20)));
  b.counters();
}

void msix_device(Bench& d) {
  wait(sc_core::sc_time(100, sc_core::SC_NS));
  const auto m = d.pcie.msix_message(3);
  say("device_msix_3", d.msix(m.address, m.data));
}

void msix(Bench& b) {
  PcieModel& host = b.pcie;
  say("poll_before", host.poll_interrupt(3) ? "1" : "0");
  const double t0 = now_ns();
  say("wait_3", host.wait_interrupt(3, 10000) ? "1" : "0");
  say("wait_3_returned_ns", now_ns() - t0);
  say("poll_after_taken", host.poll_interrupt(3) ? "1" : "0");
  const double t1 = now_ns();
  say("wait_5", host.wait_interrupt(5, 1000) ? "1" : "0");
  say("wait_5_timeout_ns", now_ns() - t1);
  // Two interrupts pending on one vector: polled twice.
  const auto m7 = host.msix_message(7);
  b.msix(m7.address, m7.data);
  b.msix(m7.address, m7.data);
  say("poll_7_first", host.poll_interrupt(7) ? "1" : "0");
  say("poll_7_second", host.poll_interrupt(7) ? "1" : "0");
  say("poll_7_third", host.poll_interrupt(7) ? "1" : "0");
  say("msix_vector_out_of_range", b.msix(m7.address, 5000));
  say("msix_eight_bytes", b.msix(m7.address, 7, 8));
  say("msix_message_5000", throws([&] { host.msix_message(5000); }));
  b.counters();
}

void bad(Bench& b) {
  PcieModel& host = b.pcie;
  const DmaBuffer buf = host.dma_alloc(4096);
  const std::uint64_t dev = host.dma_map(buf);
  std::vector<std::uint8_t> data(64, 0x77);
  say("zero_length", b.request(tlm::TLM_WRITE_COMMAND, dev, data.data(), 0));
  std::vector<std::uint8_t> huge(std::size_t(2) << 20);
  say("two_mebibytes", b.request(tlm::TLM_READ_COMMAND, dev, huge.data(), unsigned(huge.size())));
  unsigned char enables[64] = {};
  say("byte_enables", b.request(tlm::TLM_WRITE_COMMAND, dev, data.data(), 64, enables));
  say("ignore_command", b.request(tlm::TLM_IGNORE_COMMAND, dev, data.data(), 64));
  say("null_data", b.request(tlm::TLM_WRITE_COMMAND, dev, nullptr, 64));
  say("address_wraps", b.request(tlm::TLM_READ_COMMAND, ~std::uint64_t(0) - 16, data.data(), 64));
  std::vector<std::uint8_t> mem(4096);
  host.memory_read(buf, 0, mem.data(), 4096);
  say("memory_untouched", all_equal(mem, 0, 4096, 0) ? "1" : "0");
  say("good_after_bad", b.write(dev, data));
  // The CPU's view in place shows what the device wrote, with no copy.
  const std::uint8_t* view = host.memory_view(buf, 0, data.size());
  say("view_sees_device_write", std::equal(data.begin(), data.end(), view) ? "1" : "0");
  say("alloc_zero", throws([&] { host.dma_alloc(0); }));
  say("alloc_huge", throws([&] { host.dma_alloc(std::size_t(1) << 40); }));
  say("memory_write_past_end", throws([&] { host.memory_write(buf, 4000, data.data(), 100); }));
  say("memory_read_offset_overflow",
      throws([&] { host.memory_read(buf, ~std::size_t(0) - 2, data.data(), 8); }));
  say("map_unknown_buffer", throws([&] { host.dma_map(DmaBuffer{12345, 10}); }));
  say("memory_view_past_end", throws([&] { host.memory_view(buf, 4000, 100); }));
  say("memory_view_unknown_buffer", throws([&] { host.memory_view(DmaBuffer{12345, 10}, 0, 1); }));
  b.counters();
}

void addr32(Bench& b) {
  PcieModel& host = b.pcie;
  const DmaBuffer buf = host.dma_alloc(4096);
  const std::uint64_t dev = host.dma_map(buf);
  say("device_address_below_4g", dev + 4096 <= (std::uint64_t(1) << 32) ? "1" : "0");
  say("write_mapped", b.write(dev, std::vector<std::uint8_t>(64, 1)));
  say("write_above_4g", b.write(dev + (std::uint64_t(1) << 32), std::vector<std::uint8_t>(64, 1)));
  b.counters();
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: pcie_scenarios iommu|mmio|msix|bad|addr32\n");
    return 2;
  }
  const std::string name = argv[1];
  LinkConfig cfg;
  if (name == "addr32") cfg.address_bits = 32;
  PcieModel pcie("pcie", cfg);
  RegisterFile bar("bar");
  Bench bench("bench", pcie, bar);
  pcie.bar_initiator.bind(bar.socket);
  bench.dma.bind(pcie.dma_target);
  if (name == "iommu") bench.host = iommu;
  else if (name == "mmio") bench.host = mmio;
  else if (name == "msix") {
    bench.host = msix;
    bench.device = msix_device;
  }
  else if (name == "bad") bench.host = bad;
  else if (name == "addr32") bench.host = addr32;
  else {
    std::fprintf(stderr, "pcie_scenarios: no scenario '%s'\n", name.c_str());
    return 2;
  }
  sc_core::sc_start();
  return 0;
}

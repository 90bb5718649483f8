// The SystemC TLM-2.0 model of a PCIe root complex, its link to the device
// and the host behind it (docs/pcie-model.md).
//
//   device's DMA requester ──▶ dma_target    (DMA reads/writes, MSI-X writes)
//   bar_initiator ──▶ device's BAR target     (the host's MMIO)
//
// Both are blocking transports (b_transport): a DMA request returns when it
// is done (a read: its last completion at the device; a write: its last
// octet in host memory), so the requester must call from an SC_THREAD, and
// keeps as many requests outstanding as it has threads calling. Contention
// for the link, the tags and the host's latency are computed by tcpoe::pcie::
// Link from the call's time (sc_time_stamp() plus the annotated delay).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <ostream>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "tcpoe/pcie/host_interface.h"
#include "tcpoe/pcie/host_memory.h"
#include "tcpoe/pcie/link.h"

namespace tcpoe::pcie {

class PcieModel : public sc_core::sc_module, public HostInterface {
 public:
  // The device address MSI-X messages are written to (x86's interrupt
  // window); the data word is the vector. Not an IOMMU window.
  static constexpr std::uint64_t kMsixAddress = 0xfee00000;
  static constexpr unsigned kMsixVectors = 2048;
  // IOMMU windows start here (above 4 GiB with 64-bit addresses, so the
  // device must drive all address bits; at 256 MiB with 32-bit ones).
  static constexpr std::uint64_t kFirstWindow64 = 0x100000000;
  static constexpr std::uint64_t kFirstWindow32 = 0x10000000;

  tlm_utils::simple_target_socket<PcieModel> dma_target;
  tlm_utils::simple_initiator_socket<PcieModel> bar_initiator;

  PcieModel(sc_core::sc_module_name name, const LinkConfig& config);

  // HostInterface. mmio_read32 and wait_interrupt wait, so they must be
  // called from an SC_THREAD (std::logic_error otherwise).
  std::uint32_t mmio_read32(std::uint64_t bar_offset) override;
  void mmio_write32(std::uint64_t bar_offset, std::uint32_t value) override;
  DmaBuffer dma_alloc(std::size_t bytes) override { return memory_.allocate(bytes); }
  void dma_free(const DmaBuffer& buffer) override { memory_.release(buffer); }
  std::uint64_t dma_map(const DmaBuffer& buffer) override { return memory_.map(buffer); }
  void dma_unmap(std::uint64_t device_address) override { memory_.unmap(device_address); }
  void memory_write(const DmaBuffer& buffer, std::size_t offset, const void* data,
                    std::size_t length) override {
    memory_.cpu_write(buffer, offset, data, length);
  }
  void memory_read(const DmaBuffer& buffer, std::size_t offset, void* data,
                   std::size_t length) override {
    memory_.cpu_read(buffer, offset, data, length);
  }
  const std::uint8_t* memory_view(const DmaBuffer& buffer, std::size_t offset, std::size_t length) override {
    return memory_.cpu_view(buffer, offset, length);
  }
  MsixMessage msix_message(unsigned vector) const override;
  bool poll_interrupt(unsigned vector) override;
  bool wait_interrupt(unsigned vector, std::uint64_t timeout_ns) override;
  // Notified whenever an MSI-X message arrives: for a thread that waits on
  // it together with events of its own (then poll_interrupt() each vector).
  const sc_core::sc_event& interrupt_event() const { return interrupt_event_; }

  // Every transfer over the link as the host and the device see it: from
  // the request to its end (a DMA read: the last completion at the device;
  // a DMA or MSI-X write: the last octet in host memory; an MMIO write: its
  // arrival at the device; an MMIO read: the value back at the host). For
  // a program's timing of what the link did (tcpoe-handshake's breakdown).
  struct Transfer {
    enum class Kind { kDmaRead, kDmaWrite, kMsix, kMmioWrite, kMmioRead } kind;
    std::uint64_t address;  // DMA: the device address; MMIO: the BAR offset
    std::size_t length;
    double start_ps, end_ps;
  };
  std::function<void(const Transfer&)> on_transfer;

  // The TLP trace, one line per TLP (nullptr: off), and the counters.
  void set_trace(std::ostream* trace) { link_.set_trace(trace); }
  const Counters& counters() const { return link_.counters(); }
  const LinkConfig& config() const { return link_.config(); }

 private:
  struct PostedWrite {
    sc_core::sc_time arrival;
    std::uint64_t bar_offset;
    std::uint32_t value;
  };

  void dma_b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  // The reason a DMA request is malformed, or TLM_OK_RESPONSE.
  tlm::tlm_response_status check_request(const tlm::tlm_generic_payload& trans) const;
  void refuse(tlm::tlm_generic_payload& trans, tlm::tlm_response_status status, bool iommu_fault);
  bool is_msix_write(const tlm::tlm_generic_payload& trans) const;
  void deliver_posted_writes();  // SC_THREAD: MMIO writes reach the BAR in order
  void bar_access(tlm::tlm_command command, std::uint64_t bar_offset, std::uint32_t& value,
                  sc_core::sc_time& delay);
  static void require_thread(const char* what);
  // Tells on_transfer of a transfer from start_ps to now.
  void observe(Transfer::Kind kind, std::uint64_t address, std::size_t length, double start_ps);

  Link link_;
  HostMemory memory_;
  std::deque<PostedWrite> posted_writes_;
  sc_core::sc_event posted_write_event_;
  std::map<unsigned, std::uint64_t> pending_interrupts_;
  sc_core::sc_event interrupt_event_;
};

// Time conversions between SystemC and the link model's picoseconds.
double to_ps(const sc_core::sc_time& t);
sc_core::sc_time from_ps(double ps);

}  // namespace tcpoe::pcie

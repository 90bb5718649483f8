#include "tcpoe/pcie/pcie_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tcpoe::pcie {

using sc_core::sc_time;
using sc_core::sc_time_stamp;

double to_ps(const sc_time& t) { return t.to_seconds() * 1e12; }

sc_time from_ps(double ps) { return sc_time(std::round(ps), sc_core::SC_PS); }

PcieModel::PcieModel(sc_core::sc_module_name name, const LinkConfig& config)
    : sc_core::sc_module(name),
      dma_target("dma_target"),
      bar_initiator("bar_initiator"),
      link_(config),
      memory_(config.address_bits, config.address_bits == 64 ? kFirstWindow64 : kFirstWindow32) {
  dma_target.register_b_transport(this, &PcieModel::dma_b_transport);
  SC_HAS_PROCESS(PcieModel);
  SC_THREAD(deliver_posted_writes);
}

void PcieModel::require_thread(const char* what) {
  if (sc_core::sc_get_current_process_handle().proc_kind() != sc_core::SC_THREAD_PROC_)
    throw std::logic_error(std::string(what) + " waits for the simulation: call it from an SC_THREAD");
}

tlm::tlm_response_status PcieModel::check_request(const tlm::tlm_generic_payload& trans) const {
  if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) return tlm::TLM_COMMAND_ERROR_RESPONSE;
  if (trans.get_byte_enable_ptr() != nullptr) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  const std::uint64_t length = trans.get_data_length();
  if (length == 0 || length > config().max_request_bytes || trans.get_data_ptr() == nullptr ||
      trans.get_streaming_width() < length)
    return tlm::TLM_BURST_ERROR_RESPONSE;
  const std::uint64_t address = trans.get_address();
  const std::uint64_t limit = config().address_bits == 64 ? ~std::uint64_t(0)
                                                          : (std::uint64_t(1) << 32) - 1;
  if (address > limit || limit - address < length - 1) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  return tlm::TLM_OK_RESPONSE;
}

void PcieModel::refuse(tlm::tlm_generic_payload& trans, tlm::tlm_response_status status,
                       bool iommu_fault) {
  Counters& c = link_.counters();
  (iommu_fault ? c.iommu_faults : c.refused_requests)++;
  trans.set_response_status(status);
}

bool PcieModel::is_msix_write(const tlm::tlm_generic_payload& trans) const {
  return trans.is_write() && trans.get_address() == kMsixAddress && trans.get_data_length() == 4;
}

void PcieModel::dma_b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
  const tlm::tlm_response_status malformed = check_request(trans);
  if (malformed != tlm::TLM_OK_RESPONSE) {
    refuse(trans, malformed, malformed == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  require_thread("a DMA request");
  const std::uint64_t address = trans.get_address();
  const std::size_t length = trans.get_data_length();
  std::uint8_t* data = trans.get_data_ptr();
  const double now_ps = to_ps(sc_time_stamp() + delay);

  if (is_msix_write(trans)) {
    std::uint32_t vector = 0;
    for (int i = 3; i >= 0; --i) vector = vector << 8 | data[i];  // little-endian, as on PCIe
    if (vector >= kMsixVectors) {
      refuse(trans, tlm::TLM_GENERIC_ERROR_RESPONSE, false);
      return;
    }
    wait(from_ps(link_.dma_write(now_ps, address, length)) - sc_time_stamp());
    observe(Transfer::Kind::kMsix, address, length, now_ps);
    link_.counters().interrupts++;
    pending_interrupts_[vector]++;
    interrupt_event_.notify(sc_core::SC_ZERO_TIME);
  } else if (trans.is_write()) {
    // The IOMMU checks the whole request first: a refused one touches nothing.
    if (!memory_.device_can_reach(address, length)) {
      refuse(trans, tlm::TLM_ADDRESS_ERROR_RESPONSE, true);
      return;
    }
    wait(from_ps(link_.dma_write(now_ps, address, length)) - sc_time_stamp());
    observe(Transfer::Kind::kDmaWrite, address, length, now_ps);
    if (!memory_.device_write(address, data, length)) {  // unmapped meanwhile
      refuse(trans, tlm::TLM_ADDRESS_ERROR_RESPONSE, true);
      return;
    }
  } else {
    if (!memory_.device_read(address, data, length)) {
      refuse(trans, tlm::TLM_ADDRESS_ERROR_RESPONSE, true);
      return;
    }
    wait(from_ps(link_.dma_read(now_ps, address, length)) - sc_time_stamp());
    observe(Transfer::Kind::kDmaRead, address, length, now_ps);
  }
  delay = sc_core::SC_ZERO_TIME;
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

void PcieModel::observe(Transfer::Kind kind, std::uint64_t address, std::size_t length, double start_ps) {
  if (on_transfer) on_transfer({kind, address, length, start_ps, to_ps(sc_time_stamp())});
}

void PcieModel::bar_access(tlm::tlm_command command, std::uint64_t bar_offset, std::uint32_t& value,
                           sc_time& delay) {
  tlm::tlm_generic_payload trans;
  trans.set_command(command);
  trans.set_address(bar_offset);
  trans.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
  trans.set_data_length(4);
  trans.set_streaming_width(4);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  bar_initiator->b_transport(trans, delay);
  if (command == tlm::TLM_READ_COMMAND && !trans.is_response_ok()) value = 0xffffffff;
}

void PcieModel::mmio_write32(std::uint64_t bar_offset, std::uint32_t value) {
  const double arrival = link_.mmio_write(to_ps(sc_time_stamp()), bar_offset, 4);
  if (on_transfer) on_transfer({Transfer::Kind::kMmioWrite, bar_offset, 4, to_ps(sc_time_stamp()), arrival});
  posted_writes_.push_back({from_ps(arrival), bar_offset, value});
  posted_write_event_.notify(sc_core::SC_ZERO_TIME);
}

void PcieModel::deliver_posted_writes() {
  for (;;) {
    while (posted_writes_.empty()) wait(posted_write_event_);
    PostedWrite w = posted_writes_.front();
    posted_writes_.pop_front();
    if (w.arrival > sc_time_stamp()) wait(w.arrival - sc_time_stamp());
    sc_time delay = sc_core::SC_ZERO_TIME;
    bar_access(tlm::TLM_WRITE_COMMAND, w.bar_offset, w.value, delay);
  }
}

std::uint32_t PcieModel::mmio_read32(std::uint64_t bar_offset) {
  require_thread("mmio_read32");
  const double start_ps = to_ps(sc_time_stamp());
  const Link::MmioRead request = link_.mmio_read_request(to_ps(sc_time_stamp()), bar_offset, 4);
  wait(from_ps(request.arrival_ps) - sc_time_stamp());
  std::uint32_t value = 0;
  sc_time delay = sc_core::SC_ZERO_TIME;
  bar_access(tlm::TLM_READ_COMMAND, bar_offset, value, delay);
  const double ready = to_ps(sc_time_stamp() + delay) + config().register_read_ns() * 1000.0;
  wait(from_ps(link_.mmio_read_completion(request, ready, bar_offset, 4)) - sc_time_stamp());
  observe(Transfer::Kind::kMmioRead, bar_offset, 4, start_ps);
  return value;
}

MsixMessage PcieModel::msix_message(unsigned vector) const {
  if (vector >= kMsixVectors)
    throw std::invalid_argument("MSI-X vector " + std::to_string(vector) + " is not below " +
                                std::to_string(kMsixVectors));
  return {kMsixAddress, vector};
}

bool PcieModel::poll_interrupt(unsigned vector) {
  auto it = pending_interrupts_.find(vector);
  if (it == pending_interrupts_.end() || it->second == 0) return false;
  it->second--;
  return true;
}

bool PcieModel::wait_interrupt(unsigned vector, std::uint64_t timeout_ns) {
  require_thread("wait_interrupt");
  constexpr std::uint64_t kLongestWaitNs = 3600ull * 1000 * 1000 * 1000;  // an hour simulated
  const sc_time deadline =
      sc_time_stamp() + sc_time(double(std::min(timeout_ns, kLongestWaitNs)), sc_core::SC_NS);
  while (!poll_interrupt(vector)) {
    if (sc_time_stamp() >= deadline) return false;
    wait(deadline - sc_time_stamp(), interrupt_event_);
  }
  return true;
}

}  // namespace tcpoe::pcie

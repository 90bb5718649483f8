#include "ring_host.h"

#include <algorithm>
#include <stdexcept>

namespace tcpoe::sim {

namespace dev = wire::dev;
using dev::Ring;

namespace {

constexpr uint32_t kWritebackStride = 64;  // one aligned block per ring's index

uint64_t get_be64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
  return v;
}
void set_be64(uint8_t* p, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = uint8_t(v);
}
uint32_t lo(uint64_t v) { return uint32_t(v); }
uint32_t hi(uint64_t v) { return uint32_t(v >> 32); }

}  // namespace

RingHost::RingHost(pcie::HostInterface& host, const RingHostConfig& config)
    : host_(host), config_(config) {
  const uint8_t logs[] = {config.txd_log2, config.txc_log2, config.rxb_log2, config.rxc_log2};
  for (uint8_t l : logs)
    if (l < dev::kMinRingLog2 || l > dev::kMaxRingLog2)
      throw std::invalid_argument("RingHost: ring size log2 " + std::to_string(l) + " not in " +
                                  std::to_string(dev::kMinRingLog2) + ".." +
                                  std::to_string(dev::kMaxRingLog2));
  if (config.tx_slot_bytes == 0 || config.tx_slot_bytes % 64 || config.rx_buffer_bytes == 0 ||
      config.rx_buffer_bytes % 64)
    throw std::invalid_argument("RingHost: TX slots and RX buffers are multiples of 64 octets");
}

RingHost::~RingHost() {
  for (const Region& r : regions_) host_.dma_free(r.buffer);
}

RingHost::Region RingHost::allocate(std::size_t bytes) {
  Region r;
  r.buffer = host_.dma_alloc(bytes);
  r.device_address = host_.dma_map(r.buffer);
  regions_.push_back(r);
  return r;
}

uint64_t RingHost::tx_slot_address(uint16_t index) const {
  return tx_slots_.device_address +
         uint64_t(index & ((1u << config_.txd_log2) - 1)) * config_.tx_slot_bytes;
}

uint64_t RingHost::rx_buffer_address(uint16_t index) const {
  return rx_buffers_.device_address +
         uint64_t(index & ((1u << config_.rxb_log2) - 1)) * config_.rx_buffer_bytes;
}

uint64_t RingHost::mapped_low() const {
  uint64_t low = UINT64_MAX;
  for (const Region& r : regions_) low = std::min(low, r.device_address);
  return low;
}

uint64_t RingHost::mapped_high() const {
  uint64_t high = 0;
  for (const Region& r : regions_) high = std::max<uint64_t>(high, r.device_address + r.buffer.size);
  return high;
}

void RingHost::program_ring(Ring r, const Region& region, uint8_t log2) {
  write(dev::ring_offset(r, dev::ring_reg::kBaseLo), lo(region.device_address));
  write(dev::ring_offset(r, dev::ring_reg::kBaseHi), hi(region.device_address));
  write(dev::ring_offset(r, dev::ring_reg::kSizeLog2), log2);
  if (config_.index_writeback) {
    const uint64_t wb = writeback_.device_address + kWritebackStride * uint32_t(r);
    write(dev::ring_offset(r, dev::ring_reg::kWritebackLo), lo(wb));
    write(dev::ring_offset(r, dev::ring_reg::kWritebackHi), hi(wb));
  }
  write(dev::ring_offset(r, dev::ring_reg::kRingControl), 1);
}

std::string RingHost::bring_up() {
  txd_ = allocate(std::size_t(dev::tx_ring::kEntrySize) << config_.txd_log2);
  txc_ = allocate(std::size_t(dev::tx_compl::kEntrySize) << config_.txc_log2);
  rxb_ = allocate(std::size_t(dev::rx_buf::kEntrySize) << config_.rxb_log2);
  rxc_ = allocate(std::size_t(dev::rx_compl::kEntrySize) << config_.rxc_log2);
  tx_slots_ = allocate(std::size_t(config_.tx_slot_bytes) << config_.txd_log2);
  rx_buffers_ = allocate(std::size_t(config_.rx_buffer_bytes) << config_.rxb_log2);
  writeback_ = allocate(kWritebackStride * dev::kRingCount);

  program_ring(Ring::kTxDesc, txd_, config_.txd_log2);
  program_ring(Ring::kTxCompl, txc_, config_.txc_log2);
  program_ring(Ring::kRxBuf, rxb_, config_.rxb_log2);
  program_ring(Ring::kRxCompl, rxc_, config_.rxc_log2);
  if (config_.interrupts) {
    for (dev::IrqVector v : {dev::IrqVector::kTxCompl, dev::IrqVector::kRxCompl}) {
      const pcie::MsixMessage m = host_.msix_message(unsigned(v));
      write(dev::msix_offset(v, dev::msix_reg::kAddrLo), lo(m.address));
      write(dev::msix_offset(v, dev::msix_reg::kAddrHi), hi(m.address));
      write(dev::msix_offset(v, dev::msix_reg::kData), m.data);
      write(dev::msix_offset(v, dev::msix_reg::kVectorControl), 0);
    }
    write(dev::kIrqEnable.offset, 3);
  }
  write(dev::kControl.offset, 1u << dev::control_bit::kEnable);

  const uint32_t cfg_error = read(dev::kCfgError.offset);
  if (cfg_error != 0)
    return "a register write was refused: CFG_ERROR code " + std::to_string(cfg_error & 0xff) +
           " at offset " + std::to_string(cfg_error >> 16);
  const uint32_t status = read(dev::kStatus.offset);
  if (!(status >> dev::status_bit::kRunning & 1))
    return "the device is not running after enable: STATUS " + std::to_string(status);
  return "";
}

uint16_t RingHost::writeback_index(Ring r) {
  uint8_t b[4];
  host_.memory_read(writeback_.buffer, kWritebackStride * uint32_t(r), b, 4);
  return uint16_t(uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3]);
}

bool RingHost::post_tx_entry(const wire::TxDescriptor& d, uint64_t payload_address) {
  const uint16_t cons = config_.index_writeback
                            ? writeback_index(Ring::kTxDesc)
                            : uint16_t(read(dev::ring_offset(Ring::kTxDesc, dev::ring_reg::kConsDevice)));
  if (uint16_t(txd_prod_ - cons) >= (1u << config_.txd_log2)) return false;
  const dev::tx_ring::EntryBytes entry = dev::tx_ring::entry(d, {{payload_address, uint16_t(d.payload_len + d.stream_opt_len)}});
  const uint16_t slot = txd_prod_ & ((1u << config_.txd_log2) - 1);
  host_.memory_write(txd_.buffer, std::size_t(slot) * entry.size(), entry.data(), entry.size());
  ++txd_prod_;
  write(dev::ring_offset(Ring::kTxDesc, dev::ring_reg::kProdHost), txd_prod_);
  return true;
}

bool RingHost::send(wire::TxDescriptor d, const std::vector<uint8_t>& payload) {
  if (payload.size() > config_.tx_slot_bytes)
    throw std::invalid_argument("RingHost::send: payload longer than a TX slot");
  d.payload_len = uint16_t(payload.size());
  const uint16_t slot = txd_prod_ & ((1u << config_.txd_log2) - 1);
  if (!payload.empty())
    host_.memory_write(tx_slots_.buffer, std::size_t(slot) * config_.tx_slot_bytes, payload.data(),
                       payload.size());
  return post_tx_entry(d, tx_slot_address(txd_prod_));
}

bool RingHost::send_from(const wire::TxDescriptor& d, uint64_t payload_address) {
  return post_tx_entry(d, payload_address);
}

void RingHost::write_tx_slots(uint64_t device_address, const std::vector<uint8_t>& data) {
  if (device_address < tx_slots_.device_address ||
      device_address + data.size() > tx_slots_.device_address + tx_slots_.buffer.size)
    throw std::out_of_range("RingHost::write_tx_slots: not inside the TX slots");
  host_.memory_write(tx_slots_.buffer, device_address - tx_slots_.device_address, data.data(),
                     data.size());
}

void RingHost::post_rx_buffers(unsigned count) {
  for (unsigned i = 0; i < count; ++i) {
    std::array<uint8_t, dev::rx_buf::kEntrySize> entry{};
    set_be64(entry.data() + dev::rx_buf::kAddr.offset, rx_buffer_address(rxb_prod_));
    wire::set_field(entry.data(), dev::rx_buf::kLen, config_.rx_buffer_bytes);
    const uint16_t slot = rxb_prod_ & ((1u << config_.rxb_log2) - 1);
    host_.memory_write(rxb_.buffer, std::size_t(slot) * entry.size(), entry.data(), entry.size());
    ++rxb_prod_;
  }
  write(dev::ring_offset(Ring::kRxBuf, dev::ring_reg::kProdHost), rxb_prod_);
}

uint8_t RingHost::phase(uint16_t index, uint8_t log2) const {
  return ((index >> log2) & 1) ? 0 : dev::compl_flag::kPhase;
}

std::optional<TxCompletion> RingHost::poll_tx() {
  std::array<uint8_t, dev::tx_compl::kEntrySize> e{};
  const uint16_t slot = txc_cons_ & ((1u << config_.txc_log2) - 1);
  host_.memory_read(txc_.buffer, std::size_t(slot) * e.size(), e.data(), e.size());
  if ((e[dev::tx_compl::kFlags.offset] & dev::compl_flag::kPhase) != phase(txc_cons_, config_.txc_log2))
    return std::nullopt;
  TxCompletion c;
  c.desc_index = uint16_t(wire::get_field(e.data(), dev::tx_compl::kDescIndex));
  c.status = dev::ComplStatus(e[dev::tx_compl::kStatus.offset]);
  c.timestamp = get_be64(e.data() + dev::tx_compl::kTimestamp.offset);
  ++txc_cons_;
  write(dev::ring_offset(Ring::kTxCompl, dev::ring_reg::kConsHost), txc_cons_);
  return c;
}

std::optional<RxCompletion> RingHost::poll_rx() {
  std::array<uint8_t, dev::rx_compl::kEntrySize> e{};
  const uint16_t slot = rxc_cons_ & ((1u << config_.rxc_log2) - 1);
  host_.memory_read(rxc_.buffer, std::size_t(slot) * e.size(), e.data(), e.size());
  if ((e[dev::rx_compl::kFlags.offset] & dev::compl_flag::kPhase) != phase(rxc_cons_, config_.rxc_log2))
    return std::nullopt;
  RxCompletion c;
  wire::RxDescriptorBytes raw{};
  std::copy(e.begin(), e.begin() + raw.size(), raw.begin());
  c.desc = wire::unpack_rx_descriptor(raw);
  c.buf_index = uint16_t(wire::get_field(e.data(), dev::rx_compl::kBufIndex));
  c.frame_len = uint16_t(wire::get_field(e.data(), dev::rx_compl::kFrameLen));
  c.status = dev::ComplStatus(e[dev::rx_compl::kStatus.offset]);
  c.timestamp = get_be64(e.data() + dev::rx_compl::kTimestamp.offset);
  if (c.status == dev::ComplStatus::kOk && c.frame_len <= config_.rx_buffer_bytes) {
    c.frame.resize(c.frame_len);
    const std::size_t at =
        std::size_t(c.buf_index & ((1u << config_.rxb_log2) - 1)) * config_.rx_buffer_bytes;
    if (c.frame_len) host_.memory_read(rx_buffers_.buffer, at, c.frame.data(), c.frame_len);
  }
  ++rxc_cons_;
  write(dev::ring_offset(Ring::kRxCompl, dev::ring_reg::kConsHost), rxc_cons_);
  return c;
}

void RingHost::idle(uint64_t ns) {
  // With interrupts off nothing is pending on the vector: a plain wait.
  constexpr unsigned kUnusedVector = 2047;
  host_.wait_interrupt(kUnusedVector, ns);
}

template <typename C, typename Poll>
static std::vector<C> wait_for(RingHost& h, std::size_t count, uint64_t timeout_ns, unsigned vector,
                               Poll poll) {
  std::vector<C> got;
  uint64_t waited = 0;
  for (;;) {
    while (got.size() < count) {
      std::optional<C> c = poll();
      if (!c) break;
      got.push_back(std::move(*c));
    }
    if (got.size() >= count || waited >= timeout_ns) return got;
    const uint64_t step = std::min(h.config().poll_ns, timeout_ns - waited);
    if (h.config().interrupts)
      h.host().wait_interrupt(vector, step);
    else
      h.idle(step);
    waited += step;
  }
}

std::vector<TxCompletion> RingHost::wait_tx(std::size_t count, uint64_t timeout_ns) {
  return wait_for<TxCompletion>(*this, count, timeout_ns, unsigned(dev::IrqVector::kTxCompl),
                                [this] { return poll_tx(); });
}

std::vector<RxCompletion> RingHost::wait_rx(std::size_t count, uint64_t timeout_ns) {
  return wait_for<RxCompletion>(*this, count, timeout_ns, unsigned(dev::IrqVector::kRxCompl),
                                [this] { return poll_rx(); });
}

}  // namespace tcpoe::sim

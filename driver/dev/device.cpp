#include "tcpoe/driver/dev/device.h"

#include <cstdio>

namespace tcpoe::driver::dev {

namespace regs = wire::dev;

namespace {
std::string hex(std::uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}
}  // namespace

std::string DeviceConfig::problem() const {
  for (std::uint8_t l : {tx_log2, rx_log2})
    if (l < regs::kMinRingLog2 || l > regs::kMaxRingLog2)
      return "ring size log2 " + std::to_string(l) + " is not in " +
             std::to_string(regs::kMinRingLog2) + ".." + std::to_string(regs::kMaxRingLog2);
  if (tx_slot_bytes == 0 || tx_slot_bytes % 64) return "TX slots must be a non-zero multiple of 64 octets";
  if (rx_buffer_bytes == 0 || rx_buffer_bytes % 64) return "RX buffers must be a non-zero multiple of 64 octets";
  if (reset_polls == 0) return "reset_polls must be at least 1";
  return "";
}

Device::Device(pcie::HostInterface& host, const DeviceConfig& config) : host_(host), config_(config) {
  if (const std::string p = config.problem(); !p.empty())
    throw std::invalid_argument("Device: " + p);
}

Device::~Device() {
  try {
    teardown();
  } catch (const DeviceError&) {
    // The device did not come out of reset: its memory stays mapped (it
    // might still write there); nothing more can be done here.
  }
}

TxQueue& Device::tx() {
  if (!tx_) throw std::logic_error("Device::tx: the device is not up");
  return *tx_;
}

RxQueue& Device::rx() {
  if (!rx_) throw std::logic_error("Device::rx: the device is not up");
  return *rx_;
}

void Device::soft_reset() {
  host_.mmio_write32(regs::kControl.offset, 1u << regs::control_bit::kSoftReset);
  for (unsigned i = 0; i < config_.reset_polls; ++i)
    if (!(host_.mmio_read32(regs::kControl.offset) >> regs::control_bit::kSoftReset & 1)) return;
  throw DeviceError("the device's soft reset did not finish after " +
                    std::to_string(config_.reset_polls) + " reads of CONTROL");
}

void Device::identify() {
  DeviceIdentity& d = identity_;
  d.id = host_.mmio_read32(regs::kId.offset);
  if (d.id != regs::kDeviceId)
    throw DeviceError("not a tcpoe device: ID reads " + hex(d.id) + ", expected " + hex(regs::kDeviceId));
  d.version = host_.mmio_read32(regs::kVersionReg.offset);
  if ((d.version >> 16 & 0xff) != regs::kVersionMajor)
    throw DeviceError("host interface version " + std::to_string(d.version >> 16 & 0xff) + "." +
                      std::to_string(d.version >> 8 & 0xff) + " is not supported (this driver knows " +
                      std::to_string(regs::kVersionMajor) + ".x)");
  d.caps = host_.mmio_read32(regs::kCaps.offset);
  d.data_width = host_.mmio_read32(regs::kDataWidth.offset);
  if (d.data_width != 64 && d.data_width != 128 && d.data_width != 256 && d.data_width != 512)
    throw DeviceError("the device reports a data width of " + std::to_string(d.data_width) + " bits");
  d.max_frame = host_.mmio_read32(regs::kMaxFrame.offset);
  if (d.max_frame == 0) throw DeviceError("the device reports a largest frame of 0 octets");
  if (!d.has(regs::cap_bit::kIndexWriteback))
    throw DeviceError("the device has no index write-back (CAPS " + hex(d.caps) + "): this driver needs it");
  if (config_.interrupts && !d.has(regs::cap_bit::kMsix))
    throw DeviceError("interrupt mode asked for, but the device has no MSI-X (CAPS " + hex(d.caps) + ")");
  if (config_.rx_buffer_bytes < d.max_frame)
    throw DeviceError("RX buffers of " + std::to_string(config_.rx_buffer_bytes) +
                      " octets are shorter than the device's largest frame, " + std::to_string(d.max_frame));
}

void Device::program_interrupts() {
  std::uint32_t enable = 0;
  for (regs::IrqVector v : {regs::IrqVector::kTxCompl, regs::IrqVector::kRxCompl}) {
    const pcie::MsixMessage m = host_.msix_message(unsigned(v));
    host_.mmio_write32(regs::msix_offset(v, regs::msix_reg::kAddrLo), std::uint32_t(m.address));
    host_.mmio_write32(regs::msix_offset(v, regs::msix_reg::kAddrHi), std::uint32_t(m.address >> 32));
    host_.mmio_write32(regs::msix_offset(v, regs::msix_reg::kData), m.data);
    host_.mmio_write32(regs::irq_mod_offset(v, regs::irq_mod_reg::kCount), config_.irq_moderation_count);
    host_.mmio_write32(regs::msix_offset(v, regs::msix_reg::kVectorControl), 0);  // unmasked
    enable |= 1u << unsigned(v);
  }
  host_.mmio_write32(regs::kIrqEnable.offset, enable);
}

void Device::bring_up() {
  if (up()) throw std::logic_error("Device::bring_up: already up");
  soft_reset();
  identify();
  writeback_ = std::make_unique<IndexWriteback>(host_);
  tx_ = std::make_unique<TxQueue>(host_, config_.tx_log2, config_.tx_slot_bytes, *writeback_);
  rx_ = std::make_unique<RxQueue>(host_, config_.rx_log2, config_.rx_buffer_bytes, *writeback_);
  tx_->program();
  rx_->program();
  if (config_.interrupts) program_interrupts();
  host_.mmio_write32(regs::kControl.offset, 1u << regs::control_bit::kEnable);
  rx_->refill();

  const std::uint32_t cfg_error = host_.mmio_read32(regs::kCfgError.offset);
  const std::uint32_t status = host_.mmio_read32(regs::kStatus.offset);
  std::string problem;
  if (cfg_error != 0) {
    const unsigned code = cfg_error & 0xff;
    problem = std::string("a register write was refused: CFG_ERROR ") +
              (code < regs::kCfgErrorCount ? regs::kCfgErrorNames[code] : "?") + " at offset " +
              hex(cfg_error >> 16);
  } else if (!(status >> regs::status_bit::kRunning & 1)) {
    problem = "the device is not running after enable: STATUS " + hex(status);
  }
  if (!problem.empty()) {
    teardown();
    throw DeviceError(problem);
  }
}

void Device::teardown() {
  if (!up()) return;
  host_.mmio_write32(regs::kControl.offset, 0);
  soft_reset();  // stops every DMA: afterwards the memory may go
  rx_.reset();
  tx_.reset();
  writeback_.reset();
}

bool Device::wait(std::uint64_t ns) {
  // TX completions are reaped on every look; their vector needs no wake-up.
  host_.poll_interrupt(unsigned(regs::IrqVector::kTxCompl));
  return host_.wait_interrupt(unsigned(regs::IrqVector::kRxCompl), ns);
}

}  // namespace tcpoe::driver::dev

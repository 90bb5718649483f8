// The device layer's root (in the manner of Corundum's mqnic driver: one
// object per resource, each with a clear lifecycle): a Device brings the
// tcpoe NIC up through pcie::HostInterface alone and owns its queues.
//
//   bring_up(): soft reset and wait for it; identify (ID, VERSION, CAPS,
//     DATA_WIDTH, MAX_FRAME: a wrong device is refused with the reason);
//     the index write-back block, the TxQueue and RxQueue allocated and
//     mapped, every ring programmed and enabled, the MSI-X table filled from
//     the host's msix_message() (interrupt mode) or left masked (poll mode),
//     the device enabled, RX buffers posted; CFG_ERROR and STATUS checked.
//   the fast path: TxQueue/RxQueue post, doorbell, reap: register writes
//     only, no register read.
//   teardown(): disable, soft reset and wait for it (the device then makes
//     no DMA), then every window unmapped and every buffer freed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "tcpoe/driver/dev/ring.h"
#include "tcpoe/driver/dev/rx_queue.h"
#include "tcpoe/driver/dev/tx_queue.h"
#include "tcpoe/pcie/host_interface.h"
#include "tcpoe/wire/device_regs.h"

namespace tcpoe::driver::dev {

// Bring-up and teardown failures, with what was found.
class DeviceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DeviceConfig {
  std::uint8_t tx_log2 = 5;             // TXD and TXC entries
  std::uint8_t rx_log2 = 5;             // RXB and RXC entries
  std::uint32_t tx_slot_bytes = 2048;   // payload slot per TX entry, a multiple of 64
  std::uint32_t rx_buffer_bytes = 2240; // per RX buffer, a multiple of 64, >= the device's MAX_FRAME
  bool interrupts = false;              // MSI-X on both vectors; else poll mode
  std::uint32_t irq_moderation_count = 1;  // completions per interrupt
  unsigned reset_polls = 1000;          // CONTROL reads while a soft reset drains, at most

  std::string problem() const;  // empty when usable
};

struct DeviceIdentity {
  std::uint32_t id = 0, version = 0, caps = 0, data_width = 0, max_frame = 0;
  bool has(std::uint8_t cap_bit) const { return caps >> cap_bit & 1; }
};

class Device {
 public:
  Device(pcie::HostInterface& host, const DeviceConfig& config = {});
  ~Device();  // teardown(), errors swallowed
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  void bring_up();  // throws DeviceError (or std::invalid_argument for a bad config)
  void teardown();  // throws DeviceError when the soft reset does not finish
  bool up() const { return tx_ != nullptr; }

  const DeviceIdentity& identity() const { return identity_; }
  const DeviceConfig& config() const { return config_; }
  TxQueue& tx();
  RxQueue& rx();
  pcie::HostInterface& host() { return host_; }

  // A statistics counter (one register read: not for the fast path).
  std::uint32_t counter(wire::dev::Counter c) { return host_.mmio_read32(wire::dev::counter_offset(c)); }
  // Waits until an RX completion interrupt (interrupt mode: true) or `ns`
  // have passed (false; in poll mode simply the pause between two looks).
  bool wait(std::uint64_t ns);

 private:
  void soft_reset();
  void identify();
  void program_interrupts();

  pcie::HostInterface& host_;
  DeviceConfig config_;
  DeviceIdentity identity_;
  std::unique_ptr<IndexWriteback> writeback_;
  std::unique_ptr<TxQueue> tx_;
  std::unique_ptr<RxQueue> rx_;
};

}  // namespace tcpoe::driver::dev

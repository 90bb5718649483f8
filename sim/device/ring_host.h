// The small host side the device's tests need, written against
// tcpoe::pcie::HostInterface alone (MMIO, DMA memory, interrupts) as the
// driver will be: the four rings and their buffers allocated and mapped,
// the registers programmed (docs/register-map.md), frames sent through the
// TX ring with a doorbell, RX buffers posted, completions taken by their
// phase bit and their ring's consumer index handed back.
//
// Not a driver: one TX payload slot and one RX buffer per ring entry, no
// error recovery. Calls that wait (MMIO reads, polling) must come from an
// SC_THREAD when the host is the SystemC model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tcpoe/pcie/host_interface.h"
#include "tcpoe/wire/device_regs.h"
#include "tcpoe/wire/rx_descriptor.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace tcpoe::sim {

struct RingHostConfig {
  uint8_t txd_log2 = 5, txc_log2 = 5, rxb_log2 = 5, rxc_log2 = 5;
  uint32_t tx_slot_bytes = 4096;    // TX payload slot per TXD entry (a multiple of 64)
  uint32_t rx_buffer_bytes = 4096;  // RX buffer per RXB entry (a multiple of 64)
  bool index_writeback = true;      // the device writes its indices into host memory
  bool interrupts = false;          // MSI-X on both vectors (else poll mode)
  uint64_t poll_ns = 200;           // simulated time between two looks at the rings
};

struct TxCompletion {
  uint16_t desc_index = 0;
  wire::dev::ComplStatus status{};
  uint64_t timestamp = 0;
};

struct RxCompletion {
  wire::RxDescriptor desc;  // the parser's descriptor
  uint16_t buf_index = 0;
  uint16_t frame_len = 0;
  wire::dev::ComplStatus status{};
  uint64_t timestamp = 0;
  std::vector<uint8_t> frame;  // frame_len octets read from the buffer (status OK)
};

class RingHost {
 public:
  RingHost(pcie::HostInterface& host, const RingHostConfig& config = {});
  ~RingHost();  // frees (and so unmaps) what it allocated
  RingHost(const RingHost&) = delete;
  RingHost& operator=(const RingHost&) = delete;

  // Allocates and maps rings and buffers, programs every ring, enables them
  // and the device. Returns "" or what went wrong (a refused write's
  // CFG_ERROR, the device not running).
  std::string bring_up();

  // The next TXD entry: the descriptor (payload_len = payload's size) and
  // its payload in the entry's slot, then the doorbell. False when the
  // ring is full.
  bool send(wire::TxDescriptor d, const std::vector<uint8_t>& payload);
  // The same with the payload read from `payload_address`, any device
  // address (e.g. one never mapped), and `payload_len` as it is.
  bool send_from(const wire::TxDescriptor& d, uint64_t payload_address);
  // Writes `data` into the TX slots' memory at `device_address` (inside it;
  // std::out_of_range otherwise): a payload anywhere in the slots.
  void write_tx_slots(uint64_t device_address, const std::vector<uint8_t>& data);
  // Posts `count` more RX buffers (each rx_buffer_bytes long); the doorbell.
  void post_rx_buffers(unsigned count);

  // The next completion if its phase bit says it is new; CONS handed back.
  std::optional<TxCompletion> poll_tx();
  std::optional<RxCompletion> poll_rx();
  // Polls (every poll_ns, or sooner on an interrupt) until `count`
  // completions came or `timeout_ns` passed; returns what came.
  std::vector<TxCompletion> wait_tx(std::size_t count, uint64_t timeout_ns);
  std::vector<RxCompletion> wait_rx(std::size_t count, uint64_t timeout_ns);
  // Lets `ns` of simulated time pass.
  void idle(uint64_t ns);

  uint32_t read(uint32_t offset) { return host_.mmio_read32(offset); }
  void write(uint32_t offset, uint32_t value) { host_.mmio_write32(offset, value); }
  uint32_t counter(wire::dev::Counter c) { return read(wire::dev::counter_offset(c)); }
  // The device's index of a ring as written back to host memory.
  uint16_t writeback_index(wire::dev::Ring r);

  pcie::HostInterface& host() { return host_; }
  const RingHostConfig& config() const { return config_; }
  // Device addresses of a TX payload slot and of an RX buffer.
  uint64_t tx_slot_address(uint16_t index) const;
  uint64_t rx_buffer_address(uint16_t index) const;
  // The lowest device address of the windows this host mapped, and one past the highest.
  uint64_t mapped_low() const;
  uint64_t mapped_high() const;

 private:
  struct Region {
    pcie::DmaBuffer buffer;
    uint64_t device_address = 0;
  };
  Region allocate(std::size_t bytes);
  void program_ring(wire::dev::Ring r, const Region& region, uint8_t log2);
  bool post_tx_entry(const wire::TxDescriptor& d, uint64_t payload_address);
  uint8_t phase(uint16_t index, uint8_t log2) const;

  pcie::HostInterface& host_;
  RingHostConfig config_;
  std::vector<Region> regions_;
  Region txd_, txc_, rxb_, rxc_, tx_slots_, rx_buffers_, writeback_;
  uint16_t txd_prod_ = 0, txc_cons_ = 0, rxb_prod_ = 0, rxc_cons_ = 0;
};

}  // namespace tcpoe::sim

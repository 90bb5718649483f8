// tcpoe_dev_pkg's structs (rtl/tcpoe_dev_pkg.sv) as C++ values, and their
// place in a verilated port: the harnesses read what the register file hands
// the engines and drive the engines' configuration inputs with them. A
// packed struct's first member is its most significant; the offsets below
// are from its least significant bit.
#pragma once

#include <cstdint>

#include "verilator_ports.h"

namespace tcpoe::sim {

// tcpoe_dev_pkg::ring_cfg_t
struct RingCfg {
  bool enable = false;
  uint64_t base = 0;
  uint8_t size_log2 = 0;
  uint64_t wb_addr = 0;
  uint16_t host_idx = 0;
  static constexpr int kWidth = 1 + 64 + 4 + 64 + 16;  // tcpoe_dev_pkg::RING_CFG_W
};

// tcpoe_dev_pkg::irq_cfg_t
struct IrqCfg {
  bool enable = false;
  uint32_t mod_count = 0;
  uint32_t mod_time = 0;
  uint64_t msix_addr = 0;
  uint32_t msix_data = 0;
  bool masked = false;
  static constexpr int kWidth = 1 + 32 + 32 + 64 + 32 + 1;  // tcpoe_dev_pkg::IRQ_CFG_W
};

template <typename Port>
RingCfg get_ring_cfg(const Port& port, int lsb) {
  RingCfg c;
  c.host_idx = static_cast<uint16_t>(get_bits(port, lsb, 16));
  c.wb_addr = get_bits(port, lsb + 16, 64);
  c.size_log2 = static_cast<uint8_t>(get_bits(port, lsb + 80, 4));
  c.base = get_bits(port, lsb + 84, 64);
  c.enable = get_bit(port, lsb + 148);
  return c;
}

template <typename Port>
void set_ring_cfg(Port& port, int lsb, const RingCfg& c) {
  set_bits(port, lsb, 16, c.host_idx);
  set_bits(port, lsb + 16, 64, c.wb_addr);
  set_bits(port, lsb + 80, 4, c.size_log2);
  set_bits(port, lsb + 84, 64, c.base);
  set_bit(port, lsb + 148, c.enable);
}

template <typename Port>
IrqCfg get_irq_cfg(const Port& port, int lsb) {
  IrqCfg c;
  c.masked = get_bit(port, lsb);
  c.msix_data = static_cast<uint32_t>(get_bits(port, lsb + 1, 32));
  c.msix_addr = get_bits(port, lsb + 33, 64);
  c.mod_time = static_cast<uint32_t>(get_bits(port, lsb + 97, 32));
  c.mod_count = static_cast<uint32_t>(get_bits(port, lsb + 129, 32));
  c.enable = get_bit(port, lsb + 161);
  return c;
}

template <typename Port>
void set_irq_cfg(Port& port, int lsb, const IrqCfg& c) {
  set_bit(port, lsb, c.masked);
  set_bits(port, lsb + 1, 32, c.msix_data);
  set_bits(port, lsb + 33, 64, c.msix_addr);
  set_bits(port, lsb + 97, 32, c.mod_time);
  set_bits(port, lsb + 129, 32, c.mod_count);
  set_bit(port, lsb + 161, c.enable);
}

}  // namespace tcpoe::sim

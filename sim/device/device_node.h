// One host and its device in SystemC: the PCIe model (root complex, link,
// host memory, IOMMU) with the verilated device bound to it, BAR and DMA.
// The link's BAR register read is the device's own AXI4-Lite transaction,
// so the model adds no register_read_cycles of its own, and its device
// clock is the device's.
#pragma once

#include <string>

#include "device_sc.h"
#include "tcpoe/pcie/pcie_model.h"

namespace tcpoe::sim {

struct DeviceNodeConfig {
  pcie::LinkConfig link;
  DeviceConfig device;
};

class DeviceNode : public sc_core::sc_module {
 public:
  DeviceNode(sc_core::sc_module_name name, const DeviceNodeConfig& config)
      : sc_core::sc_module(name), pcie("pcie", link_for(config)), device("device", config.device) {
    pcie.bar_initiator.bind(device.bar_target);
    device.dma_initiator.bind(pcie.dma_target);
  }

  pcie::PcieModel pcie;
  Device device;

  // The link settings the node's PCIe model runs with: `config.link`, the
  // register reads timed by the device itself, at the device's clock.
  static pcie::LinkConfig link_for(const DeviceNodeConfig& config) {
    pcie::LinkConfig link = config.link;
    link.register_read_cycles = 0;
    link.device_clock_mhz = config.device.clock_mhz;
    return link;
  }
};

}  // namespace tcpoe::sim

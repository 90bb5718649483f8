// tcpoe-handshake's timing of a connect: what the PCIe model, the device
// and the wire did, as they did it, and the connect's time split into its
// parts (docs/driver.md, "tcpoe-handshake"). Nothing is estimated: every
// boundary is a time one of the models reported.
//   - the PCIe model: each transfer of our node (PcieModel::on_transfer):
//     MMIO writes (posted: issue to arrival at the device), DMA reads (the
//     request to the last completion at the device), DMA and MSI-X writes
//     (the request to the last octet in host memory);
//   - the wire: each frame put on the line (EthernetWire::on_send: its
//     start) and each frame's arrival at either side (its last octet).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ethernet_wire.h"
#include "tcpoe/pcie/pcie_model.h"

namespace tcpoe::host {

// One part of a connect's time.
struct TimingPart {
  const char* name;
  const char* what;  // how it is measured
  uint64_t ns;
};

class ConnectTiming {
 public:
  // Records our node's transfers and the wire's frames (side 0 is ours).
  void transfer(const pcie::PcieModel::Transfer& t);
  void sent(int side, const sim::Frame& frame, uint64_t start_ps);
  void arrived(int to_side, const sim::Frame& frame, uint64_t time_ps);

  // Forgets what happened before `ps` (the records of earlier connects).
  void forget_before(uint64_t ps);

  // The active open from connect() at t0_ps to the ESTABLISHED event at
  // end_ps, in parts that add up to end - t0 (empty when the records do not
  // show a SYN and its answer: the connect failed).
  std::vector<TimingPart> breakdown(uint64_t t0_ps, uint64_t end_ps) const;
  // When the last SYN (without ACK) to arrive at our side by `ps` arrived
  // (0: none): a passive open's start.
  uint64_t last_syn_arrival(uint64_t ps) const;

  uint64_t dma_bytes_read() const { return dma_bytes_read_; }
  uint64_t dma_bytes_written() const { return dma_bytes_written_; }

 private:
  struct Span {
    uint64_t start_ps, end_ps;
  };
  struct Transfer {
    pcie::PcieModel::Transfer::Kind kind;
    std::size_t length;
    Span span;
  };
  struct WireFrame {
    int side;  // sent from / arrived at
    sim::Frame frame;
    uint64_t ps;
  };
  // The time within [from, to) covered by the transfers `pick` selects.
  template <typename Pick>
  uint64_t covered_ps(uint64_t from, uint64_t to, Pick pick) const;

  std::vector<Transfer> transfers_;
  std::vector<WireFrame> sends_, arrivals_;
  uint64_t dma_bytes_read_ = 0, dma_bytes_written_ = 0;
};

}  // namespace tcpoe::host

// The device, rtl/tcpoe_top.sv verilated, inside SystemC (docs/pcie-model.md,
// "The device in SystemC"): clocked by a thread of its own (250 MHz by
// default), its BAR0 a TLM-2.0 target (bind PcieModel::bar_initiator to
// bar_target), its AXI4 master a TLM-2.0 initiator (bind dma_initiator to
// PcieModel::dma_target), its MAC ports a side of an Ethernet wire.
//
//  - BAR: each b_transport (4 octets, aligned, below 64 KiB) becomes one
//    AXI4-Lite write (AW and W together) or read on s_axil_*, in arrival
//    order. A write is posted: queued and answered OK at once (PCIe has no
//    answer for it; a refused one shows in CFG_ERROR). A read is answered
//    when the register file answers, after its clock cycles: SLVERR gives
//    TLM_GENERIC_ERROR_RESPONSE, DECERR TLM_ADDRESS_ERROR_RESPONSE. Other
//    requests are refused (TLM_BURST_ERROR_RESPONSE, ..._ADDRESS_...).
//    Since the transaction's cycles are the register read, a PcieModel in
//    front of it wants LinkConfig::register_read_cycles = 0.
//  - DMA: each AR burst becomes one b_transport read, each AW burst with its
//    W beats one write (a run of strobed octets each: the model takes no
//    byte enables), issued by a pool of requester threads (as many as the
//    device can have bursts outstanding), so as many are in flight as the
//    device has issued. R beats go back one burst at a time, each ID's in
//    the order of its ARs; B likewise, after its write returned. A TLM error
//    response (an IOMMU fault) becomes SLVERR on all its beats.
//  - MAC: frames the device sends (m_axis_tx) go on the wire when their last
//    beat has been taken; the MAC holds one frame while the one before it is
//    on the line (m_axis_tx_tready low until that frame has started), so the
//    device sends at the line rate and no faster. Frames arriving from the
//    wire queue in the MAC (mac_rx_fifo_frames; more are dropped, counted)
//    and go into s_axis_rx one beat per cycle, from their arrival on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "wire_channel.h"

namespace tcpoe::sim {

struct DeviceConfig {
  int data_width = 64;      // 64 or 512: the widths tcpoe_top is verilated at here
  double clock_mhz = 250.0;
  std::string fst_path;     // the device's waveform, time in ps, closed by sc_stop(); empty: none
  unsigned dma_threads = 16;  // requester threads (TX and RX engines: 8 bursts each)
  std::size_t mac_rx_fifo_frames = 64;
  unsigned reset_cycles = 8;
  // Stop the clock while the device is settled: nothing in flight on its
  // ports (BAR, DMA, MAC) and its whole verilated state (every register,
  // memory and input) the same after a cycle as before it, so further
  // cycles would change nothing. It runs again, on its clock's grid, when a
  // BAR request or a frame from the wire arrives. The device behaves
  // exactly as if clocked throughout (it is deterministic and at a fixed
  // point but for its free-running cycle counter, the completions' time
  // stamps, which is advanced by the cycles skipped); only
  // DeviceCounters::cycles leaves the skipped ones out. For
  // long stretches of simulated time with little traffic (packetdrill's
  // seconds-long timers).
  bool skip_idle = false;

  std::string problem() const;  // empty when usable
};

struct DeviceCounters {
  uint64_t cycles = 0;
  uint64_t bar_reads = 0, bar_writes = 0, bar_errors = 0;  // errors: SLVERR/DECERR answers
  uint64_t dma_reads = 0, dma_writes = 0;  // bursts
  uint64_t dma_errors = 0;                 // bursts answered with a TLM error
  uint64_t frames_sent = 0, frames_received = 0;  // on the MAC ports
  uint64_t mac_rx_dropped = 0;                   // the MAC's FIFO was full
  uint64_t cycles_skipped = 0;                   // skip_idle: cycles the clock was stopped for
};

class Device : public sc_core::sc_module, public WireEnd {
 public:
  tlm_utils::simple_target_socket<Device> bar_target;
  tlm_utils::simple_initiator_socket<Device> dma_initiator;

  // Throws std::invalid_argument when config.problem() is not empty.
  Device(sc_core::sc_module_name name, const DeviceConfig& config);
  ~Device() override;

  // The MAC ports on `side` of `wire`: sends there, receives from the other side.
  void connect(WireChannel& wire, int side);
  void frame_arrived(const Frame& frame, uint64_t time_ps) override;

  // Called for every frame sent, with the times its first and last beats
  // were taken from m_axis_tx (ps).
  std::function<void(const Frame&, uint64_t first_beat_ps, uint64_t last_beat_ps)> on_frame_sent;

  const DeviceCounters& counters() const;
  const DeviceConfig& config() const { return config_; }
  sc_core::sc_time clock_period() const;
  // True once an RTL assertion has fired (the run goes on; tests check it).
  bool assertion_fired() const;

  struct Impl;  // the clocked model and the queues between it and the threads

 protected:
  void end_of_simulation() override;  // the waveform is finished then

 private:
  void clock_thread();
  void dma_thread();
  void bar_b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  DeviceConfig config_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tcpoe::sim

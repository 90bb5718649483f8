// The Ethernet wire inside SystemC: an EthernetWire whose frames are
// delivered to their ends at their arrival time in simulated time (a thread
// wakes for each arrival), and sent at the current simulated time.
#pragma once

#include <cstdint>

#include <systemc>

#include "ethernet_wire.h"

namespace tcpoe::sim {

// SystemC time <-> the wire's integer picoseconds.
uint64_t to_wire_ps(const sc_core::sc_time& t);
sc_core::sc_time from_wire_ps(uint64_t ps);

class WireChannel : public sc_core::sc_module {
 public:
  WireChannel(sc_core::sc_module_name name, const EthernetWireConfig& config);

  EthernetWire& wire() { return wire_; }
  void attach(int side, WireEnd* end) { wire_.attach(side, end); }
  // Sends `frame` from `side` now (or when the line is free).
  EthernetWire::Transmission send(int side, Frame frame);
  // Wakes the delivery thread after a frame was sent through wire() directly
  // (a WireEnd answering from frame_arrived() need not: the thread looks
  // again after every delivery).
  void notify_sent() { sent_.notify(sc_core::SC_ZERO_TIME); }

 private:
  void deliver();  // SC_THREAD

  EthernetWire wire_;
  sc_core::sc_event sent_;
};

}  // namespace tcpoe::sim

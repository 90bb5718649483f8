#include "wire_channel.h"

namespace tcpoe::sim {

uint64_t to_wire_ps(const sc_core::sc_time& t) {
  static const double ps_per_unit = sc_core::sc_get_time_resolution().to_seconds() * 1e12;
  return uint64_t(double(t.value()) * ps_per_unit + 0.5);
}

sc_core::sc_time from_wire_ps(uint64_t ps) { return sc_core::sc_time(double(ps), sc_core::SC_PS); }

WireChannel::WireChannel(sc_core::sc_module_name name, const EthernetWireConfig& config)
    : sc_core::sc_module(name), wire_(config) {
  SC_HAS_PROCESS(WireChannel);
  SC_THREAD(deliver);
}

EthernetWire::Transmission WireChannel::send(int side, Frame frame) {
  const EthernetWire::Transmission t =
      wire_.send(side, std::move(frame), to_wire_ps(sc_core::sc_time_stamp()));
  notify_sent();
  return t;
}

void WireChannel::deliver() {
  for (;;) {
    const uint64_t now = to_wire_ps(sc_core::sc_time_stamp());
    wire_.deliver_until(now);
    const std::optional<uint64_t> next = wire_.next_arrival_ps();
    if (next)
      wait(from_wire_ps(*next - now), sent_);
    else
      wait(sent_);
  }
}

}  // namespace tcpoe::sim

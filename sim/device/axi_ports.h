// A verilated AXI4 master's ports (named m_axi_* as the DMA masters, the
// engines and the device top name them) as axi_slave.h's AxiReadPorts and
// AxiWritePorts, and the slaves' answers driven back onto them: what every
// harness around such a master does each cycle.
#pragma once

#include "axi_slave.h"
#include "verilator_ports.h"

namespace tcpoe::sim {

template <typename Top>
AxiReadPorts read_ports(const Top& t) {
  AxiReadPorts p;
  p.ar = {bool(t.m_axi_arvalid), bool(t.m_axi_arready), t.m_axi_araddr, t.m_axi_arid,
          t.m_axi_arlen, t.m_axi_arsize, t.m_axi_arburst, t.m_axi_arcache, t.m_axi_arprot};
  p.rvalid = t.m_axi_rvalid;
  p.rready = t.m_axi_rready;
  p.rlast = t.m_axi_rlast;
  p.rid = t.m_axi_rid;
  p.rresp = t.m_axi_rresp;
  return p;
}

template <typename Top>
AxiWritePorts write_ports(const Top& t, int bytes_per_beat) {
  AxiWritePorts p;
  p.aw = {bool(t.m_axi_awvalid), bool(t.m_axi_awready), t.m_axi_awaddr, t.m_axi_awid,
          t.m_axi_awlen, t.m_axi_awsize, t.m_axi_awburst, t.m_axi_awcache, t.m_axi_awprot};
  p.wvalid = t.m_axi_wvalid;
  p.wready = t.m_axi_wready;
  p.wlast = t.m_axi_wlast;
  p.wdata.resize(size_t(bytes_per_beat));
  for (int i = 0; i < bytes_per_beat; ++i) p.wdata[size_t(i)] = get_lane(t.m_axi_wdata, i);
  p.wstrb = get_bits(t.m_axi_wstrb, 0, bytes_per_beat);
  p.bvalid = t.m_axi_bvalid;
  p.bready = t.m_axi_bready;
  p.bid = t.m_axi_bid;
  p.bresp = t.m_axi_bresp;
  return p;
}

// The read slave's ARREADY and R beat onto the master's inputs (prepare() done).
template <typename Top>
void drive_read_slave(Top& t, const AxiReadSlave& s, int bytes_per_beat) {
  t.m_axi_arready = s.arready();
  t.m_axi_rvalid = s.rvalid();
  t.m_axi_rid = s.rid();
  t.m_axi_rresp = s.rresp();
  t.m_axi_rlast = s.rlast();
  for (int i = 0; i < bytes_per_beat; ++i) set_lane(t.m_axi_rdata, i, s.rdata()[size_t(i)]);
}

// The write slave's AWREADY, WREADY and B onto the master's inputs.
template <typename Top>
void drive_write_slave(Top& t, const AxiWriteSlave& s) {
  t.m_axi_awready = s.awready();
  t.m_axi_wready = s.wready();
  t.m_axi_bvalid = s.bvalid();
  t.m_axi_bid = s.bid();
  t.m_axi_bresp = s.bresp();
}

}  // namespace tcpoe::sim

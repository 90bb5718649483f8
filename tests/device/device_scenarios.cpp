// SystemC scenarios of the verilated device (sim/device/device_sc.h) behind
// the PCIe model, for tests/device/test_device_sc.cpp: `device_scenarios
// NAME [--data-width 64|512] [--out DIR] [--trace FST]` runs one (SystemC elaborates once
// per process), driving the device only through HostInterface (RingHost),
// and prints what it observed as `key value` lines; the test judges them.
//   bringup   ID, VERSION and friends by MMIO reads (a round trip each),
//             posted writes, unmapped offsets, the rings brought up
//   badconfig DeviceConfig values the device cannot use, refused
//   rx        frames from a plain end of the wire into host buffers; DIR/rx.pcap
//   loopback  two devices back to back on the wire: frames from host A's TX
//             ring land in host B's RX buffers; DIR/loopback.pcap
//   iommu     a TX payload at an address never mapped, then a good frame
//   split     a large payload across a 4 KB boundary and a large frame:
//             the TLP trace of both hosts in DIR/split-{a,b}.tlp
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../support/sc_scenario.h"
#include "device_node.h"
#include "ring_host.h"
#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace {

namespace dev = tcpoe::wire::dev;
namespace wire = tcpoe::wire;
using tcpoe::sim::DeviceNode;
using tcpoe::sim::DeviceNodeConfig;
using tcpoe::sim::Frame;
using tcpoe::sim::RingHost;
using tcpoe::sim::RingHostConfig;

struct Options {
  std::string scenario;
  int data_width = 64;
  std::string out = "/tmp";
  std::string trace;  // the (first) device's FST waveform
  bool skip_idle = false;  // sim::DeviceConfig::skip_idle on every device
};

using tcpoe::test::hex;
using tcpoe::test::say;
using Thread = tcpoe::test::ScenarioThread;

double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }

DeviceNodeConfig node_config(const Options& o, bool traced = true) {
  DeviceNodeConfig c;
  c.device.data_width = o.data_width;
  c.device.skip_idle = o.skip_idle;
  if (traced) c.device.fst_path = o.trace;
  return c;
}

// A TCP segment from A (10.77.0.1) to B (10.77.0.2).
wire::TxDescriptor segment(uint32_t seq, uint8_t flags) {
  wire::TxDescriptor d;
  d.eth_src = {0x02, 0, 0, 0, 0, 1};
  d.eth_dst = {0x02, 0, 0, 0, 0, 2};
  d.ip_src = 0x0a4d0001;
  d.ip_dst = 0x0a4d0002;
  d.ident = uint16_t(seq);
  d.src_port = 40000;
  d.dst_port = 5201;
  d.seq = seq;
  d.ack = 0x01020304;
  d.tcp_flags = flags;
  d.window = 502;
  d.has_timestamps = true;
  d.ts_val = seq * 3;
  d.ts_ecr = 77;
  return d;
}

std::vector<uint8_t> payload_of(std::size_t n, uint32_t seed) {
  std::vector<uint8_t> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = uint8_t(seed * 31 + i * 7 + (i >> 8));
  return p;
}

void device_report(const std::string& who, DeviceNode& n) {
  const auto& c = n.device.counters();
  say(who + "assertion_fired", n.device.assertion_fired() ? "1" : "0");
  say(who + "dma_reads", c.dma_reads);
  say(who + "dma_writes", c.dma_writes);
  say(who + "dma_errors", c.dma_errors);
  say(who + "frames_sent", c.frames_sent);
  say(who + "frames_received", c.frames_received);
  say(who + "cycles_skipped", c.cycles_skipped);
  say(who + "iommu_faults", n.pcie.counters().iommu_faults);
  say(who + "refused_requests", n.pcie.counters().refused_requests);
}

// ---------------------------------------------------------------------------

void bringup(const Options& o) {
  auto* node = new DeviceNode("node", node_config(o));
  new Thread("host", [node] {
    tcpoe::pcie::HostInterface& h = node->pcie;
    const double t0 = now_ns();
    say("id", hex(h.mmio_read32(dev::kId.offset)));
    say("id_read_ns", std::to_string(now_ns() - t0));
    say("version", hex(h.mmio_read32(dev::kVersionReg.offset)));
    say("data_width", h.mmio_read32(dev::kDataWidth.offset));
    say("max_frame", h.mmio_read32(dev::kMaxFrame.offset));
    // Posted: the CPU does not wait; a read after it sees it.
    const double t1 = now_ns();
    h.mmio_write32(dev::ring_offset(dev::Ring::kTxDesc, dev::ring_reg::kBaseLo), 0x12340);
    say("posted_write_cpu_ns", std::to_string(now_ns() - t1));
    say("read_after_write",
        hex(h.mmio_read32(dev::ring_offset(dev::Ring::kTxDesc, dev::ring_reg::kBaseLo))));
    // Unmapped offsets: all ones (SLVERR inside), a refused write recorded.
    say("read_unmapped", hex(h.mmio_read32(0x3000)));
    h.mmio_write32(0x3000, 5);
    say("cfg_error_after_unmapped_write", hex(h.mmio_read32(dev::kCfgError.offset)));
    say("read_beyond_bar", hex(h.mmio_read32(0x10000)));
    say("read_unaligned", hex(h.mmio_read32(dev::kId.offset + 2)));
    h.mmio_write32(dev::kCfgError.offset, 0xffffffff);  // W1C
    say("cfg_error_cleared", hex(h.mmio_read32(dev::kCfgError.offset)));
    const auto& c = node->device.counters();
    say("bar_reads", c.bar_reads);
    say("bar_writes", c.bar_writes);
    say("bar_errors", c.bar_errors);
    say("pcie_mmio_reads", node->pcie.counters().mmio_reads);
    say("pcie_mmio_writes", node->pcie.counters().mmio_writes);
    // The rings, through the host interface only.
    RingHost host(h);
    const std::string problem = host.bring_up();
    say("bring_up", problem.empty() ? "ok" : problem);
    say("status", hex(h.mmio_read32(dev::kStatus.offset)));
    say("txd_enabled", h.mmio_read32(dev::ring_offset(dev::Ring::kTxDesc, dev::ring_reg::kRingControl)));
    say("clock_period_ps", uint64_t(node->device.clock_period().to_seconds() * 1e12 + 0.5));
    say("cycles", node->device.counters().cycles);
    say("now_ns", std::to_string(now_ns()));
    device_report("", *node);
  });
}

// Settings the device cannot use are refused by name, before anything runs.
void badconfig(const Options& o) {
  auto refused = [](const std::string& key, tcpoe::sim::DeviceConfig c) {
    try {
      tcpoe::sim::Device d(sc_core::sc_gen_unique_name("bad"), c);
      say(key, "accepted");
    } catch (const std::invalid_argument& e) {
      say(key, std::string("refused: ") + e.what());
    }
  };
  tcpoe::sim::DeviceConfig c;
  c.data_width = 128;
  refused("data_width_128", c);
  c = {};
  c.clock_mhz = 0;
  refused("clock_mhz_0", c);
  c = {};
  c.dma_threads = 0;
  refused("dma_threads_0", c);
  c = {};
  c.mac_rx_fifo_frames = 0;
  refused("mac_rx_fifo_frames_0", c);
  c = {};
  c.fst_path = "/nonexistent-dir/x.fst";
  try {
    tcpoe::sim::Device d("bad_fst", c);
    say("fst_unwritable", "accepted");
  } catch (const std::runtime_error& e) {
    say("fst_unwritable", std::string("refused: ") + e.what());
  }
  (void)o;
}

// Two nodes on one wire; A sends `frames` (descriptor + payload), B receives.
struct Pair {
  DeviceNode* a;
  DeviceNode* b;
  tcpoe::sim::WireChannel* wire;
};
Pair make_nodes(const Options& o, const std::string& pcap, tcpoe::pcie::LinkConfig link = {}) {
  DeviceNodeConfig c = node_config(o);
  c.link = link;
  DeviceNodeConfig c_b = node_config(o, false);
  c_b.link = link;
  tcpoe::sim::EthernetWireConfig w;
  w.pcap_path = pcap;
  Pair p;
  p.a = new DeviceNode("a", c);
  p.b = new DeviceNode("b", c_b);
  p.wire = new tcpoe::sim::WireChannel("wire", w);
  p.a->device.connect(*p.wire, 0);
  p.b->device.connect(*p.wire, 1);
  return p;
}

void report_rx(const std::string& who, const tcpoe::sim::RxCompletion& c) {
  const wire::RxDescriptor& d = c.desc;
  std::ostringstream s;
  s << "status=" << unsigned(c.status) << " len=" << c.frame_len << " buf=" << c.buf_index
    << " seq=" << d.tcp_seq << " ack=" << d.tcp_ack << " flags=" << unsigned(d.tcp_flags)
    << " sport=" << d.tcp_src_port << " dport=" << d.tcp_dst_port << " window=" << d.tcp_window
    << " ttl=" << unsigned(d.ip_ttl) << " ident=" << d.ip_ident << " iplen=" << d.ip_total_len
    << " tsval=" << d.opt_ts_val << " tsecr=" << d.opt_ts_ecr
    << " payload_offset=" << unsigned(d.payload_offset) << " payload_len=" << d.payload_len
    << " malformed=" << unsigned(d.malformed) << " ip_ok=" << d.ip_csum_ok
    << " tcp_ok=" << d.tcp_csum_ok << " timestamp=" << c.timestamp;
  say(who, s.str());
}

void loopback(const Options& o) {
  Pair p = make_nodes(o, o.out + "/loopback.pcap");
  static const std::vector<std::size_t> kPayloads = {0, 1, 100, 1460, 7, 1000};
  auto* b_ready = new sc_core::sc_event();
  static bool b_up = false;
  new Thread("host_b", [p, b_ready] {
    RingHost host(p.b->pcie);
    const std::string problem = host.bring_up();
    say("b_bring_up", problem.empty() ? "ok" : problem);
    host.post_rx_buffers(16);
    b_up = true;
    b_ready->notify();
    const auto got = host.wait_rx(kPayloads.size(), 200'000);
    say("b_completions", got.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      report_rx("b_rx" + std::to_string(i), got[i]);
      // What A was asked to send, emitted by the wire layer (shares no code
      // with the RTL): B's buffer must hold exactly that.
      const wire::TxDescriptor d = segment(1000 + 10000 * uint32_t(i), wire::tcp::flag::kAck | wire::tcp::flag::kPsh);
      std::vector<uint8_t> payload = payload_of(kPayloads[i], uint32_t(i));
      wire::TxDescriptor dd = d;
      dd.payload_len = uint16_t(payload.size());
      const Frame expected = wire::emit_frame(wire::to_frame_repr(dd), wire::ByteSpan(payload));
      say("b_rx" + std::to_string(i) + "_identical", got[i].frame == expected ? "1" : "0");
    }
    say("b_counter_frames_rx", host.counter(dev::Counter::kFramesRx));
    say("b_counter_rx_completions", host.counter(dev::Counter::kRxCompletions));
    // RXB CONS is written back after the last completion's write is answered,
    // between frames: it may land after the completion is seen. Up to 20 us.
    for (int i = 0; i < 200 && host.writeback_index(dev::Ring::kRxBuf) != got.size(); ++i)
      sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
    say("b_rxb_cons_writeback", host.writeback_index(dev::Ring::kRxBuf));
    device_report("b_", *p.b);
  });
  new Thread("host_a", [p, b_ready] {
    RingHost host(p.a->pcie);
    const std::string problem = host.bring_up();
    say("a_bring_up", problem.empty() ? "ok" : problem);
    if (!b_up) sc_core::wait(*b_ready);
    for (std::size_t i = 0; i < kPayloads.size(); ++i)
      host.send(segment(1000 + 10000 * uint32_t(i), wire::tcp::flag::kAck | wire::tcp::flag::kPsh),
                payload_of(kPayloads[i], uint32_t(i)));
    const auto done = host.wait_tx(kPayloads.size(), 200'000);
    say("a_completions", done.size());
    bool ok = done.size() == kPayloads.size();
    for (std::size_t i = 0; i < done.size(); ++i)
      ok = ok && done[i].status == dev::ComplStatus::kOk && done[i].desc_index == i;
    say("a_completions_ok", ok ? "1" : "0");
    say("a_counter_frames_tx", host.counter(dev::Counter::kFramesTx));
    say("a_txd_cons_writeback", host.writeback_index(dev::Ring::kTxDesc));
    say("a_txc_prod_writeback", host.writeback_index(dev::Ring::kTxCompl));
    host.idle(20'000);  // let B finish
    say("wire_frames", p.wire->wire().counters(0).frames_delivered);
    device_report("a_", *p.a);
  });
}

// Frames from a plain end of the wire (no device) into the device: the RX
// path alone. One frame has a bad TCP checksum.
struct Injector : tcpoe::sim::WireEnd {
  uint64_t received = 0;
  void frame_arrived(const Frame&, uint64_t) override { ++received; }
};

void rx(const Options& o) {
  DeviceNodeConfig c = node_config(o);
  auto* node = new DeviceNode("node", c);
  tcpoe::sim::EthernetWireConfig w;
  w.pcap_path = o.out + "/rx.pcap";
  auto* channel = new tcpoe::sim::WireChannel("wire", w);
  node->device.connect(*channel, 0);
  auto* far = new Injector();
  channel->attach(1, far);
  static const std::vector<std::size_t> kPayloads = {0, 1, 100, 1460, 7};
  static constexpr std::size_t kBadChecksum = 2;
  new Thread("host", [node, channel] {
    RingHostConfig cfg;
    cfg.interrupts = true;  // MSI-X: the host waits for the RX vector
    RingHost host(node->pcie, cfg);
    const std::string problem = host.bring_up();
    say("bring_up", problem.empty() ? "ok" : problem);
    host.post_rx_buffers(8);
    std::vector<Frame> sent;
    for (std::size_t i = 0; i < kPayloads.size(); ++i) {
      wire::TxDescriptor d = segment(500 + 1000 * uint32_t(i), wire::tcp::flag::kAck);
      const std::vector<uint8_t> payload = payload_of(kPayloads[i], uint32_t(i));
      d.payload_len = uint16_t(payload.size());
      Frame f = wire::emit_frame(wire::to_frame_repr(d), wire::ByteSpan(payload));
      if (i == kBadChecksum) f[14 + 20 + 16] ^= 0x40;
      sent.push_back(f);
      channel->send(1, f);
    }
    const auto got = host.wait_rx(kPayloads.size(), 200'000);
    say("completions", got.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      report_rx("rx" + std::to_string(i), got[i]);
      say("rx" + std::to_string(i) + "_identical", got[i].frame == sent[i] ? "1" : "0");
    }
    say("counter_frames_rx", host.counter(dev::Counter::kFramesRx));
    say("counter_tcp_csum_bad", host.counter(dev::Counter::kTcpCsumBad));
    say("counter_rx_completions", host.counter(dev::Counter::kRxCompletions));
    say("rxb_cons_writeback", host.writeback_index(dev::Ring::kRxBuf));
    say("rxc_prod_writeback", host.writeback_index(dev::Ring::kRxCompl));
    say("counter_interrupts", host.counter(dev::Counter::kInterrupts));
    say("host_interrupts", node->pcie.counters().interrupts);
    device_report("", *node);
  });
}

void iommu(const Options& o) {
  Pair p = make_nodes(o, "");
  new Thread("host_a", [p] {
    RingHost host(p.a->pcie);
    const std::string problem = host.bring_up();
    say("bring_up", problem.empty() ? "ok" : problem);
    // Past every window this host mapped, beyond the guard page: never mapped.
    const uint64_t outside = (host.mapped_high() + 0x10000) & ~uint64_t(63);
    say("bad_address", hex(outside));
    host.send_from([] {
      wire::TxDescriptor d = segment(5, wire::tcp::flag::kAck);
      d.payload_len = 256;
      return d;
    }(), outside);
    auto c = host.wait_tx(1, 100'000);
    say("bad_completions", c.size());
    if (!c.empty()) say("bad_status", uint64_t(c[0].status));
    say("dma_errors", host.counter(dev::Counter::kDmaErrors));
    const uint32_t lo = host.read(dev::kDmaErrorAddrLo.offset);
    const uint32_t hi = host.read(dev::kDmaErrorAddrHi.offset);
    say("dma_error_addr", hex(uint64_t(hi) << 32 | lo));
    say("dma_error_info", hex(host.read(dev::kDmaErrorInfo.offset)));
    say("frames_tx_after_bad", host.counter(dev::Counter::kFramesTx));
    say("iommu_faults", p.a->pcie.counters().iommu_faults);
    // The device keeps working.
    host.send(segment(6, wire::tcp::flag::kAck), payload_of(300, 6));
    c = host.wait_tx(1, 100'000);
    say("good_completions", c.size());
    if (!c.empty()) say("good_status", uint64_t(c[0].status));
    say("frames_tx_after_good", host.counter(dev::Counter::kFramesTx));
    say("wire_frames", p.wire->wire().counters(0).frames_sent);
    device_report("", *p.a);
  });
}

void split(const Options& o) {
  tcpoe::pcie::LinkConfig link;
  link.max_payload = 128;
  link.max_read_request = 256;
  link.read_completion_boundary = 64;
  Pair p = make_nodes(o, "", link);
  auto* trace_a = new std::ofstream(o.out + "/split-a.tlp");
  auto* trace_b = new std::ofstream(o.out + "/split-b.tlp");
  p.a->pcie.set_trace(trace_a);
  p.b->pcie.set_trace(trace_b);
  static constexpr std::size_t kPayload = 1400;
  static constexpr int kFrames = 2;
  auto expected = [] {
    wire::TxDescriptor d = segment(77, wire::tcp::flag::kAck);
    d.payload_len = uint16_t(kPayload);
    const std::vector<uint8_t> payload = payload_of(kPayload, 9);
    return wire::emit_frame(wire::to_frame_repr(d), wire::ByteSpan(payload));
  };
  auto* b_ready = new sc_core::sc_event();
  static bool b_up = false;
  new Thread("host_b", [p, b_ready, trace_b, expected] {
    // 3 KB buffers: the second one straddles a 4 KB boundary.
    RingHostConfig cfg;
    cfg.rx_buffer_bytes = 3072;
    RingHost host(p.b->pcie, cfg);
    const std::string problem = host.bring_up();
    say("b_bring_up", problem.empty() ? "ok" : problem);
    host.post_rx_buffers(4);
    for (int i = 0; i < kFrames; ++i)
      say("b_rx_buffer" + std::to_string(i), hex(host.rx_buffer_address(uint16_t(i))));
    b_up = true;
    b_ready->notify();
    const auto got = host.wait_rx(kFrames, 200'000);
    say("b_completions", got.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      say("b_frame_len" + std::to_string(i), got[i].frame_len);
      say("b_buf_index" + std::to_string(i), got[i].buf_index);
      say("b_identical" + std::to_string(i), got[i].frame == expected() ? "1" : "0");
    }
    trace_b->flush();
  });
  new Thread("host_a", [p, b_ready, trace_a] {
    RingHost host(p.a->pcie);
    const std::string problem = host.bring_up();
    say("a_bring_up", problem.empty() ? "ok" : problem);
    if (!b_up) sc_core::wait(*b_ready);
    // The payload in slot 1, starting 512 octets before its 4 KB page ends.
    const uint64_t at = host.tx_slot_address(1) + 4096 - 512;
    host.write_tx_slots(at, payload_of(kPayload, 9));
    say("a_payload_address", hex(at));
    say("a_payload_len", kPayload);
    wire::TxDescriptor d = segment(77, wire::tcp::flag::kAck);
    d.payload_len = uint16_t(kPayload);
    for (int i = 0; i < kFrames; ++i) host.send_from(d, at);
    const auto done = host.wait_tx(kFrames, 200'000);
    say("a_completions", done.size());
    bool ok = done.size() == kFrames;
    for (const auto& c : done) ok = ok && c.status == dev::ComplStatus::kOk;
    say("a_completions_ok", ok ? "1" : "0");
    host.idle(20'000);
    trace_a->flush();
  });
}

}  // namespace

int sc_main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data-width" && i + 1 < argc)
      o.data_width = std::atoi(argv[++i]);
    else if (a == "--out" && i + 1 < argc)
      o.out = argv[++i];
    else if (a == "--trace" && i + 1 < argc)
      o.trace = argv[++i];
    else if (a == "--skip-idle")
      o.skip_idle = true;
    else if (o.scenario.empty() && a[0] != '-')
      o.scenario = a;
    else {
      std::fprintf(stderr, "usage: device_scenarios bringup|badconfig|rx|loopback|iommu|split [--data-width 64|512] [--out DIR] [--trace FILE.fst] [--skip-idle]\n");
      return 2;
    }
  }
  try {
    if (o.scenario == "bringup")
      bringup(o);
    else if (o.scenario == "loopback")
      loopback(o);
    else if (o.scenario == "badconfig") {
      badconfig(o);
      return 0;
    } else if (o.scenario == "rx")
      rx(o);
    else if (o.scenario == "iommu")
      iommu(o);
    else if (o.scenario == "split")
      split(o);
    else {
      std::fprintf(stderr, "unknown scenario '%s'\n", o.scenario.c_str());
      return 2;
    }
    sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_MS));  // a bound: never a hang
    if (sc_core::sc_get_status() != sc_core::SC_STOPPED) sc_core::sc_stop();  // waveforms closed
    say("end_ns", std::to_string(now_ns()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

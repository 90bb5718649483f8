// The verilated device (rtl/tcpoe_top.sv) inside SystemC behind the PCIe
// model, driven through HostInterface only: tests/device/device_scenarios
// runs each scenario in a process of its own (SystemC elaborates once) and
// prints what it saw; here it is judged, the wire's capture by tshark and
// scapy.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "../support/key_values.h"
#include "../support/subprocess.h"
#include "../support/tshark_check.h"
#include "tcpoe/wire/device_regs.h"

namespace {

namespace dev = tcpoe::wire::dev;
using Seen = std::map<std::string, std::string>;

std::string out_dir(const std::string& tag) {
  const std::string dir = "/tmp/tcpoe-devsc-" + tag + "-" + std::to_string(getpid());
  tcpoe::test::run_command("mkdir -p '" + dir + "'");
  return dir;
}

Seen scenario(const std::string& name, int data_width, const std::string& dir,
              const std::string& more = "") {
  const auto r = tcpoe::test::run_command(std::string(TCPOE_DEVICE_SCENARIOS) + " " + name +
                                          " --data-width " + std::to_string(data_width) +
                                          " --out '" + dir + "' " + more + " 2>&1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return tcpoe::test::key_value_lines(r.output);
}

const std::string& at(const Seen& s, const std::string& key) {
  INFO("key " << key);
  REQUIRE(s.count(key) == 1);
  return s.at(key);
}
uint64_t number(const Seen& s, const std::string& key) { return std::stoull(at(s, key), nullptr, 0); }

// One line of the PCIe model's TLP trace: time_ns dir type addr len tag.
struct Tlp {
  double time_ns = 0;
  std::string dir, type;
  uint64_t addr = 0;
  uint64_t len = 0;
  std::string tag;
};
std::vector<Tlp> read_trace(const std::string& path) {
  std::vector<Tlp> out;
  std::istringstream in(tcpoe::test::tshark_detail::read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    Tlp t;
    std::string addr;
    if (l >> t.time_ns >> t.dir >> t.type >> addr >> t.len >> t.tag) {
      t.addr = std::stoull(addr, nullptr, 16);
      out.push_back(t);
    }
  }
  return out;
}
// The TLPs of `type` whose data lie in [begin, end).
std::vector<Tlp> tlps_in(const std::vector<Tlp>& all, const std::string& type, uint64_t begin,
                         uint64_t end) {
  std::vector<Tlp> out;
  for (const Tlp& t : all)
    if (t.type == type && t.addr >= begin && t.addr < end) out.push_back(t);
  return out;
}
// The completions of each read request: the trace lists a request's TLPs
// together, the MRd first, its CplDs (same tag) after it.
std::vector<std::pair<Tlp, std::vector<Tlp>>> reads_in(const std::vector<Tlp>& all, uint64_t begin,
                                                       uint64_t end) {
  std::vector<std::pair<Tlp, std::vector<Tlp>>> out;
  bool mine = false;
  for (const Tlp& t : all) {
    if (t.type == "MRd") {
      mine = t.addr >= begin && t.addr < end;
      if (mine) out.push_back({t, {}});
    } else if (t.type == "CplD" && mine && t.tag == out.back().first.tag) {
      out.back().second.push_back(t);
    }
  }
  return out;
}
bool crosses_4k(const Tlp& t) { return t.addr / 4096 != (t.addr + t.len - 1) / 4096; }
// Whether the TLPs cover [begin, end) exactly once, in any order.
bool covers(std::vector<Tlp> v, uint64_t begin, uint64_t end) {
  std::sort(v.begin(), v.end(), [](const Tlp& x, const Tlp& y) { return x.addr < y.addr; });
  uint64_t at = begin;
  for (const Tlp& t : v) {
    if (t.addr != at) return false;
    at += t.len;
  }
  return at == end;
}
uint64_t round_up(uint64_t n, uint64_t to) { return (n + to - 1) / to * to; }


// The link's TLP time, Gen3 x8 (docs/pcie-model.md: 57.88 Gb/s for TLPs).
constexpr double kNsPerOctet = 8 / 57.8793;

// The frames a device received (`prefix`0.. lines: its completions), judged
// against the wire's capture by tshark and by scapy: the same fields, both
// checksums as the device judged them (bad TCP checksums at `bad_tcp`), each
// frame byte-identical to what was sent, and its last beat shortly after
// its arrival on the wire.
void judge_received(const Seen& s, const std::string& prefix, const std::string& pcap, int frames,
                    const std::vector<int>& bad_tcp) {
  const tcpoe::test::TsharkVerdict v = tcpoe::test::tshark_check(pcap);
  INFO(v.raw);
  REQUIRE(v.ran);
  CHECK(v.frames == frames);
  // tshark finds the bad checksums too, and nothing else.
  for (int i : bad_tcp) {
    const std::string p = "frame " + std::to_string(i + 1) + ": bad TCP checksum";
    CHECK(std::find(v.problems.begin(), v.problems.end(), p) != v.problems.end());
  }
  for (const std::string& p : v.problems) {
    INFO(p);
    bool in_bad_frame = false;
    for (int i : bad_tcp) in_bad_frame = in_bad_frame || p.rfind("frame " + std::to_string(i + 1) + ":", 0) == 0;
    CHECK(in_bad_frame);
  }
  const tcpoe::test::TsharkFields t = tcpoe::test::tshark_fields(
      pcap, {"frame.len", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.srcport", "tcp.dstport",
             "tcp.window_size_value", "ip.ttl", "ip.id", "ip.len", "tcp.options.timestamp.tsval",
             "tcp.options.timestamp.tsecr", "tcp.len"});
  REQUIRE(t.ran);
  REQUIRE(t.rows.size() == std::size_t(frames));
  // scapy reads the same capture by itself.
  const auto scapy = tcpoe::test::run_scapy_oracle("scapy_pcap_dissect.py '" + pcap + "'");
  std::vector<std::map<std::string, std::string>> sc;
  std::istringstream lines(scapy.output);
  std::string line;
  while (std::getline(lines, line))
    if (!line.empty()) sc.push_back(tcpoe::test::key_value_fields(line));
  REQUIRE(sc.size() == std::size_t(frames));

  uint64_t last_time = 0;
  for (int i = 0; i < frames; ++i) {
    INFO("frame " << i);
    const bool bad = std::find(bad_tcp.begin(), bad_tcp.end(), i) != bad_tcp.end();
    const auto c = tcpoe::test::key_value_fields(at(s, prefix + std::to_string(i)));
    CHECK(number(s, prefix + std::to_string(i) + "_identical") == 1);
    CHECK(c.at("status") == "0");
    CHECK(c.at("malformed") == "0");
    CHECK(c.at("ip_ok") == "1");
    CHECK(c.at("tcp_ok") == (bad ? "0" : "1"));
    const auto& row = t.rows[std::size_t(i)];
    auto one = [&](std::size_t k) { return row[k].empty() ? std::string("?") : row[k][0]; };
    CHECK(one(0) == c.at("len"));
    CHECK(one(1) == c.at("seq"));
    CHECK(one(2) == c.at("ack"));
    CHECK(std::stoul(one(3), nullptr, 16) == std::stoul(c.at("flags")));
    CHECK(one(4) == c.at("sport"));
    CHECK(one(5) == c.at("dport"));
    CHECK(one(6) == c.at("window"));
    CHECK(one(7) == c.at("ttl"));
    CHECK(std::stoul(one(8), nullptr, 16) == std::stoul(c.at("ident")));
    CHECK(one(9) == c.at("iplen"));
    CHECK(one(10) == c.at("tsval"));
    CHECK(one(11) == c.at("tsecr"));
    CHECK(one(12) == c.at("payload_len"));
    const auto& f = sc[std::size_t(i)];
    CHECK(f.at("seq") == c.at("seq"));
    CHECK(f.at("ack") == c.at("ack"));
    CHECK(f.at("flags") == c.at("flags"));
    CHECK(f.at("sport") == c.at("sport"));
    CHECK(f.at("dport") == c.at("dport"));
    CHECK(f.at("window") == c.at("window"));
    CHECK(f.at("ttl") == c.at("ttl"));
    CHECK(f.at("ident") == c.at("ident"));
    CHECK(f.at("ip_len") == c.at("iplen"));
    CHECK(f.at("ts") == c.at("tsval") + "," + c.at("tsecr"));
    CHECK(f.at("payload_len") == c.at("payload_len"));
    CHECK(f.at("ip_csum_ok") == "1");
    CHECK(f.at("tcp_csum_ok") == (bad ? "0" : "1"));
    // The frame arrived (the capture's time) before its last beat entered
    // the device (the completion's device cycle, 4 ns each, counted from
    // the end of the device's reset) and not long before: the MAC takes it
    // whole, then feeds it in a beat a cycle.
    const uint64_t arrival_ns = std::stoull(f.at("time_ns"));
    CHECK(arrival_ns > last_time);
    last_time = arrival_ns;
    const double last_beat_ns = 4.0 * double(std::stoull(c.at("timestamp")));
    CHECK(last_beat_ns + 100 >= double(arrival_ns));
    CHECK(last_beat_ns <= double(arrival_ns) + 2000);
  }
}

}  // namespace

TEST_CASE("device in SystemC: bring-up through the host interface", "[device_sc]") {
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    const Seen s = scenario("bringup", width, out_dir("bringup"));
    CHECK(number(s, "id") == dev::kDeviceId);
    CHECK(number(s, "version") == dev::kVersion);
    CHECK(number(s, "data_width") == uint64_t(width));
    CHECK(number(s, "max_frame") == 14 + 60 + 60 + 2048);
    // A read is a round trip: MRd down, the AXI4-Lite read's cycles, CplD up.
    const double read_ns = std::stod(at(s, "id_read_ns"));
    const double link_ns = (24 + 24) * kNsPerOctet;
    CHECK(read_ns >= link_ns + 2 * 4.0);
    CHECK(read_ns <= link_ns + 12 * 4.0);
    // A write is posted: free for the CPU, and a later read sees it.
    CHECK(std::stod(at(s, "posted_write_cpu_ns")) == 0.0);
    CHECK(number(s, "read_after_write") == 0x12340);
    // Unmapped offsets: all ones, a refused write recorded as UNMAPPED.
    CHECK(number(s, "read_unmapped") == 0xffffffff);
    CHECK(number(s, "cfg_error_after_unmapped_write") ==
          (0x3000u << 16 | uint32_t(dev::CfgError::kUnmapped)));
    CHECK(number(s, "read_beyond_bar") == 0xffffffff);
    CHECK(number(s, "read_unaligned") == 0xffffffff);
    CHECK(number(s, "cfg_error_cleared") == 0);
    CHECK(number(s, "bar_errors") == 2);  // the read and the write to 0x3000
    // Every MMIO the host made reached the BAR but the reads beyond it and unaligned.
    CHECK(number(s, "bar_reads") + 2 == number(s, "pcie_mmio_reads"));
    CHECK(number(s, "bar_writes") == number(s, "pcie_mmio_writes"));
    CHECK(at(s, "bring_up") == "ok");
    CHECK(number(s, "status") == (1u << dev::status_bit::kRunning | 1u << dev::status_bit::kDmaIdle));
    CHECK(number(s, "txd_enabled") == 1);
    CHECK(number(s, "clock_period_ps") == 4000);
    // The clock ran the whole time: one cycle per 4 ns.
    CHECK(double(number(s, "cycles")) == Approx(std::stod(at(s, "now_ns")) / 4.0).margin(2));
    CHECK(number(s, "assertion_fired") == 0);
    CHECK(number(s, "dma_errors") == 0);
    CHECK(number(s, "iommu_faults") == 0);
  }
}

TEST_CASE("device in SystemC: settings it cannot use are refused by name", "[device_sc][bad]") {
  const Seen s = scenario("badconfig", 64, out_dir("bad"));
  CHECK(at(s, "data_width_128").find("refused: DeviceConfig: data_width") == 0);
  CHECK(at(s, "clock_mhz_0").find("refused: DeviceConfig: clock_mhz") == 0);
  CHECK(at(s, "dma_threads_0").find("refused: DeviceConfig: dma_threads") == 0);
  CHECK(at(s, "mac_rx_fifo_frames_0").find("refused: DeviceConfig: mac_rx_fifo_frames") == 0);
  CHECK(at(s, "fst_unwritable").find("refused: cannot write the waveform") == 0);
}

TEST_CASE("device in SystemC: the FST waveform is in simulated time", "[device_sc][trace]") {
  const std::string dir = out_dir("trace");
  const std::string fst = dir + "/device.fst";
  const Seen s = scenario("bringup", 64, dir, "--trace '" + fst + "'");
  CHECK(at(s, "bring_up") == "ok");
  // gtkwave's fst2vcd reads it back: a real FST, in ps, a clock edge each 2 ns.
  const auto vcd = tcpoe::test::run_command("fst2vcd '" + fst + "' 2>&1");
  REQUIRE(vcd.exit_code == 0);
  CHECK(vcd.output.find("$timescale") != std::string::npos);
  CHECK(vcd.output.find("1ps") != std::string::npos);
  CHECK(vcd.output.find("s_axil_arvalid") != std::string::npos);
  CHECK(vcd.output.find("m_axis_tx_tvalid") != std::string::npos);
  CHECK(vcd.output.find("\n#2000\n") != std::string::npos);
  CHECK(vcd.output.find("\n#4000\n") != std::string::npos);
  // The last time stamp is the end of the run (within a clock period).
  const std::size_t last = vcd.output.rfind("\n#");
  REQUIRE(last != std::string::npos);
  const double last_ns = std::stod(vcd.output.substr(last + 2)) / 1000.0;
  CHECK(last_ns == Approx(std::stod(at(s, "now_ns"))).margin(4.0));
  tcpoe::test::run_command("rm -rf '" + dir + "'");
}

TEST_CASE("device in SystemC: frames from host A's TX ring land byte-identical in host B's buffers",
          "[engines][device_sc][loopback]") {
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    const std::string dir = out_dir("loop");
    const Seen s = scenario("loopback", width, dir);
    constexpr int kFrames = 6;
    CHECK(at(s, "a_bring_up") == "ok");
    CHECK(at(s, "b_bring_up") == "ok");
    CHECK(number(s, "a_completions") == kFrames);
    CHECK(number(s, "a_completions_ok") == 1);
    CHECK(number(s, "a_counter_frames_tx") == kFrames);
    CHECK(number(s, "a_txd_cons_writeback") == kFrames);
    CHECK(number(s, "a_txc_prod_writeback") == kFrames);
    REQUIRE(number(s, "b_completions") == kFrames);
    CHECK(number(s, "b_counter_frames_rx") == kFrames);
    CHECK(number(s, "b_counter_rx_completions") == kFrames);
    CHECK(number(s, "b_rxb_cons_writeback") == kFrames);
    CHECK(number(s, "wire_frames") == kFrames);
    for (const char* who : {"a_", "b_"}) {
      CHECK(number(s, std::string(who) + "assertion_fired") == 0);
      CHECK(number(s, std::string(who) + "dma_errors") == 0);
      CHECK(number(s, std::string(who) + "iommu_faults") == 0);
    }

    judge_received(s, "b_rx", dir + "/loopback.pcap", kFrames, {});
    tcpoe::test::run_command("rm -rf '" + dir + "'");
  }
}

TEST_CASE("device in SystemC: skip_idle stops the clock while the device is settled, and the wire sees the same",
          "[engines][device_sc][loopback][skip_idle]") {
  // The loopback scenario clocked throughout and with skip_idle: the same
  // frames at the same picosecond on the wire (the captures are identical),
  // while the clock stood still for a share of the run.
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    const std::string clocked = out_dir("loop-clocked"), skipping = out_dir("loop-skip");
    const Seen c = scenario("loopback", width, clocked);
    const Seen s = scenario("loopback", width, skipping, "--skip-idle");
    CHECK(number(c, "a_cycles_skipped") == 0);
    CHECK(number(c, "b_cycles_skipped") == 0);
    // B's device settles while A comes up and between A's frames (B's host
    // waits on host memory), and wakes for each frame from the wire; A's
    // host reads A's registers while it waits, so A's clock never stops.
    CHECK(number(s, "b_cycles_skipped") > 0);
    for (const char* key : {"a_completions", "a_completions_ok", "a_counter_frames_tx", "b_completions",
                            "b_counter_frames_rx", "wire_frames", "a_assertion_fired", "b_assertion_fired"})
      CHECK(at(s, key) == at(c, key));
    const auto same = tcpoe::test::run_command("cmp '" + clocked + "/loopback.pcap' '" + skipping +
                                               "/loopback.pcap' 2>&1");
    INFO(same.output);
    CHECK(same.exit_code == 0);
    tcpoe::test::run_command("rm -rf '" + clocked + "' '" + skipping + "'");
  }
}

TEST_CASE("device in SystemC: a TX payload outside the mapped windows is an IOMMU fault, and the device goes on",
          "[engines][device_sc][iommu]") {
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    const Seen s = scenario("iommu", width, out_dir("iommu"));
    CHECK(at(s, "bring_up") == "ok");
    REQUIRE(number(s, "bad_completions") == 1);
    CHECK(number(s, "bad_status") == uint64_t(dev::ComplStatus::kDmaError));
    CHECK(number(s, "dma_errors") == 1);
    CHECK(number(s, "dma_error_addr") == number(s, "bad_address"));
    CHECK(number(s, "dma_error_info") ==
          (1u | uint32_t(dev::DmaSource::kTxPayloadRead) << 4));  // valid, a read, its source
    CHECK(number(s, "frames_tx_after_bad") == 0);
    CHECK(number(s, "iommu_faults") >= 1);
    // Nothing of it reached the wire; the next frame does.
    REQUIRE(number(s, "good_completions") == 1);
    CHECK(number(s, "good_status") == uint64_t(dev::ComplStatus::kOk));
    CHECK(number(s, "frames_tx_after_good") == 1);
    CHECK(number(s, "wire_frames") == 1);
    CHECK(number(s, "assertion_fired") == 0);
  }
}

TEST_CASE("device in SystemC: MPS, MRRS, RCB and 4 KB splitting on the TLP trace", "[engines][device_sc][split]") {
  constexpr uint64_t kMps = 128, kMrrs = 256, kRcb = 64;  // the scenario's link
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    const std::string dir = out_dir("split");
    const Seen s = scenario("split", width, dir);
    REQUIRE(number(s, "a_completions") == 2);
    CHECK(number(s, "a_completions_ok") == 1);
    REQUIRE(number(s, "b_completions") == 2);
    CHECK(number(s, "b_identical0") == 1);
    CHECK(number(s, "b_identical1") == 1);

    // A's payload read: 1400 octets from 512 before a 4 KB boundary, in
    // whole beats; read requests of at most MRRS, none across 4 KB, one
    // of them ending at the boundary; completions of at most MPS, split
    // only at RCB-aligned addresses.
    const std::vector<Tlp> a = read_trace(dir + "/split-a.tlp");
    const uint64_t pay = number(s, "a_payload_address");
    const uint64_t pay_end = pay + round_up(number(s, "a_payload_len"), uint64_t(width / 8));
    const auto mrd = tlps_in(a, "MRd", pay, pay_end);
    REQUIRE(!mrd.empty());
    std::size_t ending_at_boundary = 0;
    uint64_t mrd_octets = 0;
    for (const Tlp& t : mrd) {
      INFO("MRd " << std::hex << t.addr << " " << std::dec << t.len);
      CHECK(t.len <= kMrrs);
      CHECK_FALSE(crosses_4k(t));
      if ((t.addr + t.len) % 4096 == 0) ++ending_at_boundary;
      mrd_octets += t.len;
    }
    CHECK(mrd_octets == 2 * (pay_end - pay));  // two frames, each read once
    CHECK(ending_at_boundary == 2);
    const auto cpl = tlps_in(a, "CplD", pay, pay_end);
    uint64_t cpl_octets = 0;
    for (const Tlp& t : cpl) {
      INFO("CplD " << std::hex << t.addr << " " << std::dec << t.len);
      CHECK(t.len <= kMps);
      CHECK_FALSE(crosses_4k(t));
      cpl_octets += t.len;
    }
    CHECK(cpl_octets == mrd_octets);
    // Each request's completions cover it; all but its last end on an RCB
    // boundary.
    const auto reads = reads_in(a, pay, pay_end);
    CHECK(reads.size() == mrd.size());
    for (const auto& [r, mine] : reads) {
      INFO("MRd " << std::hex << r.addr << " " << std::dec << r.len);
      CHECK(covers(mine, r.addr, r.addr + r.len));
      for (const Tlp& c : mine)
        if (c.addr + c.len != r.addr + r.len) CHECK((c.addr + c.len) % kRcb == 0);
    }

    // B's frame writes: at most MPS each, none across 4 KB; the second
    // buffer straddles a 4 KB boundary, so a write ends there.
    const std::vector<Tlp> b = read_trace(dir + "/split-b.tlp");
    for (int i = 0; i < 2; ++i) {
      INFO("frame " << i);
      const uint64_t buf = number(s, "b_rx_buffer" + std::to_string(i));
      const uint64_t len = number(s, "b_frame_len" + std::to_string(i));
      CHECK(number(s, "b_buf_index" + std::to_string(i)) == uint64_t(i));
      const auto mwr = tlps_in(b, "MWr", buf, buf + 3072);
      REQUIRE(!mwr.empty());
      uint64_t octets = 0, end = 0;
      for (const Tlp& t : mwr) {
        INFO("MWr " << std::hex << t.addr << " " << std::dec << t.len);
        CHECK(t.len <= kMps);
        CHECK_FALSE(crosses_4k(t));
        octets += t.len;
        end = std::max(end, t.addr + t.len);
      }
      CHECK(covers(mwr, buf, end));
      CHECK(end - buf >= len);
      CHECK(end - buf < len + uint64_t(width / 8));
      if (buf / 4096 != (buf + len - 1) / 4096) {
        bool boundary = false;
        for (const Tlp& t : mwr) boundary = boundary || (t.addr + t.len) % 4096 == 0;
        CHECK(boundary);
      }
    }
    CHECK(number(s, "b_rx_buffer1") / 4096 != (number(s, "b_rx_buffer1") + 1466 - 1) / 4096);
    tcpoe::test::run_command("rm -rf '" + dir + "'");
  }
}

TEST_CASE("device in SystemC: frames from the wire land byte-identical in the host's RX buffers",
          "[engines][device_sc][rx]") {
  for (int width : {64, 512}) {
    INFO("DATA_W " << width);
    const std::string dir = out_dir("rx");
    const Seen s = scenario("rx", width, dir);
    constexpr int kFrames = 5;
    CHECK(at(s, "bring_up") == "ok");
    REQUIRE(number(s, "completions") == kFrames);
    CHECK(number(s, "counter_frames_rx") == kFrames);
    CHECK(number(s, "counter_tcp_csum_bad") == 1);
    CHECK(number(s, "counter_rx_completions") == kFrames);
    CHECK(number(s, "rxb_cons_writeback") == kFrames);
    CHECK(number(s, "rxc_prod_writeback") == kFrames);
    CHECK(number(s, "frames_received") == kFrames);
    // MSI-X on: each message the device counted reached the host as an
    // interrupt, at least one, at most one per completion.
    CHECK(number(s, "host_interrupts") == number(s, "counter_interrupts"));
    CHECK(number(s, "host_interrupts") >= 1);
    CHECK(number(s, "host_interrupts") <= kFrames);
    CHECK(number(s, "assertion_fired") == 0);
    CHECK(number(s, "dma_errors") == 0);
    judge_received(s, "rx", dir + "/rx.pcap", kFrames, {2});
    tcpoe::test::run_command("rm -rf '" + dir + "'");
  }
}

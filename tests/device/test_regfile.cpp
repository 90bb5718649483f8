// The register file RTL (rtl/tcpoe_regfile.sv) against the register map's
// one definition (wire/include/tcpoe/wire/device_regs.h): reset values,
// access types, refused writes and their CFG_ERROR codes, the ring index
// rules with wrap-around, soft reset, counters, interrupts, DMA errors, and
// what the engines are handed.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "regfile_harness.h"
#include "tcpoe/wire/device_regs.h"

namespace {

using namespace tcpoe::wire;
namespace d = tcpoe::wire::dev;
using tcpoe::sim::AxiResp;
using tcpoe::sim::RegfileHarness;

uint32_t cfg_error(d::CfgError code, uint32_t offset) {
  return (offset << 16) | static_cast<uint32_t>(code);
}

uint32_t ring_reg(d::Ring r, const d::Register& reg) { return d::ring_offset(r, reg); }

// Reads CFG_ERROR, checks it, and clears it.
void expect_error(RegfileHarness& h, d::CfgError code, uint32_t offset) {
  INFO("CFG_ERROR after a write to offset " << offset);
  CHECK(h.read(d::kCfgError.offset).value == cfg_error(code, offset));
  CHECK(h.write(d::kCfgError.offset, ~0u) == AxiResp::kOkay);
  CHECK(h.read(d::kCfgError.offset).value == 0);
}

// Configures and enables ring `r`: 2^log2 entries at `base`.
void setup_ring(RegfileHarness& h, d::Ring r, uint64_t base, uint8_t log2) {
  REQUIRE(h.write(ring_reg(r, d::ring_reg::kBaseLo), uint32_t(base)) == AxiResp::kOkay);
  REQUIRE(h.write(ring_reg(r, d::ring_reg::kBaseHi), uint32_t(base >> 32)) == AxiResp::kOkay);
  REQUIRE(h.write(ring_reg(r, d::ring_reg::kSizeLog2), log2) == AxiResp::kOkay);
  REQUIRE(h.write(ring_reg(r, d::ring_reg::kRingControl), 1) == AxiResp::kOkay);
}

std::map<uint32_t, d::RegisterInstance> map_by_offset() {
  std::map<uint32_t, d::RegisterInstance> m;
  for (const auto& r : d::register_map()) m.emplace(r.offset, r);
  return m;
}

}  // namespace

TEST_CASE("after reset every register reads its reset value from the map", "[device][regfile]") {
  RegfileHarness h;
  for (const auto& r : d::register_map()) {
    INFO(r.name);
    const auto got = h.read(r.offset);
    CHECK(got.resp == AxiResp::kOkay);
    if (r.offset == d::kCaps.offset || r.offset == d::kDataWidth.offset ||
        r.offset == d::kMaxFrame.offset || r.offset == d::kStatus.offset)
      continue;  // build- and state-dependent: checked below
    CHECK(got.value == r.reset);
  }
  CHECK(h.read(d::kDataWidth.offset).value == RegfileHarness::kDataWidth);
  CHECK(h.read(d::kMaxFrame.offset).value == RegfileHarness::kMaxFrame);
  const uint32_t caps = h.read(d::kCaps.offset).value;
  for (uint8_t bit : {d::cap_bit::kMsix, d::cap_bit::kIrqModeration, d::cap_bit::kIndexWriteback,
                      d::cap_bit::kTxChecksum, d::cap_bit::kRxChecksum})
    CHECK(((caps >> bit) & 1u) == 1u);
  // Not running, no reset in progress, DMA idle (the harness says so).
  CHECK(h.read(d::kStatus.offset).value == (1u << d::status_bit::kDmaIdle));
  CHECK(!h.dev_enable());
  for (int r = 0; r < d::kRingCount; ++r) CHECK(!h.ring(r).enable);
  for (int v = 0; v < d::kIrqVectorCount; ++v) {
    CHECK(h.irq(v).masked);
    CHECK(h.irq(v).mod_count == 1);
  }
}

TEST_CASE("offsets without a register read all ones with SLVERR, writes there are refused",
          "[device][regfile]") {
  RegfileHarness h;
  const auto regs = map_by_offset();
  int unmapped = 0;
  for (uint32_t off = 0; off < 0x900; off += 4) {
    if (regs.count(off)) continue;
    INFO("offset " << off);
    const auto got = h.read(off);
    CHECK(got.resp == AxiResp::kSlvErr);
    CHECK(got.value == 0xffffffffu);
    CHECK(h.write(off, 0x12345678) == AxiResp::kSlvErr);
    expect_error(h, d::CfgError::kUnmapped, off);
    ++unmapped;
  }
  CHECK(unmapped > 100);
  // Misaligned offsets of real registers, and the top of the BAR.
  for (uint32_t off : {d::kControl.offset + 1, ring_reg(d::Ring::kRxBuf, d::ring_reg::kBaseLo) + 2,
                       d::msix_offset(d::IrqVector::kTxCompl, d::msix_reg::kData) + 3,
                       d::counter_offset(d::Counter::kFramesTx) + 1, d::kBarSize - 4}) {
    INFO("offset " << off);
    CHECK(h.read(off).resp == AxiResp::kSlvErr);
    CHECK(h.write(off, 1) == AxiResp::kSlvErr);
    expect_error(h, d::CfgError::kUnmapped, off);
  }
  // Nothing changed anywhere.
  for (const auto& [off, r] : regs)
    if (off != d::kStatus.offset && off != d::kCaps.offset && off != d::kDataWidth.offset &&
        off != d::kMaxFrame.offset)
      CHECK(h.read(off).value == r.reset);
}

TEST_CASE("read-only registers refuse writes and keep their value", "[device][regfile]") {
  RegfileHarness h;
  for (const auto& r : d::register_map()) {
    if (r.access != d::Access::kReadOnly) continue;
    INFO(r.name);
    const uint32_t before = h.read(r.offset).value;
    CHECK(h.write(r.offset, ~before) == AxiResp::kSlvErr);
    CHECK(h.read(r.offset).value == before);
    expect_error(h, d::CfgError::kReadOnly, r.offset);
  }
}

TEST_CASE("a write with partial byte strobes is refused whole", "[device][regfile]") {
  RegfileHarness h;
  const uint32_t off = d::msix_offset(d::IrqVector::kRxCompl, d::msix_reg::kData);
  CHECK(h.write(off, 0xdeadbeef, 0x3) == AxiResp::kSlvErr);
  CHECK(h.read(off).value == 0);
  expect_error(h, d::CfgError::kPartialWrite, off);
  CHECK(h.write(off, 0xdeadbeef) == AxiResp::kOkay);
  CHECK(h.read(off).value == 0xdeadbeef);
  CHECK(h.irq(1).msix_data == 0xdeadbeef);
}

TEST_CASE("ring configuration: accepted values reach the engines, bad ones are refused",
          "[device][regfile][ring]") {
  RegfileHarness h;
  const d::Ring ring = d::Ring::kRxCompl;
  const int r = static_cast<int>(ring);
  const uint32_t base_lo = ring_reg(ring, d::ring_reg::kBaseLo);
  const uint32_t size = ring_reg(ring, d::ring_reg::kSizeLog2);
  const uint32_t wb_lo = ring_reg(ring, d::ring_reg::kWritebackLo);
  const uint32_t ctrl = ring_reg(ring, d::ring_reg::kRingControl);

  SECTION("enabling without a base or a size") {
    CHECK(h.write(ctrl, 1) == AxiResp::kSlvErr);
    expect_error(h, d::CfgError::kNotConfigured, ctrl);
    CHECK(h.write(base_lo, 0x1000) == AxiResp::kOkay);
    CHECK(h.write(ctrl, 1) == AxiResp::kSlvErr);
    expect_error(h, d::CfgError::kNotConfigured, ctrl);
    CHECK(!h.ring(r).enable);
  }
  SECTION("sizes outside the range, unaligned addresses") {
    for (uint32_t bad : {0u, uint32_t(d::kMinRingLog2 - 1), uint32_t(d::kMaxRingLog2 + 1), 0xffu}) {
      CHECK(h.write(size, bad) == AxiResp::kSlvErr);
      expect_error(h, d::CfgError::kBadRingSize, size);
    }
    CHECK(h.write(size, d::kMinRingLog2) == AxiResp::kOkay);
    CHECK(h.write(size, d::kMaxRingLog2) == AxiResp::kOkay);
    CHECK(h.read(size).value == d::kMaxRingLog2);
    for (uint32_t bad : {0x1001u, 0x1020u, 0x103fu}) {
      CHECK(h.write(base_lo, bad) == AxiResp::kSlvErr);
      expect_error(h, d::CfgError::kBadAlignment, base_lo);
    }
    for (uint32_t bad : {0x2002u, 0x2004u, 0x2020u, 0x203cu}) {
      CHECK(h.write(wb_lo, bad) == AxiResp::kSlvErr);
      expect_error(h, d::CfgError::kBadAlignment, wb_lo);
    }
    CHECK(h.read(base_lo).value == 0);
    CHECK(h.read(wb_lo).value == 0);
  }
  SECTION("a configured ring reaches the engines; an enabled one refuses reconfiguration") {
    setup_ring(h, ring, 0x0000'0012'3456'7840ull, 9);
    CHECK(h.write(wb_lo, 0x1234) == AxiResp::kSlvErr);  // enabled: refused
    expect_error(h, d::CfgError::kRingEnabled, wb_lo);
    auto c = h.ring(r);
    CHECK(c.enable);
    CHECK(c.base == 0x0000'0012'3456'7840ull);
    CHECK(c.size_log2 == 9);
    CHECK(c.wb_addr == 0);
    CHECK(c.host_idx == 0);
    for (const d::Register* reg : {&d::ring_reg::kBaseLo, &d::ring_reg::kBaseHi,
                                   &d::ring_reg::kSizeLog2, &d::ring_reg::kWritebackHi}) {
      CHECK(h.write(ring_reg(ring, *reg), 0x40) == AxiResp::kSlvErr);
      expect_error(h, d::CfgError::kRingEnabled, ring_reg(ring, *reg));
    }
    CHECK(h.write(ctrl, 0) == AxiResp::kOkay);
    CHECK(!h.ring(r).enable);
    CHECK(h.write(wb_lo, 0x8000'0040) == AxiResp::kOkay);
    CHECK(h.write(ring_reg(ring, d::ring_reg::kWritebackHi), 7) == AxiResp::kOkay);
    CHECK(h.ring(r).wb_addr == 0x0000'0007'8000'0040ull);
    // The other rings were never touched.
    for (int other = 0; other < d::kRingCount; ++other)
      if (other != r) CHECK(h.ring(other).base == 0);
  }
}

TEST_CASE("the host's ring index moves forward only, within the ring, modulo 2^16",
          "[device][regfile][ring]") {
  RegfileHarness h;
  SECTION("TX_DESC PROD: at most CONS + size ahead") {
    const d::Ring ring = d::Ring::kTxDesc;
    const uint32_t prod = ring_reg(ring, d::ring_reg::kProdHost);
    const uint32_t cons = ring_reg(ring, d::ring_reg::kConsDevice);
    CHECK(h.write(prod, 1) == AxiResp::kSlvErr);  // disabled
    expect_error(h, d::CfgError::kRingDisabled, prod);
    setup_ring(h, ring, 0x10000, 4);  // 16 entries
    CHECK(h.write(prod, 16) == AxiResp::kOkay);
    CHECK(h.ring(0).host_idx == 16);
    CHECK(h.write(prod, 17) == AxiResp::kSlvErr);  // 17 ahead of CONS 0
    expect_error(h, d::CfgError::kBadIndex, prod);
    CHECK(h.write(prod, 15) == AxiResp::kSlvErr);  // backwards
    expect_error(h, d::CfgError::kBadIndex, prod);
    CHECK(h.write(cons, 3) == AxiResp::kSlvErr);  // the device's index
    expect_error(h, d::CfgError::kReadOnly, cons);
    // The device took 10: PROD may go to 26.
    h.set_dev_index(0, 10);
    CHECK(h.read(cons).value == 10);
    CHECK(h.write(prod, 26) == AxiResp::kOkay);
    CHECK(h.write(prod, 27) == AxiResp::kSlvErr);
    expect_error(h, d::CfgError::kBadIndex, prod);
  }
  SECTION("indices wrap at 2^16") {
    const d::Ring ring = d::Ring::kRxBuf;
    const uint32_t prod = ring_reg(ring, d::ring_reg::kProdHost);
    setup_ring(h, ring, 0x20000, 4);
    uint16_t host = 0, dev = 0;
    for (int step = 0; step < 5000; ++step) {  // 5000 * 16 > 65536: several wraps
      host = static_cast<uint16_t>(host + 16);
      REQUIRE(h.write(prod, host) == AxiResp::kOkay);
      REQUIRE(h.write(prod, static_cast<uint16_t>(host + 1)) == AxiResp::kSlvErr);
      dev = host;
      h.set_dev_index(1, dev);
    }
    CHECK(h.ring(1).host_idx == host);
    CHECK(h.write(d::kCfgError.offset, 1) == AxiResp::kOkay);
  }
  SECTION("TX_COMPL CONS: forward, at most to PROD") {
    const d::Ring ring = d::Ring::kTxCompl;
    const uint32_t cons = ring_reg(ring, d::ring_reg::kConsHost);
    const uint32_t prod = ring_reg(ring, d::ring_reg::kProdDevice);
    setup_ring(h, ring, 0x30000, 5);
    CHECK(h.write(cons, 1) == AxiResp::kSlvErr);  // nothing produced yet
    expect_error(h, d::CfgError::kBadIndex, cons);
    h.set_dev_index(2, 7);
    CHECK(h.read(prod).value == 7);
    CHECK(h.write(prod, 9) == AxiResp::kSlvErr);
    expect_error(h, d::CfgError::kReadOnly, prod);
    CHECK(h.write(cons, 7) == AxiResp::kOkay);
    CHECK(h.write(cons, 6) == AxiResp::kSlvErr);  // backwards
    expect_error(h, d::CfgError::kBadIndex, cons);
    // Device and host go round to just before the wrap ...
    for (uint32_t i = 7; i <= 0xfff0; i += 31) {
      h.set_dev_index(2, static_cast<uint16_t>(i));
      REQUIRE(h.write(cons, i) == AxiResp::kOkay);
    }
    const uint16_t before = h.ring(2).host_idx;
    REQUIRE(before > 0xffd0);
    h.set_dev_index(2, 3);  // ... and PROD passes it: 0x10003
    CHECK(h.write(cons, 0xffff) == AxiResp::kOkay);
    CHECK(h.write(cons, 0xfffe) == AxiResp::kSlvErr);  // backwards, before the wrap
    expect_error(h, d::CfgError::kBadIndex, cons);
    CHECK(h.write(cons, 4) == AxiResp::kSlvErr);  // past PROD, after the wrap
    expect_error(h, d::CfgError::kBadIndex, cons);
    CHECK(h.write(cons, 3) == AxiResp::kOkay);
    CHECK(h.ring(2).host_idx == 3);
  }
  SECTION("enabling a ring again starts its host index at 0") {
    const d::Ring ring = d::Ring::kTxDesc;
    setup_ring(h, ring, 0x10000, 4);
    CHECK(h.write(ring_reg(ring, d::ring_reg::kProdHost), 5) == AxiResp::kOkay);
    CHECK(h.write(ring_reg(ring, d::ring_reg::kRingControl), 0) == AxiResp::kOkay);
    CHECK(h.ring(0).host_idx == 5);
    h.set_dev_index(0, 0);
    CHECK(h.write(ring_reg(ring, d::ring_reg::kRingControl), 1) == AxiResp::kOkay);
    CHECK(h.ring(0).host_idx == 0);
  }
}

TEST_CASE("interrupt vectors: enable, moderation, MSI-X entries and the W1C status",
          "[device][regfile][irq]") {
  RegfileHarness h;
  const auto rx = d::IrqVector::kRxCompl;
  CHECK(h.write(d::irq_mod_offset(rx, d::irq_mod_reg::kCount), 32) == AxiResp::kOkay);
  CHECK(h.write(d::irq_mod_offset(rx, d::irq_mod_reg::kTime), 2500) == AxiResp::kOkay);
  CHECK(h.write(d::msix_offset(rx, d::msix_reg::kAddrLo), 0xfee0'0000) == AxiResp::kOkay);
  CHECK(h.write(d::msix_offset(rx, d::msix_reg::kAddrHi), 0x1) == AxiResp::kOkay);
  CHECK(h.write(d::msix_offset(rx, d::msix_reg::kData), 0x4041) == AxiResp::kOkay);
  CHECK(h.write(d::msix_offset(rx, d::msix_reg::kVectorControl), 0) == AxiResp::kOkay);
  CHECK(h.write(d::kIrqEnable.offset, 0x2) == AxiResp::kOkay);
  const auto c = h.irq(1);
  CHECK(c.enable);
  CHECK(c.mod_count == 32);
  CHECK(c.mod_time == 2500);
  CHECK(c.msix_addr == 0x1'fee0'0000ull);
  CHECK(c.msix_data == 0x4041);
  CHECK(!c.masked);
  CHECK(!h.irq(0).enable);
  CHECK(h.irq(0).masked);
  CHECK(h.read(d::kIrqEnable.offset).value == 0x2);
  // Fired vectors latch in IRQ_STATUS until written with a 1.
  h.pulse_irq_fired(0x1);
  h.pulse_irq_fired(0x2);
  CHECK(h.read(d::kIrqStatus.offset).value == 0x3);
  CHECK(h.write(d::kIrqStatus.offset, 0x1) == AxiResp::kOkay);
  CHECK(h.read(d::kIrqStatus.offset).value == 0x2);
  CHECK(h.write(d::kIrqStatus.offset, 0x2) == AxiResp::kOkay);
  CHECK(h.read(d::kIrqStatus.offset).value == 0x0);
}

TEST_CASE("counters count their pulses, each its own, and read back by the map's names",
          "[device][regfile][counters]") {
  RegfileHarness h;
  // Counter c gets c + 1 pulses.
  for (int c = 0; c < d::kCounterCount; ++c)
    for (int n = 0; n <= c; ++n) h.pulse_counters(1u << c);
  // And all at once, three times.
  for (int n = 0; n < 3; ++n) h.pulse_counters((1u << d::kCounterCount) - 1);
  for (int c = 0; c < d::kCounterCount; ++c) {
    INFO("counter " << c);
    CHECK(h.read(d::kCounterBase + 4u * c).value == uint32_t(c + 1 + 3));
  }
  CHECK(h.read(d::malformed_counter_offset(Malformed::kTcpOption)).value ==
        uint32_t(d::kCounterCount + 3));
}

TEST_CASE("a DMA error is recorded with its address and source until cleared",
          "[device][regfile][dma]") {
  RegfileHarness h;
  h.pulse_dma_error(0x0000'00ab'cdef'0040ull, true,
                    static_cast<uint8_t>(d::DmaSource::kRxBufferWrite));
  CHECK(h.read(d::kDmaErrorAddrLo.offset).value == 0xcdef'0040u);
  CHECK(h.read(d::kDmaErrorAddrHi.offset).value == 0xabu);
  const uint32_t info = h.read(d::kDmaErrorInfo.offset).value;
  CHECK((info & 1u) == 1u);
  CHECK(((info >> 1) & 1u) == 1u);
  CHECK(((info >> 4) & 0xfu) == static_cast<uint32_t>(d::DmaSource::kRxBufferWrite));
  CHECK(h.write(d::kDmaErrorInfo.offset, 1) == AxiResp::kOkay);
  CHECK(h.read(d::kDmaErrorInfo.offset).value == 0);
}

TEST_CASE("soft reset: the engines stop, writes are refused until DMA is idle, then all resets",
          "[device][regfile][reset]") {
  RegfileHarness h;
  setup_ring(h, d::Ring::kTxDesc, 0x10000, 4);
  CHECK(h.write(d::kControl.offset, 1u << d::control_bit::kEnable) == AxiResp::kOkay);
  CHECK(h.dev_enable());
  h.pulse_counters(1u << static_cast<int>(d::Counter::kFramesTx));
  CHECK(h.write(d::kIrqEnable.offset, 0x3) == AxiResp::kOkay);

  h.set_dma_idle(false);  // work in flight
  CHECK(h.write(d::kControl.offset, (1u << d::control_bit::kSoftReset) |
                                        (1u << d::control_bit::kEnable)) == AxiResp::kOkay);
  CHECK(h.soft_reset_busy());
  CHECK(!h.dev_enable());
  CHECK(!h.ring(0).enable);  // the engines see every ring stopped
  CHECK(h.read(d::ring_offset(d::Ring::kTxDesc, d::ring_reg::kRingControl)).value == 1);
  CHECK(h.read(d::kControl.offset).value == (1u << d::control_bit::kSoftReset));
  CHECK(h.read(d::kStatus.offset).value == (1u << d::status_bit::kResetBusy));
  // Every write is refused while the reset drains, the clearing of CFG_ERROR too.
  const uint32_t irq_mod = d::irq_mod_offset(d::IrqVector::kTxCompl, d::irq_mod_reg::kCount);
  CHECK(h.write(irq_mod, 9) == AxiResp::kSlvErr);
  CHECK(h.read(irq_mod).value == 1);
  CHECK(h.read(d::kCfgError.offset).value == cfg_error(d::CfgError::kResetBusy, irq_mod));
  CHECK(h.write(d::kCfgError.offset, ~0u) == AxiResp::kSlvErr);
  h.clock(50);
  CHECK(h.soft_reset_busy());  // as long as DMA is outstanding

  h.set_dma_idle(true);
  CHECK(h.soft_reset_done());  // the engines clear their state on this clock
  h.clock();
  CHECK(!h.soft_reset_busy());
  CHECK(!h.soft_reset_done());
  for (const auto& r : d::register_map()) {
    if (r.offset == d::kCaps.offset || r.offset == d::kDataWidth.offset ||
        r.offset == d::kMaxFrame.offset || r.offset == d::kStatus.offset)
      continue;
    INFO(r.name);
    CHECK(h.read(r.offset).value == r.reset);
  }
  CHECK(h.ring(0).base == 0);
  // And the device can be set up again.
  setup_ring(h, d::Ring::kTxDesc, 0x40000, 5);
  CHECK(h.ring(0).enable);
}

// The device top (rtl/tcpoe_top.sv) as a driver sees it, at DATA_W 64 and
// 512, before any traffic: registers and their reset values through BAR0,
// MMIO to unmapped offsets, the write-back alignment rule, and no DMA before
// set-up. sim/device/top_harness.h is the host (AXI rule checkers on m_axi
// every cycle); test_top_traffic.cpp has the traffic.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "tcpoe/wire/device_regs.h"
#include "top_harness.h"
#include "top_host.h"  // require_clean

namespace {

using namespace tcpoe;
namespace d = tcpoe::wire::dev;
using sim::AxiResp;
using sim::TopHarness;
using test::require_clean;

constexpr int kWidths[] = {64, 512};

}  // namespace

TEST_CASE("top: registers read their reset values through BAR0, RW registers keep what is written",
          "[device][top]") {
  for (const int w : kWidths) {
    DYNAMIC_SECTION("DATA_W " << w) {
      TopHarness h(w);
      for (const auto& r : d::register_map()) {
        INFO(r.name);
        const auto got = h.mmio_read(r.offset);
        CHECK(got.resp == AxiResp::kOkay);
        if (r.offset == d::kCaps.offset || r.offset == d::kDataWidth.offset ||
            r.offset == d::kMaxFrame.offset || r.offset == d::kStatus.offset)
          continue;
        CHECK(got.value == r.reset);
      }
      CHECK(h.read_reg(d::kDataWidth.offset) == uint32_t(w));
      CHECK(h.read_reg(d::kMaxFrame.offset) == uint32_t(h.params().max_frame));
      CHECK(h.read_reg(d::kStatus.offset) == (1u << d::status_bit::kDmaIdle));
      const uint32_t msix_data = d::msix_offset(d::IrqVector::kRxCompl, d::msix_reg::kData);
      const uint32_t txd_base = d::ring_offset(d::Ring::kTxDesc, d::ring_reg::kBaseLo);
      CHECK(h.mmio_write(msix_data, 0xfeedf00d) == AxiResp::kOkay);
      CHECK(h.mmio_write(txd_base, 0x12345640) == AxiResp::kOkay);
      CHECK(h.read_reg(msix_data) == 0xfeedf00d);
      CHECK(h.read_reg(txd_base) == 0x12345640);
      // The device stays off the host's memory until it is set up.
      h.clock(200);
      CHECK(h.requests() == 0);
      require_clean(h);
    }
  }
}

TEST_CASE("top: MMIO to unmapped offsets reads all ones with SLVERR, writes are refused into CFG_ERROR",
          "[device][top]") {
  for (const int w : kWidths) {
    DYNAMIC_SECTION("DATA_W " << w) {
      TopHarness h(w);
      for (const uint32_t off : {0x0030u, 0x0180u, 0x0220u, 0x0500u, 0x0900u, 0x8000u, 0xfffcu,
                                 d::kControl.offset + 2}) {
        INFO("offset " << off);
        const auto r = h.mmio_read(off);
        CHECK(r.resp == AxiResp::kSlvErr);
        CHECK(r.value == 0xffffffffu);
        CHECK(h.mmio_write(off, 0x1) == AxiResp::kSlvErr);
        CHECK(h.read_reg(d::kCfgError.offset) ==
              ((off << 16) | uint32_t(d::CfgError::kUnmapped)));
        h.write_reg(d::kCfgError.offset, ~0u);
        CHECK(h.read_reg(d::kCfgError.offset) == 0);
      }
      // A WB address that is not 64-aligned is refused (a 4-octet write must start a beat).
      const uint32_t wb_lo = d::ring_offset(d::Ring::kTxCompl, d::ring_reg::kWritebackLo);
      CHECK(h.mmio_write(wb_lo, 0x1004) == AxiResp::kSlvErr);
      CHECK(h.read_reg(d::kCfgError.offset) == ((wb_lo << 16) | uint32_t(d::CfgError::kBadAlignment)));
      CHECK(h.mmio_write(wb_lo, 0x1040) == AxiResp::kOkay);
      require_clean(h);
    }
  }
}

// The device top (rtl/tcpoe_top.sv) as a driver sees it, at DATA_W 64 and
// 512: registers through BAR0, frames from one device's TX ring into another
// device's RX buffers, MSI-X messages with moderation, soft reset with work in
// flight, DMA faults, and a randomized run with a scoreboard. The host side
// is sim/device/top_harness.h (AXI rule checkers on m_axi every cycle) and
// top_host.h (rings in host memory); the frames are checked against the wire
// layer's emit_frame() and the parser's reference descriptor.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "tcp_rx_parser_ref.h"
#include "tcpoe/wire/device_regs.h"
#include "../support/test_seed.h"
#include "top_harness.h"
#include "top_host.h"

namespace {

using namespace tcpoe;
namespace d = tcpoe::wire::dev;
using sim::AxiResp;
using sim::Octets;
using sim::TopHarness;
using test::TopHost;

constexpr int kWidths[] = {64, 512};

uint32_t counter(TopHarness& h, d::Counter c) { return h.read_reg(d::counter_offset(c)); }

void require_clean(const TopHarness& h) {
  const auto v = h.violations();
  INFO((v.empty() ? std::string() : v.front()));
  CHECK(v.empty());
}

// A TX descriptor for a data segment between two fixed hosts.
wire::TxDescriptor data_desc(uint32_t seq, uint16_t payload_len, std::mt19937_64& rng) {
  wire::TxDescriptor t;
  t.eth_dst = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
  t.eth_src = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
  t.ip_src = 0x0a4d0001;
  t.ip_dst = 0x0a4d0002;
  t.ident = uint16_t(rng());
  t.src_port = 40000;
  t.dst_port = 5201;
  t.seq = seq;
  t.ack = uint32_t(rng());
  t.tcp_flags = wire::tcp::flag::kAck | wire::tcp::flag::kPsh;
  t.window = uint16_t(rng());
  t.has_timestamps = (rng() & 1) != 0;
  t.ts_val = uint32_t(rng());
  t.ts_ecr = uint32_t(rng());
  t.payload_len = payload_len;
  return t;
}

Octets random_octets(size_t n, std::mt19937_64& rng) {
  Octets o(n);
  for (auto& b : o) b = uint8_t(rng());
  return o;
}

const uint8_t kSmallRings[4] = {4, 4, 4, 4};

}  // namespace

TEST_CASE("top: registers read their reset values through BAR0; RW registers keep what is written",
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

TEST_CASE("top: MMIO to unmapped offsets reads all ones with SLVERR; writes are refused into CFG_ERROR",
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

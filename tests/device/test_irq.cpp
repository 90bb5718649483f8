// One interrupt vector's moderation (rtl/tcpoe_irq_vector.sv), clock by
// clock: by count, by time, masked, disabled (poll mode), and under MSI-X
// write back-pressure.
#include <catch2/catch.hpp>

#include "irq_harness.h"

namespace {

using tcpoe::sim::IrqCfg;
using tcpoe::sim::IrqVectorHarness;

IrqCfg enabled(uint32_t count, uint32_t time) {
  IrqCfg c;
  c.enable = true;
  c.mod_count = count;
  c.mod_time = time;
  c.msix_addr = 0xfee0'1000ull;
  c.msix_data = 0x41;
  c.masked = false;
  return c;
}

}  // namespace

TEST_CASE("a count of 0 or 1 interrupts on every event, the cycle after it", "[device][irq]") {
  for (uint32_t count : {0u, 1u}) {
    IrqVectorHarness h;
    h.configure(enabled(count, 0));
    for (int i = 0; i < 20; ++i) {
      CHECK(!h.step(true));   // the event is counted on this clock
      CHECK(h.step(false));   // and fires on the next
      CHECK(h.last_addr() == 0xfee0'1000ull);
      CHECK(h.last_data() == 0x41);
    }
    CHECK(!h.msix_valid());
  }
}

TEST_CASE("MOD_COUNT events make one interrupt", "[device][irq]") {
  IrqVectorHarness h;
  h.configure(enabled(4, 0));
  int interrupts = 0;
  for (int i = 0; i < 100; ++i) interrupts += h.step(true);
  interrupts += h.step(false);
  CHECK(interrupts == 25);
  for (int i = 0; i < 3; ++i) CHECK(!h.step(true));
  for (int i = 0; i < 1000; ++i) CHECK(!h.step(false));  // 3 pending wait for a 4th
  CHECK(!h.step(true));
  CHECK(h.step(false));
}

TEST_CASE("MOD_TIME cycles after the first pending event, an interrupt however few",
          "[device][irq]") {
  IrqVectorHarness h;
  h.configure(enabled(1000, 50));
  CHECK(!h.step(true));
  int cycles = 1;
  while (!h.step(false)) {
    ++cycles;
    REQUIRE(cycles < 200);
  }
  CHECK(cycles == 51);  // the event's clock, then 50 of waiting
  for (int i = 0; i < 500; ++i) CHECK(!h.step(false));  // nothing pending: no timer
}

TEST_CASE("a masked vector keeps its events and interrupts when unmasked", "[device][irq]") {
  IrqVectorHarness h;
  IrqCfg c = enabled(2, 0);
  c.masked = true;
  h.configure(c);
  for (int i = 0; i < 10; ++i) CHECK(!h.step(true));
  for (int i = 0; i < 10; ++i) CHECK(!h.step(false));
  c.masked = false;
  h.configure(c);
  CHECK(h.msix_valid());
  CHECK(h.step(false));
  CHECK(!h.step(false));  // one interrupt for all of them
}

TEST_CASE("poll mode: a disabled vector interrupts never and keeps nothing", "[device][irq]") {
  IrqVectorHarness h;
  IrqCfg c = enabled(1, 10);
  c.enable = false;
  h.configure(c);
  for (int i = 0; i < 100; ++i) CHECK(!h.step(i % 3 == 0));
  c.enable = true;
  h.configure(c);
  for (int i = 0; i < 100; ++i) CHECK(!h.step(false));  // the old events are gone
  CHECK(!h.step(true));
  CHECK(h.step(false));
}

// Completions written while the message waits are in host memory before it
// (the DMA engine keeps writes in order), so the interrupt covers them; only
// an event in the cycle the message is taken counts toward the next one.
TEST_CASE("under MSI-X back-pressure the request waits, unchanged, and covers what came meanwhile",
          "[device][irq]") {
  IrqVectorHarness h;
  h.configure(enabled(3, 0));
  for (int i = 0; i < 3; ++i) h.step(true);
  for (int i = 0; i < 20; ++i) {
    CHECK(h.msix_valid());
    CHECK(!h.step(i < 5, /*msix_ready=*/false));  // 5 more events while waiting
    CHECK(h.last_data() == 0x41);
  }
  CHECK(h.step(true, true));  // taken, with an event in the same cycle
  CHECK(!h.step(false));      // that one is pending alone
  CHECK(!h.step(true));
  CHECK(!h.step(true));       // the third since the interrupt ...
  CHECK(h.step(false));       // ... fires the next
}

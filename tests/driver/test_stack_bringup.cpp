// The device layer's bring-up and teardown on the verilated device behind
// the PCIe model (tests/driver/stack_scenarios bringup).
#include "stack_test_util.h"

#include "tcpoe/wire/device_regs.h"

namespace {

using namespace tcpoe::test::stack;
namespace regs = tcpoe::wire::dev;

TEST_CASE("bring-up identifies the device, programs it without a refused write, teardown frees everything",
          "[stack]") {
  const Seen s = scenario("bringup", out_dir("bringup"));
  no_exception(s);
  CHECK(number(s, "id") == regs::kDeviceId);
  CHECK(number(s, "version") >> 16 == regs::kVersionMajor);
  CHECK((number(s, "caps") >> regs::cap_bit::kIndexWriteback & 1) == 1);
  CHECK(number(s, "data_width") == 64);
  CHECK(number(s, "max_frame") == 14 + 60 + 60 + 2048);
  CHECK(number(s, "cfg_error") == 0);
  CHECK((number(s, "status") >> regs::status_bit::kRunning & 1) == 1);
  // Write-back block, TXD, TXC, payload slots, RXB, RXC, RX buffers.
  CHECK(number(s, "mapped_when_up") == 7);
  CHECK(number(s, "allocated_when_up") == 7);
  CHECK(number(s, "rx_posted") == 32);
  CHECK(number(s, "rxb_cons_writeback") == 0);
  CHECK(at(s, "up_after_teardown") == "0");
  CHECK(number(s, "mapped_after_teardown") == 0);
  CHECK(number(s, "allocated_after_teardown") == 0);
  CHECK(number(s, "control_after_teardown") == 0);
  CHECK(at(s, "second_bring_up") == "ok");
  CHECK(number(s, "mapped_after_destructor") == 0);
  CHECK(number(s, "a_iommu_faults") == 0);
  CHECK(at(s, "a_assertion_fired") == "0");
}

}  // namespace

// The datapath widths every block is built and verilated at: one list, so a
// harness, a host program and a test all accept and refuse the same widths.
#pragma once

#include <string>
#include <tuple>
#include <type_traits>

namespace tcpoe::sim {

constexpr int kDataWidths[] = {64, 128, 256, 512};

constexpr bool is_supported_data_width(int data_width) {
  for (int w : kDataWidths)
    if (w == data_width) return true;
  return false;
}

// The verilated model of a block at DATA_W = W, out of the four Verilator
// made (one per width, in kDataWidths' order): e.g.
//   VerilatedAt<W, Vtcp_csum_64, Vtcp_csum_128, Vtcp_csum_256, Vtcp_csum_512>
template <int W, typename V64, typename V128, typename V256, typename V512>
using VerilatedAt = std::tuple_element_t<W == 64 ? 0 : W == 128 ? 1 : W == 256 ? 2 : 3,
                                         std::tuple<V64, V128, V256, V512>>;

// Calls run(std::integral_constant<int, W>{}) for the run-time width, so a
// harness templated on W is instantiated once per supported width. Any other
// width gives a Report that says so (its `failure`), never a crash.
template <typename Report, typename Run>
Report dispatch_data_width(int data_width, Run&& run) {
  switch (data_width) {
    case 64: return run(std::integral_constant<int, 64>{});
    case 128: return run(std::integral_constant<int, 128>{});
    case 256: return run(std::integral_constant<int, 256>{});
    case 512: return run(std::integral_constant<int, 512>{});
    default: {
      Report r;
      r.failure = "DATA_W " + std::to_string(data_width) + " is not one of 64, 128, 256, 512";
      return r;
    }
  }
}

}  // namespace tcpoe::sim

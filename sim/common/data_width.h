// The datapath widths every block is built and verilated at: one list, so a
// harness, a host program and a test all accept and refuse the same widths.
#pragma once

namespace tcpoe::sim {

constexpr int kDataWidths[] = {64, 128, 256, 512};

constexpr bool is_supported_data_width(int data_width) {
  for (int w : kDataWidths)
    if (w == data_width) return true;
  return false;
}

}  // namespace tcpoe::sim

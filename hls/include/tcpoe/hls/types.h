// Arbitrary-precision integers and streams for the HLS kernels: Xilinx's own
// headers when they are installed (Vitis HLS), the project's stand-ins
// otherwise (plain g++ C-simulation). Define TCPOE_HLS_STANDIN to force the
// stand-ins, e.g. for the cycle-lockstep harness, which needs their
// port-observation hooks.
#pragma once

#if !defined(TCPOE_HLS_STANDIN) && __has_include(<ap_int.h>) && __has_include(<hls_stream.h>)
#include <ap_int.h>
#include <hls_stream.h>
#define TCPOE_HLS_XILINX 1
#else
#include "tcpoe/hls/standin/ap_int.h"
#include "tcpoe/hls/standin/hls_stream.h"
#define TCPOE_HLS_XILINX 0
#endif

namespace tcpoe::kernels {

// One AXI4-Stream beat. Vitis HLS maps the member names data/keep/last onto
// TDATA/TKEEP/TLAST of an `axis` port. Byte lane i is data[8i+7:8i].
template <int DATA_W>
struct AxisBeat {
  static_assert(DATA_W % 16 == 0, "whole 16-bit words per beat");
  ap_uint<DATA_W> data;
  ap_uint<DATA_W / 8> keep;
  ap_uint<1> last;
};

}  // namespace tcpoe::kernels

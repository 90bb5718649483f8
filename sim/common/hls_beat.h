// A beat a source offers, as the HLS models' streams take it: lanes not kept
// are zero (the RTL sees junk there; a model that read them would differ).
#pragma once

#include "axis.h"
#include "tcpoe/hls/types.h"

namespace tcpoe::sim {

// tdata alone: a stream without tkeep and tlast (e.g. a descriptor).
template <int W>
ap_uint<W> hls_data(const SourceBeat& b) {
  ap_uint<W> data;
  for (int l = 0; l < W / 8; ++l) data.range(8 * l + 7, 8 * l) = b.kept(l) ? b.lane(l) : 0;
  return data;
}

template <int W>
kernels::AxisBeat<W> hls_beat(const SourceBeat& b) {
  kernels::AxisBeat<W> beat;
  beat.data = hls_data<W>(b);
  for (int l = 0; l < W / 8; ++l) beat.keep[l] = b.kept(l);
  beat.last = b.last;
  return beat;
}

}  // namespace tcpoe::sim

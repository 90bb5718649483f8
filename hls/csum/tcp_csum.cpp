#include "tcp_csum.h"

void tcp_csum_top(hls::stream<tcpoe::kernels::AxisBeat<TCP_CSUM_DATA_W>>& s_axis,
                  hls::stream<ap_uint<16>>& m_axis) {
#pragma HLS INTERFACE axis port=s_axis
#pragma HLS INTERFACE axis port=m_axis
#pragma HLS INTERFACE ap_ctrl_none port=return
#pragma HLS PIPELINE II=1
  static tcpoe::kernels::TcpCsum<TCP_CSUM_DATA_W> engine;
  engine.step(s_axis, m_axis);
}

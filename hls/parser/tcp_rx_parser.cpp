#include "tcp_rx_parser.h"

void tcp_rx_parser_top(
    hls::stream<tcpoe::kernels::AxisBeat<TCP_RX_PARSER_DATA_W>>& s_axis,
    hls::stream<ap_uint<8 * tcpoe::wire::rx_desc::kSize>>& m_desc, ap_uint<32>& stat_frames,
    ap_uint<32>& stat_malformed, ap_uint<32>& stat_ip_csum_bad, ap_uint<32>& stat_tcp_csum_bad) {
#pragma HLS INTERFACE axis port=s_axis
#pragma HLS INTERFACE axis port=m_desc
#pragma HLS INTERFACE ap_none port=stat_frames
#pragma HLS INTERFACE ap_none port=stat_malformed
#pragma HLS INTERFACE ap_none port=stat_ip_csum_bad
#pragma HLS INTERFACE ap_none port=stat_tcp_csum_bad
#pragma HLS INTERFACE ap_ctrl_none port=return
#pragma HLS PIPELINE II=1
  static tcpoe::kernels::TcpRxParser<TCP_RX_PARSER_DATA_W> parser;
  // The counters are registers: this cycle's values, before the edge.
  stat_frames = parser.frames();
  stat_malformed = parser.malformed();
  stat_ip_csum_bad = parser.ip_csum_bad();
  stat_tcp_csum_bad = parser.tcp_csum_bad();
  parser.step(s_axis, m_desc);
}

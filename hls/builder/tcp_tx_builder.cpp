#include "tcp_tx_builder.h"

void tcp_tx_builder_top(hls::stream<ap_uint<8 * tcpoe::wire::txdesc::kSize>>& s_desc,
                        hls::stream<tcpoe::kernels::AxisBeat<TCP_TX_BUILDER_DATA_W>>& s_axis,
                        hls::stream<tcpoe::kernels::AxisBeat<TCP_TX_BUILDER_DATA_W>>& m_axis,
                        ap_uint<32>& stat_bad_desc, ap_uint<32>& stat_bad_payload) {
#pragma HLS INTERFACE axis port=s_desc
#pragma HLS INTERFACE axis port=s_axis
#pragma HLS INTERFACE axis port=m_axis
#pragma HLS INTERFACE ap_none port=stat_bad_desc
#pragma HLS INTERFACE ap_none port=stat_bad_payload
#pragma HLS INTERFACE ap_ctrl_none port=return
#pragma HLS PIPELINE II=1
  static tcpoe::kernels::TcpTxBuilder<TCP_TX_BUILDER_DATA_W> builder;
  builder.step(s_desc, s_axis, m_axis);
  stat_bad_desc = builder.bad_desc_count();
  stat_bad_payload = builder.bad_payload_count();
}

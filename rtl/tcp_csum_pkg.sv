// The checksum engine's (rtl/tcp_csum.sv) latency per width, for the engine
// and for the blocks that meet its result in step (rtl/tcp_rx_parser.sv).
// The C++ reference mirrors both functions: TcpCsum<DATA_W>::kFoldAhead and
// kLatency (hls/csum/tcp_csum.h).
package tcp_csum_pkg;

  // At DATA_W=64 the sum is folded to 16 bits in two stages ahead of the
  // result queue (the clock rate of a small FPGA); wider, the queue holds it
  // unfolded and its head is folded as m_axis reads it (fewer cycles, fewer
  // LUTs).
  function automatic logic fold_ahead(input int data_w);
    fold_ahead = data_w == 64;
  endfunction

  // Cycles from a packet's last beat's handshake to its result on m_axis.
  function automatic int latency(input int data_w);
    latency = fold_ahead(data_w) ? 6 : 4;
  endfunction

endpackage

# Vitis HLS flow for the RX header parser kernel (tcp_rx_parser_top): C
# simulation with tcp_rx_parser_tb.cpp, C synthesis, C/RTL co-simulation, IP
# export. What is shared by every kernel, the environment variables and what
# is (and is not) checked here: hls/common/run_hls_common.tcl.
#
# Run it from a scratch directory (the project folder is created there):
#   vitis_hls -f <repo>/hls/parser/run_hls.tcl                 ;# DATA_W = 64
#   vitis_hls -f <repo>/hls/parser/run_hls.tcl -tclargs 512    ;# DATA_W = 512

set here       [file dirname [file normalize [info script]]]
set kernel     tcp_rx_parser
set top        tcp_rx_parser_top
set sources    {tcp_rx_parser.cpp}
set testbench  {tcp_rx_parser_tb.cpp}
set width_var  TCP_RX_PARSER_DATA_W
set widths     {64 128 256 512}
# The kernel embeds the checksum engine (hls/csum) and writes the wire
# layer's RX descriptor (rx_descriptor.h, layout.h).
set includes   {hls/include hls/csum wire/include}
# The wire-format layer is C++17: a Vitis release without C++17 cannot
# compile this kernel.
set cxxstd     c++17
set tb_verdict "a descriptor differs from the wire layer's parse_frame()"

source [file join $here .. common run_hls_common.tcl]

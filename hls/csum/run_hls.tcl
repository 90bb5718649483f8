# Vitis HLS flow for the checksum engine kernel (tcp_csum_top): C simulation
# with tcp_csum_tb.cpp, C synthesis, C/RTL co-simulation, IP export. What is
# shared by every kernel, the environment variables and what is (and is not)
# checked here: hls/common/run_hls_common.tcl.
#
# Run it from a scratch directory (the project folder is created there):
#   vitis_hls -f <repo>/hls/csum/run_hls.tcl                 ;# DATA_W = 64
#   vitis_hls -f <repo>/hls/csum/run_hls.tcl -tclargs 512    ;# DATA_W = 512

set here       [file dirname [file normalize [info script]]]
set kernel     tcp_csum
set top        tcp_csum_top
set sources    {tcp_csum.cpp}
set testbench  {tcp_csum_tb.cpp}
set width_var  TCP_CSUM_DATA_W
set widths     {64 128 256 512}
# The checksum arithmetic is the wire layer's (tcpoe/wire/checksum.h).
set includes   {hls/include wire/include}
# C++17, as every kernel of hls/ (nested namespaces, and the project's
# stand-in hls_stream.h uses std::optional).
set cxxstd     c++17
set tb_verdict "a sum differs from its byte-stream reference"

source [file join $here .. common run_hls_common.tcl]

# Vitis HLS flow for the TX header builder kernel (tcp_tx_builder_top): C
# simulation with tcp_tx_builder_tb.cpp, C synthesis, C/RTL co-simulation, IP
# export. What is shared by every kernel, the environment variables and what
# is (and is not) checked here: hls/common/run_hls_common.tcl.
#
# Run it from a scratch directory (the project folder is created there):
#   vitis_hls -f <repo>/hls/builder/run_hls.tcl                 ;# DATA_W = 64
#   vitis_hls -f <repo>/hls/builder/run_hls.tcl -tclargs 512    ;# DATA_W = 512

set here       [file dirname [file normalize [info script]]]
set kernel     tcp_tx_builder
set top        tcp_tx_builder_top
set sources    {tcp_tx_builder.cpp}
set testbench  {tcp_tx_builder_tb.cpp}
set width_var  TCP_TX_BUILDER_DATA_W
set widths     {64 128 256 512}
# The kernel reads the wire-format layer (tx_descriptor.h, bytes.h).
set includes   {hls/include wire/include}
# The wire-format layer is C++17 (std::is_same_v, std::optional): a Vitis
# release without C++17 cannot compile this kernel.
set cxxstd     c++17
set tb_verdict "a frame differs from the wire layer's emit_frame()"

source [file join $here .. common run_hls_common.tcl]

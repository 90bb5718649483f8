# Vitis HLS flow for the checksum engine kernel (tcp_csum_top): C simulation
# with tcp_csum_tb.cpp, C synthesis, C/RTL co-simulation, and export as a
# Vivado IP-catalog core.
#
# NOT RUN HERE. Vitis HLS is AMD/Xilinx's proprietary tool; it is not installed
# where this project is built and tested (Debian packages only), so this script
# has never been executed by the project's tests. What the project does verify
# without it: the same C++ (hls/csum) is compiled with g++ and run as the
# C-simulation tests hls.csum.csim.<W>, and rtl/tcp_csum.sv is checked against
# it cycle by cycle. Report what breaks with your Vitis version.
#
# Run it from a scratch directory (the project folder is created there):
#   vitis_hls -f <repo>/hls/csum/run_hls.tcl                 ;# DATA_W = 64
#   vitis_hls -f <repo>/hls/csum/run_hls.tcl -tclargs 512    ;# DATA_W = 512
# Environment (optional):
#   TCP_CSUM_DATA_W   64 | 128 | 256 | 512, when not given with -tclargs
#   TCPOE_HLS_STEPS   the steps to run, default "csim csynth cosim export"
#   TCPOE_HLS_PART    default xcvu9p-flga2104-2-i (Virtex UltraScale+, as on
#                     Alveo U200/U250 and AWS F1); e.g. xc7k325tffg900-2 (KC705)
#   TCPOE_HLS_CXXSTD  default c++14 (the headers' nested namespaces are a
#                     C++17 feature that clang and gcc accept in C++14 with a
#                     warning); c++17 on Vitis releases that support it
# Output: ./tcp_csum_w<W>/sol/ (reports in syn/report, the IP zip in impl/ip).
#
# The same pattern for every kernel of hls/: copy this file next to the
# kernel as hls/<kernel>/run_hls.tcl and change only the block "Per kernel"
# below (name, top function, sources, testbench, width macro).
# The include path hls/include is the same for all kernels; with Vitis's
# ap_int.h and hls_stream.h on the include path, tcpoe/hls/types.h uses them
# instead of the project's stand-ins (TCPOE_HLS_STANDIN must not be defined).

# ---------------------------------------------------------------- Per kernel
set kernel     tcp_csum
set top        tcp_csum_top
set sources    {tcp_csum.cpp}
set testbench  {tcp_csum_tb.cpp}
set width_var  TCP_CSUM_DATA_W
set widths     {64 128 256 512}

# ---------------------------------------------------------------- Common
set here    [file dirname [file normalize [info script]]]
set include [file normalize [file join $here .. include]]

set data_w 64
if {[info exists argv] && [llength $argv] > 0} {
  set data_w [lindex $argv 0]
} elseif {[info exists ::env($width_var)]} {
  set data_w $::env($width_var)
}
if {[lsearch -exact $widths $data_w] < 0} {
  error "$kernel: $width_var must be one of $widths, not '$data_w'"
}
set steps {csim csynth cosim export}
if {[info exists ::env(TCPOE_HLS_STEPS)]} { set steps $::env(TCPOE_HLS_STEPS) }
set part xcvu9p-flga2104-2-i
if {[info exists ::env(TCPOE_HLS_PART)]} { set part $::env(TCPOE_HLS_PART) }
set cxxstd c++14
if {[info exists ::env(TCPOE_HLS_CXXSTD)]} { set cxxstd $::env(TCPOE_HLS_CXXSTD) }

set cflags "-std=$cxxstd -I$include -D$width_var=$data_w"

open_project -reset ${kernel}_w${data_w}
set_top $top
foreach f $sources   { add_files      [file join $here $f] -cflags $cflags }
foreach f $testbench { add_files -tb  [file join $here $f] -cflags $cflags }

open_solution -reset sol -flow_target vivado
set_part $part
create_clock -period 4 -name default   ;# 250 MHz
config_export -format ip_catalog -rtl verilog -vendor tcpoe -library hls \
  -ipname ${kernel}_w${data_w} -version 0.1 \
  -description "$kernel, $width_var=$data_w (hls/[file tail $here] of tcpoe)"

# The testbench returns 0 when every result matches its byte-stream reference.
if {"csim" in $steps}   { csim_design }
if {"csynth" in $steps} { csynth_design }
# The top is free-running (ap_ctrl_none) with stream ports and II=1, the kind
# of ap_ctrl_none design C/RTL co-simulation accepts.
if {"cosim" in $steps}  { cosim_design -rtl verilog }
if {"export" in $steps} { export_design -format ip_catalog -rtl verilog }

exit

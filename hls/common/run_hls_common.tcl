# The part of the Vitis HLS flow every kernel of hls/ shares: C simulation
# with the kernel's testbench, C synthesis, C/RTL co-simulation, and export as
# a Vivado IP-catalog core. Sourced by hls/<kernel>/run_hls.tcl after it sets:
#   kernel      name of the kernel (the project folder is <kernel>_w<W>)
#   top         the synthesis top function
#   sources     kernel sources, relative to the kernel's folder
#   testbench   testbench sources, relative to the kernel's folder
#   width_var   the macro that carries DATA_W into the sources
#   widths      the DATA_W values the kernel supports
#   includes    include folders, relative to the repository root
#   cxxstd      the default C++ standard (TCPOE_HLS_CXXSTD overrides it)
#   tb_verdict  when the testbench fails (it returns non-zero), for the log
#
# NOT RUN HERE with Vitis. Vitis HLS is AMD/Xilinx's proprietary tool; it is
# not installed where this project is built and tested (Debian packages only).
# What the project does verify without it: the kernels' C++ is compiled with
# g++ and run as the C-simulation tests hls.<kernel>.csim.<W>, the RTL is
# checked against it cycle by cycle, and the tests hls.vitis_script.<kernel>
# run every run_hls.tcl under tclsh with the Vitis commands replaced by
# recorders (hls/common/check_run_hls.tcl), so the files, the top function and
# the width handling are checked. Report what breaks with your Vitis version.
#
# Environment (optional):
#   <width_var>       64 | 128 | 256 | 512, when not given with -tclargs
#   TCPOE_HLS_STEPS   the steps to run, default "csim csynth cosim export"
#   TCPOE_HLS_PART    default xcvu9p-flga2104-2-i (Virtex UltraScale+, as on
#                     Alveo U200/U250 and AWS F1); e.g. xc7k325tffg900-2 (KC705)
#   TCPOE_HLS_CXXSTD  the C++ standard, default as the kernel's script says
# Output: ./<kernel>_w<W>/sol/ (reports in syn/report, the IP zip in impl/ip).
# With Vitis's ap_int.h and hls_stream.h on the include path,
# tcpoe/hls/types.h uses them instead of the project's stand-ins
# (TCPOE_HLS_STANDIN must not be defined).

set repo [file normalize [file join $here .. ..]]

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
foreach s $steps {
  if {[lsearch -exact {csim csynth cosim export} $s] < 0} {
    error "$kernel: TCPOE_HLS_STEPS names '$s'; the steps are csim csynth cosim export"
  }
}
set part xcvu9p-flga2104-2-i
if {[info exists ::env(TCPOE_HLS_PART)]} { set part $::env(TCPOE_HLS_PART) }
if {[info exists ::env(TCPOE_HLS_CXXSTD)]} { set cxxstd $::env(TCPOE_HLS_CXXSTD) }

set cflags "-std=$cxxstd -D$width_var=$data_w"
foreach d $includes { append cflags " -I[file join $repo $d]" }

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

if {"csim" in $steps} {
  puts "$kernel: C simulation fails when $tb_verdict"
  csim_design
}
if {"csynth" in $steps} { csynth_design }
# The tops are free-running (ap_ctrl_none) with stream ports and II=1, the
# kind of ap_ctrl_none design C/RTL co-simulation accepts.
if {"cosim" in $steps}  { cosim_design -rtl verilog }
if {"export" in $steps} { export_design -format ip_catalog -rtl verilog }

exit

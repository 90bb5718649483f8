# Runs a kernel's run_hls.tcl without Vitis: every Vitis HLS command the
# script calls is replaced by a recorder, the script runs once per DATA_W
# (and once with a width it must refuse, once with TCPOE_HLS_STEPS=csim), and
# what it asked Vitis to do is checked against the files of the repository:
#   - the sources and testbench it adds exist, and one of the sources defines
#     the top function it names;
#   - the project is named after the kernel and the width, and the four steps
#     run in order (only csim when TCPOE_HLS_STEPS says so);
#   - the macro it sets is the one the sources read, and with the include
#     folders and standard it passes, g++ compiles every file it adds (with
#     the project's stand-ins for Xilinx's headers, which Vitis replaces).
#
# usage: tclsh check_run_hls.tcl <run_hls.tcl> <c++ compiler>
# Exit status 0 when everything holds; otherwise the first failure on stderr.

if {[llength $argv] != 2} {
  puts stderr "usage: tclsh check_run_hls.tcl <run_hls.tcl> <c++ compiler>"
  exit 2
}
lassign $argv script cxx
set script [file normalize $script]

proc fail {msg} {
  puts stderr "check_run_hls: [file tail [file dirname $::script]]/run_hls.tcl: $msg"
  exit 1
}

set vitis_cmds {open_project set_top add_files open_solution set_part create_clock
                config_export csim_design csynth_design cosim_design export_design}

# One run of the script in a fresh interpreter: the list of Vitis calls, or
# the error the script raised (as {error MESSAGE}).
proc run_script {args_list env_steps} {
  set i [interp create]
  $i eval [list set argv $args_list]
  $i eval [list set argc [llength $args_list]]
  $i eval {set ::calls {}}
  foreach c $::vitis_cmds {
    $i eval [list proc $c {args} "lappend ::calls \[linsert \$args 0 $c\]"]
  }
  $i eval {rename exit {}; proc exit {args} {lappend ::calls exit}}
  # The scripts announce what the C simulation checks; not needed here.
  $i eval {rename puts __puts; proc puts {args} {}}
  if {$env_steps ne ""} {
    $i eval [list set ::env(TCPOE_HLS_STEPS) $env_steps]
  } else {
    $i eval {unset -nocomplain ::env(TCPOE_HLS_STEPS)}
  }
  $i eval {unset -nocomplain ::env(TCPOE_HLS_PART) ::env(TCPOE_HLS_CXXSTD)}
  set rc [catch {$i eval [list source $::script]} msg]
  if {$rc} {
    interp delete $i
    return [list error $msg]
  }
  set calls [$i eval {set ::calls}]
  set vars {}
  foreach v {kernel top width_var widths} { dict set vars $v [$i eval [list set $v]] }
  interp delete $i
  return [list ok $calls $vars]
}

proc calls_named {calls name} {
  set out {}
  foreach c $calls { if {[lindex $c 0] eq $name} { lappend out $c } }
  return $out
}

proc read_file {path} {
  set f [open $path]
  set s [read $f]
  close $f
  return $s
}

set first [run_script {} ""]
if {[lindex $first 0] ne "ok"} { fail "fails with no arguments: [lindex $first 1]" }
set vars [lindex $first 2]
set kernel [dict get $vars kernel]
set top [dict get $vars top]
set width_var [dict get $vars width_var]
set widths [dict get $vars widths]
if {$widths ne {64 128 256 512}} { fail "supports widths {$widths}, the kernels support 64 128 256 512" }

foreach w $widths {
  set r [run_script [list $w] ""]
  if {[lindex $r 0] ne "ok"} { fail "DATA_W=$w: [lindex $r 1]" }
  set calls [lindex $r 1]

  set steps {}
  foreach c $calls {
    if {[lindex $c 0] in {csim_design csynth_design cosim_design export_design exit}} {
      lappend steps [lindex $c 0]
    }
  }
  if {$steps ne {csim_design csynth_design cosim_design export_design exit}} {
    fail "DATA_W=$w: runs {$steps}, not csim, csynth, cosim, export, exit"
  }
  set proj [calls_named $calls open_project]
  if {[llength $proj] != 1 || [lindex $proj 0 end] ne "${kernel}_w$w"} {
    fail "DATA_W=$w: project {$proj}, expected ${kernel}_w$w"
  }
  set tops [calls_named $calls set_top]
  if {[llength $tops] != 1 || [lindex $tops 0 1] ne $top} { fail "set_top {$tops}, expected $top" }

  set srcs {}
  set tbs {}
  set cflags ""
  foreach c [calls_named $calls add_files] {
    set file [lindex $c 1]
    set is_tb 0
    if {$file eq "-tb"} { set is_tb 1; set file [lindex $c 2] }
    if {![file isfile $file]} { fail "adds $file, which does not exist" }
    set k [lsearch -exact $c -cflags]
    if {$k < 0} { fail "adds $file without -cflags" }
    set cflags [lindex $c [expr {$k + 1}]]
    if {$is_tb} { lappend tbs $file } else { lappend srcs $file }
  }
  if {[llength $srcs] == 0 || [llength $tbs] == 0} { fail "adds no source or no testbench" }
  if {[string first "-D$width_var=$w" $cflags] < 0} { fail "DATA_W=$w: cflags '$cflags' lack -D$width_var=$w" }

  if {$w == 64} {
    set defined 0
    set reads_macro 0
    foreach s $srcs {
      set text [read_file $s]
      if {[regexp "void\[ \t\n\]+$top\[ \t\n\]*\\(" $text]} { set defined 1 }
      if {[string first $width_var $text] >= 0} { set reads_macro 1 }
    }
    if {!$defined} { fail "no source defines void ${top}(...)" }
    if {!$reads_macro} { fail "the sources never read $width_var" }
  }
  # g++ in place of Vitis's clang front end: the include folders and the
  # standard the script passes must be enough for every file it adds.
  foreach s [concat $srcs $tbs] {
    if {[catch {exec $cxx -fsyntax-only -DTCPOE_HLS_STANDIN {*}$cflags $s 2>@1} out]} {
      fail "DATA_W=$w: $cxx $cflags cannot compile [file tail $s]:\n$out"
    }
  }
}

set bad [run_script {48} ""]
if {[lindex $bad 0] ne "error" || [string first $width_var [lindex $bad 1]] < 0} {
  fail "accepts DATA_W=48 (or refuses it without naming $width_var): $bad"
}
set only [run_script {64} "csim"]
if {[lindex $only 0] ne "ok"} { fail "TCPOE_HLS_STEPS=csim: [lindex $only 1]" }
set ran {}
foreach c [lindex $only 1] {
  if {[lindex $c 0] in {csim_design csynth_design cosim_design export_design}} { lappend ran [lindex $c 0] }
}
if {$ran ne {csim_design}} { fail "TCPOE_HLS_STEPS=csim runs {$ran}" }
set typo [run_script {64} "csim synth"]
if {[lindex $typo 0] ne "error"} { fail "TCPOE_HLS_STEPS='csim synth' (a typo) is not refused" }

puts "check_run_hls: $kernel ($top): 4 widths, files, top, macro, includes, steps: all hold"
exit 0

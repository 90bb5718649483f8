#!/usr/bin/env bash
# Installs the Debian bookworm packages this project needs, only those that
# are missing (quick when all are there), then configures and builds it.
# Sourced by scripts/demo.sh and scripts/test.sh; runs as root or via sudo.
set -euo pipefail

TCPOE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TCPOE_BUILD="${TCPOE_BUILD:-$TCPOE_ROOT/build}"

TCPOE_PACKAGES=(
  g++ make cmake pkg-config          # toolchain
  verilator libsystemc-dev           # RTL simulation, the SystemC/TLM DMA model
  catch2                             # tests
  libpcap-dev zlib1g-dev             # captures, FST waveforms
  libssl-dev                         # SHA-256 (libcrypto) of the data transfers
  python3 python3-scapy tshark       # independent oracles
  gtkwave                            # fst2vcd, and a viewer for the waveforms
  yosys nextpnr-ice40 fpga-icestorm iverilog  # synthesis and place & route
  iproute2                           # network namespaces for the Linux-kernel oracle
  tcl                                # runs hls/*/run_hls.tcl with Vitis's commands stubbed
)

tcpoe_install_missing() {
  local missing=()
  for p in "${TCPOE_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
}

tcpoe_build() {
  cmake -S "$TCPOE_ROOT" -B "$TCPOE_BUILD" -DCMAKE_BUILD_TYPE=Release
  cmake --build "$TCPOE_BUILD" -j "${TCPOE_JOBS:-2}"
}

tcpoe_install_missing
tcpoe_build

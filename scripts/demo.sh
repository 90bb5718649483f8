#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job: the seed's
# connect() - a TCP three-way handshake whose every segment our hardware
# builds (header builder RTL) and parses (parser RTL), each in Verilator in
# lockstep with its HLS model - against the real Linux kernel in a network
# namespace when run as root, else against the scripted peer. Then the
# checksum engine verifies every checksum of a capture scapy made. Leaves the
# captures and waveforms in out/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
out="$TCPOE_ROOT/out"
mkdir -p "$out/waves"

echo "== connect(): the three-way handshake, built and parsed by the RTL, then close"
"$TCPOE_BUILD/host/tcpoe-handshake" --peer auto --close --pcap "$out/handshake.pcap" \
  --trace-dir "$out/waves"
echo
echo "== the same capture, as tshark reads it (checksums validated)"
tshark -r "$out/handshake.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
  -o tcp.relative_sequence_numbers:FALSE 2>/dev/null
echo

echo "== the checksum engine on a capture built by scapy (two frames corrupted on purpose)"
/usr/bin/python3 "$TCPOE_ROOT/sim/traffic/sample_connection.py" "$out/connection.pcap"
"$TCPOE_BUILD/host/tcpoe-csum" --pcap "$out/connection.pcap" --data-width 64 \
  --trace "$out/waves/tcp_csum.fst"
echo "tshark's verdicts on the same frames (checksum.status: 1 good, 0 bad):"
tshark -r "$out/connection.pcap" -Y tcp -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
  -T fields -e frame.number -e ip.checksum.status -e tcp.checksum.status -E header=y \
  2>/dev/null | column -t
echo
echo "captures: $out/handshake.pcap $out/connection.pcap"
echo "waveforms: $out/waves/*.fst (gtkwave out/waves/01-syn-builder.fst)"

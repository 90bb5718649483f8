#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job: the seed's
# connect() - a TCP three-way handshake, then close - between two simulated
# hosts, each the host driver over its own simulated PCIe device (the whole
# device RTL in Verilator, whose builder and parser make and read every
# header), on a simulated wire. Then the checksum engine verifies every
# checksum of a capture scapy made. Leaves the captures, the run's figures
# and the devices' waveforms in out/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
out="$TCPOE_ROOT/out"
mkdir -p "$out/waves"

echo "== connect() and close() through the driver: two simulated hosts, each the driver over its own PCIe device"
"$TCPOE_BUILD/host/tcpoe-handshake" --close --pcap "$out/handshake.pcap" \
  --trace-dir "$out/waves" --stats-json "$out/handshake.json"
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
echo "captures: $out/handshake.pcap $out/connection.pcap; the handshake's figures: $out/handshake.json"
echo "waveforms: $out/waves/*.fst (gtkwave out/waves/a.fst: our device, b.fst: the peer's)"

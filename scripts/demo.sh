#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job. For now: the
# checksum engine (RTL in Verilator, in lockstep with the HLS model) verifies
# every checksum of a TCP connection's capture - the seed's connect(): SYN,
# SYN-ACK, ACK, data, close - built by scapy, with two frames corrupted on
# purpose. Leaves the capture and the waveform in out/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
out="$TCPOE_ROOT/out"
mkdir -p "$out"
/usr/bin/python3 "$TCPOE_ROOT/sim/traffic/sample_connection.py" "$out/connection.pcap"
echo "== the capture, as tshark reads it"
tshark -r "$out/connection.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
  -T fields -e frame.number -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport \
  -e tcp.flags.str -e tcp.seq_raw -e tcp.ack_raw -e ip.checksum.status -e tcp.checksum.status \
  -E header=y 2>/dev/null | column -t
echo "== the checksum engine on the same frames (tshark's checksum.status: 1 good, 0 bad)"
"$TCPOE_BUILD/host/tcpoe-csum" --pcap "$out/connection.pcap" --data-width 64 \
  --trace "$out/tcp_csum.fst"
echo "capture: $out/connection.pcap   waveform: $out/tcp_csum.fst (gtkwave $out/tcp_csum.fst)"

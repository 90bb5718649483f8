#!/bin/bash
# Runs one packetdrill script against libtcpoe_packetdrill.so (one simulated
# host: the driver over the PCIe model and the verilated device).
#   run_packetdrill.sh LIB.so SCRIPT.pkt [more so_flags]
# packetdrill is found through $TCPOE_PACKETDRILL, else on PATH; without it
# the test is skipped (exit 77) with the reason. packetdrill's own report
# (the expected and the actual packet, the script's line) is the output.
set -u
lib=$1 script=$2 extra=${3:-}
pd=${TCPOE_PACKETDRILL:-$(command -v packetdrill || true)}
if [ -z "$pd" ] || [ ! -x "$pd" ]; then
  echo "SKIP: packetdrill not found (set TCPOE_PACKETDRILL or put packetdrill on PATH;" \
       "docs/conformance.md says how to build it from source)"
  exit 77
fi
# The simulated host's address and packetdrill's must be the same (its
# default local address is a random one).
local_ip=192.168.0.1
echo "$pd --so_filename=$lib --so_flags=\"local_ip=$local_ip $extra\" --local_ip=$local_ip $script"
exec "$pd" --so_filename="$lib" --so_flags="local_ip=$local_ip $extra" --local_ip="$local_ip" "$script"

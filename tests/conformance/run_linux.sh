#!/bin/bash
# Runs one of our packetdrill scripts against the Linux kernel itself: the
# independent oracle for "behaves as Linux". packetdrill runs in a network
# namespace of its own (its tun device, Linux's production settings from
# packetdrill's gtests/net/common/defaults.sh, per-namespace sysctls only),
# made and removed here; the namespace's name has this process's pid.
#   run_linux.sh SCRIPT.pkt
# Skipped (exit 77) with the reason without root, without `ip netns`, or
# without packetdrill (TCPOE_PACKETDRILL) and its source (TCPOE_PACKETDRILL_SRC).
set -u
script=$1
skip() { echo "SKIP: $*"; exit 77; }
pd=${TCPOE_PACKETDRILL:-$(command -v packetdrill || true)}
[ -n "$pd" ] && [ -x "$pd" ] || skip "packetdrill not found (TCPOE_PACKETDRILL; docs/conformance.md)"
defaults=${TCPOE_PACKETDRILL_SRC:-}/gtests/net/common/defaults.sh
[ -x "$defaults" ] || skip "packetdrill's source not found (TCPOE_PACKETDRILL_SRC): its defaults.sh sets Linux's production profile"
[ "$(id -u)" = 0 ] || skip "needs root (a network namespace and a tun device)"
[ -e /dev/net/tun ] || skip "no /dev/net/tun"
ns=tcpoe-linux-$$
ip netns add "$ns" 2>/dev/null || skip "cannot create a network namespace (ip netns add)"
work=$(mktemp -d "/tmp/tcpoe-linux-$$-XXXXXX")
cleanup() { ip netns del "$ns" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
ip netns exec "$ns" ip link set lo up
# The production profile first (errors of settings a namespace cannot
# change, such as the congestion control, are left out), then the script.
{ echo "\`$defaults 2>/dev/null\`"; cat "$script"; } > "$work/$(basename "$script")"
# The kernel runs in real time on a machine shared with other tests: 20 ms
# of tolerance (packetdrill's default is 4 ms), still well below the
# differences the scripts judge (a 40 ms delayed ACK, a probe 100 ms
# before the RTO).
echo "Linux $(uname -r), namespace $ns: $pd --local_ip=192.168.0.1 --tolerance_usecs=20000 $script (line numbers +1)"
ip netns exec "$ns" "$pd" --local_ip=192.168.0.1 --tolerance_usecs=20000 "$work/$(basename "$script")"

#!/bin/bash
# The synthesis flow's one entry point, with Debian's python3 (the python3
# first on PATH may be another installation). Examples:
#   synth/run.sh report                       # regenerate synth/REPORT.md
#   synth/run.sh check tcp_csum DATA_W=512    # one block through the checker
#   synth/run.sh ice40 tcp_csum DATA_W=64     # iCE40UP5K Fmax over 5 seeds
# Options before the command: --work DIR (logs, default /tmp/tcpoe-synth), -j N.
exec /usr/bin/python3 "$(dirname "$0")/synthflow.py" "$@"

#!/bin/sh
# Runs a command when every tool it needs is on PATH; otherwise says which
# are missing and exits 77, the code CTest reports as "skipped" (with the
# test's SKIP_RETURN_CODE 77), so a test without its tools is never left out
# or passed in silence.
#
# usage: run_if_tools.sh "WHAT TO INSTALL" TOOL... -- COMMAND [ARG...]
if [ $# -lt 3 ]; then
  echo "usage: run_if_tools.sh \"WHAT TO INSTALL\" TOOL... -- COMMAND [ARG...]" >&2
  exit 2
fi
install_hint=$1
shift
missing=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  command -v "$1" >/dev/null 2>&1 || missing="$missing $1"
  shift
done
if [ "$1" != "--" ] || [ $# -lt 2 ]; then
  echo "run_if_tools.sh: no command after --" >&2
  exit 2
fi
shift
if [ -n "$missing" ]; then
  echo "SKIPPED: needs$missing, not found on PATH ($PATH); install $install_hint"
  exit 77
fi
exec "$@"

#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$TCPOE_BUILD"
# The long randomized runs (label `long`) are for release checks, not CI.
ctest -j "${TCPOE_JOBS:-2}" --output-on-failure --timeout 1200 -LE long

#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$TCPOE_BUILD"
ctest -j "${TCPOE_JOBS:-2}" --output-on-failure --timeout 1200

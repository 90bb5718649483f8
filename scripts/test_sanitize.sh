#!/usr/bin/env bash
# The sanitizer pass: a second build tree (build-asan/, or $TCPOE_ASAN_BUILD)
# with -DTCPOE_SANITIZE=ON (AddressSanitizer and UndefinedBehaviorSanitizer),
# then the tests labelled `sanitize`: those without Verilator and a short run
# of each lockstep harness. Any finding aborts the program under test, and so
# fails its test. Run after scripts/test.sh (which installs the packages).
set -euo pipefail
TCPOE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TCPOE_ASAN_BUILD="${TCPOE_ASAN_BUILD:-$TCPOE_ROOT/build-asan}"

cmake -S "$TCPOE_ROOT" -B "$TCPOE_ASAN_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPOE_SANITIZE=ON
cmake --build "$TCPOE_ASAN_BUILD" -j "${TCPOE_JOBS:-2}"

# halt_on_error: the first finding ends the program with a non-zero status
# (UBSan's checks cannot recover either: -fno-sanitize-recover=all).
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_init_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
ctest --test-dir "$TCPOE_ASAN_BUILD" -L sanitize -j "${TCPOE_JOBS:-2}" --output-on-failure \
      --no-tests=error --timeout 900

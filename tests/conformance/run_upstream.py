#!/usr/bin/python3
"""Runs packetdrill's own scripts (gtests/net/tcp/ of its source) against
libtcpoe_packetdrill.so and prints one line per script: PASS or FAIL, and
for a failure packetdrill's first complaint. docs/conformance.md lists the
results and why.

    run_upstream.py LIB.so PACKETDRILL SCRIPT_OR_DIR...

The scripts' backtick commands (`../common/defaults.sh`, sysctl, tc) would
change the machine's own kernel settings: each becomes `true` (the line
numbers kept). Our stack's defaults are the production profile those
commands set. Each script runs in a scratch copy, with --local_ip set as
the library's (run_packetdrill.sh's)."""
import os
import re
import subprocess
import sys
import tempfile

LOCAL_IP = "192.168.0.1"


def without_commands(text):
    # A command is `...` (possibly over several lines): `true` in its place,
    # its newlines kept, so a timed command event stays an event.
    return re.sub(r"`[^`]*`", lambda m: "`true`" + "\n" * m.group(0).count("\n"), text)


def scripts(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _, files in sorted(os.walk(p)):
                for f in sorted(files):
                    if f.endswith(".pkt"):
                        yield os.path.join(root, f)
        else:
            yield p


def main():
    lib, packetdrill, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix=f"tcpoe-upstream-{os.getpid()}-") as scratch:
        for script in scripts(paths):
            copy = os.path.join(scratch, os.path.basename(script))
            with open(script, encoding="utf-8", errors="replace") as f:
                text = without_commands(f.read())
            with open(copy, "w", encoding="utf-8") as f:
                f.write(text)
            try:
                r = subprocess.run([packetdrill, f"--so_filename={lib}", f"--so_flags=local_ip={LOCAL_IP} wait_limit=20",
                                    f"--local_ip={LOCAL_IP}", copy],
                                   capture_output=True, text=True, timeout=120)
                out = (r.stdout + r.stderr).strip().splitlines()
                ok = r.returncode == 0
            except subprocess.TimeoutExpired:
                out, ok = ["timed out after 120 s of wall-clock time"], False
            name = os.path.relpath(script, os.path.commonpath(paths) if len(paths) > 1 else os.path.dirname(paths[0].rstrip("/")))
            if ok:
                passed += 1
                print(f"PASS {name}")
            else:
                failed += 1
                why = next((l for l in out if "error" in l or "tcpoe_packetdrill" in l), out[0] if out else "")
                print(f"FAIL {name}: {why.replace(copy, os.path.basename(script))}")
            sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Compares our struct packetdrill_interface (host/packetdrill/packetdrill_interface.h)
with packetdrill's (gtests/net/packetdrill/packetdrill.h under TCPOE_PACKETDRILL_SRC):
the same fields, in the same order, each a data pointer or a function pointer
with the same number of parameters. Exit 0: they agree; 1: they differ (each
difference printed); 77: packetdrill's source is not here (skipped, with why)."""
import os
import re
import sys

SKIP = 77


def fields(path):
    """[(name, kind, parameter count)] of struct packetdrill_interface in `path`."""
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    body = re.search(r"struct\s+packetdrill_interface\s*\{(.*?)\};", text, flags=re.S)
    if not body:
        raise SystemExit(f"{path}: no struct packetdrill_interface found")
    out = []
    for decl in body.group(1).split(";"):
        decl = " ".join(decl.split())
        if not decl:
            continue
        fn = re.match(r"(.+?)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)$", decl)
        if fn:
            params = [p for p in fn.group(3).split(",") if p.strip()]
            out.append((fn.group(2), "function", len(params)))
            continue
        data = re.match(r"(.+?)(\w+)$", decl)
        if not data:
            raise SystemExit(f"{path}: cannot read the field '{decl}'")
        out.append((data.group(2), "data", 0))
    return out


def main():
    ours_path = sys.argv[1]
    src = os.environ.get("TCPOE_PACKETDRILL_SRC", "")
    theirs_path = os.path.join(src, "gtests/net/packetdrill/packetdrill.h") if src else ""
    if not src or not os.path.isfile(theirs_path):
        print("SKIP: packetdrill's source not found: set TCPOE_PACKETDRILL_SRC to a clone of "
              "github.com/google/packetdrill (docs/conformance.md)"
              + (f"; {theirs_path} does not exist" if src else ""))
        return SKIP
    ours, theirs = fields(ours_path), fields(theirs_path)
    print(f"ours: {len(ours)} fields ({ours_path}); packetdrill's: {len(theirs)} ({theirs_path})")
    bad = 0
    for i in range(max(len(ours), len(theirs))):
        a = ours[i] if i < len(ours) else None
        b = theirs[i] if i < len(theirs) else None
        if a != b:
            print(f"field {i}: ours {a}, packetdrill's {b}")
            bad += 1
    print("the same fields in the same order" if not bad else f"{bad} fields differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Checks the project's one-way layering (docs/architecture.md):

    host -> driver -> sim -> rtl, hls -> wire

A folder may use the folders below it in LAYERS, or its own, never one above
it; folders not in LAYERS (tests/, bench/, synth/, ...) sit on top of all of
them, so no layered folder may use them either. Three checks, each its own
subcommand so CTest reports them apart:

  includes  every #include / `include of a project file, in every source of a
            layered folder, resolves to the same or a lower layer;
  links     every project target a layered folder's CMakeLists.txt names
            (target_link_libraries, a helper function's LIB argument, a
            generator expression) is defined in the same or a lower layer;
  headers   every public header of a layer compiles alone, with only the
            include folders of that layer and the layers below it;
  selftest  the first two checks, run on a small tree with one planted
            violation of each kind, must find both (and nothing else).

usage: check_layering.py includes|links ROOT
       check_layering.py headers ROOT CXX
       check_layering.py selftest
Exit status 0 when everything holds; otherwise every violation on stderr, 1.
"""

import os
import re
import subprocess
import sys
import tempfile

# Top to bottom; folders on one row are one layer.
LAYERS = [
    ("host",),
    ("driver",),
    ("sim",),
    ("rtl", "hls"),
    ("wire",),
]
RANK = {folder: rank for rank, row in enumerate(LAYERS) for folder in row}
ABOVE_ALL = -1  # tests/, bench/, synth/, scripts/: may use every layer

# The public headers of a layer and what they may see: (folder with the
# headers, include folders relative to the root, extra compiler flags).
# TCPOE_HLS_STANDIN: the kernels compile here against the project's stand-ins
# for Vitis's headers, as in C-simulation.
PUBLIC_HEADERS = [
    ("wire/include", ["wire/include"], []),
    ("hls/include", ["hls/include", "wire/include"], ["-DTCPOE_HLS_STANDIN"]),
    ("hls/csum", ["hls/include", "wire/include", "hls/csum"], ["-DTCPOE_HLS_STANDIN"]),
    ("hls/builder", ["hls/include", "wire/include", "hls/builder"], ["-DTCPOE_HLS_STANDIN"]),
    ("hls/parser", ["hls/include", "wire/include", "hls/csum", "hls/parser"],
     ["-DTCPOE_HLS_STANDIN"]),
    # The device layer programs the device through the host interface alone
    # (sim/pcie/include/tcpoe/pcie/host_interface.h, no SystemC).
    ("driver/include", ["driver/include", "sim/pcie/include", "wire/include"], []),
]

SOURCE_EXT = (".h", ".hpp", ".c", ".cc", ".cpp", ".sv", ".svh", ".v", ".vh")
HEADER_EXT = (".h", ".hpp")
SKIP_DIRS = {".git", "__pycache__"}
INCLUDE_RE = re.compile(r'^\s*(?:#\s*include|`include)\s*[<"]([^>"]+)[>"]', re.M)


def rank_of(folder):
    return RANK.get(folder, ABOVE_ALL)


def layer_name(folder):
    return folder + "/" if folder in RANK else folder + "/ (above every layer)"


def is_build_dir(root, dirpath, name):
    return os.path.isfile(os.path.join(dirpath, name, "CMakeCache.txt"))


def walk(root, top=None):
    """Every file under root (or root/top), build trees and .git left out."""
    start = os.path.join(root, top) if top else root
    for dirpath, dirnames, filenames in os.walk(start):
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS and not is_build_dir(root, dirpath, d))
        for f in sorted(filenames):
            yield os.path.relpath(os.path.join(dirpath, f), root)


def top_folder(relpath):
    return relpath.split(os.sep, 1)[0]


def resolve_include(root, including, name, by_suffix):
    """The folders (top level) that may own the included file; empty when it
    is not a file of the project (a system or a generated header)."""
    m = re.match(r"tcpoe/([^/]+)/", name)
    if m and m.group(1) in RANK:
        return {m.group(1)}  # tcpoe/<layer>/...: owned by that layer, present or not
    beside = os.path.normpath(os.path.join(os.path.dirname(including), name))
    if os.path.isfile(os.path.join(root, beside)):
        return {top_folder(beside)}
    return {top_folder(p) for p in by_suffix.get(os.path.basename(name), [])
            if p.endswith(os.sep + name) or p == name}


def check_includes(root):
    files = list(walk(root))
    by_suffix = {}
    for p in files:
        by_suffix.setdefault(os.path.basename(p), []).append(p)
    problems = []
    for p in files:
        folder = top_folder(p)
        if folder not in RANK or not p.endswith(SOURCE_EXT):
            continue
        with open(os.path.join(root, p), encoding="utf-8", errors="replace") as f:
            text = f.read()
        for m in INCLUDE_RE.finditer(text):
            owners = resolve_include(root, p, m.group(1), by_suffix)
            if owners and all(rank_of(o) < rank_of(folder) for o in owners):
                line = text.count("\n", 0, m.start()) + 1
                owner = sorted(owners)[0]
                problems.append(f"{p}:{line}: includes {m.group(1)} of {layer_name(owner)},"
                                f" a layer above {folder}/")
    return problems


def cmake_files(root):
    return [p for p in walk(root) if os.path.basename(p) == "CMakeLists.txt"]


def cmake_text(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return re.sub(r"#[^\n]*", "", f.read())  # comments out


def check_links(root):
    defined = {}  # target name (and alias) -> folder defining it
    for p in cmake_files(root):
        for m in re.finditer(r"add_(?:library|executable)\s*\(\s*([\w:.-]+)",
                             cmake_text(root, p)):
            defined[m.group(1)] = top_folder(p)
    problems = []
    for p in cmake_files(root):
        folder = top_folder(p)
        if folder not in RANK:
            continue
        text = cmake_text(root, p)
        for m in re.finditer(r"[\w:.-]+", text):
            owner = defined.get(m.group(0))
            if owner is not None and rank_of(owner) < rank_of(folder):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{p}:{line}: uses {m.group(0)}, a target of"
                                f" {layer_name(owner)}, a layer above {folder}/")
    return problems


def check_headers(root, cxx):
    problems = []
    count = 0
    for folder, includes, flags in PUBLIC_HEADERS:
        for p in walk(root, folder):
            if not p.endswith(HEADER_EXT):
                continue
            count += 1
            cmd = [cxx, "-std=c++17", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                   "-Wno-unknown-pragmas", *flags]
            cmd += ["-I" + os.path.join(root, d) for d in includes]
            cmd += ["-x", "c++", "-"]  # a file that includes the header and nothing else
            r = subprocess.run(cmd, input=f'#include "{os.path.abspath(os.path.join(root, p))}"\n',
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode != 0:
                problems.append(f"{p} does not compile alone with -I {' -I '.join(includes)}:\n"
                                + r.stdout.strip())
    if count == 0:
        problems.append("no public header found: is ROOT the repository?")
    return problems


def selftest():
    """Plants one include and one link running up, and a legal one of each."""
    files = {
        "wire/include/tcpoe/wire/a.h": '#include <cstdint>\n#include "tcpoe/hls/types.h"\n',
        "wire/include/tcpoe/wire/b.h": '#include "a.h"\n',
        "wire/CMakeLists.txt": "add_library(tcpoe_wire INTERFACE)\n"
                               "add_library(tcpoe::wire ALIAS tcpoe_wire)\n"
                               "# tcpoe::hls in a comment is no use\n"
                               "target_link_libraries(tcpoe_wire INTERFACE tcpoe::hls)\n",
        "hls/include/tcpoe/hls/types.h": '#include "tcpoe/wire/a.h"\n',
        "hls/CMakeLists.txt": "add_library(tcpoe_hls INTERFACE)\n"
                              "add_library(tcpoe::hls ALIAS tcpoe_hls)\n"
                              "target_link_libraries(tcpoe_hls INTERFACE tcpoe::wire)\n",
        "sim/x.cpp": '#include "tcpoe/hls/types.h"\n#include "helper.h"\n',
        "tests/helper.h": "\n",
    }
    with tempfile.TemporaryDirectory() as root:
        for path, text in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                f.write(text)
        found = check_includes(root) + check_links(root)
    want = ["wire/include/tcpoe/wire/a.h:2: includes tcpoe/hls/types.h",
            "sim/x.cpp:2: includes helper.h of tests/",
            "wire/CMakeLists.txt:4: uses tcpoe::hls"]
    problems = [f"planted violation not found: {w}" for w in want
                if not any(f.startswith(w) for f in found)]
    problems += [f"reported without cause: {f}" for f in found
                 if not any(f.startswith(w) for w in want)]
    return problems


def main(argv):
    checks = {"includes": (check_includes, 3), "links": (check_links, 3),
              "headers": (check_headers, 4), "selftest": (selftest, 2)}
    if len(argv) < 2 or argv[1] not in checks or len(argv) != checks[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    fn, _ = checks[argv[1]]
    problems = fn(*argv[2:])
    for p in problems:
        print(f"layering: {p}", file=sys.stderr)
    if problems:
        return 1
    if argv[1] == "selftest":
        print("layering: selftest: each planted violation found, nothing else")
    else:
        print(f"layering: {argv[1]}: the layers {' -> '.join('/'.join(r) for r in LAYERS)} hold")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

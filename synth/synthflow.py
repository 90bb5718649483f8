#!/usr/bin/python3
"""Synthesis flow for the RTL blocks: yosys synth_xilinx resource counts with a
warning checker, and iCE40UP5K place-and-route Fmax over several seeds.

Run through synth/run.sh (which uses Debian's /usr/bin/python3). Commands:

  report                 every block of synth/blocks.txt: writes synth/REPORT.md
  check BLOCK PARAMS     synth_xilinx one block at one parameter set; exit 0 if
                         the checker finds no real problem, 1 if it does, 77 if
                         the block is not yet in rtl/
  check-files FILES...   the same on explicit files (--top, --param); with
                         --expect CATEGORY, exit 0 only if the checker rejects
                         the design for that reason (the checker's self-test)
  ice40 BLOCK PARAMS     place and route one block on the iCE40UP5K, print Fmax
  list-tests             the CTest tests synth/CMakeLists.txt registers

Only the standard library; no network. See docs/synthesis.md.
"""

import argparse
import concurrent.futures
import functools
import glob
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys

SYNTH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(SYNTH_DIR)
RTL_DIR = os.path.join(REPO, "rtl")
TABLE = os.path.join(SYNTH_DIR, "blocks.txt")
DEFAULT_WORK = os.path.join(os.environ.get("TMPDIR", "/tmp"), "tcpoe-synth")

YOSYS = os.environ.get("YOSYS", "yosys")
NEXTPNR = os.environ.get("NEXTPNR_ICE40", "nextpnr-ice40")

XILINX_SYNTH = "synth_xilinx -family xc7 -flatten -noiopad -noclkbuf"

# The iCE40 part: the iCEBreaker's iCE40UP5K-SG48. The target frequency only
# steers nextpnr's timing-driven placement; Fmax is what the routed design
# achieves, whether or not it meets the target.
ICE40_DEVICE = "up5k"
ICE40_PACKAGE = "sg48"
ICE40_LCS = 5280
ICE40_EBR = 30
# Other iCE40 parts the functions below take (device=...), for comparisons
# with published figures: nextpnr's device flag -> (synth_ice40 -device,
# package, logic cells, EBR).
ICE40_PARTS = {
    "up5k": ("u", ICE40_PACKAGE, ICE40_LCS, ICE40_EBR),
    "hx8k": ("hx", "ct256", 7680, 32),
}
ICE40_TARGET_MHZ = 100.0
ICE40_SEEDS = 5

# ----------------------------------------------------------------------------
# The warning checker. Each pattern was chosen by provoking it with a small bad
# module under yosys 0.23 (synth/selftest/ keeps the ones the tests use).
CHECKS = [
    # Any yosys error, e.g. a latch in always_comb, a missing module, bad syntax.
    ("error", re.compile(r"^ERROR:")),
    # proc_dlatch: "Latch inferred for signal ..." (an ERROR in always_comb, a
    # plain log line in always @*). Its negative is "No latch inferred".
    ("latch", re.compile(r"(^|ERROR: )Latch inferred for signal")),
    # check: two drivers on one wire (assign+assign, two always_ff, two cells);
    # a variable both assigned continuously and in a process.
    ("multiple-drivers", re.compile(
        r"multiple conflicting drivers|Driver-driver conflict|"
        r"is assigned in a continuous assignment")),
    # Width truncation yosys can see: a port connected to a wire of another
    # width, a literal wider than its declared size, selects past the end.
    ("width", re.compile(
        r"Resizing cell port|Literal has a width of|out of bounds on signal|"
        r"select out of bounds|Addressing out of bounds")),
    ("undriven", re.compile(r"is used but has no driver")),
    ("logic-loop", re.compile(r"found logic loop|logic loop in mux tree")),
    ("implicit-net", re.compile(r"is implicitly declared")),
]
# Cells that are latches, whatever message (or none) produced them.
LATCH_CELLS = re.compile(r"^(LDCE|LDPE|LDCPE|\$_DLATCH.*|\$dlatch.*|\$adlatch|\$_SR_.*|\$sr)$")
WARNING_LINE = re.compile(r"^(.*\b)?Warning: ")
# Logged once the design is elaborated (hierarchy, with the vendor cells known).
ELABORATED = "TCPOE-SYNTH: elaborated"
TOOL_RESIZE = re.compile(r"Resizing cell port")
# Harmless and not about the design: ABC's remark on a netlist without FFs.
BENIGN = re.compile(r"^ABC: Warning: The network is combinational")


def check_log(log_text, cells):
    """Return (problems, other_warnings): problems is a list of (category,
    line) the checker rejects; other_warnings the remaining distinct
    'Warning:' lines, which are reported but do not fail.

    Port resizing is judged only up to the ELABORATED marker line: after it,
    yosys's own technology mapping resizes ports of the vendor cells it
    instantiates (e.g. RAMB36E1 address ports), which says nothing about the
    RTL."""
    problems, others, seen = [], [], set()
    elaborated = False
    for line in log_text.splitlines():
        line = line.rstrip()
        if line == ELABORATED:
            elaborated = True
        if line in seen:
            continue  # yosys repeats its warnings in a summary at the end
        if elaborated and TOOL_RESIZE.search(line):
            seen.add(line)
            continue
        hit = False
        for category, pattern in CHECKS:
            if pattern.search(line):
                problems.append((category, line))
                hit = True
        if hit:
            seen.add(line)
        elif WARNING_LINE.match(line) and not BENIGN.match(line):
            seen.add(line)
            others.append(line)
    for cell, n in sorted(cells.items()):
        if LATCH_CELLS.match(cell):
            problems.append(("latch", f"{n} latch cell(s) of type {cell} in the netlist"))
    return problems, others


# ----------------------------------------------------------------------------
# The table of blocks.
class Block:
    def __init__(self, name, top, sources, xilinx, ice40):
        self.name, self.top, self.sources = name, top, sources
        self.xilinx, self.ice40 = xilinx, ice40

    def top_file(self):
        return os.path.join(RTL_DIR, self.top + ".sv")

    def missing(self):
        """The files this block needs that are not in rtl/ yet."""
        need = [self.top_file()]
        if self.sources != "*":
            need += [os.path.join(RTL_DIR, s) for s in self.sources]
        return [os.path.relpath(f, REPO) for f in dict.fromkeys(need) if not os.path.isfile(f)]

    def files(self):
        pkgs = rtl_packages()
        if self.sources == "*":
            mods = [f for f in sorted(glob.glob(os.path.join(RTL_DIR, "*.sv"))) if f not in pkgs]
        else:
            mods = [os.path.join(RTL_DIR, s) for s in self.sources]
        return pkgs + mods


def rtl_packages():
    return sorted(glob.glob(os.path.join(RTL_DIR, "*_pkg.sv")))


def parse_params(text):
    """'DATA_W=64,FOO=2' -> [('DATA_W', '64'), ('FOO', '2')]; '' or '-' -> []."""
    if text in ("", "-"):
        return []
    out = []
    for pair in text.split(","):
        name, sep, value = pair.partition("=")
        if not sep or not name or not value:
            raise ValueError(f"bad parameter '{pair}' (want NAME=VALUE)")
        out.append((name.strip(), value.strip()))
    return out


def params_str(params):
    return ",".join(f"{n}={v}" for n, v in params) or "-"


def parse_sets(text):
    return [] if text == "-" else [parse_params(s) for s in text.split("|")]


def read_table(path=None):
    path = path or TABLE
    blocks = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            cols = line.split()
            if len(cols) != 5:
                raise SystemExit(f"{path}:{lineno}: want 5 columns, got {len(cols)}")
            name, top, sources, xilinx, ice40 = cols
            srcs = "*" if sources == "*" else sources.split(",")
            blocks.append(Block(name, top, srcs, parse_sets(xilinx), parse_sets(ice40)))
    return blocks


def find_block(name):
    for b in read_table():
        if name in (b.name, b.top):
            return b
    raise SystemExit(f"no block '{name}' in {os.path.relpath(TABLE, REPO)}")


# ----------------------------------------------------------------------------
# Running the tools.
# Reuse of earlier results (report and bench only, --fresh to disable): a run
# is skipped when its script, its input files' contents and the tool's version
# are those of the last successful run in the same work folder. yosys and
# nextpnr (fixed seed, one thread) are deterministic, so the numbers are the
# same; re-running the report after editing one block re-synthesizes that block.
USE_CACHE = False


def _run_key(parts, inputs):
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() + b"\0")
    for f in inputs:
        h.update(f.encode() + b"\0")
        with open(f, "rb") as fh:
            h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()


def _cached(keyfile, key, outputs):
    if not USE_CACHE or not all(os.path.exists(o) for o in outputs):
        return False
    try:
        return open(keyfile).read() == key
    except OSError:
        return False


@functools.lru_cache(maxsize=None)
def tool_version(tool, flag):
    return subprocess.run([tool, flag], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True).stdout.strip()


def run_yosys(script, workdir, tag, timeout=3600):
    """Run a yosys script; return (returncode, full log text)."""
    os.makedirs(workdir, exist_ok=True)
    ys = os.path.join(workdir, tag + ".ys")
    log = os.path.join(workdir, tag + ".log")
    text = "\n".join(script) + "\n"
    inputs = sorted({t for t in re.split(r"\s+", text)
                     if t.endswith((".sv", ".v")) and os.path.isfile(t)})
    outputs = [log] + [t for t in re.split(r"\s+", text) if t.endswith(".json")]
    keyfile = os.path.join(workdir, tag + ".key")
    key = _run_key([tool_version(YOSYS, "-V"), text], inputs)
    if _cached(keyfile, key, outputs):
        return 0, open(log).read()
    with open(ys, "w") as f:
        f.write(text)
    for stale in (log, keyfile):
        if os.path.exists(stale):
            os.remove(stale)
    proc = subprocess.run([YOSYS, "-q", "-l", log, "-s", ys], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=timeout)
    text = open(log).read() if os.path.exists(log) else ""
    if proc.returncode != 0 and proc.stdout and proc.stdout not in text:
        text += proc.stdout
    if proc.returncode == 0:
        with open(keyfile, "w") as f:
            f.write(key)
    return proc.returncode, text


def read_script(files, top, params):
    script = ["read_verilog -sv " + " ".join(files)]
    for name, value in params:
        script.append(f"chparam -set {name} {value} {top}")
    return script


def tag_of(top, params, flow):
    p = params_str(params).replace(",", "_").replace("=", "")
    return f"{flow}_{top}_{p}" if params else f"{flow}_{top}"


# Xilinx cell types, counted in the sites they occupy.
LUTRAM_SITES = {"RAM32M": 4, "RAM64M": 4, "RAM32M16": 8, "RAM64M8": 8, "RAM32X1D": 2,
                "RAM64X1D": 2, "RAM128X1D": 4, "RAM256X1D": 8, "RAM32X1S": 1, "RAM64X1S": 1,
                "RAM128X1S": 2, "RAM256X1S": 4, "SRL16E": 1, "SRLC16E": 1, "SRLC32E": 1}


def xilinx_summary(cells):
    def count(pattern):
        return sum(n for c, n in cells.items() if re.fullmatch(pattern, c))
    return {
        "LUT": count(r"LUT[1-6]|INV"),
        "LUTRAM": sum(LUTRAM_SITES.get(c, 0) * n for c, n in cells.items()),
        "FF": count(r"FD[RSCP]E(_1)?"),
        "CARRY4": count(r"CARRY4"),
        "MUXF7": count(r"MUXF7"),
        "MUXF8": count(r"MUXF8"),
        "RAMB18": count(r"RAMB18E1"),
        "RAMB36": count(r"RAMB36E1"),
        "DSP48": count(r"DSP48E1"),
    }


def synth_xilinx(files, top, params, workdir, options="", full=True):
    """yosys synth_xilinx of one design: a dict with the resource summary, the
    checker's verdict and the log's path. options: extra synth_xilinx flags.

    full=False runs only the front of synth_xilinx, up to the first `check` of
    its `prepare` step (cell library and hierarchy, proc, flatten, opt_expr,
    opt_clean, check): every warning the checker looks for arises there, in
    seconds even for the large blocks; but no resource counts come out."""
    flow = XILINX_SYNTH + (" " + options if options else "")
    tag = tag_of(top, params, "xc7") + options.replace(" ", "").replace("-", "_")
    if not full:
        tag += "_front"
    stat = os.path.join(workdir, tag + ".stat.json")
    script = read_script(files, top, params) + [
        f"{flow} -top {top} -run begin:prepare",
        f"log {ELABORATED}",
    ]
    if full:
        script += [f"{flow} -top {top} -run prepare:"]
    else:
        script += ["proc", "flatten", "opt_expr", "opt_clean", "check"]
    script += [f"tee -q -o {stat} stat -json"]
    rc, log = run_yosys(script, workdir, tag)
    cells = {}
    if rc == 0 and os.path.exists(stat):
        data = json.load(open(stat))
        cells = data.get("design", {}).get("num_cells_by_type", {})
    problems, others = check_log(log, cells)
    if rc != 0 and not any(c == "error" for c, _ in problems):
        problems.append(("error", f"yosys exited with status {rc}"))
    return {"top": top, "params": params, "cells": cells,
            "summary": xilinx_summary(cells) if full else None,
            "problems": problems, "others": others, "log": os.path.join(workdir, tag + ".log")}


def design_ports(files, top, params, workdir):
    """[(name, direction, width)] of the top module, in declaration order."""
    tag = tag_of(top, params, "ports")
    out = os.path.join(workdir, tag + ".json")
    rc, log = run_yosys(read_script(files, top, params) +
                        [f"hierarchy -top {top}", "proc", f"write_json {out}"], workdir, tag)
    if rc != 0:
        raise RuntimeError(f"yosys could not elaborate {top}: see {workdir}/{tag}.log")
    mods = json.load(open(out))["modules"]
    mod = next(m for n, m in mods.items() if n == top or n.endswith("\\" + top) or top in n)
    ports = mod["ports"]
    return [(n, p["direction"], len(p["bits"])) for n, p in ports.items()]


def harness_verilog(top, params, ports, clock="clk"):
    """A wrapper that registers every input and output of the block, so that
    every path nextpnr times is register to register and the design fits the
    SG48's pins: inputs come from a shift register fed by one pin, outputs are
    loaded into a shift register read out on one pin."""
    ins = [(n, w) for n, d, w in ports if d == "input" and n != clock]
    outs = [(n, w) for n, d, w in ports if d == "output"]
    if not any(n == clock and d == "input" for n, d, _ in ports):
        raise RuntimeError(f"{top} has no input named {clock}")
    nin = max(2, sum(w for _, w in ins))
    nout = max(2, sum(w for _, w in outs))
    conns, pos = [f"    .{clock}(clk)"], 0
    for n, w in ins:
        conns.append(f"    .{n}(in_sr[{pos + w - 1}:{pos}])")
        pos += w
    pos = 0
    for n, w in outs:
        conns.append(f"    .{n}(out_w[{pos + w - 1}:{pos}])")
        pos += w
    plist = ", ".join(f".{n}({v})" for n, v in params)
    inst = f"  {top} #({plist}) dut (\n" if params else f"  {top} dut (\n"
    return (
        "// Generated by synth/synthflow.py: the timing harness of "
        f"{top} {params_str(params)}.\n"
        "module synth_harness (input wire clk, input wire sin, input wire load,\n"
        "                      output wire sout);\n"
        f"  reg  [{nin - 1}:0] in_sr;\n"
        f"  wire [{nout - 1}:0] out_w;\n"
        f"  reg  [{nout - 1}:0] out_sr;\n"
        f"  always @(posedge clk) in_sr <= {{in_sr[{nin - 2}:0], sin}};\n"
        f"  always @(posedge clk) out_sr <= load ? out_w : {{out_sr[{nout - 2}:0], 1'b0}};\n"
        f"  assign sout = out_sr[{nout - 1}];\n"
        + inst + ",\n".join(conns) + "\n  );\n"
        "endmodule\n"
    ), nin + nout


def ice40_prepare(files, top, params, workdir, device=ICE40_DEVICE):
    """Synthesize the harnessed block for the UP5K (or another part of
    ICE40_PARTS); returns the netlist path, the harness's flip-flop count and
    the synthesis checker's verdict."""
    synth_device, package, max_lcs, max_ebr = ICE40_PARTS[device]
    ports = design_ports(files, top, params, workdir)
    text, harness_ffs = harness_verilog(top, params, ports)
    tag = tag_of(top, params, "ice40" if device == ICE40_DEVICE else "ice40" + device)
    hv = os.path.join(workdir, tag + "_harness.v")
    with open(hv, "w") as f:
        f.write(text)
    net = os.path.join(workdir, tag + ".json")
    stat = os.path.join(workdir, tag + ".stat.json")
    script = read_script(files, top, params) + [
        f"read_verilog {hv}",
        f"synth_ice40 -device {synth_device} -top synth_harness -json {net}",
        f"tee -q -o {stat} stat -json",
    ]
    rc, log = run_yosys(script, workdir, tag)
    problems, _ = check_log(log, {})
    if rc != 0:
        raise RuntimeError(f"synth_ice40 failed: see {workdir}/{tag}.log")
    cells = json.load(open(stat))["design"]["num_cells_by_type"]
    luts = cells.get("SB_LUT4", 0)
    ffs = sum(n for c, n in cells.items() if c.startswith("SB_DFF"))
    ebr = sum(n for c, n in cells.items() if c.startswith("SB_RAM40"))
    nofit = None
    if luts > max_lcs or ffs > max_lcs or ebr > max_ebr:
        nofit = (f"does not fit the {device.upper()}: {luts} LUT4, {ffs} flip-flops, {ebr} EBR "
                 f"(harness included) for {max_lcs} logic cells and {max_ebr} EBR")
    return {"net": net, "harness_ffs": harness_ffs, "tag": tag, "device": device,
            "problems": problems,
            "nofit": nofit}


def nextpnr_run(net, workdir, tag, seed, freq=ICE40_TARGET_MHZ, pcf=None, asc=None,
                device=ICE40_DEVICE):
    """One place and route; returns (fmax MHz of the clock, LCs used, log path)."""
    rep = os.path.join(workdir, f"{tag}_seed{seed}.report.json")
    log = os.path.join(workdir, f"{tag}_seed{seed}.pnr.log")
    cmd = [NEXTPNR, "--" + device, "--package", ICE40_PARTS[device][1], "--json", net,
           "--freq", str(freq), "--seed", str(seed), "--report", rep, "--threads", "1",
           "--timing-allow-fail", "-q", "-l", log]
    if pcf:
        cmd += ["--pcf", pcf]
    if asc:
        cmd += ["--asc", asc]
    keyfile = os.path.join(workdir, f"{tag}_seed{seed}.key")
    key = _run_key([tool_version(NEXTPNR, "--version")] + cmd, [net] + ([pcf] if pcf else []))
    if _cached(keyfile, key, [rep, log]):
        return _nextpnr_result(rep, log)
    for stale in (rep, keyfile):
        if os.path.exists(stale):
            os.remove(stale)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=1800)
    if proc.returncode != 0:
        errs = [l for l in open(log).read().splitlines() if l.startswith("ERROR:")] if \
            os.path.exists(log) else []
        raise RuntimeError(f"nextpnr-ice40 failed (seed {seed}): "
                           f"{errs[-1] if errs else 'exit ' + str(proc.returncode)}; see {log}")
    with open(keyfile, "w") as f:
        f.write(key)
    return _nextpnr_result(rep, log)


def _nextpnr_result(rep, log):
    data = json.load(open(rep))
    fmax = [v["achieved"] for k, v in data.get("fmax", {}).items() if "clk" in k]
    if not fmax:
        fmax = [v["achieved"] for v in data.get("fmax", {}).values()]
    util = data.get("utilization", {})
    lcs = util.get("ICESTORM_LC", {}).get("used")
    ebr = util.get("ICESTORM_RAM", {}).get("used")
    return min(fmax), lcs, ebr, log


def ice40_submit(pool, prepared, workdir, seeds):
    """Start one place and route per seed 1..seeds; returns the futures."""
    if prepared.get("nofit") or prepared.get("error"):
        return []
    return [pool.submit(nextpnr_run, prepared["net"], workdir, prepared["tag"], s,
                        device=prepared.get("device", ICE40_DEVICE))
            for s in range(1, seeds + 1)]


def ice40_collect(prepared, futures):
    """The Fmax statistics over the seeds, or {"error": why} if there are none."""
    if prepared.get("nofit") or prepared.get("error"):
        return {"error": prepared.get("nofit") or prepared.get("error")}
    try:
        runs = [f.result() for f in futures]
    except Exception as e:  # noqa: BLE001 - any failure becomes a line of the report
        return {"error": str(e)}
    fmax = [r[0] for r in runs]
    return {"fmax": fmax, "median": statistics.median(fmax), "min": min(fmax),
            "max": max(fmax), "lcs": runs[0][1], "ebr": runs[0][2],
            "harness_ffs": prepared["harness_ffs"]}


def ice40_fmax(pool, prepared, workdir, seeds):
    return ice40_collect(prepared, ice40_submit(pool, prepared, workdir, seeds))


def tool_versions():
    y = subprocess.run([YOSYS, "-V"], stdout=subprocess.PIPE, text=True).stdout.strip()
    n = subprocess.run([NEXTPNR, "--version"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True).stdout.strip()
    n = n.replace("nextpnr-ice40 -- Next Generation Place and Route ", "nextpnr-ice40 ")
    return y, n


def data_bytes(params):
    for n, v in params:
        if n == "DATA_W" and v.isdigit():
            return int(v) // 8
    return None


def verdict(problems):
    if not problems:
        return "clean"
    return "**REJECTED: " + ", ".join(dict.fromkeys(c for c, _ in problems)) + "**"


# ----------------------------------------------------------------------------
# Commands.
def result_or_error(future):
    try:
        return future.result()
    except Exception as e:  # noqa: BLE001 - any failure becomes a line of the report
        return {"error": str(e)}


def cmd_report(args):
    global USE_CACHE
    USE_CACHE = not args.fresh
    blocks = read_table()
    work = args.work
    os.makedirs(work, exist_ok=True)
    xjobs, ijobs = [], []
    if args.only:
        blocks = [b for b in blocks if b.name in args.only or b.top in args.only]
    present = [b for b in blocks if not b.missing()]

    def weight(job):  # the longest jobs first: more source, wider datapath
        b, p = job
        return -sum(os.path.getsize(f) for f in b.files()) * (data_bytes(p) or 8)

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for b, p in sorted(((b, p) for b in present for p in b.ice40), key=weight):
            ijobs.append((b, p, pool.submit(ice40_prepare, b.files(), b.top, p, work)))
        for b, p in sorted(((b, p) for b in present for p in b.xilinx), key=weight):
            xjobs.append((b, p, pool.submit(synth_xilinx, b.files(), b.top, p, work)))
        xres = {(b.name, params_str(p)): result_or_error(f) for b, p, f in xjobs}
        # All seeds of all blocks in one queue, so both cores stay busy.
        seeds = [(b, p, result_or_error(f)) for b, p, f in ijobs]
        seeds = [(b, p, prep, ice40_submit(pool, prep, work, args.seeds)) for b, p, prep in seeds]
        ires = {(b.name, params_str(p)): ice40_collect(prep, futs) for b, p, prep, futs in seeds}

    ver_y, ver_n = tool_versions()
    L = []
    L.append("# Synthesis report")
    L.append("")
    L.append("Generated by `synth/run.sh report` (or `cmake --build <build> --target "
             "synth-report`) from the blocks listed in `synth/blocks.txt`; do not edit by "
             "hand. What each number means: `docs/synthesis.md`.")
    L.append("")
    L.append(f"Tools: {ver_y}; {ver_n}.")
    L.append("")
    L.append("## Xilinx 7-series: `yosys " + XILINX_SYNTH + "`")
    L.append("")
    L.append("LUT counts LUT1..LUT6 (and INV); LUTRAM counts the LUT sites of distributed "
             "RAM and SRLs; LUT/byte is (LUT + LUTRAM) / (DATA_W / 8). The checker column "
             "is the verdict of the warning checker on the yosys log (latches, multiple "
             "drivers, width truncation, undriven or looping logic, errors).")
    L.append("")
    L.append("| block | top | parameters | LUT | LUTRAM | FF | CARRY4 | MUXF7 | MUXF8 "
             "| RAMB18 | RAMB36 | DSP48 | LUT/byte | checker |")
    L.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    notes = []
    failed = False
    for b in blocks:
        miss = b.missing()
        if miss:
            L.append(f"| {b.name} | {b.top} | not yet in rtl/ ({', '.join(miss)}) "
                     "| | | | | | | | | | | |")
            continue
        for p in b.xilinx:
            r = xres[(b.name, params_str(p))]
            if "error" in r or not r["cells"]:
                failed = True
                why = r.get("error") or verdict(r["problems"]) + f", see {r['log']}"
                L.append(f"| {b.name} | {b.top} | {params_str(p)} | {why} |" + " |" * 11)
                for c, line in r.get("problems", []):
                    notes.append(f"- {b.top} {params_str(p)}: {c}: `{line}`")
                continue
            s = r["summary"]
            nb = data_bytes(p)
            per = f"{(s['LUT'] + s['LUTRAM']) / nb:.2f}" if nb and r["cells"] else "—"
            v = verdict(r["problems"])
            failed |= bool(r["problems"])
            if r["others"]:
                v += f" ({len(r['others'])} other warning{'s' if len(r['others']) > 1 else ''})"
                notes += [f"- {b.top} {params_str(p)}: `{w}`" for w in r["others"]]
            for c, line in r["problems"]:
                notes.append(f"- {b.top} {params_str(p)}: {c}: `{line}`")
            L.append(f"| {b.name} | {b.top} | {params_str(p)} | {s['LUT']} | {s['LUTRAM']} "
                     f"| {s['FF']} | {s['CARRY4']} | {s['MUXF7']} | {s['MUXF8']} "
                     f"| {s['RAMB18']} | {s['RAMB36']} | {s['DSP48']} | {per} | {v} |")
    if notes:
        L.append("")
        L.append("Warnings:")
        L.append("")
        L += notes
    L.append("")
    L.append(f"## Lattice iCE40UP5K-SG48 (the iCEBreaker's FPGA): nextpnr-ice40, "
             f"{args.seeds} placement seeds")
    L.append("")
    L.append(f"Each block is wrapped in a harness that registers every input and output "
             f"(shift registers on three pins), so every timed path is register to register. "
             f"Seeds 1..{args.seeds}, timing-driven placement towards {ICE40_TARGET_MHZ:g} MHz; "
             f"Fmax is what the routed design achieves. LCs are logic cells of "
             f"{ICE40_LCS}, harness included (one LC per harness flip-flop).")
    L.append("")
    L.append("| block | top | parameters | Fmax median (MHz) | min | max | each seed (MHz) "
             "| LCs | of which harness | EBR |")
    L.append("|---|---|---|--:|--:|--:|---|--:|--:|--:|")
    for b in blocks:
        if not b.ice40:
            continue
        miss = b.missing()
        if miss:
            L.append(f"| {b.name} | {b.top} | not yet in rtl/ ({', '.join(miss)}) "
                     "| | | | | | | |")
            continue
        for p in b.ice40:
            r = ires[(b.name, params_str(p))]
            if "error" in r:
                L.append(f"| {b.name} | {b.top} | {params_str(p)} | {r['error']} |" + " |" * 6)
                continue
            each = " ".join(f"{x:.1f}" for x in r["fmax"])
            L.append(f"| {b.name} | {b.top} | {params_str(p)} | {r['median']:.1f} "
                     f"| {r['min']:.1f} | {r['max']:.1f} | {each} | {r['lcs']} "
                     f"| {r['harness_ffs']} | {r['ebr']} |")
    L.append("")
    text = "\n".join(L)
    if args.out and not args.only:
        with open(args.out, "w") as f:
            f.write(text)
    print(text)
    print(f"\n(logs in {work})", file=sys.stderr)
    return 1 if failed else 0


def print_check(label, r):
    s = r["summary"]
    if s:
        print(f"{label}: LUT {s['LUT']} LUTRAM {s['LUTRAM']} FF {s['FF']} CARRY4 {s['CARRY4']} "
              f"RAMB18 {s['RAMB18']} RAMB36 {s['RAMB36']} DSP48 {s['DSP48']}")
    else:
        print(f"{label}: front of synth_xilinx (to its first check); --full for resources")
    for w in r["others"]:
        print(f"  other warning (allowed): {w}")
    for c, line in r["problems"]:
        print(f"  REJECT [{c}] {line}")
    print(f"  log: {r['log']}")
    print(f"{label}: {'clean' if not r['problems'] else 'REJECTED'}")


def cmd_check(args):
    b = find_block(args.block)
    miss = b.missing()
    if miss:
        print(f"{b.top}: not yet in rtl/ ({', '.join(miss)}); skipped")
        return 77
    params = parse_params(args.params)
    r = synth_xilinx(b.files(), b.top, params, args.work, full=args.full)
    print_check(f"{b.top} {params_str(params)}", r)
    return 1 if r["problems"] else 0


def cmd_check_files(args):
    params = [parse_params(p)[0] for p in args.param]
    files = [os.path.abspath(f) for f in args.files]
    r = synth_xilinx(files, args.top, params, args.work, full=args.full)
    print_check(f"{args.top} {params_str(params)}", r)
    if args.expect:
        cats = {c for c, _ in r["problems"]}
        if args.expect in cats:
            print(f"self-test: the checker rejects {args.top} for '{args.expect}', as it must")
            return 0
        print(f"self-test FAILED: the checker did not reject {args.top} for '{args.expect}'"
              f" (found: {sorted(cats) or 'nothing'})")
        return 1
    return 1 if r["problems"] else 0


def cmd_ice40(args):
    b = find_block(args.block)
    if b.missing():
        print(f"{b.top}: not yet in rtl/; skipped")
        return 77
    params = parse_params(args.params)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        prep = ice40_prepare(b.files(), b.top, params, args.work)
        r = ice40_fmax(pool, prep, args.work, args.seeds)
    if "error" in r:
        print(f"{b.top} {params_str(params)}: {r['error']}")
        return 1
    print(f"{b.top} {params_str(params)} on iCE40{ICE40_DEVICE.upper()}-{ICE40_PACKAGE.upper()}: "
          f"Fmax median {r['median']:.1f} MHz (min {r['min']:.1f}, max {r['max']:.1f}; "
          f"seeds: {', '.join(f'{x:.1f}' for x in r['fmax'])}), LCs {r['lcs']} "
          f"(harness {r['harness_ffs']}), EBR {r['ebr']}")
    return 0


def cmd_list_tests(args):
    for b in read_table():
        for p in b.xilinx:
            test_id = f"{b.top}.{params_str(p)}" if p else b.top
            print(f"{test_id} {b.name} {params_str(p)}")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", default=DEFAULT_WORK, help="where logs and netlists go")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("report")
    p.add_argument("--out", default=os.path.join(SYNTH_DIR, "REPORT.md"),
                   help="the report file; '' to only print it")
    p.add_argument("--fresh", action="store_true",
                   help="run every tool again, even where the inputs have not changed")
    p.add_argument("--only", action="append", default=[],
                   help="only this block (name or top); repeatable; implies --out ''")
    p.add_argument("--seeds", type=int, default=ICE40_SEEDS)
    p = sub.add_parser("check")
    p.add_argument("block")
    p.add_argument("params", nargs="?", default="-")
    p.add_argument("--full", action="store_true", help="all of synth_xilinx, with resources")
    p = sub.add_parser("check-files")
    p.add_argument("--top", required=True)
    p.add_argument("--param", action="append", default=[])
    p.add_argument("--expect", choices=[c for c, _ in CHECKS])
    p.add_argument("--full", action="store_true", help="all of synth_xilinx, with resources")
    p.add_argument("files", nargs="+")
    p = sub.add_parser("ice40")
    p.add_argument("block")
    p.add_argument("params", nargs="?", default="-")
    p.add_argument("--seeds", type=int, default=ICE40_SEEDS)
    sub.add_parser("list-tests")
    args = ap.parse_args(argv)
    os.makedirs(args.work, exist_ok=True)
    return {"report": cmd_report, "check": cmd_check, "check-files": cmd_check_files,
            "ice40": cmd_ice40, "list-tests": cmd_list_tests}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())

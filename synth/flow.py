"""Running the synthesis tools: the table of blocks (synth/blocks.txt), yosys
synth_xilinx and synth_ice40 runs, nextpnr-ice40 place and route over seeds,
the reuse of unchanged runs, and the scheduling of a whole report's jobs.

Every run goes through a Flow, which holds the options explicitly (work
folder, tools, whether to reuse earlier runs); results are the typed ones of
results.py, judged by checker.py.
"""

import concurrent.futures
import dataclasses
import functools
import glob
import hashlib
import json
import os
import re
import subprocess
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import checker
from results import (BlockResults, Ice40Part, Ice40Result, Ice40Usage, Params, Problem,
                     ReportData, XilinxResources, XilinxResult, data_bytes, params_str,
                     parse_params)

SYNTH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(SYNTH_DIR)
RTL_DIR = os.path.join(REPO, "rtl")
TABLE = os.path.join(SYNTH_DIR, "blocks.txt")
DEFAULT_WORK = os.path.join(os.environ.get("TMPDIR", "/tmp"), "tcpoe-synth")

XILINX_SYNTH = "synth_xilinx -family xc7 -flatten -noiopad -noclkbuf"
# The iCEBreaker's iCE40UP5K-SG48.
ICE40_PART = Ice40Part()
# The iCE40 HX8K (CT256), for comparisons with figures published for it.
ICE40_HX8K = Ice40Part(device="hx8k", synth_device="hx", package="ct256", lcs=7680, ebr=32)
ICE40_SEEDS = 5


# ----------------------------------------------------------------------------
# The table of blocks.
@dataclasses.dataclass(frozen=True)
class Block:
    """One line of blocks.txt."""
    name: str
    top: str
    sources: Optional[Tuple[str, ...]]   # files of rtl/, None for all of rtl/
    xilinx: Tuple[Params, ...]
    ice40: Tuple[Params, ...]
    rtl_dir: str = RTL_DIR

    def top_file(self) -> str:
        return os.path.join(self.rtl_dir, self.top + ".sv")

    def missing(self) -> Tuple[str, ...]:
        """The files this block needs that are not in rtl/ yet."""
        need = [self.top_file()]
        if self.sources is not None:
            need += [os.path.join(self.rtl_dir, s) for s in self.sources]
        return tuple(os.path.relpath(f, os.path.dirname(self.rtl_dir))
                     for f in dict.fromkeys(need) if not os.path.isfile(f))

    def files(self) -> List[str]:
        """The files to read, packages first."""
        pkgs = rtl_packages(self.rtl_dir)
        if self.sources is None:
            mods = [f for f in sorted(glob.glob(os.path.join(self.rtl_dir, "*.sv")))
                    if f not in pkgs]
        else:
            mods = [os.path.join(self.rtl_dir, s) for s in self.sources]
        return pkgs + mods


def rtl_packages(rtl_dir: str = RTL_DIR) -> List[str]:
    return sorted(glob.glob(os.path.join(rtl_dir, "*_pkg.sv")))


def parse_sets(text: str) -> Tuple[Params, ...]:
    return () if text == "-" else tuple(parse_params(s) for s in text.split("|"))


def read_table(path: str = TABLE, rtl_dir: str = RTL_DIR) -> List[Block]:
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
            srcs = None if sources == "*" else tuple(sources.split(","))
            try:
                blocks.append(Block(name, top, srcs, parse_sets(xilinx), parse_sets(ice40),
                                    rtl_dir))
            except ValueError as e:
                raise SystemExit(f"{path}:{lineno}: {e}")
    return blocks


def find_block(name: str, path: str = TABLE) -> Block:
    for b in read_table(path):
        if name in (b.name, b.top):
            return b
    raise SystemExit(f"no block '{name}' in {os.path.relpath(path, REPO)}")


# ----------------------------------------------------------------------------
# Reuse of earlier results: a run is skipped when its script (or command
# line), its input files' contents and the tool's version are those of the
# last successful run in the same work folder. yosys and nextpnr (fixed seed,
# one thread) are deterministic, so the numbers are the same; re-running the
# report after editing one block re-synthesizes that block.
def run_key(parts: Sequence[str], inputs: Sequence[str]) -> str:
    """The identity of one run: the strings that define it (tool version,
    script or command line) and the names and contents of its input files."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() + b"\0")
    for f in inputs:
        h.update(f.encode() + b"\0")
        with open(f, "rb") as fh:
            h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()


def yosys_script_inputs(text: str) -> List[str]:
    """The source files a yosys script reads (its .sv and .v words that exist)."""
    return sorted({t for t in re.split(r"\s+", text)
                   if t.endswith((".sv", ".v")) and os.path.isfile(t)})


def yosys_run_key(version: str, text: str) -> str:
    return run_key([version, text], yosys_script_inputs(text))


@functools.lru_cache(maxsize=None)
def tool_version(tool: str, flag: str) -> str:
    return subprocess.run([tool, flag], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True).stdout.strip()


@dataclasses.dataclass(frozen=True)
class Tools:
    yosys: str = "yosys"
    nextpnr: str = "nextpnr-ice40"

    @classmethod
    def from_environment(cls, env: Mapping[str, str] = os.environ) -> "Tools":
        """$YOSYS and $NEXTPNR_ICE40 if set."""
        return cls(env.get("YOSYS", cls.yosys), env.get("NEXTPNR_ICE40", cls.nextpnr))

    def versions(self) -> Tuple[str, str]:
        """The report's wording of both tools' versions."""
        y = subprocess.run([self.yosys, "-V"], stdout=subprocess.PIPE, text=True).stdout.strip()
        n = subprocess.run([self.nextpnr, "--version"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True).stdout.strip()
        n = n.replace("nextpnr-ice40 -- Next Generation Place and Route ", "nextpnr-ice40 ")
        return y, n


# ----------------------------------------------------------------------------
# Scripts and file names.
def read_script(files: Sequence[str], top: str, params: Params) -> List[str]:
    script = ["read_verilog -sv " + " ".join(files)]
    for name, value in params:
        script.append(f"chparam -set {name} {value} {top}")
    return script


def tag_of(top: str, params: Params, flow: str) -> str:
    p = params_str(params).replace(",", "_").replace("=", "")
    return f"{flow}_{top}_{p}" if params else f"{flow}_{top}"


def xilinx_tag(top: str, params: Params, options: str = "", full: bool = True) -> str:
    tag = tag_of(top, params, "xc7") + options.replace(" ", "").replace("-", "_")
    return tag if full else tag + "_front"


def xilinx_script(files: Sequence[str], top: str, params: Params, stat: str,
                  options: str = "", full: bool = True) -> List[str]:
    """The yosys script of synth_xilinx on one design, writing the cell
    statistics to stat.

    full=False runs only the front of synth_xilinx, up to the first `check` of
    its `prepare` step (cell library and hierarchy, proc, flatten, opt_expr,
    opt_clean, check): every warning the checker looks for arises there, in
    seconds even for the large blocks; but no resource counts come out."""
    synth = XILINX_SYNTH + (" " + options if options else "")
    script = read_script(files, top, params) + [
        f"{synth} -top {top} -run begin:prepare",
        f"log {checker.ELABORATED}",
    ]
    if full:
        script += [f"{synth} -top {top} -run prepare:"]
    else:
        script += ["proc", "flatten", "opt_expr", "opt_clean", "check"]
    return script + [f"tee -q -o {stat} stat -json"]


def harness_verilog(top: str, params: Params, ports: Sequence[Tuple[str, str, int]],
                    clock: str = "clk") -> Tuple[str, int]:
    """A wrapper that registers every input and output of the block, so that
    every path nextpnr times is register to register and the design fits the
    SG48's pins: inputs come from a shift register fed by one pin, outputs are
    loaded into a shift register read out on one pin. Returns the Verilog and
    the harness's flip-flop count."""
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


@dataclasses.dataclass(frozen=True)
class Ice40Netlist:
    """A harnessed block synthesized for the iCE40, ready to place."""
    top: str
    params: Params
    net: str                 # the JSON netlist
    tag: str
    harness_ffs: int
    usage: Ice40Usage
    fits: bool


@dataclasses.dataclass(frozen=True)
class PnrRun:
    """One nextpnr-ice40 place and route."""
    fmax: float              # MHz, of the clock
    lcs: int
    ebr: int
    log: str


# ----------------------------------------------------------------------------
# The runs.
class Flow:
    """Runs yosys and nextpnr in one work folder.

    reuse: skip a run whose key (run_key) is that of the last successful run
    with the same tag in this folder and whose outputs still exist."""

    def __init__(self, work: str, tools: Tools = Tools(), reuse: bool = False,
                 part: Ice40Part = ICE40_PART):
        self.work, self.tools, self.reuse, self.part = work, tools, reuse, part
        os.makedirs(work, exist_ok=True)

    def _path(self, name: str) -> str:
        return os.path.join(self.work, name)

    def _reusable(self, keyfile: str, key: str, outputs: Sequence[str]) -> bool:
        if not self.reuse or not all(os.path.exists(o) for o in outputs):
            return False
        try:
            with open(keyfile) as f:
                return f.read() == key
        except OSError:
            return False

    def run_yosys(self, script: Sequence[str], tag: str, timeout: int = 3600) -> Tuple[int, str]:
        """Run a yosys script; return (returncode, full log text)."""
        ys, log, keyfile = (self._path(tag + ext) for ext in (".ys", ".log", ".key"))
        text = "\n".join(script) + "\n"
        outputs = [log] + [t for t in re.split(r"\s+", text) if t.endswith(".json")]
        key = yosys_run_key(tool_version(self.tools.yosys, "-V"), text)
        if self._reusable(keyfile, key, outputs):
            with open(log) as f:
                return 0, f.read()
        with open(ys, "w") as f:
            f.write(text)
        for stale in (log, keyfile):
            if os.path.exists(stale):
                os.remove(stale)
        proc = subprocess.run([self.tools.yosys, "-q", "-l", log, "-s", ys],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=timeout)
        out = ""
        if os.path.exists(log):
            with open(log) as f:
                out = f.read()
        if proc.returncode != 0 and proc.stdout and proc.stdout not in out:
            out += proc.stdout
        if proc.returncode == 0:
            with open(keyfile, "w") as f:
                f.write(key)
        return proc.returncode, out

    def synth_xilinx(self, files: Sequence[str], top: str, params: Params, options: str = "",
                     full: bool = True) -> XilinxResult:
        """yosys synth_xilinx of one design, judged by the checker. options:
        extra synth_xilinx flags; full: see xilinx_script."""
        tag = xilinx_tag(top, params, options, full)
        stat = self._path(tag + ".stat.json")
        rc, log = self.run_yosys(xilinx_script(files, top, params, stat, options, full), tag)
        cells: Dict[str, int] = {}
        if rc == 0 and os.path.exists(stat):
            with open(stat) as f:
                cells = json.load(f).get("design", {}).get("num_cells_by_type", {})
        verdict = checker.check_log(log, cells)
        if rc != 0 and "error" not in verdict.categories():
            verdict = verdict.with_problem(Problem("error", f"yosys exited with status {rc}"))
        return XilinxResult(top=top, params=tuple(params), verdict=verdict,
                            resources=XilinxResources.from_cells(cells) if full and cells
                            else None,
                            log=self._path(tag + ".log"))

    def design_ports(self, files: Sequence[str], top: str,
                     params: Params) -> List[Tuple[str, str, int]]:
        """[(name, direction, width)] of the top module, in declaration order."""
        tag = tag_of(top, params, "ports")
        out = self._path(tag + ".json")
        rc, _ = self.run_yosys(read_script(files, top, params) +
                               [f"hierarchy -top {top}", "proc", f"write_json {out}"], tag)
        if rc != 0:
            raise RuntimeError(f"yosys could not elaborate {top}: see {self.work}/{tag}.log")
        with open(out) as f:
            mods = json.load(f)["modules"]
        mod = next(m for n, m in mods.items() if n == top or n.endswith("\\" + top) or top in n)
        return [(n, p["direction"], len(p["bits"])) for n, p in mod["ports"].items()]

    def ice40_synth(self, files: Sequence[str], top: str, params: Params) -> Ice40Netlist:
        """Synthesize the harnessed block for the iCE40 and count what it needs."""
        text, harness_ffs = harness_verilog(top, params, self.design_ports(files, top, params))
        tag = tag_of(top, params,
                     "ice40" if self.part.device == ICE40_PART.device else "ice40" + self.part.device)
        hv = self._path(tag + "_harness.v")
        with open(hv, "w") as f:
            f.write(text)
        net, stat = self._path(tag + ".json"), self._path(tag + ".stat.json")
        script = read_script(files, top, params) + [
            f"read_verilog {hv}",
            f"synth_ice40 -device {self.part.synth_device} -top synth_harness -json {net}",
            f"tee -q -o {stat} stat -json",
        ]
        rc, _ = self.run_yosys(script, tag)
        if rc != 0:
            raise RuntimeError(f"synth_ice40 failed: see {self.work}/{tag}.log")
        with open(stat) as f:
            cells = json.load(f)["design"]["num_cells_by_type"]
        usage = Ice40Usage(
            lut4=cells.get("SB_LUT4", 0),
            ffs=sum(n for c, n in cells.items() if c.startswith("SB_DFF")),
            ebr=sum(n for c, n in cells.items() if c.startswith("SB_RAM40")))
        return Ice40Netlist(top, tuple(params), net, tag, harness_ffs, usage,
                            self.part.fits(usage))

    def nextpnr(self, net: str, tag: str, seed: int, freq: Optional[float] = None,
                pcf: Optional[str] = None, asc: Optional[str] = None) -> PnrRun:
        """One place and route of a netlist."""
        freq = self.part.target_mhz if freq is None else freq
        rep = self._path(f"{tag}_seed{seed}.report.json")
        log = self._path(f"{tag}_seed{seed}.pnr.log")
        cmd = [self.tools.nextpnr, "--" + self.part.device, "--package", self.part.package,
               "--json", net, "--freq", str(freq), "--seed", str(seed), "--report", rep,
               "--threads", "1", "--timing-allow-fail", "-q", "-l", log]
        if pcf:
            cmd += ["--pcf", pcf]
        if asc:
            cmd += ["--asc", asc]
        keyfile = self._path(f"{tag}_seed{seed}.key")
        key = run_key([tool_version(self.tools.nextpnr, "--version")] + cmd,
                      [net] + ([pcf] if pcf else []))
        if self._reusable(keyfile, key, [rep, log]):
            return _pnr_result(rep, log)
        for stale in (rep, keyfile):
            if os.path.exists(stale):
                os.remove(stale)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=1800)
        if proc.returncode != 0:
            errs = []
            if os.path.exists(log):
                with open(log) as f:
                    errs = [line for line in f.read().splitlines() if line.startswith("ERROR:")]
            raise RuntimeError(f"nextpnr-ice40 failed (seed {seed}): "
                               f"{errs[-1] if errs else 'exit ' + str(proc.returncode)}; "
                               f"see {log}")
        with open(keyfile, "w") as f:
            f.write(key)
        return _pnr_result(rep, log)

    # The iCE40 Fmax of one block, in two steps so that the seeds of every
    # block can share one queue: ice40_submit starts them, ice40_collect waits.
    def ice40_submit(self, pool: concurrent.futures.Executor, netlist: Ice40Netlist,
                     seeds: int) -> List[concurrent.futures.Future]:
        """Start one place and route per seed 1..seeds (none if it does not fit)."""
        if not netlist.fits:
            return []
        return [pool.submit(self.nextpnr, netlist.net, netlist.tag, s)
                for s in range(1, seeds + 1)]

    def ice40_collect(self, netlist: Ice40Netlist,
                      futures: Sequence[concurrent.futures.Future]) -> Ice40Result:
        if not netlist.fits:
            return Ice40Result(netlist.top, netlist.params, harness_ffs=netlist.harness_ffs,
                               does_not_fit=netlist.usage)
        try:
            runs = [f.result() for f in futures]
        except Exception as e:  # noqa: BLE001 - any failure becomes a line of the report
            return Ice40Result(netlist.top, netlist.params, error=str(e))
        return Ice40Result(netlist.top, netlist.params, fmax=tuple(r.fmax for r in runs),
                           lcs=runs[0].lcs, ebr=runs[0].ebr, harness_ffs=netlist.harness_ffs)

    def ice40_fmax(self, pool: concurrent.futures.Executor, files: Sequence[str], top: str,
                   params: Params, seeds: int) -> Ice40Result:
        netlist = self.ice40_synth(files, top, params)
        return self.ice40_collect(netlist, self.ice40_submit(pool, netlist, seeds))


def _pnr_result(rep: str, log: str) -> PnrRun:
    with open(rep) as f:
        data = json.load(f)
    fmax = [v["achieved"] for k, v in data.get("fmax", {}).items() if "clk" in k]
    if not fmax:
        fmax = [v["achieved"] for v in data.get("fmax", {}).values()]
    util = data.get("utilization", {})
    return PnrRun(fmax=min(fmax), lcs=util.get("ICESTORM_LC", {}).get("used"),
                  ebr=util.get("ICESTORM_RAM", {}).get("used"), log=log)


# ----------------------------------------------------------------------------
# A whole report's runs.
def run_blocks(flow: Flow, blocks: Sequence[Block], jobs: int, seeds: int) -> ReportData:
    """Every Xilinx and iCE40 run of the blocks, jobs at a time: the longest
    first (more source, wider datapath), and the seeds of every block in one
    queue so that every core stays busy."""
    present = [b for b in blocks if not b.missing()]

    def weight(job):
        b, p = job
        return -sum(os.path.getsize(f) for f in b.files()) * (data_bytes(p) or 8)

    xjobs, ijobs, ires, placing = [], [], {}, []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for b, p in sorted(((b, p) for b in present for p in b.ice40), key=weight):
            ijobs.append((b, p, pool.submit(flow.ice40_synth, b.files(), b.top, p)))
        for b, p in sorted(((b, p) for b in present for p in b.xilinx), key=weight):
            xjobs.append((b, p, pool.submit(flow.synth_xilinx, b.files(), b.top, p)))
        # Any failure of a job becomes a line of the report.
        xres = {}
        for b, p, f in xjobs:
            try:
                xres[(b.name, p)] = f.result()
            except Exception as e:  # noqa: BLE001
                xres[(b.name, p)] = XilinxResult(b.top, p, error=str(e))
        for b, p, f in ijobs:
            try:
                netlist = f.result()
            except Exception as e:  # noqa: BLE001
                ires[(b.name, p)] = Ice40Result(b.top, p, error=str(e))
                continue
            placing.append((b, p, netlist, flow.ice40_submit(pool, netlist, seeds)))
        for b, p, netlist, futures in placing:
            ires[(b.name, p)] = flow.ice40_collect(netlist, futures)
    yosys_version, nextpnr_version = flow.tools.versions()
    return ReportData(
        yosys_version=yosys_version, nextpnr_version=nextpnr_version,
        xilinx_synth=XILINX_SYNTH, seeds=seeds, ice40_part=flow.part,
        blocks=tuple(BlockResults(
            name=b.name, top=b.top, missing=b.missing(),
            xilinx=() if b.missing() else tuple(xres[(b.name, p)] for p in b.xilinx),
            ice40=() if b.missing() else tuple(ires[(b.name, p)] for p in b.ice40),
            ice40_planned=bool(b.ice40))
            for b in blocks))

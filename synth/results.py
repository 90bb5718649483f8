"""Typed results of the synthesis flow, and their JSON form (synth/results.json).

The flow (flow.py) produces them, the report (report.py) renders them; the
JSON form lets the report and the README's table be rendered again, and
checked, without running yosys or nextpnr.
"""

import dataclasses
import json
import re
import statistics
import typing
from typing import Dict, Optional, Tuple

# A parameter set: (("DATA_W", "64"), ...), in the order blocks.txt gives.
Params = Tuple[Tuple[str, str], ...]


def parse_params(text: str) -> Params:
    """'DATA_W=64,FOO=2' -> (('DATA_W', '64'), ('FOO', '2')); '' or '-' -> ()."""
    if text in ("", "-"):
        return ()
    out = []
    for pair in text.split(","):
        name, sep, value = pair.partition("=")
        if not sep or not name or not value:
            raise ValueError(f"bad parameter '{pair}' (want NAME=VALUE)")
        out.append((name.strip(), value.strip()))
    return tuple(out)


def params_str(params: Params) -> str:
    return ",".join(f"{n}={v}" for n, v in params) or "-"


def data_bytes(params: Params) -> Optional[int]:
    """DATA_W / 8, or None if the set has no numeric DATA_W."""
    for n, v in params:
        if n == "DATA_W" and v.isdigit():
            return int(v) // 8
    return None


@dataclasses.dataclass(frozen=True)
class Problem:
    """One reason the checker rejects a design: its category and the log
    line, or a description of the netlist cells."""
    category: str
    line: str


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The warning checker's findings on one yosys run (checker.check_log)."""
    problems: Tuple[Problem, ...] = ()
    # Distinct 'Warning:' lines that are not problems: reported, not failing.
    others: Tuple[str, ...] = ()

    @property
    def rejected(self) -> bool:
        return bool(self.problems)

    def categories(self) -> Tuple[str, ...]:
        """The categories of the problems, each once, in order of appearance."""
        return tuple(dict.fromkeys(p.category for p in self.problems))

    def summary(self) -> str:
        """'clean', or '**REJECTED: category, ...**' (the report's wording)."""
        if not self.problems:
            return "clean"
        return "**REJECTED: " + ", ".join(self.categories()) + "**"

    def with_problem(self, problem: Problem) -> "Verdict":
        return dataclasses.replace(self, problems=self.problems + (problem,))


# Xilinx cell types of distributed RAM and shift registers, counted in the LUT
# sites they occupy.
LUTRAM_SITES = {"RAM32M": 4, "RAM64M": 4, "RAM32M16": 8, "RAM64M8": 8, "RAM32X1D": 2,
                "RAM64X1D": 2, "RAM128X1D": 4, "RAM256X1D": 8, "RAM32X1S": 1, "RAM64X1S": 1,
                "RAM128X1S": 2, "RAM256X1S": 4, "SRL16E": 1, "SRLC16E": 1, "SRLC32E": 1}


@dataclasses.dataclass(frozen=True)
class XilinxResources:
    """What one block uses after synth_xilinx (docs/synthesis.md, the columns)."""
    lut: int
    lutram: int
    ff: int
    carry4: int
    muxf7: int
    muxf8: int
    ramb18: int
    ramb36: int
    dsp48: int

    @classmethod
    def from_cells(cls, cells: Dict[str, int]) -> "XilinxResources":
        def count(pattern):
            return sum(n for c, n in cells.items() if re.fullmatch(pattern, c))
        return cls(lut=count(r"LUT[1-6]|INV"),
                   lutram=sum(LUTRAM_SITES.get(c, 0) * n for c, n in cells.items()),
                   ff=count(r"FD[RSCP]E(_1)?"), carry4=count(r"CARRY4"),
                   muxf7=count(r"MUXF7"), muxf8=count(r"MUXF8"),
                   ramb18=count(r"RAMB18E1"), ramb36=count(r"RAMB36E1"),
                   dsp48=count(r"DSP48E1"))

    def lut_sites(self) -> int:
        """LUTs, whether logic or distributed RAM."""
        return self.lut + self.lutram


@dataclasses.dataclass(frozen=True)
class XilinxResult:
    """synth_xilinx of one block at one parameter set."""
    top: str
    params: Params
    verdict: Verdict = Verdict()
    # None if the run stopped before technology mapping (the checker's quick
    # front run) or made no netlist.
    resources: Optional[XilinxResources] = None
    # The yosys log; kept in results.json only where the report cites it
    # (a failed run), so that the file does not depend on the work folder.
    log: str = ""
    # The flow itself failed (e.g. yosys could not be started).
    error: Optional[str] = None

    @property
    def failed(self) -> bool:
        """No numbers to report, or the checker rejects the block."""
        return self.error is not None or self.resources is None or self.verdict.rejected


@dataclasses.dataclass(frozen=True)
class Ice40Usage:
    """What a block needs on the iCE40, harness included (from synth_ice40)."""
    lut4: int
    ffs: int
    ebr: int


@dataclasses.dataclass(frozen=True)
class Ice40Result:
    """Place and route of one harnessed block on the iCE40 over several seeds."""
    top: str
    params: Params
    fmax: Tuple[float, ...] = ()     # MHz, seeds 1..n in order
    lcs: int = 0                     # logic cells used, harness included
    ebr: int = 0
    harness_ffs: int = 0
    # Set when the block needs more than the part has; then no place and route.
    does_not_fit: Optional[Ice40Usage] = None
    error: Optional[str] = None

    @property
    def placed(self) -> bool:
        return self.error is None and self.does_not_fit is None and bool(self.fmax)

    @property
    def median(self) -> float:
        return statistics.median(self.fmax)


@dataclasses.dataclass(frozen=True)
class BlockResults:
    """Every run of one line of blocks.txt."""
    name: str
    top: str
    # Files the block needs that are not in rtl/ yet; then there are no runs.
    missing: Tuple[str, ...] = ()
    xilinx: Tuple[XilinxResult, ...] = ()
    ice40: Tuple[Ice40Result, ...] = ()
    # Whether blocks.txt asks for iCE40 runs (the report lists a missing
    # block in the iCE40 table only then).
    ice40_planned: bool = False


@dataclasses.dataclass(frozen=True)
class Ice40Part:
    """The iCE40 part and how the flow places on it."""
    device: str = "up5k"       # nextpnr-ice40's --<device>
    synth_device: str = "u"    # synth_ice40 -device (u: UltraPlus, hx, lp)
    package: str = "sg48"
    lcs: int = 5280
    ebr: int = 30
    # Only steers nextpnr's timing-driven placement; Fmax is what the routed
    # design achieves, whether or not it meets the target.
    target_mhz: float = 100.0

    @property
    def name(self) -> str:
        return f"iCE40{self.device.upper()}-{self.package.upper()}"

    def fits(self, usage: Ice40Usage) -> bool:
        return usage.lut4 <= self.lcs and usage.ffs <= self.lcs and usage.ebr <= self.ebr


@dataclasses.dataclass(frozen=True)
class ReportData:
    """Everything synth/REPORT.md and the README's synthesis table show."""
    yosys_version: str
    nextpnr_version: str
    xilinx_synth: str          # the synth_xilinx command line
    seeds: int
    ice40_part: Ice40Part
    blocks: Tuple[BlockResults, ...]

    @property
    def failed(self) -> bool:
        return any(r.failed for b in self.blocks for r in b.xilinx)


# ----------------------------------------------------------------------------
# JSON: dataclasses as objects, tuples as lists; decoded by the type hints.
def _encode(value):
    if isinstance(value, XilinxResult) and not value.failed:
        value = dataclasses.replace(value, log="")
    if dataclasses.is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    return value


def _decode(hint, data):
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union:  # Optional[X]
        inner = [a for a in args if a is not type(None)][0]
        return None if data is None else _decode(inner, data)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], d) for d in data)
        return tuple(_decode(a, d) for a, d in zip(args, data))
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return hint(**{k: _decode(hints[k], v) for k, v in data.items()})
    if hint is float:
        return float(data)
    if not isinstance(data, hint):
        raise ValueError(f"expected {hint.__name__}, got {data!r}")
    return data


def to_json(data: ReportData) -> str:
    return json.dumps(_encode(data), indent=1) + "\n"


def from_json(text: str) -> ReportData:
    return _decode(ReportData, json.loads(text))

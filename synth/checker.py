"""The synthesis warning checker: which lines of a yosys log, and which cells of
its netlist, are real problems of the RTL.

Each pattern was chosen by provoking it with a small bad module under yosys
0.23 (synth/selftest/ keeps the ones the CTest tests use; synth/tests/ checks
the patterns on sample log lines). docs/synthesis.md lists them for users.
"""

import re
from typing import Dict

from results import Problem, Verdict

# (category, pattern): a log line matching the pattern is a problem of that
# category; a line may fall into several.
CHECKS = (
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
)
CATEGORIES = tuple(category for category, _ in CHECKS)

# Cells that are latches, whatever message (or none) produced them.
LATCH_CELLS = re.compile(r"^(LDCE|LDPE|LDCPE|\$_DLATCH.*|\$dlatch.*|\$adlatch|\$_SR_.*|\$sr)$")
WARNING_LINE = re.compile(r"^(.*\b)?Warning: ")
# The flow logs this line once the design is elaborated (hierarchy, with the
# vendor cells known); port resizing after it is the tools' own.
ELABORATED = "TCPOE-SYNTH: elaborated"
TOOL_RESIZE = re.compile(r"Resizing cell port")
# Harmless and not about the design: ABC's remark on a netlist without FFs.
BENIGN = re.compile(r"^ABC: Warning: The network is combinational")


def check_log(log_text: str, cells: Dict[str, int]) -> Verdict:
    """Judge a yosys log and the cell counts of the netlist it made.

    Port resizing is judged only up to the ELABORATED marker line: after it,
    yosys's own technology mapping resizes ports of the vendor cells it
    instantiates (e.g. RAMB36E1 address ports), which says nothing about the
    RTL. A line yosys repeats (its warning summary at the end) counts once."""
    problems, others, seen = [], [], set()
    elaborated = False
    for line in log_text.splitlines():
        line = line.rstrip()
        if line == ELABORATED:
            elaborated = True
        if line in seen:
            continue
        if elaborated and TOOL_RESIZE.search(line):
            seen.add(line)
            continue
        hits = [Problem(category, line) for category, pattern in CHECKS if pattern.search(line)]
        if hits:
            seen.add(line)
            problems += hits
        elif WARNING_LINE.match(line) and not BENIGN.match(line):
            seen.add(line)
            others.append(line)
    for cell, n in sorted(cells.items()):
        if LATCH_CELLS.match(cell):
            problems.append(Problem("latch", f"{n} latch cell(s) of type {cell} in the netlist"))
    return Verdict(tuple(problems), tuple(others))

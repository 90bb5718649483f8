#!/usr/bin/python3
"""README.md's generated tables: the three benchmark tables and the synthesis
table, each between <!-- NAME:begin --> and <!-- NAME:end --> markers.

  update --bench NAME=EXE...   run each benchmark and write its table (and the
                               note under it) into README.md; render the
                               synthesis table from synth/results.json
  check --bench NAME=EXE       run the benchmark with --cycles-only and exit 1
                               if any cycle-counting column of README's table
                               differs from the fresh run (the columns that time
                               the simulator depend on the machine: not compared)

`cmake --build build --target readme-tables` runs `update` with the benchmarks
of that build; the CTest tests bench.readme.* run `check`, and
synth.readme_table checks the synthesis table (synth/run.sh check-rendered).
Debian's /usr/bin/python3, standard library only.
"""

import argparse
import os
import subprocess
import sys
import textwrap
from typing import Dict, List, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "synth"))
import report  # noqa: E402
import results  # noqa: E402

README = os.path.join(REPO, "README.md")
SYNTH_RESULTS = os.path.join(REPO, "synth", "results.json")
SPEED_LINE = "machine-speed columns: "


class BenchTable:
    """A benchmark's Markdown table and which of its columns time the simulator."""

    def __init__(self, text: str, source: str):
        lines = text.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith("|")), None)
        if start is None:
            raise ValueError(f"{source}: no Markdown table")
        end = start
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        self.lines = lines[start:end]
        if len(self.lines) < 3:
            raise ValueError(f"{source}: a table without rows")
        self.header = split_row(self.lines[0])
        self.rows = [split_row(line) for line in self.lines[2:]]
        for row in self.rows:
            if len(row) != len(self.header):
                raise ValueError(f"{source}: row '{' | '.join(row)}' has {len(row)} cells "
                                 f"for {len(self.header)} columns")
        speed = [line[len(SPEED_LINE):] for line in lines[end:] if line.startswith(SPEED_LINE)]
        self.speed_columns = speed[0].split(" | ") if speed and speed[0] else []

    def markdown(self) -> str:
        return "\n".join(self.lines) + "\n"


def split_row(line: str) -> List[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def run_bench(exe: str, *args: str) -> str:
    proc = subprocess.run([exe, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=1800)
    if proc.returncode != 0:
        raise SystemExit(f"{exe} {' '.join(args)} failed (exit {proc.returncode}):\n"
                         f"{proc.stderr}")
    return proc.stdout


def section_name(bench: str) -> str:
    return f"bench-{bench}"


def note(bench: str, table: BenchTable) -> str:
    """The paragraph under a benchmark's table in README: what is checked."""
    check = f"against a fresh run of `bench_{bench} --cycles-only`."
    if not table.speed_columns:
        text = f"The test `bench.readme.{bench}` checks every column {check}"
    else:
        names = [f"*{c}*" for c in table.speed_columns]
        cols = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        text = (f"{cols} measure{'s' if len(names) == 1 else ''} the simulator's speed on the "
                f"machine that ran it; the test `bench.readme.{bench}` checks every other "
                f"column {check}")
    return "\n" + textwrap.fill(text, 78) + "\n"


def parse_benches(specs: List[str]) -> Dict[str, str]:
    out = {}
    for spec in specs:
        name, sep, exe = spec.partition("=")
        if not sep or not name or not exe:
            raise SystemExit(f"--bench wants NAME=EXECUTABLE, not '{spec}'")
        out[name] = exe
    return out


def cmd_update(args) -> int:
    with open(args.readme) as f:
        text = f.read()
    for name, exe in parse_benches(args.bench).items():
        table = BenchTable(run_bench(exe), exe)
        text = report.replace_marked_section(text, section_name(name),
                                             table.markdown() + note(name, table))
        print(f"{args.readme}: the table of {os.path.basename(exe)}")
    with open(args.synth_results) as f:
        data = results.from_json(f.read())
    text = report.replace_marked_section(text, report.README_SYNTH_TABLE,
                                         report.render_readme_table(data))
    print(f"{args.readme}: the synthesis table, from {os.path.relpath(args.synth_results)}")
    with open(args.readme, "w") as f:
        f.write(text)
    return 0


def compare(readme: BenchTable, fresh: BenchTable) -> Tuple[List[str], List[str]]:
    """(differences, the columns not compared)."""
    if readme.header != fresh.header:
        return [f"header: README has {readme.header}, the benchmark prints {fresh.header}"], []
    if len(readme.rows) != len(fresh.rows):
        return [f"README has {len(readme.rows)} rows, the benchmark prints "
                f"{len(fresh.rows)}"], []
    skipped = [c for c in fresh.header if c in fresh.speed_columns]
    diffs = []
    for have, want in zip(readme.rows, fresh.rows):
        for column, h, w in zip(fresh.header, have, want):
            if column not in fresh.speed_columns and h != w:
                diffs.append(f"DATA_W={want[0]}, column '{column}': README says '{h}', "
                             f"a fresh run gives '{w}'")
    return diffs, skipped


def cmd_check(args) -> int:
    benches = parse_benches(args.bench)
    with open(args.readme) as f:
        text = f.read()
    failed = False
    for name, exe in benches.items():
        try:
            readme = BenchTable(report.marked_section(text, section_name(name)),
                                f"{args.readme} ({section_name(name)})")
        except ValueError as e:
            print(f"{args.readme}: {e}")
            return 1
        fresh = BenchTable(run_bench(exe, "--cycles-only"), exe)
        diffs, skipped = compare(readme, fresh)
        if diffs:
            failed = True
            print(f"{args.readme}: the table of bench_{name} differs from a fresh run "
                  f"(`cmake --build <build> --target readme-tables` rewrites it):")
            print("\n".join("  " + d for d in diffs))
        else:
            print(f"{args.readme}: the table of bench_{name} matches a fresh run in every "
                  f"column that counts cycles ({len(fresh.header) - len(skipped)} columns, "
                  f"{len(fresh.rows)} rows); not compared, they time the simulator: "
                  f"{', '.join(skipped) or 'none'}")
    return 1 if failed else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--readme", default=README)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("update")
    p.add_argument("--bench", action="append", default=[], metavar="NAME=EXE")
    p.add_argument("--synth-results", default=SYNTH_RESULTS)
    p = sub.add_parser("check")
    p.add_argument("--bench", action="append", required=True, metavar="NAME=EXE")
    args = ap.parse_args(argv)
    return {"update": cmd_update, "check": cmd_check}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())

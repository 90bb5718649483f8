#!/usr/bin/python3
"""Synthesis flow for the RTL blocks: yosys synth_xilinx resource counts with a
warning checker, and iCE40UP5K place-and-route Fmax over several seeds.

Run through synth/run.sh (which uses Debian's /usr/bin/python3). Commands:

  report                 every block of synth/blocks.txt: writes synth/REPORT.md,
                         synth/results.json and the synthesis table of README.md
  render                 the same three from synth/results.json alone (no tools)
  check-rendered         exit 1 if REPORT.md or README.md's synthesis table is
                         not what synth/results.json renders to (no tools)
  check BLOCK PARAMS     synth_xilinx one block at one parameter set; exit 0 if
                         the checker finds no real problem, 1 if it does, 77 if
                         the block is not yet in rtl/
  check-files FILES...   the same on explicit files (--top, --param); with
                         --expect CATEGORY, exit 0 only if the checker rejects
                         the design for that reason (the checker's self-test)
  ice40 BLOCK PARAMS     place and route one block on the iCE40UP5K, print Fmax
  list-tests             the CTest tests synth/CMakeLists.txt registers

The flow is in flow.py, the checker in checker.py, the typed results in
results.py, the Markdown in report.py. Only the standard library; no network.
See docs/synthesis.md.
"""

import argparse
import concurrent.futures
import difflib
import os
import sys

import checker
import flow
import report
import results
from results import params_str, parse_params

DEFAULT_REPORT = os.path.join(flow.SYNTH_DIR, "REPORT.md")
DEFAULT_RESULTS = os.path.join(flow.SYNTH_DIR, "results.json")
DEFAULT_README = os.path.join(flow.REPO, "README.md")


def make_flow(args, reuse: bool = False) -> flow.Flow:
    return flow.Flow(args.work, flow.Tools.from_environment(), reuse=reuse)


def write_rendered(data: results.ReportData, out: str, results_file: str, readme: str) -> None:
    """REPORT.md, results.json and README's table; '' skips a file."""
    rendered = {out: report.render_report(data), results_file: results.to_json(data)}
    if readme:
        with open(readme) as f:
            try:
                rendered[readme] = report.replace_marked_section(
                    f.read(), report.README_SYNTH_TABLE, report.render_readme_table(data))
            except ValueError as e:
                raise SystemExit(f"{readme}: {e}")
    for path, text in rendered.items():
        if path:
            with open(path, "w") as f:
                f.write(text)


def cmd_report(args):
    blocks = flow.read_table()
    if args.only:
        blocks = [b for b in blocks if b.name in args.only or b.top in args.only]
    data = flow.run_blocks(make_flow(args, reuse=not args.fresh), blocks, args.jobs, args.seeds)
    if args.out and not args.only:
        write_rendered(data, args.out, args.results, args.readme)
    print(report.render_report(data))
    print(f"\n(logs in {args.work})", file=sys.stderr)
    return 1 if data.failed else 0


def load_results(path: str) -> results.ReportData:
    try:
        with open(path) as f:
            return results.from_json(f.read())
    except (OSError, ValueError, TypeError, KeyError) as e:
        raise SystemExit(f"{path}: cannot read the synthesis results: {e}")


def cmd_render(args):
    write_rendered(load_results(args.results), args.out, "", args.readme)
    return 0


def cmd_check_rendered(args):
    """Each file, or its generated section, against what the results render to."""
    data = load_results(args.results)
    with open(args.out) as f:
        want_report, have_report = report.render_report(data), f.read()
    with open(args.readme) as f:
        readme = f.read()
    try:
        have_table = report.marked_section(readme, report.README_SYNTH_TABLE)
    except ValueError as e:
        print(f"{args.readme}: {e}")
        return 1
    failed = False
    for name, have, want in ((args.out, have_report, want_report),
                             (f"{args.readme} (synthesis table)", have_table,
                              report.render_readme_table(data))):
        if have == want:
            print(f"{name}: as {os.path.relpath(args.results)} says")
            continue
        failed = True
        print(f"{name} differs from what {args.results} renders to "
              f"(`synth/run.sh render` rewrites it):")
        sys.stdout.writelines(difflib.unified_diff(
            have.splitlines(True), want.splitlines(True), "committed", "rendered"))
    return 1 if failed else 0


def print_check(label: str, r: results.XilinxResult) -> None:
    s = r.resources
    if s:
        print(f"{label}: LUT {s.lut} LUTRAM {s.lutram} FF {s.ff} CARRY4 {s.carry4} "
              f"RAMB18 {s.ramb18} RAMB36 {s.ramb36} DSP48 {s.dsp48}")
    else:
        print(f"{label}: front of synth_xilinx (to its first check); --full for resources")
    for w in r.verdict.others:
        print(f"  other warning (allowed): {w}")
    for p in r.verdict.problems:
        print(f"  REJECT [{p.category}] {p.line}")
    print(f"  log: {r.log}")
    print(f"{label}: {'REJECTED' if r.verdict.rejected else 'clean'}")


def cmd_check(args):
    b = flow.find_block(args.block)
    miss = b.missing()
    if miss:
        print(f"{b.top}: not yet in rtl/ ({', '.join(miss)}); skipped")
        return 77
    params = parse_params(args.params)
    r = make_flow(args).synth_xilinx(b.files(), b.top, params, full=args.full)
    print_check(f"{b.top} {params_str(params)}", r)
    return 1 if r.verdict.rejected else 0


def cmd_check_files(args):
    params = tuple(parse_params(p)[0] for p in args.param)
    files = [os.path.abspath(f) for f in args.files]
    r = make_flow(args).synth_xilinx(files, args.top, params, full=args.full)
    print_check(f"{args.top} {params_str(params)}", r)
    if args.expect:
        cats = set(r.verdict.categories())
        if args.expect in cats:
            print(f"self-test: the checker rejects {args.top} for '{args.expect}', as it must")
            return 0
        print(f"self-test FAILED: the checker did not reject {args.top} for '{args.expect}'"
              f" (found: {sorted(cats) or 'nothing'})")
        return 1
    return 1 if r.verdict.rejected else 0


def cmd_ice40(args):
    b = flow.find_block(args.block)
    if b.missing():
        print(f"{b.top}: not yet in rtl/; skipped")
        return 77
    params = parse_params(args.params)
    f = make_flow(args)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        r = f.ice40_fmax(pool, b.files(), b.top, params, args.seeds)
    if not r.placed:
        print(f"{b.top} {params_str(params)}: {report.ice40_problem(r, f.part)}")
        return 1
    print(f"{b.top} {params_str(params)} on {f.part.name}: "
          f"Fmax median {r.median:.1f} MHz (min {min(r.fmax):.1f}, max {max(r.fmax):.1f}; "
          f"seeds: {', '.join(f'{x:.1f}' for x in r.fmax)}), LCs {r.lcs} "
          f"(harness {r.harness_ffs}), EBR {r.ebr}")
    return 0


def cmd_list_tests(args):
    for b in flow.read_table():
        for p in b.xilinx:
            test_id = f"{b.top}.{params_str(p)}" if p else b.top
            print(f"{test_id} {b.name} {params_str(p)}")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", default=flow.DEFAULT_WORK, help="where logs and netlists go")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    sub = ap.add_subparsers(dest="cmd", required=True)

    def rendered_files(p, out_help):
        p.add_argument("--out", default=DEFAULT_REPORT, help=out_help)
        p.add_argument("--results", default=DEFAULT_RESULTS,
                       help="the machine-readable results the report is rendered from")
        p.add_argument("--readme", default=DEFAULT_README,
                       help="the README whose synthesis table is rendered; '' to leave it")

    p = sub.add_parser("report")
    rendered_files(p, "the report file; '' to only print it (and write no file)")
    p.add_argument("--fresh", action="store_true",
                   help="run every tool again, even where the inputs have not changed")
    p.add_argument("--only", action="append", default=[],
                   help="only this block (name or top); repeatable; implies --out ''")
    p.add_argument("--seeds", type=int, default=flow.ICE40_SEEDS)
    rendered_files(sub.add_parser("render"), "the report file")
    rendered_files(sub.add_parser("check-rendered"), "the report file")
    p = sub.add_parser("check")
    p.add_argument("block")
    p.add_argument("params", nargs="?", default="-")
    p.add_argument("--full", action="store_true", help="all of synth_xilinx, with resources")
    p = sub.add_parser("check-files")
    p.add_argument("--top", required=True)
    p.add_argument("--param", action="append", default=[])
    p.add_argument("--expect", choices=checker.CATEGORIES)
    p.add_argument("--full", action="store_true", help="all of synth_xilinx, with resources")
    p.add_argument("files", nargs="+")
    p = sub.add_parser("ice40")
    p.add_argument("block")
    p.add_argument("params", nargs="?", default="-")
    p.add_argument("--seeds", type=int, default=flow.ICE40_SEEDS)
    sub.add_parser("list-tests")
    args = ap.parse_args(argv)
    return {"report": cmd_report, "render": cmd_render, "check-rendered": cmd_check_rendered,
            "check": cmd_check, "check-files": cmd_check_files, "ice40": cmd_ice40,
            "list-tests": cmd_list_tests}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())

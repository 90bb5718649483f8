#!/usr/bin/python3
"""bench-synth: the checksum engine against an adder tree written
straightforwardly, in one run.

  - LUTs per byte of datapath width, Xilinx 7-series (yosys synth_xilinx:
    LUT1..6 + the LUT sites of distributed RAM) / (DATA_W / 8), at every DATA_W
  - iCE40UP5K Fmax at DATA_W = 64: median (min..max) over 5 placement seeds,
    and the logic cells used

rtl/tcp_csum.sv is measured against bench/synth/tcp_csum_naive.sv (same
ports, same results, one stage). The goal is a tcp_csum that is both smaller
(LUT/byte ratio < 1) and faster (Fmax ratio > 1). Uses synth/flow.py;
run it with `cmake --build <build> --target bench-synth` or directly:
  /usr/bin/python3 bench/synth/bench_synth.py [--work DIR] [--seeds N] [--fresh]
"""

import argparse
import concurrent.futures
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "synth"))
import flow  # noqa: E402

WIDTHS = [64, 128, 256, 512]
# synth_xilinx's default LUT mapping (abc), and the newer abc9 flow (marked
# EXPERIMENTAL in yosys 0.23) as a check of how much the verdict depends on
# the mapper: multi-operand adders map very differently under the two.
MAPPERS = ["", "-abc9"]
ICE40_W = 64
DESIGNS = {
    "tcp_csum": [os.path.join(flow.RTL_DIR, "tcp_csum.sv")],
    "tcp_csum_naive": [os.path.join(HERE, "tcp_csum_naive.sv")],
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", default=os.path.join(flow.DEFAULT_WORK, "bench"))
    ap.add_argument("--seeds", type=int, default=flow.ICE40_SEEDS)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--fresh", action="store_true",
                    help="run every tool again, even where the inputs have not changed")
    args = ap.parse_args()
    synth = flow.Flow(args.work, flow.Tools.from_environment(), reuse=not args.fresh)

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        xf = {(d, w, o): pool.submit(synth.synth_xilinx, flow.rtl_packages() + files, d,
                                     (("DATA_W", str(w)),), o)
              for o in MAPPERS for d, files in DESIGNS.items() for w in WIDTHS}
        nf = {d: pool.submit(synth.ice40_synth, flow.rtl_packages() + files, d,
                             (("DATA_W", str(ICE40_W)),))
              for d, files in DESIGNS.items()}
        netlists = {d: f.result() for d, f in nf.items()}
        seeds = {d: synth.ice40_submit(pool, netlists[d], args.seeds) for d in DESIGNS}
        xres = {k: f.result() for k, f in xf.items()}
        ires = {d: synth.ice40_collect(netlists[d], seeds[d]) for d in DESIGNS}

    print("bench-synth: rtl/tcp_csum.sv against bench/synth/tcp_csum_naive.sv "
          "(RFC 1071 sum, one-stage adder tree)")
    print()
    smaller = {}
    for o in MAPPERS:
        print(f"Xilinx 7-series, yosys synth_xilinx{' ' + o if o else ''}: "
              "(LUT + LUTRAM sites) per byte of DATA_W")
        print(f"{'DATA_W':>6}  {'tcp_csum':>18}  {'naive':>18}  {'tcp_csum/naive':>14}")
        smaller[o] = True
        for w in WIDTHS:
            cells = {}
            for d in DESIGNS:
                r = xres[(d, w, o)]
                if r.verdict.rejected:
                    print(f"  {d} DATA_W={w}: the synthesis checker rejects it: "
                          f"{sorted(r.verdict.categories())}; see {r.log}")
                cells[d] = r.resources.lut_sites()
            nb = w // 8
            ratio = cells["tcp_csum"] / cells["tcp_csum_naive"]
            smaller[o] &= ratio < 1.0
            print(f"{w:>6}  {cells['tcp_csum'] / nb:7.2f} ({cells['tcp_csum']:5d} LUT)  "
                  f"{cells['tcp_csum_naive'] / nb:7.2f} ({cells['tcp_csum_naive']:5d} LUT)  "
                  f"{ratio:14.2f}")
        print()
    print(f"iCE40UP5K-SG48, nextpnr-ice40, DATA_W={ICE40_W}, seeds 1..{args.seeds} "
          "(inputs and outputs registered by the harness)")
    for d in DESIGNS:
        r = ires[d]
        print(f"  {d:15s} Fmax median {r.median:6.1f} MHz (min {min(r.fmax):.1f}, max "
              f"{max(r.fmax):.1f})  LCs {r.lcs} ({r.harness_ffs} of them harness), "
              f"EBR {r.ebr}")
    ours, naive = ires["tcp_csum"], ires["tcp_csum_naive"]
    fr = ours.median / naive.median
    lr = (ours.lcs - ours.harness_ffs) / (naive.lcs - naive.harness_ffs)
    faster = fr > 1.0
    print(f"  Fmax ratio tcp_csum/naive: {fr:.2f}   LC ratio without harness: {lr:.2f}")
    print()
    verdict = {True: "met", False: "NOT met"}
    print(f"Goal, smaller (LUT/byte ratio < 1 at every DATA_W): {verdict[smaller['']]} "
          f"with synth_xilinx's default mapping ({verdict[smaller['-abc9']]} with -abc9); "
          f"faster (iCE40 Fmax ratio > 1): {verdict[faster]}.")
    print(f"(logs in {args.work})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

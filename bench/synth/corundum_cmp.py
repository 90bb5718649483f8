#!/usr/bin/python3
"""corundum-cmp: the checksum engine against Corundum's receive checksum
block, fpga/common/rtl/rx_checksum.v, synthesized from a checkout you give.

  - Xilinx 7-series at 512 bits (yosys synth_xilinx, the project's command):
    LUT, LUTRAM sites, FF, CARRY4 of both, and the ratios
  - iCE40 HX8K at 64 bits (nextpnr-ice40 --hx8k, the project's harness and
    method: median Fmax over placement seeds 1..N), and the ratio; also our
    own iCE40UP5K figure, the one synth/REPORT.md quotes

Corundum's block is configured to do what ours does: the ones' complement
sum of every byte of each packet from byte 0 (START_OFFSET=0; Corundum's
default, 14, skips an Ethernet header), KEEP_WIDTH = DATA_WIDTH/8 (byte
lanes). It has no tready (it cannot stall its source) and no result queue;
ours takes back-pressure on both sides.

Nothing is downloaded: get a checkout yourself, e.g.
  git clone https://github.com/corundum/corundum /tmp/corundum
  /usr/bin/python3 bench/synth/corundum_cmp.py --corundum /tmp/corundum
or `cmake -DTCPOE_CORUNDUM_DIR=/tmp/corundum ...` and the target
bench-synth-corundum. Without --corundum it measures nothing and says so
(exit status 77). Not a CTest test. See docs/synthesis.md.
"""

import argparse
import concurrent.futures
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "synth"))
import flow  # noqa: E402
from results import params_str  # noqa: E402

SKIP = 77
CORUNDUM_FILE = os.path.join("fpga", "common", "rtl", "rx_checksum.v")
XILINX_W = 512
ICE40_W = 64
ICE40_SEEDS = 5


def ours(width):
    return ("tcp_csum", flow.rtl_packages() + [os.path.join(flow.RTL_DIR, "tcp_csum.sv")],
            [("DATA_W", str(width))])


def corundum(checkout, width):
    return ("rx_checksum", [os.path.join(checkout, CORUNDUM_FILE)],
            [("DATA_WIDTH", str(width)), ("KEEP_WIDTH", str(width // 8)), ("START_OFFSET", "0")])


def git_commit(checkout):
    """HEAD of the checkout and the last commit that changed rx_checksum.v."""
    def git(*args):
        r = subprocess.run(["git", "-C", checkout] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        return r.stdout.strip() if r.returncode == 0 else ""
    return git("rev-parse", "HEAD") or "unknown (not a git checkout)", \
        git("log", "-1", "--format=%H", "--", CORUNDUM_FILE) or "unknown"


def ratio(a, b):
    return f"{a / b:.2f}" if b else "n/a"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corundum", metavar="DIR", help="a checkout of github.com/corundum/corundum")
    ap.add_argument("--work", default=os.path.join(flow.DEFAULT_WORK, "corundum"))
    ap.add_argument("--seeds", type=int, default=ICE40_SEEDS)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--fresh", action="store_true",
                    help="run every tool again, even where the inputs have not changed")
    args = ap.parse_args()
    if not args.corundum:
        print("corundum-cmp: SKIPPED, nothing measured: no Corundum checkout given "
              "(--corundum DIR, or cmake -DTCPOE_CORUNDUM_DIR=DIR); this script downloads nothing")
        return SKIP
    checkout = os.path.abspath(args.corundum)
    if not os.path.isfile(os.path.join(checkout, CORUNDUM_FILE)):
        print(f"corundum-cmp: {checkout} is not a Corundum checkout: no {CORUNDUM_FILE} in it",
              file=sys.stderr)
        return 2
    head, file_commit = git_commit(checkout)
    hx8k = flow.Flow(args.work, reuse=not args.fresh, part=flow.ICE40_HX8K)
    up5k = flow.Flow(args.work, reuse=not args.fresh)

    designs = {"tcp_csum": ours, "rx_checksum": lambda w: corundum(checkout, w)}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        xf = {d: pool.submit(hx8k.synth_xilinx, files, top, params)
              for d, make in designs.items() for top, files, params in [make(XILINX_W)]}
        nets = {d: pool.submit(hx8k.ice40_synth, files, top, params)
                for d, make in designs.items() for top, files, params in [make(ICE40_W)]}
        top, files, params = ours(ICE40_W)
        up_net = pool.submit(up5k.ice40_synth, files, top, params).result()
        nets = {d: f.result() for d, f in nets.items()}
        seeds = {d: hx8k.ice40_submit(pool, n, args.seeds) for d, n in nets.items()}
        up_seeds = up5k.ice40_submit(pool, up_net, args.seeds)
        xres = {d: f.result() for d, f in xf.items()}
        ires = {d: hx8k.ice40_collect(nets[d], seeds[d]) for d in nets}
        up = up5k.ice40_collect(up_net, up_seeds)

    failed = False
    for d, r in xres.items():
        if r.failed:
            failed = True
            print(f"corundum-cmp: {d}: synth_xilinx failed or the checker rejects it: "
                  f"{sorted(r.verdict.categories())} {r.error or ''}; see {r.log}", file=sys.stderr)
    for d, r in list(ires.items()) + [("tcp_csum up5k", up)]:
        if not r.placed:
            failed = True
            print(f"corundum-cmp: {d}: not placed: {r.error or r.does_not_fit}", file=sys.stderr)
    if failed:
        return 1

    a, b = xres["tcp_csum"].resources, xres["rx_checksum"].resources
    fa, fb = ires["tcp_csum"].median, ires["rx_checksum"].median
    print("corundum-cmp: rtl/tcp_csum.sv against Corundum's fpga/common/rtl/rx_checksum.v")
    print(f"  Corundum checkout {checkout}: HEAD {head}, rx_checksum.v last changed in {file_commit}")
    print(f"  Corundum parameters: {params_str(corundum(checkout, XILINX_W)[2])} "
          f"(and DATA_WIDTH={ICE40_W},KEEP_WIDTH={ICE40_W // 8} on the iCE40)")
    print()
    print(f"Xilinx 7-series, DATA_W={XILINX_W}: yosys {flow.XILINX_SYNTH}")
    print(f"  {'':12s} {'tcp_csum':>9s} {'rx_checksum':>12s} {'ratio':>6s}")
    for k, x, y in (("LUT", a.lut, b.lut), ("LUTRAM", a.lutram, b.lutram), ("FF", a.ff, b.ff),
                    ("CARRY4", a.carry4, b.carry4)):
        print(f"  {k:12s} {x:9d} {y:12d} {ratio(x, y):>6s}")
    print(f"  {'LUT+LUTRAM':12s} {a.lut_sites():9d} {b.lut_sites():12d} "
          f"{ratio(a.lut_sites(), b.lut_sites()):>6s}")
    print()
    part = flow.ICE40_HX8K
    print(f"iCE40 {part.device.upper()}, DATA_W={ICE40_W}: nextpnr-ice40 --{part.device} "
          f"--package {part.package}, seeds 1..{args.seeds}, "
          "inputs and outputs registered by synth/flow.py's harness")
    for d in designs:
        r = ires[d]
        print(f"  {d:12s} Fmax median {r.median:6.1f} MHz (min {min(r.fmax):.1f}, max "
              f"{max(r.fmax):.1f}; seeds {' '.join(f'{x:.1f}' for x in r.fmax)}), "
              f"LCs {r.lcs} ({r.harness_ffs} of them harness)")
    print(f"  Fmax ratio tcp_csum/rx_checksum: {ratio(fa, fb)}")
    print(f"  (tcp_csum on the iCE40UP5K, as in synth/REPORT.md: Fmax median {up.median:.1f} MHz)")
    print()
    print(f"Ratios: LUT {ratio(a.lut, b.lut)}, LUT+LUTRAM {ratio(a.lut_sites(), b.lut_sites())}, "
          f"FF {ratio(a.ff, b.ff)}, CARRY4 {ratio(a.carry4, b.carry4)} "
          f"(xc7, {XILINX_W} bits); Fmax {ratio(fa, fb)} (HX8K, {ICE40_W} bits)")
    print(f"(logs in {args.work})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

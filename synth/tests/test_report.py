#!/usr/bin/python3
"""The report renderer (synth/report.py): typed results -> Markdown, every kind
of row, deterministic, and the same after a round trip through results.json;
the README's generated section. CTest: synth.unit.report."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import report  # noqa: E402
import results  # noqa: E402
from results import (BlockResults, Ice40Part, Ice40Result, Ice40Usage, Problem,  # noqa: E402
                     ReportData, Verdict, XilinxResources, XilinxResult)


def w(n):
    return (("DATA_W", str(n)),)


def resources(lut, lutram=0, ff=0):
    return XilinxResources(lut=lut, lutram=lutram, ff=ff, carry4=3, muxf7=2, muxf8=1, ramb18=0,
                           ramb36=1, dsp48=0)


OTHER = "Warning: Replacing memory \\mem with list of registers."
WIDTH = "Warning: Resizing cell port bad.u.a from 16 bits to 8 bits."


def sample():
    return ReportData(
        yosys_version="Yosys 0.23 (test)", nextpnr_version="nextpnr-ice40 (test)",
        xilinx_synth="synth_xilinx -family xc7", seeds=3, ice40_part=Ice40Part(),
        blocks=(
            BlockResults("engine", "eng", xilinx=(
                XilinxResult("eng", w(64), resources=resources(100, 12, 50)),
                XilinxResult("eng", w(512), Verdict(others=(OTHER,)), resources(600, 0, 300))),
                ice40=(Ice40Result("eng", w(64), fmax=(50.25, 55.5, 52.0), lcs=400, ebr=2,
                                   harness_ffs=90),), ice40_planned=True),
            BlockResults("big", "bigblk", xilinx=(
                XilinxResult("bigblk", w(64), resources=resources(2000)),),
                ice40=(Ice40Result("bigblk", w(64), harness_ffs=700,
                                   does_not_fit=Ice40Usage(lut4=3800, ffs=2400, ebr=36)),),
                ice40_planned=True),
            BlockResults("bad", "badblk", xilinx=(
                XilinxResult("badblk", w(64), Verdict((Problem("width", WIDTH),)),
                             log="/w/xc7_badblk_DATA_W64.log"),
                XilinxResult("badblk", w(128), error="yosys not found")),
                ice40=(Ice40Result("badblk", w(64), error="synth_ice40 failed"),),
                ice40_planned=True),
            BlockResults("later", "later_top", missing=("rtl/later_top.sv",),
                         ice40_planned=False),
        ))


class RenderReportTest(unittest.TestCase):
    def setUp(self):
        self.text = report.render_report(sample())
        self.lines = self.text.splitlines()

    def test_rows(self):
        for row in [
            "| engine | eng | DATA_W=64 | 100 | 12 | 50 | 3 | 2 | 1 | 0 | 1 | 0 | 14.00 | clean |",
            "| engine | eng | DATA_W=512 | 600 | 0 | 300 | 3 | 2 | 1 | 0 | 1 | 0 | 9.38 "
            "| clean (1 other warning) |",
            "| big | bigblk | DATA_W=64 | 2000 | 0 | 0 | 3 | 2 | 1 | 0 | 1 | 0 | 250.00 | clean |",
            "| bad | badblk | DATA_W=64 | **REJECTED: width**, see /w/xc7_badblk_DATA_W64.log"
            " | | | | | | | | | | |",
            "| bad | badblk | DATA_W=128 | yosys not found | | | | | | | | | | |",
            "| later | later_top | not yet in rtl/ (rtl/later_top.sv) | | | | | | | | | | | |",
            "| engine | eng | DATA_W=64 | 52.0 | 50.2 | 55.5 | 50.2 55.5 52.0 | 400 | 90 | 2 |",
            "| big | bigblk | DATA_W=64 | does not fit the UP5K: 3800 LUT4, 2400 flip-flops, "
            "36 EBR (harness included) for 5280 logic cells and 30 EBR | | | | | | |",
            "| bad | badblk | DATA_W=64 | synth_ice40 failed | | | | | | |",
        ]:
            with self.subTest(row=row):
                self.assertIn(row, self.lines)

    def test_every_row_has_the_columns_of_its_header(self):
        for line in self.lines:
            if line.startswith("| block | top |"):
                columns = line.count("|")
            elif line.startswith("|"):
                self.assertEqual(line.count("|"), columns, line)

    def test_missing_block_without_ice40_runs_is_not_in_the_ice40_table(self):
        ice40 = self.text[self.text.index("## Lattice"):]
        self.assertNotIn("later", ice40)

    def test_warnings_are_noted(self):
        notes = self.text[self.text.index("Warnings:"):self.text.index("## Lattice")]
        self.assertIn(f"- eng DATA_W=512: `{OTHER}`", notes)
        self.assertIn(f"- badblk DATA_W=64: width: `{WIDTH}`", notes)

    def test_header(self):
        self.assertEqual(self.lines[0], "# Synthesis report")
        self.assertIn("Tools: Yosys 0.23 (test); nextpnr-ice40 (test).", self.lines)
        self.assertIn("## Xilinx 7-series: `yosys synth_xilinx -family xc7`", self.lines)
        self.assertIn("## Lattice iCE40UP5K-SG48 (the iCEBreaker's FPGA): nextpnr-ice40, "
                      "3 placement seeds", self.lines)
        self.assertTrue(self.text.endswith("|\n"))

    def test_deterministic(self):
        self.assertEqual(report.render_report(sample()), self.text)

    def test_failed(self):
        self.assertTrue(sample().failed)
        clean = ReportData(**{**sample().__dict__, "blocks": sample().blocks[:2]})
        self.assertFalse(clean.failed)


class JsonTest(unittest.TestCase):
    def test_round_trip(self):
        data = sample()
        text = results.to_json(data)
        back = results.from_json(text)
        self.assertEqual(report.render_report(back), report.render_report(data))
        self.assertEqual(results.to_json(back), text)
        # The log of a clean run stays out of the file (it names the work folder).
        self.assertNotIn('"log": "/', text.replace('"/w/xc7_badblk_DATA_W64.log"', ""))
        self.assertEqual(back.blocks[2].xilinx[0].log, "/w/xc7_badblk_DATA_W64.log")

    def test_bad_type_is_refused(self):
        text = results.to_json(sample()).replace('"seeds": 3', '"seeds": "3"')
        with self.assertRaises(ValueError):
            results.from_json(text)


class ReadmeTableTest(unittest.TestCase):
    def test_rows(self):
        lines = report.render_readme_table(sample()).splitlines()
        self.assertEqual(lines[0], "| block | DATA_W | LUT | FF | CARRY4 | iCE40UP5K-SG48 at "
                                   "DATA_W=64: Fmax, median of 3 seeds |")
        self.assertEqual(lines[2], "| eng | 64 / 512 | 100 / 600 | 50 / 300 | 3 / 3 "
                                   "| 52.0 MHz (50.2..55.5), 400 LCs |")
        self.assertEqual(lines[3], "| bigblk | 64 | 2000 | 0 | 3 | does not fit: needs "
                                   "36 block RAMs (it has 30) |")
        self.assertEqual(lines[4], "| badblk | — | — | — | — | synth_ice40 failed |")
        self.assertEqual(len(lines), 5)  # no row for the block not in rtl/

    def test_section_replacement(self):
        doc = "intro\n<!-- synth-table:begin -->\nold\n<!-- synth-table:end -->\nafter\n"
        new = report.replace_marked_section(doc, "synth-table", "| new |\n")
        self.assertEqual(new, "intro\n<!-- synth-table:begin -->\n| new |\n"
                              "<!-- synth-table:end -->\nafter\n")
        self.assertEqual(report.marked_section(new, "synth-table"), "| new |\n")
        for broken in ("no markers\n", doc + doc, "<!-- synth-table:begin -->\nx\n"):
            with self.subTest(doc=broken), self.assertRaises(ValueError):
                report.replace_marked_section(broken, "synth-table", "x\n")


if __name__ == "__main__":
    unittest.main()

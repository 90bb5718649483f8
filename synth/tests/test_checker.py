#!/usr/bin/python3
"""The warning checker (synth/checker.py) on sample yosys 0.23 log lines: each
category is recognised, its look-alikes are not, and the rules about repeated
lines, the elaboration marker and latch cells hold. CTest: synth.unit.checker."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checker  # noqa: E402
from results import Problem  # noqa: E402

# Lines as yosys 0.23 prints them for the modules of synth/selftest/ and for
# the other faults the categories name.
SAMPLES = {
    "error": "ERROR: Module `\\tcp_missing' referenced in module `\\top' in cell `\\u' "
             "is not part of the design.",
    "latch": "Latch inferred for signal `\\selftest_latch.\\q' from process "
             "`\\selftest_latch.$proc$selftest_latch.sv:10$1': "
             "$auto$proc_dlatch.cc:427:proc_dlatch$1549",
    "multiple-drivers": "Warning: multiple conflicting drivers for selftest_multidriver.\\y:",
    "width": "Warning: Resizing cell port selftest_width.u_narrow.a from 16 bits to 8 bits.",
    "undriven": "Warning: Wire top.\\x is used but has no driver.",
    "logic-loop": "Warning: found logic loop in module top:",
    "implicit-net": "impl.sv:2: Warning: Identifier `\\tpyo' is implicitly declared.",
}


def categories(log, cells=None):
    return [p.category for p in checker.check_log(log, cells or {}).problems]


class PatternTest(unittest.TestCase):
    def test_every_category_has_a_sample(self):
        self.assertEqual(sorted(SAMPLES), sorted(checker.CATEGORIES))

    def test_each_sample_is_its_category(self):
        for category, line in SAMPLES.items():
            with self.subTest(category=category):
                self.assertEqual(categories(line), [category])

    def test_other_width_messages(self):
        for line in ("Warning: Literal has a width of 4 bit, but value requires 5 bit. (x.sv:12)",
                     "oob.sv:2: Warning: Range select [9:8] out of bounds on signal `\\d': "
                     "Setting all 2 result bits to undef."):
            with self.subTest(line=line):
                self.assertEqual(categories(line), ["width"])

    def test_latch_error_in_always_comb_is_both(self):
        line = "ERROR: Latch inferred for signal `\\t.\\q' from always_comb process `\\t.$proc$'."
        self.assertEqual(categories(line), ["error", "latch"])

    def test_look_alikes_pass(self):
        log = "\n".join([
            "No latch inferred for signal `\\t.\\q' from process `\\t.$proc$'.",
            "Creating register for signal `\\t.\\y' using process `\\t.$proc$'.",
            "Found and reported 0 problems.",
            "Warnings: 3 unique messages, 3 total",
            "ABC: Warning: The network is combinational (run \"fraig\" or \"fraig_sweep\").",
        ])
        verdict = checker.check_log(log, {})
        self.assertEqual(verdict.problems, ())
        self.assertEqual(verdict.others, ())
        self.assertEqual(verdict.summary(), "clean")

    def test_other_warnings_are_listed_not_failing(self):
        line = "Warning: Replacing memory \\mem with list of registers."
        verdict = checker.check_log(line + "\n" + line, {})
        self.assertFalse(verdict.rejected)
        self.assertEqual(verdict.others, (line,))

    def test_repeated_line_counts_once(self):
        line = SAMPLES["multiple-drivers"]
        verdict = checker.check_log("\n".join([line, "", "End of script.", line]), {})
        self.assertEqual(verdict.problems, (Problem("multiple-drivers", line),))

    def test_resizing_after_elaboration_is_the_tools(self):
        rtl = SAMPLES["width"]
        tool = ("Warning: Resizing cell port tcp_tx_builder.buf_mem.0.0.ADDRARDADDR "
                "from 17 bits to 16 bits.")
        log = "\n".join([rtl, checker.ELABORATED, tool])
        self.assertEqual(checker.check_log(log, {}).problems, (Problem("width", rtl),))
        # The marker must be the whole line to count.
        self.assertEqual(categories("log " + checker.ELABORATED + "\n" + tool), ["width"])

    def test_latch_cells_in_netlist(self):
        self.assertEqual(categories("", {"LDCE": 2, "FDRE": 10, "LUT4": 3}), ["latch"])
        self.assertEqual(categories("", {"$_DLATCH_P_": 1}), ["latch"])
        self.assertEqual(categories("", {"FDRE": 10, "LUT6": 1, "CARRY4": 2}), [])

    def test_summary_names_each_category_once(self):
        log = "\n".join([SAMPLES["width"], SAMPLES["multiple-drivers"],
                         "Warning: Resizing cell port t.u.y from 16 bits to 8 bits."])
        self.assertEqual(checker.check_log(log, {}).summary(),
                         "**REJECTED: width, multiple-drivers**")


if __name__ == "__main__":
    unittest.main()

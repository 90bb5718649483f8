#!/usr/bin/python3
"""scripts/readme_tables.py's comparison of README's benchmark tables with a
fresh run, on sample tables: a changed cycle-counting cell, header or row count
fails; a changed machine-speed cell does not. CTest: bench.readme.compare."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import readme_tables  # noqa: E402

FRESH = """| DATA_W | beats/cycle | latency (cycles) | sim kcycles/s |
|---|---|---|---|
| 64 | 1.000 | 4..4 | - |
| 512 | 0.996 | 4..4 | - |

machine-speed columns: sim kcycles/s

limits: a line after the table
"""
README = """| DATA_W | beats/cycle | latency (cycles) | sim kcycles/s |
|---|---|---|---|
| 64 | 1.000 | 4..4 | 11145 |
| 512 | 0.996 | 4..4 | 3466 |

*sim kcycles/s* measures the simulator's speed.
"""


def compare(readme, fresh=FRESH):
    return readme_tables.compare(readme_tables.BenchTable(readme, "README"),
                                 readme_tables.BenchTable(fresh, "bench"))


class CompareTest(unittest.TestCase):
    def test_match_skips_machine_speed(self):
        self.assertEqual(compare(README), ([], ["sim kcycles/s"]))
        self.assertEqual(compare(README.replace("3466", "1")), ([], ["sim kcycles/s"]))

    def test_changed_cell_fails(self):
        diffs, _ = compare(README.replace("0.996", "0.998"))
        self.assertEqual(diffs, ["DATA_W=512, column 'beats/cycle': README says '0.998', "
                                 "a fresh run gives '0.996'"])

    def test_changed_header_fails(self):
        diffs, _ = compare(README.replace("latency (cycles)", "latency"))
        self.assertEqual(len(diffs), 1)
        self.assertIn("header", diffs[0])

    def test_missing_row_fails(self):
        diffs, _ = compare(README.replace("| 512 | 0.996 | 4..4 | 3466 |\n", ""))
        self.assertEqual(diffs, ["README has 1 rows, the benchmark prints 2"])

    def test_without_speed_line_every_column_counts(self):
        fresh = FRESH.replace("machine-speed columns: sim kcycles/s\n", "")
        diffs, skipped = compare(README, fresh)
        self.assertEqual(skipped, [])
        self.assertEqual(len(diffs), 2)

    def test_bad_tables_are_refused(self):
        for text in ("no table\n", "| a | b |\n|---|---|\n", "| a | b |\n|---|---|\n| 1 |\n"):
            with self.subTest(text=text), self.assertRaises(ValueError):
                readme_tables.BenchTable(text, "sample")

    def test_section_note(self):
        table = readme_tables.BenchTable(FRESH, "bench")
        self.assertIn("*sim kcycles/s* measures the simulator's speed",
                      readme_tables.note("csum", table))
        self.assertIn("`bench.readme.csum` checks every other column",
                      readme_tables.note("csum", table))
        two = readme_tables.BenchTable(FRESH.replace("columns: sim kcycles/s",
                                                     "columns: sim kcycles/s | lockstep"), "b")
        self.assertIn("*sim kcycles/s* and *lockstep* measure the", readme_tables.note("x", two))


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/python3
"""The flow's reuse of earlier runs (synth/flow.py): the run key changes when
an RTL file or a parameter changes, and a Flow reuses exactly the runs whose
key is unchanged, with a stand-in yosys that counts its runs (no synthesis).
Also the table of blocks. CTest: synth.unit.flow."""

import os
import stat
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import flow  # noqa: E402

# A stand-in for yosys: `-V` prints a version; `-q -l LOG -s SCRIPT` appends a
# line to runs.txt beside it, writes the log, and writes a netlist statistic
# for every `tee -q -o FILE` of the script; the script line `fail` fails it.
FAKE_YOSYS = r'''#!/usr/bin/python3
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
if sys.argv[1:] == ["-V"]:
    print(open(os.path.join(here, "version.txt")).read().strip())
    sys.exit(0)
log, script = sys.argv[sys.argv.index("-l") + 1], sys.argv[sys.argv.index("-s") + 1]
lines = open(script).read().splitlines()
with open(os.path.join(here, "runs.txt"), "a") as f:
    f.write(script + "\n")
with open(log, "w") as f:
    f.write("Warning: a warning of the stand-in\n")
for line in lines:
    words = line.split()
    if words[:3] == ["tee", "-q", "-o"]:
        with open(words[3], "w") as f:
            json.dump({"design": {"num_cells_by_type": {"LUT6": 7, "FDRE": 5}}}, f)
sys.exit(1 if "fail" in lines else 0)
'''


class Sandbox(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="tcpoe-synth-unit-")
        self.dir = self.tmp.name
        self.rtl = os.path.join(self.dir, "rtl")
        os.makedirs(self.rtl)
        self.write("rtl/blk.sv", "module blk #(parameter DATA_W = 64) (input wire clk);\n"
                                 "endmodule\n")
        self.write("rtl/blk_pkg.sv", "package blk_pkg; endpackage\n")
        self.write("bin/version.txt", "Yosys stand-in 1\n")
        self.yosys = self.write("bin/yosys", FAKE_YOSYS)
        os.chmod(self.yosys, os.stat(self.yosys).st_mode | stat.S_IXUSR)
        flow.tool_version.cache_clear()

    def tearDown(self):
        flow.tool_version.cache_clear()
        self.tmp.cleanup()

    def write(self, rel, text):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def files(self):
        return flow.rtl_packages(self.rtl) + [os.path.join(self.rtl, "blk.sv")]

    def key(self, params=(("DATA_W", "64"),), version="Yosys 0.23", **kw):
        script = flow.xilinx_script(self.files(), "blk", params, "/w/stat.json", **kw)
        return flow.yosys_run_key(version, "\n".join(script) + "\n")

    def runs(self):
        try:
            with open(os.path.join(self.dir, "bin", "runs.txt")) as f:
                return len(f.read().splitlines())
        except FileNotFoundError:
            return 0


class RunKeyTest(Sandbox):
    def test_same_inputs_same_key(self):
        self.assertEqual(self.key(), self.key())

    def test_rtl_edit_changes_key(self):
        before = self.key()
        self.write("rtl/blk.sv", "module blk #(parameter DATA_W = 64) (input wire clk);\n"
                                 "  // edited\nendmodule\n")
        self.assertNotEqual(self.key(), before)

    def test_package_edit_changes_key(self):
        before = self.key()
        self.write("rtl/blk_pkg.sv", "package blk_pkg; localparam int X = 1; endpackage\n")
        self.assertNotEqual(self.key(), before)

    def test_parameter_changes_key(self):
        self.assertNotEqual(self.key((("DATA_W", "128"),)), self.key())
        self.assertNotEqual(self.key((("DATA_W", "64"), ("DEPTH", "8"))), self.key())

    def test_tool_version_and_flow_change_key(self):
        self.assertNotEqual(self.key(version="Yosys 0.24"), self.key())
        self.assertNotEqual(self.key(options="-abc9"), self.key())
        self.assertNotEqual(self.key(full=False), self.key())

    def test_inputs_are_the_scripts_existing_sources(self):
        script = flow.xilinx_script(self.files() + ["/nonexistent.sv"], "blk", (), "/w/s.json")
        self.assertEqual(flow.yosys_script_inputs("\n".join(script)), sorted(self.files()))


class ReuseTest(Sandbox):
    def synth(self, reuse=True, params=(("DATA_W", "64"),)):
        f = flow.Flow(os.path.join(self.dir, "work"), flow.Tools(yosys=self.yosys), reuse=reuse)
        return f.synth_xilinx(self.files(), "blk", params)

    def test_unchanged_run_is_reused(self):
        first = self.synth()
        self.assertEqual(self.runs(), 1)
        self.assertEqual(first.resources.lut, 7)
        self.assertEqual(first.verdict.others, ("Warning: a warning of the stand-in",))
        second = self.synth()
        self.assertEqual(self.runs(), 1)
        self.assertEqual(second, first)

    def test_changed_rtl_or_parameter_runs_again(self):
        self.synth()
        self.synth(params=(("DATA_W", "128"),))
        self.assertEqual(self.runs(), 2)
        self.write("rtl/blk.sv", "module blk #(parameter DATA_W = 8) (input wire clk);\n"
                                 "endmodule\n")
        self.synth()
        self.assertEqual(self.runs(), 3)
        self.synth()
        self.assertEqual(self.runs(), 3)

    def test_no_reuse_when_fresh(self):
        self.synth(reuse=False)
        self.synth(reuse=False)
        self.assertEqual(self.runs(), 2)

    def test_missing_output_runs_again(self):
        self.synth()
        work = os.path.join(self.dir, "work")
        os.remove(os.path.join(work, flow.xilinx_tag("blk", (("DATA_W", "64"),)) + ".stat.json"))
        self.assertEqual(self.synth().resources.lut, 7)
        self.assertEqual(self.runs(), 2)

    def test_failed_run_is_not_reused(self):
        f = flow.Flow(os.path.join(self.dir, "work"), flow.Tools(yosys=self.yosys), reuse=True)
        for _ in range(2):
            rc, _ = f.run_yosys(["fail"], "failing")
            self.assertEqual(rc, 1)
        self.assertEqual(self.runs(), 2)


class TableTest(Sandbox):
    def test_read_table(self):
        path = self.write("blocks.txt", "# comment\n"
                          "eng blk blk.sv DATA_W=64|DATA_W=128,X=1 DATA_W=64\n"
                          "later nothere * DATA_W=64 -\n")
        eng, later = flow.read_table(path, self.rtl)
        self.assertEqual(eng.xilinx, ((("DATA_W", "64"),), (("DATA_W", "128"), ("X", "1"))))
        self.assertEqual(eng.ice40, ((("DATA_W", "64"),),))
        self.assertEqual(eng.missing(), ())
        self.assertEqual(eng.files(), self.files())
        self.assertEqual(later.missing(), ("rtl/nothere.sv",))
        self.assertEqual(later.ice40, ())

    def test_bad_table_is_refused(self):
        path = self.write("blocks.txt", "eng blk blk.sv DATA_W=64\n")
        with self.assertRaises(SystemExit) as e:
            flow.read_table(path, self.rtl)
        self.assertIn("want 5 columns, got 4", str(e.exception))
        path = self.write("blocks.txt", "eng blk blk.sv DATA_W64 -\n")
        with self.assertRaises(SystemExit) as e:
            flow.read_table(path, self.rtl)
        self.assertIn("blocks.txt:1: bad parameter 'DATA_W64' (want NAME=VALUE)", str(e.exception))


if __name__ == "__main__":
    unittest.main()

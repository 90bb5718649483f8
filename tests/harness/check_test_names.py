#!/usr/bin/python3
"""check_test_names: no Catch2 test name under tests/ holds a ';'.

catch_discover_tests() hands each name to CTest as a CMake list item, and
CMake splits lists at ';': a name with one becomes two CTest entries that
each match no Catch2 test, run nothing and pass. This check keeps such
names out. Usage: check_test_names.py TESTS_DIR | --self-test
"""

import os
import re
import sys

# TEST_CASE( followed by one or more adjacent string literals (the name).
NAME = re.compile(r'\b(?:TEST_CASE|SCENARIO|TEMPLATE_TEST_CASE)\s*\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)')
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def names(text):
    for m in NAME.finditer(text):
        yield text.count("\n", 0, m.start()) + 1, "".join(LITERAL.findall(m.group(1)))


def bad_names(root):
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            if not f.endswith((".cpp", ".h")):
                continue
            path = os.path.join(dirpath, f)
            with open(path, encoding="utf-8") as fh:
                for line, name in names(fh.read()):
                    if ";" in name:
                        yield f"{path}:{line}: {name!r}"


def self_test():
    sample = 'TEST_CASE("a; b", "[x]")\nTEST_CASE("fine, "\n          "split; here", "[y]")\nTEST_CASE("ok")\n'
    found = [n for _, n in names(sample) if ";" in n]
    assert found == ["a; b", "fine, split; here"], found
    print("check_test_names self-test: finds both names with ';'")


def main():
    if sys.argv[1:] == ["--self-test"]:
        self_test()
        return 0
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    bad = list(bad_names(sys.argv[1]))
    for b in bad:
        print(f"test name with ';' (CTest would split it and run nothing): {b}", file=sys.stderr)
    if not bad:
        print(f"check_test_names: no test name under {sys.argv[1]} holds a ';'")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

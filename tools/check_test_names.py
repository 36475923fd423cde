#!/usr/bin/env python3
"""Test names a student meets must be names that work.

1. Catch2 v2's console reporter indents a wrapped test name under the text after its first
   ": ". When that ": " ends at column 79 or later, the reporter aborts on an assertion of its own
   (Catch2 2.13: `m_column.m_width > m_column.m_indent`), so a failing test with such a name
   crashes the student's test program. Every test program's names are checked.
2. The names on each exercise's task page are real: the first column of its "What the tests
   check" table names a test exactly, and `./course check NN "..."` or
   `build/student/tests/exNN "..."` on the page selects at least one test.

Usage: tools/check_test_names.py TEST_DIR   (the folder of built test programs, e.g. build/test/tests)
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATCH2_V2_WIDTH = 79  # CATCH_CONFIG_CONSOLE_WIDTH (80) - 1


def test_names(program):
    """The program's test case names, on Catch2 v2 or v3."""
    listed = subprocess.run([program, "--list-test-names-only"], capture_output=True, text=True,
                            timeout=60, stdin=subprocess.DEVNULL)
    if "Unrecognised token" in listed.stdout + listed.stderr:
        listed = subprocess.run([program, "--list-tests", "--verbosity", "quiet"], capture_output=True,
                                text=True, timeout=60, stdin=subprocess.DEVNULL)
    return [line for line in listed.stdout.splitlines() if line.strip()]


def wrap_crash(name):
    """Why Catch2 v2 cannot print this name (or CTest cannot register it), or None."""
    if ";" in name:
        return "it holds a ';', on which CTest splits a test's name"
    colon = name.find(": ")
    if colon >= 0 and colon + 2 >= CATCH2_V2_WIDTH:
        return (f'its first ": " ends at column {colon + 2}; Catch2 v2 aborts when that is '
                f"{CATCH2_V2_WIDTH} or more (shorten the name, or drop the \": \")")
    return None


def catch2_spec_matches(spec, names):
    """The names a command-line test spec selects (names, wildcards at either end; ',' is 'or')."""
    chosen = set()
    for part in re.split(r"(?<!\\),", spec):
        part = part.replace("\\", "").lower()
        starts, ends = part.startswith("*"), part.endswith("*")
        core = part.strip("*")
        for name in names:
            low = name.lower()
            if (starts and ends and core in low) or (starts and not ends and low.endswith(core)) or \
               (ends and not starts and low.startswith(core)) or (not starts and not ends and low == core):
                chosen.add(name)
    return chosen


def page_names(page):
    """(line number, name) of the first column of the "What the tests check" table."""
    inside = False
    for number, line in enumerate(page.read_text().splitlines(), start=1):
        if line.startswith("## "):
            inside = line.startswith("## What the tests check")
            continue
        if inside and line.startswith("|"):
            cell = line.split("|")[1].strip().replace("`", "")
            if cell and cell != "test" and not set(cell) <= set("-: "):
                yield number, cell


def check_page(page, nn, names):
    faults = []
    for number, name in page_names(page):
        if name not in names:
            faults.append(f"{page}:{number}: no test of ex{nn} is named '{name}'")
    text = page.read_text()
    for match in re.finditer(r'\./course check ' + nn + r' "([^"]+)"', text):
        part = match.group(1).lower()
        if not any(part in name.lower() for name in names):
            line = text.count("\n", 0, match.start()) + 1
            faults.append(f"{page}:{line}: ./course check {nn} \"{match.group(1)}\" selects no test")
    for match in re.finditer(r'tests/ex' + nn + r' "([^"]+)"', text):
        line = text.count("\n", 0, match.start()) + 1
        if not catch2_spec_matches(match.group(1), names):
            faults.append(f"{page}:{line}: tests/ex{nn} \"{match.group(1)}\" selects no test "
                          "(Catch2 reads a comma as 'or': write \\, or use ./course check NN \"part\")")
    return faults


def main(test_dir):
    faults, programs = [], 0
    for program in sorted(pathlib.Path(test_dir).iterdir()):
        if not (program.is_file() and program.stat().st_mode & 0o111):
            continue
        programs += 1
        names = test_names(program)
        for name in names:
            why = wrap_crash(name)
            if why:
                faults.append(f"{program.name}: '{name}': {why}")
        nn = re.fullmatch(r"ex(\d\d)", program.name)
        if nn:
            pages = list(ROOT.glob(f"exercises/{nn.group(1)}-*/README.md"))
            for page in pages:
                faults.extend(check_page(page.relative_to(ROOT), nn.group(1), names))
    if programs == 0:
        faults.append(f"no test programs in {test_dir}")
    for fault in dict.fromkeys(faults):
        print(fault)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/test/tests"))

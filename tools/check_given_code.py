#!/usr/bin/env python3
"""Given code is the same in a stub and in its solution.

A stub file in exercises/NN-slug/ that has a replacement of the same name in solutions/NN-slug/
must be identical to it, line for line, outside its TODO regions. A TODO region is written the
same way in both files:

    // TODO 2 begin: recv() what has arrived and add it to partial_.
    ...             (the student's lines: anything, in the stub and in the solution)
    // TODO 2 end

- The begin line is `// TODO <id> begin`, alone on its line after its indentation; text after
  `begin` (the stub's instructions, usually after a ": ") is the student's and is not compared.
- The end line is exactly `// TODO <id> end`, with the same indentation.
- `<id>` is a number (the TODO the task page names) or a word (`helpers`: a place for functions
  of the student's own). Each id appears once per file, in the same order in stub and solution.
- The file's opening comment (its first lines, while they start with `//`) is not compared: the
  stub says "Exercise NN: ..., check with ./course check NN", the solution "a solution".

Usage: tools/check_given_code.py [NN ...]   (default: every exercise that has a solutions/ folder)
Exit 0 when all agree; exit 1 listing each difference.
"""
import difflib
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BEGIN = re.compile(r"^(\s*)// TODO (\w+) begin\b")
END = re.compile(r"^(\s*)// TODO (\w+) end\s*$")
ANY_MARK = re.compile(r"//\s*TODO\s*\(?\w+\)?\s*(begin|end)\b")


def given(path):
    """(given lines as (line number, text), region ids, problems) of one file."""
    lines = path.read_text().splitlines()
    problems, ids, out = [], [], []
    i = 0
    while i < len(lines) and lines[i].startswith("//"):
        i += 1
    open_region = None  # (indent, id, line number)
    for number, text in enumerate(lines[i:], start=i + 1):
        begin, end = BEGIN.match(text), END.match(text)
        if open_region is None:
            if begin:
                open_region = (begin.group(1), begin.group(2), number)
                if begin.group(2) in ids:
                    problems.append(f"{path}:{number}: TODO {begin.group(2)} begins a second time")
                ids.append(begin.group(2))
                out.append((number, f"{begin.group(1)}// TODO {begin.group(2)} begin"))
            elif end:
                problems.append(f"{path}:{number}: `// TODO {end.group(2)} end` with no begin")
            else:
                if ANY_MARK.search(text):
                    problems.append(f"{path}:{number}: not a TODO marker as written "
                                    f"(`// TODO <id> begin` / `// TODO <id> end` on their own line): {text.strip()}")
                out.append((number, text))
        elif end and end.group(2) == open_region[1]:
            if end.group(1) != open_region[0]:
                problems.append(f"{path}:{number}: TODO {end.group(2)} ends with another indentation than it begins")
            out.append((number, text))
            open_region = None
        elif begin:
            problems.append(f"{path}:{number}: TODO {begin.group(2)} begins inside TODO {open_region[1]} "
                            f"(line {open_region[2]})")
    if open_region is not None:
        problems.append(f"{path}:{open_region[2]}: TODO {open_region[1]} has no `// TODO {open_region[1]} end`")
    return out, ids, problems


def compare(stub, solution):
    """Differences between a stub and its solution outside the TODO regions, as lines of text."""
    stub_lines, stub_ids, problems = given(stub)
    sol_lines, sol_ids, sol_problems = given(solution)
    problems += sol_problems
    if not stub_ids:
        problems.append(f"{stub}: no TODO region (`// TODO <id> begin` ... `// TODO <id> end`)")
    if stub_ids != sol_ids:
        problems.append(f"{solution}: TODO regions {sol_ids}, the stub has {stub_ids}")
    a = [text for _, text in stub_lines]
    b = [text for _, text in sol_lines]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        where_a = f"{stub}:{stub_lines[i1][0] if i1 < len(stub_lines) else len(stub_lines)}"
        where_b = f"{solution}:{sol_lines[j1][0] if j1 < len(sol_lines) else len(sol_lines)}"
        lines = [f"{where_a} vs {where_b}: given code differs outside the TODO regions"]
        lines += [f"    stub:     {text}" for text in a[i1:i2]]
        lines += [f"    solution: {text}" for text in b[j1:j2]]
        problems.append("\n".join(lines))
    return problems


def main(argv):
    wanted = set(argv[1:])
    problems, checked = [], 0
    for solution_dir in sorted((ROOT / "solutions").glob("[0-9][0-9]-*")):
        number = solution_dir.name[:2]
        if wanted and number not in wanted:
            continue
        exercise_dir = ROOT / "exercises" / solution_dir.name
        for solution in sorted(p for p in solution_dir.rglob("*") if p.suffix in (".cpp", ".hpp", ".h")):
            stub = exercise_dir / solution.relative_to(solution_dir)  # challenges/ too
            if not stub.exists():
                problems.append(f"{solution}: no stub {stub.relative_to(ROOT)} for it to replace")
                continue
            problems += [p.replace(str(ROOT) + "/", "") for p in compare(stub, solution)]
            checked += 1
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_given_code: {len(problems)} difference(s) between stubs and solutions "
              f"outside the TODO regions")
        return 1
    print(f"check_given_code: {checked} stub(s) agree with their solutions outside the TODO regions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Every class and free function of the library's headers says which chapter introduced it.

Doxygen checks that every public symbol is documented; this checks what it cannot: that the
documentation of each namespace-level declaration carries the \\chapter{NN} tag (CONTRIBUTING.md).
Usage: tools/check_chapter_tags.py [HEADER_DIR]   (default: lib/include/asyncore)
"""
import pathlib
import sys


def untagged(path):
    """(line number, declaration) of namespace-level declarations whose doc lacks \\chapter."""
    block = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.startswith("///"):
            block.append(line)
            continue
        if line.startswith("#") or not line.strip():
            continue  # guards and blank lines sit between a comment and its declaration
        at_namespace_level = not line[0].isspace() and not line.startswith(("}", "namespace"))
        if block and at_namespace_level and not any("\\file" in b or "\\chapter{" in b for b in block):
            yield number, line.strip()
        block = []


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "lib/include/asyncore")
    missing = [(header, n, decl) for header in sorted(root.glob("*.hpp")) for n, decl in untagged(header)]
    for header, n, decl in missing:
        print(f"{header}:{n}: no \\chapter{{NN}} in the documentation of: {decl}")
    if missing:
        print("Add \\chapter{NN}, the chapter that introduces it, at the end of its comment.")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

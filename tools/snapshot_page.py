#!/usr/bin/env python3
"""Writes the docs page of one library snapshot (called by tools/snapshot.sh).

    snapshot_page.py OUT NN [PREVIOUS]    reads OUT/chNN/, OUT/chNN.diff; prints the page

The page: what the chapter added (the diff, coloured), the API the chapter introduced (each
declaration tagged \\chapter{NN} in the headers, with the first sentence of its comment), and
every file of the snapshot.
"""
import html
import os
import re
import sys

out, chapter = sys.argv[1], sys.argv[2]
previous = sys.argv[3] if len(sys.argv) > 3 else None
number = int(chapter)
root = os.path.join(out, f"ch{chapter}")


def files():
    found = []
    for base in ("include", "src"):
        for d, _, names in os.walk(os.path.join(root, base)):
            found += [os.path.relpath(os.path.join(d, n), root) for n in names]
    return sorted(found)


def api():
    """(header, declaration, brief) for each declaration tagged \\chapter{NN}."""
    items = []
    tag = re.compile(r"\\chapter\{0*%d\}" % number)
    for rel in files():
        if not rel.startswith("include/"):
            continue
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            lines = f.read().split("\n")
        comment = []
        for i, line in enumerate(lines):
            s = line.strip()
            if s.startswith("///"):
                comment.append(s[3:].strip())
                continue
            if not comment:
                continue
            text = " ".join(comment)
            comment = []
            if not tag.search(text) or not s or s.startswith("#"):
                continue
            decl = s
            j = i
            while not re.search(r"[;{]\s*(//.*)?$", decl) and j + 1 < len(lines):
                j += 1
                decl += " " + lines[j].strip()
            decl = re.sub(r"\s*(\{.*|;\s*(//.*)?)$", "", decl)
            decl = re.sub(r"\s+", " ", decl)
            brief = re.sub(r"\\chapter\{\d+\}", "", text).strip()
            brief = re.split(r"(?<=\.)\s", brief, maxsplit=1)[0]
            items.append((rel, decl, brief))
    return items


def code_spans(text):
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


def diff_html(path):
    rows = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f.read().rstrip("\n").split("\n"):
            if line.startswith(("+++", "---", "diff ")):
                cls = "diff-file"
            elif line.startswith("@@"):
                cls = "diff-hunk"
            elif line.startswith("+"):
                cls = "diff-add"
            elif line.startswith("-"):
                cls = "diff-del"
            else:
                cls = "diff-ctx"
            rows.append(f'<div class="line {cls}">{html.escape(line) or "&#160;"}</div>')
    return '<div class="fragment diff">\n' + "\n".join(rows) + "\n</div>"


p = print
p(f"# The library after chapter {chapter} {{#snapshot_ch{chapter}}}")
p()
p(f"This is the library exactly as it stands after [chapter {chapter}](#ch{chapter}), generated from the one source")
p("in `lib/` by resolving the `#if ASYNCORE_CHAPTER >= N` guards with `unifdef`. It is the code")
p(f"of the `asyncore_ch{chapter}` library that the build compiles and the tests check.")
p("[All the snapshots](#snapshots) says how to generate them as files.")
p()
# The tag puts this page first in the chapter's API list. Doxygen makes those lists in the order
# it meets their first entry, and these pages come before the headers: so the lists appear in
# chapter order, not in the order of the headers' tags.
p(f"\\chapter{{{chapter}}}")
p()
if previous:
    p(f"## What chapter {chapter} added {{#snapshot_ch{chapter}_diff}}")
    p()
    p(f"Against [the library after chapter {previous}](#snapshot_ch{previous}): lines starting with `+` are new,")
    p("lines starting with `-` are gone.")
    p()
    p("\\htmlonly")
    p(diff_html(os.path.join(out, f"ch{chapter}.diff")))
    p("\\endhtmlonly")
    p()
p(f"## The API of chapter {chapter} {{#snapshot_ch{chapter}_api}}")
p()
items = api()
if items:
    p(f"What chapter {chapter} adds to the public headers, each with the first sentence of its")
    p("comment (the class and member pages of the reference have the rest):")
    header = None
    for rel, decl, brief in items:
        if rel != header:
            p()
            p(f"### {rel[len('include/'):]}")
            p()
            header = rel
        p("\\htmlonly")
        p(f'<div class="snapshot-api"><code>{html.escape(decl)}</code><div class="snapshot-api-brief">{code_spans(brief)}</div></div>')
        p("\\endhtmlonly")
else:
    p(f"Chapter {chapter} adds no public declarations.")
p()
p(f"## Every file {{#snapshot_ch{chapter}_files}}")
for rel in files():
    p()
    p(f"### {rel}")
    p()
    p(f"\\include ch{chapter}/{rel}")

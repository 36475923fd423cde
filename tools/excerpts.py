#!/usr/bin/env python3
"""Keeps the code and the pictures of the Markdown pages identical to their one source.

    tools/excerpts.py --check     exit 1, listing each excerpt or picture that is not current
    tools/excerpts.py --write     rewrite them from their sources

Code: a fenced block right after a comment naming its source,

    <!-- excerpt: lib/src/dispatcher.cpp handle_eof chapter=07 -->
    ```cpp
    ...
    ```

holds the lines between the two `// [handle_eof]` (or `# [handle_eof]`) marker lines of that file,
less their common indentation and any other marker line. With `chapter=NN` the file is first
resolved by unifdef as tools/snapshot.sh does (the library as it stands after chapter NN), so the
chapter guards do not show. `--write` also turns a bare Doxygen `\\snippet FILE MARKER` line into
such a block (`chNN/...` meaning `lib/...` at chapter NN).

Pictures: a Graphviz file `chapters/NN-slug/NAME.dot` is rendered to `NAME.svg` beside it, which
is committed, so that the picture shows wherever the Markdown is read. The SVG carries the
sha256 of its .dot: `--check` fails when they differ (the exact output of dot varies with the
Graphviz version, so it is not compared). `--write` also moves a `\\dot ... \\enddot` block of a
page into such a file and puts a Markdown image in its place.

Needs only python3, unifdef and (for --write of pictures) Graphviz's dot.
"""
import argparse
import glob
import hashlib
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = ["chapters/*/README.md", "exercises/*/README.md", "solutions/*/NOTES.md", "docs/*.md", "README.md"]
EXCERPT = re.compile(r"^<!-- excerpt: (\S+) (\w+)(?: chapter=(\d+))? -->$")
SNIPPET = re.compile(r"^\\snippet (\S+) (\w+)\s*$")
PICTURE = re.compile(r"^!\[[^\]]*\]\(([\w.-]+\.svg)\)")
LANG = {".cpp": "cpp", ".hpp": "cpp", ".h": "cpp", ".py": "python", ".sh": "sh", ".cmake": "cmake"}
DOT_ATTRS = ["-Gbgcolor=#ffffff", "-Gpad=0.2"]
SVG_STAMP = re.compile(r"<!-- source: (\S+) sha256=([0-9a-f]{64}) -->")


class Fault(Exception):
    pass


def marker_line(line, name=None):
    m = re.match(r"^\s*(?://|#)\s*\[([a-z][a-z0-9_]*)\]\s*$", line)
    return bool(m) and (name is None or m.group(1) == name)


_unifdef_cache = {}


def source_text(path, chapter):
    full = os.path.join(ROOT, path)
    if not os.path.isfile(full):
        raise Fault(f"{path}: no such file")
    if chapter is None:
        with open(full, encoding="utf-8") as f:
            return f.read()
    key = (path, int(chapter))
    if key not in _unifdef_cache:
        # As tools/snapshot.sh: unifdef exits 1 when it changed something, its normal case.
        run = subprocess.run(["unifdef", f"-DASYNCORE_CHAPTER={int(chapter)}", "-x", "2", full],
                             capture_output=True, text=True)
        if run.returncode not in (0, 1):
            raise Fault(f"{path}: unifdef failed: {run.stderr.strip()}")
        _unifdef_cache[key] = run.stdout
    return _unifdef_cache[key]


def excerpt(path, marker, chapter):
    lines = source_text(path, chapter).split("\n")
    at = [i for i, line in enumerate(lines) if marker_line(line, marker)]
    where = f"{path} [{marker}]" + (f" at chapter {chapter}" if chapter else "")
    if len(at) != 2:
        raise Fault(f"{where}: expected 2 marker lines, found {len(at)}")
    body = [line.rstrip() for line in lines[at[0] + 1:at[1]] if not marker_line(line)]
    while body and not body[0]:
        body.pop(0)
    while body and not body[-1]:
        body.pop()
    if not body:
        raise Fault(f"{where}: the marked region is empty")
    indent = min(len(l) - len(l.lstrip()) for l in body if l.strip())
    return [l[indent:] for l in body]


def lang_of(path):
    return LANG.get(os.path.splitext(path)[1], "")


def dot_stamp(dot_path):
    with open(dot_path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def render_svg(dot_path):
    svg_path = dot_path[:-4] + ".svg"
    run = subprocess.run(["dot", "-Tsvg", *DOT_ATTRS, dot_path], capture_output=True, text=True)
    if run.returncode != 0:
        raise Fault(f"{rel(dot_path)}: dot failed: {run.stderr.strip()}")
    svg = run.stdout
    # Drop the comments dot writes (its version and the file name) so the output depends on the
    # .dot only, and stamp the source's hash.
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)
    stamp = f"<!-- source: {os.path.basename(dot_path)} sha256={dot_stamp(dot_path)} -->\n"
    svg = re.sub(r"(<svg\b)", stamp + r"\1", svg, count=1)
    with open(svg_path, "w", encoding="utf-8") as f:
        f.write(svg)


def check_svg(dot_path):
    svg_path = dot_path[:-4] + ".svg"
    if not os.path.isfile(svg_path):
        return f"{rel(svg_path)}: missing (tools/excerpts.py --write renders it)"
    with open(svg_path, encoding="utf-8") as f:
        m = SVG_STAMP.search(f.read())
    if not m or m.group(1) != os.path.basename(dot_path) or m.group(2) != dot_stamp(dot_path):
        return f"{rel(svg_path)}: not rendered from the current {os.path.basename(dot_path)} (tools/excerpts.py --write)"
    return None


def rel(path):
    return os.path.relpath(path, ROOT)


def process_page(path, write, faults):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    out = []
    i = 0
    page_dir = os.path.dirname(path)
    chapter_tag = re.match(r"(\d\d)-", os.path.basename(page_dir))
    while i < len(lines):
        line = lines[i]
        m = SNIPPET.match(line)
        if m and write:
            src, marker = m.groups()
            cm = re.match(r"ch(\d\d)/(.*)$", src)
            chapter = None
            if cm:
                chapter, src = cm.group(1), "lib/" + cm.group(2)
            line = f"<!-- excerpt: {src} {marker}" + (f" chapter={chapter}" if chapter else "") + " -->"
            lines[i:i + 1] = [line, f"```{lang_of(src)}", "```"]
        elif m:
            faults.append(f"{rel(path)}:{i + 1}: a bare \\snippet (tools/excerpts.py --write makes it a code block)")
        if line.strip() == "\\dot":
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "\\enddot"), None)
            if end is None:
                faults.append(f"{rel(path)}:{i + 1}: \\dot without \\enddot")
            elif not write:
                faults.append(f"{rel(path)}:{i + 1}: a \\dot block (tools/excerpts.py --write moves it to a .dot file)")
            else:
                body = lines[i + 1:end]
                gm = re.match(r"\s*(?:di)?graph\s+(\w+)", body[0] if body else "")
                name = gm.group(1) if gm else f"picture{i}"
                prefix = f"ch{chapter_tag.group(1)}-" if chapter_tag else ""
                dot_path = os.path.join(page_dir, f"{prefix}{name.replace('_', '-')}.dot")
                with open(dot_path, "w", encoding="utf-8") as f:
                    f.write("\n".join(body) + "\n")
                render_svg(dot_path)
                alt = name.replace("_", " ")
                out.append(f"![{alt}]({os.path.basename(dot_path)[:-4]}.svg)")
                i = end + 1
                continue
        m = EXCERPT.match(line)
        if m:
            src, marker, chapter = m.groups()
            out.append(line)
            if i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
                faults.append(f"{rel(path)}:{i + 1}: an excerpt comment not followed by a code block")
                i += 1
                continue
            end = next((j for j in range(i + 2, len(lines)) if lines[j].startswith("```")), None)
            if end is None:
                faults.append(f"{rel(path)}:{i + 2}: an unclosed code block")
                i += 1
                continue
            try:
                want = excerpt(src, marker, chapter)
            except Fault as e:
                faults.append(f"{rel(path)}:{i + 1}: {e}")
                out.extend(lines[i + 1:end + 1])
                i = end + 1
                continue
            have = lines[i + 2:end]
            fence = f"```{lang_of(src)}"
            if have != want or lines[i + 1] != fence:
                if write:
                    print(f"{rel(path)}:{i + 1}: rewrote {src} [{marker}]")
                else:
                    faults.append(f"{rel(path)}:{i + 1}: the block differs from {src} [{marker}]"
                                  + (f" at chapter {chapter}" if chapter else "")
                                  + " (tools/excerpts.py --write)")
            if write:
                out.extend([fence, *want, "```"])
            else:
                out.extend(lines[i + 1:end + 1])
            i = end + 1
            continue
        pm = PICTURE.match(line)
        if pm:
            svg = os.path.join(page_dir, pm.group(1))
            dot = svg[:-4] + ".dot"
            if os.path.isfile(dot):
                pass  # checked below with every .dot
            elif not os.path.isfile(svg):
                faults.append(f"{rel(path)}:{i + 1}: the picture {pm.group(1)} does not exist")
        out.append(line)
        i += 1
    new = "\n".join(out)
    if write and new != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--check", action="store_true")
    g.add_argument("--write", action="store_true")
    args = ap.parse_args()
    faults = []
    pages = sorted(p for pattern in PAGES for p in glob.glob(os.path.join(ROOT, pattern)))
    for page in pages:
        process_page(page, args.write, faults)
    for dot in sorted(glob.glob(os.path.join(ROOT, "chapters/*/*.dot"))
                      + glob.glob(os.path.join(ROOT, "docs/images/*.dot"))):
        if args.write and check_svg(dot):
            render_svg(dot)
            print(f"{rel(dot)}: rendered")
        fault = check_svg(dot)
        if fault:
            faults.append(fault)
    for fault in faults:
        print(fault)
    if faults:
        print(f"excerpts: {len(faults)} fault(s)", file=sys.stderr)
        return 1
    print(f"excerpts: {len(pages)} pages, every excerpt and picture is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Scans the generated documentation site for the faults Doxygen does not warn about.

    tools/check_site.py BUILD/docs/html

Leaked markup (Doxygen commands, escaped HTML, Markdown that was not rendered, snippet markers),
absolute paths of the build machine, links made from URLs inside code, and internal links to a
file or an anchor that does not exist. Prints one line per fault and exits 1 if there is any.
Only the standard library: it runs in ./course test after the docs target.
"""
import html
import html.parser
import os
import re
import pathlib
import sys
import urllib.parse

# Text that must never reach a page (searched in the text of every page, code included).
LEAKS = [
    (re.compile(r"\\ilinebr|@ilinebr"), "raw \\ilinebr (a table row Doxygen could not parse)"),
    (re.compile(r"(?<![\w.])@(ref|code|endcode|snippet|include|image|dot|enddot|page|subpage)\b"),
     "a Doxygen command shown as text"),
    (re.compile(r"\\(ref|snippet|include|image|dot|enddot|subpage|verbinclude|code|endcode)\b(?!\()"),
     "a Doxygen command shown as text"),
    (re.compile(r"\{#[A-Za-z_][\w-]*\}"), "a heading label {#...} shown as text"),
]
# Markup shown as text: a leak in prose; in code, a leak unless a source writes it so (a page
# about HTML escaping shows `a &lt;b&gt;` on purpose, and so does a C++ excerpt that writes it).
MARKUP = [
    (re.compile(r"<(hr|br|p|td|tr|table|code|b|em|strong|a)\b[^>]*>", re.I), "an HTML tag shown as text"),
    (re.compile(r"&(#\d+|#x[0-9a-fA-F]+|amp|lt|gt|quot|nbsp|ndash|mdash);"), "an HTML entity shown as text"),
]
# Only in prose (outside code and preformatted blocks).
PROSE_LEAKS = [
    (re.compile(r"\*\*"), "literal ** (bold that did not render)"),
    (re.compile(r"(?<![\w%])%[A-Za-z_]\w*"), "a % escape shown as text"),
    (re.compile(r"(?<![\w`])`[^`\n]+`"), "a code span shown with its backticks"),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\((\.\./|https?:|#)[^)]*\)"), "a Markdown link or image shown as text"),
]
# Snippet markers belong in the sources, not on the pages (the source-browser pages show the
# real files, markers included, and are exempt).
MARKER = re.compile(r"(//|#)\s*\[[a-z][a-z0-9_]*\]\s*$", re.M)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []          # (href, inside_code)
        self.prose = []          # text outside code
        self.text = []           # all text
        self.code_lines = []     # text of code fragments
        self.stack = []          # open code-like elements
        self.skip = 0            # inside <script>/<style>

    CODE_TAGS = {"code", "pre", "tt", "kbd", "samp"}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "a" and a.get("href") is not None:
            self.links.append((a["href"], bool(self.stack)))
        if tag in ("img", "iframe", "object", "script", "link") and (a.get("src") or a.get("data")):
            self.links.append((a.get("src") or a.get("data"), False))
        if tag == "link" and a.get("href"):
            self.links.append((a["href"], False))
        cls = (a.get("class") or "").split()
        if tag in self.CODE_TAGS or (tag == "div" and ("fragment" in cls or "line" in cls)):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if self.stack and (tag == self.stack[-1]):
            self.stack.pop()
        elif tag == "div":
            # A fragment's inner divs close before it: pop up to the nearest div.
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i] == "div":
                    del self.stack[i:]
                    break

    def handle_data(self, data):
        if self.skip:
            return
        self.text.append(data)
        if self.stack:
            self.code_lines.append(data)
        else:
            self.prose.append(data)


def check(html_dir):
    faults = []
    pages = {}
    html_dir = os.path.abspath(html_dir)
    build_dirs = {html_dir, os.path.dirname(os.path.dirname(html_dir)), ROOT}
    names = sorted(f for f in os.listdir(html_dir) if f.endswith(".html"))
    if not names:
        return [f"{html_dir}: no .html files (was the docs target built?)"]
    for name in names:
        with open(os.path.join(html_dir, name), encoding="utf-8", errors="replace") as f:
            raw = f.read()
        page = Page()
        page.feed(raw)
        page.close()
        pages[name] = page
        text = "".join(page.text)
        prose = " ".join(page.prose)
        for rx, what in LEAKS:
            for m in rx.finditer(text):
                faults.append(f"{name}: {what}: {context(text, m)}")
        for rx, what in PROSE_LEAKS:
            for m in rx.finditer(prose):
                faults.append(f"{name}: {what}: {context(prose, m)}")
        code = "".join(page.code_lines)
        for rx, what in MARKUP:
            for m in rx.finditer(prose):
                faults.append(f"{name}: {what}: {context(prose, m)}")
            for piece in page.code_lines:  # each text of a code element on its own
                for m in rx.finditer(piece):
                    if not written_so(piece, m):
                        faults.append(f"{name}: {what} (in code, and no source writes it so): {context(piece, m)}")
        for m in re.finditer("[\u2013\u2014]", code):  # Doxygen's typography on "--" and "---"
            faults.append(f"{name}: a dash in code (a command-line flag would not work): {context(code, m)}")
        if not name.endswith("_source.html"):
            for m in MARKER.finditer(code):
                faults.append(f"{name}: a snippet marker shown in code: {m.group(0).strip()!r}")
        for d in build_dirs:
            if d in raw:
                faults.append(f"{name}: an absolute path of the build machine: {d}")
        if "file://" in raw:
            faults.append(f"{name}: a file:// URL")
    # The sidebar and the menu are built from these scripts: their pages must exist too.
    for script in ("navtreedata.js", "menudata.js"):
        path = os.path.join(html_dir, script)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                for target in re.findall(r'"([\w./-]+\.html)(?:#[\w-]*)?"', f.read()):
                    if not os.path.exists(os.path.join(html_dir, target)):
                        faults.append(f"{script}: a link to a missing file: {target}")
    for name, page in pages.items():
        for href, in_code in page.links:
            fault = check_link(html_dir, name, href, in_code, pages)
            if fault:
                faults.append(f"{name}: {fault}")
    return faults


def check_link(html_dir, name, href, in_code, pages):
    href = href.strip()
    if not href or href.startswith(("javascript:", "mailto:", "data:")):
        return None
    url = urllib.parse.urlsplit(href)
    if url.scheme in ("http", "https"):
        host = url.hostname or ""
        if in_code:
            return f"a link made from a URL inside code: {href}"
        if "." not in host or any(c in href for c in "'\"<>` "):
            return f"a bogus external link: {href}"
        return None
    if url.scheme or url.netloc:
        return f"a link with an unknown scheme: {href}"
    target = urllib.parse.unquote(url.path) or name
    path = os.path.normpath(os.path.join(html_dir, target))
    if not os.path.exists(path):
        return f"a link to a missing file: {href}"
    if url.fragment and target.endswith(".html"):
        base = os.path.basename(path)
        ids = pages[base].ids if base in pages else None
        if ids is not None and url.fragment not in ids:
            return f"a link to a missing anchor: {href}"
    return None


_sources = None


def written_so(text, m):
    """Whether the match, with a few characters around it, is written so in a page's source
    (a Markdown page or a C++ file of the repository): then the code shows it on purpose."""
    global _sources
    if _sources is None:
        root = pathlib.Path(ROOT)
        paths = [root / "README.md"] + [path for folder in ("chapters", "exercises", "solutions", "docs", "lib")
                                         for path in (root / folder).rglob("*")
                                         if path.suffix in (".md", ".cpp", ".hpp", ".py")]
        _sources = "\n".join(" ".join(path.read_text(errors="replace").split()) for path in paths)
    start, end = max(0, m.start() - 6), min(len(text), m.end() + 6)
    return " ".join(text[start:end].split()) in _sources


def context(text, m):
    start, end = max(0, m.start() - 40), min(len(text), m.end() + 40)
    return repr(" ".join(text[start:end].split()))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    faults = check(sys.argv[1])
    for fault in faults:
        print(fault)
    if faults:
        print(f"check_site: {len(faults)} fault(s) in {sys.argv[1]}", file=sys.stderr)
        sys.exit(1)
    print(f"check_site: {sys.argv[1]}: no faults")


if __name__ == "__main__":
    main()

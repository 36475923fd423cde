#!/usr/bin/env python3
"""Doxygen's input filter for the Markdown pages (FILTER_PATTERNS in docs/Doxyfile.in).

The pages are written as plain Markdown that reads right in a terminal and on a code host.
Doxygen 1.9.4 misreads some plain Markdown; this filter rewrites those spots, on the way into
Doxygen only, into a form it renders as any Markdown reader would:

- a code span becomes <code>...</code> with every character Doxygen would act on escaped: a
  single quote no longer starts a `quoted' string that breaks tables (raw \\ilinebr), `%s` keeps
  its %, `http://...` and `poll()` are not turned into links, `*`, `_`, `@`, `\\` stay literal;
- **bold** becomes <b>...</b> (Doxygen does not render bold that starts with a code span);
- a double quote in prose becomes &quot; (Doxygen stops reading Markdown inside "...");
- a link text split over two lines is joined (Doxygen leaves the rest of the page raw);
- a link to another page's section, [text](../x/README.md#label), becomes [text](#label), which
  Doxygen resolves to the label wherever it is;
- an image is named by its file name alone, as Doxygen looks it up in IMAGE_PATH;
- an unqualified call name in prose, poll(), is not linked to the library's function of that
  name (write asyncore::poll() for the link);
- a page gets its contents list ([TOC]) after its title;
- a heading keeps its code spans' text, without the backticks Doxygen would show.

Fenced code blocks, \\htmlonly blocks and HTML comments pass unchanged. Usage: doxygen_md_filter.py FILE
"""
import re
import sys

FENCE = re.compile(r"^\s*(```|~~~)")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ESCAPE = {"\\": "\\\\", "@": "\\@", "%": "\\%", "&": "&amp;", "<": "&lt;", ">": "&gt;",
          "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]", "#": "\\#", "$": "\\$", "`": "\\`",
          '"': "&quot;", "~": "\\~"}
DASHES = re.compile(r"-{2,}")


def code(content):
    """A code span's text, escaped so that Doxygen shows it as it is."""
    out = []
    i = 0
    content = content.replace("\\|", "\x00").replace("\n", " ")  # a pipe escaped for the table, as GitHub wants
    while i < len(content):
        m = WORD.match(content, i)
        if m:
            out.append("%" + m.group(0))  # % stops Doxygen from linking the word
            i = m.end()
            continue
        m = DASHES.match(content, i)
        if m:  # Doxygen's \-- and \--- keep them, where "--" would become an en dash
            n = len(m.group(0))
            out.append("\\---" * (n // 3) + ("\\--" if n % 3 == 2 else "-" * (n % 3)))
            i = m.end()
            continue
        c = content[i]
        out.append(ESCAPE.get(c, c))
        i += 1
    return "<code>" + "".join(out).replace("\x00", "\\|") + "</code>"


CODE_SPAN = re.compile(r"(`+)((?:[^`\n]|`(?!\1)|\n(?!\s*\n))+?)(?<!`)\1(?!`)")
LINK_TARGET = re.compile(r"\]\(([^)\s]*\.md)#([\w-]+)\)")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
CALL = re.compile(r"(?<![\w:%.>~\\])([A-Za-z_]\w*)\(\)")
TAG_OR_LINK = re.compile(r"(<[^>]*>|\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|&\w+;|<!--.*?-->)", re.S)


def prose(text):
    """Rewrites a stretch of Markdown outside code spans."""
    parts = TAG_OR_LINK.split(text)
    for k in range(len(parts)):
        if k % 2 == 0:  # plain text
            parts[k] = CALL.sub(r"%\1()", parts[k]).replace('"', "&quot;")
        elif parts[k].startswith("["):  # a link: its text keeps its words, loses its quotes
            close = parts[k].index("](")
            parts[k] = parts[k][:close].replace('"', "&quot;") + parts[k][close:]
    return "".join(parts)


def paragraph(text):
    # A link text over two lines: join it (the line break becomes a space).
    text = re.sub(r"\[([^\]\n]*)\n\s*([^\]\n]*)\]\(", r"[\1 \2](", text)
    text = LINK_TARGET.sub(r"](#\2)", text)
    # An image by its file name: Doxygen finds it in IMAGE_PATH and copies it beside the page.
    text = re.sub(r"(!\[[^\]]*\]\()(?:[^)\s]*/)?([^)/\s]+\.(?:svg|png|jpg))\)", r"\1\2)", text)
    pieces = []
    last = 0
    for m in CODE_SPAN.finditer(text):
        pieces.append(prose(text[last:m.start()]))
        pieces.append(code(m.group(2).strip() if len(m.group(1)) > 1 else m.group(2)))
        last = m.end()
    pieces.append(prose(text[last:]))
    text = "".join(pieces)
    return BOLD.sub(r"<b>\1</b>", text)


def heading(line):
    m = re.match(r"^(#+\s+)(.*?)(\s*\{#[\w-]+\})?\s*$", line)
    title = CODE_SPAN.sub(lambda c: c.group(2), m.group(2))
    return m.group(1) + title + (m.group(3) or "")


def filter_markdown(text):
    out = []
    block = []  # lines of the current stretch of prose

    def flush():
        if block:
            out.append(paragraph("\n".join(block)))
            block.clear()

    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        fm = FENCE.match(line)
        if fm:
            flush()
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip().startswith(fm.group(1))),
                       len(lines) - 1)
            out.append("\n".join(lines[i:end + 1]))
            i = end + 1
            continue
        if line.strip() == "\\htmlonly":
            flush()
            end = next((j for j in range(i, len(lines)) if lines[j].strip() == "\\endhtmlonly"), i)
            out.append("\n".join(lines[i:end + 1]))
            i = end + 1
            continue
        if line.lstrip().startswith("<!--"):
            flush()
            end = next((j for j in range(i, len(lines)) if "-->" in lines[j]), i)
            out.append("\n".join(lines[i:end + 1]))
            i = end + 1
            continue
        if re.match(r"^#+\s", line):
            flush()
            out.append(heading(line))
            if line.startswith("# ") and i == 0:
                out.append("\n[TOC]")  # the contents list of the page (interactive on the site)
        elif not line.strip() or line.startswith("    ") and not block:
            flush()
            out.append(line)
        else:
            block.append(line)
        i += 1
    flush()
    return "\n".join(out)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        sys.stdout.write(filter_markdown(f.read()))


if __name__ == "__main__":
    main()

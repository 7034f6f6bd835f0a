"""kramdown's table of contents: a one-item list followed by `{:toc}` becomes the list of
the page's headings, as kramdown writes it (`<ul id="markdown-toc">`, each entry
`<a href="#ID" id="markdown-toc-ID">`, nested by level), on a Jekyll project's pages.

The list is marked in the Markdown source and filled in from the rendered HTML, once
the headings have their final ids (catalog.anchors), so the links always match them.
A heading with the class `no_toc` is left out, as kramdown does."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

TOC_MARKER = "<!-- catalog:kramdown-toc:"
# the list item and its attribute list: `* TOC` / `1. x` then `{:toc}` (kramdown allows
# other attributes beside it, and `{: toc}`)
_TOC_LIST = re.compile(r"^(?P<marker>[*+-]|\d+\.)[ \t]+[^\n]*\n[ \t]*\{:[ \t]*toc[ \t]*\}[ \t]*$", re.M)
_MARKED = re.compile(r"<!-- catalog:kramdown-toc:(ul|ol) -->\n?")
_HEADING = re.compile(r"<h([1-6])((?:\s+[^>]*)?)>(.*?)</h\1>", re.S)
_ID = re.compile(r'\sid="([^"]*)"')
_NO_TOC = re.compile(r'\sclass="(?:[^"]*\s)?no_toc(?:\s[^"]*)?"')
_LINK = re.compile(r"</?a(?:\s[^>]*)?>")


@dataclass
class _Entry:
    level: int
    id: str
    html: str
    children: list["_Entry"] = field(default_factory=list)


_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})", re.M)


def mark_toc(text: str) -> str:
    """The Markdown source with its first `{:toc}` list outside a code block replaced by a
    marker, as kramdown makes one table a page (a second list stays a list, and one in a
    fenced block stays code); `text` itself (the same object) when it has none."""
    if "toc" not in text:
        return text
    for match in _TOC_LIST.finditer(text):
        if not _in_fence(text, match.start()):
            tag = "ol" if match["marker"][0].isdigit() else "ul"
            return text[:match.start()] + f"{TOC_MARKER}{tag} -->" + text[match.end():]
    return text


def _in_fence(text: str, position: int) -> bool:
    """Whether `position` is inside a fenced code block (``` or ~~~, closed by a fence of the
    same character at least as long)."""
    opened: str | None = None
    for fence in _FENCE.finditer(text, 0, position):
        mark = fence.group(1)
        if opened is None:
            opened = mark
        elif mark[0] == opened[0] and len(mark) >= len(opened):
            opened = None
    return opened is not None


def table_of_contents(html_text: str) -> str:
    """The page's HTML with each marker replaced by the table of its headings."""
    entries: list[_Entry] = []
    stack: list[_Entry] = []
    for match in _HEADING.finditer(html_text):
        attrs = match.group(2)
        found = _ID.search(attrs)
        if found is None or _NO_TOC.search(attrs):
            continue
        entry = _Entry(int(match.group(1)), found.group(1), _LINK.sub("", match.group(3)).strip())
        while stack and stack[-1].level >= entry.level:
            stack.pop()
        (stack[-1].children if stack else entries).append(entry)
        stack.append(entry)
    return _MARKED.sub(lambda m: _list(entries, 0, m.group(1), ' id="markdown-toc"') + "\n", html_text)


def _list(entries: list[_Entry], indent: int, tag: str, attrs: str = "") -> str:
    pad = " " * indent
    out = [f"<{tag}{attrs}>\n"]
    for entry in entries:
        out.append(f'{pad}  <li><a href="#{entry.id}" id="markdown-toc-{entry.id}">{entry.html}</a>')
        if entry.children:
            out.append(f"{pad}    {_list(entry.children, indent + 4, tag)}\n{pad}  </li>\n")
        else:
            out.append("</li>\n")
    out.append(f"{pad}</{tag}>")
    return "".join(out)

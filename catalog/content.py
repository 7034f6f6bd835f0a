"""The content model: Page and Site, the pages read from content/ in Hugo's tree and order.

Folders are sections and `_index.md` is a section's own page. Pages written for
Jekyll sites (`parent` / `node_name`) are hung under the page whose `node_name`
their `parent` names, so both dialects share one sidebar tree. Reading the files is
content_files.py's, building the tree and its URLs page_tree.py's (load_site).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator


@dataclass(eq=False)
class Page:
    """One page of the site: a regular page, a section's landing page, or the home page."""

    rel: str  # POSIX path below content/, e.g. "writing/shortcodes.md"; "" for a made-up section
    source: str  # path for diagnostics, relative to the project, e.g. "content/writing/shortcodes.md"
    kind: str  # "home" | "section" | "page"
    meta: dict[str, Any]
    body: str
    body_line: int
    key_lines: dict[str, int] = field(default_factory=dict)
    dir: str = ""  # the section folder this page belongs to (its own folder for a section)
    url: str = ""
    title: str = ""
    weight: int = 0
    description: str = ""
    hidden: bool = False
    alwaysopen: bool = False
    draft: bool = False
    aliases: tuple[str, ...] = ()
    parent: "Page | None" = None
    children: list["Page"] = field(default_factory=list)
    digest: str = ""  # sha256 of the source file's bytes: fixes meta, body and body_line
    meta_digest: str = ""  # hash of the front matter alone (what the page tree shows of it)

    @property
    def is_section(self) -> bool:
        return self.kind in ("home", "section")

    @property
    def linktitle(self) -> str:
        return str(self.meta.get("linktitle") or self.title)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)

    def ancestors(self) -> list["Page"]:
        """From the home page down to this page's parent."""
        chain: list[Page] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def walk(self) -> Iterator["Page"]:
        """This page and its descendants, in sidebar reading order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Site:
    """All pages of the site, indexed the ways the generator looks them up."""

    home: Page
    pages: list[Page]  # every published page, home first, in reading order
    by_rel: dict[str, Page]  # "a/b.md" and "a/_index.md" -> page
    # Hugo's build options (page_build_options.py): pages not written (headless, `render: never`
    # or `link`), which refs still find, and bundle folders whose own files are not published
    unwritten: list[Page] = field(default_factory=list)
    unpublished: tuple[str, ...] = ()
    language: str = ""  # the Hugo default content language whose file suffix names no page (languages.py)

    def sections(self) -> list[Page]:
        return [p for p in self.pages if p.is_section]


def _humanize(name: str) -> str:
    words = re.sub(r"[-_]+", " ", name).strip()
    return words[:1].upper() + words[1:]

"""Hugo's build options: front matter `_build` (Hugo >= 0.123 also reads it as `build`),
`headless`, and `cascade: {_build: ...}` from a section to itself and every page below,
as Hugo (0.111) applies them (tests/test_hugo_compat.py builds the same pages with it):

- `render: never` (or `false`), and `headless: true` (on a leaf bundle's `index.md`;
  Hugo ignores it elsewhere): no page is written and the page
  has no URL (a ref to it gives an empty link, as Hugo's RelPermalink is empty; its
  content stays readable, by `excerpt-include` for instance); Hugo still lists it, with
  that empty link, so here it leaves the sidebar and the children lists unless pages
  sit below it (a section keeps its place over them);
- `render: link`: no page is written, but it keeps its URL and its place in the lists;
- `list: never` (or `false`): the page is written but listed nowhere (the sidebar, the
  children lists, previous/next, the sitemap, search), as a `hidden` page;
  `list: local`: listed in its section, not in the site-wide sitemap;
- `publishResources: false`: the bundle's own files (beside its `index.md`) are not published.
"""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class PageBuildOptions:
    render: str = "always"  # "always" | "never" | "link"
    list: str = "always"  # "always" | "never" | "local"
    publish_resources: bool = True

    @property
    def written(self) -> bool:
        return self.render == "always"


DEFAULT = PageBuildOptions()


def _value(options: dict[str, Any], key: str, default: str) -> str:
    value = next((v for k, v in options.items() if str(k).lower() == key.lower()), None)
    if value is True:
        return "always"
    if value is False:
        return "never"
    return str(value).lower() if isinstance(value, str) and value.lower() in ("always", "never", "link", "local") \
        else default


def _own(meta: dict[str, Any]) -> dict[str, Any] | None:
    """The `_build` (or `build`) table of a page's front matter, None when it has none."""
    for key in ("_build", "build"):
        value = next((v for k, v in meta.items() if str(k).lower() == key), None)
        if isinstance(value, dict):
            return value
    return None


def _cascaded(meta: dict[str, Any]) -> dict[str, Any] | None:
    """`cascade: {_build: ...}` (or a list of cascade tables without a `_target`)."""
    cascade = next((v for k, v in meta.items() if str(k).lower() == "cascade"), None)
    tables = cascade if isinstance(cascade, list) else [cascade]
    for table in tables:
        if isinstance(table, dict) and "_target" not in table:
            found = _own(table)
            if found is not None:
                return found
    return None


def _headless(meta: dict[str, Any]) -> bool:
    return next((v for k, v in meta.items() if str(k).lower() == "headless"), None) is True


def build_options(meta: dict[str, Any], cascaded: dict[str, Any] | None = None, *,
                  leaf_bundle: bool = False) -> PageBuildOptions:
    """A page's options: its own `_build`, else the one cascaded to it; `headless` first,
    which Hugo (0.111) reads on a leaf bundle's `index.md` only."""
    headless = leaf_bundle and _headless(meta)
    options = _own(meta)
    if options is None:
        options = cascaded
    if options is None and not headless:
        return DEFAULT
    if headless:
        return PageBuildOptions("never", "never", True)
    options = options or {}
    render = _value(options, "render", "always")
    listed = _value(options, "list", "always")
    publish = next((v for k, v in options.items() if str(k).lower() == "publishresources"), True)
    return PageBuildOptions("always" if render == "local" else render, "always" if listed == "link" else listed,
                        publish is not False)


class Node(Protocol):
    """What this module reads and changes of a content.Page (which imports this module)."""

    rel: str
    dir: str
    url: str
    meta: dict[str, Any]
    hidden: bool
    parent: Any
    children: list[Any]


def apply_build_options(home: Node) -> tuple[list[Any], list[Any], list[str]]:
    """Apply every page's options to the tree below `home`: (the pages written, in reading
    order; the pages not written, still known to refs; the bundle folders whose own files
    are not published)."""
    written: list[Node] = [home]
    unwritten: list[Node] = []
    unpublished: list[str] = []

    def visit(node: Node, inherited: dict[str, Any] | None) -> None:
        for page in list(node.children):
            cascade = _cascaded(page.meta)
            options = build_options(page.meta, cascade if cascade is not None else inherited,
                                    leaf_bundle=page.rel.rsplit("/", 1)[-1] == "index.md")
            if options is not DEFAULT:
                _apply(page, options, written, unwritten, unpublished)
            else:
                written.append(page)
            visit(page, cascade if cascade is not None else inherited)

    visit(home, _cascaded(home.meta))
    return written, unwritten, unpublished


def _apply(page: Node, options: PageBuildOptions, written: list[Node], unwritten: list[Node],
           unpublished: list[str]) -> None:
    if not options.publish_resources and page.rel.rsplit("/", 1)[-1] in ("index.md", "_index.md"):
        unpublished.append(page.dir)
    if options.list == "never":
        page.hidden = True
    elif options.list == "local":
        page.meta = {**page.meta, "sitemap_exclude": True}  # a copy: the parsed page's meta is shared
    if options.written:
        written.append(page)
        return
    unwritten.append(page)
    if options.render == "never":
        page.url = ""
        if not page.children and page.parent is not None:  # listed with no link, it would lead nowhere
            page.parent.children = [child for child in page.parent.children if child is not page]


def unpublished_files(content_root: Path, folders: tuple[str, ...]) -> tuple[str, ...]:
    """The files of bundles with `publishResources: false`, as exclude patterns: each
    bundle's own files (not those of the pages and bundles in its subfolders)."""
    patterns: list[str] = []
    for folder in folders:
        if not folder:  # the home page's files are the whole content folder's: not a bundle's
            continue
        try:
            names = sorted(entry.name for entry in os.scandir(content_root / folder) if entry.is_file())
        except OSError:
            continue
        patterns += [glob.escape(f"{folder}/{name}") for name in names if not name.endswith(".md")]
    return tuple(patterns)

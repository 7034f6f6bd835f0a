"""The sidebar: the page tree as each page shows it, built once per build, not per page.

Every page shows all sections; only the branch of the current page (and sections
marked `alwaysopen`) lists its pages. Entries outside the current branch look the
same on every page, so they are rendered once and reused: the cost per page is the
current branch, not the whole site, and a large site's pages stay small.
"""
from __future__ import annotations

from typing import Callable

from markupsafe import Markup

from .content import Page
from .theme import Theme


_MARK = "\x00children\x00"  # where an entry's children go; no page title or URL holds a NUL


class Sidebar:
    def __init__(self, theme: Theme, home: Page) -> None:
        self.item: Callable[..., str] = theme.env.get_template("partials/nav.html").module.item  # type: ignore[attr-defined]
        self.home = home
        self._fixed: dict[int, str] = {}  # rendered entries that do not depend on the current page
        # an open ancestor's entry, split where its children go (None: the macro cannot be split)
        self._frames: dict[int, tuple[str, str] | None] = {}
        # a branch node's children's fixed entries joined, where each begins, and which is which
        self._rows: dict[int, tuple[str, list[int], dict[int, int], list[Page]]] = {}

    def render(self, page: Page | None) -> Markup:
        branch = {id(p) for p in page.ancestors()} | {id(page)} if page is not None else set()
        return Markup(self._branch_children(self.home, page, branch))

    def _entry(self, node: Page, page: Page | None, branch: set[int]) -> str:
        if id(node) not in branch and id(node) in self._fixed:  # most entries of every page
            return self._fixed[id(node)]
        if id(node) in branch:
            children = self._branch_children(node, page, branch)
            if node is page or not children:
                return str(self.item(node, node is page, True, Markup(children), True))
            # an ancestor of the current page: its entry is the same for every page below it
            # but for its children, so it is rendered once around a mark and the children spliced in
            if id(node) not in self._frames:
                parts = str(self.item(node, False, True, Markup(_MARK), True)).split(_MARK)
                # a macro that does more with its children than show them once is rendered each time
                self._frames[id(node)] = (parts[0], parts[1]) if len(parts) == 2 else None
            frame = self._frames[id(node)]
            if frame is None:
                return str(self.item(node, False, True, Markup(children), True))
            return frame[0] + children + frame[1]
        fixed = self._fixed.get(id(node))
        if fixed is None:
            visible = [child for child in node.children if not child.hidden]
            shown = visible if node.alwaysopen else [child for child in visible if child.is_section]
            children = "".join(self._entry(child, None, branch=set()) for child in shown)
            fixed = self._fixed[id(node)] = str(self.item(node, False, False, Markup(children), node.alwaysopen))
        return fixed

    def _branch_children(self, node: Page, page: Page | None, branch: set[int]) -> str:
        """The entries of the shown children of `node`, the home page or an ancestor of `page`
        (or `page`): all of them the same on every page but the one on the branch, so they are
        joined once and that one spliced in (a topic's dozens of entries cost two slices a
        page, not a Python loop)."""
        row = self._rows.get(id(node))
        if row is None:
            visible = [child for child in node.children if not child.hidden]
            entries = [self._entry(child, None, set()) for child in visible]
            offsets = [0]
            for entry in entries:
                offsets.append(offsets[-1] + len(entry))
            row = self._rows[id(node)] = ("".join(entries), offsets, {id(c): i for i, c in enumerate(visible)},
                                          visible)
        joined, offsets, index, visible = row
        at = next((index[key] for key in branch if key in index), None)  # a branch has one page per level
        if at is None:
            return joined
        return joined[:offsets[at]] + self._entry(visible[at], page, branch) + joined[offsets[at + 1]:]

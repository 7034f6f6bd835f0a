"""The sidebar: the page tree as each page shows it, built once per build, not per page.

Every page shows all sections; only the branch of the current page (and sections
marked `alwaysopen`) lists its pages. Entries outside the current branch look the
same on every page, so they are rendered once and reused: the cost per page is the
current branch, not the whole site, and a large site's pages stay small. Pages of one
folder share all of it but their own entry: what comes before and after their parent's
children is kept by parent, and a page costs its own entry and one join.
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
        # the sidebar of a page below a node but for the node's children: what comes before and after
        self._around: dict[int, tuple[str, str] | None] = {}

    def render(self, page: Page | None) -> Markup:
        spliced = self._spliced(page) if page is not None else None
        if spliced is not None:
            return Markup(spliced)
        branch = {id(p) for p in page.ancestors()} | {id(page)} if page is not None else set()
        return Markup(self._branch_children(self.home, page, branch))

    def _spliced(self, page: Page) -> str | None:
        """The sidebar of `page` as `_branch_children(home, ...)` writes it, from what its siblings
        share: the entries around its parent's children (`_around_children`) and its parent's row,
        with only its own entry rendered. None where that path would not splice the same way:
        the home page, a hidden page or ancestor, a macro that cannot be split."""
        parent = page.parent
        if parent is None:
            return None
        around = self._around_children(parent)
        if around is None:
            return None
        joined, offsets, index, _ = self._row(parent)
        at = index.get(id(page))
        if at is None:
            return None
        # its own entry, as _entry renders the current page's: none of its children is on the branch
        entry = str(self.item(page, True, True, Markup(self._branch_children(page, page, set())), True))
        if not (entry or len(joined) > offsets[at + 1] - offsets[at]) and parent is not self.home:
            return None  # _entry renders an ancestor with no children shown without its frame
        return "".join((around[0], joined[:offsets[at]], entry, joined[offsets[at + 1]:], around[1]))  # one copy

    def _around_children(self, node: Page) -> tuple[str, str] | None:
        """What a sidebar whose branch goes through `node` holds before and after `node`'s
        children (for each ancestor on the way: the siblings before it, its frame's head; its
        frame's tail, the siblings after it): the same for every page below `node`, given the
        children are not empty (each ancestor's are then not empty either, since they hold them)."""
        key = id(node)
        if key in self._around:
            return self._around[key]
        around: tuple[str, str] | None = None
        if node is self.home:
            around = ("", "")
        elif node.parent is not None:
            up = self._around_children(node.parent)
            frame = self._frame(node)
            joined, offsets, index, _ = self._row(node.parent)
            at = index.get(id(node))
            if up is not None and frame is not None and at is not None:
                around = (up[0] + joined[:offsets[at]] + frame[0], frame[1] + joined[offsets[at + 1]:] + up[1])
        self._around[key] = around
        return around

    def _frame(self, node: Page) -> tuple[str, str] | None:
        """An open ancestor's entry, split where its children go (None: the macro cannot be split)."""
        if id(node) not in self._frames:
            parts = str(self.item(node, False, True, Markup(_MARK), True)).split(_MARK)
            # a macro that does more with its children than show them once is rendered each time
            self._frames[id(node)] = (parts[0], parts[1]) if len(parts) == 2 else None
        return self._frames[id(node)]

    def _entry(self, node: Page, page: Page | None, branch: set[int]) -> str:
        if id(node) not in branch and id(node) in self._fixed:  # most entries of every page
            return self._fixed[id(node)]
        if id(node) in branch:
            children = self._branch_children(node, page, branch)
            if node is page or not children:
                return str(self.item(node, node is page, True, Markup(children), True))
            # an ancestor of the current page: its entry is the same for every page below it
            # but for its children, so it is rendered once around a mark and the children spliced in
            frame = self._frame(node)
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
        joined, offsets, index, visible = self._row(node)
        at = next((index[key] for key in branch if key in index), None)  # a branch has one page per level
        if at is None:
            return joined
        return joined[:offsets[at]] + self._entry(visible[at], page, branch) + joined[offsets[at + 1]:]

    def _row(self, node: Page) -> tuple[str, list[int], dict[int, int], list[Page]]:
        row = self._rows.get(id(node))
        if row is None:
            visible = [child for child in node.children if not child.hidden]
            entries = [self._entry(child, None, set()) for child in visible]
            offsets = [0]
            for entry in entries:
                offsets.append(offsets[-1] + len(entry))
            row = self._rows[id(node)] = ("".join(entries), offsets, {id(c): i for i, c in enumerate(visible)},
                                          visible)
        return row

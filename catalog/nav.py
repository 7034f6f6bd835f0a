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


class Sidebar:
    def __init__(self, theme: Theme, home: Page) -> None:
        self.item: Callable[..., str] = theme.env.get_template("partials/nav.html").module.item  # type: ignore[attr-defined]
        self.home = home
        self._fixed: dict[int, str] = {}  # rendered entries that do not depend on the current page

    def render(self, page: Page | None) -> Markup:
        branch = {id(p) for p in page.ancestors()} | {id(page)} if page is not None else set()
        return Markup("".join(self._entry(child, page, branch) for child in self.home.children if not child.hidden))

    def _entry(self, node: Page, page: Page | None, branch: set[int]) -> str:
        visible = [child for child in node.children if not child.hidden]
        if id(node) in branch:
            children = "".join(self._entry(child, page, branch) for child in visible)
            return str(self.item(node, node is page, True, Markup(children), True))
        fixed = self._fixed.get(id(node))
        if fixed is None:
            shown = visible if node.alwaysopen else [child for child in visible if child.is_section]
            children = "".join(self._entry(child, None, branch=set()) for child in shown)
            fixed = self._fixed[id(node)] = str(self.item(node, False, False, Markup(children), node.alwaysopen))
        return fixed

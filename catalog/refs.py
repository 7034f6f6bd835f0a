"""Cross-references: `ref` / `relref` resolved with Hugo's rules.

Order (hugolib/pagecollections.go, getContentNodeForRef): split the #fragment; an
empty path is the current page; trim trailing slashes; try the path relative to
the current page's folder (stop there for './' and '../' refs); then from the
content root; only for a ref with no slash, look the bare file name up across the
site, where two matches are ambiguous. A folder ref names its `_index.md`, and the
DocDock form `section/_index.md#anchor` resolves to the section.
"""
from __future__ import annotations

import difflib
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass

from .content import Page, Site
from .diagnostics import did_you_mean


class RefError(Exception):
    """A ref that names no page or more than one; `code` and `hint` feed the diagnostic."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint


@dataclass(frozen=True)
class Target:
    page: Page
    fragment: str  # without '#'; "" when none


class RefResolver:
    """Resolves refs against one site; built once, used by every page."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.by_path: dict[str, Page] = {}
        self.by_name: dict[str, list[Page]] = defaultdict(list)
        for page in site.pages:
            if not page.rel:
                continue
            self.by_path[page.rel.lower()] = page
            if page.is_section:
                self.by_path[page.dir.lower()] = page
            name = page.rel.rsplit("/", 1)[-1].lower()
            self.by_name[name].append(page)
            if page.kind == "page":
                self.by_name[name[:-3]].append(page)
        if "" not in self.by_path:
            self.by_path[""] = site.home

    def resolve(self, ref: str, current: Page) -> Target:
        path, _, fragment = ref.strip().partition("#")
        if not path:
            return Target(current, fragment)
        path = path.rstrip("/") or "/"
        if path == "/":
            return Target(self.site.home, fragment)
        folder = current.dir
        if not path.startswith("/"):
            relative = posixpath.normpath(posixpath.join(folder, path)) if folder else posixpath.normpath(path)
            found = self._lookup(relative)
            if found is not None:
                return Target(found, fragment)
            if path.startswith("."):
                raise self._not_found(ref, "a ref starting with '.' is only looked up relative to this page")
        found = self._lookup(path.lstrip("/"))
        if found is not None:
            return Target(found, fragment)
        if "/" not in path:
            matches = self.by_name.get(path.lower(), [])
            if len(matches) == 1:
                return Target(matches[0], fragment)
            if len(matches) > 1:
                where = ", ".join(sorted(p.source for p in matches))
                raise RefError("ref-ambiguous", f'page reference "{ref}" is ambiguous: it matches {where}',
                               "write the path from the content root, e.g. "
                               f'"{matches[0].rel}"')
        raise self._not_found(ref, "")

    def _lookup(self, path: str) -> Page | None:
        key = path.lower().strip("/")
        if key.startswith("../") or key == "..":
            return None
        for candidate in (key, key + ".md" if not key.endswith(".md") else None):
            if candidate is not None and candidate in self.by_path:
                return self.by_path[candidate]
        # the DocDock/learn theme form: "section/_index.md" or "section/index.md"
        for name in ("/_index.md", "/index.md"):
            if key.endswith(name) and key[: -len(name)] in self.by_path:
                return self.by_path[key[: -len(name)]]
        return None

    def _not_found(self, ref: str, why: str) -> RefError:
        wanted = ref.partition("#")[0].strip("/").lower()
        paths = sorted(p for p in self.by_path if p.endswith(".md"))
        if "/" in wanted:
            guess = did_you_mean(wanted, paths)
        else:  # a bare name is best compared with file names, then shown with its path
            names = {path.rsplit("/", 1)[-1]: path for path in reversed(paths)}
            best = max(sorted(names), key=lambda name: _name_score(wanted, name), default="")
            guess = f"did you mean '{names[best]}'?" if best and _name_score(wanted, best) >= 0.6 else ""
        hint = guess or "write the path of the .md file from the content root, e.g. \"writing/_index.md\""
        if why:
            hint = f"{why}; {hint}"
        return RefError("ref-not-found", f'page reference "{ref}" not found', hint)


def _name_score(wanted: str, name: str) -> float:
    """How likely `name` is the file a writer meant by `wanted`: similar spelling, or
    `wanted` made of the name plus extra words ('aws-plugin.md' for 'aws.md')."""
    stem, wanted_stem = name.removesuffix(".md"), wanted.removesuffix(".md")
    score = difflib.SequenceMatcher(None, wanted_stem, stem).ratio()
    words = set(re.split(r"[-_. ]+", wanted_stem))
    if stem in words and stem not in ("_index", "index"):
        score = max(score, 0.9)
    return score

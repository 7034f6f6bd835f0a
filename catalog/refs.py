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
        self._suggestions: Suggestions | None = None  # made at the first ref not found

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
        if self._suggestions is None:
            self._suggestions = Suggestions(sorted(p for p in self.by_path if p.endswith(".md")))
        wanted = ref.partition("#")[0].strip("/").lower()
        hint = self._suggestions.hint(wanted) or \
            "write the path of the .md file from the content root, e.g. \"writing/_index.md\""
        if why:
            hint = f"{why}; {hint}"
        return RefError("ref-not-found", f'page reference "{ref}" not found', hint)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_suggestions"] = None  # made again where needed: workers are sent the resolver
        return state


class Suggestions:
    """The 'did you mean' of a ref that names no page, at a cost that does not grow with the
    site: comparing the ref with every page path (difflib) took 0.2 s per ref at 5,000 pages,
    and a renamed section leaves thousands of broken refs, which made a build run for an hour.
    Each ref is looked up once, and compared only with a few candidates; each of three ways
    proposes at most one, and the one most like the ref is suggested:
    - a typo in a folder or file name: the path walked one name at a time, each name not
      found replaced by the closest name in its folder ('cli/profile.md' -> 'cli/profiles.md');
    - a moved file: the pages with the same file name elsewhere, the closest path first
      ('old/install.md' -> 'guide/install.md');
    - a misspelt file name in another folder, when no page has the name: the closest file
      name of the site, then the closest path among the pages that have it.
    A bare name ('install') is compared with the site's file names."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = set(paths)
        self.children: dict[str, set[str]] = defaultdict(set)  # folder -> the names in it
        self.by_file: dict[str, list[str]] = defaultdict(list)  # file name -> paths, sorted
        for path in paths:
            parts = path.split("/")
            for depth, part in enumerate(parts):
                self.children["/".join(parts[:depth])].add(part)
            self.by_file[parts[-1]].append(path)
        self.file_names = sorted(self.by_file)
        self.memo: dict[str, str] = {}

    def hint(self, wanted: str) -> str:
        """'did you mean ...?' for `wanted` (a lowercase ref path without '#'), or ''."""
        if wanted not in self.memo:
            if "/" not in wanted:
                guess = self._bare(wanted)
            else:  # each way gives at most one path: the one most like the ref wins
                moved = self._moved(wanted)
                # a misspelt file name is looked for only if no page has the name: that way
                # compares the name with every file name of the site
                found = (self._walked(wanted), moved, None if moved else self._retyped(wanted))
                guess = self._closest(wanted, list(dict.fromkeys(path for path in found if path)))
            self.memo[wanted] = f"did you mean '{guess}'?" if guess else ""
        return self.memo[wanted]

    def _walked(self, wanted: str) -> str | None:
        folder = ""
        for part in wanted.split("/"):
            names = self.children.get(folder)
            if not names:
                return None
            if part not in names:
                close = difflib.get_close_matches(part, sorted(names), n=1, cutoff=0.6)
                if not close:
                    return None
                part = close[0]
            folder = f"{folder}/{part}" if folder else part
        for path in (folder, f"{folder}.md", f"{folder}/_index.md", f"{folder}/index.md"):
            if path in self.paths:
                return path
        return None

    def _moved(self, wanted: str) -> str | None:
        name = wanted.rsplit("/", 1)[-1]
        return self._closest(wanted, self.by_file.get(name) or self.by_file.get(f"{name}.md") or [])

    def _retyped(self, wanted: str) -> str | None:
        name = wanted.rsplit("/", 1)[-1]
        close = difflib.get_close_matches(name if name.endswith(".md") else f"{name}.md", self.file_names,
                                          n=1, cutoff=0.6)
        return self._closest(wanted, self.by_file[close[0]]) if close else None

    @staticmethod
    def _closest(wanted: str, candidates: list[str]) -> str | None:
        """The candidate most like `wanted` (the first of equals, in path order), if alike enough."""
        best, score = None, 0.6
        matcher = difflib.SequenceMatcher(b=wanted)  # b is the side difflib indexes, once
        for candidate in candidates:
            matcher.set_seq1(candidate)
            # the cheap upper bounds first, as get_close_matches does
            if matcher.real_quick_ratio() >= score and matcher.quick_ratio() >= score:
                ratio = matcher.ratio()
                if ratio > score or (best is None and ratio >= score):
                    best, score = candidate, ratio
        return best

    def _bare(self, wanted: str) -> str | None:
        """A bare name is best compared with file names, then shown with its path."""
        best = max(self.file_names, key=lambda name: _name_score(wanted, name), default="")
        return self.by_file[best][0] if best and _name_score(wanted, best) >= 0.6 else None


def _name_score(wanted: str, name: str) -> float:
    """How likely `name` is the file a writer meant by `wanted`: similar spelling, or
    `wanted` made of the name plus extra words ('aws-plugin.md' for 'aws.md')."""
    stem, wanted_stem = name.removesuffix(".md"), wanted.removesuffix(".md")
    score = difflib.SequenceMatcher(None, wanted_stem, stem).ratio()
    words = set(re.split(r"[-_. ]+", wanted_stem))
    if stem in words and stem not in ("_index", "index"):
        score = max(score, 0.9)
    return score

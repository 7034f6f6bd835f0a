"""Cross-references: `ref` / `relref` resolved as Hugo (0.111) resolves them.

A port of hugolib/pagecollections.go (getContentNode, getSectionOrPage), because a
ref that works in Hugo must work here and one Hugo refuses must fail here too:
- the ref is trimmed and lower-cased, the #fragment split off; an empty path is the
  current page;
- a ref without a leading '/' is joined to the current page's folder (Go's path.Join:
  doubled slashes collapse, '..' stops at the content root); a ref with one is taken
  as written;
- that path names a section when it is one (home, every top-level folder, every
  folder with an _index.md), or the section's own file (`a/_index.md`); otherwise
  the page whose path, after the longest section prefix and without the last
  extension (whatever it is: `b.html`, `b.mdd`), is the rest;
- then the ref as written from the content root ("post/foo.md" from a page elsewhere);
- then the file's path below the project (`content/a/b.md`), from the page's folder;
- last, for a ref with no slash or only a leading one, a page or section whose name is
  the ref's last name; two of them are ambiguous.
Hugo resolves some of those spellings only by leniency (a doubled slash, an extension
other than .md, the content folder's name, '..' above the root, a '/name' looked up by
name): they resolve to the page Hugo links to, with a `ref-lenient` warning giving
the canonical spelling.
"""
from __future__ import annotations

import difflib
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass

from .content import Page, Site
from .diagnostics import LocatedError
from .languages import language_stem


@dataclass(frozen=True)
class Target:
    page: Page
    fragment: str  # without '#'; "" when none
    # a spelling Hugo resolves only by leniency: what is wrong with it, and the canonical ref
    lenient: str = ""
    canonical: str = ""


def _go_clean(path: str) -> str:
    """Go's path.Clean of a rooted path: one slash between names, '.' and '..' resolved,
    '..' above the root dropped, no trailing slash."""
    if "//" not in path and "/." not in path and not path.endswith("/"):
        return path  # clean already (most refs): nothing the two steps below would change
    return posixpath.normpath(re.sub(r"/+", "/", path))


def _go_ext(path: str) -> str:
    """Go's path.Ext: from the last '.' of the last name, '' when it has none."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[dot:] if dot >= 0 else ""


def _simple_lookup(ref: str) -> bool:
    """Hugo's shouldDoSimpleLookup: 'name.md' and '/name.md', never './name' nor 'a/name'."""
    if ref.startswith("."):
        return False
    slashes = ref.count("/")
    return slashes == 0 or (slashes == 1 and ref.startswith("/"))


@dataclass(frozen=True)
class _Found:
    page: Page
    via: str  # "section" | "section-file" | "page" (after dropping the extension)


def lenient_message(ref: str, target: Target) -> tuple[str, str]:
    """The message and hint of a `ref-lenient` warning."""
    where = target.page.source if target.page.rel else target.page.dir + "/"
    return (f'page reference "{ref}" resolves only by Hugo\'s leniency ({target.lenient}): it links to {where}',
            f'write "{target.canonical}"')


class RefResolver:
    """Resolves refs against one site; built once, used by every page."""

    def __init__(self, site: Site) -> None:
        self.site = site
        # Hugo's sections: home, every top-level folder, every folder with its own page
        self.sections: dict[str, Page] = {"/": site.home}
        self.pages: dict[tuple[str, str], Page] = {}  # ("/a/", "sub/b"): its section, its path below
        self.by_source: dict[str, Page] = {}  # "/content/a/b.md" -> page
        self.by_name: dict[str, list[Page]] = defaultdict(list)  # Hugo's reverse index
        self.by_path: dict[str, Page] = {}  # "a/b.md", "a/_index.md", "a": for suggestions
        known = [*site.pages, *site.unwritten]  # a headless page is found too (its URL is "")
        for page in known:
            if page.is_section and page is not site.home and (page.rel or "/" not in page.dir):
                key = page.dir.lower()
                self.sections[f"/{key}/"] = page
                self.by_name[key.rsplit("/", 1)[-1]].append(page)
                self.by_path[key] = page
        self._longest_key = max(map(len, self.sections))
        # this tool's pages for folders Hugo makes none for (below the top, no _index.md)
        self.made_up = {p.dir.lower(): p for p in site.pages if p.is_section and not p.rel and "/" in p.dir}
        for page in known:
            if page.kind == "page" and page.rel:
                # Hugo keys a page by its section and its path below it: "/a/" + "sub/b"
                stem = page.rel.lower().removesuffix(".md")
                section = self._longest_section(f"/{page.dir.lower()}/")
                self.pages[(section, stem[len(section) - 1:].lstrip("/"))] = page
                self.by_name[stem.rsplit("/", 1)[-1]].append(page)
                bare = language_stem(page.rel.lower(), site.language)  # Hugo's path of setup.en.md: setup
                if bare is not None:
                    self.pages.setdefault((section, bare[len(section) - 1:].lstrip("/")), page)
            if page.rel:
                self.by_source["/" + page.source.lower()] = page
                self.by_path[page.rel.lower()] = page
        # the content folder as written in sources ("content"): Hugo also finds a page by
        # its path below the project ("content/a/b.md")
        self.content_dir = next((p.source[: -len(p.rel) - 1] for p in site.pages if p.rel), site.home.source)
        self._suggestions: Suggestions | None = None  # made at the first ref not found
        # what a ref resolved to, by (ref, the folder of the page it was written in): all that
        # a resolution reads of the page, and the same refs recur page after page (a site's
        # common links, its section pages); a failed or ambiguous ref is resolved each time
        self._resolved: dict[tuple[str, str], Target] = {}
        self._looked_up: dict[str, tuple[_Found | None, str]] = {}  # _section_or_page's answers

    def resolve(self, ref: str, current: Page) -> Target:
        key = (ref, current.dir)
        known = self._resolved.get(key)
        if known is not None:
            return known
        written, _, fragment = ref.strip().partition("#")
        written = written.strip()
        if not written:
            return Target(current, fragment)  # the current page itself: not by its folder
        target = self._resolved[key] = self._resolve(ref, written, fragment, current)
        return target

    def _resolve(self, ref: str, written: str, fragment: str, current: Page) -> Target:
        found, why = self._find(written, current)
        if found is None:
            raise self._not_found(ref, written, current)
        if not why:
            return Target(found, fragment)
        canonical = self._canonical(written, found, current)
        return Target(found, fragment, why, canonical + (f"#{fragment}" if fragment else ""))

    def _find(self, written: str, current: Page) -> tuple[Page | None, str]:
        """The page `written` names, as Hugo finds it, and what is lenient about the
        spelling ('' when nothing)."""
        in_ref = written.lower()
        ref = in_ref if in_ref.startswith("/") else _go_clean(f"/{current.dir.lower()}/{in_ref}")
        problems = []
        if "//" in written:
            problems.append("a doubled slash")
        found, name = self._section_or_page(ref)
        if found is not None and not in_ref.startswith("/"):
            unclamped = posixpath.normpath(posixpath.join(current.dir.lower(), in_ref))
            if unclamped == ".." or unclamped.startswith("../"):
                problems.append("'..' above the content root")
        if found is None and not in_ref.startswith("/"):
            found = self._section_or_page("/" + in_ref)[0]  # "post/foo.md" from any page
        if found is None and ref in self.by_source:
            found = _Found(self.by_source[ref], "section-file")
            problems.append("the content folder's name")
        if found is None and _simple_lookup(in_ref):
            matches = self.by_name.get(name.rsplit("/", 1)[-1], []) if name else []
            if len(matches) > 1:
                where = ", ".join(sorted(p.source or p.dir + "/" for p in matches))
                raise LocatedError("ref-ambiguous", f'page reference "{written}" is ambiguous: it matches {where}',
                               "write the path from the content root, e.g. "
                               f'"{self._root_form(matches[0])}"')
            if matches:
                found = _Found(matches[0], "page")
                if in_ref.startswith("/"):
                    problems.append("a leading '/' on a name found elsewhere")
        if found is None:
            return None, ""
        extension = _go_ext(in_ref)
        if found.via == "page" and extension and extension != ".md":
            problems.append(f"the extension '{extension}'")
        return found.page, " and ".join(problems)

    def _section_or_page(self, ref: str) -> tuple[_Found | None, str]:
        """Hugo's getSectionOrPage: what the rooted, lower-case `ref` names, and the name it
        looked a page up by (the path after the section, without its extension)."""
        known = self._looked_up.get(ref)
        if known is None:  # a page is linked from many pages, each of which looks it up
            known = self._looked_up[ref] = self._lookup(ref)
        return known

    def _lookup(self, ref: str) -> tuple[_Found | None, str]:
        prefix = ref if ref.endswith("/") else ref + "/"
        section = self._longest_section(prefix)
        if section == prefix:
            return _Found(self.sections[section], "section"), ""
        filename = ref[len(section):].removeprefix("/")
        name = filename[: len(filename) - len(_go_ext(filename))]
        for bundle in ("/index", "/_index"):  # Hugo stores a bundle by its folder's name
            name = name.removesuffix(bundle)
        own = self.sections[section]
        if own.rel and own.rel.rsplit("/", 1)[-1] == filename:
            return _Found(own, "section-file"), name
        page = self.pages.get((section, name))
        return (_Found(page, "page") if page is not None else None), name

    def _longest_section(self, prefix: str) -> str:
        """The longest section key that `prefix` (rooted, ending in '/') starts with, as
        Hugo's radix tree finds it: "/" at least."""
        end = len(prefix)
        if end > self._longest_key:  # no section is longer: a long ref costs no more
            end = prefix.rfind("/", 0, self._longest_key) + 1
        while end > 1 and prefix[:end] not in self.sections:
            end = prefix.rfind("/", 0, end - 1) + 1
        return prefix[:end] if end > 1 else "/"

    def _root_form(self, page: Page) -> str:
        """The ref naming `page` from the content root: its file, or its folder."""
        if page is self.site.home:
            return "/"
        if page.is_section:
            return page.dir
        return page.rel

    def _canonical(self, written: str, page: Page, current: Page) -> str:
        """The spelling to suggest for a lenient ref: the writer's own, mended, when it
        names the same page plainly, else the page's path from the content root."""
        mended = re.sub(r"/+", "/", written)
        content = self.content_dir
        for prefix in (f"{content}/", f"/{content}/"):
            if mended.lower().startswith(prefix.lower()):
                mended = mended[len(prefix):]
        extension = _go_ext(mended)
        if extension and extension.lower() != ".md" and not page.is_section:
            mended = mended[: len(mended) - len(extension)] + ".md"
        for candidate in (mended, self._root_form(page)):
            try:
                found, why = self._find(candidate, current)
            except LocatedError:
                continue
            if found is page and not why:
                return candidate
        return self._root_form(page)

    def _not_found(self, ref: str, written: str, current: Page) -> LocatedError:
        """'not found', with the reason Hugo refuses a spelling that names an existing page."""
        wanted = written.lower()
        rooted = wanted if wanted.startswith("/") else _go_clean(f"/{current.dir.lower()}/{wanted}")
        from_root = _go_clean("/" + wanted)
        content = f"{self.content_dir}/".lower()
        why, fix = "", ""
        for folder in dict.fromkeys((rooted.strip("/"), from_root.strip("/"))):
            made_up = self.made_up.get(folder)
            section = folder.removesuffix("/_index.md") if folder.endswith("/_index.md") else None
            if made_up is not None:
                why = (f"Hugo makes no page for the folder '{made_up.dir}' (below the top level, without an "
                       f"_index.md): add {made_up.dir}/_index.md, or link a page inside it")
                break
            if section is not None and section in self.by_path and not self.by_path[section].rel:
                why = f'the folder has no _index.md: write "{self.by_path[section].dir}"'
                fix = why
                break
        if not why and wanted.lstrip("./").startswith(content):
            why = (f"'{self.content_dir}/' names the file only from a page at the top of the content folder: "
                   "write the path without it")
        elif not why and wanted.startswith("."):
            why = "a ref starting with '.' is only looked up relative to this page"
        elif not why and from_root != "/":
            try:  # the same path, cleaned, from the root: Hugo takes some spellings only from some pages
                found, lenient = self._find(from_root, self.site.home)
            except LocatedError:
                found, lenient = None, ""
            if found is not None and not lenient:
                why = fix = f'Hugo does not resolve this spelling here: write "{self._root_form(found)}"'
        if fix:
            return LocatedError("ref-not-found", f'page reference "{ref}" not found', fix)
        if self._suggestions is None:
            self._suggestions = Suggestions(sorted(p for p in self.by_path if p.endswith(".md")))
        hint = self._suggestions.hint(wanted.strip("/").removeprefix(content))
        if why:
            hint = f"{why}; {hint}" if hint else why
        hint = hint or "write the path of the .md file from the content root, e.g. \"writing/_index.md\""
        return LocatedError("ref-not-found", f'page reference "{ref}" not found', hint)

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

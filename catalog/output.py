"""The site's output: every file a build plans, by site path, and who planned it.

Files are planned in memory (the preview server serves them from there) or, for a
build that publishes, written as they come into a staging folder beside the
destination (`publish.Staging`), keeping only their digests: a large site's pages never
need to fit in memory at once. Nothing reaches the destination before the whole
build succeeded (publish.py: the staged site is swapped in whole).
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping

from .diagnostics import Report
from .publish import Staging


MERGED = ("_redirects", "_headers")  # Netlify's files, which the build writes too


@dataclass
class Output:
    """Files to publish, by site-relative POSIX path; remembers who wrote each one.
    With a `staging`, each file goes there when added and only its path is kept;
    without, `files` keeps its bytes."""

    files: dict[str, bytes] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)  # every planned path -> who wrote it
    folders: dict[str, str] = field(default_factory=dict)  # folder -> the first file planned in it
    staging: Staging | None = None
    # applied to each HTML file as it is added (urls.rewriter: relativeURLs, canonifyURLs)
    rewrite: Callable[[str, bytes], bytes] | None = None
    # the project's own Netlify files (static/_redirects), by path: (who wrote it, its bytes);
    # not planned as they are, but kept for write_host_files to append to the generated ones
    merged: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def __contains__(self, path: str) -> bool:
        return path in self.owners

    def paths(self) -> list[str]:
        """Every planned file, in the order planned."""
        return list(self.owners)

    def add(self, path: str, data: bytes | str, source: str, report: Report, line: int = 0, what: str = "") -> bool:
        """Plan one file; `source` (and `line`) say where it comes from, `what` how (e.g. 'alias /a/').
        False when it is not planned as it is: it leaves the site or collides (reported), or it
        is merged into a file the build makes (MERGED)."""
        site_path = _site_path(path)
        if source != "catalog" and site_path in MERGED:
            if site_path in self.merged:  # static/_redirects and content/_redirects: one would be lost
                report.error(source, line, 1 if line else 0, "output-collision",
                             f"'{site_path}' would be written twice: by {self.merged[site_path][0]} "
                             f"and by {source}", "keep one of the two files, holding the rules of both")
                return False
            self.merged[site_path] = (source, data.encode("utf-8") if isinstance(data, str) else data)
            return False
        rel = self._claim(path, source, report, line, what)
        if rel is None:
            return False
        data = data.encode("utf-8") if isinstance(data, str) else data
        if self.rewrite is not None and rel.endswith(".html"):
            data = self.rewrite(rel, data)
        if self.staging is not None:
            self.staging.write(rel, data)
        else:
            self.files[rel] = data
        return True

    def merged_bytes(self, path: str) -> bytes | None:
        """The project's own file at `path` that the build's file of that path takes in (MERGED)."""
        found = self.merged.get(path)
        return found[1] if found is not None else None

    def reusable(self, path: str, sha256: str) -> bool:
        """Whether the previous build published `path` with these bytes (see `add_previous`)."""
        site_path = _site_path(path)
        return site_path not in MERGED and self.staging is not None and self.staging.published(site_path) == sha256

    def digest_of(self, path: str) -> str | None:
        """The sha256 of a file written to the staging folder (None without one)."""
        return self.staging.digests.get(_site_path(path)) if self.staging is not None else None

    def add_previous(self, path: str, sha256: str, source: str, report: Report, line: int = 0) -> None:
        """Plan one file whose bytes are the previous build's (`reusable` said so): they are
        taken from the published site, never held here."""
        rel = self._claim(path, source, report, line, "")
        if rel is not None:
            assert self.staging is not None
            self.staging.keep(rel, sha256)

    def _claim(self, path: str, source: str, report: Report, line: int, what: str) -> str | None:
        """The normalised path, now owned by `source`; None (reported) if it leaves the site or collides."""
        owner = f"{source} ({what})" if what else source
        path = _site_path(path)
        hint = "give one of them another URL (url/slug in front matter) or remove the alias"
        if path == ".." or path.startswith("../"):
            report.error(source, line, 1 if line else 0, "output-outside",
                         f"'{path}' is outside the site: {owner} climbs above its root with '..'",
                         "write the URL from the site's root, e.g. /guide/page/")
            return None
        # the folders above `path` not yet known as folders: those that are were checked
        # when they became folders, and so were all folders above them
        parents = []
        parent = path.rpartition("/")[0]
        while parent and parent not in self.folders:
            parents.append(parent)
            parent = parent.rpartition("/")[0]
        clash = next((p for p in parents if p in self.owners), None)
        if path in self.owners or clash or path in self.folders:
            other = self.owners[path] if path in self.owners else self.owners[clash] if clash \
                else self.owners[self.folders[path]]
            problem = "would be written twice" if path in self.owners else "would be both a file and a folder"
            report.error(source, line, 1 if line else 0, "output-collision",
                         f"'{clash or path}' {problem}: by {other} and by {owner}", hint)
            return None
        self.owners[path] = owner
        for parent in parents:
            self.folders.setdefault(parent, path)
        return path


def _site_path(path: str) -> str:
    """The one spelling of a planned file's path: 'a/../b', '/b' and 'b' are one file."""
    return posixpath.normpath(path.lstrip("/"))


class SiteFiles(Mapping[str, bytes]):
    """The files of a published site, by site path, read from `root` when asked for
    (a large site's pages are not kept in memory)."""

    def __init__(self, root: Path, paths: list[str]) -> None:
        self.root = root
        self._paths = dict.fromkeys(paths)

    def __getitem__(self, path: str) -> bytes:
        if path not in self._paths:
            raise KeyError(path)
        return (self.root / path).read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def url_to_file(url: str, base_path: str) -> str:
    """'/docs/a/b/' -> 'a/b/index.html' for a site published under base_path '/docs/'."""
    path = url[len(base_path):] if url.startswith(base_path) else url.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path

"""What the plugin catalog keeps between builds, so that an unchanged plugins-index costs
almost nothing and one added release re-reads one file and re-renders one plugin.

Two memos, both keyed by content, never by time alone:

- `files`: each plugins-index file's loading result (the validated plugin or None, its
  diagnostics, its documentation link, the local artifacts it published), kept while
  the YAML's bytes hash the same and every local file it read has the same size and
  mtime. Local wagons are not stored here: their bytes are read again from disk.
- `rendered`: each plugin's own published files (its index file, its Marketplace files,
  its HTML page), kept while a hash of everything they are made of is the same: the
  plugin's source, the site's base URL, the templates and site facts its page shows,
  the catalog-wide facts a page reads (platform filters, titles of replacements).

Once a build has published a rendered file, the memo keeps only its sha256 and size
(`Stored`), like the site's page cache: the previous build's published file, checked
against the publish manifest, is the bytes. A catalog of 300 plugins x 40 releases
publishes 167 MB; carrying that in the pickle made a rebuild with nothing changed load
and hash all of it (0.9 s, 250 MB) to write nothing. A stored file that is no longer
published (the output folder was removed) is a miss: its plugin is rendered again.

Files made of every plugin (the root index, plugins.json, the Marketplace catalog, the
list page) are rendered again on any change; that is a few files, not thousands.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple

from ..diagnostics import Diagnostic
from ..hashing import code_digest, digest
from .model import Listing, Plugin


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Stored(NamedTuple):
    """A rendered file the memo keeps by digest: its bytes are the previous build's published file."""
    sha256: str
    size: int


FileData = bytes | Stored
Published = Callable[[str, str], bool]  # (site path, sha256) -> whether the output folder holds exactly that


def digest_and_size(data: FileData) -> tuple[str, int]:
    return (data.sha256, data.size) if isinstance(data, Stored) else (file_digest(data), len(data))


def _all_published(files: Mapping[str, FileData], published: Published | None) -> bool:
    return all(not isinstance(data, Stored) or (published is not None and published(path, data.sha256))
               for path, data in files.items())


@cache
def code_fingerprint() -> str:
    """This package's code and schemas: a new version must not reuse what the old one made."""
    return code_digest(Path(__file__).parent, (".py", ".json"), recursive=True)


def stat_of(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of a local artifact, None if it is gone: a changed file must be read again."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


@dataclass
class LoadedFile:
    """The result of reading one plugins-index file, replayable without reading it again.

    On disk the plugin is kept pickled on its own and unpickled only when a build needs
    it: a rebuild with nothing changed never needs it, and 300 plugins of 240 wagons
    each take seconds to unpickle."""

    digest: str                                   # sha256 of the YAML's bytes
    _plugin: Plugin | bytes | None
    diagnostics: list[Diagnostic]
    doc_link: tuple[str, int] | None              # (ref, line) of `documentation:`
    inputs: dict[str, tuple[int, int] | None]     # local artifact path -> (size, mtime_ns) when read
    payloads: dict[str, bytes | str]              # site path -> bytes, or the local path to read them from
    name: str | None = None                       # the plugin's name, without unpickling it

    @property
    def plugin(self) -> Plugin | None:
        if isinstance(self._plugin, bytes):
            self._plugin = pickle.loads(self._plugin)
        return self._plugin

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if not isinstance(self._plugin, (bytes, type(None))):
            state["_plugin"] = self.__dict__.setdefault("_blob", pickle.dumps(self._plugin, pickle.HIGHEST_PROTOCOL))
        state.pop("_blob", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if isinstance(self._plugin, bytes):
            self.__dict__["_blob"] = self._plugin  # saved again as is, unless the plugin changes

    @property
    def key(self) -> str:
        """Everything the plugin was made of: the YAML's bytes and the state of its local artifacts."""
        return digest(self.digest, sorted(self.inputs.items()))

    def still_valid(self, sha256: str) -> bool:
        return sha256 == self.digest and all(stat_of(Path(path)) == seen for path, seen in self.inputs.items())

    def payload_bytes(self) -> dict[str, bytes] | None:
        """The published artifacts' bytes; None if a local file vanished since (then load again)."""
        result: dict[str, bytes] = {}
        for site_path, value in self.payloads.items():
            if isinstance(value, bytes):
                result[site_path] = value
                continue
            try:
                result[site_path] = Path(value).read_bytes()
            except OSError:
                return None
        return result


@dataclass
class CatalogCache:
    code: str = ""                                                       # code_fingerprint() of the entries
    files: dict[str, LoadedFile] = field(default_factory=dict)               # by plugins-index file
    rendered: dict[str, tuple[str, dict[str, FileData]]] = field(default_factory=dict)  # by plugin name: (key, files)
    whole: tuple[str, "CatalogFiles"] | None = None   # the last build's catalog-wide result, by its key
    dirty: bool = False
    reads: int = 0     # files loaded, renders: plugins rendered, by the last build (for tests and --timings)
    renders: int = 0

    def reset(self, code: str) -> None:
        self.code, self.files, self.rendered, self.whole, self.dirty = code, {}, {}, None, True

    def whole_result(self, key: str, published: Published | None) -> "CatalogFiles | None":
        """The last build's catalog-wide result if `key` is its key and every file it and its
        plugins published (of those kept by digest) is still published."""
        if self.whole is None or self.whole[0] != key:
            return None
        result = self.whole[1]
        if not _all_published(result.files, published):
            return None
        if not all(name in self.rendered and _all_published(self.rendered[name][1], published)
                   for name in result.names):
            return None
        return result

    def put_whole(self, key: str, result: "CatalogFiles") -> None:
        self.whole = (key, result)
        self.dirty = True

    def loaded(self, source: str, digest: str) -> LoadedFile | None:
        entry = self.files.get(source)
        return entry if entry is not None and entry.still_valid(digest) else None

    def put_loaded(self, source: str, entry: LoadedFile) -> None:
        self.files[source] = entry
        self.reads += 1
        self.dirty = True

    def rendered_files(self, name: str, key: str, published: Published | None) -> dict[str, FileData] | None:
        entry = self.rendered.get(name)
        if entry is None or entry[0] != key or not _all_published(entry[1], published):
            return None
        return entry[1]

    def put_rendered(self, name: str, key: str, files: dict[str, FileData]) -> None:
        self.rendered[name] = (key, files)
        self.renders += 1
        self.dirty = True

    def settle(self, digest_of: Callable[[str], str | None]) -> None:
        """Keep by digest each rendered file that `digest_of` (the publish's sha256 of a site
        path, None if it was not published) says is published now."""
        def settled(files: dict[str, FileData]) -> dict[str, FileData] | None:
            changed = {}
            for path, data in files.items():
                if isinstance(data, bytes):
                    sha256 = digest_of(path)
                    if sha256 is not None:
                        changed[path] = Stored(sha256, len(data))
            return {**files, **changed} if changed else None

        for name, (key, files) in self.rendered.items():
            if (done := settled(files)) is not None:
                self.rendered[name] = (key, done)
                self.dirty = True
        if self.whole is not None and (done := settled(self.whole[1].files)) is not None:
            self.whole[1].files = done
            self.dirty = True

    def retain(self, sources: set[str], names: set[str]) -> None:
        """Forget files and plugins that no longer exist."""
        if not (self.files.keys() <= sources and self.rendered.keys() <= names):
            self.files = {k: v for k, v in self.files.items() if k in sources}
            self.rendered = {k: v for k, v in self.rendered.items() if k in names}
            self.dirty = True


@dataclass
class CatalogFiles:
    """What a build made of the whole catalog besides each plugin's own files: replayed
    as is when no plugins-index file, local artifact, documentation link, template or
    site fact changed."""

    names: list[str]                  # the plugins, whose own files are in CatalogCache.rendered
    files: dict[str, FileData]        # the catalog-wide files (root index, legacy catalogs, list page, ...)
    diagnostics: list[Diagnostic]     # what the cross-plugin checks reported
    listings: list[Listing]           # what the search index shows

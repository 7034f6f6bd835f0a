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
from typing import Any

from ..diagnostics import Diagnostic
from ..hashing import code_digest, digest
from .model import Listing, Plugin


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
    rendered: dict[str, tuple[str, dict[str, bytes]]] = field(default_factory=dict)  # by plugin name: (key, files)
    whole: tuple[str, "CatalogFiles"] | None = None   # the last build's catalog-wide result, by its key
    dirty: bool = False
    reads: int = 0     # files loaded, renders: plugins rendered, by the last build (for tests and --timings)
    renders: int = 0

    def reset(self, code: str) -> None:
        self.code, self.files, self.rendered, self.whole, self.dirty = code, {}, {}, None, True

    def whole_result(self, key: str) -> "CatalogFiles | None":
        return self.whole[1] if self.whole is not None and self.whole[0] == key else None

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

    def rendered_files(self, name: str, key: str) -> dict[str, bytes] | None:
        entry = self.rendered.get(name)
        return entry[1] if entry is not None and entry[0] == key else None

    def put_rendered(self, name: str, key: str, files: dict[str, bytes]) -> None:
        self.rendered[name] = (key, files)
        self.renders += 1
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
    files: dict[str, bytes]           # the catalog-wide files (root index, legacy catalogs, list page, ...)
    diagnostics: list[Diagnostic]     # what the cross-plugin checks reported
    listings: list[Listing]           # what the search index shows

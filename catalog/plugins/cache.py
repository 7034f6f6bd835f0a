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
import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from .model import Plugin


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(*parts: Any) -> str:
    """A key made of plain values (JSON-able, tuples and dates included)."""
    return file_digest(json.dumps(parts, sort_keys=True, default=str).encode())


@cache
def code_fingerprint() -> str:
    """This package's code and schemas: a new version must not reuse what the old one made."""
    folder = Path(__file__).parent
    return digest(*[file_digest(path.read_bytes()) for path in sorted(folder.rglob("*")) if path.suffix in (".py", ".json")])


def stat_of(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of a local artifact, None if it is gone: a changed file must be read again."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


@dataclass
class LoadedFile:
    """The result of reading one plugins-index file, replayable without reading it again."""

    digest: str                                   # sha256 of the YAML's bytes
    plugin: Plugin | None
    diagnostics: list[Diagnostic]
    doc_link: tuple[str, int] | None              # (ref, line) of `documentation:`
    inputs: dict[str, tuple[int, int] | None]     # local artifact path -> (size, mtime_ns) when read
    payloads: dict[str, bytes | str]              # site path -> bytes, or the local path to read them from

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
    dirty: bool = False
    reads: int = 0     # files loaded, renders: plugins rendered, by the last build (for tests and --timings)
    renders: int = 0

    def reset(self, code: str) -> None:
        self.code, self.files, self.rendered, self.dirty = code, {}, {}, True

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

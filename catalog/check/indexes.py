"""The download index and the compatibility files: each one validates against its JSON
Schema, every file it hosts has the sha256 and size it claims, and every URL it gives on
this site leads to a file.

The schemas are the ones the site publishes under index/v1/schemas/ (what clients see);
a missing one is reported, and the copy shipped with catalog is used instead.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Iterator

import jsonschema

from .. import jsonread
from ..diagnostics import Report, did_you_mean
from ..plugins import SCHEMA_OF, schema_files
from ..plugins.index import INDEX_DIR, ROOT_FILE, SCHEMA_DIR
from .site import BuiltSite

# keys whose string values are URLs a client follows
URL_KEYS = {"url", "link", "yaml", "md5url", "documentation", "logo_url", "icon", "releases", "path"}
MAX_MESSAGE = 200


def schema_for(rel: str) -> str | None:
    """The schema of a published file, by SCHEMA_OF; None for files that have none."""
    if rel.endswith((".html", ".md5", ".yaml", ".wgn")):
        return None
    parts = rel.split("/")
    for pattern, schema in SCHEMA_OF:
        segments = pattern.split("/")
        if len(segments) == len(parts) and all(fnmatch.fnmatchcase(p, s) for p, s in zip(parts, segments)):
            return schema
    return None


@dataclass
class IndexStats:
    files: int = 0   # JSON files validated
    hosted: int = 0  # hosted files whose digest was recomputed


class IndexChecker:
    """Checks every index file: its schema, the digests of the files it hosts, its URLs."""

    def __init__(self, site: BuiltSite, report: Report) -> None:
        self.site = site
        self.report = report
        self.stats = IndexStats()
        self._validators: dict[str, jsonschema.protocols.Validator | None] = {}
        self._digests: dict[tuple[str, str], str] = {}
        # the files that are valid JSON and follow their schema, parsed: (text, document);
        # copies.py compares them with the index without reading them again
        self.documents: dict[str, tuple[str, Any]] = {}

    def check(self) -> None:
        for rel in sorted(self.site.files):
            schema = schema_for(rel)
            if schema is None:
                continue
            loaded = read_json(self.site, self.report, rel)
            if loaded is None:
                continue
            text, document = loaded
            self.stats.files += 1
            if self.validate(rel, text, document, schema):
                self.documents[rel] = (text, document)
            handled = self.check_digests(rel, text, document)
            self.check_urls(rel, text, document, handled)

    # -- schema -------------------------------------------------------------------------

    def validator(self, schema: str) -> jsonschema.protocols.Validator | None:
        if schema not in self._validators:
            published = f"{SCHEMA_DIR}/{schema}"
            data = (self.site.root / published).read_bytes() if published in self.site.files else None
            if data is None:
                self.report.error(self.site.display(published), 0, 0, "schema-missing",
                                  f"the site publishes files described by {schema}, but not the schema",
                                  "validated with the copy shipped with catalog; rebuild the site")
                data = schema_files()[published]
            try:
                document = jsonread.loads(data)
                cls = jsonschema.validators.validator_for(document, default=jsonschema.Draft202012Validator)
                cls.check_schema(document)
                self._validators[schema] = cls(document, format_checker=cls.FORMAT_CHECKER)
            except (json.JSONDecodeError, jsonschema.SchemaError) as err:
                self.report.error(self.site.display(published), 0, 0, "schema-invalid",
                                  f"not a valid JSON Schema: {_clip(str(err).splitlines()[0])}",
                                  "the build publishes the schemas of catalog/plugins/schemas/; rebuild the site")
                self._validators[schema] = None
        return self._validators[schema]

    def validate(self, rel: str, text: str, document: Any, schema: str) -> bool:
        """Whether the document follows its schema; reports each way it does not."""
        validator = self.validator(schema)
        if validator is None:
            return False
        valid = True
        for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
            line, col = locate(text, list(error.absolute_path))
            self.report.error(self.site.display(rel), line, col, "schema-invalid",
                              f"{error.json_path}: {_clip(error.message)}",
                              f"the file must follow {SCHEMA_DIR}/{schema}")
            valid = False
        return valid

    # -- digests ------------------------------------------------------------------------

    def check_digests(self, rel: str, text: str, document: Any) -> set[tuple]:
        """Recompute sha256 and size of every hosted file the index lists; the JSON paths handled."""
        entries: list[tuple[tuple, dict]] = []
        if rel == ROOT_FILE and isinstance(document, dict):
            for i, plugin in enumerate(_items(document.get("plugins"))):
                if isinstance(plugin, dict) and isinstance(plugin.get("file"), dict):
                    entries.append((("plugins", i, "file"), plugin["file"]))
        elif rel.startswith(f"{INDEX_DIR}/plugins/") and isinstance(document, dict):
            for r, release in enumerate(_items(document.get("releases"))):
                for kind in ("wagons", "yaml_files"):
                    for w, entry in enumerate(_items(release.get(kind) if isinstance(release, dict) else None)):
                        if isinstance(entry, dict):
                            entries.append((("releases", r, kind, w), entry))
        handled = set()
        for where, entry in entries:
            key = "path" if "path" in entry else "url"
            url = entry.get(key)
            if not isinstance(url, str):
                continue
            target = self.site.resolve(url, self.site.url_of(rel))
            if target is None or target.outside:
                continue  # hosted elsewhere: the index cannot vouch for those bytes
            handled.add(where + (key,))
            line, col = locate(text, list(where) + [key])
            if not target.file:
                self.report.error(self.site.display(rel), line, col, "hosted-missing",
                                  f"lists '{url}', but the site has no file '{target.path}'",
                                  "publish the file, or point the index at where it is hosted")
                continue
            self.stats.hosted += 1
            self.check_file(rel, text, where, entry, target.file)
        return handled

    def check_file(self, rel: str, text: str, where: tuple, entry: dict, file: str) -> None:
        path = self.site.root / file
        size = path.stat().st_size
        if isinstance(entry.get("size"), int) and entry["size"] != size:
            line, col = locate(text, list(where) + ["size"])
            self.report.error(self.site.display(rel), line, col, "size-mismatch",
                              f"size of {file} is {size} bytes, the index says {entry['size']}",
                              "the file changed after the build: rebuild the site, or restore the file")
        if isinstance(entry.get("sha256"), str):
            actual = self.digest(file, "sha256")
            if actual != entry["sha256"].lower():
                line, col = locate(text, list(where) + ["sha256"])
                self.report.error(self.site.display(rel), line, col, "sha256-mismatch",
                                  f"sha256 of {file} is {actual}, the index says {entry['sha256']}",
                                  "the file changed after the build: rebuild the site, or restore the file")
        md5_file = file + ".md5"
        if md5_file in self.site.files:
            claimed = (self.site.root / md5_file).read_text(encoding="utf-8", errors="replace").split()
            if claimed and claimed[0].lower() != self.digest(file, "md5"):
                self.report.error(self.site.display(md5_file), 1, 1, "md5-mismatch",
                                  f"md5 of {file} is {self.digest(file, 'md5')}, this file says {claimed[0]}",
                                  "the file changed after the build: rebuild the site, or restore the file")

    def digest(self, file: str, algorithm: str) -> str:
        if (file, algorithm) not in self._digests:
            hasher = hashlib.new(algorithm)
            with open(self.site.root / file, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    hasher.update(chunk)
            self._digests[(file, algorithm)] = hasher.hexdigest()
        return self._digests[(file, algorithm)]

    # -- URLs ---------------------------------------------------------------------------

    def check_urls(self, rel: str, text: str, document: Any, handled: set[tuple]) -> None:
        """Every URL on this site in the file leads to a file (and #fragment, for pages)."""
        page_url = self.site.url_of(rel)
        for where, url in _urls(document, ()):
            if where in handled:
                continue
            target = self.site.resolve(url, page_url)
            if target is None or target.outside:
                continue
            problem = self.site.missing(target)
            if problem and target.file:  # the file is there, its #fragment names nothing: as on a page
                line, col = locate(text, list(where))
                self.report.warning(self.site.display(rel), line, col, "link-fragment",
                                    f"{_json_path(where)} is '{url}', but {problem}",
                                    did_you_mean(target.fragment or "", self.site.ids.get(target.file, ()))
                                    or "link to an id that exists, or drop the #fragment")
            elif problem:
                line, col = locate(text, list(where))
                self.report.error(self.site.display(rel), line, col, "link-missing",
                                  f"{_json_path(where)} is '{url}', but {problem}",
                                  self.site.suggest(target.path) or "the build writes this URL; rebuild the site")


def read_json(site: BuiltSite, report: Report, rel: str) -> tuple[str, Any] | None:
    """(text, document) of a published JSON file; None, reported, when it is not JSON."""
    text = (site.root / rel).read_bytes().decode("utf-8", errors="replace")
    try:
        return text, jsonread.loads(text)   # deep nesting and huge numbers are JSON errors too
    except json.JSONDecodeError as err:
        report.error(site.display(rel), err.lineno, err.colno, "json-invalid", f"not valid JSON: {err.msg}",
                     "the build writes this file; rebuild the site")
    return None


def _items(value: Any) -> list:
    return value if isinstance(value, list) else []


def _urls(value: Any, where: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in URL_KEYS and isinstance(item, str):
                yield where + (key,), item
            else:
                yield from _urls(item, where + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _urls(item, where + (i,))


def _json_path(where: tuple) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)


def _clip(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "..."


_SPACE = re.compile(r"\s*")
_DECODER = json.JSONDecoder()


def locate(text: str, path: list[str | int]) -> tuple[int, int]:
    """1-based line and column of the value at `path` in the JSON `text`; (0, 0) if not found.

    `json` keeps no positions, so this walks the text: objects key by key, skipping the
    values on the way with the decoder."""
    try:
        pos = _SPACE.match(text, 0).end()
        for step in path:
            if isinstance(step, str) and text[pos] == "{":
                pos = _SPACE.match(text, pos + 1).end()
                while text[pos] == '"':
                    key, pos = json.decoder.scanstring(text, pos + 1)
                    pos = _SPACE.match(text, _SPACE.match(text, pos).end() + 1).end()  # past ':'
                    if key == step:
                        break
                    pos = _skip(text, pos)
                else:
                    return 0, 0
            elif isinstance(step, int) and text[pos] == "[":
                pos = _SPACE.match(text, pos + 1).end()
                for _ in range(step):
                    pos = _skip(text, pos)
            else:
                return 0, 0
    except (IndexError, ValueError):
        return 0, 0
    return text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)


def _skip(text: str, pos: int) -> int:
    """Past the value at `pos` and the comma after it."""
    _, pos = _DECODER.raw_decode(text, pos)
    pos = _SPACE.match(text, pos).end()
    if text[pos] == ",":
        pos = _SPACE.match(text, pos + 1).end()
    return pos

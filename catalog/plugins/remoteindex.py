"""Reading a published download index for the resolver, over http(s), file:// or a local
path: the root file first, then the plugin's own file, whose sha256 and size must be those
the root names. Both files must have a schema_version it can read (PEP 629: a higher major
fails, a higher minor warns). With `trust` (pinned keys, see catalog.plugins.trust) the
root file's signature, version and expiry are verified before it is read.
"""
from __future__ import annotations

import datetime
import hashlib
import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from packaging.version import InvalidVersion

from .. import jsonread
from ..diagnostics import did_you_mean
from .index import ROOT_FILE, SchemaVersionError, check_schema_version
from .model import Deprecation, Release, Wagon, YamlFile
from .transfer import USER_AGENT, Deadline, ResolveError, cut_short, read_chunks
from .trust import Trust, TrustError, Verified

MAX_INDEX_FILE = 64 << 20   # an index file larger than this is refused, not read into memory


def index_url(index: str) -> str:
    """The URL of the root file for what a user passes as --index (URL, file, or site/index folder)."""
    parts = urlsplit(index)
    if parts.scheme in ("http", "https", "file"):
        if parts.path.endswith(".json"):
            return index
        base = index if index.endswith("/") else index + "/"
        return urljoin(base, "index.json" if parts.path.rstrip("/").endswith("index/v1") else ROOT_FILE)
    path = Path(index).expanduser()
    if path.is_dir():
        for candidate in (path / "index.json", path / ROOT_FILE):
            if candidate.is_file():
                return candidate.resolve().as_uri()
        raise ResolveError(f"{index}: no index.json or {ROOT_FILE} in this folder")
    if not path.exists():
        raise ResolveError(f"{index}: no such file or folder (give a URL, a site folder or an index.json)")
    return path.resolve().as_uri()


def fetch(url: str, deadline: Deadline | None = None) -> bytes:
    """An index file, at most MAX_INDEX_FILE bytes."""
    deadline = deadline or Deadline()
    data = bytearray()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": USER_AGENT}),
                                    timeout=deadline.wait(url, 0, False)) as response:
            for chunk in read_chunks(response, url, deadline, False):
                data += chunk
                if len(data) > MAX_INDEX_FILE:
                    break
            if len(data) <= MAX_INDEX_FILE and getattr(response, "length", None):
                raise http.client.IncompleteRead(bytes(data))   # bytes the server announced and did not send
    except urllib.error.HTTPError as exc:
        raise ResolveError(f"cannot fetch {url}: HTTP {exc.code} {exc.reason}") from None
    except http.client.IncompleteRead as exc:
        raise ResolveError(f"cannot fetch {url}: {cut_short(len(exc.partial))}; try again") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        if deadline.expired():
            raise ResolveError(deadline.message(url, len(data), False)) from None
        reason = getattr(exc, "reason", None) or exc
        raise ResolveError(f"cannot fetch {url}: {reason}") from None
    if len(data) > MAX_INDEX_FILE:
        raise ResolveError(f"{url}: more than {MAX_INDEX_FILE} bytes, too large for an index file")
    return bytes(data)


def reachable(url: str, index: str) -> None:
    """Refuse a URL the index at `index` may not lead to: an index served over http(s) names
    only http(s) files (a file:// URL would read and report this machine's files, e.g.
    file:///etc/os-release, as "sha256 and size verified"); a local index may also name local
    files. An unknown index counts as remote."""
    allowed = ("http", "https", "file") if urlsplit(index).scheme == "file" else ("http", "https")
    scheme = urlsplit(url).scheme
    if scheme not in allowed:
        raise ResolveError(f"refusing {url}: an index read from {index or 'a remote site'} may only name "
                           f"{' or '.join(allowed)} URLs, not {scheme or 'a URL without scheme'}")


def _json(data: bytes, url: str) -> Any:
    try:
        return jsonread.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResolveError(f"{url} is not valid JSON: {exc}") from None


@dataclass
class PluginIndex:
    """One plugin's releases as read from the index, with every URL made absolute."""

    name: str
    releases: list[Release]
    warnings: list[str]
    index: str = ""   # the root file's URL
    signature: Verified | None = None


def load_plugin(plugin: str, index: str, deadline: Deadline | None = None, trust: Trust | None = None) -> PluginIndex:
    """With `trust`, the root file's signature, version and expiry are verified before it is read."""
    root_url = index_url(index)
    warnings: list[str] = []
    root_bytes = fetch(root_url, deadline)
    signature = None
    if trust is not None:
        try:
            signature = trust.verify(root_url, root_bytes, lambda url: fetch(url, deadline))
        except TrustError as exc:
            raise ResolveError(f"untrusted index: {exc}") from None
    root = _json(root_bytes, root_url)
    try:
        warning = check_schema_version(root, root_url)
        entries = {entry["name"]: entry for entry in root["plugins"]}
    except SchemaVersionError as exc:
        raise ResolveError(str(exc)) from None
    except (KeyError, TypeError) as exc:
        raise ResolveError(f"{root_url}: malformed root file ({exc!r})") from None
    if warning:
        warnings.append(warning)
    entry = entries.get(plugin)
    if entry is None:
        hint = did_you_mean(plugin, entries)
        raise ResolveError(f"no plugin '{plugin}' in {root_url}" + (f"; {hint}" if hint else ""))
    try:
        file_url = urljoin(root_url, entry["file"]["path"])
        expected_sha, expected_size = entry["file"]["sha256"], entry["file"]["size"]
    except (KeyError, TypeError) as exc:
        raise ResolveError(f"{root_url}: malformed entry for {plugin} ({exc!r})") from None
    reachable(file_url, root_url)
    data = fetch(file_url, deadline)
    actual_sha = hashlib.sha256(data).hexdigest()
    if actual_sha != expected_sha or len(data) != expected_size:
        raise ResolveError(
            f"{file_url}: sha256 {actual_sha} ({len(data)} bytes) differs from the root file's {expected_sha} "
            f"({expected_size} bytes); " + ("the signed root does not name this file: it was altered after "
                                            "signing, or a cache is stale; refusing it" if trust is not None
                                            else "the index is being updated or a cache is stale, try again"))
    document = _json(data, file_url)
    try:
        warning = check_schema_version(document, file_url)
        releases = [_release(r, file_url) for r in document["releases"]]
    except SchemaVersionError as exc:
        raise ResolveError(str(exc)) from None
    except (KeyError, TypeError, ValueError, InvalidVersion) as exc:
        raise ResolveError(f"{file_url}: malformed plugin file ({exc!r})") from None
    if warning:
        warnings.append(warning)
    releases.sort(key=lambda r: r.parsed_version, reverse=True)
    return PluginIndex(plugin, releases, warnings, root_url, signature)


def _release(doc: dict[str, Any], file_url: str) -> Release:
    deprecated = doc.get("deprecated")
    return Release(
        version=doc["version"],
        date=datetime.date.fromisoformat(doc["date"]),
        manager_versions=doc.get("manager_versions"),
        yanked=(doc.get("yanked") or {}).get("reason") if doc.get("yanked") else None,
        deprecated=Deprecation(deprecated["replacement"]["plugin"], deprecated["replacement"].get("version"),
                               deprecated.get("reason")) if deprecated else None,
        yaml_files=tuple(YamlFile(filename=y["filename"], sha256=y.get("sha256"), size=y.get("size"),
                                  url=urljoin(file_url, y["url"]), dsl_version=y["dsl_version"])
                         for y in doc["yaml_files"]),
        wagons=tuple(Wagon(filename=w["filename"], sha256=w.get("sha256"), size=w.get("size"),
                           url=urljoin(file_url, w["url"]),
                           distribution=w["distribution"], release=w.get("release"), arch=w["arch"],
                           platform=w["platform"], python_tags=tuple(w["python_tags"]), build_tag=w.get("build_tag"))
                     for w in doc["wagons"]),
    )

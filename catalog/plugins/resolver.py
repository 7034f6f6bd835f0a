"""The resolver: pick the wagon of a plugin for one manager, say why, and download it
verified. `catalog resolve` and the Python API (`resolve`, `download`) share the code.

It reads our index over http(s), file:// or a local path: the root file first, then the
plugin's own file, whose sha256 and size must be those the root names. Both files must
have a schema_version it can read (PEP 629: a higher major fails, a higher minor warns).

Selection, newest release first (PEP 440 order); the first that passes every rule wins:

1. the version is inside `--version` (a bare version means `===`, as in the manager's
   `plugin:NAME?version=`); pre-releases only when the specifier names one;
2. the release is not yanked;
3. its supported manager versions admit `--manager-version` (no declared range admits all);
4. it has DSL yaml files (the manager requires them);
5. it has a wagon for the platform: the exact distribution and release first, then a
   `manylinux` wagon; in both cases for the same architecture (or `any`) and with the
   python tag (`py3` in a wagon covers `py311`).

Rules 1, 2 (which the legacy clients cannot see), 4 and 5's distribution order are the
manager's (REFERENCE.md 3.3); the architecture, python and manager-version checks are
what the console and manager do not do. When nothing fits, every release is listed with
each rule that excluded it.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import http.client
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urljoin, urlsplit

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from .. import jsonread
from ..diagnostics import EscapingWriter, did_you_mean
from ..interrupts import Interrupted, stop_on_signals
from .index import ROOT_FILE, SchemaVersionError, check_schema_version
from .model import Deprecation, Release, Wagon, YamlFile
from .trust import Trust, TrustError, Verified

USER_AGENT = "catalog-resolver/1"
TIMEOUT = 60  # seconds one connect or read may wait
DEADLINE = 600.0  # seconds `catalog resolve` may take in all (reading the index, downloading); --deadline
CHUNK = 1 << 16
MAX_INDEX_FILE = 64 << 20   # an index file larger than this is refused, not read into memory


class ResolveError(Exception):
    """The index cannot be read, the plugin is unknown, or a download failed verification."""


class NothingFits(ResolveError):
    """No release passes every rule; `excluded` says which rules excluded each release."""

    def __init__(self, message: str, excluded: list["Exclusion"]) -> None:
        super().__init__(message)
        self.excluded = excluded


@dataclass(frozen=True)
class Target:
    """The manager a wagon is chosen for."""

    manager_version: str
    distribution: str
    release: str
    arch: str
    python_tag: str

    def describe(self) -> str:
        return f"{self.distribution} {self.release} {self.arch} {self.python_tag}, manager {self.manager_version}"


@dataclass(frozen=True)
class Exclusion:
    version: str
    reasons: tuple[str, ...]

    def format(self) -> str:
        return f"{self.version}: {'; '.join(self.reasons)}"


@dataclass
class Resolution:
    plugin: str
    release: Release
    wagon: Wagon
    reasons: list[str]
    skipped: list[Exclusion] = field(default_factory=list)   # newer releases that did not fit
    warnings: list[str] = field(default_factory=list)
    index: str = ""   # the root file's URL: what the files it names may be fetched from (see reachable)
    signature: Verified | None = None   # what the index's verified signature says (with `trust`)

    @property
    def version(self) -> str:
        return self.release.version

    @property
    def yaml_files(self) -> tuple[YamlFile, ...]:
        return self.release.yaml_files

    def as_dict(self) -> dict[str, Any]:
        return {
            "plugin": self.plugin, "version": self.version,
            "wagon": {"filename": self.wagon.filename, "url": self.wagon.url, "sha256": self.wagon.sha256,
                      "size": self.wagon.size, "distribution": self.wagon.distribution,
                      **({"release": self.wagon.release} if self.wagon.release else {}),
                      "arch": self.wagon.arch, "python_tags": list(self.wagon.python_tags)},
            "yaml_files": [{"dsl_version": y.dsl_version, "filename": y.filename, "url": y.url, "sha256": y.sha256,
                            "size": y.size} for y in self.yaml_files],
            "reasons": self.reasons,
            "skipped": [{"version": e.version, "reasons": list(e.reasons)} for e in self.skipped],
            "warnings": self.warnings,
        }


class Deadline:
    """When a whole command must be over: a server that sends a byte now and then never lets
    a read time out, so each read waits at most for what is left, and the time is checked
    between reads. `seconds=None`: no overall limit (each read still times out)."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = seconds
        self.ends = None if seconds is None else time.monotonic() + seconds

    def expired(self) -> bool:
        return self.ends is not None and time.monotonic() >= self.ends

    def wait(self, url: str, received: int, deleted: bool) -> float:
        """How long the next connect or read may wait; ResolveError once the deadline has passed."""
        if self.ends is None:
            return TIMEOUT
        left = self.ends - time.monotonic()
        if left <= 0:
            raise ResolveError(self.message(url, received, deleted))
        return min(TIMEOUT, left)

    def message(self, url: str, received: int, deleted: bool) -> str:
        return (f"cannot fetch {url}: not done within the deadline of {self.seconds:g} s ({received} bytes "
                f"received){'; download deleted' if deleted else ''}; try again, or allow more time with --deadline")


def _chunks(response: Any, url: str, deadline: Deadline, deleted: bool) -> Iterator[bytes]:
    """The body of `response` as it arrives (read1: whatever came, not a full CHUNK), within `deadline`."""
    received = 0
    read = getattr(response, "read1", None) or response.read
    while True:
        _limit_wait(response, deadline.wait(url, received, deleted))
        chunk = read(CHUNK)
        if not chunk:
            return
        received += len(chunk)
        yield chunk


def _limit_wait(response: Any, seconds: float) -> None:
    """Make the next read of an HTTP response wait at most `seconds` (its socket's timeout;
    urllib gives no other way). A file:// response has no socket, and needs none."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(seconds)


# -- reading the index ----------------------------------------------------------------------

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
            for chunk in _chunks(response, url, deadline, False):
                data += chunk
                if len(data) > MAX_INDEX_FILE:
                    break
            if len(data) <= MAX_INDEX_FILE and getattr(response, "length", None):
                raise http.client.IncompleteRead(bytes(data))   # bytes the server announced and did not send
    except urllib.error.HTTPError as exc:
        raise ResolveError(f"cannot fetch {url}: HTTP {exc.code} {exc.reason}") from None
    except http.client.IncompleteRead as exc:
        raise ResolveError(f"cannot fetch {url}: {_cut_short(len(exc.partial))}; try again") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        if deadline.expired():
            raise ResolveError(deadline.message(url, len(data), False)) from None
        reason = getattr(exc, "reason", None) or exc
        raise ResolveError(f"cannot fetch {url}: {reason}") from None
    if len(data) > MAX_INDEX_FILE:
        raise ResolveError(f"{url}: more than {MAX_INDEX_FILE} bytes, too large for an index file")
    return bytes(data)


def _cut_short(received: int) -> str:
    return f"connection closed after {received} bytes, before the end of the file"


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


# -- selection ------------------------------------------------------------------------------

def parse_version_spec(text: str | None) -> SpecifierSet | None:
    """None/'' -> any version; '3.0.10' -> '===3.0.10' (the manager's reading); else a PEP 440 specifier."""
    if not text or not text.strip():
        return None
    text = text.strip()
    if text[0].isdigit():
        text = "===" + text
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        raise ResolveError(f"--version '{text}' is not a PEP 440 version or specifier (e.g. '>=3.0,<4')") from None


def select(plugin: str, releases: list[Release], spec: SpecifierSet | None, target: Target) -> Resolution:
    """Apply the rules (module docstring) to `releases`, newest first."""
    try:
        manager = Version(target.manager_version)
    except InvalidVersion:
        raise ResolveError(f"--manager-version '{target.manager_version}' is not a PEP 440 version") from None
    allow_pre = bool(spec is not None and spec.prereleases)
    excluded: list[Exclusion] = []
    for release in releases:
        version = release.parsed_version
        reasons = []
        if spec is not None and not spec.contains(version, prereleases=True):
            reasons.append(f"version {release.version} is outside '{spec}'")
        elif version.is_prerelease and not allow_pre:
            reasons.append("pre-release (name a pre-release in --version to allow it)")
        if release.yanked:
            reasons.append(f"yanked: {release.yanked}")
        if not release.admits_manager(manager):
            reasons.append(f"supports manager versions '{release.manager_versions}', not {manager}")
        if not release.yaml_files:
            reasons.append("has no DSL yaml files")
        wagon, how = pick_wagon(release.wagons, target)
        if wagon is None:
            reasons.append(how)
        if reasons:
            excluded.append(Exclusion(release.version, tuple(reasons)))
            continue
        why = [
            f"{release.version} is the newest release that passes every rule",
            f"version: {release.version} is inside '{spec}'" if spec is not None else "version: any (no --version given)",
            f"manager: {manager} is inside '{release.manager_versions}'" if release.manager_versions
            else f"manager: the release declares no manager range, so {manager} is admitted",
            f"platform: {how}",
        ]
        warnings = []
        if release.deprecated:
            warnings.append(f"{plugin} {release.version} is deprecated: use {release.deprecated.requirement()}"
                            + (f" ({release.deprecated.reason})" if release.deprecated.reason else ""))
        return Resolution(plugin, release, wagon, why, excluded, warnings)
    raise NothingFits(f"no release of {plugin} fits {target.describe()}"
                      + (f", version '{spec}'" if spec is not None else ""), excluded)


def _python_fits(wagon: Wagon, tag: str) -> bool:
    return tag in wagon.python_tags or tag[:3] in wagon.python_tags


def pick_wagon(wagons: tuple[Wagon, ...], target: Target) -> tuple[Wagon | None, str]:
    """(wagon, why) or (None, why not): exact distribution/release first, then manylinux."""
    distribution, release = target.distribution.lower(), target.release.lower()
    wanted = f"{target.arch} {target.python_tag}"
    exact = [w for w in wagons if w.distribution == distribution and (w.release or "") == release]
    for wagon in exact:
        if wagon.runs_on(target.arch) and _python_fits(wagon, target.python_tag):
            return wagon, f"{wagon.label} wagon for {wanted} (exact distribution and release)"
    for wagon in wagons:
        if wagon.distribution == "manylinux" and wagon.runs_on(target.arch) \
                and _python_fits(wagon, target.python_tag):
            lead = (f"the {distribution} {release} wagons are for "
                    + ", ".join(f"{w.arch} {'.'.join(w.python_tags)}" for w in exact)
                    if exact else f"no {distribution} {release} wagon")
            return wagon, f"{lead}; manylinux wagon for {wanted} (fallback)"
    have = ", ".join(f"{w.label} {w.arch} {'.'.join(w.python_tags)}" for w in wagons) or "none"
    return None, f"no {distribution} {release} or manylinux wagon for {wanted} (has: {have})"


def resolve(plugin: str, *, version_spec: str | None = None, manager_version: str, distribution: str,
            release: str, arch: str, python_tag: str, index: str, deadline: Deadline | None = None,
            trust: Trust | None = None) -> Resolution:
    """Read the index (within `deadline`) and choose; raises NothingFits (with the reasons) or ResolveError.
    With `trust` (pinned keys, see catalog.plugins.trust), an index whose signature, version or
    expiry does not verify is refused before anything it names is read."""
    spec = parse_version_spec(version_spec)
    found = load_plugin(plugin, index, deadline, trust)
    resolution = select(plugin, found.releases, spec,
                        Target(manager_version, distribution, release, arch, python_tag))
    resolution.warnings[:0] = found.warnings
    resolution.index = found.index
    resolution.signature = found.signature
    return resolution


# -- download -------------------------------------------------------------------------------

def download(resolution: Resolution, dest_dir: Path, deadline: Deadline | None = None) -> list[Path]:
    """Fetch the wagon and its yaml files into dest_dir (within `deadline`), keeping them only if
    sha256 and size match.

    All or nothing: on any failure every file of this call is deleted and ResolveError says why;
    so on an interrupt (a KeyboardInterrupt: see interrupts.stop_on_signals), which propagates."""
    deadline = deadline or Deadline()
    for artifact in (resolution.wagon, *resolution.yaml_files):
        reachable(artifact.url or "", resolution.index)   # before anything is written
    dest_dir.mkdir(parents=True, exist_ok=True)
    kept: list[Path] = []
    try:
        for artifact in (resolution.wagon, *resolution.yaml_files):
            if artifact.sha256 is None or artifact.size is None:  # "unverified": nothing to check it against
                raise ResolveError(f"{artifact.filename}: the index has no sha256 for it, so a download cannot be "
                                   "verified; ask the catalog to run `catalog release refresh`")
            kept.append(_download_one(artifact.url or "", artifact.filename, artifact.sha256, artifact.size, dest_dir,
                                      deadline))
    except BaseException:
        for path in kept:
            path.unlink(missing_ok=True)
        raise
    return kept


def _download_one(url: str, filename: str, sha256: str, size: int, dest_dir: Path, deadline: Deadline) -> Path:
    name = Path(filename).name
    if not name or name != filename:
        raise ResolveError(f"refusing to write '{filename}': not a plain file name")
    target = dest_dir / name
    # a hidden, new file (O_EXCL: never one that is there, nor a link) that becomes `target`
    # only once verified; unlike mkstemp's, its mode follows the umask
    partial = dest_dir / f".{name}.{os.getpid()}-{secrets.token_hex(4)}.part"
    digest = hashlib.sha256()
    received = 0
    try:
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as out, urllib.request.urlopen(
                urllib.request.Request(url, headers={"User-Agent": USER_AGENT}),
                timeout=deadline.wait(url, 0, True)) as response:
            for chunk in _chunks(response, url, deadline, True):
                received += len(chunk)
                if received > size:
                    raise ResolveError(f"{filename}: more than the {size} bytes the index names; download deleted")
                digest.update(chunk)
                out.write(chunk)
            if getattr(response, "length", None):
                raise http.client.IncompleteRead(b"")
        if received != size:
            raise ResolveError(f"{filename}: size mismatch: the index says {size} bytes, got {received}; "
                               "download deleted")
        if digest.hexdigest() != sha256:
            raise ResolveError(f"{filename}: sha256 mismatch: the index says {sha256}, the download has "
                               f"{digest.hexdigest()}; download deleted")
        os.replace(partial, target)
        return target
    except urllib.error.HTTPError as exc:
        raise ResolveError(f"cannot fetch {url}: HTTP {exc.code} {exc.reason}") from None
    except http.client.IncompleteRead as exc:
        raise ResolveError(f"cannot fetch {url}: {_cut_short(received + len(exc.partial))}; "
                           "download deleted, try again") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        if deadline.expired():
            raise ResolveError(deadline.message(url, received, True)) from None
        raise ResolveError(f"cannot fetch {url}: {getattr(exc, 'reason', None) or exc}; download deleted") from None
    finally:  # on an interrupt too: SIGTERM raises under stop_on_signals instead of ending the process here
        partial.unlink(missing_ok=True)


# -- command line ---------------------------------------------------------------------------

def add_resolve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Choose the wagon of PLUGIN for a manager (newest release that fits the version, the "
                          "manager version and the platform), print the choice and why, optionally download it "
                          "verified. Exit status: 0 chosen, 1 nothing fits, 2 index or download problem.")
    parser.add_argument("plugin", metavar="PLUGIN", help="plugin name, e.g. cloudify-aws-plugin")
    parser.add_argument("--version", dest="version_spec", metavar="SPEC",
                        help="PEP 440 specifier (e.g. '>=3.0,<4'); a bare version means ===")
    parser.add_argument("--manager-version", required=True, metavar="V", help="Cloudify manager version, e.g. 6.4.0")
    parser.add_argument("--distribution", required=True, metavar="D", help="manager OS distribution, e.g. centos")
    parser.add_argument("--release", required=True, metavar="R", help="distribution release, e.g. core, ootpa")
    parser.add_argument("--arch", required=True, metavar="A", help="architecture, e.g. x86_64, aarch64")
    parser.add_argument("--python", dest="python_tag", required=True, metavar="TAG", help="python tag, e.g. py36")
    parser.add_argument("--index", default=os.environ.get("CATALOG_INDEX"), metavar="URL-or-path",
                        help="index URL, site folder or index.json (default: $CATALOG_INDEX)")
    parser.add_argument("--download", metavar="DIR", type=Path, help="download the wagon and yaml files into DIR")
    parser.add_argument("--deadline", type=_seconds, default=DEADLINE, metavar="SECONDS",
                        help=f"give up when reading the index and downloading take longer than this in all "
                             f"(default: {DEADLINE:g})")
    parser.add_argument("--json", action="store_true", help="print the choice as JSON")
    parser.add_argument("--trust", action="append", type=Path, default=[], metavar="FILE.pub",
                        help="verify the index's signature, version and expiry with this pinned public key "
                             "before trusting it (repeatable)")
    parser.add_argument("--state", type=Path, default=None, metavar="DIR",
                        help="where the index versions seen are kept, to refuse older ones "
                             "(default: $CATALOG_TRUST_STATE, else $XDG_STATE_HOME/catalog/trust)")


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds above 0")
    return seconds


def run_resolve(args: argparse.Namespace) -> int:
    """Resolve (and download); Ctrl-C or SIGTERM stops it with one line, leaving no partial file."""
    try:
        with stop_on_signals():
            return _resolve_and_report(args)
    except Interrupted as stop:
        print("resolve interrupted; nothing was downloaded" if args.download else "resolve interrupted",
              file=sys.stderr)
        return stop.exit_status


def _resolve_and_report(args: argparse.Namespace) -> int:
    # what is printed quotes the index (yanked reasons, URLs, names): its escape sequences are not obeyed
    out, err = EscapingWriter(sys.stdout), EscapingWriter(sys.stderr)
    if not args.index:
        print("error: no index given: pass --index URL-or-path or set CATALOG_INDEX", file=err)
        return 2
    deadline = Deadline(args.deadline)
    try:
        trust = Trust.from_files(args.trust, args.state) if args.trust else None
    except TrustError as exc:
        print(f"error: {exc}", file=err)
        return 2
    try:
        resolution = resolve(args.plugin, version_spec=args.version_spec, manager_version=args.manager_version,
                             distribution=args.distribution, release=args.release, arch=args.arch,
                             python_tag=args.python_tag, index=args.index, deadline=deadline, trust=trust)
    except NothingFits as exc:
        print(f"error: {exc}:", file=err)
        for exclusion in exc.excluded:
            print(f"  {exclusion.format()}", file=err)
        return 1
    except ResolveError as exc:
        print(f"error: {exc}", file=err)
        return 2
    for warning in resolution.warnings:
        print(f"warning: {warning}", file=err)
    if resolution.signature is not None:
        signature = resolution.signature
        print(f"index signature verified: version {signature.version}, signed {signature.signed}, expires "
              f"{signature.expires}, key {', '.join(k[:16] for k in signature.signed_by)}", file=err)
    files: list[Path] = []
    if args.download:
        try:
            files = download(resolution, args.download, deadline)
        except ResolveError as exc:
            print(f"error: {exc}", file=err)
            return 2
    if args.json:
        document = resolution.as_dict()
        if args.download:
            document["downloaded"] = [str(p) for p in files]
        print(json.dumps(document, indent=2, sort_keys=True), file=out)
        return 0
    print(format_resolution(resolution), file=out)
    for path in files:
        print(f"downloaded {path} (sha256 and size verified)", file=out)
    return 0


def format_resolution(resolution: Resolution) -> str:
    wagon = resolution.wagon
    lines = [f"{resolution.plugin} {resolution.version}",
             f"  wagon:  {wagon.filename}",
             f"  url:    {wagon.url}",
             f"  sha256: {wagon.sha256 or 'unknown: the index marks this wagon unverified'}",
             f"  size:   {wagon.size} bytes" if wagon.size is not None else "  size:   unknown"]
    lines += [f"  yaml:   {y.dsl_version} {y.url}" for y in resolution.yaml_files]
    lines.append("why:")
    lines += [f"  - {reason}" for reason in resolution.reasons]
    if resolution.skipped:
        lines.append("newer releases skipped:")
        lines += [f"  - {exclusion.format()}" for exclusion in resolution.skipped]
    return "\n".join(lines)

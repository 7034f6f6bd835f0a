"""The resolver: pick the wagon of a plugin for one manager, say why, and download it
verified. `catalog resolve` and the Python API (`resolve`, `download`) share the code.

The index is read by catalog.plugins.remoteindex (within a deadline: catalog.plugins.transfer);
`catalog resolve`'s arguments and output are catalog.plugins.resolvecmd.

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

import hashlib
import http.client
import os
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from .model import Release, Wagon, YamlFile
from .remoteindex import load_plugin, reachable
from .transfer import USER_AGENT, Deadline, ResolveError, cut_short, read_chunks
from .trust import Trust, Verified


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
            for chunk in read_chunks(response, url, deadline, True):
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
        raise ResolveError(f"cannot fetch {url}: {cut_short(received + len(exc.partial))}; "
                           "download deleted, try again") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        if deadline.expired():
            raise ResolveError(deadline.message(url, received, True)) from None
        raise ResolveError(f"cannot fetch {url}: {getattr(exc, 'reason', None) or exc}; download deleted") from None
    finally:  # on an interrupt too: SIGTERM raises under stop_on_signals instead of ending the process here
        partial.unlink(missing_ok=True)

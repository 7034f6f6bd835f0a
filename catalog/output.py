"""The site's output: every file is planned in memory first and written only when the
whole build succeeded, so a failed build never touches the last good site.

A first build (or one into a folder that changed since) is written to a folder
beside the destination and swapped in with two renames. When a manifest shows that
the destination is exactly what the previous build wrote, only the files that
changed are replaced, each atomically (a temporary file renamed over it), and
vanished files are removed: a one-page edit rewrites a few files, not the site.
"""
from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Report


@dataclass
class Output:
    """Files to publish, by site-relative POSIX path; remembers who wrote each one."""

    files: dict[str, bytes] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    folders: dict[str, str] = field(default_factory=dict)  # folder -> the first file planned in it

    def add(self, path: str, data: bytes | str, source: str, report: Report, line: int = 0, what: str = "") -> None:
        """Plan one file; `source` (and `line`) say where it comes from, `what` how (e.g. 'alias /a/')."""
        owner = f"{source} ({what})" if what else source
        path = posixpath.normpath(path.lstrip("/"))  # 'a/../b' and 'b' are one file
        hint = "give one of them another URL (url/slug in front matter) or remove the alias"
        if path == ".." or path.startswith("../"):
            report.error(source, line, 1 if line else 0, "output-outside",
                         f"'{path}' is outside the site: {owner} climbs above its root with '..'",
                         "write the URL from the site's root, e.g. /guide/page/")
            return
        parents = [path.rsplit("/", depth)[0] for depth in range(1, path.count("/") + 1)]
        clash = next((p for p in parents if p in self.files), None)
        if path in self.files or clash or path in self.folders:
            other = self.owners[path] if path in self.files else self.owners[clash] if clash \
                else self.owners[self.folders[path]]
            problem = "would be written twice" if path in self.files else "would be both a file and a folder"
            report.error(source, line, 1 if line else 0, "output-collision",
                         f"'{clash or path}' {problem}: by {other} and by {owner}", hint)
            return
        self.files[path] = data.encode("utf-8") if isinstance(data, str) else data
        self.owners[path] = owner
        for parent in parents:
            self.folders.setdefault(parent, path)


def url_to_file(url: str, base_path: str) -> str:
    """'/docs/a/b/' -> 'a/b/index.html' for a site published under base_path '/docs/'."""
    path = url[len(base_path):] if url.startswith(base_path) else url.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path


def publish(files: dict[str, bytes], destination: Path, manifest: Path | None = None) -> int:
    """Publish `files` into `destination`; returns how many files were written."""
    destination = destination.resolve()
    digests = {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
    previous = _load_manifest(manifest, destination)
    if previous is not None:
        written = _update_in_place(files, digests, previous, destination)
    else:
        _write_aside_and_swap(files, destination)
        written = len(files)
    if manifest is not None:
        _save_manifest(manifest, destination, digests)
    return written


def _write_aside_and_swap(files: dict[str, bytes], destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.new-", dir=destination.parent))
    try:
        for rel in sorted(files):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[rel])
        # mkdtemp makes the folder 0700; a published site is world-readable
        for folder, dirs, _ in os.walk(staging):
            os.chmod(folder, 0o755)
        swap_in(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _update_in_place(files: dict[str, bytes], digests: dict[str, str], previous: dict[str, list],
                     destination: Path) -> int:
    written = 0
    for rel in sorted(files):
        if rel in previous and previous[rel][0] == digests[rel]:
            continue
        target = destination / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.new")
        temporary.write_bytes(files[rel])
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
        written += 1
    for rel in sorted(set(previous) - set(files), reverse=True):
        (destination / rel).unlink(missing_ok=True)
        folder = (destination / rel).parent
        while folder != destination and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return written


def _load_manifest(manifest: Path | None, destination: Path) -> dict[str, list] | None:
    """The previous build's files, if the destination still holds exactly those files."""
    if manifest is None or not destination.is_dir():
        return None
    try:
        data = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return None
    if data.get("destination") != str(destination) or not isinstance(data.get("files"), dict):
        return None
    recorded: dict[str, list] = data["files"]
    present = 0
    for folder, _, names in os.walk(destination):
        for name in names:
            rel = Path(folder, name).relative_to(destination).as_posix()
            entry = recorded.get(rel)
            stat = os.stat(Path(folder, name))
            if entry is None or entry[1:] != [stat.st_size, stat.st_mtime_ns]:
                return None  # someone changed the folder: start again from a clean copy
            present += 1
    return recorded if present == len(recorded) else None


def _save_manifest(manifest: Path, destination: Path, digests: dict[str, str]) -> None:
    files = {}
    for rel, digest in sorted(digests.items()):
        stat = os.stat(destination / rel)
        files[rel] = [digest, stat.st_size, stat.st_mtime_ns]
    manifest.parent.mkdir(parents=True, exist_ok=True)
    temporary = manifest.with_suffix(".tmp")
    temporary.write_text(json.dumps({"destination": str(destination), "files": files}))
    temporary.replace(manifest)


def swap_in(staging: Path, destination: Path) -> None:
    """Replace `destination` by `staging` with two renames; the old tree is removed after."""
    old = None
    if destination.exists():
        old = destination.with_name(f".{destination.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.rename(destination, old)
    os.rename(staging, destination)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

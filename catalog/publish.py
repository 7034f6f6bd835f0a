"""Publishing a site: a failed build never touches the last good site.

Every publish is atomic at the folder level: the new site is assembled in a folder
beside the destination and exchanged with it in one `renameat2(RENAME_EXCHANGE)`, so
a reader (or a build killed at any moment) sees the old site or the new one, never a
mix, and never no site at all. Where the system has no exchange, two renames are used
and the next publish puts the old site back if a kill fell between them. A Ctrl-C or
SIGTERM that comes during the swap is held back until it is done (`interrupts.deferred`).
A manifest of what the previous build wrote lets a rebuild write only the files that
changed: unchanged ones are hard links into the new folder (same inode, same mtime, no
bytes copied), and a build that changed nothing touches nothing. Folders left by a
killed build are removed by the next publish. With a manifest, the replaced site is kept
beside it and is the next publish's staging folder, written over rather than deleted and
created again (spare_site.py).
"""
from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

from . import interrupts
from .spare_site import SPARE, SpareSite, claim, put_back, retire


class PublishError(Exception):
    """The site could not be written; the destination still holds the previous site."""

    def __init__(self, destination: Path, error: OSError) -> None:
        self.destination = destination
        self.error = error
        where = f" ({error.filename})" if error.filename else ""
        self.message = f"cannot publish the site: {error.strerror or error}{where}"
        self.hint = _PUBLISH_HINTS.get(error.errno or 0, "check that the folder can be written to, or choose "
                                                         "another with --out") + "; the previous site was left as it was"
        super().__init__(self.message)


_PUBLISH_HINTS = {
    errno.ENOSPC: "the disk is full: free some space (a publish needs room for the changed files next to "
                  "the old site) and build again",
    errno.EDQUOT: "the disk quota is used up: free some space and build again",
    errno.EFBIG: "a file is larger than this process may write (ulimit -f): raise the limit and build again",
    errno.EROFS: "the folder is on a read-only file system: build into a writable folder with --out",
    errno.EACCES: "the output folder or the folder holding it is not writable: fix its permissions or "
                  "build elsewhere with --out",
    errno.EPERM: "the output folder or the folder holding it is not writable: fix its permissions or "
                 "build elsewhere with --out",
    errno.EXDEV: "the output folder is a mount point: the site is assembled beside it and swapped in, so "
                 "build into a folder inside the mount with --out",
    errno.EBUSY: "the output folder is a mount point or in use: build into a folder inside it with --out",
}


def publish(files: dict[str, bytes], destination: Path, manifest: Path | None = None) -> int:
    """Publish `files` into `destination` atomically; returns how many files were written
    (files identical to the previous build's are linked, not written). Raises PublishError."""
    staging = Staging(destination, manifest)
    for rel in sorted(files):
        staging.write(rel, files[rel])
    return staging.publish()


class Staging:
    """The next site, assembled file by file in a folder beside `destination` and swapped in
    whole by `publish`. A file the previous build (per `manifest`) published with the same
    bytes is hard-linked from the destination instead of written. Failures to write are
    kept, not raised, so the build can finish and report them with its other diagnostics;
    `publish` raises the first (as PublishError), `discard` forgets the whole attempt."""

    def __init__(self, destination: Path, manifest: Path | None = None) -> None:
        self.destination = destination.resolve()
        self.manifest = manifest
        self.digests: dict[str, str] = {}  # every file written (or meant to be), by path
        self.written = 0
        self.error: OSError | None = None
        self.folder: Path | None = None
        self.previous: dict[str, list] = {}
        self._made: set[str] = {""}  # folders of the staging tree that exist
        self._root = ""  # str(self.folder): a page's path is made from it by string operations
        self._kept: list[str] = []  # files the previous build published with the same bytes
        # where the replaced site is kept for the next publish (spare_site.py); the staging
        # folder is that spare when there is one (`spare`), else a new empty folder
        self.spare_home = manifest.parent / SPARE if manifest is not None else None
        self.spare: SpareSite | None = None
        try:
            remove_leftovers(self.destination)
            self.previous = _load_manifest(manifest, self.destination) or {}
            self.destination.parent.mkdir(parents=True, exist_ok=True)
            prefix = f".{self.destination.name}.new-{os.getpid()}-"
            if self.spare_home is not None:
                self.spare = claim(self.spare_home, self.destination.parent / f"{prefix}spare")
            self.folder = self.spare.folder if self.spare is not None else \
                Path(tempfile.mkdtemp(prefix=prefix, dir=self.destination.parent))
            self._root = str(self.folder)
        except OSError as exc:
            self.error = exc

    def write(self, rel: str, data: bytes) -> None:
        digest = hashlib.sha256(data).hexdigest()
        if self.published(rel) == digest:
            self.keep(rel, digest)  # the previous build's file has these bytes
            return
        self.digests[rel] = digest
        if self.error is not None or self.folder is None:
            return  # the publish has failed already: nothing more to write
        try:
            target = self._prepare(rel)
            try:
                if self.spare is not None:
                    self.spare.write(rel, target, data)
                else:
                    with open(target, "wb") as handle:
                        handle.write(data)
            except OSError as exc:
                exc.filename = exc.filename or f"writing {rel}"  # a failed write() names no file
                raise
            self.written += 1
        except OSError as exc:
            self.error = exc

    def published(self, rel: str) -> str | None:
        """The sha256 of `rel` as the previous build published it, if the destination still holds it."""
        entry = self.previous.get(rel)
        return entry[0] if entry is not None else None

    def keep(self, rel: str, sha256: str) -> None:
        """Stage the previous build's `rel` (which `published` says has this sha256) as it is.
        It is linked in by `publish`, and only if the site changed at all: a rebuild that
        changed nothing touches no file (5,000 hard links cost about a second here)."""
        self.digests[rel] = sha256
        self._kept.append(rel)

    def _link_kept(self) -> None:
        for rel in self._kept:
            target = self._prepare(rel)
            if self.spare is not None and self.spare.holds(rel, target, self.destination / rel):
                continue  # the spare's file is the published one (a link the last publish made)
            if not _link(self.destination / rel, target):  # no hard links here: copy the bytes
                with open(target, "wb") as handle:
                    handle.write((self.destination / rel).read_bytes())
                self.written += 1
        self._kept = []

    def _prepare(self, rel: str) -> str:
        """The staging path of `rel`, its folder made. A string: a page's file costs a few
        string operations, not the Path objects that were a fifth of the pages stage's
        writing in this process (5,000 pages: ~0.2 s, while the render workers wait for it)."""
        assert self.folder is not None
        root = self._root
        parent = rel.rpartition("/")[0]
        if parent not in self._made:
            if self.spare is not None:
                self.spare.make_folder(parent)
            else:
                folder = f"{root}/{parent}" if parent else root
                try:  # most folders are a page's own, in a folder made already: one mkdir
                    os.mkdir(folder)
                except FileNotFoundError:
                    os.makedirs(folder, exist_ok=True)
                except FileExistsError:
                    if not os.path.isdir(folder):
                        raise
            self._made.add(parent)
        return f"{root}/{rel}"

    def publish(self) -> int:
        """Swap the staged site in (unless the destination already is this site); returns how many
        files were written. Raises PublishError, leaving the destination as it was."""
        try:
            if self.error is not None:
                raise self.error
            assert self.folder is not None
            if self.previous and {rel: entry[0] for rel, entry in self.previous.items()} == self.digests:
                self.discard()
                return 0  # the destination already is this site
            self._link_kept()
            if self.spare is not None:
                self.spare.prune(set(self.digests))  # what the new site no longer has
            if self.manifest is not None:
                # from here until the new manifest is saved, the destination may not match the old one
                self.manifest.unlink(missing_ok=True)
            # mkdtemp makes the folder 0700 (and a umask may make others so); a published site is
            # world-readable. Its folders are known (`_made`, and those above them): walking the
            # tree to find them read every folder again (5,000 pages: ~0.07 s)
            root = self._root
            for rel in sorted({rel.rsplit("/", depth)[0] for rel in self._made for depth in range(rel.count("/") + 1)}):
                os.chmod(f"{root}/{rel}" if rel else root, 0o755)
            _fault_point("before-swap")
            try:
                # once begun, the swap is finished: an interrupt waits for it (and the manifest)
                with interrupts.deferred():
                    swap_in(self.folder, self.destination, self.spare_home)
                    self.folder = None
                    if self.manifest is not None:
                        _save_manifest(self.manifest, self.destination, self.digests)
                    _fault_point("published")
            except interrupts.Interrupted as stop:
                if self.folder is None:
                    stop.completed = "the interrupt came while it was being swapped in, which was let finish"
                raise
        except OSError as exc:
            self.discard()
            raise PublishError(self.destination, exc) from exc
        except BaseException:
            self.discard()
            raise
        return self.written

    def discard(self) -> None:
        """Remove the staged files (a failed build publishes nothing); a spare goes back, to
        be written over by the next publish."""
        if self.folder is not None:
            if self.spare is None or self.spare_home is None or not put_back(self.folder, self.spare_home):
                shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def _link(source: Path, target: str) -> bool:
    try:
        os.link(source, target)
        return True
    except OSError:  # a file system without hard links: write the bytes instead
        return False


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
    for rel, stat in _tree(str(destination), ""):
        entry = recorded.get(rel)
        if entry is None or entry[1:] != [stat.st_size, stat.st_mtime_ns]:
            return None  # someone changed the folder: start again from a clean copy
        present += 1
    return recorded if present == len(recorded) else None


def _tree(folder: str, prefix: str) -> Iterator[tuple[str, os.stat_result]]:
    """Every file under `folder`, as (`prefix` + its POSIX path below it, its stat). Plain
    strings and scandir, not os.walk and Path: 13,000 files cost 50 ms instead of 200."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _tree(entry.path, f"{prefix}{entry.name}/")
            else:
                yield prefix + entry.name, entry.stat()


def _save_manifest(manifest: Path, destination: Path, digests: dict[str, str]) -> None:
    """Record what was published; without a manifest (e.g. on a full disk) the next build writes every file."""
    temporary = manifest.with_suffix(".tmp")
    try:
        files = {}
        for rel, digest in sorted(digests.items()):
            stat = os.stat(destination / rel)
            files[rel] = [digest, stat.st_size, stat.st_mtime_ns]
        manifest.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps({"destination": str(destination), "files": files}))
        temporary.replace(manifest)
    except OSError:
        temporary.unlink(missing_ok=True)


def swap_in(staging: Path, destination: Path, spare: Path | None = None) -> None:
    """Replace `destination` by `staging`, atomically where the system can exchange two paths;
    the old tree is then moved to `spare` (for the next publish to write over), or removed."""
    if destination.exists() and _exchange(staging, destination):
        _fault_point("swapped")
        retire(staging, spare)  # now the old site
        _fault_point("old-removed")
        return
    old = None
    if destination.exists():
        old = destination.with_name(f".{destination.name}.old-{os.getpid()}-swap")
        if old.exists():
            shutil.rmtree(old)
        os.rename(destination, old)
        _fault_point("between-renames")
    os.rename(staging, destination)  # a kill just before this is undone by remove_leftovers
    _fault_point("swapped")
    if old is not None:
        retire(old, spare)
    _fault_point("old-removed")


def remove_leftovers(destination: Path) -> None:
    """Clear what a killed publish into `destination` left beside it: restore the old site if
    the kill fell between the two renames of a swap, remove half-written and replaced sites."""
    leftover = re.compile(rf"\.{re.escape(destination.name)}\.(new|old)-(\d+)-")
    try:
        names = sorted(os.listdir(destination.parent))
    except FileNotFoundError:
        return
    for name in names:
        match = leftover.match(name)
        if not match or _alive(int(match.group(2))):
            continue
        path = destination.parent / name
        if match.group(1) == "old" and not destination.exists():
            os.rename(path, destination)  # the old site, whole: the new one never arrived
        else:
            shutil.rmtree(path)


def _alive(pid: int) -> bool:
    """Whether process `pid` (another build, maybe) still runs; its folders are left alone."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one system call (Linux renameat2); False where that is not supported."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None or "no-exchange" in _faults():
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # old kernel or a file system without exchange
        return False
    raise OSError(code, os.strerror(code), str(second))


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


# -- fault points, for tests only ------------------------------------------------------------

FAULT_VARIABLE = "CATALOG_TEST_FAULT"


def _faults() -> list[str]:
    return os.environ.get(FAULT_VARIABLE, "").split(",")


def _fault_point(name: str) -> None:
    """Where tests stop a publish to check that it leaves the old site or the new one whole
    (tests/test_swap_faults.py). $CATALOG_TEST_FAULT lists `no-exchange` (swap with two
    renames, as where the system has no exchange) and `POINT:kill` (SIGKILL this process at
    POINT) or `POINT:pause` (say so on stderr, then wait up to a minute, or until a signal
    came, for the test to send one). Nothing happens unless it is set."""
    if FAULT_VARIABLE not in os.environ:
        return
    for fault in _faults():
        point, _, action = fault.partition(":")
        if point != name:
            continue
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif action == "pause":
            print(f"paused at {name}", file=sys.stderr, flush=True)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not interrupts.pending():
                time.sleep(0.01)  # an interrupt that is not held back is raised in here

"""The site a publish replaced, kept to be written over by the next publish.

A publish assembles the new site in a folder beside the output and swaps it in whole
(publish.py); the old site used to be deleted then. On a 5,000-page site that is 5,200
folders and 5,500 files removed (~1 s), and the next publish creates as many again, which
on ext4 is slow within a minute of a mass deletion (the inode allocator skips recently
freed inodes: benchmarks/NOTES.md). With a manifest (a `catalog build` with its cache),
the replaced site is instead moved into the cache folder (`SPARE`), and the next publish
takes it as its staging folder: a file that changed is written over in place (same inode,
no create), an unchanged one that already is the published file (a hard link of it) is
left as it is, and only what the new site no longer has is removed.

Nothing of the spare's content is trusted: `SpareSite.scan` lists it without following
links and removes whatever is not a plain folder or file (a symlink the user had put in
the output), a file with other links is replaced, never written into, and what the
new site does not list is removed before the swap, so the staged tree is exactly the
new site, as one assembled in an empty folder.
"""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

SPARE = "spare"  # in the manifest's folder (.catalog-cache/)


def _default_mode() -> int:
    """The mode a newly created file gets (0o666 less the umask), as in a fresh staging folder."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


class SpareSite:
    """A replaced site taken as a staging folder. `scan` before anything is written."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: set[str] = set()  # what the spare holds and the new site has not claimed yet
        self.folders: set[str] = set()
        self.scanned = False
        self.mode = _default_mode()

    def scan(self) -> None:
        """List the spare's plain files and folders (once, before the first thing is written
        into it); remove anything else (symlinks, devices)."""
        if self.scanned:
            return
        self.scanned = True
        pending = [("", str(self.folder))]
        while pending:
            prefix, folder = pending.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    # the entry's type from the folder listing: no system call per file
                    rel = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        self.folders.add(rel)
                        pending.append((rel + "/", entry.path))
                    elif entry.is_file(follow_symlinks=False):
                        self.files.add(rel)
                    else:
                        os.unlink(entry.path)

    def make_folder(self, parent: str) -> None:
        """Make folder `parent` (and those above it), removing spare files that stand in the way."""
        self.scan()
        if parent in self.folders:
            return  # a folder of the spare (scan lists real folders only, no links)
        path = self.folder / parent
        try:
            path.mkdir(parents=True, exist_ok=True)
            return
        except (FileExistsError, NotADirectoryError):
            pass
        parts = parent.split("/")
        for depth in range(1, len(parts) + 1):
            above = "/".join(parts[:depth])
            if above in self.files:
                self.files.discard(above)
                os.unlink(self.folder / above)
        path.mkdir(parents=True, exist_ok=True)

    def _clear(self, rel: str, target: str) -> os.stat_result | None:
        """What the spare has at `rel`, claimed for the new site: its file's stat, or None
        (nothing there, or a folder, which is removed)."""
        self.scan()
        if rel in self.files:
            self.files.discard(rel)
            found = os.stat(target, follow_symlinks=False)
            if stat.S_ISREG(found.st_mode):
                return found
            os.unlink(target)  # no longer the plain file scan saw
            return None
        if rel in self.folders:
            shutil.rmtree(target)
            self.folders = {name for name in self.folders if name != rel and not name.startswith(rel + "/")}
            self.files = {name for name in self.files if not name.startswith(rel + "/")}
        return None

    def write(self, rel: str, target: str, data: bytes) -> None:
        """`data` at `rel`: over the spare's file in place when no other name links to it."""
        found = self._clear(rel, target)
        if found is not None and found.st_nlink == 1:
            with open(target, "r+b") as handle:
                handle.write(data)
                handle.truncate()
                if stat.S_IMODE(found.st_mode) != self.mode:
                    os.fchmod(handle.fileno(), self.mode)
            return
        if found is not None:  # a hard link of a published file (or of the user's): never written into
            os.unlink(target)
        with open(target, "wb") as handle:
            handle.write(data)

    def holds(self, rel: str, target: str, source: Path) -> bool:
        """Whether the spare's `rel` is `source` itself (a hard link the last publish made);
        else whatever is there is removed, for `source` to be linked in."""
        found = self._clear(rel, target)
        if found is None:
            return False
        try:
            published = os.stat(source, follow_symlinks=False)
        except OSError:
            published = None
        if published is not None and (published.st_dev, published.st_ino) == (found.st_dev, found.st_ino):
            return True
        os.unlink(target)
        return False

    def prune(self, wanted: set[str]) -> None:
        """Remove what the new site (`wanted`, every path it publishes) does not have."""
        self.scan()
        for rel in self.files:
            os.unlink(self.folder / rel)
        self.files = set()
        needed = {rel.rsplit("/", depth)[0] for rel in wanted for depth in range(1, rel.count("/") + 1)}
        for rel in sorted(self.folders - needed, key=lambda name: -name.count("/")):
            shutil.rmtree(self.folder / rel, ignore_errors=True)
        self.folders = set()


def claim(home: Path, staging: Path) -> SpareSite | None:
    """The spare at `home` moved to `staging` (beside the output), or None when there is
    none or it cannot be moved there (another file system): the caller makes an empty folder."""
    try:
        os.rename(home, staging)
    except OSError:
        return None
    return SpareSite(staging)


def retire(old: Path, home: Path | None) -> None:
    """Keep the replaced site `old` at `home` for the next publish, or remove it (no home,
    another file system, a spare already there)."""
    if home is not None:
        try:
            home.parent.mkdir(parents=True, exist_ok=True)
            os.rename(old, home)
            return
        except OSError:
            pass
    shutil.rmtree(old, ignore_errors=True)


def put_back(staging: Path, home: Path) -> bool:
    """A staging folder that was a spare, unused (the site did not change, the build failed):
    back to `home` for the next publish. False when it cannot be (the caller removes it)."""
    try:
        os.rename(staging, home)
        return True
    except OSError:
        return False

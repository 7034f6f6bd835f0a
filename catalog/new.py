"""`catalog new DIR`: a starter project that builds clean and shows each kind of input.

The starter's files are package data (`catalog/starter/`), copied as they are, so that
what `catalog new` writes can be read, built and tested like any other site."""
from __future__ import annotations

import argparse
import sys
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

# stored without the dot: a `.gitignore` inside the package would apply to this repository
RENAMED = {"gitignore": ".gitignore"}


def add_new_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, metavar="DIR", help="folder to create (it may exist if it is empty)")


def starter_files() -> dict[str, bytes]:
    """The starter project's files by their path in the new project, sorted."""
    files: dict[str, bytes] = {}

    def walk(folder: Traversable, prefix: str) -> None:
        for entry in folder.iterdir():
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            rel = prefix + RENAMED.get(entry.name, entry.name)
            if entry.is_dir():
                walk(entry, rel + "/")
            else:
                files[rel] = entry.read_bytes()

    walk(resources.files("catalog") / "starter", "")
    return dict(sorted(files.items()))


def refusal(target: Path) -> str | None:
    """Why `target` cannot hold a new project, or None: it must be missing or an empty folder."""
    if target.is_dir():
        entries = sorted(p.name for p in target.iterdir())
        if entries:
            shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
            return (f"{target} is not empty ({len(entries)} entr{'y' if len(entries) == 1 else 'ies'}: {shown}); "
                    "name a new folder or an empty one, so that no file of yours is overwritten")
        return None
    if target.exists() or target.is_symlink():
        return f"{target} exists and is not a folder; name a new folder"
    return None


def create(target: Path) -> list[str]:
    """Write the starter project into `target` (missing or empty); returns the paths written."""
    files = starter_files()
    for rel, data in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return list(files)


def run_new(args: argparse.Namespace) -> int:
    target: Path = args.dir
    problem = refusal(target)
    if problem:
        print(f"catalog new: {problem}", file=sys.stderr)
        return 2
    try:
        written = create(target)
    except OSError as exc:  # a read-only parent, a full disk: say so, not a traceback
        print(f"catalog new: cannot write {exc.filename or target}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"created {target}/ with {len(written)} files:")
    for rel in written:
        print(f"  {rel}")
    print(f"next: cd {target} && catalog build && catalog serve")
    return 0

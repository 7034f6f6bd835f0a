"""The site's output: every file is planned in memory first, then written to a folder
beside the destination and swapped in, so a failed build never touches the last good
site and no reader ever sees half of a new one."""
from __future__ import annotations

import os
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

    def add(self, path: str, data: bytes | str, source: str, report: Report, line: int = 0, what: str = "") -> None:
        """Plan one file; `source` (and `line`) say where it comes from, `what` how (e.g. 'alias /a/')."""
        path = path.lstrip("/")
        owner = f"{source} ({what})" if what else source
        if path in self.files:
            report.error(source, line, 1 if line else 0, "output-collision",
                         f"'{path}' would be written twice: by {self.owners[path]} and by {owner}",
                         "give one of them another URL (url/slug in front matter) or remove the alias")
            return
        self.files[path] = data.encode("utf-8") if isinstance(data, str) else data
        self.owners[path] = owner


def url_to_file(url: str, base_path: str) -> str:
    """'/docs/a/b/' -> 'a/b/index.html' for a site published under base_path '/docs/'."""
    path = url[len(base_path):] if url.startswith(base_path) else url.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path


def publish(files: dict[str, bytes], destination: Path) -> None:
    """Write `files` into a sibling temporary folder, then swap it into `destination`."""
    destination = destination.resolve()
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

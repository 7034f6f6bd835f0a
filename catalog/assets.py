"""Static assets: the theme's and the site's static/ files, plus generated stylesheets.

Stylesheets and scripts are published under a name carrying a hash of their content
(`css/theme.3f2a9c1d.css`), so a host can let browsers cache them for a year and a
new version is still fetched at once; templates reach them through `asset()`. Other
files (images, downloads) keep their names, since content links to them by path.
"""
from __future__ import annotations

import contextlib
import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Report
from .highlight import stylesheet, stylesheet_key
from .theme import Theme

FINGERPRINTED = (".css", ".js")
# A published fingerprinted name: `catalog check` recomputes the hash from the content.
FINGERPRINTED_NAME = re.compile(r"^.+\.(?P<hash>[0-9a-f]{10})\.(?:css|js)$")
# The highlighting stylesheet as last made, in the build's cache folder, after a first line
# naming what it was made from (highlight.stylesheet_key)
STYLESHEET_FILE = "highlight.css"


def content_hash(data: bytes) -> str:
    """The content hash in a fingerprinted asset's name."""
    return hashlib.sha256(data).hexdigest()[:10]


@dataclass
class Assets:
    base_path: str
    fingerprint: bool = True
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # source path -> (data, label)
    names: dict[str, str] = field(default_factory=dict)  # source path -> published path

    def add(self, rel: str, data: bytes, label: str) -> None:
        self.files[rel] = (data, label)
        name = rel
        if self.fingerprint and rel.endswith(FINGERPRINTED):
            stem, extension = posixpath.splitext(rel)
            name = f"{stem}.{content_hash(data)}{extension}"
        self.names[rel] = name

    def url(self, path: str) -> str:
        """The URL of an asset by its source path, e.g. asset("css/theme.css")."""
        path = str(path).lstrip("/")
        return self.base_path + self.names.get(path, path)

    def published(self) -> list[tuple[str, bytes, str]]:
        return [(self.names[rel], data, label) for rel, (data, label) in sorted(self.files.items())]


def collect_static(theme: Theme, assets: Assets, report: Report) -> None:
    """Copy the theme's static/ then the site's (which overrides it, file by file)."""
    found: dict[str, tuple[Path, str]] = {}
    for folder in theme.static_dirs:
        root = folder.resolve()
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            label = theme.display_path(str(path))
            if not path.resolve().is_relative_to(root):
                # a link out of static/ would publish whatever it points at
                report.error(label, 0, 0, "static-outside", f"links to {path.resolve()}, outside {label.split('/')[0]}/",
                             "copy the file into the static folder instead of linking to it")
                continue
            found[path.relative_to(folder).as_posix()] = (path, label)
    for rel, (path, label) in sorted(found.items()):
        assets.add(rel, path.read_bytes(), label)


def highlight_stylesheet(cache_folder: Path | None) -> bytes:
    """highlight.stylesheet(), taken from `cache_folder` (.catalog-cache/) when the copy kept
    there was made from the same Pygments, styles and code: making it imports Pygments and
    its styles and adjusts ~300 colours (~15 ms of a 0.2 s no-change build). None: a build
    without a cache makes it."""
    key = stylesheet_key() if cache_folder is not None else None
    if cache_folder is None or key is None:
        return stylesheet().encode()
    path = cache_folder / STYLESHEET_FILE
    header = f"/* {key} */\n".encode()
    try:
        kept = path.read_bytes()
    except OSError:  # none yet, or unreadable: made again below
        kept = b""
    if kept.startswith(header):
        return kept[len(header):]
    css = stylesheet().encode()
    temporary = path.with_suffix(".tmp")
    try:  # whole or not at all: a copy cut short would be taken next time
        cache_folder.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(header + css)
        temporary.replace(path)
    except OSError:  # a read-only project: the next build makes it again
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    return css

"""Markdown renders of page bodies kept between builds, by the text rendered.

A page's Markdown is rendered with its shortcodes already replaced by placeholders (see
render.py), so the text handed to Markdown.render does not change when a shortcode
template, the configuration or the page template does: only the placeholders' outputs,
put back after the render, do. The render cache drops every body when such an
"environment" changes (render_cache.py), and every page is rendered again; its Markdown
render, the largest part of a body (~0.3 ms of ~1.3 ms a page), is then taken from here.

A render depends on its text, the dialect (kramdown or not), whether a code filter was
given, and the code (this package and the Markdown, highlighting libraries): the key
hashes the first three, the file's header the last. A render is kept only when the code
filter changed no code block (no placeholder sat in one), so it is exactly what rendering
the same text again writes. Only texts longer than MIN_TEXT are kept: shorter ones render
in microseconds and are memoised per process (markdown.FRAGMENT_MAX).

Each body records the keys it used (`Body.markdown_keys`); the memo keeps exactly the
renders that the build's bodies (rendered or cached) used, so it never grows past the site.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import sys
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .hashing import code_digest
from .pickle_files import load_pickle, save_pickles

MIN_TEXT = 1024  # markdown.FRAGMENT_MAX: below it, a render is memoised in the process only
MEMO_FORMAT = 1
_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pyromark", "pygments")

Problems = tuple[tuple[int, str], ...]  # Markdown.last_problems: (line in the text, message)
Render = tuple[bytes, Problems]  # the HTML, compressed (zlib level 1: a third of the bytes, ~20 us)
# what reading a render raises when the file's bytes were damaged inside it (or it is not one)
_DAMAGED = (zlib.error, UnicodeDecodeError, TypeError, ValueError, IndexError)


class MarkdownMemo:
    """Renders by key, as loaded (`renders`), and what this process used and made since `take`."""

    def __init__(self, renders: dict[bytes, Render] | None = None) -> None:
        self.renders = renders if renders is not None else {}
        self._used: list[bytes] = []
        self._made: list[tuple[bytes, Render]] = []
        self.changed = False  # the renders differ from the file's

    @staticmethod
    def key(text: str, kramdown: bool, filtered: bool) -> bytes:
        return hashlib.sha256(b"%d%d" % (kramdown, filtered) + text.encode("utf-8", "surrogatepass")).digest()

    def get(self, key: bytes) -> tuple[str, list[tuple[int, str]]] | None:
        known = self.renders.get(key)
        if known is None:
            return None
        try:
            html, problems = zlib.decompress(known[0]).decode("utf-8"), list(known[1])
        except _DAMAGED:  # a file damaged inside a render unpickles whole: render the text again
            del self.renders[key]
            return None
        self._used.append(key)
        return html, problems

    def put(self, key: bytes, html: str, problems: Iterable[tuple[int, str]]) -> None:
        self._used.append(key)
        self._made.append((key, (zlib.compress(html.encode("utf-8"), 1), tuple(problems))))

    def take(self) -> tuple[tuple[bytes, ...], tuple[tuple[bytes, Render], ...]]:
        """The keys used and the renders made since the last take (one page's, in a render worker)."""
        used, made = tuple(dict.fromkeys(self._used)), tuple(self._made)
        self._used, self._made = [], []
        return used, made

    def keep(self, used: Iterable[bytes], made: dict[bytes, Render]) -> None:
        """After a build: exactly the renders its bodies used, from `made` (this build's) or as loaded."""
        renders = {key: found for key in used if (found := made.get(key) or self.renders.get(key)) is not None}
        # a render made again under a key the file holds replaces a damaged one there (`get`)
        if renders.keys() != self.renders.keys() or any(key in made for key in renders):
            self.changed = True
        self.renders = renders

    def __reduce__(self) -> tuple[object, ...]:
        return MarkdownMemo, (self.renders,)  # to a render worker: what it may reuse, not what was taken

    # -- on disk -----------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> MarkdownMemo:
        """What `save` left in `path`, if this code and these libraries wrote it; else an empty memo."""
        stored = load_pickle(path, dict)
        if stored is not None and stored.get("format") == MEMO_FORMAT and stored.get("code") == _code_key() \
                and isinstance(stored.get("renders"), dict):
            return cls(stored["renders"])
        return cls()

    def save(self, path: Path) -> None:
        """Whole or not at all; OSError if it cannot."""
        save_pickles(path, [{"format": MEMO_FORMAT, "code": _code_key(), "renders": self.renders}])
        self.changed = False


@lru_cache(maxsize=1)  # a process runs the code and libraries it loaded
def _code_key() -> str:
    versions = [f"python {sys.version}"]  # its Unicode tables decide heading ids' characters
    for name in _LIBRARIES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} none")
    return code_digest(Path(__file__).parent, (".py",)) + ";" + ";".join(versions)

"""What rendering one page's body gives (render.BodyRenderer makes it): its HTML, headings
and diagnostics, the refs whose #fragment waits until every page's headings are known,
and the site-wide facts it read. The render cache, the build and the preview's fast path
keep these, so they live apart from the renderer that makes them."""
from __future__ import annotations

import zlib
from dataclasses import dataclass

from .anchors import Heading
from .diagnostics import Diagnostic
from .search_terms import TextTerms


@dataclass(frozen=True)
class FragmentRef:
    """A ref with a #fragment, checked once every page's headings are known."""

    source: str
    line: int
    col: int
    ref: str
    target: str  # rel of the target page
    fragment: str


@dataclass
class Body:
    html: str
    headings: list[Heading]
    diagnostics: list[Diagnostic]
    fragment_refs: list[FragmentRef]
    # Site-wide facts the body read besides its own page: "refs" (which page a path names,
    # and its URL) and "nav" (the page tree). The render cache keys on exactly these.
    depends_on: frozenset[str] = frozenset()
    text: str = ""  # plain text for the search index, extracted once with the body
    # what the search index reads of `text` (search_terms.text_terms), in its place once a render
    # worker made it: the text itself then goes neither through the pipe nor into the cache
    terms: TextTerms | None = None
    # the id="..." of its elements, kept when `html` is dropped (a build without a render
    # cache does, once the page is written): what a ref's #fragment may name
    element_ids: tuple[str, ...] = ()
    # `html` compressed, in its place, for the render cache on disk (see PageRenderer.pack)
    packed: bytes = b""
    # the Markdown renders it used (markdown_memo.py), which the memo keeps while a body uses them
    markdown_keys: tuple[bytes, ...] = ()

    def full_html(self) -> str:
        """The body's HTML, also when it is kept `packed`."""
        return self.html or (zlib.decompress(self.packed).decode("utf-8") if self.packed else "")

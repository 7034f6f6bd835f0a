"""Heading ids on final page HTML, generated the way Hugo's Goldmark "github" autoHeadingID does."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

# Go's unicode.IsSpace set, for bytes.TrimSpace; Python's str.strip() also
# strips \x1c-\x1f, which Go keeps (and then drops as punctuation anyway).
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
# Go's unicode.ToLower maps one rune to one rune; Python's str.lower() is the full
# mapping, which differs for exactly this letter ("İ" -> "i" + combining dot).
_SIMPLE_LOWER = {"\u0130": "i"}

# Possessive: an attribute list ends at the one `>` outside quotes whichever way it is split,
# so giving back characters never made another match (and cost a try at each of them).
_ATTRS = r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+"""
# One pass finds headings and the regions whose content is not page structure
# (code, scripts, comments), so headings written inside them are left alone. A region or a
# heading's content runs to the first end tag: `(?:[^<]++|<(?!/pre\s*>))*+` is `.*?</pre\s*>`
# with runs of text taken whole (a try of the end tag at every `<`, not at every character).
# Groups: 1 the region's tag name, 2 the heading's level, 3 its attributes, 4 its content.
_SCAN_SOURCE = (
    r"<(?=[!pcsthPCSTH])(?:!--.*?-->"
    rf"|(pre|code|script|style|textarea)(?=[\s>/]){_ATTRS}>(?:[^<]++|<(?!/\1\s*>))*+</\1\s*>"
    rf"|h([1-6])((?=[\s>/]){_ATTRS})>((?:[^<]++|<(?!/h\2\s*>))*+)</h\2\s*>)"
)
_SCAN = re.compile(_SCAN_SOURCE, re.S | re.I)
# The same matches, in an ASCII page's lower-cased copy (same length, so the same offsets):
# without re.I, the engine compares characters instead of folding the case of each
_SCAN_LOWER = re.compile(_SCAN_SOURCE, re.S)
# One attribute of a start tag (name, optional value) with the whitespace before it.
_ATTR = re.compile(r"""\s+(?P<name>[^\s"'>/=]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]+)))?""")
# A heading start tag inside code or a comment, to drop a stray marker attribute from.
_HEADING_START = re.compile(rf"<h[1-6](?=[\s>/]){_ATTRS}>", re.I)
_ID_ATTR = re.compile(r"""(?:^|\s)id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_TAG = re.compile(r"<[^>]*>")

# Temporary attribute catalog.markdown puts on headings written in Markdown: the id
# base Goldmark derives from the heading's source. assign_heading_ids consumes it.
GID_ATTR = "data-gid"


@dataclass(frozen=True)
class Heading:
    """A heading of a page: level 1-6, its id and its plain text."""

    level: int
    id: str
    text: str


@lru_cache(maxsize=4096)  # headings repeat across pages ("Overview", "Install"); ~50 us each
def goldmark_id(text: str) -> str:
    """The id Goldmark ("github" style) derives from heading text, without de-duplication.

    Spaces and '-' become '-' (a tab is dropped, as Goldmark does), letters, digits and '_' are lower-cased, the rest
    is dropped; an empty result is "heading", as for a heading in Hugo.
    """
    out: list[str] = []
    for char in text.strip(_GO_SPACE):
        if char in "- ":
            out.append("-")
        # isalpha: Unicode category L*, as Go's IsLetter; isdecimal: Nd, as Go's IsDigit
        elif char == "_" or char.isalpha() or char.isdecimal():
            lower = char.lower()
            out.append(lower if len(lower) == 1 else _SIMPLE_LOWER.get(char, char))
    return "".join(out) or "heading"


def kramdown_id(text: str) -> str:
    """The id kramdown (Jekyll) derives from a heading's source text, without de-duplication
    (its converter's generate_id): everything before the first ASCII letter is dropped (a
    leading "1. " too), then every character but ASCII letters, digits, spaces and '-'
    (so '_' and accented letters go), each space becomes '-', and the result is lower-cased;
    an empty result is "section"."""
    text = re.sub(r"[^a-zA-Z0-9 -]", "", re.sub(r"^[^a-zA-Z]+", "", text))
    return text.replace(" ", "-").lower() or "section"


def heading_text(inner_html: str) -> str:
    """Plain text of a heading's inner HTML: tags stripped, entities unescaped."""
    return html.unescape(_TAG.sub("", inner_html))


def _explicit_id(attrs: str) -> str | None:
    match = _ID_ATTR.search(attrs)
    if not match:
        return None
    value = next(group for group in match.groups() if group is not None)
    return html.unescape(value)


def _take_gid(attrs: str) -> tuple[str, str | None]:
    """attrs without the data-gid attribute, and that attribute's value (None when absent)."""
    if GID_ATTR not in attrs.lower():
        return attrs, None
    value: str | None = None
    kept: list[str] = []
    last = 0
    for match in _ATTR.finditer(attrs):
        if match["name"].lower() == GID_ATTR:
            raw = next((g for g in (match["dq"], match["sq"], match["bare"]) if g is not None), "")
            value = html.unescape(raw) if value is None else value
            kept.append(attrs[last : match.start()])
            last = match.end()
    kept.append(attrs[last:])
    return "".join(kept), value


def _drop_gid(region: str) -> str:
    """A code or comment region with the data-gid marker removed from heading tags in it."""
    if GID_ATTR not in region.lower():
        return region

    def clean(match: re.Match[str]) -> str:
        tag = match.group()
        name_end = len("<h1")
        return tag[:name_end] + _take_gid(tag[name_end:-1])[0] + ">"

    return _HEADING_START.sub(clean, region)


def assign_heading_ids(page_html: str) -> tuple[str, list[Heading]]:
    """Give every <h1>..<h6> outside code an id; return the new HTML and the headings in order.

    Existing ids are kept. A heading carrying `data-gid` (set by catalog.markdown on
    headings written in Markdown) takes its id base from that attribute, which is
    removed; other headings from their text. Generated ids that collide get "-1",
    "-2", ... like Hugo, in document order; explicit ids anywhere on the page count
    as taken, so a generated id never duplicates one an author wrote (Hugo only sees
    the explicit ids above it).
    """
    lowered = page_html.lower()
    ascii_page = page_html.isascii()
    found = list(_SCAN_LOWER.finditer(lowered) if ascii_page else _SCAN.finditer(page_html))
    # the marker is looked for lower-cased (_take_gid, _drop_gid): lower() maps each character on
    # its own (final sigma aside, which becomes no ASCII letter), so a page whose lower-cased copy
    # lacks it has it in no region or heading; an ASCII page's copy has the page's offsets, so a
    # region is looked up in it instead of lower-cased again
    marked = GID_ATTR in lowered
    # group 4 (a heading's content, maybe empty) is matched by headings only
    written = [page_html[match.start(3):match.end(3)] for match in found if match.end(4) >= 0]
    parsed = [_heading_attrs(attrs, marked) for attrs in written]
    taken = {explicit for explicit, _, _, _ in parsed if explicit is not None}
    headings: list[Heading] = []
    pieces: list[str] = []
    last = 0
    at = 0
    for match in found:
        start, end = match.span()
        if match.end(4) < 0:
            if not marked or (ascii_page and lowered.find(GID_ATTR, start, end) < 0):
                continue
            region = page_html[start:end]
            cleaned = _drop_gid(region)
            if cleaned != region:
                pieces.append(page_html[last:start])
                pieces.append(cleaned)
                last = end
            continue
        _, attrs, gid, explicit = parsed[at]
        attrs_start, inner_start = match.start(3), match.start(4)
        text = heading_text(page_html[inner_start:match.end(4)])
        if explicit is not None:
            heading_id = explicit
            new_attrs = attrs
        else:
            heading_id = _unique(goldmark_id(text if gid is None else gid), taken)
            # html.escape would leave it as it is: goldmark_id keeps letters, digits, '_' and '-'
            new_attrs = f' id="{heading_id}"{attrs}'
        if new_attrs != written[at]:
            pieces.append(page_html[last:start])
            # keep the tag as written (`<H2` stays upper-case, matching its end tag)
            pieces.append(f"{page_html[start:attrs_start]}{new_attrs}>")
            last = inner_start
        headings.append(Heading(level=int(match.group(2)), id=heading_id, text=" ".join(text.split())))
        at += 1
    pieces.append(page_html[last:])
    return "".join(pieces), headings


# The attributes a Markdown heading is written with (catalog/markdown.py): the marker alone. Its
# value holds no '=', so no `id=` either (_explicit_id would find one inside the quotes).
_MARKER_ONLY = re.compile(rf' {GID_ATTR}="([^"=]*)"')


def _heading_attrs(attrs: str, marked: bool) -> tuple[str | None, str, str | None, str | None]:
    """A heading's id as written (it counts as taken), its attributes without the marker, the
    marker's value, and the id it keeps (None: one is generated)."""
    if not marked:  # _take_gid finds no marker
        explicit = _explicit_id(attrs) if "=" in attrs else None
        return explicit, attrs, None, explicit
    only = _MARKER_ONLY.fullmatch(attrs)
    if only is not None:
        return None, "", html.unescape(only[1]), None
    kept, gid = _take_gid(attrs)
    return _explicit_id(attrs), kept, gid, _explicit_id(kept)


def _unique(base: str, taken: set[str]) -> str:
    candidate, number = base, 0
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate

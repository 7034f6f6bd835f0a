"""The search index's fast paths give exactly what the plain ones give: page text read from
ASCII bodies lower-cased (tag names in any case), a page's words found part by part, and
the postings and fields encoders that skip the walk over every posting (catalog/search*.py).
Each is compared with the plain way written out here."""
from __future__ import annotations

import re
from html import unescape

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.search import MAX_TERM_CHARS, STOPWORDS, SearchEntry, SearchIndex, _entry_terms, words
from catalog.search_entries import page_text
from catalog.search_postings import decode_fields, decode_postings, encode_fields, encode_postings

_SKIPPED = re.compile(r"<!--.*?-->|<(pre|script|style|template|svg|math|noscript|textarea)\b.*?</\1\s*>"
                      r"|<div class=\"mermaid\">.*?</div>", re.S | re.I)
_INLINE = re.compile(r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span"
                     r"|strong|sub|sup|time|u|var|wbr)\b[^>]*>", re.I)


def plain_page_text(html: str) -> str:
    text = _INLINE.sub("", _SKIPPED.sub(" ", html))
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]*>", " ", text))).strip()


def test_tag_names_are_read_in_any_case():
    html = ('<PRE class="x">secret</Pre ><p>The <EM>wag</em>on and <Code>cfy</CODE></p>'
            '<DIV CLASS="MERMAID">graph</DIV><Script>alert()</SCRIPT><!-- note -->')
    assert page_text(html) == "The wagon and cfy"
    assert page_text(html + "<p>café</p>") == "The wagon and cfy café"  # not ASCII: the other path


_HTML = st.lists(st.sampled_from(["<pre>", "</PRE>", "<em>", "</Em>", "<SPAN a=1>", "</span>", "<abbrx>", "<b2 ",
                                  "<div class=\"mermaid\">", "</DIV>", "<!--", "-->", "<p>", ">", "<", "wag", "on",
                                  " ", "\n\t", "&amp;", "café", "\u00a0", "x"]), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(html=_HTML)
def test_page_text_is_the_plain_reading(html):
    assert page_text(html) == plain_page_text(html)


_WORDS = st.lists(st.sampled_from(["Wagon", "ΑΣ", "Σ", "σ", "e\u0301", "\u0301", "ﬁle", "İ", "x_y", "3.0", "the",
                                   ".", "'", "›", " ", "\u00a0", "a" * 40]), max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(title=_WORDS, section=_WORDS, text=_WORDS)
def test_terms_are_those_of_the_joined_text(title, section, text):
    _, terms, _ = _entry_terms.__wrapped__(title, section, text)
    joined = " ".join(" ".join(f"{title} {section} {text}".split()).split())
    expected = {w for w in words(joined) if w not in STOPWORDS and len(w) <= MAX_TERM_CHARS}
    assert set(terms) == expected


def walked_fields(numbers: list[int], flags: dict[int, int]) -> str:
    """encode_fields as a walk over every posting (what it was before the bisection)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

    def number(value: int) -> str:
        digits = [alphabet[value & 31]]
        value >>= 5
        while value:
            digits.append(alphabet[32 + (value & 31)])
            value >>= 5
        return "".join(reversed(digits))

    out, at = [], 0
    while at < len(numbers):
        start = at
        while at < len(numbers) and numbers[at] not in flags:
            at += 1
        if at == len(numbers):
            break
        flag, taken = flags[numbers[at]], at
        while at < len(numbers) and flags.get(numbers[at]) == flag:
            at += 1
        out.append(number(taken - start) + number(at - taken) + alphabet[flag >> 6] + alphabet[flag & 63])
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(numbers=st.lists(st.integers(0, 3000), max_size=60, unique=True).map(sorted),
       picks=st.lists(st.tuples(st.integers(0, 3100), st.sampled_from([1, 33, 64, 1023, 896])), max_size=30))
def test_fields_are_those_of_a_walk_over_the_postings(numbers, picks):
    flags = dict(picks)  # some name docs that are not in the postings: they are not written
    encoded = encode_fields(numbers, flags)
    assert encoded == walked_fields(numbers, flags)
    assert decode_fields(numbers, encoded) == [(n, flags[n]) for n in numbers if n in flags]
    assert decode_postings(encode_postings(numbers)) == numbers


def test_a_new_index_is_the_index_updated_entry_by_entry():
    entries = [SearchEntry(f"/p{n}/", f"Page {n} wagon", "Guide › Install", f"wagon plugin text{n % 3} café", "page")
               for n in range(40)]
    fresh = SearchIndex().update(entries)  # a new index: postings appended in entry order
    updated = SearchIndex()
    updated.update([SearchEntry(e.url, "", "", "", e.kind) for e in entries])
    for number in range(len(entries)):  # the same URLs: each entry's terms put in one by one
        assert updated.update(entries[:number + 1] + [SearchEntry(e.url, "", "", "", e.kind)
                                                      for e in entries[number + 1:]], [number])
    assert updated.files == fresh

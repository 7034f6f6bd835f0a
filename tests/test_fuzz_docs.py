"""Property and fuzz tests: the shortcode/Liquid scanner, front-matter splitting and ref
resolution raise nothing but the project's own diagnostic on any input, and take time
linear in the input (work at size n and 8n compared, never a wall-clock bound)."""
from __future__ import annotations

import time

import pytest
from hypothesis import given, settings, strategies as st

from catalog import frontmatter, shortcodes
from catalog.content import Page, Site
from catalog.diagnostics import LocatedError
from catalog.refs import RefResolver

FUZZ = settings(max_examples=200, deadline=None)
PIECES = ["{{<", "{{%", ">}}", "%}}", "{%", "%}", "/", "*/", "/*", " ", "\n", "\r\n", "note", "tip", "end",
          "endnote", "raw", "endraw", "highlight", "=", '"', "`", "x", "-", "{{</*", "*/>}}", "{", "}"]
noisy_text = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=60).map("".join)
KNOWN = {"note": True, "tip": True, "highlight": True, "param": False, "relref": False}


def is_paired(name: str, notation: str) -> bool | None:
    return KNOWN.get(name)


def _check_tree(calls: list[shortcodes.Call], text: str, start: int, end: int, depth: int = 1) -> None:
    assert depth <= shortcodes.MAX_DEPTH
    previous = start
    for call in calls:
        assert previous <= call.start < call.open_end <= call.inner_end <= call.end <= end
        assert call.children == [] or call.paired
        _check_tree(call.children, text, call.open_end, call.inner_end, depth + 1)
        previous = call.start


@FUZZ
@given(noisy_text)
def test_scanner_gives_a_well_formed_tree_on_any_text(text):
    parsed = shortcodes.parse(text, is_paired)
    _check_tree(parsed.calls, text, 0, len(text))
    for offset, code, message, hint in parsed.problems:
        assert 0 <= offset <= len(text) and code and message and hint


@FUZZ
@given(noisy_text, st.sampled_from(["---", "+++", ""]))
def test_front_matter_splits_or_raises_a_located_diagnostic(text, fence):
    source = f"{fence}\n{text}\n{fence}\nbody" if fence else text
    try:
        fm = frontmatter.parse(source, "content/p.md")
    except LocatedError as err:
        assert err.diagnostic.path == "content/p.md" and err.diagnostic.line >= 1 and err.diagnostic.hint
        return
    assert all(isinstance(key, str) for key in fm.meta)
    assert fm.body_line >= 1


@FUZZ
@given(st.dictionaries(st.sampled_from(["title", "weight", "a", "b"]),
                       st.sampled_from(["x", "1", "'q'", "[1, 2]", "{a: 1}", "&x [*x]", "\"\\u00e9\"", "null"]),
                       max_size=4),
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_crlf_and_bom_give_the_same_front_matter_as_lf(meta, newline, bom):
    header = "".join(f"{key}: {value}\n" for key, value in meta.items())
    lf = f"---\n{header}---\nbody\nmore\n"
    other = ("\ufeff" if bom else "") + lf.replace("\n", newline)

    def outcome(text):
        try:
            fm = frontmatter.parse(text, "p.md")
            return fm.meta, fm.body.replace("\r\n", "\n"), fm.body_line
        except LocatedError as err:
            return err.diagnostic.code, err.diagnostic.line

    assert outcome(other) == outcome(lf)


def _site(rels: list[str]) -> Site:
    home = Page("_index.md", "content/_index.md", "home", {}, "", 1, title="Home")
    pages = [home]
    for rel in rels:
        name = rel.rsplit("/", 1)[-1]
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        kind = "section" if name == "_index.md" else "page"
        pages.append(Page(rel, f"content/{rel}", kind, {}, "", 1, dir=folder, parent=home, url=f"/{rel[:-3]}/"))
    return Site(home, pages, {p.rel: p for p in pages})


segment = st.sampled_from(["a", "b", "A", "..", ".", "", "_index.md", "x.md", "a.md", "#frag", "/", " ", "%2e"])
ref_text = st.lists(segment, max_size=8).map("/".join) | st.text(max_size=20)


@FUZZ
@given(ref_text, st.sampled_from(["a/x.md", "b/x.md", "a/_index.md", "a.md"]))
def test_ref_resolution_finds_a_page_or_raises_ref_error(ref, current_rel):
    site = _site(["a/x.md", "b/x.md", "a/_index.md", "a.md", "a/b/c.md"])
    resolver = RefResolver(site)
    current = site.by_rel[current_rel]
    try:
        target = resolver.resolve(ref, current)
    except LocatedError as err:
        assert err.code in ("ref-not-found", "ref-ambiguous") and err.hint
        return
    assert target.page in site.pages  # never a page made up from '..' outside content/


# -- linear time ----------------------------------------------------------------------------------

def _slowest_ratio(work, build_input, n: int) -> float:
    """CPU time of work(input of size 8n) / CPU time at size n, best of five (noise only adds
    time). CPU time, not wall time: a busy machine takes the core away, which wall time counts
    (a quadratic step inside one C call, a regex search from every position, shows only here)."""
    def best(size: int) -> float:
        data = build_input(size)
        times = []
        for _ in range(5):
            started = time.process_time()
            work(data)
            times.append(time.process_time() - started)
        return min(times)
    best(n)  # warm up caches and imports
    return best(8 * n) / max(best(n), 1e-6)


ADVERSARIAL = {
    "unclosed shortcode openers": lambda n: '{{< relref "x" ' * n,
    "unclosed liquid openers": lambda n: "{% note " * n,
    "opener then long whitespace": lambda n: "{{< note" + " " * (8 * n) + "/ %",
    "liquid then long whitespace": lambda n: "{% note" + " " * (8 * n) + "- x",
    "unclosed raw": lambda n: "{% raw %}" * n,
    "unclosed escapes": lambda n: "{{</* x " * n,
    "unknown paired names": lambda n: "".join(f"{{{{< u{i} >}}}}" for i in range(n)),
    "many unclosed paired": lambda n: "{{% note %}}\n" * n,
    "crossed closings": lambda n: "{{% note %}}{{% tip %}}{{% /note %}}\n" * n,
    "stray closings under depth": lambda n: "{{% note %}}" * 40 + "{{% /tip %}}" * n,
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_scanner_is_linear_on_adversarial_pages(name):
    """8x the input may cost about 8x the time; quadratic would be 64x. The bound (24x) is
    generous for a loaded 2-core machine and still far below quadratic."""
    ratio = _slowest_ratio(lambda text: shortcodes.parse(text, is_paired), ADVERSARIAL[name], 1000)
    assert ratio < 24, f"{name}: 8x the input took {ratio:.0f}x the time"


def test_front_matter_is_linear_in_its_size():
    def header(n: int) -> str:
        return "---\n" + "".join(f"k{i}: 'v {i}'\n" for i in range(n)) + "---\n" + "body\n" * n

    ratio = _slowest_ratio(lambda text: frontmatter.parse(text, "p.md"), header, 300)
    assert ratio < 24, f"8x the front matter took {ratio:.0f}x the time"


def test_ref_resolution_is_linear_in_the_ref_length():
    resolver = RefResolver(_site(["a/x.md", "a/_index.md"]))
    current = resolver.site.by_rel["a/x.md"]

    def resolve(ref: str) -> None:
        with pytest.raises(LocatedError):
            resolver.resolve(ref, current)

    ratio = _slowest_ratio(resolve, lambda n: "a/" * n + "missing.md", 2000)
    assert ratio < 24, f"8x the ref took {ratio:.0f}x the time"


def test_located_problems_on_a_long_page_stay_linear():
    """Thousands of problems on one page: each located without recounting the page."""
    def page(n: int) -> str:
        return "".join(f"line {i}\n{{{{% /stray %}}}}\n" for i in range(n))

    ratio = _slowest_ratio(lambda text: shortcodes.parse(text, is_paired), page, 1000)
    assert ratio < 24
    crossed = shortcodes.parse(ADVERSARIAL["crossed closings"](3), is_paired)
    assert [hint for _, _, _, hint in crossed.problems] == [
        f"close it before the closing tag of 'note' on line {line}" for line in (1, 2, 3)]

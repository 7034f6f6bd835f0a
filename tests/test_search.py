"""The search index (catalog/search.py): plain text from page bodies, which pages go in,
and the JSON file search.js reads: deterministic, compact, decodable."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.config import load_config
from catalog.diagnostics import Report
from catalog.page_tree import load_site
from catalog.refs import RefResolver
from catalog.render import BodyRenderer
from catalog.search import (EXCERPT_CHARS, INDEX_FILE, PREFIX_MARK, STOPWORDS, SearchEntry, SearchIndex, build_search_index,
                            words)
from catalog.search_entries import page_entries, page_text, plugin_entry
from catalog.search_postings import decode_postings, encode_postings
from catalog.theme import Theme
from conftest import REPO, build_ok


def site_search_index(project: Path, *, drafts: bool = False) -> dict[str, bytes]:
    """The index of a project's docs, made the way the build makes it: every page body
    rendered by the real pipeline, then page_entries and build_search_index."""
    report = Report()
    config = load_config(project, report)
    assert config is not None
    site = load_site(project, config, report, drafts=drafts)
    renderer = BodyRenderer(site, config, Theme(project, config), RefResolver(site))
    entries = page_entries(site.pages, lambda page: renderer.render(page).text if page.body else "")
    assert not report.items, [d.format() for d in report.items]
    return build_search_index(entries)


def merged(files: dict[str, bytes]) -> dict:
    """The manifest and every shard it names as one document (docs, terms, postings, fields),
    the prefix unions left out: what the index holds, whichever shards it is cut into."""
    manifest = json.loads(files[INDEX_FILE])
    docs = [doc for name in manifest["doc_files"] for doc in json.loads(files[name])]
    assert len(docs) == manifest["count"]
    terms, postings, fields = [], [], []
    for name in manifest["term_files"]:
        shard = json.loads(files[name])
        for term, encoded, flags in zip(shard["terms"], shard["postings"], shard["fields"]):
            if PREFIX_MARK not in term:
                terms.append(term)
                postings.append(encoded)
                fields.append(flags)
    return {**manifest, "docs": docs, "terms": terms, "postings": postings, "fields": fields}


def postings(index: dict, word: str) -> list[str]:
    """The URLs of the entries holding `word`."""
    if word not in index["terms"]:
        return []
    numbers = decode_postings(index["postings"][index["terms"].index(word)])
    return [index["docs"][n][0] for n in numbers]


EXCLUSIONS = {
    "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "content/guide/_index.md": "---\ntitle: Guide\n---\nThe guide.\n",
    "content/guide/install.md": "---\ntitle: Installing wagons\n---\nInstall a wagon with zebracorn.\n",
    "content/guide/secret.md": "---\ntitle: Internal\nexclude_from_search: true\n---\nThe zebracorn notes.\n",
    "content/guide/draft.md": "---\ntitle: Not yet\ndraft: true\n---\nA zebracorn in progress.\n",
    "content/guide/hidden.md": "---\ntitle: Template\nhidden: true\n---\nA zebracorn template.\n",
    "content/attic/_index.md": "---\ntitle: Attic\nhidden: true\n---\nOld things.\n",
    "content/attic/old.md": "---\ntitle: Old page\n---\nA zebracorn from the past.\n",
}


@pytest.mark.parametrize("drafts", [False, True], ids=["build", "build --drafts"])
def test_excluded_drafts_and_hidden_pages_are_not_indexed(make_site, drafts):
    site = make_site(EXCLUSIONS)
    index = merged(site_search_index(site.root, drafts=drafts))
    assert [doc[0] for doc in index["docs"]] == ["/", "/guide/", "/guide/install/"]
    assert postings(index, "zebracorn") == ["/guide/install/"]
    assert index["docs"][2][:4] == ["/guide/install/", "Installing wagons", "Guide", "page"]


def test_the_build_publishes_the_index_without_excluded_pages(make_site):
    """Through the whole pipeline, once the build writes search-index.json."""
    site = make_site(EXCLUSIONS)
    build_ok(site)
    if not site.exists("search-index.json"):
        pytest.skip("catalog.build does not write search-index.json yet")
    built = {rel: (site.root / "public" / rel).read_bytes() for rel in site_search_index(site.root)}
    index = merged(built)
    assert [doc[0] for doc in index["docs"]] == ["/", "/guide/", "/guide/install/"]
    assert postings(index, "zebracorn") == ["/guide/install/"]
    assert built == site_search_index(site.root)


def test_page_text_keeps_prose_and_headings_and_drops_code_listings():
    html = """<h2 id="setup">Set&nbsp;up &amp; run</h2>
<p>Upload the <em>wag</em>on with <code>cfy plugins upload</code>.<br>Then wait.</p>
<div class="highlight"><pre class="chroma"><code>secret_code_token = 1</code></pre></div>
<div class="mermaid">graph A--&gt;B</div>
<script>alert("no")</script><style>p { color: red }</style><!-- a comment -->
<table><tr><td>cell one</td><td>cell two</td></tr></table>
<ul><li>first</li><li>second</li></ul>"""
    assert page_text(html) == ("Set up & run Upload the wagon with cfy plugins upload. Then wait. "
                               "cell one cell two first second")


def test_page_text_is_capped_at_a_word_boundary():
    text = page_text("<p>" + "wagon " * 5000 + "</p>", limit=100)
    assert len(text) <= 100 and text.endswith("wagon") and text.startswith("wagon wagon")


def test_words_are_folded_as_search_js_folds_them():
    assert words("Café NAÏVE Straße x_y 3.0.10 ﬁle 日本語") == ["cafe", "naive", "straße", "x", "y", "3", "0", "10",
                                                              "file", "日本語"]


_TEXTS = st.lists(st.sampled_from(["wagon", "plugin", "Zebra", "café", "the", "ünïcode", "𝔸stral", "x1"]),
                  max_size=6).map(" ".join)
_EDITS = st.lists(st.tuples(st.integers(0, 5), _TEXTS, _TEXTS), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(edits=_EDITS)
def test_updated_index_is_the_fresh_index(edits):
    """The preview keeps one SearchIndex and updates it after every edit: each update
    gives the bytes of an index built from scratch, whether an edit changes a text, a
    title, the number of entries or nothing (terms appear, vanish and come back). The
    preview's fast path names the entry it changed (`changed`); the bytes are the same."""
    entries = [SearchEntry(f"/p{n}/", f"P{n}", "", "wagon") for n in range(4)]
    kept, told = SearchIndex(), SearchIndex()
    for at, title, text in edits:
        changed = None
        if at == 5:  # a page added or removed: the entries' places change
            entries = entries[:-1] if len(entries) > 2 else entries + [SearchEntry("/new/", "New", "", text)]
        else:
            at %= len(entries)
            entries[at] = SearchEntry(entries[at].url, title, entries[at].section, text, entries[at].kind)
            changed = [at]
        assert kept.update(list(entries)) == build_search_index(entries)
        assert told.update(list(entries), changed) == build_search_index(entries)


def test_index_is_deterministic_compact_and_ordered():
    entries = [SearchEntry("/b/", "Beta wagons", "Guide", "Upload a wagon. " * 50),
               SearchEntry("/a/", "Alpha", "", "The plugin index, and the wagon."),
               SearchEntry("/plugins/x/", "X", "Cloud", "An x plugin.", "plugin")]
    files = build_search_index(entries)
    assert files == build_search_index(list(entries))
    for data in files.values():  # no padding
        assert data == json.dumps(json.loads(data), ensure_ascii=False, separators=(",", ":")).encode()
    assert list(json.loads(files[INDEX_FILE])) == ["version", "stopwords", "count", "docs", "doc_files",
                                                   "term_starts", "term_files"]
    index = merged(files)
    assert index["version"] == 2
    assert [doc[0] for doc in index["docs"]] == ["/b/", "/a/", "/plugins/x/"]  # order given
    assert index["docs"][0][4] == ("Upload a wagon. " * 50)[:EXCERPT_CHARS].rsplit(" ", 1)[0]
    assert index["docs"][2][3] == "plugin"
    assert postings(index, "wagon") == ["/b/", "/a/"]
    assert postings(index, "wagons") == ["/b/"]  # title words are indexed
    assert postings(index, "guide") == ["/b/"]  # and section words
    assert not set(STOPWORDS) & set(index["terms"])
    assert len(index["terms"]) == len(index["postings"])


def test_terms_sort_as_javascript_compares_strings():
    """search.js finds prefix ranges by binary search with `<`, which compares UTF-16 units."""
    astral, high = "\U00020000", "\ufa0e"  # CJK ideographs without decompositions
    index = merged(build_search_index([SearchEntry("/", "t", "", f"z {high} {astral} b")]))
    assert index["terms"] == ["b", "t", "z", astral, high]


def test_long_tokens_like_hashes_are_not_indexed():
    digest = "0ba5cff1869b9ba561a930fa9b9fe0ffe3694f238583830f7c906c54d87b4c5c"
    index = merged(build_search_index([SearchEntry("/", "Wagon", "", f"sha256 {digest}")]))
    assert "sha256" in index["terms"] and digest not in index["terms"]


@pytest.mark.parametrize("numbers", [[], [0], [0, 1, 2, 3], [31], [32], [5, 1000, 1001, 40000, 1_000_000]])
def test_postings_round_trip(numbers):
    assert decode_postings(encode_postings(numbers)) == numbers


def test_dense_postings_cost_a_few_characters():
    """A word on every page: one gap and how many times it repeats."""
    assert encode_postings(list(range(5000))) == "B~k8H"
    assert decode_postings("B~k8H") == list(range(5000))
    assert encode_postings([0, 1, 2, 10]) == "BBBI"  # three of a gap are shorter as they are


def test_duplicate_urls_and_unknown_kinds_are_refused():
    with pytest.raises(ValueError, match="given twice"):
        build_search_index([SearchEntry("/a/", "A", "", ""), SearchEntry("/a/", "B", "", "")])
    with pytest.raises(ValueError, match="kind 'post'"):
        build_search_index([SearchEntry("/a/", "A", "", "", "post")])


def test_plugin_entry_is_found_by_package_name_and_category():
    entry = plugin_entry("/plugins/cloudify-aws-plugin/", "cloudify-aws-plugin", "AWS",
                         "Manage **Amazon** resources.", ["Public cloud", "Infrastructure"])
    assert entry == SearchEntry("/plugins/cloudify-aws-plugin/", "AWS", "Public cloud, Infrastructure",
                                "Manage Amazon resources. cloudify-aws-plugin Public cloud Infrastructure", "plugin")
    index = merged(build_search_index([entry]))
    assert {"aws", "amazon", "cloudify", "public", "infrastructure"} <= set(index["terms"])


def test_sample_site_index_size():
    """The repository's sample site: every page with its text, a small file."""
    files = site_search_index(REPO)
    index = merged(files)
    assert len(index["docs"]) > 20
    assert "/writing/plugin-page-template/" not in [doc[0] for doc in index["docs"]]  # hidden: true
    assert sum(map(len, files.values())) < 120_000


def test_prefix_unions_carry_the_flags_of_title_stop_words():
    """Typing "install th" on the way to "install the agent": the page titled "Install the
    agent" starts with it and has a title word starting with "th", as when search.js had
    every title; the stop word adds flags only, never a page the prefix does not find."""
    from catalog.search import IN_TITLE
    from catalog.search_postings import decode_fields

    entries = [SearchEntry("/a/", "Install the agent", "", "thin wagon"),
               SearchEntry("/b/", "Thermal wagon", "", "things"),
               SearchEntry("/c/", "The end", "", "nothing here")]
    files = build_search_index(entries)
    shards = [json.loads(files[name]) for name in json.loads(files[INDEX_FILE])["term_files"]]
    union = next((shard["postings"][i], shard["fields"][i]) for shard in shards
                 for i, term in enumerate(shard["terms"]) if term == "th" + PREFIX_MARK)
    numbers = decode_postings(union[0])
    assert numbers == [0, 1]  # "/c/" has no indexed word starting with "th"
    flags = dict(decode_fields(numbers, union[1]))
    assert flags[0] & IN_TITLE and flags[0] & (1 << 1)  # "the", the title's second word
    assert flags[1] & IN_TITLE and flags[1] & 1  # "thermal", its first

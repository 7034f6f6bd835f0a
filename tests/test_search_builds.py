"""The search files are the same however the build made them: render workers compute each
page's text terms and the parent merges them into the index as pages come (a cold build),
one process does it all (--jobs 1), or the render cache keeps bodies and the last index
and only what changed is updated (catalog/search_terms.py, search_entries.PageFeed,
SearchIndex.grow). Each is compared with a cold build of the same sources, and with the
index made the plain way from every page's text (test_search.site_search_index)."""
from __future__ import annotations

import pickle
from pathlib import Path

from catalog.cli import main
from catalog.render_cache import RenderCache
from catalog.search import INDEX_FILE, SearchEntry, SearchIndex, build_search_index
from catalog.search_terms import text_terms
from test_search import site_search_index

PAGES = 80  # above parallel.MIN_PARALLEL: a cold build forks its render workers


def corpus() -> dict[str, str]:
    """Pages over two sections with shared and unique words, stop words in titles, accents,
    code listings (not indexed), a hidden section and a page excluded from search."""
    files = {
        "content/_index.md": "---\ntitle: Home\n---\nWelcome to the wagon catalog.\n",
        "content/guide/_index.md": "---\ntitle: Install the agent\n---\nThe guide.\n",
        "content/ops/_index.md": "---\ntitle: Opérations › Day two\n---\nRunning it.\n",
        "content/hidden/_index.md": "---\ntitle: Hidden\nhidden: true\n---\nsecretword\n",
        "content/hidden/inner.md": "---\ntitle: Inner\n---\nsecretword inside\n",
        "content/excluded.md": "---\ntitle: Excluded\nexclude_from_search: true\n---\nexcludedword\n",
    }
    for n in range(PAGES):
        section = "guide" if n % 2 else "ops"
        files[f"content/{section}/p{n:02d}.md"] = (
            f"---\ntitle: The {'thermal ' if n % 3 else ''}wagon {n}\nweight: {n}\n---\n"
            f"## Step {n}\nUpload the wagon{n % 7} with `cfy plugins upload`. Café straße word{n}.\n\n"
            f"```\nnotindexed{n}\n```\n\n" + "More text about plugins and wagons. " * (n % 5) + "\n")
    return files


def search_files(folder: Path) -> dict[str, bytes]:
    files = {INDEX_FILE: (folder / INDEX_FILE).read_bytes()}
    files.update({f"search/{p.name}": p.read_bytes() for p in (folder / "search").iterdir()})
    return files


def cli(root: Path, out: Path, *extra: str) -> dict[str, bytes]:
    assert main(["build", "--project", str(root), "--out", str(out), *extra]) == 0
    return search_files(out)


def test_parallel_serial_and_cached_builds_write_the_same_search_files(make_site, tmp_path):
    site = make_site(corpus(), 'title = "Search"\nbase_url = "https://x.org/"\n')
    parallel = cli(site.root, tmp_path / "parallel", "--no-cache", "--jobs", "2")
    assert parallel == site_search_index(site.root), "the plain index of every page's text"
    assert cli(site.root, tmp_path / "serial", "--no-cache", "--jobs", "1") == parallel
    assert cli(site.root, tmp_path / "first", "--jobs", "2") == parallel  # a new cache: the index grows as pages come
    assert cli(site.root, tmp_path / "again") == parallel  # no change: bodies and index from the cache

    cache = RenderCache.load(site.root / ".catalog-cache" / "render.pickle")
    cache.settle(cache.environment)
    bodies = [entry.body for entry in cache.entries.values()]
    assert len(bodies) > PAGES and all(body.text == "" and body.terms is not None for body in bodies), \
        "the cache keeps each body's terms, not its text"

    # one page's text, then a section's title (its pages' bodies come from the cache, their sections do not)
    edits = [{"content/guide/p01.md": "---\ntitle: The wagon 1\nweight: 1\n---\nA brand new text, zeppelin.\n"},
             {"content/ops/_index.md": "---\ntitle: Operations renamed\n---\nRunning it.\n"}]
    for number, edit in enumerate(edits):
        site.write(edit)
        cached = cli(site.root, tmp_path / f"cached{number}")
        cold = cli(site.root, tmp_path / f"cold{number}", "--no-cache")
        assert cached == cold == site_search_index(site.root)
        assert cached != parallel


def test_entries_with_terms_give_the_index_of_their_texts():
    texts = ["Upload the wagon. " * 40, "The plugin index, and the wagon: café.", "", "x" * 40 + " thin things"]
    plain = [SearchEntry(f"/p{n}/", f"The wagon {n}", "Guide › Install", text) for n, text in enumerate(texts)]
    plain.append(SearchEntry("/plugins/x/", "X", "Cloud", "An x plugin.", "plugin"))
    with_terms = [SearchEntry(e.url, e.title, e.section, "", e.kind, text_terms(e.text)) for e in plain]
    assert build_search_index(with_terms) == build_search_index(plain)


def test_a_grown_index_is_the_index_built_at_once():
    entries = [SearchEntry(f"/p{n}/", f"Page {n} the wagon", "Guide", "", "page", text_terms(f"wagon text{n % 3} é"))
               for n in range(30)] + [SearchEntry("/plugins/y/", "Y", "Cloud", "A y plugin.", "plugin")]
    fresh = build_search_index(entries)
    grown = SearchIndex()
    for entry in entries[:30]:
        grown.grow([entry])
    assert grown.update(entries) == fresh  # the plugins come after the pages grown
    assert grown.update(entries) is grown.files  # then a kept index, as a cached build's

    other = SearchIndex()
    other.grow([SearchEntry("/gone/", "Gone", "", "gone")])  # not what `update` is given: not kept
    assert other.update(entries) == fresh
    copies = SearchIndex()
    copies.grow([SearchEntry(e.url, e.title, e.section, e.text, e.kind, e.terms) for e in entries[:5]])
    assert copies.update(entries) == fresh  # equal entries, other objects: built again
    assert pickle.loads(pickle.dumps(copies)).update(entries[:3]) == build_search_index(entries[:3])

"""Search at scale (issue 20): at 20,000 pages a query downloads the manifest, the term
shards of its words and the result shards of the ten results it shows, never the whole
index: at most 300 KB, counted in a real browser as the visitor types each query."""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from benchmarks.corpus import page_text, plan
from catalog.search import INDEX_FILE, SearchEntry, build_search_index
from test_search_browser import search_page, site_root  # noqa: F401  (the fixture)

PAGES = 20_000
BUDGET = 300_000  # bytes of index a visitor downloads for one query
# a letter, a word in every page, a title word and a number being typed, a phrase, nothing
QUERIES = ["p", "s", "configuration", "page 1", "topic 012 page", "install wagon", "zzzq"]


def corpus_entries(pages: int) -> list[SearchEntry]:
    """The benchmark's generated pages (benchmarks/corpus.py) as search entries: the same
    titles, sections and prose, shortcodes and front matter left out."""
    rng = random.Random(7)
    paths = plan(pages)
    entries = []
    for index, rel in enumerate(paths):
        text = page_text(rng, rel, index, paths)
        title = re.search(r'^title: "(.*)"$', text, re.M).group(1)
        body = re.sub(r"\{\{[<%].*?[%>]\}\}", " ", text.split("---", 2)[2])
        section = " › ".join(part.replace("-", " ").title() for part in rel.split("/")[:-1])
        entries.append(SearchEntry(f"/docs/{rel.removesuffix('.md')}/", title, section, body))
    return entries


@pytest.fixture(scope="module")
def large_site(site_root, tmp_path_factory) -> Path:  # noqa: F811
    """The search test site, its index replaced by one of 20,000 generated pages."""
    root = tmp_path_factory.mktemp("search-scale")
    shutil.copytree(site_root, root, dirs_exist_ok=True)
    docs = root / "docs"
    shutil.rmtree(docs / "search", ignore_errors=True)
    files = build_search_index(corpus_entries(PAGES))
    for rel, data in files.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_bytes(data)
    return root


def test_the_whole_index_is_far_larger_than_the_budget():
    """What the budget is measured against: one file held all of this before."""
    files = build_search_index(corpus_entries(PAGES))
    assert sum(map(len, files.values())) > 10 * BUDGET
    assert len(files[INDEX_FILE]) < 40_000


@pytest.mark.parametrize("query", QUERIES)
def test_one_query_at_20000_pages_downloads_at_most_300_kb(large_site, query):
    with search_page(large_site) as page:
        fetched: dict[str, int] = {}
        page.on("requestfinished", lambda request: fetched.__setitem__(
            request.url, request.sizes()["responseBodySize"]) if "search" in request.url
            and not request.url.endswith(".js") else None)
        box = page.get_by_role("combobox", name="Search")
        box.click()
        box.press_sequentially(query, delay=30)  # a visitor typing: one query per key
        status = page.locator("[role='status']")
        status.filter(has_text=re.compile("result")).wait_for()
        page.wait_for_load_state("networkidle")
        total = sum(fetched.values())
        assert total <= BUDGET, (query, total, fetched)
        assert page.problems == []
        if query != "zzzq":
            assert page.locator("[role='option']").count() > 0
        else:
            assert "No results" in status.text_content()
        print(f"{query!r}: {total} bytes in {len(fetched)} files")

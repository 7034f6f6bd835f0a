"""The files every build publishes are there, and are what their names and formats say:
the required files, the assets named for a hash of their content, and the search index.

Required: `404.html`, `robots.txt`, `_redirects` and `search-index.json` come from every
build, `sitemap.xml` from every build with an absolute base URL (its pages then carry
absolute canonical links), and the download index's files come together: a site with
one of them has them all. A missing one is no broken link (nothing links to 404.html),
so only this check notices it.
"""
from __future__ import annotations

from typing import Any

from ..assets import FINGERPRINTED_NAME, content_hash
from ..diagnostics import Report
from ..plugins.compat import LEGACY_CATALOGS
from ..plugins.index import ROOT_FILE
from ..plugins.pages import LIST_FILE
from ..search import INDEX_VERSION, KINDS, decode_postings
from .indexes import locate, read_json
from .site import BuiltSite

ALWAYS = {
    "404.html": "the host shows its own not-found page instead of the site's",
    "robots.txt": "crawlers find no sitemap",
    "_redirects": "old URLs (aliases) and the Marketplace's ?name= lookups get 404",
    "search-index.json": "the search box finds nothing",
}
CATALOG_FILES = (ROOT_FILE, *LEGACY_CATALOGS, "plugins/catalog", LIST_FILE)
SEARCH_FILE = "search-index.json"


class PublishedChecker:
    """Checks which files are there and what the fingerprinted and search files hold."""

    def __init__(self, site: BuiltSite, report: Report) -> None:
        self.site = site
        self.report = report

    def check(self) -> None:
        self.check_required()
        self.check_fingerprints()
        if SEARCH_FILE in self.site.files:
            self.check_search_index(SEARCH_FILE)

    def check_required(self) -> None:
        required = dict(ALWAYS)
        if self.site.origin:
            required["sitemap.xml"] = "search engines get no list of the pages"
        if any(rel in self.site.files for rel in CATALOG_FILES):
            required.update({rel: "the catalog's clients miss a file the others have" for rel in CATALOG_FILES})
        for rel, effect in required.items():
            if rel not in self.site.files:
                self.report.error(self.site.display(rel), 0, 0, "file-missing",
                                  f"the site has no {rel}, which every build writes: {effect}",
                                  "rebuild the site, or restore the file")

    def check_fingerprints(self) -> None:
        """A fingerprinted asset is cached for a year: content that no longer matches its name
        would be served, and kept, under the name of other content."""
        for rel in sorted(self.site.files):
            match = FINGERPRINTED_NAME.match(rel.rsplit("/", 1)[-1])
            if match is None:
                continue
            actual = content_hash((self.site.root / rel).read_bytes())
            if actual != match["hash"]:
                self.report.error(self.site.display(rel), 0, 0, "fingerprint-mismatch",
                                  f"the name says content hash {match['hash']}, the content's is {actual}",
                                  "the file changed after the build, and browsers keep it a year under this name: "
                                  "rebuild the site, or restore the file")

    def check_search_index(self, rel: str) -> None:
        """The format catalog/search.py writes and static/js/search.js reads (version 1)."""
        loaded = read_json(self.site, self.report, rel)
        if loaded is None:
            return
        text, document = loaded
        for where, problem in _search_index_problems(document):
            line, col = locate(text, list(where))
            self.report.error(self.site.display(rel), line, col, "search-index-invalid", problem,
                              "the build writes this file; rebuild the site")
        if not isinstance(document, dict) or not isinstance(document.get("docs"), list):
            return
        page_url = self.site.url_of(rel)
        for i, doc in enumerate(document["docs"]):
            if not (isinstance(doc, list) and doc and isinstance(doc[0], str)):
                continue
            target = self.site.resolve(doc[0], page_url)
            problem = self.site.missing(target) if target is not None and not target.outside else ""
            if problem:
                line, col = locate(text, ["docs", i, 0])
                self.report.error(self.site.display(rel), line, col, "link-missing",
                                  f"result {i} is '{doc[0]}', but {problem}",
                                  self.site.suggest(target.path) or "the build writes this file; rebuild the site")


def _search_index_problems(document: Any) -> list[tuple[tuple, str]]:
    """(JSON path, problem) for each way the document is not a search index of version 1."""
    if not isinstance(document, dict):
        return [((), "is not a JSON object with version, stopwords, docs, terms and postings")]
    problems: list[tuple[tuple, str]] = []
    if document.get("version") != INDEX_VERSION:
        problems.append((("version",), f"version is {document.get('version')!r}, not {INDEX_VERSION}"))
    for key in ("stopwords", "docs", "terms", "postings"):
        if not isinstance(document.get(key), list):
            problems.append(((key,) if key in document else (), f"'{key}' is missing or not a list"))
    if problems:
        return problems
    docs, terms, postings = document["docs"], document["terms"], document["postings"]
    for i, doc in enumerate(docs):
        if not (isinstance(doc, list) and len(doc) == 5 and all(isinstance(v, str) for v in doc)
                and doc[3] in KINDS):
            problems.append((("docs", i), f"result {i} is not [url, title, section, kind, excerpt] with kind one of "
                                          f"{', '.join(KINDS)}"))
    if not all(isinstance(t, str) for t in terms) or terms != sorted(terms, key=_js_order):
        problems.append((("terms",), "the terms are not strings in JavaScript's string order"))
    if len(postings) != len(terms):
        problems.append((("postings",), f"{len(postings)} postings for {len(terms)} terms"))
    for i, encoded in enumerate(postings):
        try:
            numbers = decode_postings(encoded) if isinstance(encoded, str) else None
        except ValueError:
            numbers = None
        if numbers is None or not numbers or numbers[0] < 0 or numbers[-1] >= len(docs) or \
                any(a >= b for a, b in zip(numbers, numbers[1:])):
            problems.append((("postings", i), f"postings {i} do not name ascending results 0 to {len(docs) - 1}"))
    return problems


def _js_order(text: str) -> list[int]:
    """JavaScript compares strings by UTF-16 code units."""
    return list(text.encode("utf-16-be"))

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
from ..plugins.htmlpages import LIST_FILE
from ..search import INDEX_VERSION, KINDS
from ..search_postings import decode_fields, decode_postings
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
        """The format catalog/search.py writes and static/js/search.js reads (version 2):
        the manifest, and every shard it names, there and well formed."""
        loaded = read_json(self.site, self.report, rel)
        if loaded is None:
            return
        text, document = loaded
        problems = _manifest_problems(document)
        for where, problem in problems:
            line, col = locate(text, list(where))
            self.report.error(self.site.display(rel), line, col, "search-index-invalid", problem,
                              "the build writes this file; rebuild the site")
        if problems:
            return
        folder = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
        page_url = self.site.url_of(rel)
        count, number = document["count"], 0
        for k, shard in enumerate(document["doc_files"]):
            docs = self._shard(rel, text, ("doc_files", k), folder + shard)
            if docs is None:
                return
            shard_text, shard_docs = docs
            shard_rel = folder + shard
            if not isinstance(shard_docs, list) or len(shard_docs) != min(document["docs"], count - number):
                self._invalid(shard_rel, shard_text, (), f"holds {len(shard_docs) if isinstance(shard_docs, list) else 'no'}"
                              f" results, not results {number} to {min(number + document['docs'], count) - 1}")
                return
            for i, doc in enumerate(shard_docs):
                if not (isinstance(doc, list) and len(doc) == 5 and all(isinstance(v, str) for v in doc)
                        and doc[3] in KINDS):
                    self._invalid(shard_rel, shard_text, (i,), f"result {number + i} is not [url, title, section, "
                                                               f"kind, excerpt] with kind one of {', '.join(KINDS)}")
                    continue
                target = self.site.resolve(doc[0], page_url)
                problem = self.site.missing(target) if target is not None and not target.outside else ""
                if problem:
                    line, col = locate(shard_text, [i, 0])
                    self.report.error(self.site.display(shard_rel), line, col, "link-missing",
                                      f"result {number + i} is '{doc[0]}', but {problem}",
                                      self.site.suggest(target.path) or "the build writes this file; rebuild the site")
            number += len(shard_docs)
        previous = None
        for k, (start, shard) in enumerate(zip(document["term_starts"], document["term_files"])):
            loaded_shard = self._shard(rel, text, ("term_files", k), folder + shard)
            if loaded_shard is None:
                return
            shard_text, terms = loaded_shard
            for where, problem in _term_shard_problems(terms, start, previous, count):
                self._invalid(folder + shard, shard_text, where, problem)
            if isinstance(terms, dict) and isinstance(terms.get("terms"), list) and terms["terms"]:
                previous = terms["terms"][-1]

    def _shard(self, rel: str, text: str, where: tuple, shard_rel: str) -> tuple[str, Any] | None:
        if shard_rel not in self.site.files:
            line, col = locate(text, list(where))
            self.report.error(self.site.display(rel), line, col, "search-index-invalid",
                              f"names {shard_rel}, which is not there", "the build writes these files; rebuild the site")
            return None
        return read_json(self.site, self.report, shard_rel)

    def _invalid(self, rel: str, text: str, where: tuple, problem: str) -> None:
        line, col = locate(text, list(where))
        self.report.error(self.site.display(rel), line, col, "search-index-invalid", problem,
                          "the build writes this file; rebuild the site")


def _manifest_problems(document: Any) -> list[tuple[tuple, str]]:
    """(JSON path, problem) for each way the document is not a search index manifest of version 2."""
    if not isinstance(document, dict):
        return [((), "is not a JSON object with version, stopwords, count, docs and the shards' files")]
    problems: list[tuple[tuple, str]] = []
    if document.get("version") != INDEX_VERSION:
        problems.append((("version",), f"version is {document.get('version')!r}, not {INDEX_VERSION}"))
    for key in ("count", "docs"):
        value = document.get(key)
        if not (isinstance(value, int) and not isinstance(value, bool) and value >= (1 if key == "docs" else 0)):
            problems.append(((key,) if key in document else (), f"'{key}' is missing or not a number"))
    for key in ("stopwords", "doc_files", "term_starts", "term_files"):
        value = document.get(key)
        if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
            problems.append(((key,) if key in document else (), f"'{key}' is missing or not a list of strings"))
    if problems:
        return problems
    if len(document["doc_files"]) != -(-document["count"] // document["docs"]):
        problems.append((("doc_files",), f"{len(document['doc_files'])} result shards for {document['count']} "
                                         f"results of {document['docs']} a shard"))
    if len(document["term_starts"]) != len(document["term_files"]):
        problems.append((("term_files",), f"{len(document['term_files'])} term shards for "
                                          f"{len(document['term_starts'])} first terms"))
    for k, path in enumerate(document["doc_files"] + document["term_files"]):
        if not path.startswith("search/") or ".." in path.split("/"):
            where = ("doc_files", k) if k < len(document["doc_files"]) else ("term_files", k - len(document["doc_files"]))
            problems.append((where, f"'{path}' is not a file under search/"))
    return problems


def _term_shard_problems(shard: Any, start: str, previous: str | None, count: int) -> list[tuple[tuple, str]]:
    if not isinstance(shard, dict) or not all(isinstance(shard.get(key), list) for key in ("terms", "postings", "fields")):
        return [((), "is not a JSON object with terms, postings and fields")]
    terms, postings, fields = shard["terms"], shard["postings"], shard["fields"]
    problems: list[tuple[tuple, str]] = []
    if not all(isinstance(t, str) for t in terms) or terms != sorted(terms, key=_js_order) or not terms \
            or (previous is not None and _js_order(terms[0]) <= _js_order(previous)) or terms[0] < start:
        problems.append((("terms",), "the terms are not strings in JavaScript's string order, after the "
                                     "previous shard's"))
    if not len(postings) == len(fields) == len(terms):
        problems.append((("postings",), f"{len(postings)} postings and {len(fields)} fields for {len(terms)} terms"))
        return problems
    for i, (encoded, flags) in enumerate(zip(postings, fields)):
        try:
            numbers = decode_postings(encoded) if isinstance(encoded, str) else None
            flagged = [n for n, _ in decode_fields(numbers, flags)] if isinstance(flags, str) and numbers else None
        except ValueError:
            numbers = flagged = None
        if numbers is None or not numbers or numbers[0] < 0 or numbers[-1] >= count or \
                any(a >= b for a, b in zip(numbers, numbers[1:])):
            problems.append((("postings", i), f"postings {i} do not name ascending results 0 to {count - 1}"))
        elif flagged is None:
            problems.append((("fields", i), f"fields {i} are not runs over its postings"))
    return problems


def _js_order(text: str) -> list[int]:
    """JavaScript compares strings by UTF-16 code units."""
    return list(text.encode("utf-16-be"))

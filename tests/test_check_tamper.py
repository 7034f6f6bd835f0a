"""`catalog check` on a built site someone edited afterwards: each copy of an index fact
that no longer agrees with the index, each fingerprinted asset whose content changed,
each required file removed and a damaged search index is an error at its place. The
sample site is built once; each case edits a copy of it."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest

from catalog.build import build
from catalog.check import check
from catalog.search import SearchEntry, build_search_index
from catalog.search_postings import decode_postings
from conftest import REPO

SITE = "https://plugins.example.org/"
ECHO = "cloudify-echo-plugin"
ECHO_WAGON = f"wagons/{ECHO}/1.1.0/cloudify_echo_plugin-1.1.0-manylinux-py3-none-any.wgn"
ELSEWHERE = "https://mirror.example.net/cloudify_echo_plugin-1.1.0-manylinux-py3-none-any.wgn"
AWS_WAGON = "cloudify_aws_plugin-3.0.10-redhat-Ootpa-py36-none-linux_x86_64.wgn"
PAGE = f"plugins/{ECHO}/index.html"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tamper") / "public"
    result = build(REPO, out=out)
    assert result.written, [d.format() for d in result.report.sorted()]
    return out


def replace(site: Path, rel: str, old: str, new: str, count: int = -1) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def edit_json(site: Path, rel: str, change: Callable) -> None:
    path = site / rel
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def wagon_elsewhere(site: Path) -> None:
    """Every legacy and Marketplace file points the echo wagon at another host, consistently."""
    for rel in ("plugins.json", "v2_plugins.json", "plugins/catalog", f"plugins/{ECHO}/versions",
                f"plugins/{ECHO}/1.1.0"):
        if SITE + ECHO_WAGON in (site / rel).read_text():
            replace(site, rel, SITE + ECHO_WAGON, ELSEWHERE)


def root_entry(change: Callable) -> Callable[[Path], None]:
    def edit(site: Path) -> None:
        def on_root(document):
            [entry] = [p for p in document["plugins"] if p["name"] == ECHO]
            change(entry)
        edit_json(site, "index/v1/index.json", on_root)
    return edit


def page_digest(site: Path) -> None:
    text = (site / PAGE).read_text()
    digest = re.search(r'<code class="sha256">([0-9a-f]{64})</code>', text).group(1)
    replace(site, PAGE, digest, "0" * 64, 1)


def page_link(site: Path) -> None:
    replace(site, PAGE, f'href="/{ECHO_WAGON}"', f'href="{ELSEWHERE}"')


def one_js(site: Path) -> None:
    [script] = sorted((site / "js").glob("search.*.js"))
    script.write_text(script.read_text() + "\n// edited\n")


def search_shard_gone(site: Path) -> None:
    def change(document):
        document["term_files"][0] = "search/t-000000000000.json"  # a shard that is not there
    edit_json(site, "search-index.json", change)


CASES = {
    # (edit, [(file, code) that must be reported])
    "wagon-moved-in-every-copy": (wagon_elsewhere, [
        ("v2_plugins.json", "index-mismatch"), ("plugins/catalog", "index-mismatch"),
        (f"plugins/{ECHO}/versions", "index-mismatch"), (f"plugins/{ECHO}/1.1.0", "index-mismatch")]),
    "remote-wagon-moved-in-one-file": (
        lambda site: replace(site, "plugins.json", f"/{AWS_WAGON}", "/evil.wgn"),
        [("plugins.json", "index-mismatch")]),
    "legacy-plugin-listed-twice": (
        lambda site: edit_json(site, "v2_plugins.json", lambda d: d.append(dict(d[0]))),
        [("v2_plugins.json", "index-mismatch")]),
    "root-latest-version": (root_entry(lambda e: e["latest"].update(version="9.9.9")),
                            [("index/v1/index.json", "index-mismatch")]),
    "root-title": (root_entry(lambda e: e.update(title="Not Echo")), [("index/v1/index.json", "index-mismatch")]),
    "page-digest": (page_digest, [(PAGE, "index-mismatch")]),
    "page-link": (page_link, [(PAGE, "index-mismatch")]),
    "search-index-removed": (lambda site: (site / "search-index.json").unlink(),
                             [("search-index.json", "file-missing")]),
    "search-index-cut": (lambda site: (site / "search-index.json").write_bytes(
        (site / "search-index.json").read_bytes()[:100]), [("search-index.json", "json-invalid")]),
    "search-index-shard-gone": (search_shard_gone, [("search-index.json", "search-index-invalid")]),
    "fingerprinted-js-edited": (one_js, [("js/search.f4e9075f39.js", "fingerprint-mismatch")]),
    "404-removed": (lambda site: (site / "404.html").unlink(), [("404.html", "file-missing")]),
    "robots-removed": (lambda site: (site / "robots.txt").unlink(), [("robots.txt", "file-missing")]),
    "legacy-catalog-removed": (lambda site: (site / "v2_plugins.json").unlink(),
                               [("v2_plugins.json", "file-missing"), ("plugins/index.html", "link-missing")]),
    "marketplace-release-removed": (lambda site: (site / f"plugins/{ECHO}/1.0.0").unlink(),
                                    [(f"plugins/{ECHO}/1.0.0", "index-mismatch")]),
    "marketplace-release-invented": (lambda site: shutil.copy(site / f"plugins/{ECHO}/1.1.0",
                                                              site / f"plugins/{ECHO}/9.9.9"),
                                     [(f"plugins/{ECHO}/9.9.9", "index-mismatch")]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_tampered_site_fails_the_check_at_the_edit(sample, tmp_path, case):
    edit, expected = CASES[case]
    site = tmp_path / "public"
    shutil.copytree(sample, site)
    edit(site)
    if case == "fingerprinted-js-edited":
        expected = [(str(next((site / "js").glob("search.*.js")).relative_to(site)), "fingerprint-mismatch")]
    problems = check(site).diagnostics
    found = {(d.path.removeprefix(site.as_posix() + "/"), d.code) for d in problems if d.severity == "error"}
    assert set(expected) <= found, "\n".join(d.format() for d in problems)
    # nothing else is blamed: every error is in a file the edit touched
    assert {path for path, _ in found} <= {path for path, _ in expected}, "\n".join(d.format() for d in problems)


def test_differences_are_located_and_name_both_values(sample, tmp_path):
    site = tmp_path / "public"
    shutil.copytree(sample, site)
    wagon_elsewhere(site)
    root_entry(lambda e: e["latest"].update(version="9.9.9"))(site)
    page_link(site)
    problems = {d.path.removeprefix(site.as_posix() + "/"): d for d in check(site).diagnostics}
    legacy = problems["v2_plugins.json"]
    line = (site / "v2_plugins.json").read_text().splitlines()[legacy.line - 1]
    assert ELSEWHERE in line and legacy.col > 1
    assert legacy.message == (f'$[4].wagons[2].url is "{ELSEWHERE}", but the index gives "{SITE}{ECHO_WAGON}"'), \
        legacy.message
    root = problems["index/v1/index.json"]
    assert root.message.endswith('.latest.version is "9.9.9", but the index gives "1.1.0"')
    assert '"9.9.9"' in (site / "index/v1/index.json").read_text().splitlines()[root.line - 1]
    page = problems[PAGE]
    assert ELSEWHERE in (site / PAGE).read_text().splitlines()[page.line - 1]
    assert f"the index gives that file at '/{ECHO_WAGON}'" in page.message


def test_the_search_index_format_check_accepts_what_the_build_writes():
    entries = [SearchEntry(f"/p{i}/", f"Page {i}", "", "wagon plugin index", "page") for i in range(40)]
    files = build_search_index(entries)
    document = json.loads(files["search-index.json"])
    from catalog.check.published import _manifest_problems, _term_shard_problems

    assert _manifest_problems(document) == []
    [name] = document["term_files"]
    shard = json.loads(files[name])
    assert _term_shard_problems(shard, "", None, 40) == []
    assert decode_postings(shard["postings"][shard["terms"].index("wagon")]) == list(range(40))
    shard["terms"].reverse()
    assert [where for where, _ in _term_shard_problems(shard, "", None, 40)] == [("terms",)]
    document["doc_files"].pop()
    assert [where for where, _ in _manifest_problems(document)] == [("doc_files",)]
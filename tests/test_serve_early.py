"""The preview's first page first (issue 20): during `catalog serve`'s first build, the
page the browser asks for is made ahead of the others and served at once, the same bytes
the finished build has; a file the build makes later waits for it, and so does a page
whose template fails."""
from __future__ import annotations

import threading
import time

import pytest

from catalog.page_render import PageRenderer
from catalog.serve import LivePreview
from catalog.serve.epochs import PreviewSite
from test_serve import CONFIG, get, new_project

PAGES = 40  # in-process rendering (below MIN_PARALLEL), slowed down below: a first build of seconds
FILES = {
    "content/_index.md": "---\ntitle: Home\n---\nWelcome home.\n",
    "content/guide/_index.md": "---\ntitle: Guide\n---\nThe guide.\n",
    **{f"content/guide/page-{n:03d}.md": f"---\ntitle: Page {n}\nweight: {n}\n---\n## Steps\n\nText of page {n}.\n"
       for n in range(PAGES)},
}
SLOW = 0.1  # seconds a page takes to render in these tests


@pytest.fixture
def slow_pages(monkeypatch):
    """Every page rendered by the build takes SLOW seconds more; `made` records which, in order."""
    made: list[int] = []
    render = PageRenderer.__call__

    def slowly(self, task):
        made.append(task.index)
        time.sleep(SLOW)
        return render(self, task)

    monkeypatch.setattr(PageRenderer, "__call__", slowly)
    return made


def test_a_page_asked_for_during_the_first_build_comes_first_and_is_the_built_page(tmp_path, slow_pages):
    root = new_project(tmp_path / "site", FILES, CONFIG)
    site = PreviewSite(root, say=lambda line: None)
    building = threading.Thread(target=site.rebuild)
    building.start()
    try:
        early = site.early_file("/guide/page-030/", timeout=30)
        style = site.early_file("/css/theme.css", timeout=30)
        assert site.status.epoch is None, "served only once the whole build was done"
    finally:
        building.join()
    epoch = site.status.epoch
    assert early is not None and early == (epoch.files["guide/page-030/index.html"], epoch.number)
    assert style is not None and style[0] == epoch.files["css/theme.css"]
    assert len(slow_pages) == PAGES + 2 + 1  # every page (and home and guide) once, the page asked for twice


def test_a_file_made_later_waits_for_the_build(tmp_path, slow_pages):
    root = new_project(tmp_path / "site", FILES, CONFIG)
    site = PreviewSite(root, say=lambda line: None)
    building = threading.Thread(target=site.rebuild)
    building.start()
    try:
        assert site.early_file("/404.html", timeout=30) is None  # made after the pages: the build's copy
        assert site.status.epoch is not None and "404.html" in site.status.epoch.files
    finally:
        building.join()
    assert site.early_file("/guide/page-001/", timeout=1) is None  # no first build running


def test_the_browser_gets_its_page_over_http_before_the_build_ends(tmp_path, slow_pages):
    root = new_project(tmp_path / "site", FILES, CONFIG)
    preview = LivePreview(root, port=0, settle=0.05, poll_timeout=2.0, say=lambda line: None)
    starting = threading.Thread(target=preview.start)
    started = time.monotonic()
    starting.start()
    try:
        status, headers, body = get(preview, "/guide/page-020/")
        served = time.monotonic() - started
        assert status == 200 and headers["content-type"].startswith("text/html")
        assert preview.site.status.epoch is None
        starting.join()
        assert served < (PAGES * SLOW) / 2  # well before the build that renders every page
        assert b"Text of page 20." in body
        assert body == get(preview, "/guide/page-020/")[2]  # the built page, told its epoch: no reload
    finally:
        starting.join()
        preview.close()

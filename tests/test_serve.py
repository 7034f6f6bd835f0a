"""catalog serve: path safety, the Marketplace lookup, rebuilds and what open tabs are told,
serving during rebuilds, and the whole process started and stopped with a signal.

Every server listens on 127.0.0.1 on a free port. Waits are bounded loops that end
as soon as the expected state is seen; nothing asserts on how long anything took.
"""
from __future__ import annotations

import argparse
import http.client
import io
import json
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from catalog.serve import LivePreview, add_serve_arguments, run_serve
from catalog.serve.livereload import Action, inject, page_file, reload_action
from catalog.serve.progress import Progress
from catalog.serve.server import BadRequestPath, content_type, request_path
from conftest import DEFAULT_CONFIG, REPO, write_files

SECRET = "do-not-serve-7f3a"  # in site.toml: must never appear in a response
CONFIG = DEFAULT_CONFIG + f"# {SECRET}\n"
PLUGIN = """\
name: cloudify-demo-plugin
title: Demo
description: A demo plugin
releases:
  - version: 1.0.0
    date: 2024-01-02
    yaml_files:
      - dsl_version: cloudify_dsl_1_3
        url: https://example.org/demo/1.0.0/plugin.yaml
        sha256: 0000000000000000000000000000000000000000000000000000000000000000
        size: 10
    wagons:
      - url: https://example.org/demo/1.0.0/cloudify_demo_plugin-1.0.0-centos-Core-py36-none-linux_x86_64.wgn
        sha256: 0000000000000000000000000000000000000000000000000000000000000000
        size: 10
"""
SITE = {
    "content/_index.md": "---\ntitle: Home\n---\nWelcome home.\n",
    "content/guide/_index.md": "---\ntitle: Guide\n---\nThe guide.\n",
    "content/guide/install.md": "---\ntitle: Install\nweight: 1\n---\nInstall text v0.\n",
    "content/guide/upgrade.md": "---\ntitle: Upgrade\nweight: 2\n---\nUpgrade text.\n",
    "plugins-index/cloudify-demo-plugin.yaml": PLUGIN,
}
BROKEN = "---\ntitle: Install\nweight: 1\n---\nBefore.\n\n{{< warning >}}\nNever closed.\n"
WAIT = 30.0  # upper bound of every wait; a passing test waits only as long as the rebuild takes


# -- helpers ----------------------------------------------------------------------------------

def wait_for(condition: Callable[[], object], what: str, timeout: float = WAIT) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def new_project(root: Path, files: dict[str, str], config: str = CONFIG) -> Path:
    """A project with its own copy of the default theme, so edits elsewhere in the repository
    never cause a rebuild during a test."""
    shutil.copytree(REPO / "themes" / "default", root / "themes" / "default")
    write_files(root, {"site.toml": config, **files})
    return root


def quiet_preview(root: Path) -> LivePreview:
    return LivePreview(root, port=0, settle=0.05, poll_timeout=2.0, say=lambda line: None).start()


@pytest.fixture
def start_preview(tmp_path) -> Iterator[Callable[..., LivePreview]]:
    previews: list[LivePreview] = []

    def start(files: dict[str, str] | None = None, config: str = CONFIG) -> LivePreview:
        previews.append(quiet_preview(new_project(tmp_path / "site", SITE if files is None else files, config)))
        return previews[-1]

    yield start
    for preview in previews:
        preview.close()


@pytest.fixture
def preview(start_preview) -> LivePreview:
    """A preview of its own, for tests that edit files."""
    return start_preview()


@pytest.fixture(scope="module")
def shared_preview(tmp_path_factory) -> Iterator[LivePreview]:
    """One preview for the tests that only read."""
    root = new_project(tmp_path_factory.mktemp("shared") / "site", SITE)
    (root / "leak").symlink_to("/etc", target_is_directory=True)  # symlinks out of the site
    (root / "public").mkdir()
    (root / "public" / "leak.txt").symlink_to(root / "site.toml")
    preview = quiet_preview(root)
    yield preview
    preview.close()


def get(preview: LivePreview, target: str, method: str = "GET", headers: dict[str, str] | None = None
        ) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", preview.server.port, timeout=WAIT)
    try:
        connection.request(method, target, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def raw_get(preview: LivePreview, target: str, host: str = "127.0.0.1") -> tuple[int, bytes]:
    """Send the request line exactly as given (no client-side normalisation)."""
    request = f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1")
    with socket.create_connection(("127.0.0.1", preview.server.port), timeout=WAIT) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def events(preview: LivePreview, path: str, epoch: int | None, generation: int, server: str | None = None) -> dict:
    query = (f"server={server or preview.server.server_id}&epoch={'' if epoch is None else epoch}"
             f"&generation={generation}&path={path}")
    status, headers, body = get(preview, f"/__catalog/events?{query}")
    assert status == 200 and headers["content-type"] == "application/json; charset=utf-8"
    return json.loads(body)


def text_of(preview: LivePreview, path: str) -> str:
    return get(preview, path)[2].decode("utf-8")


def rebuilt_after(preview: LivePreview, generation: int) -> bool:
    return preview.site.status.generation > generation


# -- request paths (pure) -----------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "/../site.toml", "/%2e%2e/site.toml", "/%2E%2E/site.toml", "/..%2fsite.toml", "/..%2Fsite.toml",
    "/%2e%2e%2fsite.toml", "/guide/../../site.toml", "/guide/%2e%2e/%2e%2e/site.toml", "/./site.toml",
    "/..\\site.toml", "/%5c..%5csite.toml", "/site.toml%00.html", "/a//b", "/%c0%ae%c0%ae/site.toml",
    "http://127.0.0.1/site.toml", "*",
])
def test_unsafe_request_paths_are_refused(target):
    with pytest.raises(BadRequestPath):
        request_path(target)


def test_request_path_decodes_once_and_keeps_the_query():
    assert request_path("/guide/install/") == ("/guide/install/", "")
    assert request_path("/a%20b/%252e%252e/?name=x") == ("/a b/%2e%2e/", "name=x")
    assert request_path("/plugins?name=cloudify-aws-plugin") == ("/plugins", "name=cloudify-aws-plugin")


def test_script_goes_before_the_end_of_head():
    tag = b'<script src="/__catalog/livereload.js" defer></script>'
    assert inject(b"<html><head><title>t</title></HEAD><body></body></html>", tag) == \
        b"<html><head><title>t</title>" + tag + b"\n</HEAD><body></body></html>"
    assert inject(b"<p>no head</p></body>", tag).startswith(b"<p>no head</p>" + tag)
    assert inject(b"<p>fragment</p>", tag) == b"<p>fragment</p>\n" + tag


def test_which_tabs_reload():
    assert page_file("/docs/a/", "/docs/") == "a/index.html"
    assert page_file("/docs/", "/docs/") == "index.html"
    assert page_file("/elsewhere/", "/docs/") is None
    page = "a/index.html"
    assert reload_action(page, None, "/") == Action("reload")  # unknown epoch
    assert reload_action(page, frozenset({"a/index.html", "b/index.html"}), "/") == Action("reload")
    assert reload_action(page, frozenset({"b/index.html", "index/v1/index.json"}), "/") == Action("none")
    assert reload_action(page, frozenset({"js/theme.js"}), "/") == Action("reload")
    assert reload_action(page, frozenset({"css/theme.css"}), "/docs/") == Action("css", ("/docs/css/theme.css",))
    assert reload_action(page, frozenset(), "/") == Action("none")


def test_content_types_match_a_static_host():
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("plugins.json") == "application/json; charset=utf-8"
    assert content_type("plugins/catalog") == "application/json; charset=utf-8"
    assert content_type("plugins/cloudify-demo-plugin/1.0.0") == "application/json; charset=utf-8"
    assert content_type("plugins/cloudify-demo-plugin/index.html") == "text/html; charset=utf-8"
    assert content_type("css/theme.css") == "text/css; charset=utf-8"
    assert content_type("wagons/x/1.0/x-1.0-py3-none-linux_x86_64.wgn") == "application/octet-stream"


def test_defaults_bind_loopback():
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    args = parser.parse_args([])
    assert (args.bind, args.port, args.drafts, args.strict) == ("127.0.0.1", 8000, False, False)
    with pytest.raises(SystemExit):
        parser.parse_args(["--port", "70000"])


# -- serving ------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "/../site.toml", "/%2e%2e/site.toml", "/%2E%2E/site.toml", "/..%2fsite.toml", "/..%2Fsite.toml",
    "/%2e%2e%2fsite.toml", "/guide/../../site.toml", "/guide/%2e%2e/%2e%2e/site.toml", "/./site.toml",
    "/..\\site.toml", "/%5c..%5csite.toml", "/site.toml%00.html", "/%c0%ae%c0%ae/site.toml",
    "//etc/passwd", "/etc/passwd", "/%2fetc%2fpasswd", "///etc/passwd", "http://127.0.0.1/../site.toml",
    "/site.toml", "/content/_index.md", "/__catalog/../site.toml", "/__catalog/%2e%2e/site.toml",
    "/plugins?name=../../site.toml", "/plugins?name=..%2f..%2fsite", "/plugins?name=%2fetc%2fpasswd",
    "/leak/passwd", "/leak.txt", "/public/leak.txt",
])
def test_no_path_reaches_outside_the_built_site(shared_preview, target):
    status, body = raw_get(shared_preview, target)
    if target.startswith("/plugins?name="):  # a name no plugin has: the Marketplace's empty answer
        assert status == 200 and body.endswith(b'{\n  "items": []\n}\n'), (target, status, body)
    else:
        assert status in (301, 400, 404), (target, status)
    assert SECRET.encode() not in body and b"root:" not in body


def test_folders_are_never_listed(shared_preview):
    assert get(shared_preview, "/css/")[0] == 404
    assert get(shared_preview, "/index/v1/")[0] == 404
    status, headers, _ = get(shared_preview, "/guide")
    assert (status, headers["location"]) == (301, "/guide/")
    status, headers, _ = get(shared_preview, "/plugins?x=1")
    assert (status, headers["location"]) == (301, "/plugins/?x=1")


def test_only_loopback_host_names_are_answered(shared_preview):
    assert raw_get(shared_preview, "/", host="evil.example")[0] == 400
    assert raw_get(shared_preview, "/", host=f"localhost:{shared_preview.server.port}")[0] == 200
    assert raw_get(shared_preview, "/", host=f"127.0.0.1:{shared_preview.server.port}")[0] == 200


def test_pages_get_the_script_and_the_build_does_not(preview):
    status, headers, body = get(preview, "/guide/install/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    tag = re.search(rb'<script src="/__catalog/livereload.js" data-server="(\w+)" data-epoch="(\d+)" defer>', body)
    assert tag and tag.group(1).decode() == preview.server.server_id
    assert body.index(tag.group(0)) < body.index(b"</head>")
    assert b"Install text v0." in body and body.rstrip().endswith(b"</html>")
    epoch = preview.site.status.epoch
    assert not any(b"__catalog" in data for data in epoch.files.values())
    assert not (preview.project / "public").exists()  # the preview never writes into the project
    script = get(preview, "/__catalog/livereload.js")
    assert script[0] == 200 and script[1]["content-type"] == "text/javascript; charset=utf-8"
    assert get(preview, "/__catalog/overlay.css")[1]["content-type"] == "text/css; charset=utf-8"
    assert get(preview, "/__catalog/nothing")[0] == 404
    assert b"livereload" not in get(preview, "/plugins/catalog")[2]  # only HTML gets the script


def test_missing_page_is_a_404_page_that_reloads_when_it_appears(preview):
    status, headers, body = get(preview, "/guide/later/")
    assert status == 404 and b"/__catalog/livereload.js" in body
    before = preview.site.status
    assert events(preview, "/guide/later/", before.epoch.number, -1)["action"] == "none"
    write(preview.project, "content/guide/later.md", "---\ntitle: Later\n---\nNow here.\n")
    wait_for(lambda: rebuilt_after(preview, before.generation), "a rebuild")
    assert events(preview, "/guide/later/", before.epoch.number, before.generation)["action"] == "reload"
    assert "Now here." in text_of(preview, "/guide/later/")


def test_head_answers_headers_only(shared_preview):
    status, headers, body = get(shared_preview, "/guide/install/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    assert get(shared_preview, "/", method="POST")[0] == 405


# -- the Marketplace lookup -------------------------------------------------------------------

def test_name_lookup_answers_like_the_static_host(shared_preview):
    for target in ("/plugins?name=cloudify-demo-plugin", "/plugins/?name=cloudify-demo-plugin"):
        status, headers, body = get(shared_preview, target)
        assert status == 200, target
        assert headers["content-type"] == "application/json; charset=utf-8"
        assert json.loads(body)["items"][0]["name"] == "cloudify-demo-plugin"
    # an unknown name, one outside [a-z0-9-], an empty one: 200 and no items, as the Marketplace
    # answers (a 404 or the HTML page makes the manager report the catalog unreachable)
    for target in ("/plugins?name=no-such-plugin", "/plugins?name=Cloudify-Demo-Plugin", "/plugins/?name=nope_plugin",
                   "/plugins?name="):
        status, headers, body = get(shared_preview, target)
        assert (status, headers["content-type"], json.loads(body)) == (
            200, "application/json; charset=utf-8", {"items": []}), target
    status, headers, body = get(shared_preview, "/plugins/catalog")
    assert status == 200 and headers["content-type"] == "application/json; charset=utf-8"
    assert [p["name"] for p in json.loads(body)] == ["cloudify-demo-plugin"]
    for target in ("/plugins/cloudify-demo-plugin/versions", "/plugins/cloudify-demo-plugin/1.0.0",
                   "/plugins.json", "/index/v1/index.json"):
        status, headers, body = get(shared_preview, target)
        assert (status, headers["content-type"]) == (200, "application/json; charset=utf-8"), target
        json.loads(body)


def test_site_under_a_base_path(start_preview):
    preview = start_preview(config=CONFIG.replace("docs.example.org/", "docs.example.org/docs/"))
    assert preview.url.endswith("/docs/")
    status, headers, _ = get(preview, "/")
    assert (status, headers["location"]) == (301, "/docs/")
    assert get(preview, "/docs/guide/install/")[0] == 200
    assert get(preview, "/guide/install/")[0] == 404
    status, headers, body = get(preview, "/docs/plugins?name=cloudify-demo-plugin")
    assert (status, headers["content-type"]) == (200, "application/json; charset=utf-8")
    assert json.loads(body)["items"][0]["id"] == "cloudify-demo-plugin"


# -- rebuilds and live reload -----------------------------------------------------------------

def test_edit_reloads_only_the_tabs_whose_page_changed(preview):
    install = events(preview, "/guide/install/", None, -1)
    assert install["action"] == "reload"  # a tab that never had an epoch
    first = preview.site.status
    install = events(preview, "/guide/install/", first.epoch.number, -1)
    assert install["action"] == "none" and not install["failed"]

    write(preview.project, "content/guide/install.md", SITE["content/guide/install.md"].replace("v0", "v1"))
    wait_for(lambda: rebuilt_after(preview, first.generation), "a rebuild")
    install = events(preview, "/guide/install/", first.epoch.number, first.generation)
    home = events(preview, "/", first.epoch.number, first.generation)
    assert install["action"] == "reload" and home["action"] == "none"
    assert "Install text v1." in text_of(preview, "/guide/install/")
    changed = preview.site.status.epoch.changed
    assert "guide/install/index.html" in changed and "index.html" not in changed


def test_stylesheet_change_swaps_css_and_script_change_reloads(preview):
    before = preview.site.status
    css = (REPO / "themes/default/static/css/theme.css").read_text() + "\nbody { outline: 1px solid red; }\n"
    write(preview.project, "static/css/theme.css", css)  # static/ did not exist when the preview started
    wait_for(lambda: rebuilt_after(preview, before.generation), "a rebuild")
    answer = events(preview, "/guide/install/", before.epoch.number, before.generation)
    assert (answer["action"], answer["stylesheets"]) == ("css", ["/css/theme.css"])
    assert get(preview, "/css/theme.css")[2].decode().endswith("outline: 1px solid red; }\n")

    middle = preview.site.status
    write(preview.project, "static/js/theme.js", "/* changed */\n")
    wait_for(lambda: rebuilt_after(preview, middle.generation), "a rebuild")
    assert events(preview, "/guide/install/", middle.epoch.number, middle.generation)["action"] == "reload"


def test_failed_build_keeps_the_last_good_one_and_reports_each_problem(preview):
    good = preview.site.status
    write(preview.project, "content/guide/install.md", BROKEN)
    wait_for(lambda: preview.site.status.failed, "the failed build")
    answer = events(preview, "/guide/install/", good.epoch.number, good.generation)
    assert answer["failed"] and answer["action"] == "none" and answer["epoch"] == good.epoch.number
    [problem] = answer["diagnostics"]
    assert problem["location"] == "content/guide/install.md:7:1"
    assert (problem["severity"], problem["code"]) == ("error", "shortcode-unclosed")
    assert "warning" in problem["message"] and problem["hint"]
    status, _, body = get(preview, "/guide/install/")
    assert status == 200 and b"Install text v0." in body  # still the last good build

    failed = preview.site.status
    write(preview.project, "content/guide/install.md", BROKEN.replace("Never closed.\n", "Closed.\n{{< /warning >}}\n"))
    wait_for(lambda: not preview.site.status.failed, "the fixed build")
    answer = events(preview, "/guide/install/", good.epoch.number, failed.generation)
    assert not answer["failed"] and answer["diagnostics"] == [] and answer["action"] == "reload"
    assert "Closed." in text_of(preview, "/guide/install/")


def test_first_build_failing_serves_the_errors_until_fixed(start_preview):
    preview = start_preview({**SITE, "content/guide/install.md": BROKEN})
    status, headers, body = get(preview, "/guide/install/")
    assert status == 503 and headers["content-type"] == "text/html; charset=utf-8"
    page = body.decode()
    assert "content/guide/install.md:7:1" in page and "unclosed shortcode" in page
    assert 'data-epoch=""' in page and "/__catalog/livereload.js" in page
    answer = events(preview, "/guide/install/", None, -1)
    assert answer["failed"] and answer["epoch"] is None and answer["action"] == "none"

    write(preview.project, "content/guide/install.md", SITE["content/guide/install.md"])
    wait_for(lambda: get(preview, "/guide/install/")[0] == 200, "the first good build")
    assert events(preview, "/guide/install/", None, answer["generation"])["action"] == "reload"


def test_each_rebuild_prints_a_summary_line(tmp_path):
    lines: list[str] = []
    root = new_project(tmp_path / "site", SITE)
    with LivePreview(root, port=0, settle=0.05, poll_timeout=2.0, say=lines.append) as preview:
        assert lines == ["built 4 pages (4 rendered) in " + lines[0].split(" in ")[1]]
        write(root, "content/guide/install.md", SITE["content/guide/install.md"].replace("v0", "v1"))
        wait_for(lambda: len(lines) > 1, "the summary line")
        # the page and the search index, which holds the page's text: its manifest, and a
        # result shard and a term shard in place of the old ones (named by their content)
        assert re.fullmatch(r"rebuilt 4 pages \(1 rendered\) in \d+\.\d\ds, 6 files changed "
                            r"\(content/guide/install\.md changed\)", lines[1]), lines
        write(root, "content/guide/install.md", BROKEN)
        wait_for(lambda: preview.site.status.failed, "the failed build")
    assert lines[2].startswith("content/guide/install.md:7:1: error: unclosed shortcode 'warning'")
    assert lines[3] == "build failed (content/guide/install.md changed): 1 error; still serving the last good build"


def test_long_build_shows_a_progress_line():
    stream = io.StringIO()
    with Progress(stream, delay=0).running("rebuilding"):
        wait_for(stream.getvalue, "the progress line")
    assert stream.getvalue() == "rebuilding... (this takes a while)\n"  # not a terminal: one line, no redrawing


def test_tab_of_an_earlier_server_run_reloads(shared_preview):
    assert events(shared_preview, "/", 1, 5, server="0123456789abcdef")["action"] == "reload"


def test_config_replaced_by_rename_rebuilds_each_time(preview):
    for title in ("Renamed once", "Renamed twice"):
        before = preview.site.status.generation
        staged = preview.project / "site.toml.new"
        staged.write_text(CONFIG.replace("Test site", title), encoding="utf-8")
        staged.replace(preview.project / "site.toml")  # how many editors save
        wait_for(lambda: title in text_of(preview, "/"), f"the title {title!r}")
        assert preview.site.status.generation > before


# -- serving during rebuilds ------------------------------------------------------------------

def test_requests_during_rebuilds_get_whole_pages(preview):
    paths = ["/", "/guide/", "/guide/install/", "/guide/upgrade/", "/css/theme.css", "/plugins/catalog"]
    done = threading.Event()
    problems: list[str] = []
    counts = [0] * 8

    def reader(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", preview.server.port, timeout=WAIT)
        while not done.is_set() and len(problems) < 10:
            path = paths[(index + counts[index]) % len(paths)]
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                problems.append(f"{path}: {exc!r}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", preview.server.port, timeout=WAIT)
                continue
            counts[index] += 1
            if response.status != 200:
                problems.append(f"{path}: status {response.status}")
            elif path.endswith("/") and not (body.startswith(b"<!DOCTYPE html>")
                                             and body.rstrip().endswith(b"</html>")):
                problems.append(f"{path}: incomplete page")
            elif path == "/guide/install/" and len(re.findall(rb"Install text v\d+\.", body)) != 1:
                problems.append(f"{path}: not exactly one version of the page")
        connection.close()

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(len(counts))]
    for thread in threads:
        thread.start()
    try:
        for version in range(1, 13):
            before = preview.site.status.generation
            long_body = "".join(f"Paragraph {n} of version {version}.\n\n" for n in range(200))
            text = BROKEN if version % 4 == 0 else \
                f"---\ntitle: Install {version}\nweight: 1\n---\nInstall text v{version}.\n\n{long_body}"
            write(preview.project, "content/guide/install.md", text)  # the title changes every page's menu
            wait_for(lambda: rebuilt_after(preview, before), f"rebuild {version}")
    finally:
        done.set()
        for thread in threads:
            thread.join(WAIT)
    assert problems == []
    assert all(counts), counts
    assert "Install text v11." in text_of(preview, "/guide/install/")


# -- the whole process ----------------------------------------------------------------------------

DRIVER = """
import argparse, sys
from catalog.serve import add_serve_arguments, run_serve
parser = argparse.ArgumentParser(prog="catalog serve")
add_serve_arguments(parser)
sys.exit(run_serve(parser.parse_args()))
"""


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_process_serves_and_stops_cleanly(tmp_path, stop_signal):
    root = new_project(tmp_path / "site", SITE)
    process = subprocess.Popen([sys.executable, "-c", DRIVER, "--project", str(root), "--port", "0"],
                               stderr=subprocess.PIPE, text=True, cwd=REPO)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True)
    reader.start()
    output: list[str] = []
    try:
        while not any(line.startswith("serving ") for line in output):
            output.append(lines.get(timeout=WAIT))
        url = re.search(r"serving http://127\.0\.0\.1:(\d+)/ ", output[-1])
        assert url, output
        connection = http.client.HTTPConnection("127.0.0.1", int(url.group(1)), timeout=WAIT)
        connection.request("GET", "/guide/install/")
        assert connection.getresponse().status == 200
        connection.close()
        # the page may come before the first build ends (catalog/early.py): stop after it
        while not any(line.startswith("built 4 pages") for line in output):
            output.append(lines.get(timeout=WAIT))
        process.send_signal(stop_signal)
        assert process.wait(timeout=WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(WAIT)
    while not lines.empty():
        output.append(lines.get())
    assert any(line.startswith("built 4 pages") for line in output), output
    assert output[-1] == "stopped\n"


def test_taken_port_is_reported(tmp_path, capsys):
    root = new_project(tmp_path / "site", SITE)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        args = argparse.Namespace(project=root, bind="127.0.0.1", port=taken.getsockname()[1], drafts=False,
                                  strict=False, poll=False)
        assert run_serve(args) == 1
    assert "cannot listen on 127.0.0.1:" in capsys.readouterr().err

"""Real Hugo as the oracle: one content folder built by `hugo` and by this tool, then read back.

The same Markdown goes to both. Hugo gets a minimal layout of its own (written here): a
regular page prints its rendered content, a list page first its `.Pages` in Hugo's
default order, one `ORDER path` line each (its content file, or its URL when it has
none). This tool builds the same content with its default theme. Each builds once for
many cases: Hugo takes about 0.1-1 s a build. Hugo's errors (a ref it refuses) do not
stop it writing the pages; this tool's build is planned in memory (write=False), so
its pages are there to read even when it reports errors.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from catalog.build import BuildResult, build
from catalog.config import load_config
from catalog.content import Page
from catalog.diagnostics import Report
from catalog.page_tree import load_site

REPO = Path(__file__).resolve().parent.parent
BASE_URL = "https://example.org/"

HUGO_CONFIG = f"""\
baseURL = "{BASE_URL}"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
# .Content only, between markers: the page's headings and refs, and nothing of a theme
HUGO_SINGLE = "<main>\n{{ .Content }}\n</main>\n"
# pages are named by their file (a folder without one by its URL): URLs are not unique
HUGO_LIST = ("LIST\n{{ range .Pages }}ORDER {{ with .File }}{{ .Path }}{{ else }}{{ .RelPermalink }}{{ end }}\n"
             "{{ end }}<main>\n{{ .Content }}\n</main>\n")

_MAIN = re.compile(r"<main>(.*)</main>", re.S)
_BODY = re.compile(r'<div class="page-body">\n(.*)\n</div>\n<footer class="page-footer">', re.S)
_HEADING_ID = re.compile(r"<h[1-6][^>]*?\sid=\"([^\"]*)\"", re.I)
_ORDER = re.compile(r"^ORDER (.+)$", re.M)


def hugo_path() -> str:
    """The `hugo` to run; fails (never skips) when there is none: the oracle is the point."""
    found = shutil.which("hugo")
    if found is None:
        raise AssertionError("the differential tests need Hugo (`hugo` on PATH): scripts/test installs "
                             "Debian's hugo (apt-get install hugo), or install it yourself")
    return found


@dataclass
class Oracle:
    """What each tool made of one content folder."""

    hugo_html: dict[str, str]  # URL path -> the <main> of Hugo's page
    hugo_order: dict[str, list[str]]  # section URL -> its pages in Hugo's order (content path, or URL)
    hugo_log: str  # what hugo printed: its REF_NOT_FOUND errors, for a failing test's message
    ours_html: dict[str, str]  # URL path -> this tool's page body
    ours_order: dict[str, list[str]]
    result: BuildResult
    hugo_public: Path
    pages: dict[str, Page] = field(default_factory=dict)  # content path -> this tool's page
    # this tool's pages for folders below the top level without an _index.md: Hugo makes
    # none (their pages join the section above), so the two trees differ there
    nested_without_index: set[str] = field(default_factory=set)

    def diagnostics(self, source: str, line: int) -> list[str]:
        """This tool's diagnostics at one line of one file, as `severity code`."""
        return [f"{d.severity} {d.code}" for d in self.result.report.items if d.path == source and d.line == line]

    def redirects(self, url: str) -> tuple[str | None, str | None]:
        """Where the redirect page at `url` sends a reader: (this tool's, Hugo's); None if none."""
        rel = url.strip("/") + "/index.html"
        ours = self.result.outputs.get(rel)
        hugo = self.hugo_public / rel
        return (_refresh(ours.decode("utf-8")) if ours else None,
                _refresh(hugo.read_text(encoding="utf-8")) if hugo.is_file() else None)

    def messages(self) -> str:
        return "\n".join(d.format() for d in self.result.report.sorted())


def build_both(tmp_path: Path, content: dict[str, str]) -> Oracle:
    """Write `content` ({path below content/: text}) into two projects and build both."""
    hugo_root, ours_root = tmp_path / "hugo", tmp_path / "ours"
    for root in (hugo_root, ours_root):
        for rel, text in content.items():
            path = root / "content" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (hugo_root / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = hugo_root / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    env = {**os.environ, "HUGO_CACHEDIR": str(tmp_path / "hugo-cache")}
    done = subprocess.run([hugo_path(), "--quiet", "--source", str(hugo_root), "--destination", "public"],
                          capture_output=True, text=True, timeout=120, env=env)
    hugo_html: dict[str, str] = {}
    hugo_order: dict[str, list[str]] = {}
    public = hugo_root / "public"
    for file in sorted(public.rglob("index.html")):
        url = "/" + file.parent.relative_to(public).as_posix().removeprefix(".") + "/"
        url = url.replace("//", "/")
        text = file.read_text(encoding="utf-8")
        main = _MAIN.search(text)
        hugo_html[url] = main.group(1) if main else ""
        if text.startswith("LIST"):  # a list page: its .Pages come first
            hugo_order[url] = _ORDER.findall(text.split("<main>")[0])
    if not hugo_html:
        raise AssertionError(f"hugo built nothing (exit {done.returncode}):\n{done.stderr}")

    (ours_root / "site.toml").write_text(f'title = "Oracle"\nbase_url = "{BASE_URL}"\n', encoding="utf-8")
    (ours_root / "themes").mkdir()
    (ours_root / "themes" / "default").symlink_to(REPO / "themes" / "default", target_is_directory=True)
    result = build(ours_root, write=False, jobs=1)
    ours_html: dict[str, str] = {}
    for rel, data in result.outputs.items():
        if rel.endswith("index.html") and not rel.startswith(("plugins/", "index/")):
            body = _BODY.search(data.decode("utf-8"))
            if body:
                ours_html["/" + rel.removesuffix("index.html")] = body.group(1)
    config = load_config(ours_root, Report())
    assert config is not None
    site = load_site(ours_root, config, Report())
    ours_order = {page.url: [child.rel or child.url for child in page.children] for page in site.pages
                  if page.is_section}
    return Oracle(hugo_html, hugo_order, done.stderr, ours_html, ours_order, result, public,
                  {page.rel: page for page in site.pages if page.rel},
                  {page.url for page in site.pages if page.is_section and not page.rel and "/" in page.dir})


def _refresh(html: str) -> str | None:
    """The target of a redirect page's <meta http-equiv="refresh">, as a path."""
    match = re.search(r'http-equiv="refresh" content="0; ?url=([^"]*)"', html)
    return match.group(1).removeprefix(BASE_URL.rstrip("/")) if match else None


def heading_ids(html: str) -> list[str]:
    return _HEADING_ID.findall(html)


def markers(html: str, name: str) -> dict[str, str]:
    """`NAME id [text]` markers of a page: what each tool wrote between the brackets."""
    return dict(re.findall(rf"{name} (\w+) \[([^\]<]*)\]", html))

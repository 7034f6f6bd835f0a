"""A Jekyll project's `.html` files with front matter are pages (Liquid, no Markdown, at
Jekyll's URLs), and a project's own 404 page replaces the theme's (catalog/not_found.py)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from catalog.build import BuildResult, build
from catalog.check import check_site
from conftest import REPO, write_files

# what `jekyll new --skip-bundle` (Jekyll 4.3) writes, the post's date fixed, the Gemfile left out
JEKYLL_NEW = {
    "_config.yml": """
        title: Your awesome title
        email: your-email@example.com
        description: >- # this means to ignore newlines until "baseurl:"
          Write an awesome description for your new site here.
        baseurl: "" # the subpath of your site, e.g. /blog
        url: "" # the base hostname & protocol for your site, e.g. http://example.com
        twitter_username: jekyllrb
        github_username:  jekyll

        theme: minima
        plugins:
          - jekyll-feed
        """,
    "index.markdown": "---\n# Feel free to add content and custom Front Matter to this file.\n\nlayout: home\n---\n",
    "about.markdown": """
        ---
        layout: page
        title: About
        permalink: /about/
        ---

        This is the base Jekyll theme. You can find out more info about customizing your Jekyll theme, as well as
        basic Jekyll usage documentation at [jekyllrb.com](https://jekyllrb.com/)
        """,
    "404.html": """
        ---
        permalink: /404.html
        layout: default
        ---

        <style type="text/css" media="screen">
          .container {
            margin: 10px auto;
            max-width: 600px;
            text-align: center;
          }
        </style>

        <div class="container">
          <h1>404</h1>

          <p><strong>Page not found :(</strong></p>
          <p>The requested page could not be found.</p>
        </div>
        """,
    "_posts/2024-01-02-welcome-to-jekyll.markdown": """
        ---
        layout: post
        title:  "Welcome to Jekyll!"
        date:   2024-01-02 10:00:00 +0000
        categories: jekyll update
        ---
        You'll find this post in your `_posts` directory.
        """,
}

THEME_404 = "There is no page at this address"


def jekyll_project(root: Path, files: dict[str, str | bytes]) -> Path:
    write_files(root, files)
    (root / "themes").mkdir(exist_ok=True)
    if not (root / "themes" / "default").exists():
        (root / "themes" / "default").symlink_to(REPO / "themes" / "default", target_is_directory=True)
    return root


def problems(result: BuildResult) -> list[tuple[str, int, int, str]]:
    return [(d.path, d.line, d.col, d.code) for d in result.report.sorted()]


def body(root: Path, rel: str) -> str:
    text = (root / "public" / rel).read_text(encoding="utf-8")
    start = text.index('class="page-body"')
    return text[text.index(">", start) + 1: text.index("</article>", start)]


def test_a_stock_jekyll_new_site_builds_with_its_own_404_page(tmp_path):
    root = jekyll_project(tmp_path / "site", JEKYLL_NEW)
    result = build(root)
    # only the theme/plugins settings are unused: no output-collision of the two 404.html
    assert problems(result) == [("_config.yml", 10, 1, "config-unused")], problems(result)
    assert result.written
    page = (root / "public/404.html").read_text(encoding="utf-8")
    assert THEME_404 not in page  # the theme's default is not written
    assert 'class="page-body"' in page and "<title>404 · Your awesome title" in page  # our page layout
    assert "<p><strong>Page not found :(</strong></p>" in body(root, "404.html")
    assert "<style" in body(root, "404.html")  # HTML as written, not Markdown (no <p> around it)
    assert "---" not in page and "permalink" not in page
    # kept out of the sidebar, search and sitemap, as the theme's not-found page is
    assert "404.html" not in (root / "public/index.html").read_text(encoding="utf-8")
    assert "404" not in (root / "public/search-index.json").read_text(encoding="utf-8")
    assert not (root / "public/404").exists()
    assert check_site(root / "public") == []


def test_the_stock_site_serves_the_urls_jekyll_serves(tmp_path):
    if shutil.which("jekyll") is None:
        pytest.skip("needs Debian's jekyll")
    root = jekyll_project(tmp_path / "site", JEKYLL_NEW)
    # not --safe: minima's layouts need its plugins (jekyll-seo-tag); first: our public/ is no input of it
    done = subprocess.run(["jekyll", "build", "-s", str(root), "-d", str(tmp_path / "_site")],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0 and "minima" in done.stderr + done.stdout:
        pytest.skip("Jekyll's minima theme or its plugins are not installed")
    assert done.returncode == 0, done.stderr
    assert build(root).written
    theirs = tmp_path / "_site"
    served = sorted(rel for rel in (str(p.relative_to(theirs)) for p in theirs.rglob("*.html"))
                    if not rel.startswith(("jekyll/update/", "themes/")))  # our theme's link, copied there
    assert served == ["404.html", "about/index.html", "index.html"]  # posts (_posts/) are not built here
    assert all((root / "public" / url).is_file() for url in served)
    assert "Page not found :(" in (theirs / "404.html").read_text(encoding="utf-8")


def test_an_index_html_home_page_is_liquid_and_html(tmp_path):
    root = jekyll_project(tmp_path / "site", {
        "_config.yml": "title: Demo\nbaseurl: /docs\n",
        "index.html": """
            ---
            title: Welcome
            ---
            <h2>{{ site.title | upcase }}</h2>
            # not a heading

                indented, no code block
            <ul>{% for p in site.pages %}{% if p.title == "Guide" %}<li>{{ p.url }}</li>{% endif %}{% endfor %}</ul>
            <a href="{{ "/about.html" | relative_url }}">about</a> <a href="{% link guide/index.html %}">g</a>
            """,
        "about.html": "---\n---\n<p>About {{ page.url }}</p>\n",
        "guide/index.html": "---\ntitle: Guide\n---\n<p>guide</p>\n",
        "guide/part.md": "---\ntitle: Part\n---\n*part*\n",
    })
    result = build(root)
    assert problems(result) == [], problems(result)
    home = body(root, "index.html")
    assert '<h2 id="demo">DEMO</h2>' in home
    assert "# not a heading" in home and "<h1" not in home and "<pre" not in home  # no Markdown
    assert "<li>/guide/</li>" in home and 'href="/docs/about.html"' in home and 'href="/docs/guide/"' in home
    assert "<p>About /about.html</p>" in body(root, "about.html")  # Jekyll's URL, title from the name
    assert "<title>About · Demo" in (root / "public/about.html").read_text(encoding="utf-8")
    assert "<p>guide</p>" in body(root, "guide/index.html")  # a folder's index.html is the folder's page
    assert "<em>part</em>" in body(root, "guide/part/index.html")
    assert not (root / "public/about/index.html").exists()
    assert check_site(root / "public") == []


def test_html_pages_under_pretty_permalinks_are_folders(tmp_path):
    root = jekyll_project(tmp_path / "site", {
        "_config.yml": "title: Demo\npermalink: pretty\n",
        "index.md": "---\ntitle: Home\n---\nhome\n",
        "about.html": "---\ntitle: About\n---\n<p>about</p>\n",
    })
    assert build(root).written
    assert "<p>about</p>" in body(root, "about/index.html")
    assert not (root / "public/about.html").exists()


def test_html_files_without_front_matter_are_copied_as_they_are(tmp_path):
    raw = b"<!doctype html>\r\n<p>{{ site.title }}</p>\n---\ntitle: x\n---\n"
    bom = b"\xef\xbb\xbf---\ntitle: B\n---\n<p>b</p>\n"  # Jekyll: a byte order mark first is no front matter
    root = jekyll_project(tmp_path / "site", {
        "_config.yml": "title: Demo\n", "index.md": "---\ntitle: Home\n---\nhome\n",
        "raw.html": raw, "misc/bom.htm": bom, "_includes/part.html": "{{ include.x }}",
    })
    result = build(root)
    assert problems(result) == [], problems(result)
    assert (root / "public/raw.html").read_bytes() == raw
    assert (root / "public/misc/bom.htm").read_bytes() == bom
    assert not (root / "public/_includes").exists()
    assert THEME_404 in (root / "public/404.html").read_text(encoding="utf-8")  # no 404 page of its own


def test_liquid_problems_of_an_html_page_are_located(tmp_path):
    root = jekyll_project(tmp_path / "site", {
        "_config.yml": "title: Demo\n", "index.md": "---\ntitle: Home\n---\nhome\n",
        "page.html": "---\ntitle: P\n---\n<p>one</p>\n<p>{{ 'x' | nosuchfilter }}</p>\n",
        "broken.html": "---\ntitle: [unclosed\n---\n<p>b</p>\n",
    })
    result = build(root)
    assert [(path, line, code) for path, line, _, code in problems(result)] == [
        ("broken.html", 2, "front-matter-syntax"), ("page.html", 5, "liquid-unknown-filter")]
    assert not (root / "public/broken.html").exists()  # a page that failed to load is not copied raw either


def test_a_root_404_markdown_page_is_the_not_found_page(tmp_path):
    root = jekyll_project(tmp_path / "site", {
        "_config.yml": "title: Demo\nbaseurl: /docs\n", "index.md": "---\ntitle: Home\n---\nhome\n",
        "404.md": "---\ntitle: Lost\n---\nNothing *here*, see [home]({{ '/' | relative_url }}).\n",
    })
    result = build(root)
    assert problems(result) == [], problems(result)
    assert "<em>here</em>" in body(root, "404.html") and 'href="/docs/"' in body(root, "404.html")
    assert not (root / "public/404").exists()
    assert check_site(root / "public") == []


def test_a_site_toml_project_keeps_the_theme_404_unless_it_has_its_own(make_site):
    site = make_site({"content/_index.md": "---\ntitle: Home\n---\nhome\n",
                      "content/lost/404.md": "---\ntitle: Deeper\n---\nnot the site's 404\n"})
    result = site.build()
    assert not result.report.items
    assert THEME_404 in (site.root / "public/404.html").read_text(encoding="utf-8")
    assert (site.root / "public/lost/404/index.html").is_file()  # only a root 404.md is the not-found page
    (site.root / "content/404.md").write_text("---\ntitle: Lost\n---\nOur *own* page.\n", encoding="utf-8")
    result = site.build()
    assert not result.report.items
    page = (site.root / "public/404.html").read_text(encoding="utf-8")
    assert THEME_404 not in page and "Our <em>own</em> page." in page
    assert not (site.root / "public/404").exists()
    sitemap = site.root / "public/sitemap.xml"
    assert not sitemap.exists() or "404.html" not in sitemap.read_text(encoding="utf-8")


def test_a_hugo_go_404_template_keeps_the_theme_404_with_a_warning(tmp_path):
    root = jekyll_project(tmp_path / "site", {
        "config.toml": 'title = "T"\n', "content/_index.md": "---\ntitle: Home\n---\nhome\n",
        "layouts/404.html": '{{ define "main" }}<h1>Gone</h1>{{ end }}\n',
    })
    result = build(root)
    assert problems(result) == [("layouts/404.html", 1, 1, "not-found-go-only")]
    assert result.report.items[0].severity == "warning" and result.written
    assert THEME_404 in (root / "public/404.html").read_text(encoding="utf-8")
    # with the page written as content, the Go template is moot: no warning
    write_files(root, {"content/404.md": "---\ntitle: Gone\n---\nGone.\n"})
    result = build(root)
    assert problems(result) == []
    assert "Gone." in (root / "public/404.html").read_text(encoding="utf-8")


def test_html_page_urls_are_jekylls(tmp_path):
    if shutil.which("jekyll") is None:
        pytest.skip("needs Debian's jekyll")
    root = jekyll_project(tmp_path / "site", {
        "_config.yml": "title: Demo\n", "index.html": "---\n---\n<p>home</p>\n",
        "about.html": "---\ntitle: About\n---\n<p>about</p>\n", "Sub/Page.html": "---\n---\n<p>page</p>\n",
        "guide/index.html": "---\n---\n<p>guide</p>\n", "old.htm": "---\n---\n<p>old</p>\n",
        "raw.html": "<p>raw {{ x }}</p>\n", "moved.html": "---\npermalink: /elsewhere/\n---\n<p>moved</p>\n",
    })
    done = subprocess.run(["jekyll", "build", "--safe", "-s", str(root), "-d", str(tmp_path / "_site")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = build(root)
    assert problems(result) == [], problems(result)
    theirs = tmp_path / "_site"
    served = sorted(rel for rel in (str(p.relative_to(theirs)) for p in theirs.rglob("*.htm*"))
                    if not rel.startswith("themes/"))
    assert served == ["Sub/Page.html", "about.html", "elsewhere/index.html", "guide/index.html", "index.html",
                      "old.htm", "raw.html"]
    ours = sorted(rel for rel in (str(p.relative_to(root / "public")) for p in (root / "public").rglob("*.htm*"))
                  if rel in served or "/" not in rel)
    assert ours == sorted(served + ["404.html"])  # and our not-found page


def test_permalink_placeholders_are_filled_as_jekyll_fills_a_pages(tmp_path):
    files = {
        "_config.yml": "title: Demo\n",
        "docs/a.md": "---\npermalink: /:path/:basename/\n---\nA\n",
        "docs/sub/b.md": "---\npermalink: /:path/:basename:output_ext\n---\nB\n",
        "docs/c.md": "---\npermalink: /guide/:basename.html\n---\nC\n",
        "docs/index.md": "---\npermalink: /:path/\n---\nE\n",
        "top.md": "---\npermalink: /:path/:basename/\n---\nT\n",  # at the root: `//top/` is `/top/`
    }
    root = jekyll_project(tmp_path / "site", files)
    done = subprocess.run(["jekyll", "build", "--safe", "-s", str(root), "-d", str(tmp_path / "_site")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    theirs = sorted(str(p.relative_to(tmp_path / "_site")) for p in (tmp_path / "_site").rglob("*.html"))
    assert theirs == ["docs/a/index.html", "docs/index.html", "docs/sub/b.html", "guide/c.html", "top/index.html"]
    result = build(root)
    assert result.written and not problems(result), problems(result)
    for rel, text in [("docs/a/index.html", "A"), ("docs/sub/b.html", "B"), ("guide/c.html", "C"),
                      ("docs/index.html", "E"), ("top/index.html", "T")]:
        assert f"<p>{text}</p>" in body(root, rel), rel
    assert not any(":" in p.name for p in (root / "public").rglob("*"))


def test_files_with_front_matter_are_liquid_written_as_jekyll_writes_them(tmp_path):
    # search.json, robots.txt, feed.xml with front matter: Jekyll renders their Liquid and
    # writes them at their own path without a layout, as it writes a `layout: null` page
    files = {
        "_config.yml": "title: Demo\nurl: https://docs.example.org\n",
        "index.md": "---\ntitle: Home\n---\nHello\n",
        "search.json": "---\nlayout: null\n---\n[{% for p in site.pages %}{% if p.url contains '.' %}"
                       "\"{{ p.url }}\",{% endif %}{% endfor %}\"end\"]\n",
        "raw.html": "---\nlayout: null\n---\n<html><body>Raw {{ site.title }}</body></html>\n",
        "robots.txt": "---\n---\nUser-agent: *\nSitemap: {{ site.url }}/sitemap.xml\n",
        "assets/feed.xml": "---\n---\n<feed><title>{{ site.title | xml_escape }}</title></feed>\n",
        "assets/logo.svg": "<svg/>\n",  # no front matter: copied as it is
    }
    root = jekyll_project(tmp_path / "site", files)
    done = subprocess.run(["jekyll", "build", "--safe", "-s", str(root), "-d", str(tmp_path / "_site")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = build(root)
    assert result.written and not problems(result), problems(result)  # robots.txt: the project's, no collision
    theirs, ours = tmp_path / "_site", root / "public"
    for rel in ("search.json", "raw.html", "robots.txt", "assets/feed.xml", "assets/logo.svg"):
        assert (ours / rel).read_text(encoding="utf-8") == (theirs / rel).read_text(encoding="utf-8"), rel
    # files, not pages: out of the sidebar and the search index
    assert "search.json" not in (ours / "index.html").read_text(encoding="utf-8")
    assert "robots.txt" not in (ours / "search-index.json").read_text(encoding="utf-8")


def test_two_pages_with_one_permalink_are_an_error_at_the_permalinks_line(tmp_path):
    root = jekyll_project(tmp_path / "site", {
        "_config.yml": "title: Demo\n",
        "a.md": "---\ntitle: A\npermalink: /same/\n---\nA\n",
        "b.md": "---\ntitle: B\ndescription: second\npermalink: /same/\n---\nB\n",
    })
    result = build(root)
    assert problems(result) == [("b.md", 4, 1, "output-collision")]


def test_a_fifo_named_like_a_liquid_file_is_no_page_and_no_hang(tmp_path):
    root = jekyll_project(tmp_path / "site", {"_config.yml": "title: Demo\n", "index.md": "---\ntitle: H\n---\nH\n"})
    os.mkfifo(root / "feed.xml")  # Jekyll reads every file's first line for front matter: never wait on one
    done = subprocess.run([sys.executable, "-m", "catalog", "build", "--project", str(root)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not (root / "public" / "feed.xml").exists()


def test_a_liquid_files_permalink_keeps_its_extension_as_jekyll_writes_it(tmp_path):
    # :output_ext of search.json is .json, a folder permalink is `index.json` in it, and an
    # extension-less permalink gets the file's (was: .html, and `/:path/` collided with the
    # home page's index.html)
    files = {
        "_config.yml": "title: Demo\n",
        "index.md": "---\ntitle: Home\n---\nHello\n",
        "docs/d.json": "---\npermalink: /api/:basename:output_ext\n---\n{\"a\": {{ 1 | plus: 1 }}}\n",
        "e.xml": "---\npermalink: /:path/\n---\n<x/>\n",
        "k.json": "---\npermalink: /feeds/k\n---\n[]\n",
        "sub/l.txt": "---\npermalink: /:path/:basename:output_ext\n---\nL\n",
    }
    root = jekyll_project(tmp_path / "site", files)
    done = subprocess.run(["jekyll", "build", "--safe", "-s", str(root), "-d", str(tmp_path / "_site")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = build(root)
    assert result.written and not problems(result), problems(result)
    theirs, ours = tmp_path / "_site", root / "public"
    for rel in ("api/d.json", "index.xml", "feeds/k.json", "sub/l.txt"):
        assert (ours / rel).read_text(encoding="utf-8") == (theirs / rel).read_text(encoding="utf-8"), rel


def test_a_liquid_file_that_is_not_utf8_is_copied_as_jekyll_writes_it(tmp_path):
    # Jekyll warns and writes its bytes as they are (was: an encoding error, no build)
    data = b"---\n---\n\xff\xfe\x00binary\n"
    root = jekyll_project(tmp_path / "site", {"_config.yml": "title: Demo\n", "index.md": "---\ntitle: H\n---\nH\n",
                                              "blob.bin": data, "feed.xml": "---\n---\n<t>{{ site.title }}</t>\n"})
    done = subprocess.run(["jekyll", "build", "--safe", "-s", str(root), "-d", str(tmp_path / "_site")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = build(root)
    assert result.written and not problems(result), problems(result)
    assert (root / "public" / "blob.bin").read_bytes() == (tmp_path / "_site" / "blob.bin").read_bytes() == data
    assert (root / "public" / "feed.xml").read_text(encoding="utf-8") == "<t>Demo</t>\n"  # UTF-8: still a page


def test_a_linked_liquid_file_is_no_page_as_a_linked_file_is_not_copied(tmp_path):
    # Jekyll --safe skips symbolic links; here a linked file is not copied, and a linked
    # feed.xml with front matter was rendered from outside the project (was: written)
    outside = tmp_path / "outside.xml"
    outside.write_text("---\n---\nSECRET {{ site.title }}\n")
    root = jekyll_project(tmp_path / "site", {"_config.yml": "title: Demo\n", "index.md": "---\ntitle: H\n---\nH\n"})
    (root / "feed.xml").symlink_to(outside)
    (root / "plain.txt").symlink_to(outside)
    result = build(root)
    assert result.written and not problems(result), problems(result)
    assert not (root / "public" / "feed.xml").exists() and not (root / "public" / "plain.txt").exists()

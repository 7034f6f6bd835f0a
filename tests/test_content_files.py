"""The content folder's other files (a Hugo bundle's images, a Jekyll site's assets) are
published beside the pages, as Hugo and Jekyll publish them, and `catalog check` finds the
links to them."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from catalog.build import build
from test_hugo_config import hugo_project

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def check(public: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "catalog", "check", str(public)], capture_output=True, text=True,
                          timeout=120)


def test_a_hugo_bundles_files_are_published_where_hugo_publishes_them(tmp_path):
    files = {
        "config.toml": 'title = "T"\nbaseURL = "/"\n',
        "content/_index.md": "---\ntitle: Home\n---\n",
        "content/Blog/_index.md": "---\ntitle: Blog\n---\n",
        "content/Blog/post-bundle/index.md": "---\ntitle: Post\n---\n![pic](pic.png) [data](data.txt)\n",
        "content/Blog/post-bundle/data.txt": "some data\n",
        "content/Blog/post-bundle/.hidden.txt": "never published\n",
    }
    ours = hugo_project(tmp_path / "ours", files)
    (ours / "content/Blog/post-bundle/pic.png").write_bytes(PNG)
    result = build(ours)
    assert result.written and not [d for d in result.report.items if d.severity == "error"], \
        [d.format() for d in result.report.items]
    public = ours / "public"
    assert (public / "blog/post-bundle/pic.png").read_bytes() == PNG
    assert (public / "blog/post-bundle/data.txt").read_text() == "some data\n"
    assert not (public / "blog/post-bundle/.hidden.txt").exists()

    # Hugo, on the same files, publishes them at the same paths
    theirs = tmp_path / "hugo"
    theirs.mkdir()
    for rel, text in files.items():
        (theirs / rel).parent.mkdir(parents=True, exist_ok=True)
        (theirs / rel).write_text(text)
    (theirs / "content/Blog/post-bundle/pic.png").write_bytes(PNG)
    (theirs / "layouts/_default").mkdir(parents=True)
    for name in ("single.html", "list.html"):
        (theirs / "layouts/_default" / name).write_text("{{ .Content }}\n")
    subprocess.run(["hugo", "-s", str(theirs), "-d", str(theirs / "public"), "--quiet"], check=True,
                   capture_output=True, timeout=120)
    for rel in ("blog/post-bundle/pic.png", "blog/post-bundle/data.txt"):
        assert (theirs / "public" / rel).read_bytes() == (public / rel).read_bytes(), rel
    checked = check(public)  # the page's links lead to the files
    assert checked.returncode == 0, checked.stderr


def test_editor_autosaves_and_backups_in_content_are_left_out_as_hugo_leaves_them(tmp_path):
    # an emacs autosave (#x.md#) or lock (.#x.md), a backup (x.md~), vim's swap file: a
    # writer's editor leaves them beside the pages; Hugo's content walk skips them, and
    # publishes other files (vim's 4913, a .orig) as the section's files
    page = "---\ntitle: A\n---\nbody\n"
    names = ["a.md", "#a.md#", "a.md~", ".#a.md", ".a.md.swp", "4913", "a.md.orig", "notes.txt~", "#draft.txt#"]
    files = {"config.toml": 'title = "T"\nbaseURL = "/"\n', "content/_index.md": "---\ntitle: Home\n---\n",
             **{f"content/docs/{name}": page for name in names}}
    ours = hugo_project(tmp_path / "ours", files)
    result = build(ours)
    assert result.written and not result.report.items, [d.format() for d in result.report.items]
    theirs = tmp_path / "hugo"
    for rel, text in files.items():
        (theirs / rel).parent.mkdir(parents=True, exist_ok=True)
        (theirs / rel).write_text(text)
    (theirs / "layouts/_default").mkdir(parents=True)
    for name in ("single.html", "list.html"):
        (theirs / "layouts/_default" / name).write_text("{{ .Content }}\n")
    subprocess.run(["hugo", "-s", str(theirs), "-d", str(theirs / "public"), "--quiet"], check=True,
                   capture_output=True, timeout=120)

    def published(public: Path) -> set[str]:
        return {p.relative_to(public / "docs").as_posix() for p in (public / "docs").rglob("*")
                if p.is_file() and not p.name.endswith((".html", ".xml"))} | \
               {p.parent.relative_to(public / "docs").as_posix() for p in (public / "docs").rglob("index.html")}

    assert published(ours / "public") == published(theirs / "public") == {".", "a", "4913", "a.md.orig"}


def test_a_jekyll_sites_assets_are_published_and_its_excluded_files_are_not(tmp_path):
    project = hugo_project(tmp_path / "site", {
        "_config.yml": "title: J\nexclude: [notes]\n",
        "index.md": "---\ntitle: Home\n---\n![logo](/images/logo.png)\n",
        "assets/css/custom.css": "body { color: black; }\n",
        "notes/todo.txt": "excluded by _config.yml\n",
        "_drafts/old.txt": "an underscore folder: Jekyll never publishes it\n",
        "Gemfile": "source 'https://rubygems.org'\n",
    })
    (project / "images").mkdir()
    (project / "images/logo.png").write_bytes(PNG)
    result = build(project)
    assert result.written, [d.format() for d in result.report.items]
    public = project / "public"
    assert (public / "images/logo.png").read_bytes() == PNG
    assert (public / "assets/css/custom.css").exists()
    for never in ("notes/todo.txt", "_drafts/old.txt", "Gemfile", "_config.yml", "site.toml"):
        assert not (public / never).exists(), never
    checked = check(public)
    assert checked.returncode == 0, checked.stderr


def test_a_content_file_that_collides_with_a_page_is_a_located_error(make_site):
    site = make_site({"content/a.md": "---\ntitle: A\n---\nx\n", "content/a/index.html": "<p>mine</p>\n"})
    result = site.build()
    assert any(d.code == "output-collision" for d in result.report.items), site.messages(result)


def test_a_projects_own_netlify_files_and_robots_txt_join_or_replace_the_generated_ones(tmp_path):
    # a site deployed on Netlify often has its own static/_redirects and _headers; the build
    # writes both files too (aliases, the Marketplace's rules): one file each, not a collision
    files = {
        "config.toml": 'title = "T"\nbaseURL = "https://docs.example.org/"\n',
        "content/_index.md": "---\ntitle: Home\n---\n",
        "content/a.md": "---\ntitle: A\naliases: [/old/]\n---\nA\n",
        "static/_redirects": "/*  /404.html  404\n",
        "static/_headers": "/*\n  X-Frame-Options: DENY\n",
        "static/robots.txt": "User-agent: *\nDisallow: /drafts/\n",
    }
    project = hugo_project(tmp_path / "site", files)
    for run in range(2):  # the second build reuses what it can of the first: the same files
        result = build(project)
        assert result.written and not result.report.items, [d.format() for d in result.report.items]
        redirects = (project / "public/_redirects").read_text()
        # the aliases' exact paths before the project's catch-all: Netlify takes the first match
        assert redirects.index("/old/ /a/ 301!") < redirects.index("/*  /404.html  404"), run
        assert (project / "public/_headers").read_text() == files["static/_headers"]
        assert (project / "public/robots.txt").read_text() == files["static/robots.txt"]


def test_a_projects_own_redirects_keep_their_bytes_and_follow_each_edit(tmp_path):
    # a Latin-1 path stays that byte (was: U+FFFD), a Windows editor's byte order mark does not
    # glue itself to the first rule, and each rebuild follows the file's edits and removal
    files = {
        "config.toml": 'title = "T"\nbaseURL = "https://docs.example.org/"\n',
        "content/a.md": "---\ntitle: A\naliases: [/old/]\n---\nA\n",
        "static/_redirects": b"\xef\xbb\xbf/caf\xe9  /cafe/  301\n",
    }
    project = hugo_project(tmp_path / "site", files)
    redirects = project / "public/_redirects"
    assert build(project).written
    assert redirects.read_bytes().endswith(b":\n/caf\xe9  /cafe/  301\n")
    (project / "static/_redirects").write_bytes(b"/x  /y  302")
    assert build(project).written
    assert redirects.read_bytes().endswith(b":\n/x  /y  302\n")
    (project / "static/_redirects").unlink()
    assert build(project).written
    assert b"/x" not in redirects.read_bytes() and b"/old/ /a/ 301!" in redirects.read_bytes()


def test_a_static_and_a_content_redirects_file_collide_instead_of_one_being_lost(tmp_path):
    # the project's own _redirects is appended to the generated one; two of them (static/ and
    # content/) silently kept the last one read (was: no problem, the other's rules lost)
    files = {
        "config.toml": 'title = "T"\nbaseURL = "https://docs.example.org/"\n',
        "content/a.md": "---\ntitle: A\n---\nA\n",
        "static/_redirects": "/s  /a/  301\n",
        "content/_redirects": "/c  /a/  301\n",
    }
    result = build(hugo_project(tmp_path / "site", files))
    assert [(d.path, d.code) for d in result.report.items] == [("content/_redirects", "output-collision")]
    assert "static/_redirects" in result.report.items[0].message and not result.written

"""`catalog check`: the built sample site passes, and a deliberately broken copy of it
reports every problem, each with its file and code, in one run."""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from catalog.build import build
from catalog.check import add_check_arguments, check, check_site, run_check
from catalog.check.indexes import locate
from conftest import REPO, write_files

ECHO_WAGON = "wagons/cloudify-echo-plugin/1.1.0/cloudify_echo_plugin-1.1.0-manylinux-py3-none-any.wgn"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("check") / "public"
    result = build(REPO, out=out)
    assert result.written, [d.format() for d in result.report.sorted()]
    return out


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="catalog check")
    add_check_arguments(parser)
    return run_check(parser.parse_args(list(argv)))


def add_to_main(page: Path, html: str) -> tuple[int, int]:
    """Insert a line of HTML just inside <main>; the line and column of its first href value."""
    lines = page.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("<main")) + 1
    lines.insert(at, html)
    page.write_text("\n".join(lines), encoding="utf-8")
    return at + 1, html.index('href="') + len('href="') + 1


def short(root: Path, diagnostics) -> list[tuple[str, int, str]]:
    """(path inside the site, line, code) of each diagnostic."""
    return [(d.path.removeprefix(root.as_posix() + "/"), d.line, d.code) for d in diagnostics]


def edit_json(path: Path, change) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# -- the sample site --------------------------------------------------------------------

def test_the_built_sample_site_has_no_problems(sample):
    result = check(sample)
    assert [d.format() for d in result.diagnostics] == []
    assert result.pages > 40 and result.links > 1000
    assert result.index_files > 100 and result.hosted_files > 10
    assert result.redirects > 5 and result.base_path == "/"


def test_the_cli_exits_0_on_the_sample_site(sample, capsys):
    assert cli(str(sample)) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert summary.startswith(f"checked {sum(1 for p in sample.rglob('*') if p.is_file())} files")


# -- a broken site ----------------------------------------------------------------------

def test_a_broken_site_reports_every_problem_in_one_run(sample, tmp_path, capsys):
    site = tmp_path / "public"
    shutil.copytree(sample, site)
    shown = site.as_posix()

    # a link to a missing page, and a link to a missing #anchor of an existing page
    missing_at = add_to_main(site / "writing/shortcodes/index.html", '<p><a href="/writing/no-such-page/">x</a></p>')
    anchor_at = add_to_main(site / "writing/cross-references/index.html",
                            '<p><a href="../shortcodes/#no-such-heading">x</a> <a href="#main">fine</a></p>')
    # a wagon changed after the build (same size, one byte different)
    wagon = site / ECHO_WAGON
    data = bytearray(wagon.read_bytes())
    data[100] ^= 0xFF
    wagon.write_bytes(bytes(data))
    # an index file without a required field (its sha256 in the root index no longer matches)
    edit_json(site / "index/v1/plugins/cloudify-aws-plugin.json", lambda d: d.pop("title"))
    # an alias page that redirects nowhere
    alias = site / "docs/shortcodes/index.html"
    alias.write_text(alias.read_text().replace("url=/writing/shortcodes/", "url=/writing/gone/"))
    # _redirects rules to a missing file, and to a pattern no file matches
    with (site / "_redirects").open("a") as rules:
        rules.write("/old-page/ /nowhere/ 301!\n/plugins name=:name /plugins/by-id/:name.json 200!\n")
    redirect_lines = len((site / "_redirects").read_text().splitlines())

    problems = check_site(site)
    found = {(d.path, d.code) for d in problems if d.severity == "error"}
    assert found == {
        (f"{shown}/writing/shortcodes/index.html", "link-missing"),
        (f"{shown}/index/v1/plugins/cloudify-echo-plugin.json", "sha256-mismatch"),
        (f"{shown}/{ECHO_WAGON}.md5", "md5-mismatch"),
        (f"{shown}/index/v1/plugins/cloudify-aws-plugin.json", "schema-invalid"),
        (f"{shown}/index/v1/index.json", "sha256-mismatch"),
        (f"{shown}/index/v1/index.json", "size-mismatch"),
        (f"{shown}/docs/shortcodes/index.html", "redirect-missing"),
        (f"{shown}/_redirects", "redirect-missing"),
    }, "\n".join(d.format() for d in problems)

    def one(path: str, code: str, needle: str = ""):
        [match] = [d for d in problems if d.path == f"{shown}/{path}" and d.code == code and needle in d.message]
        return match

    assert (one("writing/shortcodes/index.html", "link-missing").line,
            one("writing/shortcodes/index.html", "link-missing").col) == missing_at
    fragment = one("writing/cross-references/index.html", "link-fragment")
    assert (fragment.line, fragment.col) == anchor_at and '"no-such-heading"' in fragment.message
    assert fragment.severity == "warning"  # as the build's ref-fragment: the page is there
    schema = one("index/v1/plugins/cloudify-aws-plugin.json", "schema-invalid")
    assert "'title' is a required property" in schema.message and schema.line == 1
    wagon_problem = one("index/v1/plugins/cloudify-echo-plugin.json", "sha256-mismatch")
    text = (site / "index/v1/plugins/cloudify-echo-plugin.json").read_text().splitlines()
    assert '"sha256"' in text[wagon_problem.line - 1] and ECHO_WAGON in wagon_problem.message
    assert "/writing/gone/" in one("docs/shortcodes/index.html", "redirect-missing").message
    assert one("_redirects", "redirect-missing", "/nowhere/").line == redirect_lines - 1
    assert one("_redirects", "redirect-missing", "by-id").line == redirect_lines

    assert cli(str(site)) == 1
    output = capsys.readouterr().out.strip().splitlines()
    assert sum(": error: " in line for line in output) == sum(d.severity == "error" for d in problems)
    assert output[-1].startswith("checked ") and f": {len(problems)} problems" in output[-1]


def test_a_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert cli(str(tmp_path / "nothing")) == 2
    assert "not a folder" in capsys.readouterr().err


# -- links, on small sites --------------------------------------------------------------

# What every build writes besides its pages (a site without them has file-missing errors)
BUILD_FILES = {
    "404.html": "<!DOCTYPE html>\n<html><head><title>Not found</title></head><body></body></html>\n",
    "robots.txt": "User-agent: *\n",
    "_redirects": "",
    "sitemap.xml": "<urlset>\n</urlset>\n",
    "search-index.json": '{"version": 2, "stopwords": [], "count": 0, "docs": 16, "doc_files": [], '
                         '"term_starts": [], "term_files": []}\n',
}


def page(body: str, url: str = "https://docs.example.org/7.0/") -> str:
    return (f'<!DOCTYPE html>\n<html><head><link rel="canonical" href="{url}"></head>\n'
            f'<body>\n{body}\n</body></html>\n')


def test_links_resolve_under_the_base_path_from_the_canonical_link(tmp_path):
    write_files(tmp_path, {**BUILD_FILES, 
        "index.html": page('<a href="guide/">guide</a> <a href="/7.0/guide/#install">install</a>\n'
                           '<a href="https://docs.example.org/7.0/guide/">absolute</a>\n'
                           '<a href="https://other.example.org/x/">other host</a> <a href="mailto:a@b.c">mail</a>\n'
                           '<a href="tel:+1">tel</a> <a href="javascript:void(0)">js</a>\n'
                           '<img src="data:image/png;base64,AAAA" alt=""> <a href="#">top</a> <a href="#top">top</a>\n'
                           '<!-- <a href="/7.0/commented-out/">no</a> -->\n'
                           '<script>document.write(\'<a href="/7.0/in-a-script/">no</a>\')</script>\n'
                           '<a href="/latest/guide/">another version</a>'),
        "guide/index.html": page('<h2 id="install">Install</h2>\n<a href="../">home</a> '
                                 '<a href="../guide">no slash</a> <img srcset="../a.png 1x, ../missing.png 2x">\n'
                                 '<a href="https://docs.example.org/7.0/gone/">gone</a> <a name="old-anchor"></a>',
                                 "https://docs.example.org/7.0/guide/"),
        "a.png": b"\x89PNG",
        "other.html": page('<a href="guide/#old-anchor">old</a> <a href="guide/#nope">nope</a>',
                           "https://docs.example.org/7.0/other.html"),
    })
    result = check(tmp_path)
    assert result.base_path == "/7.0/"
    assert short(tmp_path, result.diagnostics) == [
        ("guide/index.html", 5, "link-missing"),   # srcset's missing.png
        ("guide/index.html", 6, "link-missing"),   # the absolute URL on the site's own origin
        ("other.html", 4, "link-fragment"),
    ]
    assert result.not_checked == 1  # /latest/ is another build
    assert check(tmp_path, base_path="/7.0/").diagnostics == result.diagnostics
    assert check(tmp_path, skip=("/7.0/gone/",)).not_checked == 2


def test_ids_written_any_way_count_and_close_ids_are_suggested(tmp_path):
    write_files(tmp_path, {**BUILD_FILES, 
        "index.html": page('<h2\nid="spaced">A</h2> <div ID=upper></div>\n'
                           '<a href="#spaced">1</a> <a href="#upper">2</a> <a href="#spacd">3</a>', "/"),
    })
    [problem] = check_site(tmp_path)
    assert problem.code == "link-fragment" and problem.hint == "did you mean 'spaced'?"


# -- redirects --------------------------------------------------------------------------

def test_redirect_rules_targets_placeholders_loops_and_shadowing(tmp_path):
    write_files(tmp_path, {**BUILD_FILES, 
        "index.html": page("", "https://docs.example.org/"),
        "new/index.html": page("", "https://docs.example.org/new/"),
        "search/index.html": page("", "https://docs.example.org/search/"),
        "search/by-name/aws.json": "{}",
        "_redirects": """\
            # comment
            /old/ /new/ 301
            /search name=:name /search/by-name/:name.json 200
            /docs/* /new/:splat 301!
            /a/ /b/ 301
            /b/ /a/ 302
            /x/ /y/:id 301
            /onlyfrom
            /gone/ https://elsewhere.example.org/ 301
            """,
    })
    result = check(tmp_path)
    assert [(d.line, d.severity, d.code) for d in result.diagnostics] == [
        (3, "warning", "redirect-shadowed"),  # search/index.html exists and the rule has no '!'
        (5, "error", "redirect-loop"),
        (5, "error", "redirect-missing"),
        (6, "error", "redirect-loop"),
        (6, "error", "redirect-missing"),
        (7, "error", "redirect-syntax"),      # :id is not defined by the rule
        (8, "error", "redirect-syntax"),      # no target
    ]
    assert {path for path, _, _ in short(tmp_path, result.diagnostics)} == {"_redirects"}
    assert cli(str(tmp_path)) == 1


def test_strict_turns_warnings_into_a_failure(tmp_path):
    write_files(tmp_path, {**BUILD_FILES, "index.html": page("", "/"), "a/index.html": page("", "/a/"),
                           "_redirects": "/a/ / 301\n"})
    assert [d.code for d in check_site(tmp_path)] == ["redirect-shadowed"]
    assert cli(str(tmp_path)) == 0
    assert cli(str(tmp_path), "--strict") == 1


def test_sitemap_and_robots_urls_are_pages_of_the_site(tmp_path):
    write_files(tmp_path, {**BUILD_FILES, 
        "index.html": page("", "https://docs.example.org/"),
        "sitemap.xml": "<urlset>\n<url><loc>https://docs.example.org/</loc></url>\n"
                       "<url><loc>https://docs.example.org/missing/</loc></url>\n</urlset>\n",
        "robots.txt": "User-agent: *\nSitemap: https://docs.example.org/sitemap.xml\n",
    })
    assert short(tmp_path, check_site(tmp_path)) == [("sitemap.xml", 3, "link-missing")]


# -- index files ------------------------------------------------------------------------

def test_json_positions_are_found_for_diagnostics():
    text = json.dumps({"a": [1, {"b": "x", "sha256": "y"}], "c": {"d": [True]}}, indent=2)
    line, col = locate(text, ["a", 1, "sha256"])
    assert text.splitlines()[line - 1][col - 1:] == '"y"'
    assert locate(text, ["c", "d", 0])[0] == text.splitlines().index("      true") + 1
    assert locate(text, ["nope"]) == (0, 0) and locate(text, ["a", 7]) == (0, 0)


def test_a_missing_schema_and_invalid_json_are_reported(sample, tmp_path):
    site = tmp_path / "public"
    shutil.copytree(sample, site)
    (site / "index/v1/schemas/marketplace-search.schema.json").unlink()
    (site / "plugins/catalog").write_text('[{"name": ')
    problems = {(path, code) for path, _, code in short(site, check_site(site))}
    assert ("index/v1/schemas/marketplace-search.schema.json", "schema-missing") in problems
    assert ("plugins/catalog", "json-invalid") in problems


def test_hosted_files_that_are_missing_or_resized_are_reported(sample, tmp_path):
    site = tmp_path / "public"
    shutil.copytree(sample, site)
    (site / ECHO_WAGON).unlink()
    with (site / "wagons/cloudify-echo-plugin/1.1.0/plugin.yaml").open("a") as handle:
        handle.write("# one more line\n")
    problems = {(path, code) for path, _, code in short(site, check_site(site))}
    assert ("index/v1/plugins/cloudify-echo-plugin.json", "hosted-missing") in problems
    assert ("index/v1/plugins/cloudify-echo-plugin.json", "size-mismatch") in problems
    assert ("v2_plugins.json", "link-missing") in problems  # the legacy catalog's absolute wagon URL

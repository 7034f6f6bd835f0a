"""Hugo features existing sites rely on, each built by Debian's real `hugo` (0.111) and by
this tool from the same files and compared: menus with `pageRef` and front matter `menu:`,
translation files (`install.fr.md`), build options (`headless`, `_build`), and the HTML
a block-level shortcode output makes inside a paragraph."""
from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from catalog.build import build
from hugo_oracle import hugo_path
from test_hugo_config import hugo_project, messages

HUGO_BASE = 'baseURL = "https://example.org/"\ntitle = "Compat"\n' \
            'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'


def run_hugo(project: Path, out: Path) -> str:
    done = subprocess.run([hugo_path(), "--quiet", "-s", str(project), "-d", str(out)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stderr


def built_pages(public: Path) -> set[str]:
    """The URL of every page a build wrote (index.html files, redirects aside)."""
    return {"/" + str(p.parent.relative_to(public)).removeprefix(".").strip("/") + "/" if p.parent != public else "/"
            for p in public.rglob("index.html") if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")}


# -- menus: pageRef and front matter menu entries ---------------------------------------------

MENU_CONFIG = HUGO_BASE + """
[[menu.main]]
name = "Install"
pageRef = "/docs/install"
weight = 1
[[menu.main]]
name = "Missing"
pageRef = "/docs/nope"
weight = 2
[[menu.main]]
name = "Section"
pageRef = "docs"
weight = 3
[[menu.main]]
name = "External"
url = "https://x.org/"
weight = 4
[[menu.main]]
name = "Both"
url = "/both/"
pageRef = "/Docs/Install.md"
weight = 5
[[menu.main]]
name = "Fallback"
url = "/fallback/"
pageRef = "/gone"
weight = 6
[[menu.main]]
pageRef = "/docs/other"
"""
MENU_LAYOUT = ("{{ range .Site.Menus.main }}MENU [{{ .Name }}] [{{ .URL }}]\n{{ end }}"
               "{{ range .Site.Menus.footer }}FOOT [{{ .Name }}] [{{ .URL }}]\n{{ end }}<main>{{ .Content }}</main>\n")
MENU_SITE = {
    "config.toml": MENU_CONFIG,
    "layouts/_default/single.html": MENU_LAYOUT,
    "layouts/_default/list.html": MENU_LAYOUT,
    "content/_index.md": "---\ntitle: Home\n---\nHome.\n",
    "content/docs/_index.md": "---\ntitle: Docs\n---\nDocs.\n",
    "content/docs/install.md": "---\ntitle: Install\nurl: /custom/install/\nmenu:\n  main:\n    name: From front matter\n"
                               "    weight: 8\n---\nInstall.\n",
    "content/docs/other.md": "---\ntitle: Other\nlinkTitle: Oth\nweight: 3\nmenu: [main, footer]\n---\nOther.\n",
    "content/docs/plain.md": "---\ntitle: Plain\nMenu: footer\n---\nPlain.\n",
}
_OUR_MENU = re.compile(r'<li class="menu-main-entry"><a href="([^"]*)"[^>]*>([^<]*)</a></li>')


def test_menu_page_refs_and_front_matter_menus_link_where_hugos_do(tmp_path):
    project = hugo_project(tmp_path / "site", MENU_SITE)
    run_hugo(project, tmp_path / "hugo-out")
    hugo_page = (tmp_path / "hugo-out" / "docs/plain/index.html").read_text()
    theirs = re.findall(r"^MENU \[(.*)\] \[(.*)\]$", hugo_page, re.M)
    assert ("Install", "/custom/install/") in theirs and ("Missing", "") in theirs  # the oracle's own view
    result = build(project)
    assert result.written, messages(result)
    ours = [(name, url) for url, name in _OUR_MENU.findall((project / "public/docs/plain/index.html").read_text())]
    # the same entries, in the same order, to the same URLs; Hugo leaves an entry without a
    # name unnamed, this tool shows its page's link title (an empty link cannot be followed)
    assert [(name or "Oth", url) for name, url in theirs] == ours
    hugo_footer = re.findall(r"^FOOT \[(.*)\] \[(.*)\]$", hugo_page, re.M)
    assert hugo_footer == [("Oth", "/docs/other/"), ("Plain", "/docs/plain/")]
    warnings = [d for d in result.report.items if d.code == "menu-ref-not-found"]
    assert [(d.path, d.line, d.severity) for d in warnings] == [("config.toml", 11, "warning"),
                                                                  ("config.toml", 29, "warning")]
    assert "'/docs/nope' names no page" in warnings[0].message and "empty" in warnings[0].message
    assert "its url '/fallback/'" in warnings[1].message


def test_front_matter_menus_are_templates_menus(tmp_path):
    """site.menus holds the pages' front matter entries too, with Hugo's defaults."""
    from catalog.config import load_config
    from catalog.page_tree import load_site
    from catalog.diagnostics import Report
    from catalog.menus import site_menus
    project = tmp_path / "p"
    from conftest import write_files
    write_files(project, {"site.toml": 'title = "T"\n[[menus.footer]]\nname = "Ext"\nurl = "https://x.org/"\n'
                                       'weight = 5\n',
                          "content/a.md": "---\ntitle: A\nweight: 2\nmenu: footer\n---\n",
                          "content/b.md": "---\ntitle: B\nmenu:\n  footer:\n    weight: 9\n    pre: <i>b</i>\n---\n"})
    config = load_config(project, Report())
    menus = site_menus(config, load_site(project, config, Report()))
    assert [(e["name"], e["url"], e["weight"], str(e["pre"])) for e in menus["footer"]] == [
        ("A", "/a/", 2, ""), ("Ext", "https://x.org/", 5, ""), ("B", "/b/", 9, "<i>b</i>")]


def test_a_front_matter_menu_hugo_refuses_is_located(make_site):
    site = make_site({"content/a.md": "---\ntitle: A\nmenu: 3\n---\nA\n"})
    result = site.build()
    [problem] = [d for d in result.report.items if d.code == "menu-invalid"]
    assert (problem.path, problem.line, problem.severity) == ("content/a.md", 3, "error")


# -- block-level shortcode output inside a paragraph ---------------------------------------------

class _Blocks(HTMLParser):
    """The top-level elements of a page body (name, text), and every block opened inside a <p>."""

    BLOCKS = {"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figure", "footer",
              "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre",
              "section", "table", "ul"}
    VOID = {"br", "hr", "img", "input", "wbr"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.top: list[list[str]] = []
        self.misnested: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.BLOCKS and "p" in self.stack:
            self.misnested.append(f"<{tag}> inside <p>")
        if not self.stack:
            self.top.append([tag, ""])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            self.misnested.append(f"stray </{tag}>")
            return
        while self.stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.top and self.stack:
            self.top[-1][1] += " " + data


def _body_between(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end)]


NESTING_PAGE = """---
title: Guide
---
START

Inline {{% children %}} here.

{{% notice note %}}
Inside
{{% /notice %}}
{: .wide}

END
"""


def test_a_block_shortcode_amid_a_paragraph_cuts_it_as_hugo_does(tmp_path):
    """`Inline {{% children %}} here.`: Hugo (DocDock's children, Goldmark) makes three blocks,
    a paragraph, the list, a paragraph; so does this tool, with no list inside the <p>. A
    callout with a kramdown `{: .wide}` below it is not wrapped in a <p> either (Hugo writes
    `<p><div ...>...</div>{: .wide}</p>`, invalid HTML): the class goes onto the callout."""
    from conftest import SHARED
    theme = tmp_path / "themes" / "docdock"
    shutil.copytree(SHARED / "corpora" / "docdock", theme, ignore=shutil.ignore_patterns(".git", "exampleSite"))
    children = theme / "layouts/shortcodes/children.html"
    children.write_text(children.read_text().replace("{{.Inner|safeHTML}}", ""))
    files = {"config.toml": HUGO_BASE + 'theme = "docdock"\n[markup.goldmark.renderer]\nunsafe = true\n',
             "content/guide/_index.md": NESTING_PAGE,
             "content/guide/one.md": "---\ntitle: One\n---\n", "content/guide/two.md": "---\ntitle: Two\n---\n"}
    project = hugo_project(tmp_path, files)
    run_hugo(project, tmp_path / "hugo-out")
    theirs = _Blocks(_body_between((tmp_path / "hugo-out/guide/index.html").read_text(), "<p>START</p>", "<p>END</p>"))
    result = build(project)
    assert result.written, messages(result)
    ours = _Blocks(_body_between((project / "public/guide/index.html").read_text(), "<p>START</p>", "<p>END</p>"))
    shape = [(tag, " ".join(text.split())) for tag, text in ours.top]
    assert [(tag, text) for tag, text in shape[1:4]] == [("p", "Inline"), ("ul", "One Two"), ("p", "here.")]
    assert [tag for tag, _ in theirs.top[1:4]] == ["p", "ul", "p"]
    assert [" ".join(t.split()) for tag, t in theirs.top[1:4] if tag == "p"] == ["Inline", "here."]
    assert "<div> inside <p>" in theirs.misnested  # Hugo's callout in a <p>
    assert ours.misnested == []
    assert re.search(r'<div class="callout [^"]*\bwide"', (project / "public/guide/index.html").read_text())


@pytest.mark.parametrize("source, shape", [
    ("Inline {{< children >}} here.", [("p", "Inline"), ("ul", "One Two"), ("p", "here.")]),
    ("{{< children >}} then text", [("ul", "One Two"), ("p", "then text")]),
    ("*see {{< children >}} here*", [("div", "see One Two here")]),  # cut, the <em> would break
    ("{{% children %}}\n{: .kids}", [("ul", "One Two")]),
    ("A {{< param product >}} B", [("p", "A Widget B")]),  # inline output: the paragraph stays
])
def test_block_output_never_opens_inside_a_paragraph(make_site, source, shape):
    site = make_site({"content/guide/_index.md": f"---\ntitle: Guide\n---\nSTART\n\n{source}\n\nEND\n",
                      "content/guide/one.md": "---\ntitle: One\n---\n",
                      "content/guide/two.md": "---\ntitle: Two\n---\n"},
                     'title = "T"\n[params]\nproduct = "Widget"\n')
    result = site.build()
    assert not result.report.items, messages(result)
    html = site.read("guide/index.html")
    blocks = _Blocks(_body_between(html, "<p>START</p>", "<p>END</p>"))
    assert [(tag, " ".join(text.split())) for tag, text in blocks.top[1:]] == shape
    assert blocks.misnested == []
    if "kids" in source:
        assert '<ul class="children children-li kids">' in html


def test_a_lost_attribute_list_has_its_own_code(make_site):
    site = make_site({"content/a.md": "---\ntitle: A\n---\nPara\n\n{: .lost}\n\nMore\n"})
    [warning] = site.build().report.items
    assert (warning.code, warning.line, warning.severity) == ("attribute-list", 6, "warning")
    assert "highlight" not in warning.hint


# -- translation files: install.fr.md ------------------------------------------------------------

TRANSLATED = {
    "layouts/_default/single.html": "<main>{{ .Title }} {{ .Content }}</main>\n",
    "layouts/_default/list.html": "<main>{{ .Title }}</main>\n",
    "content/_index.md": "---\ntitle: Home\n---\n",
    "content/docs/_index.md": "---\ntitle: Docs\n---\n",
    "content/docs/install.md": "---\ntitle: Install\n---\nen\n",
    "content/docs/install.fr.md": "---\ntitle: Installer\n---\nfr\n",
    "content/docs/only.fr.md": "---\ntitle: Seulement\n---\nfr\n",
    "content/docs/setup.en.md": "---\ntitle: Setup\n---\nen\n",
    "content/docs/v1.2.md": "---\ntitle: Dotted\n---\nx\n",
    "content/guide/_index.en.md": "---\ntitle: Guide EN\n---\n",
    "content/guide/start.md": "---\ntitle: Start\n---\n",
    "content/guide/refs.md": '---\ntitle: Refs\n---\nREFS [{{< relref "docs/setup.md" >}}] '
                             '[{{< relref "docs/setup.en.md" >}}] [{{< relref "/docs/setup" >}}]\n',
}
LANGUAGES = {
    "none": "",
    "one": '[languages.en]\nweight = 1\n',
    "two": '[languages.en]\nweight = 1\ntitle = "English docs"\n[languages.fr]\nweight = 2\n',
}


@pytest.mark.parametrize("languages", list(LANGUAGES))
def test_translation_files_build_as_hugos_default_language(tmp_path, languages):
    """Without `fr` configured, `install.fr.md` is a page of its own at /docs/install.fr/;
    with it, Hugo builds it under /fr/ and this tool leaves it out with one warning. In
    both, `setup.en.md` is the page /docs/setup/ and `_index.en.md` its folder's page."""
    project = hugo_project(tmp_path / "site", {**TRANSLATED, "config.toml": HUGO_BASE + LANGUAGES[languages]})
    run_hugo(project, tmp_path / "hugo-out")
    theirs = built_pages(tmp_path / "hugo-out")
    result = build(project)
    assert result.written, messages(result)
    ours = built_pages(project / "public") - {"/plugins/", "/index/"}
    assert ours == {url for url in theirs if not url.startswith("/fr/")}
    refs = "REFS [/docs/setup/] [/docs/setup/] [/docs/setup/]"  # setup.en.md is Hugo's page docs/setup
    assert refs in (tmp_path / "hugo-out/guide/refs/index.html").read_text()
    assert refs in (project / "public/guide/refs/index.html").read_text()
    guide = (project / "public/guide/index.html").read_text()
    assert "<title>Guide EN" in guide and "Guide EN" in (tmp_path / "hugo-out/guide/index.html").read_text()
    not_built = [d for d in result.report.items if d.code == "language-not-built"]
    if languages == "two":
        assert {url for url in theirs if url.startswith("/fr/")} >= {"/fr/docs/install/", "/fr/docs/only/"}
        [warning] = not_built
        assert (warning.path, warning.line, warning.severity) == ("config.toml", 4, "warning")
        assert "content/docs/install.fr.md, content/docs/only.fr.md" in warning.message
        assert "<p>English docs</p>" in (project / "public/docs/v1.2/index.html").read_text()  # [languages.en]
    else:
        assert not not_built and "/docs/install.fr/" in ours


# -- build options: headless, _build render / list / publishResources, cascade ---------------------

BUILD_OPTIONS = {
    "layouts/_default/single.html": "<main>{{ .Content }}</main>\n",
    "layouts/_default/list.html": "{{ range .Pages }}ORDER {{ .File.Path }} [{{ .RelPermalink }}]\n{{ end }}"
                                  "<main>{{ .Content }}</main>\n",
    "content/_index.md": "---\ntitle: Home\n---\n",
    "content/docs/_index.md": "---\ntitle: Docs\n---\n"
                              'never [{{< relref "docs/never/index.md" >}}] link [{{< relref "docs/link.md" >}}] '
                              'nolist [{{< relref "docs/nolist.md" >}}]\n',
    "content/docs/snip/index.md": "---\ntitle: Snip\nheadless: true\n---\nA reusable snippet.\n",
    "content/docs/snip/img.png": "IMG",
    "content/docs/never/index.md": "---\ntitle: Never\n_build:\n  render: never\n---\nnever\n",
    "content/docs/never/pic.png": "IMG",
    "content/docs/link.md": "---\ntitle: Link\n_build:\n  render: link\n---\nlink\n",
    "content/docs/nolist.md": "---\ntitle: NoList\n_build:\n  list: never\n---\nnolist\n",
    "content/docs/local.md": "---\ntitle: Local\n_build:\n  list: local\n---\nlocal\n",
    "content/docs/bools.md": "---\ntitle: Bools\n_build:\n  render: false\n  list: false\n---\nb\n",
    "content/docs/nores/index.md": "---\ntitle: NoRes\n_build:\n  publishResources: false\n---\nnores\n",
    "content/docs/nores/res.png": "IMG",
    "content/docs/plain.md": "---\ntitle: Plain\n---\np\n",
    "content/docs/notbundle.md": "---\ntitle: Not a bundle\nheadless: true\n---\n",  # Hugo writes it
    "content/sec/_index.md": "---\ntitle: Sec\n_build:\n  render: never\n---\n",
    "content/sec/p.md": "---\ntitle: Sec page\n---\n",
    "content/casc/_index.md": "---\ntitle: Casc\ncascade:\n  _build:\n    render: never\n    list: never\n---\n",
    "content/casc/p.md": "---\ntitle: Casc page\n---\n",
}


def test_build_options_write_and_list_what_hugo_does(tmp_path):
    config = HUGO_BASE.replace('"sitemap", ', "")  # the sitemap is compared too
    project = hugo_project(tmp_path / "site", {**BUILD_OPTIONS, "config.toml": config})
    hugo_out = tmp_path / "hugo-out"
    run_hugo(project, hugo_out)
    result = build(project)
    public = project / "public"
    # the pages written, and the bundles' files published
    assert built_pages(public) - {"/plugins/", "/index/"} == built_pages(hugo_out)
    for name in ("docs/snip/img.png", "docs/never/pic.png", "docs/nores/res.png"):
        assert (public / name).is_file() == (hugo_out / name).is_file(), name
    assert not (public / "docs/nores/res.png").exists()
    # the docs section's pages as Hugo lists them (.Pages), less those it lists without a link
    listed = re.findall(r"^ORDER (\S+) \[(\S+)\]$", (hugo_out / "docs/index.html").read_text(), re.M)
    from catalog.page_tree import load_site
    from catalog.diagnostics import Report
    from catalog.sources import load_project_config
    config = load_project_config(project, Report())
    site = load_site(project, config, Report())
    docs = site.by_rel["docs/_index.md"]
    ours = {("docs/" + "/".join(child.rel.split("/")[1:]), child.url) for child in docs.children if not child.hidden}
    assert ours == set(listed)
    assert ("docs/never/index.md", "") in re.findall(r"^ORDER (\S+) \[(\S*)\]$",
                                                     (hugo_out / "docs/index.html").read_text(), re.M)
    # refs: an empty link to a page that is not rendered, as Hugo's; the others resolve
    ref_line = 'never [] link [/docs/link/] nolist [/docs/nolist/]'
    assert ref_line in (hugo_out / "docs/index.html").read_text()
    assert ref_line in (public / "docs/index.html").read_text()
    [warning] = [d for d in result.report.items if d.code == "ref-not-rendered"]
    assert (warning.path, warning.line, warning.severity) == ("content/docs/_index.md", 4, "warning")
    # list: never and local stay out of the sitemap, as in Hugo
    def sitemap(root: Path) -> set[str]:
        return set(re.findall(r"<loc>https://example.org(/[^<]*)</loc>", (root / "sitemap.xml").read_text()))
    assert sitemap(public) <= sitemap(hugo_out) and "/docs/local/" not in sitemap(public)
    assert "/docs/nolist/" not in (public / "docs/plain/index.html").read_text().split('class="page-body"')[0]


def test_a_headless_bundle_is_read_by_excerpt_include(make_site):
    """The point of a headless bundle: its content is reused elsewhere, it has no page."""
    site = make_site({"content/snip/index.md": "---\ntitle: Snip\nheadless: true\n---\n"
                                                "{{% excerpt %}}Shared{{% /excerpt %}} rest\n",
                      "content/a.md": '---\ntitle: A\n---\n{{< excerpt-include filename="snip/index.md" >}}\n',
                      "content/b.md": "---\ntitle: B\nbuild:\n  render: never\n---\nB\n"})
    result = site.build()
    assert not result.report.items, messages(result)
    assert "Shared" in site.read("a/index.html")
    assert not site.exists("snip/index.html") and not site.exists("b/index.html")  # `build` too (Hugo >= 0.123)


def test_build_options_hugo_refuses_are_located_errors(tmp_path):
    """`_build: never` (a string) or `_build: yes`: Hugo 0.111 stops ("expected a map"); so does this."""
    from conftest import write_files
    project = tmp_path / "p"
    write_files(project, {"config.toml": 'title = "H"\n',
                          "content/s/_index.md": "---\ntitle: S\n_build: never\n---\n",
                          "content/t.md": "---\ntitle: T\n_build: yes\n---\nt\n"})
    result = build(project)
    assert [(d.path, d.line, d.code) for d in result.report.sorted()] == [
        ("content/s/_index.md", 3, "front-matter-type"), ("content/t.md", 3, "front-matter-type")]
    assert "'_build' must be a table" in result.report.items[0].message


def test_a_page_beside_its_default_language_twin_is_hugos_one_page(tmp_path):
    """`install.md` and `install.en.md`: Hugo builds one page, from `install.en.md` (and the
    same for `_index.md` and `_index.en.md`); so does this, with a warning instead of a collision."""
    project = hugo_project(tmp_path / "p", {
        "config.toml": HUGO_BASE,
        "layouts/_default/single.html": "T={{ .Title }}\n", "layouts/_default/list.html": "L={{ .Title }}\n",
        "content/install.md": "---\ntitle: Plain\n---\nplain\n",
        "content/install.en.md": "---\ntitle: En\n---\nen\n",
        "content/docs/_index.md": "---\ntitle: D\n---\n",
        "content/docs/_index.en.md": "---\ntitle: DEn\n---\n",
    })
    run_hugo(project, tmp_path / "hugo")
    assert (tmp_path / "hugo/install/index.html").read_text().strip() == "T=En"
    assert (tmp_path / "hugo/docs/index.html").read_text().strip() == "L=DEn"
    result = build(project)
    assert [(d.path, d.code, d.severity) for d in result.report.sorted() if d.code != "config-unused"] == [
        ("content/docs/_index.md", "language-twin", "warning"), ("content/install.md", "language-twin", "warning")]
    assert "<title>En " in (project / "public/install/index.html").read_text()
    assert "<title>DEn " in (project / "public/docs/index.html").read_text()

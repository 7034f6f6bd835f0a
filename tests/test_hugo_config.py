"""A Hugo project builds with its own configuration: every config format, config/_default/,
params, editURL, menus, the one warning of unused settings, Go templates in layouts/ left
alone, Go-only shortcodes reported, relativeURLs / canonifyURLs as real `hugo` writes them."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from catalog.build import build
from catalog.diagnostics import Report
from catalog.sources import load_project_config
from conftest import REPO, SHARED, write_files

CONTENT = {
    "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "content/guide/_index.md": "---\ntitle: Guide\nweight: 1\n---\nThe guide.\n",
    "content/guide/page.md": "---\ntitle: Page\n---\nWrite to {{< param \"support.email\" >}} about {{< param product >}}.\n",
}

TOML = """\
baseURL = "https://docs.example.org/"
languageCode = "fr"
title = "Hugo docs"
theme = "some-theme"
pygmentsStyle = "monokai"

[params]
editURL = "https://github.com/o/r/edit/main/content/"
Product = "Widget"
[params.Support]
Email = "help@example.org"

[[menu.main]]
name = "Blog"
url = "https://blog.example.org/"
weight = 2

[[menu.shortcuts]]
name = "<i class='fa fa-github'></i> <label>Github repo</label>"
url = "https://github.com/o/r"
weight = 10
pre = "<h3>More</h3>"

[[menu.shortcuts]]
name = "Credits"
url = "/credits/"
weight = 5
"""

YAML = """\
baseURL: https://docs.example.org/
languageCode: fr
title: Hugo docs
theme: some-theme
pygmentsStyle: monokai
params:
  editURL: https://github.com/o/r/edit/main/content/
  Product: Widget
  Support:
    Email: help@example.org
menu:
  main:
    - name: Blog
      url: https://blog.example.org/
      weight: 2
  shortcuts:
    - name: "<i class='fa fa-github'></i> <label>Github repo</label>"
      url: https://github.com/o/r
      weight: 10
      pre: <h3>More</h3>
    - name: Credits
      url: /credits/
      weight: 5
"""

JSON = """\
{
  "baseURL": "https://docs.example.org/",
  "languageCode": "fr",
  "title": "Hugo docs",
  "theme": "some-theme",
  "pygmentsStyle": "monokai",
  "params": {"editURL": "https://github.com/o/r/edit/main/content/", "Product": "Widget",
             "Support": {"Email": "help@example.org"}},
  "menu": {
    "main": [{"name": "Blog", "url": "https://blog.example.org/", "weight": 2}],
    "shortcuts": [
      {"name": "<i class='fa fa-github'></i> <label>Github repo</label>", "url": "https://github.com/o/r",
       "weight": 10, "pre": "<h3>More</h3>"},
      {"name": "Credits", "url": "/credits/", "weight": 5}
    ]
  }
}
"""

CONFIG_DIR = {
    "config/_default/hugo.toml": 'baseURL = "https://docs.example.org/"\nlanguageCode = "fr"\ntitle = "Hugo docs"\n'
                                 'theme = "some-theme"\npygmentsStyle = "monokai"\n',
    "config/_default/params.toml": 'editURL = "https://github.com/o/r/edit/main/content/"\nProduct = "Widget"\n'
                                   '[Support]\nEmail = "help@example.org"\n',
    "config/_default/menus.en.toml": TOML[TOML.index("[[menu.main]]"):].replace("[[menu.", "[["),
}

PLAIN = {k: v for k, v in CONTENT.items() if "param" not in v}  # reads no params

FORMATS = {
    "config.toml": {"config.toml": TOML},
    "hugo.toml": {"hugo.toml": TOML},
    "config.yaml": {"config.yaml": YAML},
    "hugo.yml": {"hugo.yml": YAML},
    "config.json": {"config.json": JSON},
    "config/_default": CONFIG_DIR,
}


def hugo_project(root: Path, files: dict[str, str]) -> Path:
    """A Hugo project (no site.toml) that can use the repository's default theme."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "themes").mkdir(exist_ok=True)
    if not (root / "themes" / "default").exists():
        (root / "themes" / "default").symlink_to(REPO / "themes" / "default", target_is_directory=True)
    write_files(root, files)
    return root


def messages(result) -> list[str]:
    return [d.format() for d in result.report.sorted()]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_hugo_config_format_is_read(tmp_path, fmt):
    project = hugo_project(tmp_path / "site", {**CONTENT, **FORMATS[fmt]})
    report = Report()
    config = load_project_config(project, report)
    assert config is not None, [d.format() for d in report.items]
    assert (config.title, config.base_url, config.language) == ("Hugo docs", "https://docs.example.org/", "fr")
    # Hugo's keys are case-insensitive: lower-cased at every level, as .Site.Params has them
    assert config.params["support"] == {"email": "help@example.org"} and config.params["product"] == "Widget"
    assert config.edit_url == "https://github.com/o/r/edit/main/content/{file}"
    assert [e.name for e in config.menus["shortcuts"]] == ["Credits",
                                                           "<i class='fa fa-github'></i> <label>Github repo</label>"]
    assert config.layouts_dir == "catalog-layouts" and "layouts" in config.hugo_layouts

    result = build(project)
    [warning] = result.report.items
    assert warning.code == "config-unused" and warning.severity == "warning"
    assert "theme" in warning.message and "pygmentsStyle" in warning.message
    assert warning.path == (fmt if "/" not in fmt else "config/_default/hugo.toml")
    assert warning.line == (5 if fmt.endswith(".json") else 4)  # the first unused setting: theme
    assert result.written
    page = (project / "public/guide/page/index.html").read_text()
    assert "Write to help@example.org about Widget." in page
    # DocDock / learn: editURL followed by the page's path under content/
    assert 'href="https://github.com/o/r/edit/main/content/guide/page.md"' in page
    assert '<html lang="fr">' in page
    # menus: main in the header, shortcuts in the sidebar, in Hugo's order, names as trusted HTML
    header = page[page.index('class="site-nav"'):page.index("</header>")]
    assert '<a href="https://blog.example.org/">Blog</a>' in header
    sidebar = page[page.index('class="menu-shortcuts"'):page.index("</nav>", page.index('class="menu-shortcuts"'))]
    assert sidebar.index("Credits") < sidebar.index("Github repo")
    assert ("<h3>More</h3><a href=\"https://github.com/o/r\"><i class='fa fa-github'></i> "
            "<label>Github repo</label></a>") in sidebar


def test_one_warning_names_every_unused_setting_once(tmp_path):
    config = ('title = "T"\nbaseURL = "/"\nenableRobotsTXT = true\nuglyURLs = false\n[outputs]\nhome = ["HTML"]\n'
              '[markup.goldmark.renderer]\nunsafe = true\n[taxonomies]\ntag = "tags"\n'
              '[[menu.main]]\nname = "X"\nurl = "/x/"\npageRef = "/guide"\n')
    project = hugo_project(tmp_path / "site", {**PLAIN, "config.toml": config})
    result = build(project)
    unused = [d for d in result.report.items if d.code == "config-unused"]
    assert len(unused) == 1 and len(result.report.items) == 1
    [warning] = unused
    assert (warning.path, warning.line) == ("config.toml", 3)
    names = warning.message.split(": ", 1)[1].split(", ")
    assert names == ["enableRobotsTXT", "uglyURLs", "outputs", "markup", "taxonomies"]
    assert build(project, strict=True).report.failed(strict=True)  # --strict: the warning fails the build


def test_root_config_file_wins_over_config_dir(tmp_path):
    project = hugo_project(tmp_path / "site", {
        **PLAIN,
        "hugo.toml": 'title = "From the root file"\n[params]\nproduct = "Root"\n',
        "config/_default/hugo.toml": 'title = "From the folder"\nbaseURL = "https://x.org/"\n',
        "config/_default/params.toml": 'product = "Folder"\n[support]\nemail = "a@b.c"\n',
    })
    config = load_project_config(project, Report())
    assert config.title == "From the root file" and config.base_url == "https://x.org/"
    # children_first_level: a Hugo project's `children` list what DocDock's and learn's do
    assert config.params == {"product": "Root", "support": {"email": "a@b.c"}, "children_first_level": "all"}


def test_a_wrong_type_in_hugo_config_is_located_there(tmp_path):
    project = hugo_project(tmp_path / "site", {**PLAIN, "config.toml": 'baseURL = "/"\n\ntitle = 3\n'})
    result = build(project)
    [error] = result.report.items
    assert (error.path, error.line, error.code) == ("config.toml", 3, "config-type")
    assert not result.written


@pytest.mark.parametrize("name, text, line", [
    ("config.yaml", "title: Docs\nparams:\n  a: [1, 2\n", 4),
    ("config.json", '{"title": "Docs",\n "baseURL": }\n', 2),
    ("config.toml", 'title = "Docs"\nbaseURL = \n', 2),
])
def test_hugo_config_syntax_errors_are_located(tmp_path, name, text, line):
    project = hugo_project(tmp_path / "site", {**PLAIN, name: text})
    result = build(project)
    [error] = result.report.items
    assert (error.path, error.code) == (name, "config-syntax") and error.line >= line - 1


def test_site_toml_wins_over_hugo_config(make_site):
    site = make_site({**PLAIN, "config.toml": 'title = "Hugo"\n'}, 'title = "site.toml"\n[params]\nproduct = "P"\n'
                                                                    '[params.support]\nemail = "e"\n')
    result = site.build()
    assert not result.report.items and "<title>Home · site.toml</title>" in site.read("index.html")


# -- layouts/ holds Go templates in a Hugo project ---------------------------------------------

GO_LAYOUTS = {
    "layouts/_default/single.html": "<main>{{ .Content }}</main>\n",
    "layouts/page.html": "{{ define \"main\" }}{{ .Content }}{{ end }}\n",
    "layouts/partials/nav.html": "{{ range .Site.Menus.main }}{{ .Name }}{{ end }}\n",
    "layouts/shortcodes/note.html": "<div class=\"go-note\">{{ .Inner }}</div>\n",
    "layouts/shortcodes/gadget.html": "<span>{{ .Get 0 }}</span>\n",
    "themes/docdocky/layouts/shortcodes/sparkle.html": "<div class=\"sparkle\">{{ .Inner }}</div>\n",
}


def test_go_templates_in_layouts_are_never_used(tmp_path):
    project = hugo_project(tmp_path / "site", {**PLAIN, **GO_LAYOUTS, "config.toml": 'title = "T"\n',
                                               "content/n.md": "---\ntitle: N\n---\n{{% note %}}Careful.{{% /note %}}\n"})
    result = build(project)
    assert not result.report.items, messages(result)
    html = (project / "public/n/index.html").read_text()
    assert "go-note" not in html and "{{" not in html and "Careful." in html


def test_go_only_shortcodes_are_reported_with_each_use(tmp_path):
    project = hugo_project(tmp_path / "site", {
        **PLAIN, **GO_LAYOUTS, "config.toml": 'title = "T"\ntheme = "docdocky"\n',
        "content/uses.md": "---\ntitle: Uses\n---\nOne {{< gadget x >}}.\n\n{{% sparkle %}}Hot{{% /sparkle %}}\n\n"
                           "Two {{< gadget y >}}.\n",
    })
    result = build(project)
    errors = [d for d in result.report.items if d.code == "shortcode-go-only"]
    # Hugo builds them: warnings, the call left out, and the build publishes
    assert result.written and {d.severity for d in errors} == {"warning"}
    assert "gadget" not in (project / "public/uses/index.html").read_text().split("<main")[-1]
    assert [(d.path, d.line, d.code) for d in errors] == [
        ("content/uses.md", 4, "shortcode-go-only"), ("content/uses.md", 6, "shortcode-go-only"),
        ("content/uses.md", 8, "shortcode-go-only")]
    assert "'gadget'" in errors[0].message and "layouts/shortcodes/gadget.html" in errors[0].message
    assert "'sparkle'" in errors[1].message and "themes/docdocky/layouts/shortcodes/sparkle.html" in errors[1].message
    assert "catalog-layouts/shortcodes/gadget.html" in errors[0].hint


def test_jinja_templates_of_a_hugo_project_live_in_catalog_layouts(tmp_path):
    project = hugo_project(tmp_path / "site", {
        **PLAIN, **GO_LAYOUTS, "config.toml": 'title = "T"\n',
        "catalog-layouts/shortcodes/gadget.html": '<span class="gadget">{{ get(0) }}</span>',
        "content/uses.md": "---\ntitle: Uses\n---\nOne {{< gadget x >}}.\n",
    })
    result = build(project)
    assert not result.report.items, messages(result)
    assert '<span class="gadget">x</span>' in (project / "public/uses/index.html").read_text()


def test_unknown_shortcode_hint_names_the_projects_layouts_folder(tmp_path):
    project = hugo_project(tmp_path / "site", {**PLAIN, "config.toml": 'title = "T"\n',
                                               "content/u.md": "---\ntitle: U\n---\n{{< zzyzx >}}\n"})
    [error] = build(project).report.items
    assert error.code == "shortcode-unknown" and "catalog-layouts/shortcodes/zzyzx.html" in error.hint


# -- relativeURLs and canonifyURLs, against real Hugo -------------------------------------------

URL_SITE = {
    "layouts/_default/single.html": "<main>{{ .Content }}</main>\n",
    "layouts/_default/list.html": "<main>{{ .Content }}</main>\n",
    "content/_index.md": "---\ntitle: Home\n---\n[guide]({{< relref \"guide/_index.md\" >}}) [root](/) ![l](/img/l.png)\n",
    "content/guide/_index.md": "---\ntitle: Guide\n---\nGuide.\n",
    "content/other.md": "---\ntitle: Other\n---\n## Part\n",
    "content/guide/deep/page.md": (
        "---\ntitle: Deep page\n---\n"
        "See [the guide]({{< relref \"guide/_index.md\" >}}), [home](/), [other]({{< relref \"other.md\" >}}),\n"
        "[anchor]({{< relref \"other.md#part\" >}}), [plain](/guide/), [external](https://example.com/x),\n"
        "[proto](//cdn.example.com/a.js), [frag](#here), [rel](../), ![logo](/img/logo.png)\n\n"
        '<a href="/raw/html/">raw</a> <img src="/img/logo.png" srcset="/img/logo.png 1x, /img/logo2.png 2x">\n'),
}
_URL_ATTR = re.compile(r'\s(?:href|src|srcset)="([^"]*)"')


def _body_urls(html: str, start: str, end: str) -> list[str]:
    return _URL_ATTR.findall(html[html.index(start):html.index(end, html.index(start))])


@pytest.mark.skipif(shutil.which("hugo") is None, reason="needs Debian's hugo")
@pytest.mark.parametrize("settings", ["relativeURLs = true", "canonifyURLs = true",
                                      "relativeURLs = true\ncanonifyURLs = true"])
def test_relative_and_canonical_urls_are_hugos(tmp_path, settings):
    config = (f'baseURL = "https://example.org/"\ntitle = "Rel"\n{settings}\n'
              'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[markup.goldmark.renderer]\nunsafe = true\n')
    project = hugo_project(tmp_path / "site", {**URL_SITE, "config.toml": config})
    hugo_out = tmp_path / "hugo-out"
    subprocess.run(["hugo", "--quiet", "-s", str(project), "-d", str(hugo_out)], check=True, capture_output=True,
                   timeout=120)
    result = build(project)
    assert result.written and all(d.code == "config-unused" for d in result.report.items), messages(result)
    for page in ("guide/deep/page/index.html", "index.html"):
        theirs = _body_urls((hugo_out / page).read_text(), "<main>", "</main>")
        ours = _body_urls((project / "public" / page).read_text(), 'class="page-body"', '<footer class="page-footer">')
        assert ours == theirs and theirs
    if "relativeURLs" in settings:  # every internal URL of the page, not only its body's
        html = (project / "public/guide/deep/page/index.html").read_text()
        assert not re.search(r'\s(?:href|src|data-index)="/(?!/)', html)
        assert '<link rel="stylesheet" href="../../../css/' in html


def test_relative_urls_deploy_under_any_prefix(make_site):
    """relative_urls in site.toml: a page's links are the same whatever the base path."""
    files = {"content/a/b.md": "---\ntitle: B\n---\n[home](/) [c]({{< relref \"c.md\" >}})\n",
             "content/c.md": "---\ntitle: C\n---\nC\n"}
    site = make_site(files, 'title = "T"\nbase_url = "https://x.org/docs/"\nrelative_urls = true\n')
    result = site.build()
    assert result.written, site.messages(result)
    html = site.read("a/b/index.html")
    assert '<a href="../../">home</a> <a href="../../c/">c</a>' in html
    assert not re.search(r'\s(?:href|src)="/', html)
    redirect_free = site.read("index.html")
    assert 'href="./a/"' in redirect_free or 'href="./a/b/"' in redirect_free


# -- the DocDock example site, as published ---------------------------------------------------

DOCDOCK = SHARED / "corpora" / "docdock" / "exampleSite"


@pytest.mark.skipif(not DOCDOCK.is_dir(), reason="needs the DocDock corpus")
def test_docdock_example_site_config_is_read(tmp_path):
    project = tmp_path / "exampleSite"
    shutil.copytree(DOCDOCK, project, symlinks=True)
    hugo_project(project, {})
    report = Report()
    config = load_project_config(project, report)
    assert config is not None and config.title == "DocDock Documentation"
    assert config.params["editurl"] == "https://github.com/vjeantet/hugo-theme-docdock/edit/master/exampleSite/content/"
    assert config.params["showvisitedlinks"] is True
    assert [(e.identifier, e.weight, e.url) for e in config.menus["shortcuts"]] == [
        ("ds", 10, "https://github.com/vjeantet/hugo-theme-docdock"),
        ("", 11, "https://github.com/vjeantet/hugo-theme-docdock/archive/master.zip"),
        ("hugodoc", 20, "https://gohugo.io/"), ("", 30, "/credits")]
    [warning] = report.items
    assert warning.code == "config-unused" and (warning.path, warning.line) == ("config.toml", 6)
    for name in ("theme", "themesdir", "pygmentsCodeFences", "pygmentsStyle", "markup", "outputs"):
        assert name in warning.message
    result = build(project, write=False)
    assert len([d for d in result.report.items if d.code == "config-unused"]) == 1
    home = result.outputs["index.html"].decode()
    assert ("<h3>More</h3><a href=\"https://github.com/vjeantet/hugo-theme-docdock\"><i class='fa fa-github'></i> "
            "<label>Github repo</label></a>") in home
    page = result.outputs["getting-start/index.html"].decode()
    assert ('href="https://github.com/vjeantet/hugo-theme-docdock/edit/master/exampleSite/content/'
            'getting-start/_index.md"') in page
    # its own Go shortcode is named as such, with where it is used
    [go_only] = [d for d in result.report.items if d.code == "shortcode-go-only"]
    assert go_only.path == "content/credits.md" and "ghcontributors" in go_only.message


def test_menus_and_edit_file_placeholder_from_site_toml(make_site):
    site = make_site({"content/a/b.md": "---\ntitle: B\n---\nB\n"},
                     'title = "T"\nbase_url = "https://x.org/docs/"\nedit_url = "https://e.org/{file}?p={path}"\n'
                     '[[menus.main]]\nname = "<b>Credits</b>"\nurl = "/credits/"\n')
    result = site.build()
    assert not result.report.items, site.messages(result)
    html = site.read("a/b/index.html")
    assert 'href="https://e.org/a/b.md?p=content/a/b.md"' in html
    assert '<a href="/docs/credits/"><b>Credits</b></a>' in html  # root-relative follows base_url's path


def test_preview_watches_a_hugo_projects_configuration(tmp_path):
    from catalog.serve.watcher import input_folders, input_names
    from catalog.sources import CONFIG_NAMES
    project = hugo_project(tmp_path / "site", {**PLAIN, **CONFIG_DIR, "catalog-layouts/page.html": "x"})
    names = input_names(project)
    assert {"content", "config", "catalog-layouts"} <= names
    assert project / "config" in input_folders(project)
    assert {"config.toml", "hugo.toml", "hugo.yaml", "_config.yml", "site.toml"} <= CONFIG_NAMES

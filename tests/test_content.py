"""The content model: front matter, tree, order, URLs, drafts, aliases, Jekyll pages."""
from __future__ import annotations

import re

from conftest import build_ok


def sidebar_titles(html: str) -> list[str]:
    nav = html[html.index("<nav"): html.index("</nav>")]
    return re.findall(r'<a [^>]*href="[^"]*"[^>]*>\s*([^<]+?)\s*<', nav)


def test_yaml_and_toml_front_matter(make_site):
    site = make_site({
        "content/_index.md": "---\ntitle: Home\n---\nWelcome\n",
        "content/a.md": '+++\ntitle = "TOML page"\nweight = 2\n+++\nBody *one*\n',
        "content/b.md": "---\ntitle: YAML page\nweight: 1\n---\nBody two\n",
    })
    build_ok(site)
    assert "<title>TOML page" in site.read("a/index.html")
    assert "<em>one</em>" in site.read("a/index.html")
    assert "YAML page" in site.read("b/index.html")


def test_hugo_ordering_weight_then_unset_last_then_title_then_path(make_site):
    site = make_site({
        "content/_index.md": "---\ntitle: Home\n---\n",
        "content/s/_index.md": "---\ntitle: S\n---\n",
        "content/s/z.md": "---\ntitle: Zeta\nweight: 1\n---\n",
        "content/s/y.md": "---\ntitle: Ypsilon\nweight: 2\n---\n",
        "content/s/b.md": "---\ntitle: Beta\n---\n",
        "content/s/a.md": "---\ntitle: Alpha\n---\n",
        "content/s/c2.md": "---\ntitle: Same\n---\n",
        "content/s/c1.md": "---\ntitle: Same\n---\n",
    })
    build_ok(site)
    from catalog.build import build  # noqa: F401 (the model is checked through the built sidebar)
    html = site.read("s/index.html")
    titles = [t for t in sidebar_titles(html) if t in {"Zeta", "Ypsilon", "Beta", "Alpha", "Same"}]
    assert titles == ["Zeta", "Ypsilon", "Alpha", "Beta", "Same", "Same"]
    # ties on title fall back to the path: c1 before c2 (prev/next follow reading order)
    c1 = site.read("s/c1/index.html")
    assert 'href="https://docs.example.org/s/c2/"' in c1 or 'href="/s/c2/"' in c1


def test_urls_are_lower_cased_and_pretty(make_site):
    site = make_site({
        "content/Working_With/Official Plugins/Infrastructure/AWS.md": "---\ntitle: AWS\n---\nx\n",
    })
    build_ok(site)
    assert site.exists("working_with/official-plugins/infrastructure/aws/index.html")


def test_drafts_excluded_unless_asked(make_site):
    site = make_site({"content/d.md": "---\ntitle: Draft\ndraft: true\n---\nx\n",
                      "content/p.md": "---\ntitle: Published\n---\nx\n"})
    build_ok(site)
    assert not site.exists("d/index.html") and site.exists("p/index.html")
    build_ok(site, drafts=True)
    assert site.exists("d/index.html")


def test_aliases_string_or_list_make_redirect_pages(make_site):
    site = make_site({
        "content/sec/new.md": "---\ntitle: New\naliases:\n  - /old/path/\n  - legacy.html\n---\nx\n",
        "content/other.md": "---\ntitle: Other\naliases: /plugins/overview/\n---\nx\n",
    })
    result = build_ok(site)
    assert result.redirects == 3
    redirect = site.read("old/path/index.html")
    assert 'http-equiv="refresh"' in redirect and "/sec/new/" in redirect
    assert "/sec/new/" in site.read("sec/legacy.html")  # relative alias: relative to the page's folder
    assert "/other/" in site.read("plugins/overview/index.html")


def test_hidden_page_built_but_not_in_sidebar(make_site):
    site = make_site({"content/h.md": "---\ntitle: Hidden one\nhidden: true\n---\nx\n",
                      "content/v.md": "---\ntitle: Visible one\n---\nx\n"})
    build_ok(site)
    assert site.exists("h/index.html")
    titles = sidebar_titles(site.read("v/index.html"))
    assert "Visible one" in titles and "Hidden one" not in titles


def test_jekyll_parent_node_name_pages_join_the_tree(make_site):
    site = make_site({
        "content/_index.md": "---\ntitle: Home\n---\n",
        "content/guide/_index.md": "---\ntitle: User guide\nnode_name: user_guide\nparent: []\nweight: 1\n---\n",
        "content/elsewhere/plugins.md": "---\nlayout: post\ntitle: Plugin management\nparent: [user_guide]\n"
                                        "node_name: plugin_management\nweight: 75\n---\nx\n",
    })
    build_ok(site)
    html = site.read("elsewhere/plugins/index.html")
    crumbs = html[html.index("breadcrumb"):]
    assert crumbs.index("User guide") < crumbs.index("Plugin management")


def breadcrumb_titles(html: str) -> list[str]:
    crumbs = html[html.index('class="breadcrumbs"'):]
    crumbs = crumbs[:crumbs.index("</nav>")]
    return re.findall(r'<a [^>]*>\s*([^<]+?)\s*<', crumbs)


def test_unknown_jekyll_parent_is_a_located_warning_and_the_page_joins_the_home_page(make_site):
    # Jekyll builds such a page; the sidebar is the only thing that cannot place it
    site = make_site({
        "content/_index.md": "---\ntitle: Home\n---\n",
        "content/g.md": "---\ntitle: G\nnode_name: user_guide\n---\n",
        "content/p.md": "---\ntitle: P\nparent: [user_guid]\n---\nx\n",
    })
    result = site.build()
    [d] = result.report.items
    assert (d.path, d.line, d.severity, d.code) == ("content/p.md", 3, "warning", "parent-not-found")
    assert "'user_guid'" in d.message and "under the home page" in d.message
    assert d.hint == "did you mean 'user_guide'?"
    assert breadcrumb_titles(site.read("p/index.html")) == ["Home"]
    assert "P" in sidebar_titles(site.read("index.html"))
    assert site.build(strict=True).report.failed(strict=True)


def test_missing_jekyll_parent_joins_the_deepest_ancestor_that_exists(make_site):
    site = make_site({
        "content/_index.md": "---\ntitle: Home\n---\n",
        "content/guide.md": "---\ntitle: Guide\nnode_name: devops\nparent: []\n---\n",
        "content/concepts.md": "---\ntitle: Concepts\nnode_name: tosca_concepts\nparent: [devops]\n---\n",
        "content/nodes.md": "---\ntitle: Nodes\nparent: [devops, tosca_concepts, tosca_types]\n"
                            "node_name: tosca_nodes\n---\nx\n",
        "content/deep.md": "---\ntitle: Deep\nparent: [devops, gone, also_gone]\n---\nx\n",
    })
    result = site.build()
    assert not result.report.failed()
    found = sorted((d.path, d.line, d.code, d.message) for d in result.report.items)
    assert [(path, line, code) for path, line, code, _ in found] == [
        ("content/deep.md", 3, "parent-not-found"), ("content/nodes.md", 3, "parent-not-found")]
    assert "'also_gone'" in found[0][3] and "under 'devops' (no page has node_name 'gone' either)" in found[0][3]
    assert "'tosca_types'" in found[1][3] and "under 'tosca_concepts'" in found[1][3]
    assert breadcrumb_titles(site.read("nodes/index.html")) == ["Home", "Guide", "Concepts"]
    assert breadcrumb_titles(site.read("deep/index.html")) == ["Home", "Guide"]


def test_bad_front_matter_types_and_syntax_all_reported(make_site):
    site = make_site({
        "content/a.md": "---\ntitle: A\nweight: heavy\n---\nx\n",
        "content/b.md": "---\ntitle: [unclosed\n---\nx\n",
        "content/c.md": "+++\ntitle = B\n+++\nx\n",
        "content/d.md": "---\ntitle: never closed\n",
    })
    result = site.build()
    found = {(d.path, d.code) for d in result.report.items}
    assert found == {("content/a.md", "front-matter-type"), ("content/b.md", "front-matter-syntax"),
                     ("content/c.md", "front-matter-syntax"), ("content/d.md", "front-matter-unclosed")}
    weight = next(d for d in result.report.items if d.path == "content/a.md")
    assert weight.line == 3 and "got str 'heavy'" in weight.message


def test_output_collision_between_page_and_alias(make_site):
    site = make_site({"content/a.md": "---\ntitle: A\n---\n",
                      "content/b.md": "---\ntitle: B\naliases: [/a/]\n---\n"})
    result = site.build()
    [d] = result.report.items
    assert d.code == "output-collision" and "content/a.md" in d.message and "content/b.md" in d.message


def test_index_and_underscore_index_in_one_folder_warns(make_site):
    site = make_site({"content/s/_index.md": "---\ntitle: S\n---\n",
                      "content/s/index.md": "---\ntitle: Other\n---\n"})
    result = site.build()
    [d] = result.report.items
    assert (d.path, d.severity, d.code) == ("content/s/index.md", "warning", "section-page-twice")
    assert "content/s/_index.md" in d.message


def test_static_link_out_of_the_project_is_refused(make_site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    site = make_site({"content/_index.md": "---\ntitle: Home\n---\n", "static/ok.txt": "fine"})
    (site.root / "static" / "leak.txt").symlink_to(secret)
    result = site.build()
    [d] = result.report.items
    assert (d.path, d.code) == ("static/leak.txt", "static-outside")
    assert not result.written and "password".encode() not in b"".join(result.outputs.values())


def test_sources_build_under_a_version_prefix(make_site):
    config = ('title = "V"\nbase_url = "https://docs.example.org/6.4/"\nversion = "6.4"\n'
              '[[versions]]\nlabel = "7.0"\nurl = "/7.0/"\nlatest = true\n'
              '[[versions]]\nlabel = "6.4"\nurl = "/6.4/"\n')
    site = make_site({"content/a/b.md": '---\ntitle: B\n---\n[root](/plugins/) [ref]({{< relref "c.md" >}}) '
                                        '![i](/images/x.png)\n',
                      "content/a/c.md": "---\ntitle: C\n---\n"}, config)
    build_ok(site)
    html = site.read("a/b/index.html")
    assert 'href="/6.4/plugins/"' in html and 'href="/6.4/a/c/"' in html and 'src="/6.4/images/x.png"' in html
    assert re.search(r'<a href="/7.0/a/b/">7.0 \(latest\)</a>', html)  # the switcher keeps the page
    assert re.search(r'<a href="/6.4/a/b/" aria-current="true">6.4</a>', html)
    assert 'class="version-banner"' in html and 'href="/7.0/a/b/">See this page in the latest version' in html


def test_no_banner_on_the_latest_version(make_site):
    config = ('title = "V"\nbase_url = "/7.0/"\nversion = "7.0"\n'
              '[[versions]]\nlabel = "7.0"\nurl = "/7.0/"\n[[versions]]\nlabel = "6.4"\nurl = "/6.4/"\n')
    site = make_site({"content/p.md": "---\ntitle: P\n---\n"}, config)
    build_ok(site)
    html = site.read("p/index.html")
    assert "version-banner" not in html and '<a href="/6.4/p/">6.4</a>' in html


def test_versions_config_is_validated(make_site):
    site = make_site({"content/p.md": "---\ntitle: P\n---\n"},
                     'title = "V"\n[[versions]]\nlabel = "7.0"\nlink = "/7.0/"\n')
    # the unknown key, and (every problem of an entry is reported) the url it leaves missing
    d, missing = site.build().report.items
    assert d.code == "config-unknown-key" and "link" in d.message and d.hint == "known keys: label, url, latest"
    assert missing.code == "config-missing-key" and missing.message == "versions entry 1 needs label and url"


def test_front_matter_keys_with_capitals_are_read_as_hugo_reads_them(make_site):
    # found on a real Hugo site: `Title:` / `Weight:` crashed the build while lowering the keys
    site = make_site({
        "content/_index.md": "---\ntitle: Home\n---\n",
        "content/a.md": "---\nTitle: Capital title\nWeight: 2\nDraft: false\n---\nx\n",
        "content/b.md": "---\ntitle: Lower\nweight: 1\n---\ny\n",
    })
    build_ok(site)
    assert "<title>Capital title" in site.read("a/index.html")
    titles = [t for t in sidebar_titles(site.read("a/index.html")) if t in {"Capital title", "Lower"}]
    assert titles == ["Lower", "Capital title"]


def test_front_matter_key_with_capitals_is_type_checked(make_site):
    site = make_site({"content/a.md": "---\ntitle: A\nWeight: heavy\n---\nx\n"})
    result = site.build()
    messages = site.messages(result)
    assert any("content/a.md:3:" in m and "'weight' must be an integer" in m for m in messages), messages


def test_folder_holding_only_a_section_folder_is_a_section(make_site):
    """'a/b/_index.md' with nothing else in 'a/' once crashed the build (KeyError 'a');
    found by a generated site of the Hugo differential tests."""
    site = make_site({"content/a/b/_index.md": "---\ntitle: B\n---\n",
                      "content/a/b/page.md": "---\ntitle: P\n---\n"})
    build_ok(site)
    assert site.exists("a/index.html") and site.exists("a/b/index.html") and site.exists("a/b/page/index.html")

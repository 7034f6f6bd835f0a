"""ref / relref resolution with Hugo's rules, and the located errors when it fails."""
from __future__ import annotations

import pytest

from conftest import build_ok

SITE = {
    "content/_index.md": "---\ntitle: Home\n---\n",
    "content/guide/_index.md": "---\ntitle: Guide\n---\n## Overview\n",
    "content/guide/install.md": "---\ntitle: Install\n---\n## Upload\n",
    "content/guide/sub/deep.md": "---\ntitle: Deep\n---\n## X\n",
    "content/cli/install.md": "---\ntitle: CLI install\n---\nx\n",
    "content/cli/profiles.md": "---\ntitle: Profiles\n---\n## Local profile\n",
}


def link(site, page_rel: str, ref: str, kind: str = "relref") -> str:
    site.write({f"content/{page_rel}": f'---\ntitle: T\n---\n[x]({{{{< {kind} "{ref}" >}}}})\n'})
    build_ok(site)
    html = site.read(page_rel[:-3] + "/index.html")
    start = html.index('<a href="', html.index('class="page-body"'))
    return html[start + 9: html.index('"', start + 9)]


@pytest.mark.parametrize("page, ref, expected", [
    ("guide/page.md", "install.md", "/guide/install/"),             # relative to the page's folder first
    ("guide/page.md", "install", "/guide/install/"),                # .md is added
    ("guide/page.md", "./sub/deep.md", "/guide/sub/deep/"),
    ("guide/sub/other.md", "../install.md", "/guide/install/"),
    ("guide/page.md", "cli/profiles.md", "/cli/profiles/"),         # then from the content root
    ("guide/page.md", "/cli/profiles.md", "/cli/profiles/"),        # a leading slash is the same
    ("guide/page.md", "profiles.md", "/cli/profiles/"),             # bare file name, found once in the site
    ("guide/page.md", "deep.md#x", "/guide/sub/deep/#x"),
    ("guide/page.md", "guide", "/guide/"),                          # a folder is its section
    ("guide/page.md", "guide/_index.md#overview", "/guide/#overview"),  # the DocDock form
    ("guide/page.md", "cli/profiles.md#local-profile", "/cli/profiles/#local-profile"),
    ("guide/page.md", "#upload", "#upload"),
])
def test_relref_resolution_rules(make_site, page, ref, expected):
    site = make_site(dict(SITE))
    if ref == "#upload":
        site.write({f"content/{page}": '---\ntitle: T\n---\n## Upload\n[x]({{< relref "#upload" >}})\n'})
        build_ok(site)
        assert 'href="/guide/page/#upload"' in site.read("guide/page/index.html")
        return
    assert link(site, page, ref) == expected


def test_ref_is_absolute(make_site):
    site = make_site(dict(SITE))
    assert link(site, "guide/page.md", "cli/profiles.md", kind="ref") == "https://docs.example.org/cli/profiles/"


def test_relative_dot_ref_does_not_fall_back_to_root(make_site):
    site = make_site({**SITE, "content/guide/page.md": '---\ntitle: T\n---\n\n[x]({{< relref "./profiles.md" >}})\n'})
    result = site.build()
    [d] = result.report.items
    assert (d.path, d.line, d.col, d.code) == ("content/guide/page.md", 5, 5, "ref-not-found")


def test_ambiguous_bare_name_is_an_error_naming_both(make_site):
    site = make_site({**SITE, "content/other/page.md": '---\ntitle: T\n---\nsee {{< relref "install.md" >}}\n'})
    result = site.build()
    assert not result.written
    [d] = result.report.items
    assert d.code == "ref-ambiguous" and d.line == 4 and d.col == 5
    assert "content/cli/install.md" in d.message and "content/guide/install.md" in d.message


def test_not_found_has_file_line_and_suggestion(make_site):
    site = make_site({**SITE, "content/p.md": '---\ntitle: T\n---\nline\n[a]({{< relref "cli/profile.md" >}})\n'})
    result = site.build()
    [d] = result.report.items
    assert (d.path, d.line, d.col, d.severity) == ("content/p.md", 5, 5, "error")
    assert d.message == 'page reference "cli/profile.md" not found'
    assert "cli/profiles.md" in d.hint


def test_unknown_fragment_is_a_warning(make_site):
    site = make_site({**SITE, "content/p.md": '---\ntitle: T\n---\n[a]({{< relref "cli/profiles.md#local-profil" >}})\n'})
    result = site.build()
    [d] = result.report.items
    assert d.severity == "warning" and d.code == "ref-fragment"
    assert "did you mean 'local-profile'?" == d.hint
    assert result.written  # a warning alone does not fail the build ...
    assert not site.build(strict=True).written  # ... unless --strict


@pytest.mark.parametrize("ref, hint", [
    ("cli/profile.md", "did you mean 'cli/profiles.md'?"),           # a typo in the file name
    ("clii/profiles", "did you mean 'cli/profiles.md'?"),            # a typo in a folder name
    ("guid/sub", ""),                                                # a folder without a page: no guess
    ("setup/deep.md", "did you mean 'guide/sub/deep.md'?"),          # moved: the same file elsewhere
    ("old/profiels.md", "did you mean 'cli/profiles.md'?"),          # moved and misspelt
    ("profils", "did you mean 'cli/profiles.md'?"),                  # a bare name, compared with file names
    ("nowhere/unrelated-topic.md", ""),                              # nothing alike: no guess
])
def test_not_found_suggests_the_page_meant(make_site, ref, hint):
    site = make_site({**SITE, "content/p.md": f'---\ntitle: T\n---\n[a]({{{{< relref "{ref}" >}}}})\n'})
    [d] = site.build().report.items
    assert d.code == "ref-not-found"
    assert d.hint == (hint or 'write the path of the .md file from the content root, e.g. "writing/_index.md"')


def test_broken_refs_cost_a_few_comparisons_each_not_one_per_page(monkeypatch):
    """A renamed section breaks every ref into it: each suggestion compares a few candidates,
    not every page of the site (that made a 5,000-page build with such refs run for an hour)."""
    import difflib

    from catalog.refs import Suggestions
    paths = sorted(f"section-{s:02}/topic-{t:03}/page-{s}-{t}-{p}.md"
                   for s in range(10) for t in range(30) for p in range(20))
    suggestions = Suggestions(paths)
    compared = []
    ratio = difflib.SequenceMatcher.ratio
    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", lambda self: compared.append(1) or ratio(self))
    moved = [path.replace("section-03/", "old-section/") for path in paths if path.startswith("section-03/")]
    hints = [suggestions.hint(path) for path in moved]
    assert hints == [f"did you mean '{path}'?" for path in paths if path.startswith("section-03/")]
    assert len(compared) / len(moved) < len(paths) / 50  # comparing with every path: len(paths) each


LENIENT_SITE = {
    **SITE,
    "content/nofolder/q.md": "---\ntitle: Q\n---\n",
    "content/nofolder/inner/p.md": "---\ntitle: P\n---\n",
}


@pytest.mark.parametrize("ref, url, why, canonical", [
    ("guide//install.md", "/guide/install/", "a doubled slash", "guide/install.md"),
    ("cli/profiles.html", "/cli/profiles/", "the extension '.html'", "cli/profiles.md"),
    ("cli/profiles.mdd", "/cli/profiles/", "the extension '.mdd'", "cli/profiles.md"),
    ("content/cli/profiles.md#local-profile", "/cli/profiles/#local-profile", "the content folder's name",
     "cli/profiles.md#local-profile"),
    ("/profiles.md", "/cli/profiles/", "a leading '/' on a name found elsewhere", "cli/profiles.md"),
])
def test_lenient_ref_links_where_hugo_does_with_a_located_warning(make_site, ref, url, why, canonical):
    site = make_site({**LENIENT_SITE, "content/p.md": f'---\ntitle: T\n---\nline\n[a]({{{{< relref "{ref}" >}}}})\n'})
    result = site.build()
    [d] = result.report.items
    assert (d.path, d.line, d.col, d.severity, d.code) == ("content/p.md", 5, 5, "warning", "ref-lenient")
    assert f"({why})" in d.message and d.hint == f'write "{canonical}"'
    assert result.written and f'href="{url}"' in site.read("p/index.html")
    assert not site.build(strict=True).written


def test_top_level_folder_without_index_is_its_section(make_site):
    """Issue 15 item 19: the site makes the section's page, and Hugo links the folder to it."""
    site = make_site({**LENIENT_SITE, "content/p.md": '---\ntitle: T\n---\n[a]({{< relref "nofolder" >}})\n'})
    build_ok(site)
    assert 'href="/nofolder/"' in site.read("p/index.html")


@pytest.mark.parametrize("page, ref, hint", [
    ("p.md", "nofolder/_index.md", 'the folder has no _index.md: write "nofolder"'),
    ("p.md", "nofolder/inner", "Hugo makes no page for the folder 'nofolder/inner' (below the top level, "
                               "without an _index.md): add nofolder/inner/_index.md, or link a page inside it"),
    ("guide/p.md", "content/cli/profiles.md", "'content/' names the file only from a page at the top of the "
                                              "content folder: write the path without it; did you mean "
                                              "'cli/profiles.md'?"),
    ("guide/p.md", "cli//profiles.md/", 'Hugo does not resolve this spelling here: write "cli/profiles.md"'),
    ("p.md", "/cli/profiles/", 'Hugo does not resolve this spelling here: write "cli/profiles.md"'),
    ("p.md", "cli/profiles.md.md", "did you mean 'cli/profiles.md'?"),
])
def test_forms_hugo_refuses_stay_errors_with_the_reason(make_site, page, ref, hint):
    site = make_site({**LENIENT_SITE, f"content/{page}": f'---\ntitle: T\n---\n[a]({{{{< relref "{ref}" >}}}})\n'})
    result = site.build()
    [d] = result.report.items
    assert (d.severity, d.code, d.hint) == ("error", "ref-not-found", hint)

"""One rule for a #fragment that names no heading of its target page, wherever it is
written: a page's relref and a plugin's `documentation:` link both get the build's
ref-fragment warning at their own line (an error with --strict), and `catalog check`
reports the published links as link-fragment warnings (an error with --strict)."""
from __future__ import annotations

import argparse

from catalog.build import build
from catalog.render_cache import RenderCache
from catalog.check import add_check_arguments, check, run_check

SHA = "f" * 64
PLUGIN = f"""\
name: cloudify-echo-plugin
title: Echo
description: Echo.
documentation: docs.md#instal
releases:
  - version: 1.0.0
    date: 2023-01-02
    yaml_files:
      - dsl_version: cloudify_dsl_1_4
        url: https://example.org/plugin.yaml
        sha256: {SHA}
        size: 10
    wagons:
      - url: https://example.org/cloudify_echo_plugin-1.0.0-manylinux-py3-none-any.wgn
        sha256: {SHA}
        size: 10
"""
FILES = {
    "content/_index.md": "---\ntitle: Home\n---\nHome.\n",
    "content/docs.md": '---\ntitle: Docs\n---\n## Install\n\nSee [this]({{< relref "docs.md#nope" >}}).\n',
    "plugins-index/cloudify-echo-plugin.yaml": PLUGIN,
}


def test_an_unknown_documentation_fragment_warns_at_the_plugin_yaml_line(make_site):
    site = make_site(dict(FILES))
    result = site.build()
    assert result.written
    warnings = {d.path: d for d in result.report.sorted()}
    doc = warnings["plugins-index/cloudify-echo-plugin.yaml"]
    page = warnings["content/docs.md"]
    assert (doc.line, doc.col, doc.severity, doc.code) == (4, 1, "warning", "ref-fragment")
    assert doc.message == 'page reference "docs.md#instal": no heading with id "instal" on the target page'
    assert doc.hint == "did you mean 'install'?"
    assert (page.severity, page.code) == (doc.severity, doc.code)  # the same rule as a page's ref

    strict = site.build(strict=True)
    assert not strict.written and strict.report.failed(True)


def test_a_known_documentation_fragment_is_fine(make_site):
    site = make_site({**FILES, "plugins-index/cloudify-echo-plugin.yaml": PLUGIN.replace("#instal", "#install"),
                      "content/docs.md": "---\ntitle: Docs\n---\n## Install\n"})
    result = site.build()
    assert result.written and result.report.items == []


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="catalog check")
    add_check_arguments(parser)
    return run_check(parser.parse_args(list(argv)))


def test_check_agrees_with_the_build(make_site, capsys):
    site = make_site(dict(FILES))
    assert site.build().written
    public = site.root / "public"
    problems = check(public).diagnostics
    found = {(d.path.removeprefix(public.as_posix() + "/"), d.severity, d.code) for d in problems}
    assert found == {
        ("docs/index.html", "warning", "link-fragment"),                       # the page's relref
        ("plugins/cloudify-echo-plugin/index.html", "warning", "link-fragment"),  # the documentation link
        ("index/v1/plugins/cloudify-echo-plugin.json", "warning", "link-fragment"),
    }, "\n".join(d.format() for d in problems)
    assert all("did you mean 'install'?" == d.hint for d in problems if "instal" in d.message)
    assert cli(str(public)) == 0            # the build passed with these warnings: so does the check
    assert cli(str(public), "--strict") == 1  # and with --strict both fail
    capsys.readouterr()


def test_the_preview_rechecks_a_documentation_fragment_after_a_heading_edit(make_site):
    from catalog.incremental import rebuild_bodies

    site = make_site(dict(FILES))
    cache = RenderCache()
    state = build(site.root, cache=cache, write=False, keep_state=True).state
    assert any(d.path == "plugins-index/cloudify-echo-plugin.yaml" for d in state.diagnostics)
    for body in ("## Instal\n", "## Install\n"):  # the heading the link names appears, then goes
        site.write({"content/docs.md": f"---\ntitle: Docs\n---\n{body}"})
        result = rebuild_bodies(state, ["content/docs.md"], cache)
        assert result is not None
        cold = build(site.root, write=False)
        assert [d.format() for d in result.report.sorted()] == [d.format() for d in cold.report.sorted()]
        state = result.state
    assert any(d.path == "plugins-index/cloudify-echo-plugin.yaml" for d in state.diagnostics)

"""The plugin catalog's memo between builds: after every kind of change, a build that
reuses loaded files and rendered plugins gives exactly the bytes (and the diagnostics)
of a cold build, and reads and renders only what the change touched."""
from __future__ import annotations

import shutil
from pathlib import Path

from catalog.build import build
from catalog.render_cache import RenderCache
from conftest import REPO

PLUGINS = ("cloudify-echo-plugin", "cloudify-wait-plugin", "cloudify-aws-plugin")
DOCS = {
    "content/_index.md": "---\ntitle: Home\n---\nHome.\n",
    "content/developer/_index.md": "---\ntitle: Developer\n---\n",
    "content/developer/writing_plugins/_index.md": "---\ntitle: Writing plugins\n---\n",
    "content/developer/writing_plugins/creating-your-own-plugin.md": "---\ntitle: Creating\n---\nHow.\n",
    "content/working_with/_index.md": "---\ntitle: Working with\n---\n",
    "content/working_with/official_plugins/_index.md": "---\ntitle: Official plugins\n---\n",
    "content/working_with/official_plugins/aws.md": "---\ntitle: AWS\n---\nAWS.\n",
}
NEW_RELEASE = """\
  - version: 0.0.1
    date: 2024-02-01
    yaml_files:
      - dsl_version: cloudify_dsl_1_4
        url: https://example.org/aws/0.0.1/plugin.yaml
        sha256: {0}
        size: 10
    wagons:
      - url: https://example.org/aws/0.0.1/cloudify_aws_plugin-0.0.1-manylinux-py3-none-any.wgn
        sha256: {0}
        size: 10
""".format("a" * 64)


def project(make_site):
    site = make_site(DOCS)
    index = site.root / "plugins-index"
    index.mkdir()
    for name in PLUGINS:
        shutil.copy(REPO / "plugins-index" / f"{name}.yaml", index)
    shutil.copytree(REPO / "plugins-index" / "wagons", index / "wagons")
    return site


def same_as_cold(site, tmp_path: Path, cache: RenderCache, name: str) -> tuple[int, int]:
    """(files read, plugins rendered) by the warm build, after checking it against a cold one."""
    warm = build(site.root, out=tmp_path / f"warm-{name}", cache=cache, jobs=1)
    cold = build(site.root, out=tmp_path / f"cold-{name}", jobs=1)
    assert [d.format() for d in warm.report.sorted()] == [d.format() for d in cold.report.sorted()], name
    assert warm.outputs.keys() == cold.outputs.keys(), name
    assert [path for path in cold.outputs if warm.outputs[path] != cold.outputs[path]] == [], name
    return cache.catalog.reads, cache.catalog.renders


def test_warm_catalog_builds_match_cold_ones_after_each_change(make_site, tmp_path):
    site = project(make_site)
    cache = RenderCache()
    assert same_as_cold(site, tmp_path, cache, "first") == (3, 3)
    assert same_as_cold(site, tmp_path, cache, "unchanged") == (0, 0)

    aws = site.root / "plugins-index" / "cloudify-aws-plugin.yaml"
    text = aws.read_text()
    # an old release: the latest releases, and with them the platform filter every page shows, stay
    aws.write_text(text.replace("releases:\n", "releases:\n" + NEW_RELEASE, 1))
    assert same_as_cold(site, tmp_path, cache, "release-added") == (1, 1)

    # the YAML stays the same, a local wagon it names changes: that plugin is read again
    wagon = next((site.root / "plugins-index" / "wagons" / "cloudify-echo-plugin").rglob("*.wgn"))
    wagon.write_bytes(b"not a wagon any more")
    reads, renders = same_as_cold(site, tmp_path, cache, "wagon-replaced")
    assert reads == 1  # and the build reports the broken wagon, as the cold build does

    wagon.unlink()
    assert same_as_cold(site, tmp_path, cache, "wagon-removed")[0] == 1


def test_pages_follow_the_site_and_templates_they_show(make_site, tmp_path):
    site = project(make_site)
    cache = RenderCache()
    same_as_cold(site, tmp_path, cache, "first")
    # the catalog pages show the docs' sidebar: a renamed section renders them again, reading nothing
    site.write({"content/working_with/_index.md": "---\ntitle: Working with Cloudify\n---\n"})
    assert same_as_cold(site, tmp_path, cache, "nav") == (0, 3)
    site.write({"layouts/plugins/single.html": '{% extends "base.html" %}{% block content %}'
                                               '<h1>{{ plugin.title }}</h1>{% endblock %}'})
    assert same_as_cold(site, tmp_path, cache, "template") == (0, 3)
    # a renamed plugin changes the titles other pages may show: every page again, one file read
    aws = site.root / "plugins-index" / "cloudify-aws-plugin.yaml"
    aws.write_text(aws.read_text().replace('title: "AWS"', "title: Amazon Web Services", 1))
    assert same_as_cold(site, tmp_path, cache, "title") == (1, 3)
    aws.unlink()
    assert same_as_cold(site, tmp_path, cache, "removed") == (0, 2)


def test_the_memo_survives_on_disk(make_site, tmp_path):
    site = project(make_site)
    stored = tmp_path / "cache" / "render.pickle"
    manifest = tmp_path / "cache" / "published.json"
    out = tmp_path / "out"
    first = RenderCache.load(stored)
    build(site.root, out=out, cache=first, jobs=1, manifest=manifest)
    first.save(stored)
    assert (stored.parent / "catalog.pickle").is_file()
    # on disk the memo keeps what it published by digest: the published files are the bytes
    page = (out / "plugins" / "cloudify-aws-plugin" / "index.html").read_bytes()
    assert page not in (stored.parent / "catalog.pickle").read_bytes()

    again = RenderCache.load(stored)
    rebuilt = build(site.root, out=out, cache=again, jobs=1, manifest=manifest)
    assert (again.catalog.reads, again.catalog.renders, rebuilt.files_written) == (0, 0, 0)
    cold = build(site.root, out=tmp_path / "cold", jobs=1)
    assert dict(rebuilt.outputs) == dict(cold.outputs)

    # one release added: one plugin rendered; the root index records the others' files by their digests
    aws = site.root / "plugins-index" / "cloudify-aws-plugin.yaml"
    aws.write_text(aws.read_text().replace("releases:\n", "releases:\n" + NEW_RELEASE, 1))
    added = build(site.root, out=out, cache=again, jobs=1, manifest=manifest)
    again.save(stored)
    assert (again.catalog.reads, again.catalog.renders) == (1, 1)
    assert dict(added.outputs) == dict(build(site.root, out=tmp_path / "cold-added", jobs=1).outputs)

    # into a folder that does not hold them, the plugins are rendered again, not taken on trust
    elsewhere = RenderCache.load(stored)
    assert same_as_cold(site, tmp_path, elsewhere, "elsewhere") == (0, 3)
    # a damaged memo costs a cold build, never a wrong one
    (stored.parent / "catalog.pickle").write_bytes(b"\x80\x05garbage")
    assert same_as_cold(site, tmp_path, RenderCache.load(stored), "damaged") == (3, 3)

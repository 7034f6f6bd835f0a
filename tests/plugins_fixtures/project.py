"""Test helpers for the plugin catalog: projects written inline, built with
`build_plugin_outputs` and the real plugin templates, and real wagons built once per run."""
from __future__ import annotations

import atexit
import contextlib
import http.server
import shutil
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import jinja2

from catalog.diagnostics import Report
from catalog.plugins import build_plugin_outputs, rewrite_marketplace_query

from browser import serving
from conftest import write_files

from .build_wagons import build_wagon, plugin_yaml

REPO = Path(__file__).resolve().parent.parent.parent
THEME_LAYOUTS = REPO / "themes" / "default" / "layouts"
BASE_URL = "https://plugins.example.org/"
# A stand-in for the theme's base.html, so these tests do not depend on the page frame.
MINI_BASE = ("<!DOCTYPE html><html><head><title>{% block title %}{% endblock %}</title>{% block head %}{% endblock %}"
             "</head><body><main>{% block content %}{% endblock %}</main></body></html>")
DOC_PAGES = {"working_with/official_plugins/aws.md": "/working_with/official_plugins/aws/",
             "working_with/official_plugins/_index.md": "/working_with/official_plugins/"}

_env = jinja2.Environment(
    loader=jinja2.ChoiceLoader([jinja2.DictLoader({"base.html": MINI_BASE}),
                                jinja2.FileSystemLoader(str(THEME_LAYOUTS))]),
    autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
_env.globals["asset"] = lambda path: "/" + path  # the build's asset(), without fingerprints


def render(template: str, context: dict) -> str:
    return _env.get_template(template).render({"site": {"title": "Test site"}, **context})


@dataclass
class Built:
    files: dict[str, bytes]
    report: Report

    @property
    def messages(self) -> list[str]:
        return [d.format() for d in self.report.sorted()]

    def json(self, path: str):
        import json

        return json.loads(self.files[path])

    def text(self, path: str) -> str:
        return self.files[path].decode("utf-8")


def build_project(project: Path, base_url: str = BASE_URL, docs: dict[str, str] | None = None) -> Built:
    """Run the plugin stage on project/plugins-index like the site build does."""
    report = Report()
    pages = DOC_PAGES if docs is None else docs

    def resolve_doc(ref: str, source: str, line: int) -> str | None:
        if ref in pages:
            return pages[ref]
        report.error(source, line, 1, "ref-not-found", f'page reference "{ref}" not found')
        return None

    files = build_plugin_outputs(project / "plugins-index", project_dir=project, base_url=base_url, report=report,
                                 resolve_doc=resolve_doc, render=render)
    return Built(files, report)


def build_ok(project: Path, **options) -> Built:
    built = build_project(project, **options)
    assert not built.report.items, "\n".join(built.messages)
    return built


# -- real wagons, built once per test run ---------------------------------------------------

# Two versions x two platforms of the echo plugin, plus the wait plugin as a zip wagon.
TEST_WAGONS = [
    ("cloudify-echo-plugin", "1.0.0", "centos-Core", "linux_x86_64", "311", "tar.gz"),
    ("cloudify-echo-plugin", "1.0.0", "manylinux", "linux_aarch64", "311", "tar.gz"),
    ("cloudify-echo-plugin", "2.0.0", "centos-Core", "linux_x86_64", "311", "tar.gz"),
    ("cloudify-echo-plugin", "2.0.0", "manylinux", "linux_aarch64", "311", "tar.gz"),
    ("cloudify-wait-plugin", "0.1.0", "redhat-Ootpa", "linux_x86_64", "311", "zip"),
]
_built: dict[tuple, bytes] = {}
_workdir: Path | None = None


def real_wagons() -> dict[tuple, tuple[str, bytes]]:
    """{(plugin, version, build tag): (file name, bytes)} of TEST_WAGONS, built with `wagon create`."""
    global _workdir
    if _workdir is None:
        _workdir = Path(tempfile.mkdtemp(prefix="test-wagons-"))
        atexit.register(shutil.rmtree, _workdir, True)
        for plugin, version, tag, platform, python, fmt in TEST_WAGONS:
            path = build_wagon(plugin, version, _workdir / f"{plugin}-{version}-{tag}", build_tag=tag,
                               platform=platform, python=python, archive_format=fmt)
            _built[(plugin, version, tag)] = (path.name, path.read_bytes())
    return dict(_built)


def wagon_project(root: Path, versions: tuple[str, ...] = ("1.0.0", "2.0.0")) -> Path:
    """A project whose plugins-index holds the echo plugin (real wagons) and the wait plugin (zip)."""
    wagons = real_wagons()
    files: dict[str, str | bytes] = {}
    releases = []
    for version in versions:
        entries = []
        for tag in ("centos-Core", "manylinux"):
            name, data = wagons[("cloudify-echo-plugin", version, tag)]
            files[f"plugins-index/wagons/{name}"] = data
            entries.append(f"      - path: wagons/{name}\n")
        files[f"plugins-index/yaml/echo-{version}/plugin.yaml"] = plugin_yaml("cloudify-echo-plugin", version)
        releases.append(
            f"  - version: {version}\n"
            f"    date: 2023-0{versions.index(version) + 1}-15\n"
            f"    manager_versions: \">=6.0\"\n"
            f"    yaml_files:\n"
            f"      - dsl_version: cloudify_dsl_1_4\n"
            f"        path: yaml/echo-{version}/plugin.yaml\n"
            f"    wagons:\n" + "".join(entries))
    files["plugins-index/cloudify-echo-plugin.yaml"] = (
        "name: cloudify-echo-plugin\ntitle: Echo\ndescription: Logs its *inputs*.\n"
        "documentation: working_with/official_plugins/_index.md\ncategories: [Utilities]\n"
        "releases:\n" + "".join(releases))
    name, data = wagons[("cloudify-wait-plugin", "0.1.0", "redhat-Ootpa")]
    files[f"plugins-index/wagons/{name}"] = data
    files["plugins-index/yaml/wait/plugin.yaml"] = plugin_yaml("cloudify-wait-plugin", "0.1.0")
    files["plugins-index/cloudify-wait-plugin.yaml"] = f"""\
        name: cloudify-wait-plugin
        title: Wait
        description: Pauses.
        categories: [Utilities, Examples]
        releases:
          - version: 0.1.0
            date: 2023-02-20
            yaml_files:
              - dsl_version: cloudify_dsl_1_3
                path: yaml/wait/plugin.yaml
            wagons:
              - path: wagons/{name}
        """
    write_files(root, files)
    return root


# -- a static host on 127.0.0.1 -------------------------------------------------------------

def publish(files: dict[str, bytes], root: Path) -> Path:
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


@contextlib.contextmanager
def static_host(root: Path) -> Iterator[str]:
    """Serve `root` over HTTP like the static host: files as they are, plus the Marketplace
    redirect rule for `/plugins?name=X`. Yields the base URL (with a final slash)."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def translate_path(self, path: str) -> str:
            parts = urllib.parse.urlsplit(path)
            rewritten = rewrite_marketplace_query(parts.path, urllib.parse.parse_qs(parts.query))
            return super().translate_path(rewritten or path)

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(Handler) as base:
        yield base + "/"

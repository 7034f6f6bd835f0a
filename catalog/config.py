"""Site configuration: `site.toml` at the project root, typed and validated.

TOML was chosen because Python reads it without a dependency (tomllib), it is what
Hugo sites already use for `config.toml`, and it has real types (a weight is an
integer, a flag is a boolean) so the validation below can say what came.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from .diagnostics import Report, did_you_mean

CONFIG_NAME = "site.toml"


# the fields of a menu entry, as Hugo's [[menu.NAME]] entries have them
MENU_FIELDS: dict[str, type] = {"identifier": str, "name": str, "url": str, "weight": int, "pre": str, "post": str,
                                "title": str, "parent": str, "pageRef": str}

TYPE_NAMES = {str: "a string", bool: "a boolean", int: "an integer", dict: "a table", list: "an array", float: "a number"}


@dataclass(frozen=True)
class DocsVersion:
    """One entry of the version switcher: where that version's docs are published."""

    label: str
    url: str  # its base URL or path, e.g. "/7.0/" or "https://docs.example.org/7.0/"
    latest: bool = False


@dataclass(frozen=True)
class MenuEntry:
    """One entry of a site menu; `name`, `pre` and `post` are trusted HTML from the site's config."""

    name: str
    url: str = ""
    weight: int = 0
    pre: str = ""
    post: str = ""
    identifier: str = ""
    title: str = ""
    parent: str = ""
    page_ref: str = ""  # Hugo's pageRef: the page whose URL (and, unless given, name and weight) it takes


@dataclass(frozen=True)
class Option:
    """One site.toml key as users write it: the TOML types it takes, its default and what it is for."""

    types: tuple[type, ...]
    default: Any
    doc: str


def _key(default: Any, doc: str, types: tuple[type, ...] | None = None) -> Any:
    """A SiteConfig field that is a site.toml key: its default, what it is for, and the TOML
    types it is written as (the default's type unless given: an array becomes a tuple)."""
    metadata = {"doc": doc, "types": types or (type(default),)}
    if isinstance(default, (dict, list)):
        return field(default_factory=type(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class SiteConfig:
    """The validated configuration; `source` is the file it came from (None: defaults).

    Each key is declared here once, with its type, default and doc (as MkDocs'
    config/defaults.py does); OPTIONS, which validation, `catalog import` and the docs
    read, is made from these fields."""

    title: str = _key("Documentation", "site title shown in the header and <title>")
    base_url: str = _key("/", "absolute URL the site is served from; its path is the URL prefix of every page")
    theme: str = _key("default", "folder name under themes/")
    version: str = _key("", "version label of these docs, shown in the header")
    language: str = _key("en", "language code for <html lang>")
    edit_url: str = _key("", "'edit this page' link; {path} is replaced by the source path, e.g. content/a.md, "
                             "{file} by the path under the content folder, e.g. a.md")
    content_dir: str = _key("content", "folder of documentation pages")
    content_exclude: tuple[str, ...] = _key((), "names or paths under the content folder that are not pages "
                                                "(fnmatch patterns, as Jekyll's exclude)", (list,))
    front_matter_required: bool = _key(False, "only Markdown files that start with front matter are pages "
                                              "(Jekyll copies the others as they are)")
    plugins_dir: str = _key("plugins-index", "folder of plugin metadata files")
    layouts_dir: str = _key("layouts", "folder of this tool's Jinja2 templates that override the theme's")
    hugo_layouts: tuple[str, ...] = _key((), "folders of a Hugo site's Go templates: never rendered, only searched "
                                             "to name the shortcodes that exist only as Go templates", (list,))
    relative_urls: bool = _key(False, "every internal URL in the pages is relative to the page (Hugo's "
                                      "relativeURLs): one build deploys under any path prefix")
    canonify_urls: bool = _key(False, "every root-relative URL in the pages is made absolute with base_url "
                                      "(Hugo's canonifyURLs)")
    params: dict[str, Any] = _key({}, "site parameters, read by the param and field shortcodes")
    menus: dict[str, tuple[MenuEntry, ...]] = _key({}, "menus by name, each an array of entries: [[menus.main]] "
                                                       "name, url, pageRef, weight, pre, post, identifier, title, parent")
    versions: tuple["DocsVersion", ...] = _key((), "the documentation versions for the switcher: [[versions]] "
                                                   "label, url, latest", (list,))
    content_language: str = _key("", "a Hugo site's default content language (defaultContentLanguage): a file "
                                     "NAME.LANGUAGE.md of it is the page NAME.md, _index.LANGUAGE.md its "
                                     "folder's page; empty: a file's name is its page's, suffixes and all")
    hash_links: bool = _key(False, "links written '#/path.html' (the Alien4Cloud portal's routes) point at "
                                   "the page of that Jekyll URL")
    jekyll: bool = _key(False, "the pages are a Jekyll site's: Liquid is evaluated, .markdown/.mkdown/.mkd files are "
                               "pages, front matter permalink is the URL, Markdown is read as kramdown reads it")
    jekyll_permalink: str = _key("date", "Jekyll's permalink style: with 'date' (Jekyll's default) or a pattern "
                                         "ending in .html, each page's old a/b.html URL redirects to its page")
    source: str | None = None

    # both are read several times a page (templates, links): parsed once per base_url
    @property
    def base_path(self) -> str:
        """The URL path prefix of the site, always starting and ending with '/'."""
        return _base_path(self.base_url)

    @property
    def origin(self) -> str:
        """Scheme and host of base_url ('' when base_url is only a path)."""
        return _origin(self.base_url)


@lru_cache(maxsize=64)
def _base_path(base_url: str) -> str:
    match = re.match(r"^[a-z][a-z0-9+.-]*://[^/]+(/.*)?$", base_url, re.I)
    path = (match.group(1) or "/") if match else base_url
    if not path.startswith("/"):
        path = "/" + path
    return path if path.endswith("/") else path + "/"


@lru_cache(maxsize=64)
def _origin(base_url: str) -> str:
    match = re.match(r"^([a-z][a-z0-9+.-]*://[^/]+)", base_url, re.I)
    return match.group(1) if match else ""


# site.toml's keys, in the order `catalog import` writes them; an array's default is [] as written in TOML
OPTIONS: dict[str, Option] = {
    f.name: Option(f.metadata["types"], [] if f.metadata["types"] == (list,) else f.default if f.default is not MISSING
                   else f.default_factory(), f.metadata["doc"])  # type: ignore[misc]
    for f in fields(SiteConfig) if "doc" in f.metadata
}


def has_plugins(project: Path, config: SiteConfig) -> bool:
    """Whether the site has a plugin catalog: its plugins folder exists. A docs-only site
    has none, and its pages must not link to /plugins/."""
    return (project / config.plugins_dir).is_dir()


def _key_line(text: str, key: str) -> int:
    """Line of `key = ...` in the TOML text (tomllib keeps no positions)."""
    pattern = re.compile(rf"^[ \t]*(\[+[ \t]*)?[\"']?{re.escape(key)}[\"']?\s*(=|\]|\.)", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def type_name(value: Any) -> str:
    return TYPE_NAMES.get(type(value), type(value).__name__)


def report_toml_error(source: str, exc: tomllib.TOMLDecodeError, report: Report) -> None:
    """A TOML syntax error, at the line and column tomllib names in its message."""
    match = re.search(r"line (\d+), column (\d+)", str(exc))
    line, col = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
    report.error(source, line, col, "config-syntax", f"invalid TOML: {exc}",
                 "check quoting and that every key has a value")


Locate = Callable[[str], tuple[str, int]]  # a site.toml key -> (file, line) where its value was written


def load_config(project: Path, report: Report) -> SiteConfig | None:
    """Read and validate site.toml; report every problem; None when it is unusable."""
    path = project / CONFIG_NAME
    if not path.exists():
        report.error(CONFIG_NAME, 0, 0, "config-missing", f"no {CONFIG_NAME} in {project}",
                     "start a project with `catalog new DIR`, run the build in a Hugo or Jekyll project (its "
                     f"own configuration is read), or create {CONFIG_NAME} with at least: title = \"My plugins\"")
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        report_toml_error(CONFIG_NAME, exc, report)
        return None
    return config_from_values(data, CONFIG_NAME, lambda key: (CONFIG_NAME, _key_line(text, key)), report)


def config_from_values(data: dict[str, Any], source: str, locate: Locate, report: Report) -> SiteConfig | None:
    """Validate site.toml-shaped values (from site.toml, or translated from a Hugo or Jekyll
    configuration, whose keys `locate` finds); report every problem; None when unusable."""
    values: dict[str, Any] = {}
    ok = True
    for key, value in data.items():
        option = OPTIONS.get(key)
        path, line = locate(key)
        if option is None:
            hint = did_you_mean(key, OPTIONS) or f"known keys: {', '.join(sorted(OPTIONS))}"
            report.error(path, line, 1, "config-unknown-key", f"unknown key '{key}'", hint)
            ok = False
        elif not isinstance(value, option.types) or isinstance(value, bool) and bool not in option.types:
            expected = " or ".join(TYPE_NAMES[t] for t in option.types)
            report.error(path, line, 1, "config-type",
                         f"'{key}' must be {expected} ({option.doc}), got {type_name(value)} {value!r}",
                         f"write for example: {key} = {_example(option)}")
            ok = False
        else:
            values[key] = value
    for key in ("content_exclude", "hugo_layouts"):
        if key in values:
            strings = _strings(key, values[key], locate, report)
            ok = ok and strings is not None
            values[key] = strings or ()
    if "menus" in values:
        menus = _menus(values["menus"], locate, report)
        ok = ok and menus is not None
        values["menus"] = menus or {}
    if "versions" in values:
        path, line = locate("versions")
        versions = _versions(values["versions"], path, line, report)
        ok = ok and versions is not None
        values["versions"] = versions or ()
    if not ok:
        return None
    return SiteConfig(**values, source=source)


def _strings(key: str, value: list[Any], locate: Locate, report: Report) -> tuple[str, ...] | None:
    """An array of strings; None when an item is not one (each such item reported)."""
    ok = True
    for item in value:
        if not isinstance(item, str):
            path, line = locate(key)
            report.error(path, line, 1, "config-type", f"'{key}' must be an array of strings, got "
                         f"{type_name(item)} {item!r} in it", f'write for example: {key} = ["name"]')
            ok = False
    return tuple(value) if ok else None


def _menus(value: dict[str, Any], locate: Locate, report: Report) -> dict[str, tuple[MenuEntry, ...]] | None:
    """[[menus.NAME]] tables, each entry sorted as Hugo sorts a menu: by weight (unset last),
    then name, then identifier."""
    path, line = locate("menus")
    menus: dict[str, tuple[MenuEntry, ...]] = {}
    ok = True  # every menu and every entry is checked: all the problems in one run
    for name, entries in value.items():
        if isinstance(entries, dict):  # a single [menus.NAME] table
            entries = [entries]
        if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
            report.error(path, line, 1, "config-type", f"menus.{name} must be an array of tables, got "
                         f"{type_name(entries)}", f'write [[menus.{name}]] then name = "Home" and url = "/"')
            ok = False
            continue
        made: list[MenuEntry] = []
        for number, entry in enumerate(entries, 1):
            entry_ok = _entry_ok(entry, MENU_FIELDS, f"menus.{name} entry {number}", path, line, report)
            if "name" not in entry and "identifier" not in entry and "pageRef" not in entry:
                report.error(path, line, 1, "config-missing-key", f"menus.{name} entry {number} needs a name",
                             'write name = "Home" and url = "/"')
                entry_ok = False
            if entry_ok:
                fields_ = {"page_ref" if key == "pageRef" else key: value for key, value in entry.items()}
                made.append(MenuEntry(**{"name": entry.get("identifier", ""), **fields_}))
            ok = ok and entry_ok
        made.sort(key=lambda e: (e.weight == 0, e.weight, e.name, e.identifier))
        menus[str(name)] = tuple(made)
    return menus if ok else None


def _entry_ok(entry: dict[str, Any], fields: dict[str, type], what: str, source: str, line: int,
              report: Report) -> bool:
    """Whether every key of one [[array]] table is known and of its type (each one that is
    not is reported)."""
    ok = True
    for key, value in entry.items():
        if key not in fields:
            report.error(source, line, 1, "config-unknown-key", f"unknown key '{key}' in {what}",
                         did_you_mean(key, fields) or f"known keys: {', '.join(fields)}")
            ok = False
        elif not isinstance(value, fields[key]) or isinstance(value, bool) and fields[key] is not bool:
            report.error(source, line, 1, "config-type", f"{what}: '{key}' must be {TYPE_NAMES[fields[key]]}, "
                         f"got {type_name(value)} {value!r}", "")
            ok = False
    return ok


def _versions(entries: list[Any], source: str, line: int, report: Report) -> tuple[DocsVersion, ...] | None:
    """[[versions]] tables: label and url strings, latest a boolean; at most one latest.
    Every entry is checked, so one run reports all their problems; None if there is one."""
    versions: list[DocsVersion] = []
    keys = {"label": str, "url": str, "latest": bool}
    ok = True
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            report.error(source, line, 1, "config-type", f"versions entry {number} must be a table, got "
                         f"{type_name(entry)}", 'write [[versions]] then label = "7.0" and url = "/7.0/"')
            ok = False
            continue
        entry_ok = _entry_ok(entry, keys, f"versions entry {number}", source, line, report)
        if "label" not in entry or "url" not in entry:
            report.error(source, line, 1, "config-missing-key", f"versions entry {number} needs label and url",
                         'write label = "7.0" and url = "/7.0/"')
            entry_ok = False
        if entry_ok:
            url = entry["url"] if entry["url"].endswith("/") else entry["url"] + "/"
            versions.append(DocsVersion(entry["label"], url, bool(entry.get("latest"))))
        ok = ok and entry_ok
    # counted over every entry, also one with another problem, so this is reported with the rest
    if sum(isinstance(entry, dict) and entry.get("latest") is True for entry in entries) > 1:
        report.error(source, line, 1, "config-versions", "more than one version is marked latest = true",
                     "mark only the newest version as latest")
        ok = False
    if not ok:
        return None
    if versions and not any(v.latest for v in versions):  # the first listed is the newest
        versions[0] = DocsVersion(versions[0].label, versions[0].url, True)
    return tuple(versions)


def _example(option: Option) -> str:
    if dict in option.types:
        return "{ name = \"value\" }"
    if isinstance(option.default, bool):
        return "true"
    if list in option.types:
        return "[]"
    return f"\"{option.default}\"" if isinstance(option.default, str) else repr(option.default)

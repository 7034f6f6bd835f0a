"""Site configuration: `site.toml` at the project root, typed and validated.

TOML was chosen because Python reads it without a dependency (tomllib), it is what
Hugo sites already use for `config.toml`, and it has real types (a weight is an
integer, a flag is a boolean) so the validation below can say what came.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Report, did_you_mean

CONFIG_NAME = "site.toml"


@dataclass(frozen=True)
class Option:
    """One configuration key: its type, default and what it is for."""

    types: tuple[type, ...]
    default: Any
    doc: str


OPTIONS: dict[str, Option] = {
    "title": Option((str,), "Documentation", "site title shown in the header and <title>"),
    "base_url": Option((str,), "/", "absolute URL the site is served from; its path is the URL prefix of every page"),
    "theme": Option((str,), "default", "folder name under themes/"),
    "version": Option((str,), "", "version label of these docs, shown in the header"),
    "language": Option((str,), "en", "language code for <html lang>"),
    "edit_url": Option((str,), "", "'edit this page' link; {path} is replaced by the source path, e.g. content/a.md"),
    "content_dir": Option((str,), "content", "folder of documentation pages"),
    "plugins_dir": Option((str,), "plugins-index", "folder of plugin metadata files"),
    "params": Option((dict,), {}, "site parameters, read by the param and field shortcodes"),
    "versions": Option((list,), [], "the documentation versions for the switcher: [[versions]] label, url, latest"),
    "hash_links": Option((bool,), False, "links written '#/path.html' (the Alien4Cloud portal's routes) point at "
                                         "the page of that Jekyll URL"),
}

TYPE_NAMES = {str: "a string", bool: "a boolean", int: "an integer", dict: "a table", list: "an array", float: "a number"}


@dataclass(frozen=True)
class DocsVersion:
    """One entry of the version switcher: where that version's docs are published."""

    label: str
    url: str  # its base URL or path, e.g. "/7.0/" or "https://docs.example.org/7.0/"
    latest: bool = False


@dataclass(frozen=True)
class SiteConfig:
    """The validated configuration; `source` is the file it came from (None: defaults)."""

    title: str = "Documentation"
    base_url: str = "/"
    theme: str = "default"
    version: str = ""
    language: str = "en"
    edit_url: str = ""
    content_dir: str = "content"
    plugins_dir: str = "plugins-index"
    params: dict[str, Any] = field(default_factory=dict)
    versions: tuple["DocsVersion", ...] = ()
    hash_links: bool = False
    source: str | None = None

    @property
    def base_path(self) -> str:
        """The URL path prefix of the site, always starting and ending with '/'."""
        match = re.match(r"^[a-z][a-z0-9+.-]*://[^/]+(/.*)?$", self.base_url, re.I)
        path = (match.group(1) or "/") if match else self.base_url
        if not path.startswith("/"):
            path = "/" + path
        return path if path.endswith("/") else path + "/"

    @property
    def origin(self) -> str:
        """Scheme and host of base_url ('' when base_url is only a path)."""
        match = re.match(r"^([a-z][a-z0-9+.-]*://[^/]+)", self.base_url, re.I)
        return match.group(1) if match else ""


def _key_line(text: str, key: str) -> int:
    """Line of `key = ...` in the TOML text (tomllib keeps no positions)."""
    pattern = re.compile(rf"^[ \t]*(\[[ \t]*)?[\"']?{re.escape(key)}[\"']?\s*(=|\])", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def type_name(value: Any) -> str:
    return TYPE_NAMES.get(type(value), type(value).__name__)


def load_config(project: Path, report: Report) -> SiteConfig | None:
    """Read and validate site.toml; report every problem; None when it is unusable."""
    path = project / CONFIG_NAME
    if not path.exists():
        report.error(CONFIG_NAME, 0, 0, "config-missing", f"no {CONFIG_NAME} in {project}",
                     f"create {CONFIG_NAME} with at least: title = \"My plugins\"")
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
        report.error(CONFIG_NAME, line, col, "config-syntax", f"invalid TOML: {exc}",
                     "check quoting and that every key has a value")
        return None
    values: dict[str, Any] = {}
    ok = True
    for key, value in data.items():
        option = OPTIONS.get(key)
        line = _key_line(text, key)
        if option is None:
            hint = did_you_mean(key, OPTIONS) or f"known keys: {', '.join(sorted(OPTIONS))}"
            report.error(CONFIG_NAME, line, 1, "config-unknown-key", f"unknown key '{key}'", hint)
            ok = False
        elif not isinstance(value, option.types) or isinstance(value, bool) and bool not in option.types:
            expected = " or ".join(TYPE_NAMES[t] for t in option.types)
            report.error(CONFIG_NAME, line, 1, "config-type",
                         f"'{key}' must be {expected} ({option.doc}), got {type_name(value)} {value!r}",
                         f"write for example: {key} = {_example(option)}")
            ok = False
        else:
            values[key] = value
    if "versions" in values:
        versions = _versions(values["versions"], text, report)
        if versions is None:
            return None
        values["versions"] = versions
    if not ok:
        return None
    return SiteConfig(**values, source=CONFIG_NAME)


def _versions(entries: list[Any], text: str, report: Report) -> tuple[DocsVersion, ...] | None:
    """[[versions]] tables: label and url strings, latest a boolean; at most one latest."""
    line = _key_line(text, "versions")
    versions: list[DocsVersion] = []
    fields = {"label": str, "url": str, "latest": bool}
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            report.error(CONFIG_NAME, line, 1, "config-type", f"versions entry {number} must be a table, got "
                         f"{type_name(entry)}", 'write [[versions]] then label = "7.0" and url = "/7.0/"')
            return None
        for key, value in entry.items():
            if key not in fields:
                report.error(CONFIG_NAME, line, 1, "config-unknown-key", f"unknown key '{key}' in versions entry "
                             f"{number}", did_you_mean(key, fields) or "known keys: label, url, latest")
                return None
            if not isinstance(value, fields[key]):
                report.error(CONFIG_NAME, line, 1, "config-type", f"versions entry {number}: '{key}' must be "
                             f"{TYPE_NAMES[fields[key]]}, got {type_name(value)} {value!r}", "")
                return None
        if "label" not in entry or "url" not in entry:
            report.error(CONFIG_NAME, line, 1, "config-missing-key", f"versions entry {number} needs label and url",
                         'write label = "7.0" and url = "/7.0/"')
            return None
        url = entry["url"] if entry["url"].endswith("/") else entry["url"] + "/"
        versions.append(DocsVersion(entry["label"], url, bool(entry.get("latest"))))
    if sum(v.latest for v in versions) > 1:
        report.error(CONFIG_NAME, line, 1, "config-versions", "more than one version is marked latest = true",
                     "mark only the newest version as latest")
        return None
    if versions and not any(v.latest for v in versions):  # the first listed is the newest
        versions[0] = DocsVersion(versions[0].label, versions[0].url, True)
    return tuple(versions)


def _example(option: Option) -> str:
    if dict in option.types:
        return "{ name = \"value\" }"
    if isinstance(option.default, bool):
        return "true"
    return f"\"{option.default}\"" if isinstance(option.default, str) else repr(option.default)

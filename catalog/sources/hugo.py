"""A Hugo project's own configuration as site.toml values: `hugo.toml` / `config.toml` (or
.yaml, .yml, .json, in Hugo's order of precedence) and `config/_default/`, merged as Hugo
merges them, keys lower-cased as Hugo reads them.

What is used: title, baseURL, contentDir, languageCode (else defaultContentLanguage),
params (a DocDock/learn `editURL` also gives the edit link), menu(s), relativeURLs,
canonifyURLs, defaultContentLanguage and languages (the default language's pages are
built, see hugo_languages.py); theme and themesDir only to find the Hugo theme's Go
shortcodes. Every other setting is named in one warning."""
from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from ..config import MENU_FIELDS
from ..diagnostics import Report
from .hugo_languages import default_language_settings, exclude_patterns, other_languages, warn_not_built
from .common import JINJA_LAYOUTS, ForeignConfig, file_format, key_line, lower_keys, parse_file

CONFIG_FILES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json",
                "config.toml", "config.yaml", "config.yml", "config.json")
CONFIG_DIR = "config"
DEFAULT_DIR = "config/_default"
_SUFFIXES = (".toml", ".yaml", ".yml", ".json")
_MENU_KEYS = {field.lower() for field in MENU_FIELDS}  # as Hugo reads them: without regard to case
USED = {"languages", "title", "baseurl", "contentdir", "languagecode", "defaultcontentlanguage", "params", "menu", "menus",
        "relativeurls", "canonifyurls"}


def found(project: Path) -> bool:
    return any((project / name).is_file() for name in CONFIG_FILES) or (project / DEFAULT_DIR).is_dir()


class _Merged:
    """Top-level settings (lower-cased) with where each was written; the first file read wins."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.where: dict[str, tuple[str, int, str]] = {}  # key -> (file, line, as spelled)
        self.texts: dict[str, str] = {}

    def add(self, key: str, value: Any, rel: str, text: str) -> None:
        lowered = key.lower()
        value = lower_keys(value)
        if lowered not in self.values:
            self.values[lowered] = value
            self.where[lowered] = (rel, key_line(text, key.split(".")[0], file_format(rel)), key)
        elif isinstance(self.values[lowered], dict) and isinstance(value, dict):
            self.values[lowered] = _fill(self.values[lowered], value)


def _fill(kept: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """`kept` with the keys of `more` it lacks, at every level (Hugo's merge: the root file wins)."""
    merged = dict(kept)
    for key, value in more.items():
        if key not in merged:
            merged[key] = value
        elif isinstance(merged[key], dict) and isinstance(value, dict):
            merged[key] = _fill(merged[key], value)
    return merged


def read(project: Path, report: Report) -> ForeignConfig | None:
    merged = _Merged()
    root = next((name for name in CONFIG_FILES if (project / name).is_file()), None)
    ok = True
    if root is not None:
        parsed = parse_file(project, root, report)
        if parsed is None:
            ok = False
        else:
            data, merged.texts[root] = parsed
            for key, value in data.items():
                merged.add(str(key), value, root, merged.texts[root])
    per_language: list[tuple[str, str, str, Any]] = []  # (key, language, file, value): menus.en.toml
    folder = project / DEFAULT_DIR
    if folder.is_dir():
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            if not path.is_file() or path.suffix.lower() not in _SUFFIXES:
                continue
            rel = f"{DEFAULT_DIR}/{path.name}"
            parsed = parse_file(project, rel, report)
            if parsed is None:
                ok = False
                continue
            data, text = parsed
            merged.texts[rel] = text
            base, _, language = path.name.rsplit(".", 1)[0].partition(".")
            if base.lower() in ("hugo", "config"):
                for key, value in data.items():
                    merged.add(str(key), value, rel, text)
            elif language:
                per_language.append((base, language, rel, data))
            else:  # params.toml holds the params table, menus.toml the menus, ...
                merged.add(base, data, rel, text)
    if not ok:
        return None
    # the file diagnostics about the whole configuration point at: the root file, else the
    # folder's hugo.* / config.*, else its first file
    files = sorted({file for file, _, _ in merged.where.values()},
                   key=lambda file: (not file.rsplit("/", 1)[-1].startswith(("hugo.", "config.")), file))
    source = root or (files[0] if files else DEFAULT_DIR)
    config = ForeignConfig("hugo", source)
    language = _text(merged.values.get("languagecode")) or _text(merged.values.get("defaultcontentlanguage")) or ""
    default_language = (_text(merged.values.get("defaultcontentlanguage")) or "en").lower()
    for base, lang, rel, data in per_language:
        if lang.lower() == default_language:
            merged.add(base, data, rel, merged.texts[rel])
        else:
            config.unused.append((f"{base}.{lang}", rel, 1))
    own = default_language_settings(merged.values, default_language)
    if own:  # [languages.en]'s title, params, menus, ... over the root's, as Hugo merges them
        file, line, spelled = merged.where["languages"]
        for key, value in own.items():
            kept = merged.values.get(key)
            merged.values[key] = _fill(value, kept) if isinstance(value, dict) and isinstance(kept, dict) else value
            merged.where[key] = (file, key_line(merged.texts.get(file, ""), key, file_format(file), line),
                                 f"{spelled}.{default_language}.{key}")
        language = _text(own.get("languagecode")) or language
    _translate(merged, config, language)
    config.values["content_language"] = default_language
    others = other_languages(merged.values, default_language)
    if others:
        file, line, _ = merged.where["languages"]
        patterns = exclude_patterns(others)
        config.set("content_exclude", patterns, file, line, "languages")
        content_dir = _text(merged.values.get("contentdir")) or "content"
        warn_not_built(project, content_dir, others, file, line, report)
    return config


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _translate(merged: _Merged, config: ForeignConfig, language: str) -> None:
    values, where = merged.values, merged.where

    def put(key: str, value: Any, hugo_key: str) -> None:
        file, line, spelled = where[hugo_key]
        config.set(key, value, file, line, spelled)

    if "title" in values:
        put("title", values["title"], "title")
    if "baseurl" in values:
        put("base_url", values["baseurl"] or "/", "baseurl")
    if language:
        put("language", language, "languagecode" if _text(values.get("languagecode")) else "defaultcontentlanguage")
    if isinstance(values.get("params"), dict):
        params = values["params"]
        edit = params.get("editurl")
        if isinstance(edit, str) and edit:
            # DocDock and hugo-theme-learn link to editURL followed by the page's path under content/
            file, line, _ = where["params"]
            text = merged.texts.get(file, "")
            config.set("edit_url", edit + "{file}", file, key_line(text, "editURL", file_format(file), line),
                       "params.editURL")
    if "contentdir" in values:
        put("content_dir", values["contentdir"], "contentdir")
    config.values["layouts_dir"] = JINJA_LAYOUTS
    config.values["hugo_layouts"] = _go_layouts(values)
    if "relativeurls" in values:
        put("relative_urls", values["relativeurls"], "relativeurls")
    if "canonifyurls" in values:
        put("canonify_urls", values["canonifyurls"], "canonifyurls")
    params = dict(values["params"]) if isinstance(values.get("params"), dict) else {}
    # DocDock's and hugo-theme-learn's `children` list a section's sections and pages at
    # the first level; the default theme lists only the sections when there are any (the
    # variant Cloudify's docs use, which site.toml projects keep). A Hugo project gets
    # what its Hugo theme writes unless its params say otherwise.
    params.setdefault("children_first_level", "all")
    if "params" in values:
        put("params", params, "params")
    else:
        config.values["params"] = params
    menus = _menus(values, where, config)
    if menus:
        put("menus", menus, "menus" if "menus" in values else "menu")
    for key, (file, line, spelled) in sorted(where.items(), key=lambda item: (item[1][0], item[1][1], item[0])):
        if key not in USED:
            config.unused.append((spelled, file, line))
    config.unused.sort(key=lambda item: (item[1] != config.source, item[1], item[2]))  # as written


def _go_layouts(values: dict[str, Any]) -> list[str]:
    """The site's layouts/ and its Hugo theme's: where its Go shortcodes are."""
    themes_dir = _text(values.get("themesdir")) or "themes"
    theme = values.get("theme")
    themes = [theme] if isinstance(theme, str) else [t for t in theme if isinstance(t, str)] \
        if isinstance(theme, list) else []
    return ["layouts"] + [posixpath.normpath(f"{themes_dir}/{name}/layouts") for name in themes if name]


def _menus(values: dict[str, Any], where: dict[str, tuple[str, int, str]], config: ForeignConfig
           ) -> dict[str, list[dict[str, Any]]]:
    """`[[menu.NAME]]` (or menus) entries with the fields this tool knows; the others are named unused."""
    menus: dict[str, list[dict[str, Any]]] = {}
    for key in ("menu", "menus"):
        table = values.get(key)
        if not isinstance(table, dict):
            continue
        file, line, spelled = where[key]
        for name, entries in table.items():
            entries = [entries] if isinstance(entries, dict) else entries
            if not isinstance(entries, list):  # the type error is config_from_values' to report
                menus[name] = entries
                continue
            for entry in entries:
                if not isinstance(entry, dict):
                    menus.setdefault(name, []).append(entry)
                    continue
                kept = {field: entry[field.lower()] for field in MENU_FIELDS if field.lower() in entry}
                for extra in entry:
                    if extra not in _MENU_KEYS and (f"{spelled}.{name}.{extra}", file, line) not in config.unused:
                        config.unused.append((f"{spelled}.{name}.{extra}", file, line))
                menus.setdefault(name, []).append(kept)
    return menus

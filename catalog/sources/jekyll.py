"""A Jekyll project's `_config.yml` as site.toml values.

`title` (or `name`), `url` + `baseurl` (the base URL), `lang`, `exclude` and `permalink` are
used, and `jekyll = true` (Liquid, kramdown, Jekyll's file names and URLs, catalog/jekyll_pages.py);
Jekyll's own build settings (plugins, markdown, ...) are named in one warning;
every other top-level key is a site parameter, as Jekyll exposes it as `site.KEY`.

Where the pages are: Jekyll keeps them at the project root and in its folders, not in
content/, and makes a page only of a file that starts with front matter (it copies the
others as they are). So the content folder is the project root, a Markdown file is a page
only when it starts with `---`, and what Jekyll itself never reads as pages is left out:
names starting with `_` or `.` (`_site`, `_posts`, `_layouts`, ...), Jekyll's default
excludes (vendor, node_modules, Gemfile...), the config's `exclude`, and this tool's own
folders (public/, themes/, static/, plugins-index/, catalog-layouts/). A content/ folder
or a `contentDir` would have made teams move their pages; this rule reads them where they
are, as Jekyll's own reader (its EntryFilter) does."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..diagnostics import Report
from .common import JINJA_LAYOUTS, ForeignConfig, key_line, parse_file

CONFIG_FILES = ("_config.yml", "_config.yaml")

# Jekyll's build settings (jekyllrb.com/docs/configuration/default/ and options): they
# configure Jekyll itself, not the site's pages
SETTINGS = {
    "source", "destination", "collections_dir", "plugins_dir", "layouts_dir", "data_dir", "includes_dir", "sass",
    "collections", "safe", "include", "keep_files", "encoding", "markdown_ext", "strict_front_matter",
    "show_drafts", "limit_posts", "future", "unpublished", "whitelist", "plugins", "gems", "excerpt_separator",
    "incremental", "highlighter", "lsi", "paginate", "paginate_path", "timezone", "quiet", "verbose",
    "defaults", "liquid", "rdiscount", "redcarpet", "kramdown", "markdown", "theme", "remote_theme", "port",
    "host", "livereload", "livereload_port", "webrick", "detach", "profile", "skip_initial_build",
    "show_dir_listing", "disable_disk_cache", "future", "strict_variables", "error_mode", "relative_permalinks",
}
USED = {"title", "name", "url", "baseurl", "lang", "exclude", "permalink"}
# never pages: Jekyll's default `exclude`, and this tool's own folders
DEFAULT_EXCLUDE = ["_*", ".*", "#*", "~*", "vendor", "node_modules", "Gemfile", "Gemfile.lock", "gemfiles",
                   "public", "themes", "static", "plugins-index", JINJA_LAYOUTS]


def found(project: Path) -> bool:
    return any((project / name).is_file() for name in CONFIG_FILES)


def read(project: Path, report: Report) -> ForeignConfig | None:
    rel = next(name for name in CONFIG_FILES if (project / name).is_file())
    parsed = parse_file(project, rel, report)
    if parsed is None:
        return None
    data, text = parsed
    config = ForeignConfig("jekyll", rel)

    def put(key: str, value: Any, setting: str) -> None:
        config.set(key, value, rel, key_line(text, setting, "yaml"), setting)

    title_key = "title" if "title" in data else "name" if "name" in data else None
    if title_key is not None:
        put("title", data[title_key], title_key)
    if "url" in data or "baseurl" in data:
        first = "url" if "url" in data else "baseurl"
        config.set("base_url", _base_url(data.get("url"), data.get("baseurl")), rel, key_line(text, first, "yaml"),
                   "url + baseurl")
    if "lang" in data:
        put("language", data["lang"], "lang")
    config.values["content_dir"] = "."
    exclude = data.get("exclude")
    extra = [str(item) for item in exclude] if isinstance(exclude, list) else []
    excluded = DEFAULT_EXCLUDE + [item for item in extra if item not in DEFAULT_EXCLUDE]
    if "exclude" in data:
        put("content_exclude", excluded, "exclude")
    else:
        config.values["content_exclude"] = excluded
    config.values["front_matter_required"] = True
    config.values["jekyll"] = True
    if isinstance(data.get("permalink"), str):
        put("jekyll_permalink", data["permalink"], "permalink")
    config.values["layouts_dir"] = JINJA_LAYOUTS
    params = {str(key): value for key, value in data.items() if key not in SETTINGS and key not in USED}
    if params:
        config.set("params", params, rel, key_line(text, next(iter(params)), "yaml"), "the other top-level keys")
    for key in data:
        if key in SETTINGS:
            config.unused.append((str(key), rel, key_line(text, str(key), "yaml")))
    config.unused.sort(key=lambda item: item[2])
    return config


def _base_url(url: Any, baseurl: Any) -> Any:
    """Jekyll's site URL: `url` (scheme and host) followed by `baseurl` (the path)."""
    if url is not None and not isinstance(url, str) or baseurl is not None and not isinstance(baseurl, str):
        return url if not isinstance(url, str) else baseurl  # the type error is config_from_values' to report
    path = (baseurl or "").strip("/")
    host = (url or "").rstrip("/")
    return f"{host}/{path}/" if path else f"{host}/"

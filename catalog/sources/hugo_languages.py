"""A Hugo site's `[languages]`: what this tool builds of a multilingual site.

Hugo (0.111) builds every configured language, the default one at the root and each
other under its own prefix (`/fr/docs/install/` from `docs/install.fr.md`). This tool
builds one language: the default one, with its own settings (`[languages.en] title,
languageCode, contentDir, params, menu`) over the root's, as Hugo reads them. The other
languages' files (`NAME.fr.md`) are left out, so they do not show up as pages of the
default language, and one warning names them: a whole second tree (its own sidebar,
search index, menus and language switcher) is more than a build of one language's
documentation needs, and a team can build each language as its own site."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..diagnostics import Report

# the settings of the default language that replace the root's, as Hugo merges them
LANGUAGE_KEYS = ("title", "languagecode", "contentdir", "params", "menu", "menus")


def default_language_settings(values: dict[str, Any], default: str) -> dict[str, Any]:
    """`[languages.DEFAULT]`'s settings this tool uses (keys lower-cased)."""
    languages = values.get("languages")
    if not isinstance(languages, dict):
        return {}
    own = next((v for k, v in languages.items() if str(k).lower() == default), None)
    return {k: v for k, v in own.items() if k in LANGUAGE_KEYS} if isinstance(own, dict) else {}


def other_languages(values: dict[str, Any], default: str) -> list[str]:
    """The configured languages other than the default, in the order written."""
    languages = values.get("languages")
    if not isinstance(languages, dict):
        return []
    return [str(code) for code, settings in languages.items()
            if str(code).lower() != default and not (isinstance(settings, dict) and settings.get("disabled") is True)]


def exclude_patterns(languages: list[str]) -> list[str]:
    return [f"*.{code.lower()}.md" for code in languages]


def warn_not_built(project: Path, content_dir: str, languages: list[str], file: str, line: int,
                   report: Report) -> None:
    """One warning naming the languages left out and their files under the content folder."""
    if not languages:
        return
    suffixes = tuple(f".{code.lower()}.md" for code in languages)
    files: list[str] = []
    root = project / content_dir
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = Path(folder).relative_to(project).as_posix()
        files += [f"{rel}/{name}" for name in sorted(names) if name.lower().endswith(suffixes)]
    shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
    report.warning(file, line, 1, "language-not-built",
                   f"language(s) {', '.join(languages)} not built: only the default language's pages are"
                   + (f"; left out: {shown}" if files else ""),
                   "Hugo would build them under /" + f"{languages[0].lower()}/ ...; build each language as its own "
                   "site (a site.toml with content_language and content_exclude), or remove them from [languages]")

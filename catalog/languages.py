"""Hugo's translation by file name: `install.en.md` is the page `install.md` of the language
`en`. In Hugo (0.111) a file's last suffix before `.md` names its language only when that
language is configured, and the default content language (`en` unless
defaultContentLanguage says otherwise) always is: `install.en.md` is served at
`/install/` and `_index.en.md` is its folder's section page, while `install.fr.md`, with
no `fr` configured, is a page of its own at `/install.fr/`. The other configured
languages' files are left out (see sources/hugo_languages.py)."""
from __future__ import annotations

SECTION_STEMS = ("_index", "index")


def language_stem(rel: str, language: str) -> str | None:
    """The path without `.LANGUAGE.md` ("docs/setup.en.md" -> "docs/setup") when the file is
    written in `language`, else None."""
    suffix = f".{language}.md"
    if not language or not rel.lower().endswith(suffix.lower()):
        return None
    stem = rel[: -len(suffix)]
    return stem if stem and not stem.endswith("/") else None


def is_section_file(rel: str, language: str) -> bool:
    """`_index.en.md` (or `index.en.md`) of the default language: its folder's page."""
    stem = language_stem(rel, language)
    return stem is not None and stem.rsplit("/", 1)[-1] in SECTION_STEMS

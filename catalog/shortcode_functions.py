"""The functions shortcode templates call beyond the core ones (ref, param, markdownify...):
the files a page shows besides its own Markdown (its attachments, another page's source
or summary, a file of the site), Hugo's regular-expression helpers, and `go_print`, a
value written as Hugo's `{{ . }}` writes it (catalog.goprint).

Each function that reads files records what it read in the page's `depends_on`, so the
render cache renders the body again when they change: "files" (every page's source and
every attachment, see page_files.files_fact) or "file:PATH" (one project file, see cache.Facts).
A problem is raised as the caller's `abort` exception, which the renderer reports at
the call with its file and line.
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any, Callable

from .config import SiteConfig
from .content import Page
from .goprint import go_print
from .page_files import (FILE_FACT, attachment_folder, attachments_of, page_body, read_site_file, summary_text,
                         without_shortcodes)


def template_functions(page: Page, project: Path, config: SiteConfig, resolve: Callable[[str], Page | None],
                       render_markdown: Callable[[str], str], depends_on: set[str],
                       abort: Callable[..., Exception]) -> dict[str, Callable[..., Any]]:
    """The functions for one shortcode call on `page`; `resolve` finds a page like a ref
    (reporting a missing one), `abort(message, hint, code=...)` makes the error to raise."""
    content_root = project / config.content_dir

    def attachments(pattern: str = "") -> dict[str, Any]:
        """The page's attachments folder (content-relative), whether it exists, and its files."""
        depends_on.add("files")
        folder = attachment_folder(page, content_root) or ""
        try:
            files = attachments_of(page, content_root, config.base_path, str(pattern or ""))
        except re.error as exc:
            raise abort(f"pattern '{pattern}' is not a regular expression: {exc}",
                        'to match names ending in pdf write pattern=".*pdf"')
        return {"folder": f"{config.content_dir}/{folder}", "exists": (content_root / folder).is_dir(),
                "files": files}

    def source_of(ref: str) -> str | None:
        """Another page's Markdown, found like a ref (a missing page is reported there)."""
        target = resolve(str(ref).partition("#")[0])
        if target is None:
            return None
        depends_on.add("files")
        return page_body(target, content_root)

    def summary(node: Any) -> str:
        """A page's description, else Hugo's automatic summary of its content (children)."""
        target = getattr(node, "_page", node)
        if not isinstance(target, Page) or not target.rel:
            return ""
        if target.description:
            return target.description
        depends_on.add("files")
        return summary_text(render_markdown(without_shortcodes(page_body(target, content_root))))

    def read_file(path: str) -> str:
        """A file of the site by its path relative to the site's folder (Hugo's readFile)."""
        # the file's own digest is the fact: the body is rendered again when that file changes
        depends_on.add(FILE_FACT + posixpath.normpath(str(path).lstrip("/")))
        try:
            return read_site_file(project, str(path))
        except (ValueError, OSError) as exc:
            raise abort(str(exc), "the path is relative to the site's folder, e.g. snippets/install.md",
                        code="include-missing")

    def find_re(pattern: str, text: Any, limit: int = -1) -> list[str]:
        """Hugo's findRE: the matches of `pattern` in `text`, at most `limit` (-1: all)."""
        try:
            found = [match.group(0) for match in re.finditer(str(pattern), str(text))]
        except re.error as exc:
            raise abort(f"findRE: '{pattern}' is not a regular expression: {exc}")
        return found if limit < 0 else found[:limit]

    def replace_re(pattern: str, replacement: str, text: Any) -> str:
        """Hugo's replaceRE; `$1` in the replacement names a group, as in Go."""
        try:
            return re.sub(str(pattern), re.sub(r"\$(\d+)", r"\\\1", str(replacement)), str(text))
        except re.error as exc:
            raise abort(f"replaceRE: '{pattern}' is not a regular expression: {exc}")

    return {"attachments": attachments, "source_of": source_of, "summary": summary, "read_file": read_file,
            "find_re": find_re, "replace_re": replace_re, "go_print": go_print}

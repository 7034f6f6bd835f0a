"""Files a page shows besides its own Markdown: its attachments, another page's source, a
file of the project included as it is.

DocDock's `attachments` lists the files of the folder beside a page (`NAME.files/` for
`NAME.md`, `files/` for a bundle's `index.md` or a section's `_index.md`); Hugo
publishes those files at their path below the content folder, case kept, and the list
links there. `publish_attachments` does the publishing, the shortcode context reads the
listings through `attachments_of`. Bodies that read such files record the fact "files"
(see render_cache.py), whose hash `files_fact` makes from every page's digest and every
attachment's name, size and modification time.
"""
from __future__ import annotations

import html
import os
import posixpath
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from .content import Page, Site
from .content_files import SourceMemo, excluded, ignored_name
from .page_tree import urlize
from .diagnostics import Report
from .hashing import digest
from .jekyll_urls import JEKYLL_MARKDOWN, has_yaml_header, is_html_page
from .output import Output

FILE_FACT = "file:"  # the render-cache fact naming one project file a body read: "file:snippets/install.md"

# the folder names DocDock's template reads: NAME.files beside NAME.md, files/ in a bundle
_BUNDLE_PAGES = ("index.md", "_index.md")


@dataclass(frozen=True)
class Attachment:
    name: str
    url: str  # site-relative, under the base path, percent-encoded
    size: int  # bytes


def attachment_folder(page: Page, content_root: Path | None = None) -> str | None:
    """The attachments folder of `page`, relative to the content folder (it may not exist).
    A section's `_index.md` has `files/`, or `_index.files/` (DocDock's template, which
    names the folder after the file) when only that exists below `content_root`."""
    if not page.rel:
        return None
    folder, _, name = page.rel.rpartition("/")
    prefix = f"{folder}/" if folder else ""
    if name in _BUNDLE_PAGES:
        if (name == "_index.md" and content_root is not None and not (content_root / f"{prefix}files").is_dir()
                and (content_root / f"{prefix}_index.files").is_dir()):
            return f"{prefix}_index.files"
        return f"{prefix}files"
    return f"{prefix}{name.removesuffix('.md')}.files"


def is_attachment_path(rel: str) -> bool:
    """Whether a content-relative path lies in an attachments folder (NAME.files/ or files/)."""
    parts = rel.split("/")[:-1]
    return any(part == "files" or part.endswith(".files") for part in parts)


def _files_in(folder: Path) -> list[Path]:
    """The regular files right inside `folder` (not ignored_name), in byte order of their names (Go's readDir)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name.encode("utf-8", "surrogateescape"))
    except OSError:
        return []
    return [Path(e.path) for e in entries if not ignored_name(e.name) and e.is_file(follow_symlinks=False)]


def attachments_of(page: Page, content_root: Path, base_path: str, pattern: str = "") -> list[Attachment]:
    """The files of the page's attachments folder whose name `pattern` (a regular
    expression, searched as Go's findRE does) matches; raises re.error for a bad pattern."""
    folder = attachment_folder(page, content_root)
    if folder is None:
        return []
    matcher = re.compile(pattern) if pattern else None
    found = []
    for path in _files_in(content_root / folder):
        if matcher is not None and not matcher.search(path.name):
            continue
        found.append(Attachment(path.name, base_path + quote(f"{folder}/{path.name}"), path.stat().st_size))
    return found


def publish_attachments(site: Site, content_root: Path, content_dir: str, output: Output, report: Report,
                        memo: SourceMemo | None = None) -> int:
    """Plan every page's attachments (the files right inside its folder) at their content
    path; returns how many. A file that would collide with a page is reported by `output`.
    `memo`: the files' digests kept from the last build, which spare reading unchanged ones."""
    count = 0
    for page in site.pages:
        folder = attachment_folder(page, content_root)
        if folder is None:
            continue
        for path in _files_in(content_root / folder):
            rel = f"{folder}/{path.name}"
            count += _publish(path, f"{content_dir}/{rel}", rel, output, report, "attachment",
                              f"attachment of {page.source}", memo)
    return count


def _publish(path: Path, source: str, target: str, output: Output, report: Report, noun: str, what: str,
             memo: SourceMemo | None = None) -> int:
    """Plan one file of the content folder at `target`, as it is; 1, or 0 (reported) when it
    cannot be read. With `memo`, a file whose stat says it is unchanged and which the
    published site holds with the same bytes is kept from there, not read and hashed again.
    Not an HTML file: the output may rewrite those (urls.rewriter), so what was published
    is not its bytes."""
    name = str(path)
    remember = memo is not None and not target.endswith(".html")
    if remember:
        assert memo is not None
        known = memo.known_digest(name)
        if known is not None and output.reusable(target, known):
            output.add_previous(target, known, source, report)
            return 1
    try:
        now = time.time_ns()
        stat = os.stat(name)
        data = path.read_bytes()
    except OSError as exc:
        report.error(source, 0, 0, "attachment-unreadable", f"cannot read {noun}: {exc.strerror or exc}",
                     "check the file's permissions")
        return 0
    if output.add(target, data, source, report, what=what) and remember:
        assert memo is not None
        written = output.digest_of(target)  # the sha256 of `data`, which staging it computed
        if written is not None:
            memo.note_digest(name, stat, now, written)
    return 1


# what this tool reads and never publishes, when the content folder is the project root
# (a Jekyll project): its configuration (its cache is a hidden folder, never walked)
_PROJECT_FILES = frozenset({"site.toml"})


def publish_content_files(content_root: Path, content_dir: str, exclude: tuple[str, ...], output: Output,
                          report: Report, jekyll: bool = False, memo: SourceMemo | None = None) -> int:
    """Plan the content folder's other files (not Markdown, not in an attachments folder): a
    Hugo bundle's images and files, a Jekyll site's images, CSS and downloads, which Hugo
    and Jekyll publish beside the pages. Each keeps its name; its folders are lower-cased
    as the pages' URLs are, so `Blog/post/pic.png` lies beside the page `/blog/post/`.
    Returns how many; a file that would collide with a page is reported by `output`. In a
    Jekyll project an HTML file with front matter is a page (content_files.py), not copied."""
    def skipped(rel: str, folder: bool) -> bool:  # an excluded folder (public/, node_modules/) is not walked
        return (rel in _PROJECT_FILES or is_attachment_path(rel + "/" if folder else rel)
                or bool(exclude and excluded(rel, exclude))
                or not folder and jekyll and is_html_page(rel) and has_yaml_header(content_root / rel))

    count = 0
    for rel, path in _other_files(content_root, "", skipped):
        count += _publish(path, f"{content_dir}/{rel}", content_file_target(rel), output, report, "the file",
                          "file of the content folder", memo)
    return count


def content_file_target(rel: str) -> str:
    """Where a content file that is no page is published: its folders lower-cased as the
    pages' URLs are, its name as it is."""
    folder, _, name = rel.rpartition("/")
    return f"{urlize(folder)}/{name}" if folder else name


def _other_files(root: Path, prefix: str, skipped: Callable[[str, bool], bool]) -> list[tuple[str, Path]]:
    """(content path, path) of the visible regular files below `root` that are not Markdown
    and not `skipped`, in name order; skipped and linked folders are not entered, special
    files (a FIFO) never read."""
    found: list[tuple[str, Path]] = []
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name.encode("utf-8", "surrogateescape"))
    except OSError:
        return found
    for entry in entries:
        rel = prefix + entry.name
        if ignored_name(entry.name):
            continue
        if entry.is_dir(follow_symlinks=False):
            if not skipped(rel, True):
                found.extend(_other_files(Path(entry.path), rel + "/", skipped))
        elif entry.is_file(follow_symlinks=False) and not entry.name.endswith(JEKYLL_MARKDOWN) \
                and not skipped(rel, False):  # Markdown is pages (a Jekyll site's .markdown too)
            found.append((rel, Path(entry.path)))
    return found


def files_fact(site: Site, content_root: Path) -> str:
    """The hash of what bodies that read other files see: every page's source digest and
    every attachment's name, size and modification time."""
    listing: list[list[object]] = [[page.rel, page.digest] for page in site.pages]
    for page in site.pages:
        folder = attachment_folder(page, content_root)
        if folder is not None:
            for path in _files_in(content_root / folder):
                stat = path.stat()
                listing.append([posixpath.join(folder, path.name), stat.st_size, stat.st_mtime_ns])
    return digest(listing)


def page_body(page: Page, content_root: Path) -> str:
    """A page's Markdown body read again from its file (a rendered page lets go of its own)."""
    if not page.rel:
        return ""
    text = (content_root / page.rel).read_text(encoding="utf-8-sig", errors="replace")
    return "".join(text.splitlines(keepends=True)[page.body_line - 1:])


def read_site_file(project: Path, path: str) -> str:
    """A file of the project by its path relative to the project (Hugo's readFile), which
    must stay inside it; raises ValueError with the reason."""
    root = project.resolve()
    target = (root / path.lstrip("/")).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"'{path}' is outside the project")
    if not target.is_file():
        raise ValueError(f"no file '{path}' in the project")
    return target.read_text(encoding="utf-8-sig", errors="replace")


_SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}", re.S)
_TAG = re.compile(r"<[^>]+>")
SUMMARY_WORDS = 70  # Hugo's summaryLength


def summary_text(markdown_html: str) -> str:
    """Hugo's automatic summary of rendered content: its plain text cut after 70 words,
    then on to the end of that sentence (TruncateWordsToWholeSentence)."""
    words = html.unescape(_TAG.sub(" ", markdown_html)).split()
    if len(words) <= SUMMARY_WORDS:
        return " ".join(words)
    cut = SUMMARY_WORDS
    while cut < len(words) and not words[cut - 1].endswith((".", "!", "?")):
        cut += 1
    return " ".join(words[:cut])


def without_shortcodes(markdown: str) -> str:
    """Markdown with its shortcode tags taken out (their content stays)."""
    return _SHORTCODE.sub("", markdown)

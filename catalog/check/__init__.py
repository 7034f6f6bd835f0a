"""`catalog check public/`: verify a built site offline, as a host would serve it.

Stages, top to bottom: list the folder's files and find its base path and origin (from
the canonical links); scan every HTML page once for ids and links, checking each link's
file; then the #fragments to other pages; then the index files (schema, sha256 and
size of every hosted file, URLs); then every copy of the index's facts (the root's
titles and latest releases, the legacy and Marketplace files, the plugin pages) against
the verified plugin files; then `_redirects`, `sitemap.xml` and `robots.txt`; then that
the files every build writes are there, fingerprinted assets match their names and the
search index is well formed.
Every problem is collected; the command fails at the end if any is an error.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, Report
from ..excerpts import SourceExcerpts
from .hosting import HostingChecker
from .links import LinkChecker
from .site import BuiltSite

__all__ = ["CheckResult", "add_check_arguments", "check", "check_site", "run_check"]


@dataclass
class CheckResult:
    """The problems found (sorted) and what was looked at."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    base_path: str = "/"
    files: int = 0
    pages: int = 0
    links: int = 0
    index_files: int = 0
    hosted_files: int = 0
    redirects: int = 0
    not_checked: int = 0  # links to paths outside the base path (another build serves them)
    seconds: float = 0.0
    signature: str = ""   # with --trust: what the verified index signature says

    def errors(self, strict: bool = False) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error" or strict]

    def summary(self) -> str:
        errors = len(self.errors())
        warnings = len(self.diagnostics) - errors
        found = "no problems" if not self.diagnostics else _count(len(self.diagnostics), "problem") + (
            f" ({_count(errors, 'error')}, {_count(warnings, 'warning')})" if errors and warnings else "")
        looked = (f"{self.pages} pages, {self.links} links, {self.index_files} index files, "
                  f"{self.hosted_files} hosted files, {self.redirects} redirects")
        skipped = (f"; {_count(self.not_checked, 'link')} outside {self.base_path} not checked"
                   if self.not_checked else "")
        return f"checked {_count(self.files, 'file')} ({looked}) in {self.seconds:.2f}s: {found}{skipped}"


def check(root: Path, base_path: str | None = None, skip: tuple[str, ...] = (),
          trust: tuple[Path, ...] = ()) -> CheckResult:
    """Check the built site in `root`. `base_path` (e.g. '/7.0/') overrides the one the
    canonical links give; URL paths under a `skip` prefix belong to another build; with
    `trust` (pinned .pub files) the index's signature must verify."""
    started = time.perf_counter()
    report = Report()
    site = BuiltSite.scan(root, base_path, skip, report)

    links = LinkChecker(site, report)
    for rel in sorted(site.files):
        if rel.endswith((".html", ".htm")):
            links.check_page(rel)
    links.check_fragments()

    from .copies import CopyChecker  # imports jsonschema: only when a check runs, not for `catalog --help`
    from .indexes import IndexChecker
    from .published import PublishedChecker

    indexes = IndexChecker(site, report)
    indexes.check()
    CopyChecker(site, report, indexes).check()

    hosting = HostingChecker(site, report)
    hosting.check()
    PublishedChecker(site, report).check()

    from .signature import check_signature, check_signature_file
    signature = ""
    if trust:
        verified = check_signature(site, list(trust), report)
        if verified is not None:
            signature = (f"index signature verified: version {verified.version}, expires {verified.expires}, "
                         f"key {', '.join(k[:16] for k in verified.signed_by)}")
    else:
        check_signature_file(site, report)

    return CheckResult(signature=signature,
        diagnostics=report.sorted(), base_path=site.base_path, files=len(site.files),
        pages=links.stats.pages, links=links.stats.links, index_files=indexes.stats.files,
        hosted_files=indexes.stats.hosted, redirects=links.stats.redirects + hosting.stats.redirects,
        not_checked=links.stats.outside + hosting.stats.outside, seconds=time.perf_counter() - started)


def check_site(root: Path, base_path: str | None = None, skip: tuple[str, ...] = ()) -> list[Diagnostic]:
    """Every problem of the built site in `root`, sorted by file, line and column."""
    return check(root, base_path, skip).diagnostics


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site", type=Path, nargs="?", default=Path("public"),
                        help="the built site folder (default: public)")
    parser.add_argument("--base-path", default=None, metavar="PATH",
                        help="URL path the site is served under, e.g. /7.0/ (default: from the pages' "
                             "canonical links, else /)")
    parser.add_argument("--skip", action="append", default=[], metavar="PATH",
                        help="URL path prefix served by another build, e.g. /6.5/: links there are not "
                             "checked (repeatable)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--trust", action="append", type=Path, default=[], metavar="FILE.pub",
                        help="verify the download index's signature and expiry with this pinned public key "
                             "(repeatable)")


def run_check(args: argparse.Namespace) -> int:
    root: Path = args.site
    if not root.is_dir():
        print(f"catalog check: {root} is not a folder; build the site first (catalog build)", file=sys.stderr)
        return 2
    result = check(root, args.base_path, tuple(args.skip), tuple(args.trust))
    sources = SourceExcerpts(root, names_from=Path.cwd())  # diagnostics name 'public/a/index.html'
    for diagnostic in result.diagnostics:
        print(sources.format(diagnostic))
    if result.signature:
        print(result.signature)
    print(result.summary())
    return 1 if result.errors(args.strict) else 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")

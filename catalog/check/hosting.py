"""The files for the host and for crawlers: every `_redirects` rule leads to a file,
and every URL in `sitemap.xml` and `robots.txt` is a file of the site.

`_redirects` is Netlify's format: `from [key=value ...] to [status[!]] [conditions]`, one
rule a line, `#` lines are comments. A target with placeholders (`:name`, `:splat`) is
fine when at least one file matches it with the placeholders as wildcards.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..diagnostics import Report
from .site import BuiltSite, Target

_STATUS = re.compile(r"^\d{3}!?$")
_PLACEHOLDER = re.compile(r":([A-Za-z_]\w*)")
_LOC = re.compile(r"<loc>\s*(.*?)\s*</loc>", re.S)
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)


@dataclass(frozen=True)
class Rule:
    """One `_redirects` line."""

    line: int
    source: str
    query: tuple[str, ...]
    target: str
    target_col: int
    status: int
    forced: bool


def parse_redirects(text: str, report: Report, display: str) -> list[Rule]:
    rules = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        tokens = [(m.group(), m.start() + 1) for m in re.finditer(r"\S+", raw)]
        source, i = tokens[0][0], 1
        query = []
        while i < len(tokens) and "=" in tokens[i][0] and not tokens[i][0].startswith(("/", "http:", "https:")):
            query.append(tokens[i][0])
            i += 1
        if i >= len(tokens):
            report.error(display, number, len(raw) + 1, "redirect-syntax", f"rule '{raw.strip()}' has no target",
                         "write FROM TO [STATUS], e.g. /old/ /new/ 301")
            continue
        target, col = tokens[i]
        status, forced = 301, False
        if i + 1 < len(tokens) and _STATUS.match(tokens[i + 1][0]):
            status, forced = int(tokens[i + 1][0][:3]), tokens[i + 1][0].endswith("!")
        rules.append(Rule(number, source, tuple(query), target, col, status, forced))
    return rules


@dataclass
class HostingStats:
    redirects: int = 0  # rules read
    outside: int = 0    # targets another build serves: not checked


class HostingChecker:
    """Checks `_redirects`, `sitemap.xml` and `robots.txt`, after the pages (it needs their ids)."""

    def __init__(self, site: BuiltSite, report: Report) -> None:
        self.site = site
        self.report = report
        self.stats = HostingStats()

    def check(self) -> None:
        if "_redirects" in self.site.files:
            self.check_redirects("_redirects")
        if "sitemap.xml" in self.site.files:
            self.check_listed("sitemap.xml", _LOC)
        if "robots.txt" in self.site.files:
            self.check_listed("robots.txt", _SITEMAP_LINE)

    def _read(self, rel: str) -> str:
        return (self.site.root / rel).read_bytes().decode("utf-8", errors="replace")

    def check_redirects(self, rel: str) -> None:
        display = self.site.display(rel)
        rules = parse_redirects(self._read(rel), self.report, display)
        self.stats.redirects += len(rules)
        for rule in rules:
            defined = set(_PLACEHOLDER.findall(rule.source)) | ({"splat"} if "*" in rule.source else set())
            defined |= {value[1:] for pair in rule.query for value in pair.split("=", 1)[1:] if value.startswith(":")}
            used = set(_PLACEHOLDER.findall(_path_part(rule.target)))
            if used - defined:
                self.report.error(display, rule.line, rule.target_col, "redirect-syntax",
                                  f"the target uses :{', :'.join(sorted(used - defined))}, which the rule does not "
                                  "define", "define it in FROM (/a/:name) or in the query (name=:name)")
                continue
            if used:
                self.check_pattern(display, rule)
            else:
                self.check_target(display, rule)
            self.check_shadowed(display, rule)
        self.check_loops(display, rules)

    def check_target(self, display: str, rule: Rule) -> None:
        target = self.site.resolve(rule.target, self.site.base_path)
        if target is None:
            return
        if target.outside:
            self.stats.outside += 1
            return
        problem = self.site.missing(target)
        if problem:
            self.report.error(display, rule.line, rule.target_col, "redirect-missing",
                              f"rule '{rule.source}' redirects to '{rule.target}', but {problem}",
                              self.site.suggest(target.path) or "fix the target or remove the rule")

    def check_pattern(self, display: str, rule: Rule) -> None:
        """A target with placeholders: at least one file must match it."""
        marked = _PLACEHOLDER.sub(lambda m: "SPLATMARK" if m.group(1) == "splat" else "NAMEMARK", rule.target)
        target = self.site.resolve(marked, self.site.base_path)
        if target is None or target.outside:
            return
        pattern = re.compile(re.escape(target.path).replace("SPLATMARK", ".*").replace("NAMEMARK", "[^/]+"))
        if not any(pattern.fullmatch(served) for served in _served_paths(self.site.files)):
            shown = target.path.replace("SPLATMARK", "*").replace("NAMEMARK", "*")
            self.report.error(display, rule.line, rule.target_col, "redirect-missing",
                              f"rule '{rule.source}' leads to '{rule.target}', but no file of the site "
                              f"matches '{self.site.base_path}{shown}'",
                              "fix the target pattern or publish the files it names")

    def check_shadowed(self, display: str, rule: Rule) -> None:
        """Netlify serves an existing file instead of applying an unforced rule from its path."""
        if rule.forced or "*" in rule.source or ":" in rule.source or rule.status == 404:
            return
        source = self.site.resolve(rule.source, self.site.base_path)
        if source is not None and not source.outside and source.file:
            self.report.warning(display, rule.line, 1, "redirect-shadowed",
                                f"rule '{rule.source}' never applies on Netlify: "
                                f"{source.file} is served at that path and the rule is not forced",
                                f"force it with '{rule.status}!', or remove the file")

    def check_loops(self, display: str, rules: list[Rule]) -> None:
        """Redirects between fixed paths that come back to where they started."""
        step: dict[str, Rule] = {}
        for rule in rules:
            if rule.query or not 300 <= rule.status < 400 or "*" in rule.source or ":" in rule.source:
                continue
            key = _key(self.site.resolve(rule.source, self.site.base_path))
            if key:
                step.setdefault(key, rule)
        for start, first in step.items():
            seen, here = {start}, first
            while True:
                following = _key(self.site.resolve(here.target, self.site.base_path))
                if following == start:
                    self.report.error(display, first.line, 1, "redirect-loop",
                                      f"rule '{first.source}' leads back to itself"
                                      + (f" through {len(seen) - 1} other rule(s)" if len(seen) > 1 else ""),
                                      "point the rule at the page that exists now")
                    break
                if following in seen or following not in step:
                    break
                seen.add(following)
                here = step[following]

    def check_listed(self, rel: str, pattern: re.Pattern[str]) -> None:
        """The URLs of sitemap.xml (<loc>) and robots.txt (Sitemap:) lead to files of the site."""
        text = self._read(rel)
        for match in pattern.finditer(text):
            url = html.unescape(match.group(1))
            target = self.site.resolve(url, self.site.base_path)
            if target is None or target.outside or target.file:
                continue
            line = text.count("\n", 0, match.start(1)) + 1
            self.report.error(self.site.display(rel), line, match.start(1) - text.rfind("\n", 0, match.start(1)),
                              "link-missing",
                              f"lists '{url}', but the site has no file for '{self.site.base_path}{target.path}'",
                              self.site.suggest(target.path) or "the build writes this file; rebuild the site")


def _path_part(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0]


def _served_paths(files: set[str]):
    """Every file, and every folder with an index.html as the URL paths that serve it."""
    for name in files:
        yield name
        if name == "index.html" or name.endswith("/index.html"):
            yield name[: -len("index.html")]
            yield name[: -len("/index.html")]


def _key(target: Target | None) -> str:
    """What a path is served from, so '/a' and '/a/' count as the same place."""
    if target is None or target.outside:
        return ""
    return target.file or target.path

"""What the Hugo and Jekyll readers share: reading a TOML, YAML or JSON file with located
errors, finding the line of a key, and the translated configuration they return."""
from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import report_toml_error
from ..diagnostics import Report

# the folders of this tool in a Hugo or Jekyll project, whose own `layouts/` (Go templates)
# or `_layouts/` (Liquid) mean something else: this tool's Jinja2 templates go here
JINJA_LAYOUTS = "catalog-layouts"


@dataclass
class ForeignConfig:
    """A Hugo or Jekyll configuration translated into site.toml values."""

    kind: str  # "hugo" | "jekyll"
    source: str  # the main configuration file, relative to the project
    values: dict[str, Any] = field(default_factory=dict)  # site.toml keys, as config.OPTIONS names them
    # site.toml key -> (file, line, the setting it came from as the file spells it)
    origins: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    unused: list[tuple[str, str, int]] = field(default_factory=list)  # (setting as spelled, file, line)

    def set(self, key: str, value: Any, file: str, line: int, setting: str) -> None:
        self.values[key] = value
        self.origins.setdefault(key, (file, line, setting))

    def locate(self, key: str) -> tuple[str, int]:
        file, line, _ = self.origins.get(key, (self.source, 1, ""))
        return file, line

    def warn_unused(self, report: Report) -> None:
        """ONE warning naming every setting this tool does not use, at the first of them:
        Hugo and Jekyll build through settings they do not know, and so does this."""
        if not self.unused:
            return
        names = [name if file == self.source else f"{name} ({file})" for name, file, _ in self.unused]
        file, line = min(((f, ln) for _, f, ln in self.unused), key=lambda at: (at[0] != self.source, at))
        engine = "Hugo" if self.kind == "hugo" else "Jekyll"
        report.warning(file, line, 1, "config-unused",
                       f"{len(names)} {engine} setting(s) not used by catalog: {', '.join(names)}",
                       f"the pages are rendered by catalog's own theme and Markdown; these only mean something "
                       f"to {engine} (`catalog import {self.kind}` writes the settings catalog uses into site.toml)")


class _NotRaised(Exception):
    """What parse_file catches as a YAML error where it parses no YAML."""


def parse_file(project: Path, rel: str, report: Report) -> tuple[dict[str, Any], str] | None:
    """(data, text) of a TOML, YAML or JSON mapping; None when unreadable (reported, located)."""
    path = project / rel
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        report.error(rel, 1, 1, "config-syntax", f"file is not UTF-8: {exc.reason}", "save the file as UTF-8")
        return None
    except OSError as exc:
        report.error(rel, 0, 0, "config-syntax", f"cannot read: {exc.strerror or exc}", "")
        return None
    fmt = file_format(rel)
    yaml_error: type[Exception] = _NotRaised
    try:
        if fmt == "toml":
            data: Any = tomllib.loads(text)
        elif fmt == "json":
            data = json.loads(text) if text.strip() else {}
        else:
            import yaml  # here: a TOML or JSON configuration's build never loads it (issue 20)
            yaml_error = yaml.YAMLError
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except tomllib.TOMLDecodeError as exc:
        report_toml_error(rel, exc, report)
        return None
    except json.JSONDecodeError as exc:
        report.error(rel, exc.lineno, exc.colno, "config-syntax", f"invalid JSON: {exc.msg}",
                     "check commas, quotes and brackets")
        return None
    except yaml_error as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        report.error(rel, line, col, "config-syntax", f"invalid YAML: {getattr(exc, 'problem', None) or exc}",
                     "check the indentation and quoting")
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        report.error(rel, 1, 1, "config-type", f"the configuration must be a mapping of settings, got "
                     f"{type(data).__name__}", "write one setting per line: title = \"My docs\"")
        return None
    return data, text


def file_format(rel: str) -> str:
    suffix = rel.rsplit(".", 1)[-1].lower()
    return {"toml": "toml", "json": "json"}.get(suffix, "yaml")


def key_line(text: str, key: str, fmt: str, after: int = 1) -> int:
    """The line where `key` is written (case-insensitively, as Hugo reads keys), at or after
    line `after`; 1 when not found (the parsers keep no positions)."""
    k = re.escape(key)
    if fmt == "toml":
        pattern = rf"^[ \t]*(?:\[+[ \t]*)?[\"']?{k}[\"']?[ \t]*(?:=|\]|\.)"
    elif fmt == "json":
        pattern = rf"\"{k}\"\s*:"
    else:
        pattern = rf"^[ \t]*[\"']?{k}[\"']?[ \t]*:"
    start = 0
    if after > 1:
        start = _line_offset(text, after)
    match = re.compile(pattern, re.M | re.I).search(text, start)
    if match is None and after > 1:
        match = re.compile(pattern, re.M | re.I).search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _line_offset(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset


def lower_keys(value: Any) -> Any:
    """Keys lower-cased at every level, as Hugo reads its configuration."""
    if isinstance(value, dict):
        return {str(k).lower(): lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [lower_keys(item) for item in value]
    return value

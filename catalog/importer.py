"""`catalog import hugo|jekyll [DIR]`: write the site.toml equivalent to a Hugo or Jekyll
project's own configuration, for a team that moves to catalog for good. The file is
commented (each key with what it is for and the setting it came from) and in a stable
order (config.OPTIONS'), and builds the same site as the configuration it replaces."""
from __future__ import annotations

import argparse
import datetime
import json
import math
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

from .config import CONFIG_NAME, OPTIONS, config_from_values
from .diagnostics import Report
from .excerpts import SourceExcerpts
from .sources import READERS, ForeignConfig, read_foreign


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=sorted([*READERS, "legacy"]),
                        help="the engine whose configuration to read, or 'legacy' for plugins.json files")
    parser.add_argument("paths", type=Path, nargs="*", metavar="PATH",
                        help="hugo/jekyll: the project folder (default: .); legacy: the plugins.json and/or "
                             "v2_plugins.json files to import")
    parser.add_argument("--force", action="store_true", help="replace an existing site.toml (legacy: existing "
                                                             "plugins-index/ files that differ)")
    from .plugins.importer import add_legacy_arguments
    add_legacy_arguments(parser)


def run_import(args: argparse.Namespace) -> int:
    if args.kind == "legacy":
        from .plugins.importer import run_legacy_import
        return run_legacy_import(args)
    if len(args.paths) > 1:
        print(f"error: `catalog import {args.kind}` reads one project folder, got {len(args.paths)} paths "
              "[import-arguments]", file=sys.stderr)
        return 2
    project: Path = args.paths[0] if args.paths else Path(".")
    target = project / CONFIG_NAME
    if target.exists() and not args.force:
        print(f"error: {target} exists already; catalog reads it instead of the {args.kind.title()} configuration "
              f"[import-exists]\n    hint: pass --force to replace it", file=sys.stderr)
        return 1
    if not READERS[args.kind].found(project):
        names = ", ".join(READERS[args.kind].CONFIG_FILES)
        print(f"error: no {args.kind.title()} configuration in {project} (looked for {names}) [import-missing]",
              file=sys.stderr)
        return 1
    report = Report()
    foreign = read_foreign(project, args.kind, report)
    if foreign is not None:
        config_from_values(foreign.values, foreign.source, foreign.locate, report)  # checked before written
    sources = SourceExcerpts(project)
    for diagnostic in report.sorted():
        print(sources.format(diagnostic), file=sys.stderr)
    if foreign is None or report.failed():
        print(f"import failed: {len(report.errors())} error(s); {target} not written", file=sys.stderr)
        return 1
    target.write_text(site_toml(foreign), encoding="utf-8")
    unused = f"; not carried over: {', '.join(name for name, _, _ in foreign.unused)}" if foreign.unused else ""
    print(f"wrote {target} from {foreign.source}{unused}", file=sys.stderr)
    return 0


def site_toml(foreign: ForeignConfig) -> str:
    """The commented site.toml text of a translated configuration."""
    engine = foreign.kind.title()
    lines = [f"# catalog's site configuration, written by `catalog import {foreign.kind}` from {foreign.source}.",
             f"# catalog reads this file, and no longer the {engine} configuration, while it exists.",
             "# The keys are described in content/writing/site-configuration.md of catalog's documentation."]
    if foreign.unused:
        lines += textwrap.wrap(f"{engine} settings catalog does not use (left out): "
                               + ", ".join(name for name, _, _ in foreign.unused), 100,
                               initial_indent="# ", subsequent_indent="#   ")
    tables: list[tuple[str, Any]] = []
    for key, option in OPTIONS.items():
        if key not in foreign.values:
            continue
        value = foreign.values[key]
        if isinstance(value, dict):
            tables.append((key, value))
            continue
        written = _value(value)
        if isinstance(value, (list, tuple)) and len(written) > 100:  # one item a line
            written = "[\n" + "".join(f"    {_value(item)},\n" for item in value) + "]"
        lines += ["", _comment(key, option.doc, foreign), f"{_key(key)} = {written}"]
    for key, table in tables:
        lines += ["", _comment(key, OPTIONS[key].doc, foreign)]
        if key == "menus":
            for name, entries in table.items():
                for entry in entries:
                    lines += ["", f"[[menus.{_key(name)}]]"] + _pairs(entry)
        else:
            lines += _table([key], table)
    return "\n".join(lines) + "\n"


def _comment(key: str, doc: str, foreign: ForeignConfig) -> str:
    origin = foreign.origins.get(key)
    came = f" (from {origin[2]})" if origin and origin[2] else ""
    return "\n".join(textwrap.wrap(f"{doc}{came}", 100, initial_indent="# ", subsequent_indent="# "))


def _table(path: list[str], table: dict[str, Any]) -> list[str]:
    """A [table] with its plain keys, then its sub-tables (TOML needs them in that order)."""
    lines = [f"[{'.'.join(_key(part) for part in path)}]"]
    lines += _pairs({k: v for k, v in table.items() if not isinstance(v, dict)})
    for key, value in table.items():
        if isinstance(value, dict):
            lines += [""] + _table(path + [key], value)
    return lines


def _pairs(table: dict[str, Any]) -> list[str]:
    lines = []
    for key, value in table.items():
        if value is None:  # YAML's null: TOML has none, and a missing key reads the same
            lines.append(f"# {_key(key)} is null in the original configuration: left out")
        else:
            lines.append(f"{_key(key)} = {_value(value)}")
    return lines


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: Any) -> str:
    text = str(key)
    return text if _BARE.match(text) else json.dumps(text, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else "nan" if math.isnan(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(item) for item in value if item is not None) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None) + " }"
    return json.dumps(str(value), ensure_ascii=False)

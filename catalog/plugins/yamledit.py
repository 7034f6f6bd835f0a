"""Editing a plugins-index file in place: the commands that change one (`catalog release
add|yank|deprecate|refresh`) keep its comments, key order, quoting and layout, so the
diff a maintainer reviews is only the change.

ruamel.yaml's round-trip mode reads the comments and layout with the data and writes
them back; PyYAML (which the build reads with) drops comments and re-flows everything.
The indentation of the sequences is read from the file itself (the catalog's own files
write `  - ` under `releases:`, other teams may write `- ` flush), and lines are never
re-wrapped.

Every edit is checked like `catalog build` checks the file (metadata.py's validation,
on the new text) before anything is written, and the file is replaced atomically: a
refused edit leaves it byte-identical.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ..diagnostics import Diagnostic, Report

_SEQUENCE_ITEM = re.compile(r"^( *)- ", re.M)
_KEY = re.compile(r"^( *)[A-Za-z_][A-Za-z0-9_]*:", re.M)


class EditError(Exception):
    """The edit is refused; the file is left as it was."""


def _yaml(text: str) -> YAML:
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 1 << 16          # never re-wrap a long URL or description line
    offset, mapping = _layout(text)
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    return yaml


def _layout(text: str) -> tuple[int, int]:
    """(offset of '- ' under its key, mapping indentation) as the file writes them."""
    lines = text.splitlines()
    offset, mapping = 2, 2
    for number, line in enumerate(lines):
        if line.rstrip().endswith(":") and not line.lstrip().startswith(("#", "-")):
            key_indent = len(line) - len(line.lstrip())
            following = next((text for text in lines[number + 1:]
                              if text.strip() and not text.lstrip().startswith("#")), "")
            item = _SEQUENCE_ITEM.match(following)
            if item:
                offset = len(item.group(1)) - key_indent
                break
    # a top-level key holding a mapping (`deprecated:` in a release is not top-level: its
    # indentation also counts the sequence's)
    for number, line in enumerate(lines[:-1]):
        if _KEY.match(line) and not _KEY.match(line).group(1) and line.rstrip().endswith(":"):
            key = _KEY.match(lines[number + 1])
            if key and key.group(1):
                mapping = len(key.group(1))
                break
    return max(offset, 0), mapping if mapping in (2, 4) else 2


def load(path: Path) -> tuple[Any, str, YAML]:
    """(round-trip document, text, the YAML instance that writes it back as it was read)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EditError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EditError(f"{path}: cannot read it: {exc}") from None
    yaml = _yaml(text)
    try:
        document = yaml.load(text)
    except YAMLError as exc:
        raise EditError(f"{path}: not valid YAML: {exc}") from None
    if not hasattr(document, "get"):
        raise EditError(f"{path}: not a plugin file (a mapping of keys)")
    return document, text, yaml


def dumps(document: Any, yaml: YAML) -> str:
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def check(path: Path, text: str, source: str = "") -> list[Diagnostic]:
    """The diagnostics `catalog build` reports for this text as `path` (whose folder local paths
    are relative to); `source` names the file in them."""
    from .metadata import _PluginFile  # the build's own validation, not a copy of it
    report = Report()
    _PluginFile(path, source or path.name, report, {}).load(text.encode("utf-8"))
    return report.items


def write_checked(path: Path, text: str, source: str = "") -> list[Diagnostic]:
    """Write `text` to `path` if the build would accept it; returns its warnings. EditError, and
    nothing written, when the build would report an error."""
    diagnostics = check(path, text, source)
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise EditError("the edited file would not build; nothing written:\n"
                        + "\n".join(d.format() for d in errors))
    write_atomic(path, text)
    return diagnostics


def write_atomic(path: Path, text: str) -> None:
    """Replace the file in one step: a reader never sees half of it, a failure leaves the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""A Jekyll project's `_data/` folder: its YAML and JSON files, which Liquid reads as
`site.data.NAME` (liquid.py), and what is wrong with them, reported once a build.

Jekyll stops its build on a data file it cannot parse; so does this, with the file, line
and column of the problem, where a page's Liquid would otherwise see the data missing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .regular_files import read_regular_file
from .diagnostics import Report

MAX_INCLUDE_BYTES = 8 * 1024 * 1024  # an include or a data file is small; a larger one is a mistake
_MAX_VALUES = 100_000  # values a data file may hold, aliases counted each time they are used
_SUFFIXES = (".yml", ".yaml", ".json")


@dataclass
class DataFolder:
    """`site.data`, the files read (project-relative) and the problems (path, line, col, message)."""

    data: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    problems: list[tuple[str, int, int, str]] = field(default_factory=list)


def load_data(folder: Path, project: Path) -> DataFolder:
    """Every data file below `folder`, by name (`_data/team/people.yml` is `team.people`)."""
    import json

    import yaml
    loaded = DataFolder()
    if not folder.is_dir():
        return loaded
    for path in sorted(folder.rglob("*")):
        if path.suffix not in _SUFFIXES or not path.is_file():
            continue
        rel = path.relative_to(project).as_posix()
        loaded.files.append(rel)
        try:
            text = read_bounded(path).decode("utf-8")
            value = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except OSError as exc:
            loaded.problems.append((rel, 0, 0, f"cannot read the data file: {exc.strerror or exc}"))
            continue
        except UnicodeDecodeError as exc:
            line = exc.object.count(b"\n", 0, exc.start) + 1  # where the byte is, as pages' encoding errors
            loaded.problems.append((rel, line, exc.start - exc.object.rfind(b"\n", 0, exc.start),
                                    f"the data file is not UTF-8 text (byte {exc.start})"))
            continue
        except json.JSONDecodeError as exc:
            loaded.problems.append((rel, exc.lineno, exc.colno, f"the data file is not valid JSON: {exc.msg}"))
            continue
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            loaded.problems.append((rel, line, col, f"the data file is not valid YAML: {reason}"))
            continue
        except (ValueError, RecursionError):
            loaded.problems.append((rel, 0, 0, "the data file nests too deeply to read"))
            continue
        if _too_many_values(value):  # YAML aliases that would expand without end when printed
            loaded.problems.append((rel, 0, 0, f"the data file holds over {_MAX_VALUES:,} values once its "
                                               "aliases are expanded"))
            continue
        node = loaded.data
        for part in path.relative_to(folder).with_suffix("").parts[:-1]:
            node = node.setdefault(part, {})
        node[path.stem] = value
    return loaded


def report_data_problems(project: Path, content_dir: str, report: Report) -> None:
    """The problems of a Jekyll project's `_data/` files, once a build (the pages that read
    them are rendered in several processes)."""
    for rel, line, col, message in load_data(project / content_dir / "_data", project).problems:
        report.error(rel, line, col, "data-file-invalid", message,
                     "fix the file (Jekyll stops its build on it too), or move it out of _data/")


def read_bounded(path: Path) -> bytes:
    """The bytes of an include or data file: a regular file (never a FIFO's wait for a writer)
    of at most MAX_INCLUDE_BYTES, checked on what was read rather than on a stat before it."""
    data = read_regular_file(str(path), limit=MAX_INCLUDE_BYTES + 1)
    if len(data) > MAX_INCLUDE_BYTES:
        raise OSError(f"it is over {MAX_INCLUDE_BYTES // (1024 * 1024)} MiB")
    return data


def _too_many_values(value: Any, limit: int = _MAX_VALUES) -> bool:
    """Whether a loaded value holds more than `limit` values counted as printing would expand
    them (an alias is counted each time it is used), stopping as soon as it is known."""
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False

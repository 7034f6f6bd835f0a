"""JSON from outside the project (a wagon's package.json, a built site's index files, a
fetched index): Python's parser raises RecursionError on deep nesting and a bare ValueError
on an integer of more than 4300 digits (its int/str limit); here both are JSONDecodeError
with the position of the problem, like every other malformed input."""
from __future__ import annotations

import json
import re
import sys
from typing import Any

# the parser's recursion limit is about 1000 levels; no JSON this tool reads has more than ten
DEEP = 500
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def loads(text: str | bytes) -> Any:
    """json.loads, raising json.JSONDecodeError (a ValueError) for every document it cannot read."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")   # UnicodeDecodeError, as json.loads gives for bytes
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError(f"nested more than {DEEP} levels deep", text, _too_deep(text)) from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            raise
        limit = sys.get_int_max_str_digits()
        match = re.search(r"[\[:,]\s*-?(\d{%d})" % (limit + 1), text)
        raise json.JSONDecodeError(f"a number of more than {limit} digits", text,
                                   match.start(1) if match else 0) from None


def _too_deep(text: str) -> int:
    """The offset where `text` first opens more than DEEP arrays or objects (strings skipped)."""
    depth = 0
    for match in _TOKENS.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > DEEP:
                return match.start()
        elif char in "]}":
            depth -= 1
    return 0

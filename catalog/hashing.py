"""Content hashes for the render cache and the loader memo: one stable digest of strings,
bytes and JSON-able values."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any


def digest(*parts: Any) -> str:
    """sha256 of `parts`, each framed by its kind and length, so no two lists of parts collide."""
    hasher = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            data = b"b" + part
        elif isinstance(part, str):  # page bodies: hashing the text beats JSON-escaping it first
            data = b"s" + part.encode("utf-8", "surrogatepass")
        else:
            data = b"j" + json.dumps(part, sort_keys=True, default=str).encode()
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def digest_text(*parts: str) -> str:
    """digest() of strings only, for keys made per page on every build: each part is
    framed by its length, so no two lists of parts give the same hashed text."""
    return hashlib.sha256("".join([f"{len(part)}:{part}" for part in parts]).encode("utf-8", "surrogatepass")
                          ).hexdigest()


@lru_cache(maxsize=None)  # a process runs the code it loaded: the render cache and the source memo both ask
def code_digest(folder: Path, suffixes: tuple[str, ...], *, recursive: bool = False) -> str:
    """The files of `folder` (and its subfolders if `recursive`) with these suffixes: a
    memo keyed by this is not reused by another version of the code that made it."""
    paths = folder.rglob("*") if recursive else folder.glob("*")
    return digest(*[path.read_bytes() for path in sorted(paths) if path.suffix in suffixes])

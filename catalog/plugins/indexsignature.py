"""What a signed `catalog build` adds to the download index (index.sig.json and keys.json),
when a key is configured, and what the build summary says of the signature. The formats and
the design are catalog.plugins.signing's; the keys come from catalog.plugins.keyfolders.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

from .index import INDEX_DIR, dumps
from .keyfolders import KeyFolder, SigningKeys, from_environment, keys_document
from .signing import (INDEX_PAYLOAD, KEY_DATA_ENV, KEY_ENV, KEYS_PATH, SIGNATURE_PATH, SigningError, envelope, iso,
                      open_envelope, signing_time)

VALIDITY_ENV = "CATALOG_SIGNING_VALIDITY_DAYS"
DEFAULT_VALIDITY_DAYS = 30


def validity_days(environ: Mapping[str, str]) -> int:
    value = environ.get(VALIDITY_ENV, "").strip()
    if not value:
        return DEFAULT_VALIDITY_DAYS
    try:
        days = int(value)
    except ValueError:
        days = 0
    if not 1 <= days <= 3660:
        raise SigningError(f"${VALIDITY_ENV}={value!r}: give a whole number of days from 1 to 3660")
    return days


def sign_index(folder: KeyFolder | SigningKeys, root_sha256: str, root_size: int, when: int,
               days: int) -> dict[str, bytes]:
    """The two files a signed build adds to the index, by site path."""
    latest = folder.latest()
    document = {"type": "catalog-index", "index": {"path": "index.json", "sha256": root_sha256, "size": root_size},
                "version": when, "signed": iso(when), "expires": iso(when + days * 86400),
                "keys_version": latest["version"]}
    return {SIGNATURE_PATH: dumps(envelope(INDEX_PAYLOAD, document, folder.privates)),
            KEYS_PATH: keys_document(folder.history)}


def describe(site: Path) -> str | None:
    """What the build summary says of the index in `site`: signed by whom until when, or unsigned."""
    if not (site / INDEX_DIR / "index.json").is_file():
        return None
    try:
        opened = open_envelope(json.loads((site / SIGNATURE_PATH).read_bytes()), INDEX_PAYLOAD, SIGNATURE_PATH)
    except (OSError, ValueError, SigningError):
        return f"download index NOT signed: no ${KEY_ENV}"
    kids = ", ".join(kid[:16] for kid, _ in opened.signatures)
    return (f"download index signed by key {kids}, version {opened.document.get('version')}, "
            f"expires {opened.document.get('expires')}")


def build_signature(project: Path, files: Mapping[str, Any], report: Any,
                    environ: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """The signature files for the index among `files` (site path -> bytes or buildmemo.Stored), when a
    key is configured; a key that cannot be used is an error of the build, never an unsigned index."""
    from .buildmemo import digest_and_size
    from .index import ROOT_FILE

    environ = os.environ if environ is None else environ
    if ROOT_FILE not in files:
        return {}
    try:
        folder = from_environment(environ, project)
        if folder is None:
            return {}
        sha256, size = digest_and_size(files[ROOT_FILE])
        return sign_index(folder, sha256, size, signing_time(None, environ), validity_days(environ))
    except SigningError as exc:
        report.error(f"${KEY_DATA_ENV if environ.get(KEY_DATA_ENV) else KEY_ENV}", 0, 0, "signing-key", str(exc),
                     "fix the variable (see the docs page “Signed index”) or unset it to build unsigned")
        return {}

"""`catalog check --trust FILE.pub`: the built site's index verifies as a client would verify it.

The same verification as `catalog resolve --trust` (catalog.plugins.trust), reading the
files from the folder: the key history from the pinned keys, the signature, its expiry
and the root file's digest. No client state is read or written: a built site has no
"version seen before"."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit
from urllib.request import url2pathname

import datetime
import hashlib
import json

from ..diagnostics import Report
from ..plugins.index import ROOT_FILE
from ..plugins.signing import INDEX_PAYLOAD, SIGNATURE_PATH, SigningError, open_envelope
from ..plugins.trust import Trust, TrustError, Verified
from .site import BuiltSite

HINT = ("build with the publisher's key (CATALOG_SIGNING_KEY) and pin its current .pub file; "
        "see the docs page “Signed index”")


def _read(url: str) -> bytes:
    try:
        return Path(url2pathname(urlsplit(url).path)).read_bytes()
    except OSError as exc:
        raise OSError(f"no {Path(url2pathname(urlsplit(url).path)).name} in the site ({exc.strerror})") from None


def check_signature(site: BuiltSite, trust_files: list[Path], report: Report,
                    now: Callable[[], float] = time.time) -> Verified | None:
    """Report why the index of `site` cannot be trusted with `trust_files`; what it says when it can."""
    where = site.display(ROOT_FILE)
    root = site.root / ROOT_FILE
    if not root.is_file():
        report.error(where, 0, 0, "index-signature", "no download index to verify (--trust was given)", HINT)
        return None
    try:
        trust = Trust.from_files(trust_files, now=now)
        trust.remember = False
        return trust.verify(root.resolve().as_uri(), root.read_bytes(), _read)
    except TrustError as exc:
        report.error(where, 0, 0, "index-signature", str(exc), HINT)
        return None


def check_signature_file(site: BuiltSite, report: Report, now: Callable[[], float] = time.time) -> None:
    """Without pinned keys: a signature the site publishes names this index.json and has not
    expired; a stale or expired one would make every client that verifies refuse the site."""
    if SIGNATURE_PATH not in site.files:
        return
    where = site.display(SIGNATURE_PATH)
    try:
        doc = open_envelope(json.loads((site.root / SIGNATURE_PATH).read_bytes()), INDEX_PAYLOAD, where).document
        expected, size = str(doc["index"]["sha256"]), int(doc["index"]["size"])
        expires = datetime.datetime.strptime(str(doc["expires"]), "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc)
    except (OSError, ValueError, RecursionError, SigningError, KeyError, TypeError) as exc:
        report.error(where, 0, 0, "index-signature", f"not a signature written by catalog build ({exc})", HINT)
        return
    root = site.root / ROOT_FILE
    data = root.read_bytes() if root.is_file() else b""
    if hashlib.sha256(data).hexdigest() != expected or len(data) != size:
        report.error(where, 0, 0, "index-signature",
                     f"signs an index.json with sha256 {expected[:12]}... ({size} bytes), not the one in the site: "
                     "the index changed after signing, and clients that verify will refuse it",
                     "rebuild the site with the signing key instead of editing the built files")
    elif expires.timestamp() <= now():
        report.error(where, 0, 0, "index-signature",
                     f"the signature expired at {doc['expires']}: clients that verify will refuse the index",
                     "rebuild the site with the signing key to renew it (schedule rebuilds)")

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

from ..diagnostics import Report
from ..plugins.index import ROOT_FILE
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

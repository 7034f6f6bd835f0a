"""The preview's copy of the files clients read: their absolute URLs point at the preview.

The legacy catalogs and the Marketplace files name hosted wagons and yaml files by
absolute URL, made from site.toml's `base_url` (these clients cannot resolve relative
ones). Served as built, a manager or console pointed at the preview would download
from production instead, and a release only the preview has would be missing there.
So the preview serves these files with `base_url`'s origin and path replaced by its
own address; every other file, and the built output on disk, is left as it is.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

_HOST = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]+)?$|^\[[0-9A-Fa-f:.]+\](:[0-9]+)?$")

from ..plugins.compat import LEGACY_CATALOGS, is_marketplace_api_file
from ..plugins.model import base_path


def has_absolute_urls(rel: str) -> bool:
    """Whether the site file `rel` is one whose hosted-file URLs are absolute."""
    return rel in LEGACY_CATALOGS or is_marketplace_api_file(rel)


def mirrored(data: bytes, base_url: str, own_origin: str) -> bytes:
    """`data` with every `base_url` prefix of a URL replaced by `own_origin` + the same path."""
    parts = urlsplit(base_url)
    if not (parts.scheme and parts.netloc):  # URLs are host-relative already: nothing points elsewhere
        return data
    published = f"{parts.scheme}://{parts.netloc}{base_path(base_url)}"
    return data.replace(published.encode(), f"{own_origin.rstrip('/')}{base_path(base_url)}".encode())


def own_origin(host_header: str | None, fallback: str) -> str:
    """http://HOST of the request, as the client reached the preview; the bound address when the
    Host header is absent or not a plain host[:port] (it is written into JSON)."""
    host = (host_header or "").strip()
    return f"http://{host if _HOST.match(host) else fallback}"

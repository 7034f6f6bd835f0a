"""Live reload: the script tag injected into served HTML pages, and the answer a tab gets
when it long-polls the preview server ("reload", "swap these stylesheets", or nothing,
plus the diagnostics of a failing build for the overlay).

Which tabs reload is decided from the output, not the input: the preview compares the
bytes of every built file between epochs, so a tab reloads exactly when its own page
(or a script or image pages load) changed, and a CSS-only change swaps stylesheets.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import quote

from ..diagnostics import Diagnostic

RESERVED_PREFIX = "/__catalog/"
SCRIPT_URL = RESERVED_PREFIX + "livereload.js"
STYLE_URL = RESERVED_PREFIX + "overlay.css"
EVENTS_URL = RESERVED_PREFIX + "events"
ASSETS = {SCRIPT_URL: ("livereload.js", "text/javascript; charset=utf-8"),
          STYLE_URL: ("overlay.css", "text/css; charset=utf-8")}

# Files a page loads besides stylesheets: when one changes, every tab reloads.
_PAGE_ASSET_SUFFIXES = (".js", ".mjs", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico",
                        ".woff", ".woff2", ".ttf", ".otf")
_HEAD_END = re.compile(rb"</head\s*>", re.I)
_BODY_END = re.compile(rb"</body\s*>", re.I)


def asset(url: str) -> tuple[bytes, str]:
    """Bytes and content type of one of the preview's own files (the script, the overlay CSS)."""
    name, content_type = ASSETS[url]
    return resources.files(__package__).joinpath("assets", name).read_bytes(), content_type


def script_tag(server_id: str, epoch: int | None) -> bytes:
    """The tag added to every served HTML page: an external script (the site's CSP allows no inline code)."""
    number = "" if epoch is None else str(epoch)
    return (f'<script src="{SCRIPT_URL}" data-server="{html.escape(server_id)}" data-epoch="{number}" defer>'
            f"</script>").encode("ascii")


def inject(page: bytes, tag: bytes) -> bytes:
    """`page` with `tag` just before </head> (or </body>, or at the end when it has neither)."""
    for pattern in (_HEAD_END, _BODY_END):
        match = pattern.search(page)
        if match:
            return page[:match.start()] + tag + b"\n" + page[match.start():]
    return page + b"\n" + tag


def page_file(url_path: str, base_path: str) -> str | None:
    """The site file a tab's location.pathname shows: '/docs/a/' -> 'a/index.html' under '/docs/'."""
    if not url_path.startswith(base_path):
        return None
    rel = url_path[len(base_path):]
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


@dataclass(frozen=True)
class Action:
    """What one tab should do about a new build."""

    kind: str  # "reload" | "css" | "none"
    stylesheets: tuple[str, ...] = ()


def reload_action(page: str | None, changed: frozenset[str] | None, base_path: str) -> Action:
    """Reload when the tab's page or a file every page loads changed; swap stylesheets when only
    CSS changed; nothing when the change is elsewhere (other pages, the JSON index, wagons).

    `changed` holds the site files whose bytes differ since the tab's epoch; None means
    the tab's epoch is unknown (an error page, an old tab, another server run)."""
    if changed is None or (page is not None and page in changed):
        return Action("reload")
    if any(path.endswith(_PAGE_ASSET_SUFFIXES) for path in changed):
        return Action("reload")
    stylesheets = tuple(sorted(quote(base_path + path) for path in changed if path.endswith(".css")))
    return Action("css", stylesheets) if stylesheets else Action("none")


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    location = diagnostic.path
    if diagnostic.line:
        location += f":{diagnostic.line}:{diagnostic.col or 1}"
    return {"location": location, "path": diagnostic.path, "line": diagnostic.line, "col": diagnostic.col,
            "severity": diagnostic.severity, "code": diagnostic.code, "message": diagnostic.message,
            "hint": diagnostic.hint}

"""Hugo's `relativeURLs` and `canonifyURLs`, applied to every HTML file of the output.

As Hugo does it, after the page is made: a root-relative URL in an `href`, `src`,
`srcset`, `action` or `poster` attribute (and, beyond Hugo, the search form's
`data-index` and `data-root`, and a redirect page's meta refresh, so that every internal
URL follows)
becomes relative to the file that holds it (relativeURLs: `../../x/` from
`a/b/index.html`, `./x/` from the root), or absolute with the site's origin
(canonifyURLs). relativeURLs wins when both are set. With relativeURLs one build can be
deployed under any path prefix."""
from __future__ import annotations

import re
from typing import Callable

from .config import SiteConfig

Rewrite = Callable[[str, bytes], bytes]  # (site path of the file, its bytes) -> its bytes

_ATTRIBUTE = re.compile(rb"""(\s(?:href|src|action|poster|data-index|data-root)=)(["'])(/(?!/)[^"']*)\2""")
_SRCSET = re.compile(rb"""(\ssrcset=)(["'])([^"']*)\2""")
_REFRESH = re.compile(rb"""(<meta\s+http-equiv=["']refresh["']\s+content=["']\d+;\s*url=)(/(?!/)[^"']*)""", re.I)


def rewriter(config: SiteConfig) -> Rewrite | None:
    """The rewrite of the output's HTML that the configuration asks for, or None."""
    base = config.base_path.encode("utf-8")
    if config.relative_urls:
        def relative(path: str, data: bytes) -> bytes:
            depth = path.count("/")
            prefix = b"../" * depth if depth else b"./"

            def url(value: bytes) -> bytes:
                return prefix + value[len(base):] if value.startswith(base) else value

            return _apply(data, url)

        return relative
    origin = config.origin.encode("utf-8")
    if config.canonify_urls and origin:
        return lambda path, data: _apply(data, lambda value: origin + value)
    return None


def _apply(data: bytes, url: Callable[[bytes], bytes]) -> bytes:
    data = _ATTRIBUTE.sub(lambda m: m.group(1) + m.group(2) + url(m.group(3)) + m.group(2), data)
    data = _REFRESH.sub(lambda m: m.group(1) + url(m.group(2)), data)
    return _SRCSET.sub(lambda m: m.group(1) + m.group(2) + _srcset(m.group(3), url) + m.group(2), data)


def _srcset(value: bytes, url: Callable[[bytes], bytes]) -> bytes:
    """Each candidate of a srcset: 'URL [descriptor]', comma-separated."""
    candidates = []
    for candidate in value.split(b","):
        stripped = candidate.lstrip()
        lead = candidate[:len(candidate) - len(stripped)]
        if stripped.startswith(b"/") and not stripped.startswith(b"//"):
            address, _, rest = stripped.partition(b" ")
            stripped = url(address) + (b" " + rest if rest else b"")
        candidates.append(lead + stripped)
    return b",".join(candidates)

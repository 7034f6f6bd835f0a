"""`catalog serve` as an object: watch the inputs, build epochs, serve the current one.

Start order: bind the socket (a taken port fails before any work), start the watchers
(so an edit made during the first build is not missed), answer requests, build: during
the first build a page the browser asks for is made ahead of the others and served at
once (catalog/early.py); other requests wait for the build.
"""
from __future__ import annotations

import secrets
import sys
import threading
from pathlib import Path
from typing import Callable

from .epochs import PreviewSite
from .progress import Progress
from .server import PreviewServer
from .watcher import SETTLE, SourceWatcher


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class LivePreview:
    """Builds `project` into epochs, rebuilds on change, serves on `bind`:`port` (0: any free port)."""

    def __init__(self, project: Path, *, bind: str = "127.0.0.1", port: int = 8000, drafts: bool = False,
                 strict: bool = False, settle: float = SETTLE, poll_timeout: float = 25.0, force_polling: bool = False,
                 say: Callable[[str], None] = _stderr) -> None:
        self.project = project.resolve()
        self.site = PreviewSite(self.project, drafts=drafts, strict=strict, say=say, progress=Progress())
        self.server = PreviewServer((bind, port), self.site, secrets.token_hex(8), poll_timeout=poll_timeout, log=say)
        self.watcher = SourceWatcher(self.project, self.site.rebuild, settle=settle, force_polling=force_polling)
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="catalog-serve-http", daemon=True)

    @property
    def loopback(self) -> bool:
        return self.server.loopback_only

    @property
    def url(self) -> str:
        """Where the site's home page is served."""
        host = self.server.server_address[0]
        host = f"[{host}]" if ":" in host else host
        epoch = self.site.status.epoch
        return f"http://{host}:{self.server.port}{epoch.base_path if epoch else self.site.base_path}"

    def start(self, announce: Callable[[], None] | None = None) -> "LivePreview":
        """Watch, serve, then build; `announce` is called once both run and before the first
        build, so that an edit made after it is seen and a page asked for is answered."""
        self.watcher.start()
        # serving during the first build: a page asked for then is made ahead of the others
        # (catalog/early.py), and anything else waits for the build
        self._thread.start()
        if announce is not None:
            announce()
        self.site.rebuild()
        return self

    def close(self) -> None:
        """Stop watching and serving."""
        self.watcher.stop()
        self.site.close()
        if self._thread.is_alive():
            self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "LivePreview":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["LivePreview"]

"""`catalog serve`: a live preview for writers. Builds the site in memory (one
immutable epoch per build), serves the latest good one on 127.0.0.1, rebuilds when an input changes and
reloads the browser tabs whose page changed; a failing build shows its diagnostics
over the page. See content/previewing-and-deploying/previewing.md.

Modules: `preview` (start and stop everything), `epochs` (builds and atomic swaps),
`watcher` (watchfiles), `server` (HTTP and path safety), `livereload` (the injected
script and what each tab should do), `pages` (the preview's own pages), `progress`.
"""
from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
import time
from pathlib import Path

from .preview import LivePreview

__all__ = ["LivePreview", "add_serve_arguments", "run_serve"]


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `catalog serve`, added to its sub-command parser."""
    parser.add_argument("--project", type=Path, default=Path("."), help="project folder (default: .)")
    parser.add_argument("--bind", default="127.0.0.1", metavar="ADDRESS",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=port_number, default=8000,
                        help="port to listen on; 0 picks a free one (default: 8000)")
    parser.add_argument("--drafts", action="store_true", help="include pages marked draft: true")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors, as a deployment build does")
    parser.add_argument("--poll", action="store_true",
                        help="watch files by polling (for network or container file systems that send no events)")


def run_serve(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C (or SIGTERM); 0 after a clean stop, 1 when the server cannot start."""
    try:
        preview = LivePreview(args.project, bind=args.bind, port=args.port, drafts=args.drafts, strict=args.strict,
                              force_polling=args.poll)
    except OSError as exc:
        print(f"catalog serve: cannot listen on {args.bind}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        print(f"    hint: {_LISTEN_HINTS.get(exc.errno or 0, 'check --bind and --port')}", file=sys.stderr)
        return 1

    # the first build serves pages as they are asked for (catalog/early.py), so a client may
    # stop the server before it ends: SIGTERM then stops it as Ctrl-C does
    main_process = os.getpid()

    def stop_first_build(signum: int, frame: object) -> None:
        if os.getpid() != main_process:  # a render worker forked meanwhile: ends as it would have
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, stop_first_build)
    if not preview.loopback:
        print(f"warning: listening on {args.bind}: other machines can read this preview, drafts included",
              file=sys.stderr)
    try:
        # said once the watchers and the server run, before the first build: an edit made
        # after this line is seen, and a page asked for meanwhile is served once it is made
        preview.start(announce=lambda: print(f"serving {preview.url} (Ctrl-C to stop)", file=sys.stderr,
                                             flush=True))
    except KeyboardInterrupt:  # Ctrl-C (or SIGTERM) during the first build
        preview.close()
        print("stopped", file=sys.stderr)
        return 0
    finally:
        signal.signal(signal.SIGTERM, before)

    stopping: list[int] = []

    def stop(signum: int, frame: object) -> None:
        stopping.append(signum)

    handlers = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stopping:
            time.sleep(0.2)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        preview.close()
    print("stopped", file=sys.stderr)
    return 0


_LISTEN_HINTS = {
    errno.EADDRINUSE: "another program uses this port; --port 0 picks a free one",
    errno.EADDRNOTAVAIL: "--bind must be an address of this machine, such as 127.0.0.1",
    errno.EACCES: "ports below 1024 need administrator rights; use a higher --port",
}


def port_number(text: str) -> int:
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0 to 65535)")
    return port

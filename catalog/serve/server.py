"""The preview's HTTP side: the files of the current epoch, the reserved `/__catalog/`
paths (live reload script, overlay stylesheet, events), and the Marketplace `?name=`
lookup, on the standard library's ThreadingHTTPServer.

Safety: requests are answered from the current epoch's files, which live in memory,
so no path can reach a file the build did not produce; besides, a request path is
decoded once and refused (400) when it holds `.` or `..` segments, empty segments,
encoded slashes or backslashes, NUL or other control characters. Folders are never
listed. While bound to loopback, a request whose Host is
not a loopback name is refused, so a web page cannot read the preview through DNS
rebinding. A GET or HEAD request's body (which nothing here reads) is read and dropped,
so that it is not taken for the next request on the connection: up to MAX_BODY bytes
with a Content-Length; a larger one (413), a chunked one or a malformed length (400) is
refused and the connection closed.
"""
from __future__ import annotations

import ipaddress
import json
import mimetypes
import os
import re
import socket
import socketserver
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, quote, unquote

from ..plugins import rewrite_marketplace_query
from .mirror import has_absolute_urls, mirrored, own_origin
from ..plugins.compat import MARKETPLACE_PREFIX
from .epochs import BuildStatus, Epoch, PreviewSite
from .livereload import (ASSETS, EVENTS_URL, RESERVED_PREFIX, Action, asset, diagnostic_json, inject, page_file,
                         reload_action, script_tag)
from .error_pages import error_page, not_found_page

# how long a request made during the first build waits for its file (the build's length)
EARLY_TIMEOUT = 600.0
_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8", ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".md5": "text/plain; charset=utf-8",
    ".yaml": "text/yaml; charset=utf-8", ".yml": "text/yaml; charset=utf-8",
    ".svg": "image/svg+xml", ".wgn": "application/octet-stream", ".woff2": "font/woff2",
}
MAX_BODY = 64 * 1024  # bytes of a GET or HEAD request's body that are read (and dropped) to keep the connection
_UNSAFE_ESCAPES = re.compile(r"%(2f|5c|00)", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


class BadRequestPath(ValueError):
    """A request path the preview refuses to map to a file."""


def request_path(target: str) -> tuple[str, str]:
    """The decoded path and the raw query string of a request target (origin form only)."""
    if not target.startswith("/"):
        raise BadRequestPath("the request target must be a path starting with '/'")
    raw, _, query = target.partition("?")
    raw = raw.partition("#")[0]
    if _UNSAFE_ESCAPES.search(raw):
        raise BadRequestPath("encoded slash, backslash or NUL in the path")
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise BadRequestPath("the path is not UTF-8") from None
    if _CONTROL.search(path):
        raise BadRequestPath("control character or backslash in the path")
    segments = path.split("/")[1:]
    if any(segment in (".", "..") for segment in segments):
        raise BadRequestPath("'.' or '..' in the path")
    if "" in segments[:-1]:
        raise BadRequestPath("empty segment ('//') in the path")
    return path, query


def content_type(rel: str) -> str:
    """The Content-Type a static host gives the site file `rel`; Marketplace API files are JSON."""
    name = rel.rsplit("/", 1)[-1]
    if rel.startswith(MARKETPLACE_PREFIX + "/") and not name.endswith(".html"):  # extension-less API files
        return _TYPES[".json"]
    suffix = os.path.splitext(name)[1].lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def marketplace_rewrite(path: str, query: str, base_url: str,
                        exists: Callable[[str], bool] | None = None) -> str | None:
    """The path a `GET /plugins?name=X` is answered from, by the deploy's own redirect rule."""
    if not query:
        return None
    return rewrite_marketplace_query(path, parse_qs(query, keep_blank_values=True), base_url, exists)


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class PreviewServer(ThreadingHTTPServer):
    """Serves `site`; `server_id` tells tabs of an earlier run of the preview to reload."""

    daemon_threads = True
    # socketserver listens with a backlog of 5: a burst of connections (a page and its assets
    # in several tabs, a client script) overflows it, and Linux then drops the handshake's last
    # ACK, so the connection hangs for seconds of SYN-ACK retries before its request is read
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], site: PreviewSite, server_id: str, *,
                 poll_timeout: float = 25.0, log: Callable[[str], None] = print) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.site = site
        self.server_id = server_id
        self.poll_timeout = poll_timeout
        self.log = log
        self.loopback_only = is_loopback(address[0])
        super().__init__(address, PreviewRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up in DNS, which can take seconds; not needed here
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    @property
    def port(self) -> int:
        return self.server_address[1]


class PreviewRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "catalog-serve"
    timeout = 120  # idle keep-alive connections are dropped after this many seconds
    disable_nagle_algorithm = True  # headers and body go out in two writes; don't hold the body back
    server: PreviewServer

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _refuse_method(self) -> None:
        self._head, self._started = False, False
        self.close_connection = True  # the request body, if any, is not read
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"the preview answers GET and HEAD only\n",
                   "text/plain; charset=utf-8", {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: object) -> None:  # requests are not logged, problems are
        pass

    def log_error(self, format: str, *args: object) -> None:
        self.server.log(f"{self.address_string()}: {format % args}")

    def _drop_body(self) -> bool:
        """Read and drop the request's body, if it has one; False when it was refused instead
        (answered, and the connection closes: what follows it cannot be told from a request)."""
        if "Transfer-Encoding" in self.headers:
            return self._refuse_body(HTTPStatus.BAD_REQUEST, "a GET or HEAD request with a chunked body is not "
                                     "answered: send no body")
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            return True
        text = lengths[0].strip()
        if len(set(lengths)) != 1 or not (text.isascii() and text.isdigit()):
            return self._refuse_body(HTTPStatus.BAD_REQUEST, "bad Content-Length")
        length = int(text)
        if length > MAX_BODY:
            return self._refuse_body(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                     f"a GET or HEAD request's body may have {MAX_BODY} bytes at most")
        try:
            while length > 0:  # the connection's timeout bounds the wait for each part
                part = self.rfile.read(min(length, 16384))
                if not part:
                    break
                length -= len(part)
        except OSError:  # timed out, or reset: nobody to answer
            pass
        if length > 0:
            self.close_connection = True
            return False
        return True

    def _refuse_body(self, code: HTTPStatus, text: str) -> bool:
        self.close_connection = True
        self._send(code, (text + "\n").encode("utf-8"), "text/plain; charset=utf-8", {"Connection": "close"})
        return False

    # -- routing ------------------------------------------------------------------------

    def _answer(self, head: bool) -> None:
        self._head, self._started = head, False
        try:
            if self._drop_body():
                self._route()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # a bug here answers 500 and the preview goes on
            self.server.log(f"error answering {self.path!r}:\n{traceback.format_exc().rstrip()}")
            self.close_connection = True
            if not self._started:
                try:
                    self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"internal error\n", "text/plain; charset=utf-8")
                except OSError:
                    pass

    def _route(self) -> None:
        if self.server.loopback_only and not is_loopback(_host_name(self.headers.get("Host", "127.0.0.1"))):
            return self._send_text(HTTPStatus.BAD_REQUEST, "this preview only answers requests for 127.0.0.1 "
                                   "or localhost; use --bind to serve other names")
        try:
            path, query = request_path(self.path)
        except BadRequestPath as exc:
            return self._send_text(HTTPStatus.BAD_REQUEST, f"bad request path: {exc}")
        if path.startswith(RESERVED_PREFIX):
            return self._reserved(path, query)

        status = self.server.site.status
        if status.epoch is None:  # the first build is running: the file as soon as it is made
            early = self.server.site.early_file(path, EARLY_TIMEOUT)
            if early is not None:
                return self._send_early(path, *early)
            status = self.server.site.wait(0, EARLY_TIMEOUT) if status.generation == 0 else self.server.site.status
        epoch = status.epoch
        if epoch is None:
            return self._send_html(HTTPStatus.SERVICE_UNAVAILABLE, error_page(status.diagnostics), status)
        path = marketplace_rewrite(path, query, epoch.base_url, epoch.files.__contains__) or path
        if not path.startswith(epoch.base_path):
            if path in ("/", epoch.base_path.rstrip("/")):
                return self._redirect(epoch.base_path, query)
            return self._not_found(status, epoch, path)
        rel = path[len(epoch.base_path):]
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        data = epoch.files.get(rel)
        if data is None:
            if rel + "/index.html" in epoch.files:  # a folder named without its slash, as static hosts do
                return self._redirect(path + "/", query)
            return self._not_found(status, epoch, path)
        if rel.endswith(".html"):
            return self._send_html(HTTPStatus.OK, data, status)
        if has_absolute_urls(rel):  # wagon URLs lead to this preview, not to production
            data = mirrored(data, epoch.base_url,
                            own_origin(self.headers.get("Host"), f"127.0.0.1:{self.server.port}"))
        return self._send(HTTPStatus.OK, data, content_type(rel))

    def _reserved(self, path: str, query: str) -> None:
        if path in ASSETS:
            data, kind = asset(path)
            return self._send(HTTPStatus.OK, data, kind)
        if path == EVENTS_URL:
            return self._events(query)
        return self._send_text(HTTPStatus.NOT_FOUND, f"{path} is not a path of the preview server")

    def _events(self, query: str) -> None:
        """A tab's long poll: answers when a build finished since the tab's `generation` (or after a while)."""
        params = parse_qs(query)

        def one(name: str, default: str = "") -> str:
            return (params.get(name) or [default])[0]

        try:
            generation = int(one("generation", "-1"))
            tab_epoch = int(one("epoch")) if one("epoch") else None
        except ValueError:
            return self._send_text(HTTPStatus.BAD_REQUEST, "generation and epoch must be numbers")
        site = self.server.site
        if one("server") != self.server.server_id:  # a tab of an earlier run of the preview
            status, action = site.status, Action("reload")
        else:
            status = site.wait(generation, 0 if self._head else self.server.poll_timeout)
            base_path = status.epoch.base_path if status.epoch else "/"
            tab_page = page_file(unquote(one("path", "/")), base_path)
            action = reload_action(tab_page, site.changes_since(tab_epoch, status), base_path)
        answer = {
            "server": self.server.server_id, "generation": status.generation,
            "epoch": status.epoch.number if status.epoch else None,
            "action": action.kind, "stylesheets": list(action.stylesheets),
            "failed": status.failed, "diagnostics": [diagnostic_json(d) for d in status.diagnostics],
        }
        self._send(HTTPStatus.OK, json.dumps(answer).encode("utf-8"), _TYPES[".json"])

    def _not_found(self, status: BuildStatus, epoch: Epoch, path: str) -> None:
        if path.rsplit("/", 1)[-1] != "favicon.ico":
            self.server.log(f"404 {path}")
        page = epoch.files.get("404.html") or not_found_page(path)
        self._send_html(HTTPStatus.NOT_FOUND, page, status)

    def _redirect(self, location: str, query: str) -> None:
        target = quote(location, safe="/") + (f"?{query}" if query else "")
        self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain; charset=utf-8", {"Location": target})

    # -- responses ----------------------------------------------------------------------

    def _send_html(self, code: HTTPStatus, page: bytes, status: BuildStatus) -> None:
        tag = script_tag(self.server.server_id, status.epoch.number if status.epoch else None)
        self._send(code, inject(page, tag), _TYPES[".html"])

    def _send_early(self, path: str, data: bytes, epoch: int) -> None:
        # the tab is told the epoch the build will have: its page is that epoch's already
        if path.endswith("/") or path.endswith(".html"):
            return self._send(HTTPStatus.OK, inject(data, script_tag(self.server.server_id, epoch)), _TYPES[".html"])
        rel = path.rsplit("/", 1)[-1]
        return self._send(HTTPStatus.OK, data, content_type(rel))

    def _send_text(self, code: HTTPStatus, text: str) -> None:
        self._send(code, (text + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _send(self, code: HTTPStatus, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        self._headers(code, kind, len(body), headers)
        if not self._head:
            self.wfile.write(body)

    def _headers(self, code: HTTPStatus, kind: str, length: int, extra: dict[str, str] | None = None) -> None:
        self._started = True
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()


def _host_name(host: str) -> str:
    """'127.0.0.1:8000' -> '127.0.0.1'; '[::1]:8000' -> '::1'."""
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host

"""A local stand-in for Netlify: serves a built site with the headers, query rewrites
and 404 page that netlify.toml declares, so tests see what visitors will."""
from __future__ import annotations

import contextlib
import functools
import http.server
import re
import tomllib
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

from browser import serving


def _pattern(glob: str) -> re.Pattern[str]:
    """Netlify paths: '*' matches the rest (slashes too), ':name' one segment."""
    parts = re.split(r"(\*|:[A-Za-z_]\w*)", glob)
    regex = "".join(".*" if p == "*" else "[^/]+" if p.startswith(":") else re.escape(p) for p in parts)
    return re.compile(regex + r"\Z")


class NetlifyRules:
    def __init__(self, config: Path, root: Path | None = None) -> None:
        data = tomllib.loads(config.read_text())
        self.headers = [(_pattern(rule["for"]), rule["values"]) for rule in data.get("headers", [])]
        self.rewrites = []
        # the published _redirects first (Netlify reads it before netlify.toml), then netlify.toml
        if root is not None and (root / "_redirects").is_file():
            for line in (root / "_redirects").read_text().splitlines():
                fields = line.split()
                if len(fields) == 4 and "=" in fields[1] and not line.startswith("#"):
                    key, value = fields[1].split("=", 1)
                    self.rewrites.append({"from": fields[0], "query": {key: value}, "to": fields[2]})
        self.rewrites += [rule for rule in data.get("redirects", []) if rule.get("query")]
        if root is not None and (root / "_headers").is_file():  # Netlify's other header file
            current = None
            for line in (root / "_headers").read_text().splitlines():
                if line.startswith("/"):
                    current = {}
                    self.headers.append((_pattern(line.strip()), current))
                elif current is not None and ":" in line and not line.lstrip().startswith("#"):
                    key, value = line.split(":", 1)
                    current[key.strip()] = value.strip()

    def headers_for(self, path: str) -> dict[str, str]:
        values: dict[str, str] = {}
        for pattern, rule in self.headers:  # later rules add to earlier ones, as on Netlify
            if pattern.match(path):
                values.update(rule)
        return values

    def rewrite(self, path: str, query: str) -> str | None:
        params = parse_qs(query, keep_blank_values=True)
        for rule in self.rewrites:
            if path == rule["from"] and all(k in params for k in rule["query"]):
                # ':x' matches any value, anything else only itself
                if any(not v.startswith(":") and params[k][0] != v for k, v in rule["query"].items()):
                    continue
                target = rule["to"]
                for key, placeholder in rule["query"].items():
                    target = target.replace(placeholder, params[key][0])
                return target
        return None


@contextlib.contextmanager
def netlify_serve(root: Path, config: Path) -> Iterator[str]:
    rules = NetlifyRules(config, root)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            target = rules.rewrite(parts.path, parts.query)
            if target is not None:
                self.path = target
            self._extra = rules.headers_for(urlsplit(self.path).path)
            if self.translate_path(self.path) and not Path(self.translate_path(self.path)).exists():
                self.send_response(404)
                for key, value in rules.headers_for(parts.path).items():
                    self.send_header(key, value)
                body = (root / "404.html").read_bytes()
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def end_headers(self) -> None:
            for key, value in getattr(self, "_extra", {}).items():
                if key.lower() != "content-type":
                    self.send_header(key, value)
            super().end_headers()

        def guess_type(self, path: str) -> str:  # netlify.toml's Content-Type wins
            declared = rules.headers_for(urlsplit(self.path).path).get("Content-Type")
            return declared or super().guess_type(path)

    with serving(functools.partial(Handler, directory=str(root))) as base:
        yield base

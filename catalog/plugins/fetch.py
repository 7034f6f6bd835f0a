"""Reading a release's files for the commands that write plugins-index/ (`catalog import
legacy`, `catalog release add|refresh`): a local path or an http(s) URL, hashed while it
streams, so a wagon of hundreds of megabytes is never held whole by the import.

Only http(s) URLs and local paths: a `file://` URL is refused like everywhere else in
the catalog (a path says the same thing plainly). A host that cannot be reached once
is not tried again in the same run, so an import without network fails fast instead of
waiting out one timeout per wagon.
"""
from __future__ import annotations

import datetime
import email.utils
import hashlib
import http.client
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

CHUNK = 1 << 16
TIMEOUT = 20.0   # seconds without a byte before a download is given up


class FetchError(Exception):
    """The file could not be read; the message says why, naming it."""


@dataclass(frozen=True)
class Fetched:
    sha256: str
    size: int
    last_modified: datetime.date | None = None   # from the server, when it says
    path: Path | None = None                     # a local copy, when one was asked for (keep=True)


class Fetcher:
    """Downloads for one command run; remembers hosts that could not be reached."""

    def __init__(self, *, offline: bool = False, timeout: float = TIMEOUT) -> None:
        self.offline = offline
        self.timeout = timeout
        self.unreachable: dict[str, str] = {}   # host -> why
        self.temp = tempfile.TemporaryDirectory(prefix="catalog-fetch-")

    def close(self) -> None:
        self.temp.cleanup()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, location: str, *, keep: bool = False, expected_size: int | None = None) -> Fetched:
        """sha256 and size of a local path or an http(s) URL; with `keep`, a local copy to read
        (the path itself for a local file). FetchError when it cannot be read."""
        scheme = urlsplit(location).scheme.lower()
        if scheme in ("http", "https"):
            return self._download(location, keep, expected_size)
        if scheme == "file":
            raise FetchError(f"{location}: file:// URLs are not read; give the path itself")
        if len(scheme) > 1:  # 'c:' is a Windows drive, anything longer a scheme
            raise FetchError(f"{location}: only http(s) URLs and local paths can be read")
        path = Path(location)
        try:
            with path.open("rb") as stream:
                sha256, size = _hash_stream(stream, None)
        except OSError as exc:
            raise FetchError(f"{location}: cannot read it: {exc.strerror or exc}") from None
        return Fetched(sha256, size, None, path if keep else None)

    def _download(self, url: str, keep: bool, expected_size: int | None) -> Fetched:
        host = urlsplit(url).netloc
        if self.offline:
            raise FetchError(f"{url}: not downloaded (--offline)")
        if host in self.unreachable:
            raise FetchError(f"{url}: not downloaded: {host} could not be reached ({self.unreachable[host]})")
        request = urllib.request.Request(url, headers={"User-Agent": "catalog (plugin-catalog)"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                declared = response.headers.get("Content-Length")
                modified = _date(response.headers.get("Last-Modified"))
                sink: IO[bytes] | None = None
                copy = None
                if keep:
                    copy = Path(self.temp.name) / f"{len(list(Path(self.temp.name).iterdir()))}-{_name(url)}"
                    sink = copy.open("wb")
                try:
                    sha256, size = _hash_stream(response, sink)
                finally:
                    if sink is not None:
                        sink.close()
        except urllib.error.HTTPError as exc:
            raise FetchError(f"{url}: the server answered {exc.code} {exc.reason}") from None
        except http.client.IncompleteRead as exc:  # fewer bytes than the server announced
            raise FetchError(f"{url}: the download ended after {len(exc.partial)} more bytes, "
                             f"{exc.expected} more were announced") from None
        except http.client.HTTPException as exc:
            raise FetchError(f"{url}: the server's answer is not valid HTTP: {exc!r}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            self.unreachable[host] = str(reason)
            raise FetchError(f"{url}: cannot download it: {reason}") from None
        if declared is not None and declared.isdigit() and int(declared) != size:
            raise FetchError(f"{url}: the server announced {declared} bytes but sent {size}")
        if expected_size is not None and expected_size != size:
            raise FetchError(f"{url}: the download has {size} bytes, the index says {expected_size}")
        return Fetched(sha256, size, modified, copy)


def _hash_stream(stream: IO[bytes], sink: IO[bytes] | None) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return digest.hexdigest(), size


def _date(header: str | None) -> datetime.date | None:
    if not header:
        return None
    try:
        return email.utils.parsedate_to_datetime(header).astimezone(datetime.timezone.utc).date()
    except (TypeError, ValueError):
        return None


def _name(url: str) -> str:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name) or "download"


__all__ = ["FetchError", "Fetched", "Fetcher"]

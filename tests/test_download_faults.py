"""Faults during `catalog resolve --download`: a real local HTTP server that drops the
connection midway (with and without a Content-Length, chunked), stalls, or serves altered
bytes. Whatever happens, the destination holds no file that looks like a valid download
(nothing at the wagon's name, no partial file left), the error is a ResolveError that
says what happened, and the command exits 2 without a traceback."""
from __future__ import annotations

import contextlib
import http.server
import time
from pathlib import Path

import pytest

from browser import serving
from catalog.cli import main
from catalog.plugins import transfer
from catalog.plugins.resolver import download, resolve
from catalog.plugins.transfer import ResolveError

from plugins_fixtures.project import build_ok, publish, wagon_project

TRICKLE = 0.05  # seconds between two bytes of the "trickle" fault
ECHO = dict(manager_version="6.4.0", distribution="centos", release="core", arch="x86_64", python_tag="py311")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    built = build_ok(wagon_project(tmp_path_factory.mktemp("project")))
    return publish(built.files, tmp_path_factory.mktemp("site"))


def faulty_host(root: Path, fault: str, only: str = ".wgn"):
    """Serve `root`; files whose name ends with `only` are served with `fault`."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            path = root / self.path.lstrip("/").split("?")[0]
            if path.is_dir():
                path = path / "index.json"
            if not path.is_file():
                self.send_error(404)
                return
            data = path.read_bytes()
            if not path.name.endswith(only) or fault == "none":
                self._send(data, len(data))
            elif fault == "drop":                 # Content-Length promised, half sent, connection closed
                self._send(data[: len(data) // 2], len(data))
                self.close_connection = True
            elif fault == "drop-unannounced":     # no Content-Length: the end of the connection ends the body
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.close_connection = True
            elif fault == "drop-chunked":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                half = data[: len(data) // 2]
                self.wfile.write(f"{len(half):x}\r\n".encode() + half + b"\r\n")
                self.close_connection = True
            elif fault == "stall":                # half sent, then nothing until the client gives up
                self._send(data[: len(data) // 2], len(data))
                time.sleep(3)
                self.close_connection = True
            elif fault == "altered":              # same size, one byte changed
                altered = bytearray(data)
                altered[len(data) // 3] ^= 0x20
                self._send(bytes(altered), len(data))
            elif fault == "longer":               # an honest Content-Length for more bytes than the index names
                self._send(data + b"\0" * 100_000, len(data) + 100_000)
            elif fault == "trickle":              # one byte at a time: no read ever times out
                self._send(b"", len(data))
                with contextlib.suppress(OSError):  # the client gave up
                    for index in range(len(data)):
                        self.wfile.write(data[index:index + 1])
                        self.wfile.flush()
                        time.sleep(TRICKLE)
                self.close_connection = True

        def _send(self, body: bytes, length: int) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()

        def log_message(self, format, *args):
            pass

    return serving(Handler)


FAULTS = {
    "drop": r"connection closed after \d+ bytes, before the end of the file; download deleted, try again",
    "drop-unannounced": r"size mismatch: the index says \d+ bytes, got \d+",
    "drop-chunked": r"connection closed after \d+ bytes, before the end of the file",
    "stall": "timed out",
    "altered": "sha256 mismatch: the index says",
    "longer": "more than the",
}


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setattr(transfer, "TIMEOUT", 1)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("fault", FAULTS)
def test_faulty_wagon_download_leaves_nothing(site, tmp_path, short_timeout, fault):
    with faulty_host(site, fault) as base:
        chosen = resolve("cloudify-echo-plugin", index=base + "/", **ECHO)
        with pytest.raises(ResolveError, match=FAULTS[fault]) as raised:
            download(chosen, tmp_path / "dl")
    assert chosen.wagon.filename in str(raised.value) or chosen.wagon.url in str(raised.value)
    assert _leftovers(tmp_path / "dl") == []


def test_a_previous_good_file_is_not_replaced_by_a_bad_one(site, tmp_path):
    """A download that fails verification leaves what was at the destination before."""
    dest = tmp_path / "dl"
    with faulty_host(site, "none") as base:
        chosen = resolve("cloudify-echo-plugin", index=base + "/", **ECHO)
        good = download(chosen, dest)
    before = {p.name: p.read_bytes() for p in good}
    (dest / good[0].name).write_bytes(before[good[0].name])
    with faulty_host(site, "altered") as base:
        with pytest.raises(ResolveError, match="sha256 mismatch"):
            download(resolve("cloudify-echo-plugin", index=base + "/", **ECHO), dest)
    for name in _leftovers(dest):
        assert before.get(name) == (dest / name).read_bytes()   # nothing but verified bytes
    assert not [name for name in _leftovers(dest) if name.startswith(".")]


def test_index_cut_midway_is_an_error_not_a_traceback(site, tmp_path):
    with faulty_host(site, "drop", only="index.json") as base:
        with pytest.raises(ResolveError, match="cannot fetch .*index.json: connection closed after .* bytes, before the end"):
            resolve("cloudify-echo-plugin", index=base + "/", **ECHO)


@pytest.mark.parametrize("fault", ["drop", "altered"])
def test_cli_reports_the_fault_and_exits_2(site, tmp_path, capsys, fault):
    with faulty_host(site, fault) as base:
        status = main(["resolve", "cloudify-echo-plugin", "--manager-version", "6.4.0", "--distribution", "centos",
                       "--release", "core", "--arch", "x86_64", "--python", "py311", "--index", base + "/",
                       "--download", str(tmp_path / "dl")])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("error: ") and "Traceback" not in err
    assert _leftovers(tmp_path / "dl") == []

"""A real HTTP server on 127.0.0.1 that answers as Kolada and SSB did (recorded/*.json).

The clients under test talk to it through httpx exactly as they talk to the real services:
``KOLADA_BASE_URL`` and ``SSB_BASE_URL`` point at it. A test can change how it answers
(``stats_server.mode = "error"`` and so on) and read what it was asked
(``stats_server.requests``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

RECORDED = Path(__file__).parent / "recorded"


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


@dataclass
class Asked:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any


@dataclass
class StatsServer:
    url: str
    # "recorded" answers from recorded/; "error" 500; "garbage" a 200 that is not JSON;
    # "shape" JSON of the wrong shape; "slow" sleeps past the client's timeout.
    mode: str = "recorded"
    slow_seconds: float = 2.0
    requests: list[Asked] = field(default_factory=list)
    # Extra answers by path, for a test's own data: {path: (status, body bytes)}.
    answers: dict[str, tuple[int, bytes]] = field(default_factory=dict)

    @property
    def kolada(self) -> str:
        return f"{self.url}/kolada/v3"

    @property
    def ssb(self) -> str:
        return f"{self.url}/ssb/api/pxwebapi/v2"


def _answer(server: StatsServer, asked: Asked) -> tuple[int, bytes]:
    if server.mode == "error":
        return 500, b"<html><body>Internal Server Error</body></html>"
    if server.mode == "garbage":
        return 200, b"<html>maintenance</html>"
    if server.mode == "shape":
        return 200, b'{"message": "ok"}'
    if server.mode == "slow":
        time.sleep(server.slow_seconds)
        return 200, b"{}"
    if asked.path in server.answers:
        return server.answers[asked.path]
    parts = asked.path.strip("/").split("/")
    if parts[:4] == ["kolada", "v3", "data", "kpi"] and len(parts) >= 7:
        page = asked.query.get("page", ["1"])[0]
        name = RECORDED / f"kolada_{parts[4]}_page{page}.json"
        if name.exists():
            return 200, name.read_bytes()
        return 200, b'{"count": 0, "values": [], "next_url": null}'
    if parts[:4] == ["ssb", "api", "pxwebapi", "v2"] and parts[4] == "tables":
        name = RECORDED / f"ssb_{parts[5]}.json"
        if asked.method == "POST" and name.exists():
            return 200, name.read_bytes()
        return 404, b'{"title": "Not Found", "status": 404}'
    return 404, b"not found"


def _handler(server: StatsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw
            asked = Asked(self.command, split.path, parse_qs(split.query), body)
            server.requests.append(asked)
            status, payload = _answer(server, asked)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout test)

        do_GET = _handle
        do_POST = _handle

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def stats_server(settings) -> Iterator[StatsServer]:
    """The local server, with the statistics settings pointed at it."""
    state = StatsServer(url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    settings.KOLADA_BASE_URL = state.kolada
    settings.SSB_BASE_URL = state.ssb
    settings.STATISTICS_TIMEOUT_SECONDS = 5.0
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)

"""Small scripted HTTP servers on 127.x.y.z for the hostile-web tests.

Each route is a function that writes whatever it likes to the socket: normal pages, error
statuses, resets, slow drips, truncated bodies. Every request is logged with its time.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[["Handler"], None]


@dataclass
class Hit:
    at: float
    path: str
    host: str


@dataclass
class ScriptedServer:
    """A threaded HTTP server whose routes are Python functions; ``hits`` logs requests."""

    host: str = "127.0.0.1"
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class BoundHandler(Handler):
            owner = server

        self.httpd = QuietServer((self.host, 0), BoundHandler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def count(self, path: str) -> int:
        return sum(1 for hit in self.hits if hit.path == path)

    def times(self, path: str) -> list[float]:
        return [hit.at for hit in self.hits if hit.path == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (the crawler cutting a download) are not errors here."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class Handler(BaseHTTPRequestHandler):
    owner: ScriptedServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = self.path.split("?", 1)[0]
        self.owner.hits.append(Hit(time.monotonic(), path, self.headers.get("Host", "")))
        route = self.owner.routes.get(path)
        if route is None:
            self.send_body(b"not found", status=404, ctype="text/plain")
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            route(self)

    def send_body(
        self,
        body: bytes,
        status: int = 200,
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def reset(self) -> None:
        """Close the connection with a TCP RST and no response."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

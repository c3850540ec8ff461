"""A fast HTTP/1.1 server for the bench portal, in its own process.

asyncio with keep-alive and no framework: a page is a join of pre-encoded byte segments, so
the server costs a fraction of a millisecond a page and never limits the crawl.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import socket
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path

from bench.portal import Portal, load_sources

_REASONS = {200: b"OK", 404: b"Not Found", 400: b"Bad Request"}


class PortalProtocol(asyncio.Protocol):
    def __init__(self, portal: Portal, counts: Counter[int]) -> None:
        self.portal = portal
        self.counts = counts
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            self._answer(head)

    def _answer(self, head: bytes) -> None:
        assert self.transport is not None
        parts = head.split(b"\r\n", 1)[0].split(b" ")
        path = parts[1].decode("latin-1").split("?", 1)[0] if len(parts) == 3 else ""
        body = self.portal.render(path) if path else None
        status = 200 if body is not None else (404 if path else 400)
        body = body if body is not None else b"not found"
        ctype = b"text/plain" if path == "/robots.txt" or status != 200 else b"text/html"
        self.counts[status] += 1
        # Head and body written apart: the body goes to the socket as it is, not copied into
        # one buffer with the head first (the server shares the machine with the crawl).
        self.transport.write(
            b"HTTP/1.1 %d %s\r\nContent-Type: %s; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
            % (status, _REASONS[status], ctype, len(body))
        )
        self.transport.write(body)


def _serve(benchmarks: str, articles: int, host: str, conn: Connection) -> None:
    sock = socket.socket()
    sock.bind((host, 0))
    sock.listen(512)
    port = sock.getsockname()[1]
    portal = Portal(load_sources(Path(benchmarks)), articles, f"http://{host}:{port}")
    portal.prepare()
    counts: Counter[int] = Counter()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: PortalProtocol(portal, counts), sock=sock)
        conn.send(port)
        await loop.run_in_executor(None, conn.recv)  # the parent says stop
        server.close()
        conn.send(dict(counts))

    asyncio.run(main())


class PortalServer:
    """Serves the portal from a child process; ``base_url`` once started."""

    def __init__(self, benchmarks: Path, articles: int, host: str = "127.0.0.1") -> None:
        self.host = host
        self.parent, child = multiprocessing.get_context("spawn").Pipe()
        self.process = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(str(benchmarks), articles, host, child), daemon=True
        )
        self.process.start()
        for _ in range(3000):  # preparing 20,000 pages takes a minute or two
            if self.parent.poll(0.1) or not self.process.is_alive():
                break
        if not self.parent.poll():
            raise RuntimeError("bench portal server did not start (see its error above)")
        self.port: int = self.parent.recv()
        self.base_url = f"http://{host}:{self.port}"

    def stop(self) -> dict[int, int]:
        """Stop serving; the request counts by HTTP status."""
        self.parent.send("stop")
        counts: dict[int, int] = self.parent.recv() if self.parent.poll(10) else {}
        self.process.join(10)
        return counts

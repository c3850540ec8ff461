"""Serve portals over HTTP on loopback, one host per portal, and log every request.

Each portal gets its own address in 127.0.0.0/8 (127.0.0.1, 127.0.0.2, ...; all loopback
on Linux) so a crawler's same-host rule can tell portals apart. Ports are picked by the OS.
The request log lets tests prove which hosts and paths a crawl touched.

Run `python -m demo.server --out-urls FILE` to serve the demo portals until killed; the
start URLs are written to FILE (one a line) once every portal is listening.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import urlsplit

from demo.builder import Portal, build_portal

logger = logging.getLogger(__name__)

DEMO_PORTALS: tuple[tuple[str, int], ...] = (
    ("zh_mobile", 0),
    ("zh_classic", 1),
    ("en_modern", 0),
    ("en_herald", 1),
)
"""(template, seed) of the portals `python -m demo.server` and `bin/demo` serve."""
DEMO_ARTICLE_PAGES = 3
"""Each demo portal serves its longest article over this many pages (demo.pages)."""

NOT_FOUND = (
    b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>"
)


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it."""

    netloc: str
    method: str
    path: str
    status: int
    user_agent: str


class _Handler(BaseHTTPRequestHandler):
    server: _PortalHTTPServer

    def version_string(self) -> str:
        return "nginx"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        owner = self.server.owner
        portal = owner.portal_at(self.server.netloc)
        page = portal.lookup(self.path) if portal else None
        body, ctype, status = (*page, 200) if page else (NOT_FOUND, "text/html", 404)
        owner._record(
            RequestRecord(
                self.server.netloc,
                self.command,
                self.path,
                status,
                self.headers.get("User-Agent", ""),
            )
        )
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.server.netloc, *args)


class _PortalHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, owner: PortalServer) -> None:
        super().__init__((host, 0), _Handler)
        self.owner = owner
        self.netloc = f"{host}:{self.server_address[1]}"


class PortalServer:
    """Loopback HTTP servers for several portals, with a shared thread-safe request log.

    Usage::

        with PortalServer() as srv:
            zh = srv.serve("zh_mobile")            # on 127.0.0.1:<free port>
            en = srv.serve("en_modern", seed=3)    # on 127.0.0.2:<free port>
            ...crawl zh.start_url, en.start_url...
            srv.paths(zh)                          # what was requested there
    """

    def __init__(self) -> None:
        self._servers: dict[str, _PortalHTTPServer] = {}
        self._portals: dict[str, Portal] = {}
        self._threads: list[threading.Thread] = []
        self._log: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._running = False
        self._next_host = 1

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> PortalServer:
        """Start serving every bound host (hosts bound later start at once)."""
        self._running = True
        for srv in self._servers.values():
            self._spawn(srv)
        return self

    def stop(self) -> None:
        """Stop all servers and free their sockets; safe to call twice."""
        self._running = False
        for srv in self._servers.values():
            srv.shutdown()
            srv.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        self._servers.clear()

    def __enter__(self) -> PortalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _spawn(self, srv: _PortalHTTPServer) -> None:
        thread = threading.Thread(
            target=srv.serve_forever, name=f"portal-{srv.netloc}", daemon=True
        )
        thread.start()
        self._threads.append(thread)

    # -- hosts and portals -----------------------------------------------------------------
    def bind(self, host: str | None = None) -> str:
        """Listen on `host` (default: next unused 127.0.0.N) port 0; return the base URL."""
        if host is None:
            host = self._free_host()
        srv = _PortalHTTPServer(host, self)
        self._servers[srv.netloc] = srv
        if self._running:
            self._spawn(srv)
        return f"http://{srv.netloc}"

    def _free_host(self) -> str:
        used = {netloc.split(":")[0] for netloc in self._servers}
        while f"127.0.0.{self._next_host}" in used:
            self._next_host += 1
        host = f"127.0.0.{self._next_host}"
        self._next_host += 1
        return host

    def mount(self, portal: Portal) -> Portal:
        """Serve `portal` on the bound host its base URL names."""
        netloc = urlsplit(portal.base_url).netloc
        if netloc not in self._servers:
            raise ValueError(f"{portal.base_url} is not bound; call bind() first")
        with self._lock:
            self._portals[netloc] = portal
        return portal

    def serve(self, template_name: str, host: str | None = None, **build_kwargs: Any) -> Portal:
        """Bind a host, build a portal of `template_name` for it and mount it."""
        return self.mount(build_portal(template_name, self.bind(host), **build_kwargs))

    def swap(self, portal: Portal) -> Portal | None:
        """Replace what is served at `portal.base_url` while running; return the old one."""
        netloc = urlsplit(portal.base_url).netloc
        with self._lock:
            old = self._portals.get(netloc)
        self.mount(portal)
        return old

    def portal_at(self, netloc: str) -> Portal | None:
        """The portal served at host:port, if any."""
        with self._lock:
            return self._portals.get(netloc)

    @property
    def portals(self) -> list[Portal]:
        """Mounted portals in mount order."""
        with self._lock:
            return list(self._portals.values())

    # -- request log ------------------------------------------------------------------------
    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self._log.append(record)

    @property
    def request_log(self) -> list[RequestRecord]:
        """Copy of every request served so far, in arrival order."""
        with self._lock:
            return list(self._log)

    def paths(self, where: Portal | str) -> list[str]:
        """Paths requested from one portal (or base URL / host:port), in arrival order."""
        base = where.base_url if isinstance(where, Portal) else where
        netloc = urlsplit(base).netloc or base
        return [r.path for r in self.request_log if r.netloc == netloc]

    def hosts_requested(self) -> set[str]:
        """Every host:port that received at least one request."""
        return {r.netloc for r in self.request_log}

    def clear_log(self) -> None:
        """Forget logged requests (e.g. between two crawl runs)."""
        with self._lock:
            self._log.clear()

    def __iter__(self) -> Iterator[Portal]:
        return iter(self.portals)


def serve_demo(
    server: PortalServer, specs: Iterable[tuple[str, int]] = DEMO_PORTALS
) -> list[Portal]:
    """Mount the demo portals on successive loopback hosts."""
    return [server.serve(name, seed=seed, multipage=DEMO_ARTICLE_PAGES) for name, seed in specs]


def main(argv: list[str] | None = None) -> int:
    """Serve the demo portals until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(
        prog="python -m demo.server", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out-urls", type=Path, help="write the start URLs here, one a line")
    parser.add_argument(
        "--templates",
        default=",".join(n for n, _ in DEMO_PORTALS),
        help="comma-separated template names",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    wanted = args.templates.split(",")
    specs = [(n, s) for n, s in DEMO_PORTALS if n in wanted] or [(n, 0) for n in wanted]
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with PortalServer() as server:
        portals = serve_demo(server, specs)
        urls = [p.start_url for p in portals]
        if args.out_urls:
            tmp = args.out_urls.with_suffix(args.out_urls.suffix + ".tmp")
            tmp.write_text("\n".join(urls) + "\n", encoding="utf-8")
            tmp.replace(args.out_urls)
        for portal in portals:
            logger.info(
                "serving %s (%s, %d articles)",
                portal.start_url,
                portal.template.name,
                len(portal.truth.articles),
            )
        stop.wait()
    logger.info("stopped; %d requests served", len(server.request_log))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

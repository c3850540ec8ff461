"""Real parts for the distributed-crawl tests: a password-protected redis-server with its own
directory and append-only file, a generated 300-article portal on 127.0.0.1, and workers."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "test-secret-Zq81"
# The two users of docs/operations-redis.md: the seeder writes the sites registry, the workers'
# user ("crawler") only reads it.
CRAWLER_PASSWORD = "crawler-secret-Jq2"
SEEDER_PASSWORD = "seeder-secret-Hw7"


def documented_users() -> list[list[str]]:
    """The ``ACL SETUSER seeder|crawler`` lines of docs/operations-redis.md, as redis-server
    ``--user`` arguments (so that they survive a restart), with the test passwords."""
    text = (ROOT / "docs" / "operations-redis.md").read_text(encoding="utf-8")
    lines = re.findall(r"^ACL SETUSER ((?:seeder|crawler) .*)$", text, re.M)
    assert len(lines) == 2, lines
    return [
        ["--user", *line.replace("SEEDER-PASSWORD", SEEDER_PASSWORD)
         .replace("CRAWLER-PASSWORD", CRAWLER_PASSWORD).split()]
        for line in lines
    ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """redis-server on 127.0.0.1:<free port>, requirepass, appendonly in its own temp dir."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: run `make system-deps`")
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._started = False  # once up, the port is the crawl's: restarts keep it

    @property
    def url(self) -> str:
        """The default user's: may do anything (the fixture's own client, the seeding)."""
        return f"redis://:{PASSWORD}@127.0.0.1:{self.port}/0"

    @property
    def crawler_url(self) -> str:
        """The workers' user of docs/operations-redis.md: cannot write the sites registry."""
        return f"redis://crawler:{CRAWLER_PASSWORD}@127.0.0.1:{self.port}/0"

    @property
    def seeder_url(self) -> str:
        return f"redis://seeder:{SEEDER_PASSWORD}@127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start on the port chosen; on the first start, a port another process took between
        ``free_port`` and redis-server's bind is given up for a new one (restarts keep theirs:
        the workers' URLs name it)."""
        for _ in range(5):
            self._launch()
            if self._wait_ready():
                return
            running = self.process is not None and self.process.poll() is None
            if running or self._started:
                break
            self.port = free_port()  # redis-server exited: most likely the port was taken
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def _launch(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--protected-mode", "yes",
                "--requirepass", PASSWORD,
                "--dir", str(self.directory),
                "--appendonly", "yes",
                "--appendfsync", "always",
                "--save", "",
                "--daemonize", "no",
                "--logfile", str(self.directory / "redis.log"),
                *(arg for user in documented_users() for arg in user),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def _wait_ready(self, timeout: float = 60.0) -> bool:
        """True once the server answers; False when it exited or never answered."""
        import redis

        client = redis.Redis.from_url(self.url, socket_timeout=1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    self._started = True
                    return True
            except redis.exceptions.RedisError:
                if self.process is not None and self.process.poll() is not None:
                    return False
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        """Graceful stop (SIGTERM): Redis flushes its append-only file and exits."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def restart(self, down_seconds: float = 1.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def client(self):  # type: ignore[no-untyped-def]
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=5)


@contextmanager
def redis_server(directory: Path) -> Iterator[RedisServer]:
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- a generated portal ------------------------------------------------------------------------

_PROSE = (
    "city council budget river harbour school teachers hospital nurses rail line station bridge "
    "election minister parliament vote reform tax energy price wind solar farm coast storm "
    "flood police court judge trial museum library festival concert theatre film market "
    "harvest wheat coffee exports factory workers union strike airport runway tourism hotel "
    "museum science research university students climate forest park mayor district housing "
    "rent tenants bus tram cyclists road safety report survey figures data growth quarter "
    "company shares investors bank loan rates inflation wages pensions health clinic doctors "
    "vaccine season team coach league match goal final champions record crowd stadium"
)
WORDS = _PROSE.split()


def article_text(number: int) -> list[str]:
    rng = random.Random(number)
    paragraphs = []
    for p in range(4):
        words = [rng.choice(WORDS) for _ in range(38)]
        words[0] = words[0].capitalize()
        paragraphs.append(f"Report {number}-{p}: " + " ".join(words) + ".")
    return paragraphs


@dataclass
class GeneratedPortal:
    """300 articles under 30 sections; ``requests`` logs (time, path) of every request.

    Every ``duplicate_every``-th article is also linked, from the next section, under a second
    URL (``?ref=dup``) that serves the same page (same text, same rel=canonical).
    """

    articles: int = 300
    per_section: int = 10
    duplicate_every: int = 0
    requests: list[tuple[float, str]] = field(default_factory=list)
    # Requests with any other method than GET: "<method> <path>" (a worker never sends one).
    other_methods: list[str] = field(default_factory=list)

    def article_path(self, number: int) -> str:
        return f"/news/2024/05/{10000 + number}.html"

    def sections(self) -> int:
        return (self.articles + self.per_section - 1) // self.per_section

    def duplicates(self) -> list[int]:
        if not self.duplicate_every:
            return []
        return list(range(7, self.articles, self.duplicate_every))

    def page(self, path: str) -> str | None:
        path = path.split("?", 1)[0]
        if path == "/robots.txt":
            return "User-agent: *\nAllow: /\n"
        if path == "/":
            links = "".join(
                f'<li><a href="/section/{s}">Section {s}</a></li>' for s in range(self.sections())
            )
            return _html("Front page", "website", f"<ul>{links}</ul>")
        if path.startswith("/section/"):
            return self._section(path)
        if path.startswith("/news/2024/05/") and path.endswith(".html"):
            number = int(path.rsplit("/", 1)[1].split(".")[0]) - 10000
            if 0 <= number < self.articles:
                return self._article(number)
        return None

    def _section(self, path: str) -> str | None:
        try:
            section = int(path.rsplit("/", 1)[1])
        except ValueError:
            return None
        if not 0 <= section < self.sections():
            return None
        first = section * self.per_section
        links = "".join(
            f'<li><a href="{self.article_path(n)}">Story {n}</a></li>'
            for n in range(first, min(first + self.per_section, self.articles))
        )
        links += "".join(
            f'<li><a href="{self.article_path(n)}?ref=dup">Also: story {n}</a></li>'
            for n in self.duplicates()
            if n // self.per_section == section - 1
        )
        more = f'<a href="/section/{(section + 1) % self.sections()}">Next section</a>'
        return _html(f"Section {section}", "website", f"<ul>{links}</ul>{more}")

    def _article(self, number: int) -> str:
        body = "".join(f"<p>{p}</p>" for p in article_text(number))
        ld = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": f"Story number {number} of the generated portal",
                "datePublished": f"2024-05-{1 + number % 28:02d}T08:00:00Z",
                "author": {"@type": "Person", "name": "Test Writer"},
            }
        )
        content = (
            f"<article><h1>Story number {number} of the generated portal</h1>"
            f'<time datetime="2024-05-{1 + number % 28:02d}T08:00:00Z">May 2024</time>'
            f"{body}</article>"
            f'<script type="application/ld+json">{ld}</script>'
        )
        canonical = f'<link rel="canonical" href="{self.article_path(number)}">'
        return _html(
            f"Story number {number} of the generated portal", "article", content, canonical
        )


def _html(title: str, og_type: str, content: str, head: str = "") -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title><meta property='og:type' content='{og_type}'>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/section/0'>Latest</a> "
        "<a href='https://outside.invalid/'>Partner site</a></nav>"
        f"<main>{content}</main><footer>Generated portal, all rights reserved.</footer>"
        "</body></html>"
    )


@contextmanager
def serve_portal(portal: GeneratedPortal) -> Iterator[str]:
    """Serve ``portal`` on 127.0.0.1:<free port>; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            portal.requests.append((time.monotonic(), self.path))
            text = portal.page(self.path)
            if text is None:
                self.send_error(404)
                return
            data = text.encode("utf-8")
            ctype = "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802
            portal.other_methods.append(f"{self.command} {self.path}")
            self.send_error(405)

        do_PUT = do_DELETE = do_PATCH = do_POST  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# --- workers ---------------------------------------------------------------------------------------

FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "NEWS_EXTRACT_WORKERS": "1",
    "NEWS_TEMPLATE_STORE": "",
    "NEWS_TEMPLATE_HOLD_SECONDS": "2",
    "NEWS_REDIS_LEASE_SECONDS": "8",
    "NEWS_REDIS_HEARTBEAT_SECONDS": "0.5",
    "NEWS_REDIS_IDLE_CLOSE_SECONDS": "1.5",
    "NEWS_REDIS_RETRY_MAX_SECONDS": "1",
    "NEWS_REDIS_OUTAGE_SECONDS": "60",
}


def scrapy_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def settings_args(settings: dict[str, str]) -> list[str]:
    args: list[str] = []
    for name, value in settings.items():
        args += ["-s", f"{name}={value}"]
    return args


def seed(url: str, start_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "seed", "--reset", "-a", f"start_urls={start_url}",
         "-s", f"NEWS_REDIS_URL={url}", *extra],
        cwd=ROOT, env=scrapy_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def start_worker(
    url: str,
    workdir: Path,
    name: str,
    settings: dict[str, str] | None = None,
    spider_args: tuple[str, ...] = (),
) -> subprocess.Popen[bytes]:
    merged = {
        **FAST,
        "NEWS_REDIS_URL": url,
        "NEWS_REDIS_WORKER_ID": name,
        "NEWS_REDIS_SUMMARY_FILE": str(workdir / "crawl-summary.json"),
        "LOG_FILE": str(workdir / f"{name}.log"),
        **(settings or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-o", str(workdir / f"{name}.jsonl"),
         *spider_args, *settings_args(merged)],
        cwd=ROOT, env=scrapy_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_all(processes: list[subprocess.Popen[bytes]], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    codes = []
    for process in processes:
        try:
            codes.append(process.wait(timeout=max(0.1, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            for p in processes:
                if p.poll() is None:
                    p.send_signal(signal.SIGKILL)
                    p.wait()
            raise
    return codes


def exported_urls(workdir: Path, pattern: str = "*.jsonl") -> list[str]:
    """Canonical URLs (else URLs) of every complete JSON line in the workers' files; a torn
    last line of a killed worker is skipped: it is not a delivered article."""
    urls = []
    for path in sorted(workdir.glob(pattern)):
        if ".rejects." in path.name:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                urls.append(record.get("canonical_url") or record["url"])
            except (ValueError, KeyError):
                continue
    return urls


def wait_for_lines(workdir: Path, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(exported_urls(workdir)) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} articles after {timeout}s")

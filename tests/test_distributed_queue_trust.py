"""The Redis queue and sites registry are untrusted input (issue 19, defect 7).

Whoever can write the queue keys may only get a GET of a page of a seeded site: every other
entry is dropped once, logged with its reason, counted; a site added to the registry by a queue
writer is never contacted; Redis that refuses or does not answer gives one line and an exit code.
Real redis-server with the ACL of docs/operations-redis.md, real workers, real HTTP servers.
"""

from __future__ import annotations

import json
import pickle
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import redis as redis_client
import scrapy

from crawler.distributed.codec import BadPayload, request_from_json
from crawler.spiders.news import NewsSpider
from tests.distributed_fixtures import (
    PASSWORD,
    ROOT,
    GeneratedPortal,
    RedisServer,
    exported_urls,
    redis_server,
    scrapy_env,
    seed,
    serve_portal,
    start_worker,
    wait_all,
)

TIMEOUT = 120


# --- parts ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """redis-server with the seeder and crawler users exactly as docs/operations-redis.md
    defines them."""
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


def user_url(server: RedisServer, user: str, password: str) -> str:
    return f"redis://{user}:{password}@127.0.0.1:{server.port}/0"


class CanaryServer(ThreadingHTTPServer):
    """An "internal service" on loopback: counts every connection made to it."""

    daemon_threads = True

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<html><body><p>internal admin panel</p></body></html>")

            do_POST = do_GET  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return None

        super().__init__(("127.0.0.1", 0), Handler)
        self.connections = 0

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.connections += 1
        return True

    @property
    def origin(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


@contextmanager
def canary() -> Iterator[CanaryServer]:
    server = CanaryServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def summary_stats(workdir: Path) -> dict[str, Any]:
    return json.loads((workdir / "crawl-summary.json").read_text(encoding="utf-8"))["stats"]


def article_url(base: str, number: int) -> str:
    return f"{base}news/2024/05/{10000 + number}.html"


def entry(url: Any, site: str, **fields: Any) -> str:
    record = {
        "v": 1,
        "url": url,
        "callback": "parse",
        "errback": "failed",
        "priority": 0,
        "dont_filter": True,
        "cb_kwargs": {"site_name": site},
        "meta": {"news_start": False},
    }
    record.update(fields)
    return json.dumps(record)


def hostile_entries(base: str, site: str, canary_origin: str) -> dict[str, tuple[str, bytes | str]]:
    """name -> (the kind it is counted under, the entry): each asks for something a worker
    must not do, or is not an entry a worker wrote."""
    page = article_url(base, 1)
    internal = f"http://{canary_origin}/admin"
    scrapy_redis_pickle = pickle.dumps(
        {"url": page, "method": "POST", "body": b"x=1", "callback": "parse", "meta": {}},
        protocol=-1,
    )
    return {
        "scrapy-redis pickle": ("not_utf8", scrapy_redis_pickle),
        "POST with a body": ("not_get", entry(page, site, method="POST", body="eD0x")),
        "body without method": ("not_get", entry(page, site, body="a")),
        "PUT": ("not_get", entry(page, site, method="PUT")),
        "attempts many": ("bad_field", entry(page, site, attempts="many")),
        "priority text": ("bad_field", entry(page, site, priority="high")),
        "priority huge": ("bad_field", entry(page, site, priority=10**30)),
        "meta a list": ("bad_field", entry(page, site, meta=[1, 2])),
        "depth negative": ("bad_field", entry(page, site, meta={"depth": -3})),
        "cb_kwargs extra": ("bad_field", entry(page, site, cb_kwargs={"site_name": site, "x": 1})),
        "cb_kwargs missing": ("bad_field", entry(page, site, cb_kwargs={})),
        "header smuggling": ("bad_field", entry(page, site, headers={"Cookie": "a=b"})),
        "no url": ("bad_field", json.dumps({"v": 1, "callback": "parse"})),
        "url a number": ("bad_field", entry(42, site)),
        "file url": ("bad_field", entry("file:///etc/passwd", site)),
        "not an object": ("not_json", "[1, 2, 3]"),
        "null": ("not_json", "null"),
        "deep nesting": ("not_json", "[" * 30000),
        "not json": ("not_json", "GET /admin HTTP/1.1"),
        "unknown callback": ("bad_callback", entry(page, site, callback="__init__")),
        "a helper as callback": ("bad_callback", entry(page, site, callback="site_for")),
        "a callback as errback": ("bad_callback", entry(page, site, errback="parse")),
        "huge": ("too_large", entry(page, site, meta={"news_x": "y" * 100_000})),
        "url too long": ("url_too_long", entry(page + "?q=" + "a" * 5000, site)),
        "internal service, seeded site's name": ("offsite", entry(internal, site)),
        "internal service, its own name": ("offsite", entry(internal, canary_origin)),
        "other site": ("offsite", entry("http://example.invalid/", site)),
    }


def inject(client: Any, entries: dict[str, tuple[str, bytes | str]]) -> None:
    """Queue the entries ahead of everything seeded (lowest score first)."""
    for n, (_, payload) in enumerate(entries.values()):
        client.zadd("news:requests", {payload: -1000 - n})


def fresh(server: RedisServer) -> None:
    client = server.client()
    for key in client.scan_iter(match="news:*"):
        client.delete(key)


def run_command(*args: str, url: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args, "-s", f"NEWS_REDIS_URL={url}"],
        cwd=ROOT, env=scrapy_env(), capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


# --- the codec on its own ----------------------------------------------------------------------


def test_every_hostile_entry_is_a_bad_payload_with_its_kind() -> None:
    news = NewsSpider(start_urls="http://127.0.0.1:8000/")
    for name, (kind, payload) in hostile_entries(
        "http://127.0.0.1:8000/", "127.0.0.1:8000", "127.0.0.1:9"
    ).items():
        if kind in ("offsite", "url_too_long"):
            request_from_json(payload, news, 32768)  # well formed: the scheduler refuses it
            continue
        with pytest.raises(BadPayload) as caught:
            request_from_json(payload, news, 32768)
        assert caught.value.kind == kind, (name, caught.value)
    good = request_from_json(entry("http://127.0.0.1:8000/a", "127.0.0.1:8000"), news)
    assert isinstance(good, scrapy.Request) and good.method == "GET" and good.body == b""


# --- real crawls ---------------------------------------------------------------------------------


def test_hostile_queue_entries_are_dropped_once_and_counted_in_a_real_crawl(
    redis: RedisServer, tmp_path: Path
) -> None:
    fresh(redis)
    portal = GeneratedPortal(articles=20)
    with serve_portal(portal) as base, canary() as internal:
        site = base.split("//")[1].rstrip("/")
        seeded = seed(redis.seeder_url, base)
        assert seeded.returncode == 0, seeded.stderr[-2000:]
        attacker = redis_client.Redis.from_url(redis.crawler_url)
        # The crawler's credential writes the queue, but cannot widen the sites registry.
        with pytest.raises(redis_client.exceptions.NoPermissionError):
            attacker.hset("news:sites", internal.origin, json.dumps({"name": internal.origin}))
        entries = hostile_entries(base, site, internal.origin)
        inject(attacker, entries)
        # The workers' summaries hash is writable too: garbage there is left out of the merge.
        attacker.hset("news:workers", "evil-1", b"\x80\x05not json")
        attacker.hset("news:workers", "evil-2", json.dumps({"worker": "x", "stats": {"a": "b"}}))
        # Workers without sites of their own: they take them from the (read-only) registry.
        workers = [start_worker(redis.crawler_url, tmp_path, f"w{i}") for i in range(2)]
        assert wait_all(workers, TIMEOUT) == [0, 0]
        assert internal.connections == 0
    assert portal.other_methods == []
    urls = exported_urls(tmp_path)
    assert sorted(urls) == sorted(article_url(base, n) for n in range(20))
    merged = json.loads((tmp_path / "crawl-summary.json").read_text(encoding="utf-8"))
    assert merged["workers"] == 2 and merged["articles"] == 20
    stats = merged["stats"]
    assert stats["redis/bad_queue_entries"] == len(entries)
    kinds: dict[str, int] = {}
    for kind, _ in entries.values():
        kinds[kind] = kinds.get(kind, 0) + 1
    for kind, count in kinds.items():
        assert stats[f"redis/bad_queue_entries/{kind}"] == count, kind
    # Dropped at once: no lease of a bad entry expired and came back, nothing parked as dead.
    assert "redis/lease_requeued" not in stats and "redis/request_given_up" not in stats
    client = redis.client()
    assert (
        client.zcard("news:requests"),
        client.zcard("news:leases"),
        client.hlen("news:dead"),
    ) == (
        0,
        0,
        0,
    )
    log = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("w*.log"))
    assert log.count("dropped queue entry") == len(entries)
    assert "is not on a seeded site" in log and "only GET runs" in log
    assert "Traceback" not in log


def test_a_flood_of_bad_entries_is_drained_counted_and_logged_within_bounds(
    redis: RedisServer, tmp_path: Path
) -> None:
    fresh(redis)
    portal = GeneratedPortal(articles=5)
    with serve_portal(portal) as base:
        site = base.split("//")[1].rstrip("/")
        assert seed(redis.seeder_url, base).returncode == 0
        kinds = list(hostile_entries(base, site, "127.0.0.1:9").values())
        attacker = redis_client.Redis.from_url(redis.crawler_url)
        seeded = attacker.zcard("news:requests")
        flood = 2500
        pipe = attacker.pipeline(transaction=False)
        for n in range(flood):
            _, payload = kinds[n % len(kinds)]
            # Trailing white space (or bytes after a pickle) spelling n keeps entries unique.
            unique = "".join(" \t"[int(bit)] for bit in f"{n:b}")
            if isinstance(payload, bytes):
                pipe.zadd("news:requests", {payload + unique.encode(): -1000 - n})
            else:
                pipe.zadd("news:requests", {payload + unique: -1000 - n})
        pipe.execute()
        assert attacker.zcard("news:requests") == seeded + flood
        worker = start_worker(redis.crawler_url, tmp_path, "w0")
        assert wait_all([worker], TIMEOUT) == [0]
    assert sorted(exported_urls(tmp_path)) == sorted(article_url(base, n) for n in range(5))
    stats = summary_stats(tmp_path)
    assert stats["redis/bad_queue_entries"] == flood
    log = (tmp_path / "w0.log").read_text(encoding="utf-8")
    assert log.count("dropped queue entry") == 1000
    assert log.count("bad queue entries dropped so far") == 1  # at 2,000


def test_a_site_a_queue_writer_adds_to_a_writable_registry_is_never_fetched(
    redis: RedisServer, tmp_path: Path
) -> None:
    """Without the ACL (one password for all), the registry is not trusted: a worker given
    its sites fetches only those, and one without sites refuses to start."""
    fresh(redis)
    portal = GeneratedPortal(articles=10)
    with serve_portal(portal) as base, canary() as internal:
        site = base.split("//")[1].rstrip("/")
        admin = redis.client()
        assert seed(redis.url, base).returncode == 0
        internal_site = {
            "name": internal.origin,
            "start_urls": [f"http://{internal.origin}/"],
            "max_pages": 100,
            "origins": [internal.origin],
        }
        admin.hset("news:sites", internal.origin, json.dumps(internal_site))
        admin.zadd("news:requests", {entry(f"http://{internal.origin}/admin", internal.origin): -5})
        admin.zadd("news:requests", {entry(f"http://{internal.origin}/x", site): -4})

        alone = run_command("crawl", "news", "-o", str(tmp_path / "alone.jsonl"), url=redis.url)
        assert alone.returncode == 2
        assert alone.stderr.strip().count("\n") == 0, alone.stderr
        assert "sites registry news:sites is writable" in alone.stderr
        assert PASSWORD not in alone.stderr

        worker = start_worker(redis.url, tmp_path, "w0", spider_args=("-a", f"start_urls={base}"))
        assert wait_all([worker], TIMEOUT) == [0]
        assert internal.connections == 0
    assert sorted(exported_urls(tmp_path)) == sorted(article_url(base, n) for n in range(10))
    stats = summary_stats(tmp_path)
    assert stats["redis/bad_queue_entries/offsite"] == 2
    log = (tmp_path / "w0.log").read_text(encoding="utf-8")
    assert "is writable by this Redis user" in log


# --- Redis that refuses or does not answer ---------------------------------------------------


def test_wrong_password_unreachable_redis_and_seeding_as_crawler_are_one_line(
    redis: RedisServer, tmp_path: Path
) -> None:
    wrong = user_url(redis, "crawler", "not-the-password")
    refused = run_command("crawl", "news", "-a", "start_urls=http://127.0.0.1:9/", url=wrong)
    assert refused.returncode == 77, refused.stderr
    assert refused.stderr.strip().splitlines() == [
        f"error: Redis at 127.0.0.1:{redis.port} refused this worker: "
        "invalid username-password pair or user is disabled."
    ]
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    unreachable = run_command(
        "crawl", "news", "-a", "start_urls=http://127.0.0.1:9/",
        "-s", "NEWS_REDIS_OUTAGE_SECONDS=1", "-s", "NEWS_REDIS_RETRY_MAX_SECONDS=0.2",
        url=f"redis://:{PASSWORD}@127.0.0.1:{dead_port}/0",
    )  # fmt: skip
    assert unreachable.returncode == 69, unreachable.stderr
    lines = unreachable.stderr.strip().splitlines()
    assert lines[-1].startswith(f"error: Redis at 127.0.0.1:{dead_port} unreachable for 1 s")
    assert len(lines) <= 2 and "Traceback" not in unreachable.stderr
    assert PASSWORD not in unreachable.stderr
    as_crawler = run_command("seed", "-a", "start_urls=http://127.0.0.1:9/", url=redis.crawler_url)
    assert as_crawler.returncode == 77
    assert as_crawler.stderr.strip().splitlines() == [
        "error: scrapy seed needs a Redis user that can write the sites registry news:sites "
        "(the seeding user of docs/operations-redis.md)"
    ]

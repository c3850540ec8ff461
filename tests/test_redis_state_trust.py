"""The Redis state store reads back untrusted input (issue 19, "the queue as untrusted input").

Whoever can write the queue can write ``<prefix>:state:*`` too. Garbage in any state key (a
simhash that is not a number, bytes that are not UTF-8, a key of the wrong type, a date that
does not parse, a header value with a line break, a run that starts in the future) never
raises: it is counted once (``redis/bad_state_entries/<kind>``), logged with its reason and
treated as absent, so the article is fetched and delivered again instead of being lost, and
marking it seen again replaces the bad entry. Against a real redis-server.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.state.redis import RedisStateStore
from crawler.state.store import ArticleState
from tests.distributed_fixtures import (
    GeneratedPortal,
    RedisServer,
    exported_urls,
    redis_server,
    seed,
    serve_portal,
    start_worker,
    wait_all,
)

CRAWL_TIMEOUT = 120
INCREMENTAL = {"NEWS_STATE_ENABLED": "True", "NEWS_DEDUPE_ACROSS_SITES": "True"}
STAT = "redis/bad_state_entries"


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


class _Crawler:
    """Just enough of a crawler for the stats collector."""

    def __init__(self) -> None:
        self.settings = Settings()


def store_for(redis: RedisServer, prefix: str) -> tuple[RedisStateStore, MemoryStatsCollector]:
    settings = Settings()
    settings.setmodule("crawler.settings")
    settings.set("NEWS_REDIS_URL", redis.url)
    settings.set("NEWS_REDIS_PREFIX", prefix)
    settings.set("NEWS_REDIS_WORKER_ID", "unit")
    stats = MemoryStatsCollector(_Crawler())  # type: ignore[arg-type]
    return RedisStateStore.from_settings(settings, stats), stats


def article(key: str, fetched_at: str = "2026-01-02T03:05:00Z") -> ArticleState:
    return ArticleState(
        key=key,
        url=f"http://{key}",
        canonical_url=f"http://{key}",
        site="site",
        fingerprint="fp1",
        simhash=(1 << 63) + 5,
        fetched_at=fetched_at,
        etag='"v1"',
    )


# Garbage a queue writer can leave in an article record: (field, value, kind counted).
BAD_FIELDS = [
    ("simhash", b"not-a-number", "bad_simhash"),
    ("simhash", b"18446744073709551616", "bad_simhash"),  # 2**64
    ("url", b"\xff\xfe broken", "not_utf8"),
    ("last_seen", b"yesterday", "bad_date"),
    ("fingerprint", b"", "missing_field"),
    ("etag", b'"v1"\r\nSet-Cookie: x=1', "bad_value"),
    ("first_seen", b"\xffnot a date", "not_utf8"),
    ("url", b"x" * 20000, "too_large"),
]


@pytest.mark.parametrize(("field", "value", "kind"), BAD_FIELDS)
def test_a_bad_article_field_is_absent_counted_once_and_replaced(
    redis: RedisServer, field: str, value: bytes, kind: str
) -> None:
    prefix = f"trust-{field}-{kind}"
    store, stats = store_for(redis, prefix)
    store.mark_seen(article("a.test/x"))
    client = redis.client()
    client.hset(f"{prefix}:state:article:a.test/x", field, value)
    assert store.seen("a.test/x") is None
    assert store.seen("a.test/x") is None  # read again: counted once
    assert stats.get_value(STAT) == 1 and stats.get_value(f"{STAT}/{kind}") == 1
    store.mark_seen(article("a.test/x", "2026-02-01T00:00:00Z"))
    known = store.seen("a.test/x")
    assert known is not None and known.simhash == (1 << 63) + 5 and known.etag == '"v1"'
    assert known.first_seen.startswith("2026-")


def test_keys_of_the_wrong_type_and_bad_aliases(redis: RedisServer) -> None:
    prefix = "trust-types"
    store, stats = store_for(redis, prefix)
    client = redis.client()
    state = f"{prefix}:state"
    client.rpush(f"{state}:article:a.test/list", "x")  # an article that is a list
    client.hset(f"{state}:alias:a.test/alias-hash", "x", "y")  # an alias that is a hash
    client.set(f"{state}:alias:a.test/alias-bytes", b"\xff\xfe")  # not UTF-8
    client.set(f"{state}:alias:a.test/alias-space", "a b\n")  # not a key
    client.set(f"{state}:recent", "a string, not a sorted set")
    for key in ("a.test/list", "a.test/alias-hash", "a.test/alias-bytes", "a.test/alias-space"):
        assert store.seen(key) is None
    assert store.recent_simhashes(10) == []
    assert stats.get_value(f"{STAT}/wrong_type") == 3
    assert stats.get_value(f"{STAT}/not_utf8") == 1
    assert stats.get_value(f"{STAT}/bad_value") == 1
    # Marking seen replaces the bad keys (already counted: not counted again).
    store.mark_seen(article("a.test/list"))
    assert store.seen("a.test/list") is not None
    assert [k for _, k, _ in store.recent_simhashes(10)] == ["a.test/list"]
    assert stats.get_value(STAT) == 5
    # A recent entry whose article has a bad simhash is left out, counted.
    store.mark_seen(article("a.test/other", "2026-03-01T00:00:00Z"))
    client.hset(f"{state}:article:a.test/other", "simhash", "-1")
    assert [k for _, k, _ in store.recent_simhashes(10)] == ["a.test/list"]
    assert stats.get_value(f"{STAT}/bad_simhash") == 1


def test_bad_run_records(redis: RedisServer) -> None:
    prefix = "trust-runs"
    store, stats = store_for(redis, prefix)
    runs = f"{prefix}:state:runs"
    client = redis.client()
    client.set(runs, "not a hash")
    assert store.last_successful_start() is None
    assert stats.get_value(f"{STAT}/wrong_type") == 1
    started = datetime(2026, 1, 2, tzinfo=UTC)
    store.begin_run("r1", started)  # replaces the bad key instead of failing the run
    store.finish_run("r1", succeeded=True)
    client.hset(runs, "w:bytes", b"\xff")
    client.hset(runs, "w:list", "[1, 2]")
    client.hset(runs, "w:future", json.dumps({"status": "succeeded", "started_at": "2999-01-01"}))
    client.hset(runs, "w:naive", json.dumps({"status": "succeeded", "started_at": "2025-06-01"}))
    client.hset(runs, "unit:r2", "{not json")
    assert store.last_successful_start() == started
    store.finish_run("r2", succeeded=False)  # its own record was garbage: a fresh one
    assert json.loads(client.hget(runs, "unit:r2"))["status"] == "failed"
    assert stats.get_value(STAT) == 5, stats.get_stats()
    assert stats.get_value(f"{STAT}/bad_date") == 1


def run(redis: RedisServer, base: str, workdir: Path) -> dict:
    workdir.mkdir()
    assert seed(redis.url, base).returncode == 0
    worker = start_worker(redis.crawler_url, workdir, "w0", INCREMENTAL)
    assert wait_all([worker], CRAWL_TIMEOUT) == [0], (workdir / "w0.log").read_text()[-3000:]
    return json.loads((workdir / "crawl-summary.json").read_text(encoding="utf-8"))


def test_a_crawl_over_garbage_state_delivers_what_the_garbage_hid(
    redis: RedisServer, tmp_path: Path
) -> None:
    client = redis.client()
    for key in client.keys("news:*"):
        client.delete(key)
    portal = GeneratedPortal(articles=14)
    with serve_portal(portal) as base:
        first = run(redis, base, tmp_path / "run1")
        assert first["articles"] == 14
        keys = {
            client.hget(k, "canonical_url").decode(): k.decode()
            for k in client.keys("news:state:article:*")
        }
        url = [base.rstrip("/") + portal.article_path(n) for n in range(14)]
        # One kind of garbage per article; each hides an article the next run must deliver.
        for n, (field, value, _) in enumerate(BAD_FIELDS):
            client.hset(keys[url[n]], field, value)
        client.delete(keys[url[8]])
        client.rpush(keys[url[8]], "a list")
        for n, alias in ((9, "hash"), (10, b"\xff")):
            article_key = keys[url[n]]
            client.delete(article_key)
            alias_key = article_key.replace(":article:", ":alias:")
            if alias == "hash":
                client.hset(alias_key, "x", "y")
            else:
                client.set(alias_key, alias)
        client.delete("news:state:recent")
        client.set("news:state:recent", "garbage")
        client.hset("news:state:runs", "w:bytes", b"\xff")
        future = {"status": "succeeded", "started_at": "2999-01-01T00:00:00Z"}
        client.hset("news:state:runs", "w:future", json.dumps(future))

        second = run(redis, base, tmp_path / "run2")
        # The state holds good records again: the next run delivers nothing, and finds only
        # the two bad run records (other workers' records are never rewritten).
        third = run(redis, base, tmp_path / "run3")
    delivered = Counter(exported_urls(tmp_path / "run2"))
    assert set(delivered) == set(url[:11]) and max(delivered.values()) == 1, delivered
    stats = second["stats"]
    # 11 article entries (8 bad fields, a list, 2 bad aliases), the recent set, 2 runs.
    assert stats.get(STAT) == 14, {k: v for k, v in stats.items() if k.startswith(STAT)}
    assert stats.get(f"{STAT}/wrong_type") == 3  # the list, the alias hash, the recent set
    assert stats.get("incremental/skipped_known", 0) >= 3
    log = (tmp_path / "run2" / "w0.log").read_text()
    assert "Traceback" not in log
    assert log.count("bad state entry") == 14
    assert exported_urls(tmp_path / "run3") == []
    assert third["stats"].get(STAT) == 2, third["stats"]
    assert third["stats"].get("incremental/skipped_known", 0) >= 14


def test_garbage_in_the_shared_near_duplicate_index(redis: RedisServer) -> None:
    """``<prefix>:state:simhash:*``: malformed members and keys of the wrong type are removed
    and counted; lookups go on and the real entries still match."""
    from crawler.distributed.connection import Guard, RetryPolicy, connect
    from pipelines.similarity.shared import SharedSimHashIndex

    prefix = "trust-index:state:simhash"
    _, stats = store_for(redis, "trust-index")
    settings = Settings()
    settings.setmodule("crawler.settings")
    index = SharedSimHashIndex(
        connect(redis.url, settings), prefix, Guard(RetryPolicy(give_up=10), stats), 1000, 6
    )
    value = 0x0123456789ABCDEF
    assert index.check_and_add(value, "k1", "http://a/1") is None
    client = redis.client()
    probe = value ^ 0b101
    bands = index._keys(probe, "")[:-2]  # the band sets the probe reads
    for band in bands[1:]:
        client.sadd(band, "not a member", b"\xff\xfe\t\t", "0123456789abcdeZ\tk\tu")
    client.delete(bands[0])
    client.set(bands[0], "a string, not a set")
    client.delete(f"{prefix}:where")
    client.rpush(f"{prefix}:where", "a list")
    match = index.check_and_add(probe, "k2", "http://b/2")
    assert match is not None and (match.key, match.distance) == ("k1", 2)
    assert stats.get_value(f"{STAT}/simhash_index") == 4  # 3 members, 1 band key
    assert index.check_and_add(value ^ (0xFFFF << 40), "k3", "http://c/3") is None  # added
    assert stats.get_value(f"{STAT}/simhash_index") == 5  # the "where" list
    index.remove(value, "k1", "http://a/1")

"""The Redis state store and the shared near-duplicate index, against a real redis-server."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.distributed.connection import Guard, RetryPolicy, connect
from crawler.distributed.keys import CrawlKeys
from crawler.state.redis import RedisStateStore
from crawler.state.store import ArticleState
from pipelines.similarity.shared import SharedSimHashIndex
from reader.simhash import SimHashIndex
from tests.distributed_fixtures import RedisServer, redis_server


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


def settings_for(server: RedisServer, prefix: str) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings")
    settings.set("NEWS_REDIS_URL", server.url)
    settings.set("NEWS_REDIS_PREFIX", prefix)
    settings.set("NEWS_REDIS_WORKER_ID", "unit")
    return settings


def article(key: str, fetched_at: str, fingerprint: str = "fp1", **extra: object) -> ArticleState:
    return ArticleState(
        key=key,
        url=f"http://{key}",
        canonical_url=f"http://{key}",
        site="site",
        fingerprint=fingerprint,
        simhash=(1 << 63) + 5,
        fetched_at=fetched_at,
        **extra,  # type: ignore[arg-type]
    )


def test_store_marks_articles_and_runs(redis: RedisServer) -> None:
    store = RedisStateStore.from_settings(settings_for(redis, "unit1"))
    other = RedisStateStore.from_settings(settings_for(redis, "unit1"))  # a second worker
    assert store.recover().delivered == []
    assert store.seen("a.test/x") is None and store.last_successful_start() is None
    started = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    store.begin_run("r1", started)
    store.add_pending(
        "r1",
        article(
            "a.test/x",
            "2026-01-02T03:05:00Z",
            etag='"v1"',
            last_modified="Fri, 02 Jan 2026 03:00:00 GMT",
            aliases=("m.a.test/x",),
        ),
    )
    # Marked at once (the line is written before add_pending in Redis mode), for every worker.
    known = other.seen("a.test/x")
    assert known is not None
    assert (known.fingerprint, known.simhash, known.etag) == ("fp1", (1 << 63) + 5, '"v1"')
    assert known.last_modified == "Fri, 02 Jan 2026 03:00:00 GMT"
    assert known.first_seen == known.last_seen == "2026-01-02T03:05:00Z"
    via_alias = other.seen("m.a.test/x")
    assert via_alias is not None and via_alias.canonical_key == "a.test/x"
    # A later fetch with other text: last_seen moves, first_seen stays.
    store.add_pending("r1", article("a.test/x", "2026-02-01T00:00:00Z", fingerprint="fp2"))
    again = other.seen("a.test/x")
    assert again is not None and again.fingerprint == "fp2"
    assert (again.first_seen, again.last_seen) == ("2026-01-02T03:05:00Z", "2026-02-01T00:00:00Z")
    assert again.etag is None
    store.add_pending("r1", article("a.test/y", "2026-01-15T00:00:00Z"))
    assert [k for _, k, _ in other.recent_simhashes(5)] == ["a.test/x", "a.test/y"]
    assert store.commit_delivery("r1", "", "") == 3
    assert store.last_successful_start() is None  # still running
    store.finish_run("r1", succeeded=True)
    other.begin_run("r2", datetime(2026, 3, 1, tzinfo=UTC))
    other.finish_run("r2", succeeded=False)
    assert other.last_successful_start() == started
    # Nothing of the state is a frontier key: `scrapy seed --reset` keeps it.
    keys = CrawlKeys("unit1")
    client = redis.client()
    stored = {k.decode() for k in client.keys("unit1:*")}
    assert stored and all(k.startswith("unit1:state:") for k in stored)
    assert not set(keys.fixed()) & stored
    store.close()
    other.close()


def index_for(redis: RedisServer, prefix: str, capacity: int = 1000) -> SharedSimHashIndex:
    settings = settings_for(redis, prefix)
    return SharedSimHashIndex(
        connect(redis.url, settings), prefix, Guard(RetryPolicy(give_up=10)), capacity, 6
    )


def flip(value: int, bits: list[int]) -> int:
    for bit in bits:
        value ^= 1 << bit
    return value


def test_shared_index_agrees_with_the_local_index(redis: RedisServer) -> None:
    shared = index_for(redis, "unit2:simhash")
    local = SimHashIndex(1000, 6)
    rng = random.Random(7)
    base = [rng.getrandbits(64) for _ in range(200)]
    for i, value in enumerate(base):
        assert shared.check_and_add(value, f"k{i}", f"http://s/{i}") is None
        local.add(value, f"k{i}", f"http://s/{i}")
    assert len(shared) == 200
    for i in range(0, 200, 7):
        for distance in (1, 3, 6, 7, 12):
            probe = flip(base[i], rng.sample(range(64), distance))
            expected = local.nearest(probe)
            found = shared.check_and_add(probe, f"probe{i}-{distance}", "http://p/")
            if expected is None:
                assert found is None
            else:
                assert found is not None
                assert (found.key, found.distance) == (expected.key, expected.distance)
                assert found.url == f"http://s/{found.key[1:]}"
    # The top bit set and cleared: 64-bit values survive the 32-bit halves in Lua.
    high = shared.check_and_add(flip((1 << 64) - 1, [0]), "high", "http://h/")
    assert high is None
    near_high = shared.check_and_add((1 << 64) - 1, "other", "http://o/")
    assert near_high is not None and (near_high.key, near_high.distance) == ("high", 1)
    # A page's own earlier entry (same key) is not its duplicate.
    assert shared.check_and_add(base[0], "k0", "http://s/0") is None
    # Per-site scopes (a one-off crawl keeps each site's copy) do not see each other.
    assert shared.check_and_add(base[2], "s1", "http://s1/", scope="site1") is None
    assert shared.check_and_add(base[2], "s2", "http://s2/", scope="site2") is None
    assert shared.size("site1") == shared.size("site2") == 1
    # An entry whose article was dropped after dedupe is forgotten.
    assert shared.check_and_add(flip(base[1], [5]), "x", "http://x/") is not None
    shared.remove(base[1], "k1", "http://s/1")
    assert shared.check_and_add(flip(base[1], [5]), "x", "http://x/") is None


def test_shared_index_is_bounded_and_atomic(redis: RedisServer) -> None:
    small = index_for(redis, "unit3:simhash", capacity=20)
    rng = random.Random(3)
    values = [rng.getrandbits(64) for _ in range(60)]
    for i, value in enumerate(values):
        small.check_and_add(value, f"k{i}", "http://x/")
    assert len(small) == 20
    client = redis.client()
    members = set()
    for key in client.keys("unit3:simhash:band:*"):
        members |= client.smembers(key)
    assert len(members) == 20  # evicted entries left their band sets
    assert client.hlen("unit3:simhash:where") == 20
    assert small.check_and_add(values[0], "again", "http://y/") is None  # evicted: forgotten
    # Two workers race on the same story: exactly one of them gets to index it.
    race = [index_for(redis, "unit4:simhash") for _ in range(8)]
    story = rng.getrandbits(64)
    results: list[object] = []

    def attempt(i: int) -> None:
        results.append(race[i].check_and_add(flip(story, [i]), f"site{i}", f"http://{i}/"))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert len(results) == 8 and sum(r is None for r in results) == 1


def test_redis_mode_selects_the_redis_store(redis: RedisServer, tmp_path: Path) -> None:
    from crawler.addons import DefaultFeed, RedisMode

    settings = settings_for(redis, "unit5")
    RedisMode().update_settings(settings)
    DefaultFeed().update_settings(settings)
    assert settings.get("NEWS_STATE_BACKEND") == "crawler.state.redis.RedisStateStore"
    assert settings.getbool("NEWS_STATE_ENABLED")  # scheduled runs: no -o
    pipelines = settings.getdict("ITEM_PIPELINES")
    assert pipelines["pipelines.shared_dedupe.SharedDedupePipeline"] == 300
    assert pipelines["pipelines.dedupe.DedupePipeline"] is None

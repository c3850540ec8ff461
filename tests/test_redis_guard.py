"""Every Redis call goes through one factory and one Guard (redis-py's Retry underneath): an
outage is waited out up to NEWS_REDIS_OUTAGE_SECONDS and then reported, a wrong password is
not waited for, a recovered outage is counted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.distributed.connection import RedisUnavailable, open_redis
from tests.distributed_fixtures import RedisServer, free_port, redis_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with redis_server(Path(tmp_path_factory.mktemp("redis"))) as running:
        yield running


def settings(url: str, outage: float = 0.5) -> Settings:
    return Settings(
        {
            "NEWS_REDIS_URL": url,
            "NEWS_REDIS_SOCKET_TIMEOUT": 1.0,
            "NEWS_REDIS_RETRY_FIRST_SECONDS": 0.05,
            "NEWS_REDIS_RETRY_MAX_SECONDS": 0.1,
            "NEWS_REDIS_OUTAGE_SECONDS": outage,
        }
    )


def stats() -> MemoryStatsCollector:
    return MemoryStatsCollector(get_crawler())


def test_a_reachable_server_answers_through_the_guard(server: RedisServer) -> None:
    client, guard = open_redis(settings(server.url))
    assert guard.call("ping", client.ping) is True


def test_an_outage_longer_than_the_limit_is_reported_not_hung() -> None:
    counted = stats()
    client, guard = open_redis(settings(f"redis://127.0.0.1:{free_port()}/0"), counted)
    with pytest.raises(RedisUnavailable, match="ping"):
        guard.call("ping", client.ping)
    assert counted.get_value("redis/retries") >= 2  # waited, retried, then gave up


def test_a_wrong_password_fails_at_once(server: RedisServer) -> None:
    counted = stats()
    wrong = server.url.replace("@", "x@", 1)
    client, guard = open_redis(settings(wrong, outage=300), counted)
    with pytest.raises(redis.exceptions.AuthenticationError):
        guard.call("ping", client.ping)
    assert counted.get_value("redis/retries") is None


def test_an_outage_that_ends_is_counted_once(server: RedisServer) -> None:
    counted = stats()
    client, guard = open_redis(settings(server.url, outage=60), counted)
    failures = iter([redis.exceptions.ConnectionError("down")] * 3)

    def flaky() -> bool:
        error = next(failures, None)
        if error is not None:
            raise error
        return bool(client.ping())

    assert guard.call("ping", flaky) is True
    assert counted.get_value("redis/retries") == 3
    assert counted.get_value("redis/outages") == 1

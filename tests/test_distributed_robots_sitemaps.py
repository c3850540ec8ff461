"""Redis mode: each worker reads robots.txt once, and the sitemaps it lists are read once by
the crawl (through the shared seen set), so every sitemap-only article arrives exactly once."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.distributed_fixtures import (
    RedisServer,
    exported_urls,
    redis_server,
    seed,
    start_worker,
    wait_all,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scheduled_portal import Portal, PortalServer  # noqa: E402

WORKERS = 2
STORIES = 12


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


def test_sitemaps_listed_in_robots_are_read_once_by_the_crawl(
    redis: RedisServer, tmp_path: Path
) -> None:
    portal = Portal("Sitemap Courier")
    when = datetime(2024, 5, 2, 8, tzinfo=UTC)
    for ident in range(1, STORIES + 1):  # reachable only through the robots.txt sitemaps
        portal.add_plain(ident, when, in_listing=False, in_sitemap=ident % 2 == 0,
                         in_news_sitemap=ident % 2 == 1)  # fmt: skip
    with PortalServer(portal) as server:
        result = seed(redis.url, f"{server.base}/")
        assert result.returncode == 0, result.stderr[-2000:]
        workers = [start_worker(redis.crawler_url, tmp_path, f"w{i}") for i in range(WORKERS)]
        assert wait_all(workers, 120) == [0] * WORKERS
        requested = Counter(path for path, _, _ in server.log)
    delivered = Counter(exported_urls(tmp_path))
    assert sorted(delivered) == sorted(f"{server.base}{s.path}" for s in portal.stories.values())
    assert max(delivered.values()) == 1
    assert requested["/robots.txt"] <= WORKERS  # once per worker that touched the site
    for document in ("/sitemap_index.xml", "/sitemaps/articles.xml.gz", "/sitemaps/news.xml"):
        assert requested[document] == 1, (document, requested)

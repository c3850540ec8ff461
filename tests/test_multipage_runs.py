"""Multi-page articles across scheduled runs and in the Redis mode.

Incremental: a run that finds a known multi-page article changed (its sitemap entry, or only
its page 3's, newer than the last fetch) fetches every page again; a changed page 3 makes the
whole article an update (``is_update``), unchanged pages give nothing new, and a known later
page is not fetched alone. Redis: two workers crawl the multi-page portal through the shared
frontier and deliver each article once, whole, with no page 2..n item.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.crawl_harness import run_crawl
from tests.distributed_fixtures import RedisServer, redis_server, seed, start_worker, wait_all
from tests.multipage_portal import MultipagePortal

pytestmark = pytest.mark.slow

INCREMENTAL = {"NEWS_STATE_ENABLED": "True", "RETRY_TIMES": "0"}


@pytest.fixture
def portal() -> Iterator[MultipagePortal]:
    server = MultipagePortal()
    yield server
    server.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def test_a_changed_page_3_makes_the_whole_article_an_update(
    portal: MultipagePortal, tmp_path: Path
) -> None:
    first = run_crawl([portal.url("/")], settings=INCREMENTAL, workdir=tmp_path)
    arts = {a.key: a for a in portal.articles}
    delivered = {item["url"] for item in first.items}
    assert portal.url(arts["zhbar"].first) in delivered, first.tail(40)
    assert portal.url(arts["enquery"].first) in delivered

    # Run 2: "zhbar" has a corrected page 3 and says so in the sitemap (its first page's
    # entry); "enquery" says so only on its page 4's entry; "enpath" is listed as changed but
    # is not. Nothing else changed.
    fixed = [p + "（更正）" for p in arts["zhbar"].paragraphs[2]]
    portal.rewrite("zhbar", 2, fixed)
    fixed_en = [p + " (Corrected.)" for p in arts["enquery"].paragraphs[3]]
    portal.rewrite("enquery", 3, fixed_en)
    # The state keeps fetch times to the second: a lastmod in the second of run 1's last
    # fetch is (rightly) no later than it. A new second makes the corrections newer.
    time.sleep(1.1)
    stamp = _now()
    portal.set_sitemap(
        [
            (arts["zhbar"].first, stamp),
            (arts["enquery"].paths[3], stamp),
            (arts["enpath"].first, stamp),
        ]
    )
    before = dict(portal.hits)
    second = run_crawl([portal.url("/")], settings=INCREMENTAL, workdir=tmp_path)
    items = {item["url"]: item for item in second.items}
    assert set(items) == {portal.url(arts["zhbar"].first), portal.url(arts["enquery"].first)}, (
        sorted(items),
        second.tail(40),
    )
    for key, new in (("zhbar", fixed), ("enquery", fixed_en)):
        item = items[portal.url(arts[key].first)]
        assert item["is_update"] is True
        assert item["pages"] == len(arts[key].paths)
        assert all(p in item["text"] for p in new), key
        assert arts[key].paragraphs[0][0] in item["text"]  # the whole article, page 1 too
    assert second.stats.get("incremental/unchanged") == 1, second.stats  # enpath
    # A known later page the listing links (enquery's page 2, an alias of its article in
    # the state) is not fetched alone: only by the merge.
    requested = {p: n - before.get(p, 0) for p, n in portal.hits.items()}
    assert requested.get(arts["enquery"].paths[1], 0) == 1


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


def test_redis_workers_deliver_each_multipage_article_once_whole(
    redis: RedisServer, portal: MultipagePortal, tmp_path: Path
) -> None:
    result = seed(redis.url, portal.url("/"))
    assert result.returncode == 0, result.stderr[-2000:]
    workers = [
        start_worker(redis.crawler_url, tmp_path, f"w{i}", {"RETRY_TIMES": "0"}) for i in range(2)
    ]
    assert wait_all(workers, 120) == [0, 0]
    items = [
        json.loads(line)
        for path in sorted(tmp_path.glob("w*.jsonl"))
        if ".rejects." not in path.name
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    urls = [item["url"] for item in items]
    assert len(urls) == len(set(urls)), sorted(urls)
    later = {portal.url(p) for art in portal.articles for p in art.paths[1:]}
    assert not later & set(urls)
    by_url = {item["url"]: item for item in items}
    for art in portal.articles:
        item = by_url.get(portal.url(art.first))
        assert item is not None, (art.key, sorted(urls))
        for i, page in enumerate(art.paragraphs):
            if i not in art.failing:
                assert all(p in item["text"] for p in page), (art.key, i)

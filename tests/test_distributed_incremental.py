"""Scheduled runs of a distributed crawl: the incremental state and the near-duplicate index
live in Redis, so what any worker delivered is skipped by every worker of the next run, and a
story syndicated on a second site is emitted once (issue 7, item 2, on top of issue 4)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.distributed_fixtures import (
    GeneratedPortal,
    RedisServer,
    article_text,
    exported_urls,
    redis_server,
    seed,
    serve_portal,
    start_worker,
    wait_all,
)

CRAWL_TIMEOUT = 90
# Stories of the second site that are the first site's (article number there) with an agency
# credit added: a few SimHash bits away, other URL, other fingerprint.
SYNDICATED = {0: 3, 3: 11}
ORIGINAL = SYNDICATED[0]
# The workers name their feed with -o: make them run as scheduled runs do.
INCREMENTAL = {"NEWS_STATE_ENABLED": "True", "NEWS_DEDUPE_ACROSS_SITES": "True"}


class SyndicatingPortal(GeneratedPortal):
    """A second site that carries the ``SYNDICATED`` stories of the first; the rest is its own."""

    def _article(self, number: int) -> str:
        page = super()._article(number)
        own = article_text(number)
        text = article_text(SYNDICATED.get(number, 1000 + number))
        if number in SYNDICATED:
            text[3] += " Distributed by the news agency wire."
        for mine, theirs in zip(own, text, strict=True):
            page = page.replace(mine, theirs)
        return page


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


def run(redis: RedisServer, bases: list[str], workdir: Path) -> dict:
    """One scheduled run: seed (fresh frontier, state kept), two workers, their summary."""
    workdir.mkdir()
    result = seed(redis.url, ",".join(bases))
    assert result.returncode == 0, result.stderr[-2000:]
    workers = [start_worker(redis.crawler_url, workdir, f"w{i}", INCREMENTAL) for i in range(2)]
    assert wait_all(workers, CRAWL_TIMEOUT) == [0, 0]
    return json.loads((workdir / "crawl-summary.json").read_text(encoding="utf-8"))


def rejects(workdir: Path) -> list[dict]:
    return [
        json.loads(line)
        for path in sorted(workdir.glob("*.rejects.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def test_second_run_skips_what_any_worker_delivered(redis: RedisServer, tmp_path: Path) -> None:
    first, second = GeneratedPortal(articles=20), SyndicatingPortal(articles=3)
    with serve_portal(first) as base_a, serve_portal(second) as base_b:
        original = base_a.rstrip("/") + first.article_path(ORIGINAL)
        copy = base_b.rstrip("/") + second.article_path(0)
        everything = {base_a.rstrip("/") + first.article_path(n) for n in range(20)} | {
            base_b.rstrip("/") + second.article_path(n) for n in range(3)
        }

        # Run 1: 23 article pages, one a near duplicate of another site's: 22 delivered once.
        merged = run(redis, [base_a, base_b], tmp_path / "run1")
        counts = Counter(exported_urls(tmp_path / "run1"))
        assert max(counts.values()) == 1, counts
        delivered = set(counts)
        assert len(delivered) == 22 and delivered < everything, sorted(everything - delivered)
        assert len({original, copy} & delivered) == 1  # whichever worker got there first
        (dropped,) = everything - delivered
        (near,) = [r for r in rejects(tmp_path / "run1") if r.get("reason") == "near duplicate"]
        kept = ({original, copy} - {dropped}).pop()
        assert near["url"] == dropped and near["duplicate_of"] == kept, near
        assert 0 < near["distance"] <= 6
        stats = merged["stats"]
        assert stats.get("dedup/near_duplicates") == 1, stats
        assert merged["articles"] == 22
        client = redis.client()
        assert len(client.keys("news:state:article:*")) == 23  # the near duplicate's URL too
        assert client.zcard("news:state:simhash:entries") == 22

        # Run 2: the first site is unchanged; the second now syndicates one more of its
        # stories. New worker processes request no known article, only the new one, and
        # reject it against the index the first run's workers left in Redis: nothing new.
        second.articles = 4
        before = (len(first.requests), len(second.requests))
        merged = run(redis, [base_a, base_b], tmp_path / "run2")
        requested = [p for _, p in first.requests[before[0] :]] + [
            p for _, p in second.requests[before[1] :]
        ]
    assert exported_urls(tmp_path / "run2") == []
    assert [p for p in requested if p.startswith("/news/")] == [second.article_path(3)]
    assert "/" in requested  # the front pages and sections were read again
    (near,) = rejects(tmp_path / "run2")
    assert near["reason"] == "near duplicate", near
    assert near["duplicate_of"] == base_a.rstrip("/") + first.article_path(SYNDICATED[3])
    assert merged["stats"].get("incremental/skipped_known", 0) >= 23, merged["stats"]
    assert merged["articles"] == 0

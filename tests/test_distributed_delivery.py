"""Redis mode: delivery is confirmed before state moves (issue 19).

A worker whose feed folder is on a full disk (a 1 MiB tmpfs; needs root, skipped otherwise)
stops with exit 74 and one line; the article whose line did not land is neither marked seen
nor claimed as delivered, so a second worker with space delivers it, and every article ends
up exactly once across the workers' feed files, none rejected as a duplicate of a copy that
was never written. A crawl summary that cannot be written fails the worker the same way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.exitcodes import ExitCode
from tests.distributed_fixtures import (
    FAST,
    ROOT,
    GeneratedPortal,
    RedisServer,
    exported_urls,
    redis_server,
    scrapy_env,
    seed,
    serve_portal,
    settings_args,
)

CRAWL_TIMEOUT = 150
ARTICLES = 60
# Room left on the small disk: a dozen or so articles' lines, then the disk is full.
FREE_BYTES = 32 * 1024
INCREMENTAL = {"NEWS_STATE_ENABLED": "True", "NEWS_DEDUPE_ACROSS_SITES": "True"}


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


def fill(folder: Path, leave: int = 0) -> Path:
    """A file that takes every free byte of ``folder``'s filesystem but ``leave``."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def run_worker(
    url: str, workdir: Path, name: str, feed: Path, settings: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    merged = {
        **FAST,
        "NEWS_REDIS_URL": url,
        "NEWS_REDIS_WORKER_ID": name,
        "NEWS_REDIS_SUMMARY_FILE": str(workdir / "crawl-summary.json"),
        "LOG_FILE": str(workdir / f"{name}.log"),
        "NEWS_REJECTS_FILE": str(workdir / f"{name}.rejects.jsonl"),
        **settings,
    }
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-o", str(feed),
         *settings_args(merged)],
        cwd=ROOT, env=scrapy_env(), capture_output=True, text=True, timeout=CRAWL_TIMEOUT,
    )  # fmt: skip


def failure_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("crawl failed:")]


def rejects(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("state", ["incremental", "one-off"])
def test_a_worker_on_a_full_disk_stops_and_another_delivers_what_it_lost(
    redis: RedisServer, tmp_path: Path, small_disk: Path, state: str
) -> None:
    settings = INCREMENTAL if state == "incremental" else {}
    client = redis.client()
    for key in client.keys("news:*"):  # a fresh crawl and a fresh state
        client.delete(key)
    portal = GeneratedPortal(articles=ARTICLES)
    with serve_portal(portal) as base:
        expected = {base.rstrip("/") + portal.article_path(n) for n in range(ARTICLES)}
        assert seed(redis.url, base).returncode == 0
        fill(small_disk, leave=FREE_BYTES)
        full = run_worker(redis.crawler_url, tmp_path, "full", small_disk / "full.jsonl", settings)
        assert full.returncode == ExitCode.OUTPUT_FAILED, full.stderr[-3000:]
        (line,) = failure_lines(full)
        assert line.startswith(f"crawl failed: cannot write the feed {small_disk / 'full.jsonl'}")
        assert "No space left on device (ENOSPC)" in line
        assert "Traceback" not in full.stderr
        landed = Counter(exported_urls(small_disk, "full.jsonl"))
        # The feed holds only whole lines (the failed one cut back), each article once.
        text = (small_disk / "full.jsonl").read_text(encoding="utf-8")
        assert text.endswith("\n") and len(text.splitlines()) == sum(landed.values())
        assert 0 < len(landed) < ARTICLES and max(landed.values()) == 1
        if state == "incremental":
            # Marked seen: exactly the articles whose line landed, nothing else.
            assert _seen(client) == set(landed)

        spare = run_worker(redis.crawler_url, tmp_path, "spare", tmp_path / "spare.jsonl", settings)
        assert spare.returncode == ExitCode.OK, spare.stderr[-3000:]
    delivered = Counter(exported_urls(small_disk, "full.jsonl")) + Counter(
        exported_urls(tmp_path, "spare.jsonl")
    )
    assert set(delivered) == expected, sorted(expected - set(delivered))[:5]
    assert max(delivered.values()) == 1, {u: n for u, n in delivered.items() if n > 1}
    # None of the lost articles was rejected as a duplicate of the copy that never landed.
    lost = expected - set(landed)
    rejected = {r["url"] for r in rejects(tmp_path / "spare.rejects.jsonl")}
    assert not rejected & lost, sorted(rejected & lost)
    if state == "incremental":
        assert _seen(client) == expected
    assert client.zcard("news:requests") == 0 and client.zcard("news:leases") == 0


def _seen(client) -> set[str]:  # type: ignore[no-untyped-def]
    urls = set()
    for key in client.keys("news:state:article:*"):
        urls.add(client.hget(key, "canonical_url").decode())
    return urls


def test_a_crawl_summary_that_cannot_be_written_fails_the_worker(
    redis: RedisServer, tmp_path: Path, small_disk: Path
) -> None:
    client = redis.client()
    for key in client.keys("news:*"):
        client.delete(key)
    portal = GeneratedPortal(articles=5)
    with serve_portal(portal) as base:
        assert seed(redis.url, base).returncode == 0
        fill(small_disk)
        summary = small_disk / "crawl-summary.json"
        result = run_worker(
            redis.crawler_url,
            tmp_path,
            "w",
            tmp_path / "w.jsonl",
            {"NEWS_REDIS_SUMMARY_FILE": str(summary)},
        )
    assert result.returncode == ExitCode.OUTPUT_FAILED, result.stderr[-3000:]
    (line,) = failure_lines(result)
    assert line.startswith(f"crawl failed: cannot write the crawl summary {summary}")
    assert "ENOSPC" in line
    assert not summary.exists() and not list(small_disk.glob("*.tmp"))
    # The articles themselves were delivered and confirmed.
    assert len(exported_urls(tmp_path, "w.jsonl")) == 5

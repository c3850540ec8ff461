"""Run summaries across workers: each worker stores its own in Redis; the merge adds them up."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.delivery import output_failed, write_durably
from crawler.distributed.connection import (
    RedisUnavailable,
    open_redis,
    redis_url,
    worker_id,
)
from crawler.distributed.keys import CrawlKeys
from crawler.extensions.rejects import rejects_path_for
from crawler.run import run_context

logger = logging.getLogger(__name__)

# How often a closing worker writes the crawl summary again when more workers' summaries
# arrived while it wrote (bounded: each pass needs another worker to have closed meanwhile).
SUMMARY_REWRITES = 8


def worker_summary(stats: dict[str, Any], worker: str, reason: str) -> dict[str, Any]:
    """One worker's run: its numeric stats, why it stopped, when it ran."""
    started = stats.get("start_time")
    return {
        "worker": worker,
        "finish_reason": reason,
        "started": started.isoformat() if isinstance(started, datetime) else None,
        "finished": datetime.now(UTC).isoformat(),
        "stats": {
            k: v
            for k, v in stats.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        },
    }


def merge_summaries(workers: list[dict[str, Any]]) -> dict[str, Any]:
    """The crawl's summary: every numeric stat summed over the workers, and each worker's line."""
    total: dict[str, float] = {}
    for record in workers:
        for key, value in record.get("stats", {}).items():
            total[key] = total.get(key, 0) + value
    started = [r["started"] for r in workers if r.get("started")]
    finished = [r["finished"] for r in workers if r.get("finished")]
    return {
        "workers": len(workers),
        "articles": total.get("item_scraped_count", 0),
        "pages_fetched": total.get("pages/fetched", 0),
        "started": min(started) if started else None,
        "finished": max(finished) if finished else None,
        "per_worker": [
            {
                "worker": r["worker"],
                "finish_reason": r.get("finish_reason"),
                "articles": r.get("stats", {}).get("item_scraped_count", 0),
                "pages_fetched": r.get("stats", {}).get("pages/fetched", 0),
            }
            for r in workers
        ],
        "stats": dict(sorted(total.items())),
    }


def stored_summaries(server: redis.Redis, keys: CrawlKeys) -> list[dict[str, Any]]:
    """The workers' summaries; a record not in the shape a worker writes (whoever can write the
    crawl's keys can write this hash) is logged and left out of the merge."""
    records = []
    for name, value in sorted(server.hgetall(keys.workers).items()):
        record = _summary_record(value)
        if record is None:
            logger.warning("ignoring malformed worker summary %r in %s", name[:100], keys.workers)
            continue
        records.append(record)
    return records


def _summary_record(value: bytes | str) -> dict[str, Any] | None:
    try:
        record = json.loads(value)
    except (ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("worker"), str):
        return None
    stats = record.get("stats", {})
    if not isinstance(stats, dict) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in stats.values()
    ):
        return None
    for key in ("started", "finished"):
        if record.get(key) is not None and not isinstance(record[key], str):
            return None
    return record


class CrawlSummary:
    """At close, store this worker's summary in Redis and write the merged crawl summary
    beside the worker's feed (``<prefix>.crawl-summary.json``); the last worker to close
    writes the complete one."""

    def __init__(self, crawler: Crawler, url: str) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.run = run_context(crawler)
        self.keys = CrawlKeys(settings.get("NEWS_REDIS_PREFIX"))
        self.worker = worker_id(settings)
        self.server, self.guard = open_redis(settings, crawler.stats)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        url = redis_url(crawler.settings)
        if not url or crawler.settings.getbool("NEWS_REDIS_SEED_ONLY"):
            raise NotConfigured
        return cls(crawler, url)

    def spider_closed(self, spider: Any, reason: str) -> None:
        record = worker_summary(self.crawler.stats.get_stats(), self.worker, reason)
        run = f"{self.worker}@{self.run.run_start}"
        path = self._path(spider)
        try:
            self.guard.call(
                "store the worker summary",
                lambda: self.server.hset(self.keys.workers, run, json.dumps(record)),
            )
            records = self._stored()
            # Workers closing together race on the file: each rename may land after another
            # worker's fuller one. A worker looks again after its write and writes again
            # while more summaries have arrived, so the last write always holds them all.
            for _ in range(SUMMARY_REWRITES):
                merged = merge_summaries(records)
                if not self._write(path, merged):
                    return
                again = self._stored()
                if len(again) == len(records):
                    break
                records = again
        except (RedisUnavailable, redis.RedisError) as exc:
            logger.error("crawl summary not stored: %s", exc)
            return
        logger.info(
            "crawl summary (%d workers, %d articles so far) written to %s",
            merged["workers"],
            merged["articles"],
            path,
        )

    def _stored(self) -> list[dict[str, Any]]:
        return self.guard.call(
            "read worker summaries", lambda: stored_summaries(self.server, self.keys)
        )

    def _write(self, path: Path, merged: dict[str, Any]) -> bool:
        """Whole or not at all (a temporary file per worker, renamed over the last one)."""
        text = json.dumps(merged, indent=2, ensure_ascii=False) + "\n"
        try:
            write_durably(path, text.encode("utf-8"), tmp_suffix=f".{self.worker}.tmp")
        except OSError as exc:
            output_failed(self.crawler, "crawl summary", path, exc, stop=False)
            return False
        return True

    def _path(self, spider: Any) -> Path:
        explicit = self.crawler.settings.get("NEWS_REDIS_SUMMARY_FILE")
        if explicit:
            return Path(explicit)
        for uri in self.crawler.settings.getdict("FEEDS"):
            beside = rejects_path_for(str(uri))
            if beside is not None:
                folder = str(beside.parent) % _Params(name=spider.name)
                return Path(folder) / f"{self.keys.prefix}.crawl-summary.json"
        return Path("output") / f"{self.keys.prefix}.crawl-summary.json"


class _Params(dict[str, str]):
    """Feed-URI parameters; unknown ones (``%(time)s``...) become empty."""

    def __missing__(self, key: str) -> str:
        return ""

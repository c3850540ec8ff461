"""Run summaries across workers: each worker stores its own in Redis; the merge adds them up."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.delivery import output_failed, write_durably
from crawler.distributed.alarms import Judgement, figures_of, figures_record, judge
from crawler.distributed.connection import (
    RedisUnavailable,
    open_redis,
    redis_url,
    worker_id,
)
from crawler.distributed.keys import CrawlKeys
from crawler.extensions.rejects import rejects_path_for
from crawler.extensions.runsummary import run_summary_of
from crawler.health import AlarmPolicy
from crawler.outcome import ALARM_SITES_STAT, ALARMS_STAT
from crawler.run import run_context
from crawler.state import store_for

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
                "status": r.get("status", "finished"),
                "finish_reason": r.get("finish_reason"),
                "articles": r.get("stats", {}).get("item_scraped_count", 0),
                "pages_fetched": r.get("stats", {}).get("pages/fetched", 0),
            }
            for r in workers
        ],
        "stats": dict(sorted(total.items())),
    }


# Stat of worker records left out of the merge (each counted and logged once per worker).
BAD_SUMMARY_STAT = "redis/bad_worker_summaries"


def stored_summaries(
    server: redis.Redis, keys: CrawlKeys, stats: Any = None, reported: set[bytes] | None = None
) -> list[dict[str, Any]]:
    """The workers' summaries; a record not in the shape a worker writes (whoever can write the
    crawl's keys can write this hash) is logged, counted and left out of the merge."""
    records = []
    reported = set() if reported is None else reported
    entries: dict[bytes, bytes] = cast("dict[bytes, bytes]", server.hgetall(keys.workers))
    for name, value in sorted(entries.items()):
        record = _summary_record(value)
        if record is None:
            if name not in reported:
                reported.add(name)
                logger.warning(
                    "ignoring malformed worker summary %r in %s",
                    name[:100].decode("utf-8", "replace"),
                    keys.workers,
                )
                if stats is not None:
                    stats.inc_value(BAD_SUMMARY_STAT)
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
    # A running worker's registration (renewed until ``alive_until``, ms of the Redis clock);
    # a record without a status is a finished worker's (written before there were others).
    status = record.setdefault("status", "finished")
    if status not in ("running", "finished"):
        return None
    until = record.get("alive_until")
    if status == "running" and (isinstance(until, bool) or not isinstance(until, int)):
        return None
    if "sites" in record and figures_of(record["sites"]) is None:
        return None
    return record


def finished_part(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records of finished workers: what a rewrite of the crawl summary waits on."""
    return [r for r in records if r["status"] == "finished"]


class CrawlSummary:
    """At close, store this worker's summary in Redis and write the merged crawl summary
    beside the worker's feed (``<prefix>.crawl-summary.json``); the last worker to close
    writes the complete one, and judges the crawl against the sites' baselines
    (crawler.distributed.alarms).

    While it runs, a worker keeps a registration in the same hash (``status: running``,
    renewed every heartbeat), so that a closing worker knows whether it is the last."""

    def __init__(self, crawler: Crawler, url: str) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.run = run_context(crawler)
        self.keys = CrawlKeys(settings.get("NEWS_REDIS_PREFIX"))
        self.worker = worker_id(settings)
        self.server, self.guard = open_redis(settings, crawler.stats)
        self.policy = AlarmPolicy.from_settings(settings)
        self.heartbeat = settings.getfloat("NEWS_REDIS_HEARTBEAT_SECONDS")
        # A registration not renewed for this long is a worker that died (as a lease is).
        self.alive_ms = int(
            1000 * max(settings.getfloat("NEWS_REDIS_LEASE_SECONDS"), 3 * self.heartbeat)
        )
        self._renewal: task.LoopingCall | None = None
        self._reported: set[bytes] = set()  # malformed worker records already counted
        self._ahead: set[str] = set()  # registrations too far ahead, already counted
        # Connected before RunSummary's handlers (this extension comes first): the judgement
        # is in the worker's run summary, report and metrics.
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        url = redis_url(crawler.settings)
        if not url or crawler.settings.getbool("NEWS_REDIS_SEED_ONLY"):
            raise NotConfigured
        return cls(crawler, url)

    @property
    def worker_run(self) -> str:
        """This worker's field in the workers' hash: the worker and its run's start."""
        return f"{self.worker}@{self.run.run_start}"

    # --- registration while running ------------------------------------------------------
    def spider_opened(self, spider: Any) -> None:
        self._register()
        self._renewal = task.LoopingCall(self._register)
        self._renewal.start(self.heartbeat, now=False)

    def _register(self) -> None:
        """(Re)write this worker's ``running`` record; one try (the scheduler waits outages
        out): a registration that lapses only lets a closing worker judge without this one."""
        assert self.crawler.stats is not None
        started = self.crawler.stats.get_value("start_time")
        try:
            seconds, micro = self.server.time()
            record: dict[str, Any] = {
                "worker": self.worker,
                "status": "running",
                "started": started.isoformat() if isinstance(started, datetime) else None,
                "alive_until": seconds * 1000 + micro // 1000 + self.alive_ms,
                "stats": {},
            }
            self.server.hset(self.keys.workers, self.worker_run, json.dumps(record))
        except redis.RedisError as exc:
            logger.warning("worker registration not renewed: %s", exc)

    # --- at close ----------------------------------------------------------------------
    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._renewal is not None and self._renewal.running:
            self._renewal.stop()
        record = worker_summary(self.crawler.stats.get_stats(), self.worker, reason)
        record["status"] = "finished"
        summary = run_summary_of(self.crawler)
        if summary is not None:
            record["sites"] = figures_record(summary.site_metrics())
        run = self.worker_run
        path = self._path(spider)
        judgement: Judgement | None = None
        try:
            self.guard.call(
                "store the worker summary",
                lambda: self.server.hset(self.keys.workers, run, json.dumps(record)),
            )
            records = self._stored()
            if self.crawler.stats.get_value("redis/crawl_done"):
                records = self._await_others(records)
            # Workers closing together race on the file: each rename may land after another
            # worker's fuller one. A worker looks again after its write and writes again
            # while more summaries have arrived, so the last write always holds them all
            # (and the judgement, made by every worker that finds no other still running).
            for _ in range(SUMMARY_REWRITES):
                merged = merge_summaries(records)
                judgement = self._judge(records, merged) or judgement
                if judgement is not None:
                    merged.update(judgement.summary)
                if not self._write(path, merged):
                    return
                again = self._stored()
                if finished_part(again) == finished_part(records):
                    break
                records = again
        except (RedisUnavailable, redis.RedisError) as exc:
            logger.error("crawl summary not stored: %s", exc)
            return
        finally:
            if judgement is not None:
                self._raise(judgement)
        logger.info(
            "crawl summary (%d workers, %d articles so far%s) written to %s",
            merged["workers"],
            merged["articles"],
            "" if judgement is None else f", {len(judgement.summary['alarms'])} alarms",
            path,
        )

    def _await_others(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The crawl is done (nothing queued or leased anywhere), so every other worker is
        closing too, or dead: wait for their summaries (each poll a heartbeat apart) until
        none is running, at most as long as a registration lives. Then every worker of the
        crawl judges it and exits with its status, not only the last."""
        deadline = time.monotonic() + self.alive_ms / 1000
        while self._running(records) and time.monotonic() < deadline:
            time.sleep(self.heartbeat)
            records = self._stored()
        return records

    def _running(self, records: list[dict[str, Any]]) -> list[str]:
        """The other workers whose registration is still valid (by the Redis clock)."""
        now = self._now_ms()
        return sorted(
            r["worker"] for r in records if r["status"] == "running" and r["alive_until"] > now
        )

    def _judge(self, records: list[dict[str, Any]], merged: dict[str, Any]) -> Judgement | None:
        """The crawl judged when no other worker is still running; else None (a worker
        still running judges when it closes)."""
        others = [r for r in records if r["status"] == "running"]
        running = self._running(records)
        if running:
            logger.info(
                "crawl judged by the last worker to finish (running: %s)", ", ".join(running)
            )
            return None
        lost = [r["worker"] for r in others]  # registrations that lapsed: killed
        if lost:
            logger.warning("workers stopped without a summary: %s", ", ".join(sorted(lost)))
        return judge(records, lost, merged["stats"], store_for(self.crawler), self.policy)

    def _raise(self, judgement: Judgement) -> None:
        """Hand the judgement to this worker's run summary (log, report, metrics) and its
        exit status (SITE_ALARM)."""
        assessment = judgement.assessment
        summary = run_summary_of(self.crawler)
        if summary is not None:
            summary.crawl_assessment = assessment
        if assessment.alarms:
            assert self.crawler.stats is not None
            self.crawler.stats.set_value(ALARMS_STAT, len(assessment.alarms))
            names = sorted({a.site for a in assessment.alarms})
            self.crawler.stats.set_value(ALARM_SITES_STAT, ", ".join(names))

    def _stored(self) -> list[dict[str, Any]]:
        """The workers' records; a registration valid further ahead than any worker renews
        one (it would hold every judgement up) is not believed: logged, counted, left out."""
        records = self.guard.call(
            "read worker summaries",
            lambda: stored_summaries(self.server, self.keys, self.crawler.stats, self._reported),
        )
        horizon = self._now_ms() + 2 * self.alive_ms
        kept = []
        for record in records:
            if record["status"] == "running" and record["alive_until"] > horizon:
                if record["worker"] not in self._ahead:
                    self._ahead.add(record["worker"])
                    logger.warning(
                        "ignoring worker registration %r: valid until %d, too far ahead",
                        record["worker"][:100],
                        record["alive_until"],
                    )
                    assert self.crawler.stats is not None
                    self.crawler.stats.inc_value(BAD_SUMMARY_STAT)
                continue
            kept.append(record)
        return kept

    def _now_ms(self) -> int:
        seconds, micro = self.guard.call("read the Redis clock", self.server.time)
        return int(seconds) * 1000 + int(micro) // 1000

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

"""The run summary: a JSON file beside the feed with per-site counts, written when the run ends."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from crawler.delivery import output_failed, write_durably
from crawler.drops import NotAnArticle, Rejected, Unchanged
from crawler.extensions.rejects import uri_params
from crawler.feedstorage import path_beside_feed
from crawler.outcome import crawl_sites, run_failure

logger = logging.getLogger(__name__)

DUPLICATE_REASONS = {"duplicate", "near duplicate"}


def summary_path_for(feed_uri: str) -> Path | None:
    """``out.jsonl`` -> ``out.summary.json``; None for feeds that are not local files."""
    return path_beside_feed(feed_uri, ".summary.json")


class SiteTally:
    """What happened to one site in this run."""

    def __init__(self) -> None:
        self.responses = 0
        self.articles = 0
        self.updates = 0
        self.duplicates = 0
        self.unchanged = 0
        self.rejects: Counter[str] = Counter()
        self.first: float | None = None
        self.last: float | None = None

    def touch(self) -> None:
        now = time.monotonic()
        self.first = self.first if self.first is not None else now
        self.last = now

    def as_dict(self, pages_fetched: int, errors: int) -> dict[str, Any]:
        duration = (self.last - self.first) if self.first is not None and self.last else 0.0
        return {
            "pages_fetched": pages_fetched,
            "responses": self.responses,
            "articles": self.articles,
            "updates": self.updates,
            "duplicates": self.duplicates,
            "unchanged": self.unchanged,
            "rejects": dict(sorted(self.rejects.items())),
            "errors": errors,
            "duration_seconds": round(duration, 3),
        }


class RunSummary:
    """Counts per site from signals; writes ``<feed>.summary.json`` atomically at the end."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.sites: defaultdict[str, SiteTally] = defaultdict(SiteTally)
        self.started = time.monotonic()
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        if not crawler.settings.getbool("NEWS_RUN_SUMMARY_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    def response_received(self, response: Response, request: Request, spider: Any) -> None:
        site = request.cb_kwargs.get("site_name")
        if site:
            self.sites[site].responses += 1
            self.sites[site].touch()

    def item_scraped(self, item: Any, spider: Any) -> None:
        tally = self.sites[getattr(item, "_site", "") or "?"]
        tally.articles += 1
        tally.updates += 1 if item.get("is_update") else 0
        tally.touch()

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        site = getattr(item, "_site", None) or _get(item, "site") or "?"
        tally = self.sites[site]
        tally.touch()
        if isinstance(exception, NotAnArticle):
            return
        if isinstance(exception, Unchanged):
            tally.unchanged += 1
            return
        reason = getattr(exception, "reason", None) or type(exception).__name__
        if isinstance(exception, Rejected) and reason in DUPLICATE_REASONS:
            tally.duplicates += 1
        tally.rejects[reason] += 1

    def summary(self, reason: str) -> dict[str, Any]:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        spider = self.crawler.spider
        names = [s.name for s in getattr(spider, "sites", [])] or sorted(self.sites)
        return {
            "run_id": getattr(spider, "run_id", None),
            "run_start": getattr(spider, "run_start", None),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "duration_seconds": round(time.monotonic() - self.started, 3),
            "finish_reason": reason,
            "failure": run_failure({**stats, "finish_reason": reason}, crawl_sites(self.crawler)),
            "requests": stats.get("downloader/request_count", 0),
            # The spider's count, as in the log's "pages: N fetched = ..." line.
            "pages_fetched": stats.get("pages/fetched", 0),
            "incremental": {
                k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("incremental/")
            },
            "sites": {
                name: self.sites[name].as_dict(
                    stats.get(f"pages/fetched/{name}", 0),
                    stats.get(f"spider/request_failed/{name}", 0),
                )
                for name in names
            },
        }

    def spider_closed(self, spider: Any, reason: str) -> None:
        path = self._path()
        if path is None:
            return
        text = json.dumps(self.summary(reason), indent=2, ensure_ascii=False) + "\n"
        try:
            write_durably(path, text.encode("utf-8"))
        except OSError as exc:
            output_failed(self.crawler, "run summary", path, exc)
            return
        logger.info("run summary written to %s", path)

    def _path(self) -> Path | None:
        explicit = self.crawler.settings.get("NEWS_RUN_SUMMARY_FILE")
        if explicit:
            return Path(explicit)
        for uri in self.crawler.settings.getdict("FEEDS"):
            path = summary_path_for(str(uri))
            if path is not None:
                return Path(str(path) % uri_params(self.crawler))
        return None


def _get(item: Any, key: str) -> Any:
    try:
        return item.get(key)
    except AttributeError:
        return None

"""Middlewares of the distributed crawl: when a leased page is done, and shared politeness."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any

import redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task

from crawler.distributed import scripts
from crawler.distributed.connection import (
    RedisUnavailable,
    open_redis,
    redis_url,
    worker_id,
)
from crawler.distributed.keys import CrawlKeys
from crawler.distributed.leases import LeaseBook
from crawler.distributed.scheduler import LEASE_META, lease_of, leasing_scheduler
from crawler.sites import origin_of

logger = logging.getLogger(__name__)


def lease_book(crawler: Crawler) -> LeaseBook | None:
    scheduler = leasing_scheduler(crawler)
    return scheduler.leases if scheduler is not None else None


class LeaseOutputMiddleware:
    """Spider middleware (outermost): notes each item a leased page yields and the end of its
    output, so the lease is acked only once follow-ups are queued and items are handled."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseOutputMiddleware:
        if not redis_url(crawler.settings):
            raise NotConfigured
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        lease_id, book = lease_of(response), lease_book(self.crawler)
        if lease_id is None or book is None:
            yield from result
            return
        try:
            for output in result:
                if not isinstance(output, Request):
                    book.item_started(lease_id, item_key(output))
                yield output
        finally:
            book.output_finished(lease_id)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        lease_id, book = lease_of(response), lease_book(self.crawler)
        if lease_id is None or book is None:
            async for output in result:
                yield output
            return
        try:
            async for output in result:
                if not isinstance(output, Request):
                    book.item_started(lease_id, item_key(output))
                yield output
        finally:
            book.output_finished(lease_id)


class LeaseFailureMiddleware:
    """Downloader middleware (outermost): a request that failed for good (after retries,
    or refused by robots.txt) has no page to wait for; its lease is done."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseFailureMiddleware:
        if not redis_url(crawler.settings):
            raise NotConfigured
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        lease_id = request.meta.get(LEASE_META)
        book = lease_book(self.crawler)
        if lease_id is not None and book is not None:
            book.finished(lease_id)


class SharedRateLimit:
    """Downloader middleware: at most one request per ``DOWNLOAD_DELAY`` to a host across all
    workers (a ``SET NX PX`` key per host in Redis). Off when DOWNLOAD_DELAY is 0.

    Each worker keeps Scrapy's own per-slot delay too; this adds the shared bound that N
    workers would otherwise multiply by N.
    """

    def __init__(self, crawler: Crawler, interval: float) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.interval_ms = max(1, int(interval * 1000))
        self.keys = CrawlKeys(settings.get("NEWS_REDIS_PREFIX"))
        self.worker = worker_id(settings)
        self.server, self.guard = open_redis(settings, crawler.stats)
        self._rate = self.server.register_script(scripts.RATE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedRateLimit:
        settings = crawler.settings
        interval = settings.getfloat("DOWNLOAD_DELAY")
        if not (redis_url(settings) and settings.getbool("NEWS_REDIS_RATE_LIMIT_ENABLED")):
            raise NotConfigured
        if interval <= 0:
            raise NotConfigured
        return cls(crawler, interval)

    async def process_request(self, request: Request) -> None:
        key = self.keys.rate(origin_of(request.url))
        waited = 0.0
        while True:
            try:
                wait_ms = int(
                    self.guard.call(
                        "take a rate-limit slot",
                        lambda: self._rate([key], [self.interval_ms, self.worker]),
                    )
                )
            except (RedisUnavailable, redis.RedisError) as exc:
                self.crawler.stats.inc_value("ratelimit/redis_error")
                logger.warning("shared rate limit skipped for %s: %s", request.url, exc)
                return None
            if wait_ms <= 0:
                break
            waited += wait_ms / 1000
            await maybe_deferred_to_future(_sleep(wait_ms / 1000))
        if waited:
            self.crawler.stats.inc_value("ratelimit/waits")
            self.crawler.stats.inc_value("ratelimit/waited_ms", int(waited * 1000))
        return None


def _sleep(seconds: float) -> Any:
    from twisted.internet import reactor  # the installed reactor, looked up at call time

    return task.deferLater(reactor, seconds, lambda: None)


def item_key(item: Any) -> tuple[str, str] | None:
    """(url, fetched_at) of an item: kept from the page item to the exported article."""
    try:
        url, fetched = item.get("url"), item.get("fetched_at")
    except AttributeError:
        return None
    return (url, fetched) if isinstance(url, str) and isinstance(fetched, str) else None

"""scrapy-redis's scheduler, made crash-safe: requests are leased, not popped, and JSON, not pickle.

What changes from ``scrapy_redis.scheduler.Scheduler`` and why:

- ``next_request`` leases: the request moves to a lease with a deadline (one Lua script) and
  stays there until its page is fully handled; a worker that dies leaves leases that expire and
  go back to the queue (every worker reaps them), so a SIGKILL loses nothing.
- ``enqueue_request`` marks the fingerprint seen and queues in one script (scrapy-redis does two
  calls, and a crash between them loses the request for good); a redirect or retry queues the
  new request and releases the old lease in that same script.
- The queue holds JSON (``crawler.distributed.codec``), never pickles.
- The shared queue is never wiped when one worker stops (``SCHEDULER_PERSIST`` is forced on).
- A worker only closes when the whole crawl is done: queue empty and no lease held anywhere.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base as RedisQueueBase
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.distributed.codec import LEASE_META, BadPayload, request_from_json, request_to_json
from crawler.distributed.connection import (
    Guard,
    RedisUnavailable,
    RetryPolicy,
    connect,
    redis_url,
    worker_id,
)
from crawler.distributed.frontier import OVER_BUDGET, SEEN, Frontier, Lease
from crawler.distributed.keys import CrawlKeys
from crawler.distributed.leases import LeaseBook
from crawler.distributed.registry import SiteRegistry

logger = logging.getLogger(__name__)

# Queue entries in a row that may be malformed before next_request gives up for this call.
MAX_BAD_IN_A_ROW = 20


class SharedSeenSet(RFPDupeFilter):
    """scrapy-redis's fingerprint set, minus the wipe on close: other workers still use it."""

    def close(self, reason: str = "") -> None:
        return None


class LeasedQueue(RedisQueueBase):
    """The shared priority queue; ``pop`` leases the request instead of deleting it."""

    def __init__(self, frontier: Frontier, spider: Spider, lease_ms: int, worker: str) -> None:
        super().__init__(frontier.server, spider, frontier.keys.queue, serializer=json)
        self.frontier = frontier
        self.lease_ms = lease_ms
        self.worker = worker

    def __len__(self) -> int:
        return self.frontier.status().queued

    def push(self, request: Any) -> None:
        self.frontier.push(request_to_json(request), request.priority)

    def pop(self, timeout: int = 0) -> Lease | None:  # type: ignore[override]
        return self.frontier.pop(self.lease_ms, self.worker)


class LeasingScheduler(Scheduler):
    """The distributed crawl's scheduler (see the module docstring)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasingScheduler:
        settings = crawler.settings
        url = redis_url(settings)
        if not url:
            raise NotConfigured("LeasingScheduler needs NEWS_REDIS_URL or REDIS_URL")
        server = connect(url, settings)
        keys = CrawlKeys(settings.get("NEWS_REDIS_PREFIX"))
        guard = Guard(RetryPolicy.from_settings(settings), crawler.stats)
        guard.call("connect", server.ping)
        scheduler = cls(
            server=server,
            persist=True,
            queue_key=keys.queue,
            queue_cls=f"{LeasedQueue.__module__}.{LeasedQueue.__qualname__}",
            dupefilter=SharedSeenSet(server, keys.dupefilter, settings.getbool("DUPEFILTER_DEBUG")),
            dupefilter_key=keys.dupefilter,
        )
        scheduler.stats = crawler.stats
        scheduler._setup(crawler, keys, guard)
        return scheduler

    def _setup(self, crawler: Crawler, keys: CrawlKeys, guard: Guard) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.keys = keys
        self.guard = guard
        self.worker = worker_id(settings)
        self.frontier = Frontier(self.server, keys, guard)
        self.registry = SiteRegistry(self.server, keys, guard)
        self.leases = LeaseBook(self._ack)
        self.lease_ms = int(settings.getfloat("NEWS_REDIS_LEASE_SECONDS") * 1000)
        self.heartbeat = settings.getfloat("NEWS_REDIS_HEARTBEAT_SECONDS")
        self.max_attempts = settings.getint("NEWS_REDIS_MAX_ATTEMPTS")
        self.idle_close = settings.getfloat("NEWS_REDIS_IDLE_CLOSE_SECONDS")
        # ``scrapy seed``: queue the start requests, take none, stop.
        self.seed_only = settings.getbool("NEWS_REDIS_SEED_ONLY")
        # Same text on two sites: one article (scheduled runs), or each site's copy (one-off).
        self.across_sites = settings.getbool("NEWS_DEDUPE_ACROSS_SITES")
        self.broken = False
        self._idle_since: float | None = None
        self._loop: task.LoopingCall | None = None
        crawler.signals.connect(self._item_finished, signal=signals.item_scraped)
        crawler.signals.connect(self._item_finished, signal=signals.item_dropped)
        crawler.signals.connect(self._item_finished, signal=signals.item_error)
        crawler.signals.connect(self._spider_idle, signal=signals.spider_idle)

    # --- Scrapy's scheduler interface ------------------------------------------------------

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = LeasedQueue(self.frontier, spider, self.lease_ms, self.worker)
        own = list(getattr(spider, "sites", []))
        self.registry.register(own)
        self._refresh_sites()
        status = self.frontier.status()
        logger.info(
            "worker %s joined crawl %r: %d queued, %d leased, %d sites",
            self.worker,
            self.keys.prefix,
            status.queued,
            status.leased,
            len(getattr(spider, "sites", [])),
        )
        if not self.seed_only:
            self._loop = task.LoopingCall(self._tick)
            self._loop.start(self.heartbeat, now=False)

    def close(self, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        held = self.leases.ids()
        if held and not self.broken:
            # Hand unfinished work back now rather than after the lease runs out.
            try:
                self.frontier.renew(held, -self.lease_ms * 1000)
                requeued, _ = self.frontier.reap(self.max_attempts + 1)
                logger.info("handed %d unfinished requests back to the queue", requeued)
            except (RedisUnavailable, redis.RedisError) as exc:
                logger.warning(
                    "could not hand back %d leases (%s); they will expire", len(held), exc
                )

    def has_pending_requests(self) -> bool:
        if self.broken or self.seed_only:
            return False
        try:
            return self.frontier.status().queued > 0
        except RedisUnavailable as exc:
            self._give_up(exc)
            return False

    def enqueue_request(self, request: Any) -> bool:
        parent = request.meta.get(LEASE_META)
        release = parent if parent in self.leases else ""
        site = self._site_of(request)
        try:
            payload = request_to_json(request)
        except BadPayload as exc:
            self._count("redis/unserialisable_request")
            logger.error("not queued: %s", exc)
            if release:
                self.leases.finished(release)
            return False
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        try:
            result = self.frontier.push(
                payload,
                request.priority,
                fingerprint,
                release,
                site.name if site is not None else "",
                site.max_pages if site is not None else 0,
            )
        except RedisUnavailable as exc:
            self._give_up(exc)
            return False
        if release:
            self.leases.forget(release)
        if result == SEEN:
            self.df.log(request, self.spider)
            return False
        if result == OVER_BUDGET:
            self._count("spider/max_pages_reached")
            return False
        self._count("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Any:
        if self.broken or self.seed_only:
            return None
        for _ in range(MAX_BAD_IN_A_ROW):
            try:
                lease = self.queue.pop()
            except RedisUnavailable as exc:
                self._give_up(exc)
                return None
            if lease is None:
                return None
            request = self._request_of(lease)
            if request is not None:
                self.leases.take(lease.id, request.url)
                self._count("scheduler/dequeued/redis")
                return request
        return None

    # --- leases ------------------------------------------------------------------------------

    def _request_of(self, lease: Lease) -> Any:
        """The leased request, or None (entry acked away) when it is malformed or off-site."""
        try:
            request = request_from_json(lease.payload, self.spider)
            if self._site_of(request, reload=True) is None:
                raise BadPayload(f"{request.url} is not on a seeded site")
        except BadPayload as exc:
            self._count("redis/bad_queue_entry")
            logger.error("dropping queue entry %s: %s", lease.id, exc)
            self._ack(lease.id)
            return None
        request.meta[LEASE_META] = lease.id
        return request

    def _ack(self, lease_id: str) -> None:
        if self.broken:
            return
        try:
            if not self.frontier.ack(lease_id):
                self._count("redis/lease_expired_before_ack")
                logger.warning("lease %s had expired before its page was done", lease_id)
        except RedisUnavailable as exc:
            self._give_up(exc)

    def claim(self, url: str, fetched_at: str, canonical: str, fingerprint: str) -> str:
        """Checked just before an article is written: "" to write it, "lost" when the page's
        lease expired (another worker has the page now), else the URL of the page that
        already delivers the same article (same canonical URL or text) in this crawl."""
        lease_id = self.leases.lease_for_item((url, fetched_at))
        if lease_id is None:
            self._count("redis/unfenced_items")
            logger.warning("no lease known for the article of %s", url)
            return ""
        if self.broken or self.leases.is_lost(lease_id):
            return "lost"
        claims = [self.keys.claim("url", _digest(canonical))]
        if fingerprint:
            claims.append(self.keys.claim("text", self._text_scope(url) + fingerprint))
        try:
            verdict = self.frontier.claim(lease_id, url, claims, self.lease_ms)
        except RedisUnavailable as exc:
            self._give_up(exc)
            return "lost"
        if verdict == "lost":
            self.leases.mark_lost(lease_id)
        return verdict

    def _text_scope(self, url: str) -> str:
        if self.across_sites:
            return ""
        site_for = getattr(self.spider, "site_for", None)
        site = site_for(url) if site_for is not None else None
        return f"{site.name if site is not None else '?'}:"

    def _item_finished(self, response: Any = None, **kwargs: Any) -> None:
        lease_id = lease_of(response)
        if lease_id is not None:
            self.leases.item_finished(lease_id)

    def _tick(self) -> None:
        """Every heartbeat: renew our leases, take back expired ones, wake the engine."""
        try:
            for lost in self.frontier.renew(self.leases.ids(), self.lease_ms):
                self.leases.mark_lost(lost)
                self._count("redis/lease_lost")
            requeued, dead = self.frontier.reap(self.max_attempts)
        except RedisUnavailable as exc:
            self._give_up(exc)
            return
        except redis.RedisError as exc:
            logger.warning("heartbeat failed: %s", exc)
            return
        if requeued:
            self._count("redis/lease_requeued", requeued)
            logger.info("%d expired leases went back to the queue", requeued)
        if dead:
            self._count("redis/request_given_up", dead)
            logger.error(
                "%d requests expired %d times; moved to %s", dead, self.max_attempts, self.keys.dead
            )
        wake_engine(self.crawler)

    def _spider_idle(self, spider: Spider) -> None:
        """Keep the worker open while anything is queued or leased anywhere."""
        if self.broken or self.seed_only:
            return
        try:
            status = self.frontier.status()
        except RedisUnavailable as exc:
            self._give_up(exc)
            return
        if status.queued or status.leased:
            self._idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_close:
            raise DontCloseSpider
        logger.info("crawl %r is done: nothing queued or leased", self.keys.prefix)
        # The shared crawl is complete: a worker that found nothing left did not fail.
        self.crawler.stats.set_value("redis/crawl_done", True)

    # --- helpers -----------------------------------------------------------------------------

    def _site_of(self, request: Any, reload: bool = False) -> Any:
        site_for = getattr(self.spider, "site_for", None)
        if site_for is None:
            return None
        site = site_for(request.url)
        if site is None and reload:
            self._refresh_sites()
            site = site_for(request.url)
        return site

    def _refresh_sites(self) -> None:
        seeded = self.registry.load()
        own = {s.name for s in getattr(self.spider, "sites", [])}
        self.spider.sites = list(getattr(self.spider, "sites", [])) + [
            s for s in seeded if s.name not in own
        ]

    def _give_up(self, exc: Exception) -> None:
        """Redis is gone for good: stop acking (our leases will be redone) and close."""
        if self.broken:
            return
        self.broken = True
        logger.error("%s; closing this worker, its unfinished pages will be redone", exc)
        self._count("redis/gave_up")
        engine = self.crawler.engine
        if engine is not None:
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(engine.close_spider_async(reason="redis_unavailable"))

    def _count(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def lease_of(response: Any) -> str | None:
    """The lease id of the request behind ``response`` (None outside a leased request)."""
    try:
        meta = response.meta
    except AttributeError:
        return None
    return meta.get(LEASE_META) if meta else None


def wake_engine(crawler: Crawler) -> None:
    """Ask the engine to pull from the scheduler now instead of at its next 5 s heartbeat.

    Uses the engine's private slot: there is no public way to do this in Scrapy 2.19.
    """
    slot = getattr(crawler.engine, "_slot", None)
    nextcall = getattr(slot, "nextcall", None)
    if nextcall is not None:
        nextcall.schedule()

"""scrapy-redis's scheduler, made crash-safe: requests are leased, not popped, and JSON, not pickle.

What changes from ``scrapy_redis.scheduler.Scheduler`` and why:

- ``next_request`` leases: the request moves to a lease with a deadline (one Lua script) and
  stays there until its page is fully handled; a worker that dies leaves leases that expire and
  go back to the queue (every worker reaps them), so a SIGKILL loses nothing.
- ``enqueue_request`` marks the fingerprint seen and queues in one script (scrapy-redis does two
  calls, and a crash between them loses the request for good); a redirect or retry queues the
  new request and releases the old lease in that same script.
- The queue holds JSON (``crawler.distributed.codec``), never pickles, and is untrusted input:
  an entry that is not a GET of a URL on a seeded site, in the shape a worker writes, is
  dropped at once (logged with its reason, counted in ``redis/bad_queue_entries``), never
  leased again; ``next_request`` never raises.
- The seeded sites come from the registry in Redis only when this worker's Redis user cannot
  write it (an ACL, see docs/operations-redis.md); else only from the worker's own arguments,
  so whoever can write the queue cannot widen what a worker fetches.
- The shared queue is never wiped when one worker stops (``SCHEDULER_PERSIST`` is forced on).
- A worker only closes when the whole crawl is done: queue empty and no lease held anywhere.
- Delivery is confirmed before state moves: right after an article's line is durably in the
  feed, its claims become final; after a failed feed write (which stops the worker, exit 74)
  nothing more is confirmed: no lease is released, and every lease held goes back to the
  queue at close, so the article whose line did not land is delivered by another worker (its
  claims lapse with the lease, so it is not rejected as a duplicate of itself).
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

from crawler.delivery import feed_failed
from crawler.distributed.codec import LEASE_META, BadPayload, request_from_json, request_to_json
from crawler.distributed.connection import (
    Guard,
    RedisUnavailable,
    open_redis,
    redis_url,
    worker_id,
)
from crawler.distributed.frontier import OVER_BUDGET, SEEN, Frontier, Lease
from crawler.distributed.keys import CrawlKeys
from crawler.distributed.leases import LeaseBook
from crawler.distributed.registry import SiteRegistry
from crawler.run import RunContext, run_context
from crawler.sites import Site

logger = logging.getLogger(__name__)

# Queue entries in a row that may be malformed before next_request returns for this call (and
# asks the engine to call again at once): a flood of bad entries never blocks the reactor long.
MAX_BAD_IN_A_ROW = 50
# Stat of dropped queue entries; "<stat>/<kind>" says what was wrong (not_utf8, not_json,
# too_large, bad_field, bad_callback, not_get, offsite, url_too_long).
BAD_ENTRIES_STAT = "redis/bad_queue_entries"
# Bad entries logged one by one; past this many, one line per this many (a flood of entries
# must not fill the disk with log lines; the stats count every one).
BAD_ENTRIES_LOGGED = 1000


class SharedSeenSet(RFPDupeFilter):
    """scrapy-redis's fingerprint set, minus the wipe on close: other workers still use it."""

    def close(self, reason: str = "") -> None:
        return None


class LeasedQueue(RedisQueueBase):
    """The shared priority queue; ``pop`` leases the request instead of deleting it."""

    def __init__(
        self, frontier: Frontier, spider: Spider, lease_ms: int, worker: str, max_bytes: int = 0
    ) -> None:
        super().__init__(frontier.server, spider, frontier.keys.queue, serializer=json)
        self.frontier = frontier
        self.lease_ms = lease_ms
        self.worker = worker
        self.max_bytes = max_bytes

    def __len__(self) -> int:
        return self.frontier.status().queued

    def push(self, request: Any) -> None:
        self.frontier.push(request_to_json(request), request.priority)

    def pop(self, timeout: int = 0) -> Lease | None:  # type: ignore[override]
        return self.frontier.pop(self.lease_ms, self.worker, self.max_bytes)


class LeasingScheduler(Scheduler):
    """The distributed crawl's scheduler (see the module docstring)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasingScheduler:
        settings = crawler.settings
        url = redis_url(settings)
        if not url:
            raise NotConfigured("LeasingScheduler needs NEWS_REDIS_URL or REDIS_URL")
        server, guard = open_redis(settings, crawler.stats)
        keys = CrawlKeys(settings.get("NEWS_REDIS_PREFIX"))
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
        self.run: RunContext = run_context(crawler)
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
        self.max_entry_bytes = settings.getint("NEWS_REDIS_MAX_ENTRY_BYTES")
        self.max_url_length = settings.getint("URLLENGTH_LIMIT")
        # Whether the sites registry in Redis is read-only for this worker (decided at open).
        self.registry_trusted = False
        # ``scrapy seed``: queue the start requests, take none, stop.
        self.seed_only = settings.getbool("NEWS_REDIS_SEED_ONLY")
        # Same text on two sites: one article (scheduled runs), or each site's copy (one-off).
        self.across_sites = settings.getbool("NEWS_DEDUPE_ACROSS_SITES")
        self.broken = False
        self._idle_since: float | None = None
        self._loop: task.LoopingCall | None = None
        # Leases done after a failed feed write: not released, handed back at close.
        self.unconfirmed: list[str] = []
        crawler.signals.connect(self._item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self._item_finished, signal=signals.item_dropped)
        crawler.signals.connect(self._item_finished, signal=signals.item_error)
        crawler.signals.connect(self._spider_idle, signal=signals.spider_idle)

    # --- Scrapy's scheduler interface ------------------------------------------------------

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = LeasedQueue(
            self.frontier, spider, self.lease_ms, self.worker, self.max_entry_bytes
        )
        own = list(self.run.sites)
        self._setup_sites(own)
        status = self.frontier.status()
        logger.info(
            "worker %s joined crawl %r: %d queued, %d leased, %d sites",
            self.worker,
            self.keys.prefix,
            status.queued,
            status.leased,
            len(self.run.sites),
        )
        if not self.seed_only:
            self._loop = task.LoopingCall(self._tick)
            self._loop.start(self.heartbeat, now=False)

    def _setup_sites(self, own: list[Site]) -> None:
        """Register this worker's own sites (when its user may) and decide whether to take
        more from the registry: only when this user cannot write it."""
        writable = self.registry.writable()
        if own and writable:
            try:
                self.registry.register(own)
            except redis.exceptions.ResponseError as exc:
                logger.warning("could not register this worker's sites: %s", exc)
        self.registry_trusted = not writable
        if self.registry_trusted:
            self._refresh_sites()
        elif own:
            logger.warning(
                "the sites registry %s is writable by this Redis user, so whoever can write the "
                "queue could add sites to it: this worker fetches only its own %d sites "
                "(docs/operations-redis.md has the ACL that makes the registry trustworthy)",
                self.keys.sites,
                len(own),
            )
        if self.seed_only and not writable:
            error = f"scrapy seed cannot write the sites registry {self.keys.sites}"
            logger.error(error)
            self.crawler.stats.set_value("run/startup_error", error)
            self.broken = True
            return
        if not self.run.sites and not self.seed_only:
            error = (
                f"no sites to crawl: the sites registry {self.keys.sites} is writable by this "
                "Redis user, so it is not trusted; pass -a sites=FILE or -a start_urls=... or "
                "use a Redis user that cannot write it (docs/operations-redis.md)"
                if writable
                else f"no sites to crawl: {self.keys.sites} is empty; run `scrapy seed` first"
            )
            logger.error(error)
            self.crawler.stats.set_value("run/startup_error", error)
            self.broken = True

    def close(self, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        held = self.leases.ids() + self.unconfirmed
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
        except (RedisUnavailable, redis.RedisError) as exc:
            self.give_up(exc)
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
        except (RedisUnavailable, redis.RedisError) as exc:
            self.give_up(exc)
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
        """The next leased request, or None; never raises (a bad entry is dropped, a Redis
        failure closes this worker)."""
        if self.broken or self.seed_only:
            return None
        for _ in range(MAX_BAD_IN_A_ROW):
            try:
                lease = self.queue.pop()
            except (RedisUnavailable, redis.RedisError) as exc:
                self.give_up(exc)
                return None
            if lease is None:
                return None
            request = self._request_of(lease)
            if request is not None:
                self.leases.take(lease.id, request.url)
                self._count("scheduler/dequeued/redis")
                return request
        # A run of bad entries: let the reactor breathe, then come back at once.
        wake_engine(self.crawler)
        return None

    # --- leases ------------------------------------------------------------------------------

    def _request_of(self, lease: Lease) -> Any:
        """The leased request, or None when the entry is malformed or asks for what a worker
        may not do: then it is removed for good (acked), logged with its reason, counted."""
        try:
            if lease.size > self.max_entry_bytes > 0:
                raise BadPayload(
                    f"entry of {lease.size} bytes, over NEWS_REDIS_MAX_ENTRY_BYTES", "too_large"
                )
            request = request_from_json(lease.payload, self.spider, self.max_entry_bytes)
            if self.max_url_length and len(request.url) > self.max_url_length:
                raise BadPayload(
                    f"URL of {len(request.url)} characters, over URLLENGTH_LIMIT", "url_too_long"
                )
            if self._seeded_site(request) is None:
                raise BadPayload(f"{request.url} is not on a seeded site", "offsite")
        except BadPayload as exc:
            self._bad_entry(lease, exc.kind, str(exc))
            return None
        except Exception as exc:  # the last guard: whatever an entry holds, scheduling goes on
            self._bad_entry(lease, "unexpected", f"{type(exc).__name__}: {exc}")
            return None
        request.meta[LEASE_META] = lease.id
        return request

    def _bad_entry(self, lease: Lease, kind: str, reason: str) -> None:
        self._count(BAD_ENTRIES_STAT)
        self._count(f"{BAD_ENTRIES_STAT}/{kind}")
        if lease.id:
            self._ack(lease.id)
        seen = self.stats.get_value(BAD_ENTRIES_STAT, 0) if self.stats is not None else 0
        if seen > BAD_ENTRIES_LOGGED:
            if seen % BAD_ENTRIES_LOGGED == 0:
                logger.error("%d bad queue entries dropped so far (last: %s)", seen, reason)
            return
        sample = lease.payload[:120]
        logger.error(
            "dropped queue entry %s (%s): %s; entry starts %r",
            lease.id or "(removed unleased)",
            kind,
            reason,
            sample,
        )

    def _seeded_site(self, request: Any) -> Any:
        """The seeded site the request is for: the one its ``site_name`` names, if the URL is on
        that site's hosts; else the site that owns the URL."""
        name = request.cb_kwargs.get("site_name")
        if name is None:
            return self._site_of(request, reload=True)
        site = self._site_named(name)
        if site is None and self.registry_trusted:
            self._refresh_sites()
            site = self._site_named(name)
        return site if site is not None and site.on_origin(request.url) else None

    def _site_named(self, name: str) -> Site | None:
        return self.run.site_named(name)

    def _ack(self, lease_id: str) -> None:
        if self.broken:
            return
        if feed_failed(self.crawler):
            # A line of this worker may not have landed: the page goes back to the queue.
            self.unconfirmed.append(lease_id)
            self._count("redis/leases_not_released_after_failed_write")
            return
        try:
            if not self.frontier.ack(lease_id):
                self._count("redis/lease_expired_before_ack")
                logger.warning("lease %s had expired before its page was done", lease_id)
        except (RedisUnavailable, redis.RedisError) as exc:
            self.give_up(exc)

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
        except (RedisUnavailable, redis.RedisError) as exc:
            self.give_up(exc)
            return "lost"
        if verdict == "lost":
            self.leases.mark_lost(lease_id)
        return verdict

    def _text_scope(self, url: str) -> str:
        if self.across_sites:
            return ""
        site = self.run.site_for(url)
        return f"{site.name if site is not None else '?'}:"

    def _item_scraped(self, item: Any, response: Any = None, **kwargs: Any) -> None:
        """After the feed exporter wrote the item's line (it handles this signal first): make
        the article's claims final, unless the line did not land; then the lease may go."""
        lease_id = lease_of(response)
        if lease_id is None:
            return
        url = _item_url(item)
        if url and not self.broken and not feed_failed(self.crawler):
            try:
                self.frontier.confirm(lease_id, url)
            except (RedisUnavailable, redis.RedisError) as exc:
                self.give_up(exc)
        self.leases.item_finished(lease_id)

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
            self.give_up(exc)
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
        except (RedisUnavailable, redis.RedisError) as exc:
            self.give_up(exc)
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

    def _site_of(self, request: Any, reload: bool = False) -> Site | None:
        site = self.run.site_for(request.url)
        if site is None and reload and self.registry_trusted:
            self._refresh_sites()
            site = self.run.site_for(request.url)
        return site

    def _refresh_sites(self) -> None:
        """Add the registry's sites this worker does not know yet (a trusted registry only)."""
        if not self.registry_trusted:
            return
        seeded = self.registry.load()
        own = {s.name for s in self.run.sites}
        self.run.sites.extend(s for s in seeded if s.name not in own)

    def give_up(self, exc: Exception) -> None:
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


def _item_url(item: Any) -> str | None:
    try:
        url = item.get("url")
    except AttributeError:
        return None
    return url if isinstance(url, str) else None


def lease_of(response: Any) -> str | None:
    """The lease id of the request behind ``response`` (None outside a leased request)."""
    try:
        meta = response.meta
    except AttributeError:
        return None
    return meta.get(LEASE_META) if meta else None


def leasing_scheduler(crawler: Crawler) -> LeasingScheduler | None:
    """The crawl's scheduler when it is the leasing one (a distributed crawl), else None."""
    scheduler = crawler.engine.scheduler if crawler.engine else None
    return scheduler if isinstance(scheduler, LeasingScheduler) else None


def wake_engine(crawler: Crawler) -> None:
    """Ask the engine to pull from the scheduler now instead of at its next 5 s heartbeat.

    Uses the engine's private slot: there is no public way to do this in Scrapy 2.19.
    """
    slot = getattr(crawler.engine, "_slot", None)
    nextcall = getattr(slot, "nextcall", None)
    if nextcall is not None:
        nextcall.schedule()

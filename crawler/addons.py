"""Add-ons that adjust settings once the command line has been read."""

from __future__ import annotations

from scrapy.settings import Settings


class DefaultFeed:
    """Per-run output unless the command line names a feed.

    With no ``-o``/``-O`` the run exports to ``NEWS_DEFAULT_FEED`` (one file per run under
    output/) and, with ``NEWS_STATE_ENABLED = "auto"``, runs incrementally: that is the
    scheduled (cron) mode. A feed named on the command line is a one-off full crawl, as
    Scrapy users expect from ``-O out.jsonl``; ``-s NEWS_STATE_ENABLED=True`` makes it
    incremental too. ``NEWS_DEDUPE_ACROSS_SITES = "auto"`` follows the same rule.
    """

    def update_settings(self, settings: Settings) -> None:
        named_feed = bool(settings.getdict("FEEDS"))
        for name in ("NEWS_STATE_ENABLED", "NEWS_DEDUPE_ACROSS_SITES"):
            if str(settings.get(name)).lower() == "auto":
                settings.set(name, not named_feed, priority=settings.getpriority(name) or 0)
        if named_feed:
            return
        uri = settings.get("NEWS_DEFAULT_FEED")
        if uri:
            # A run with no article leaves no items file (its summary still says so).
            options = {"format": "jsonlines", "encoding": "utf-8", "store_empty": False}
            settings.set("FEEDS", {uri: options}, priority="addon")


# Components of the distributed crawl, by dotted path (crawler/ never imports pipelines/).
REDIS_COMPONENTS: dict[str, dict[str, int | None]] = {
    "SPIDER_MIDDLEWARES": {"crawler.distributed.middlewares.LeaseOutputMiddleware": 1},
    "DOWNLOADER_MIDDLEWARES": {
        "crawler.distributed.middlewares.LeaseFailureMiddleware": 1,
        "crawler.distributed.middlewares.SharedRateLimit": 990,
    },
    # The per-worker in-run dedupe is replaced by crawl-wide claims (LeaseFencePipeline): it
    # would remember a page whose write was then fenced, and drop that page's re-crawl. The
    # incremental checks and the near-duplicate index run against Redis (SharedDedupePipeline).
    "ITEM_PIPELINES": {
        "pipelines.dedupe.DedupePipeline": None,
        "pipelines.shared_dedupe.SharedDedupePipeline": 300,
        "pipelines.lease.LeaseFencePipeline": 1000,
    },
    "EXTENSIONS": {"crawler.distributed.summary.CrawlSummary": 20},
}
UNBUFFERED_FILES = "crawler.distributed.feedstorage.UnbufferedFileFeedStorage"
REDIS_STATE_BACKEND = "crawler.state.redis.RedisStateStore"


class RedisMode:
    """With ``NEWS_REDIS_URL`` (or env ``REDIS_URL``) set, the crawl becomes one worker of a
    shared crawl: scrapy-redis scheduler and dupefilter (leasing, JSON), the lease and rate
    limit middlewares, line-by-line feed files named per worker, and the merged summary."""

    def update_settings(self, settings: Settings) -> None:
        from crawler.distributed.connection import redis_url, worker_id

        url = redis_url(settings)
        if not url:
            return
        settings.set("NEWS_REDIS_URL", url, priority="addon")
        settings.set("SCHEDULER", "crawler.distributed.scheduler.LeasingScheduler", "addon")
        settings.set("DUPEFILTER_CLASS", "crawler.distributed.scheduler.SharedSeenSet", "addon")
        settings.set("SCHEDULER_PERSIST", True, priority="addon")
        storages = {**settings.getdict("FEED_STORAGES"), "": UNBUFFERED_FILES}
        storages["file"] = UNBUFFERED_FILES
        # Line by line into the final file (not <file>.part renamed at the end): a killed
        # worker's acked pages must already be delivered.
        settings.set(
            "FEED_STORAGES", storages, priority=max(20, _priority(settings, "FEED_STORAGES"))
        )
        feed = settings.get("NEWS_REDIS_FEED", "").replace("{worker}", worker_id(settings))
        feed_priority = settings.getpriority("NEWS_DEFAULT_FEED") or 0
        if feed and feed_priority <= 20:  # not given on the command line: name it per worker
            settings.set("NEWS_DEFAULT_FEED", feed, priority=feed_priority)
        # The incremental state is shared by all workers in Redis (a per-machine SQLite store
        # would make each worker skip only what it had seen), unless the command line names
        # a backend. NEWS_STATE_ENABLED keeps its meaning ("auto": on without -o/-O).
        backend_priority = _priority(settings, "NEWS_STATE_BACKEND")
        if backend_priority <= 20:
            settings.set("NEWS_STATE_BACKEND", REDIS_STATE_BACKEND, priority=backend_priority)
        for name, components in REDIS_COMPONENTS.items():
            merged = {**settings.getdict(name), **components}
            settings.set(name, merged, priority=settings.getpriority(name) or 0)


def _priority(settings: Settings, name: str) -> int:
    return settings.getpriority(name) or 0

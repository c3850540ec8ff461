"""Deduplication stage of a distributed crawl: the state and the near-duplicate index in Redis.

Like ``DedupePipeline`` (unchanged articles dropped, changed ones ``is_update``, near
duplicates rejected with ``duplicate_of``), but nothing is kept in the worker's memory:

- exact duplicates (same URL identity or same text) are left to the crawl-wide claims of
  ``LeaseFencePipeline``; a per-worker memory would drop the re-crawl of a page whose write
  was fenced;
- the near-duplicate index is ``SharedSimHashIndex`` in Redis, so the same story on two
  sites crawled by different workers is emitted once (with ``NEWS_DEDUPE_ACROSS_SITES``;
  otherwise each site has its own index and keeps its own copy). With the state store on it is kept
  across runs (``<prefix>:state:simhash``), else it lasts one crawl (``<prefix>:simhash``).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.canonical import url_key
from crawler.distributed.connection import (
    RedisUnavailable,
    open_redis,
    redis_url,
)
from crawler.distributed.keys import CrawlKeys
from crawler.distributed.middlewares import item_key
from crawler.distributed.scheduler import leasing_scheduler
from crawler.drops import Rejected, Unchanged
from crawler.items import ArticleItem
from crawler.state import StateStoreError, store_for
from pipelines.dedupe import DedupePipeline, DedupeSettings, remembered
from pipelines.similarity.shared import SharedSimHashIndex
from reader.simhash import simhash

logger = logging.getLogger(__name__)


class SharedDedupePipeline(DedupePipeline):
    """Unchanged / update / near duplicate, decided against what every worker delivered."""

    def __init__(self, crawler: Crawler, config: DedupeSettings) -> None:
        super().__init__(crawler, config)
        self.shared: SharedSimHashIndex | None = None
        # Index entries made here, by (url, fetched_at): the signals after the pipelines carry
        # the spider's page item, not the article object this stage saw.
        self._indexed: dict[tuple[str, str], tuple[int, str, str, str]] = {}
        crawler.signals.connect(self._delivered, signal=signals.item_scraped)
        crawler.signals.connect(self._not_delivered, signal=signals.item_dropped)
        crawler.signals.connect(self._not_delivered, signal=signals.item_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedDedupePipeline:
        if not redis_url(crawler.settings):
            raise NotConfigured("SharedDedupePipeline is for Redis mode")
        return cls(crawler, DedupeSettings.from_settings(crawler.settings))

    def open_spider(self) -> None:
        self.store = store_for(self.crawler)
        if not self.config.near_enabled:
            return
        settings = self.crawler.settings
        keys = CrawlKeys(settings.get("NEWS_REDIS_PREFIX"))
        server, guard = open_redis(settings, self.stats)
        self.shared = SharedSimHashIndex(
            server,
            keys.simhash_index(persistent=self.store is not None),
            guard,
            self.config.capacity,
            self.config.max_distance,
        )

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        try:
            return self._process(item)
        except (RedisUnavailable, StateStoreError) as exc:
            self._give_up(exc)
            raise Rejected("redis unavailable, page left to another worker", item["url"]) from exc

    def _process(self, item: ArticleItem) -> ArticleItem:
        url = item["url"]
        key = url_key(item.get("canonical_url") or url)
        # A multi-page article's later pages are its aliases: known, they are not fetched alone.
        pages = {url_key(u) for u in item.get("page_urls") or ()}
        aliases = tuple({url_key(url), *pages} - {key})
        # The worker hashed the text it read; cleaning changes a few lines at most.
        value = item.get("simhash") or simhash(item["text"])
        state = self._state(item, key, aliases, value)
        known = self._known(key, aliases)
        if known is not None and known.fingerprint == item["fingerprint"]:
            self.stats.inc_value("incremental/unchanged")
            raise Unchanged(url)
        if self.shared is not None:
            own = frozenset({key, *aliases, *([known.canonical_key] if known else [])})
            scope = "" if self.config.across_sites else item.get("site") or "?"
            match = self.shared.check_and_add(value, key, url, exclude=own, scope=scope)
            if match is not None:
                self.stats.inc_value("dedup/near_duplicates")
                error = Rejected(
                    "near duplicate", url, duplicate_of=match.url, distance=match.distance
                )
                raise remembered(error, state)
            self._indexed[(url, item["fetched_at"])] = (value, key, url, scope)
        item["is_update"] = known is not None
        if known is not None:
            self.stats.inc_value("incremental/updates")
        item["state"] = state
        return item

    def _delivered(self, item: Any, **kwargs: Any) -> None:
        key = item_key(item)
        if key is not None:
            self._indexed.pop(key, None)

    def _not_delivered(self, item: Any, **kwargs: Any) -> None:
        """An article indexed here and dropped by a later stage (invalid, fenced, claimed by
        another page) must not make its syndicated copies near duplicates."""
        key = item_key(item)
        entry = self._indexed.pop(key, None) if key is not None else None
        if entry is None or self.shared is None:
            return
        try:
            self.shared.remove(*entry)
            self.stats.inc_value("dedup/near_entries_forgotten")
        except RedisUnavailable as exc:
            logger.warning("could not forget the near-duplicate entry of %s: %s", entry[2], exc)

    def _give_up(self, exc: Exception) -> None:
        """Redis is gone for good: the worker stops releasing leases, so others redo its pages."""
        scheduler = leasing_scheduler(self.crawler)
        if scheduler is not None:
            scheduler.give_up(exc)
        else:
            logger.error("%s", exc)

"""Keeps the incremental state store in step with the run: start, exported articles, outcome."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

from crawler.delivery import output_error, state_failed
from crawler.drops import Rejected
from crawler.feedstorage import AtomicFileFeedStorage
from crawler.items import ArticleItem
from crawler.outcome import crawl_sites, run_failure
from crawler.run import run_context
from crawler.state import StateStoreError, close_store, store_for

logger = logging.getLogger(__name__)


def feeds_are_atomic(settings: BaseSettings) -> bool:
    """True when every feed is a local file written by AtomicFileFeedStorage (and one exists)."""
    feeds = settings.getdict("FEEDS")
    storage = settings.getdict("FEED_STORAGES").get("")
    if not feeds or storage is None:
        return False
    local = all("://" not in str(uri) or str(uri).startswith("file://") for uri in feeds)
    return local and issubclass(load_object(storage), AtomicFileFeedStorage)


class StateKeeper:
    """Records the run, each exported article as pending, and whether the run succeeded.

    Pending articles become seen when the feed storage commits the run's file
    (``crawler.feedstorage``). Articles exported to a feed that is not a local file are
    committed when the engine stops, without the atomic-delivery guarantee; so are the
    duplicates of a run that exported no article (and so stored no feed file). A run whose
    output failed commits nothing. A failed state write stops the run (crawler.delivery).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run = run_context(crawler)
        self.atomic = feeds_are_atomic(crawler.settings)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StateKeeper:
        if not crawler.settings.getbool("NEWS_STATE_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    def _run_id(self) -> str:
        return self.run.run_id

    def spider_opened(self, spider: Any) -> None:
        store = store_for(self.crawler)
        if store is None:
            return
        try:
            store.begin_run(self._run_id(), self.run.started_at)
        except (StateStoreError, OSError) as exc:
            state_failed(self.crawler, exc, stop=False)
            assert self.crawler.stats is not None
            self.crawler.stats.set_value("run/startup_error", output_error(self.crawler))

    def item_scraped(self, item: Any, spider: Any) -> None:
        store = store_for(self.crawler)
        article = item.get("state") if isinstance(item, ArticleItem) else None
        if store is not None and article is not None:
            try:
                store.add_pending(self._run_id(), article)
            except (StateStoreError, OSError) as exc:
                state_failed(self.crawler, exc)

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        """A duplicate's URL is remembered with the run's delivery, like an article's."""
        store = store_for(self.crawler)
        article = exception.state if isinstance(exception, Rejected) else None
        if store is not None and article is not None:
            try:
                store.add_pending(self._run_id(), article)
            except (StateStoreError, OSError) as exc:
                state_failed(self.crawler, exc)

    def engine_stopped(self) -> None:
        store = store_for(self.crawler)
        if store is None:
            return
        run_id = self._run_id()
        try:
            if output_error(self.crawler) is None:
                marked = store.commit_delivery(run_id, "", "")
                if marked and not self.atomic:
                    logger.warning("%d articles marked seen without an atomic feed file", marked)
            assert self.crawler.stats is not None
            failure = run_failure(self.crawler.stats.get_stats(), crawl_sites(self.crawler))
            store.finish_run(run_id, succeeded=failure is None)
        except (StateStoreError, OSError) as exc:
            state_failed(self.crawler, exc)
        finally:
            close_store(self.crawler)

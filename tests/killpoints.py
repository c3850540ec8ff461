"""Test-only components that SIGKILL the crawl at a chosen point (enabled with -s settings).

``KILLPOINT_ITEM=N``: killed when the N-th item was handed to the feed (mid-run).
``KILLPOINT_DELIVERY=before_commit|before_rename|before_mark``: killed inside the feed
storage's delivery, between its steps.
"""

from __future__ import annotations

import os
import signal
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.feedstorage import AtomicFileFeedStorage


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class KillAtItem:
    def __init__(self, crawler: Crawler, at: int) -> None:
        self.at = at
        self.count = 0
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KillAtItem:
        at = crawler.settings.getint("KILLPOINT_ITEM")
        if not at:
            raise NotConfigured
        return cls(crawler, at)

    def item_scraped(self, item: Any, spider: Any) -> None:
        self.count += 1
        if self.count >= self.at:
            _die()


class KillingFeedStorage(AtomicFileFeedStorage):
    def _point(self, name: str) -> None:
        assert self.crawler is not None
        if self.crawler.settings.get("KILLPOINT_DELIVERY") == name:
            _die()

    def _commit(self) -> None:
        self._point("before_commit")
        super()._commit()

    def _rename(self) -> None:
        self._point("before_rename")
        super()._rename()

    def _mark_delivered(self) -> None:
        self._point("before_mark")
        super()._mark_delivered()

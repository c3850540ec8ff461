"""Lease fence (distributed crawl only): an article whose page lease expired is not written.

When a worker stalls past its lease, Redis gives the page to another worker; the stalled one
must then not write the article too. This last stage re-checks (and extends) the lease right
before the feed writes the item, so the page is written by one worker only.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.distributed.connection import redis_url
from crawler.drops import Rejected


class LeaseFencePipeline:
    """Drops (counted as ``redis/fenced_items``) an item whose page is no longer ours."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseFencePipeline:
        if not redis_url(crawler.settings):
            raise NotConfigured
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        confirm = getattr(scheduler, "confirm", None)
        url = item.get("url") if hasattr(item, "get") else None
        if confirm is None or not isinstance(url, str) or confirm(url):
            return item
        self.crawler.stats.inc_value("redis/fenced_items")
        raise Rejected("lease expired, page handed to another worker", url)

"""Last stage of a distributed crawl: the lease fence and the crawl-wide "one article once".

Each worker's DedupePipeline only knows its own pages. Here, right before the feed writes an
article, one Redis script checks that the page's lease is still this worker's (a worker that
stalled past its lease must not write a page another worker has taken over) and claims the
article's canonical URL and text fingerprint for the whole crawl. A claim becomes final when
the page's lease is released after the write; a claim whose lease expired unwritten (its
worker died) is taken over, so a crash never turns an article into a "duplicate" of a copy
that was never delivered.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.distributed.connection import redis_url
from crawler.distributed.scheduler import leasing_scheduler
from crawler.drops import Rejected
from crawler.items import ArticleItem


class LeaseFencePipeline:
    """Drops an article whose page lease expired, or that another page already delivers."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseFencePipeline:
        if not redis_url(crawler.settings):
            raise NotConfigured
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        scheduler = leasing_scheduler(self.crawler)
        if scheduler is None or not isinstance(item, ArticleItem):
            return item
        url = item["url"]
        verdict = scheduler.claim(
            url,
            item.get("fetched_at") or "",
            item.get("canonical_url") or url,
            item.get("fingerprint") or "",
        )
        if not verdict:
            return item
        stats = self.crawler.stats
        if verdict == "lost":
            stats.inc_value("redis/fenced_items")
            raise Rejected("lease expired, page handed to another worker", url)
        stats.inc_value("dedup/dropped_across_workers")
        raise Rejected("duplicate", url, duplicate_of=verdict)

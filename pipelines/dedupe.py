"""Deduplication stage: one article is exported once per run, however many URLs carry it."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler.drops import Rejected
from crawler.items import ArticleItem


class DedupePipeline:
    """Drops an article whose canonical URL or exact text was already exported in this run."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self._by_url: dict[str, str] = {}
        self._by_fingerprint: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        canonical = item.get("canonical_url") or item["url"]
        original = self._by_url.get(canonical) or self._by_fingerprint.get(
            item.get("fingerprint", "")
        )
        if original is not None:
            self.stats.inc_value("dedup/dropped")
            raise Rejected("duplicate", item["url"], duplicate_of=original)
        self._by_url[canonical] = item["url"]
        self._by_fingerprint[item["fingerprint"]] = item["url"]
        return item

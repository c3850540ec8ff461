"""Only articles in the wanted languages (``scrapy reextract ... -a languages=en,zh``)."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.drops import Rejected
from crawler.items import ArticleItem
from crawler.spiders.reextract import ReextractSpider


class LanguageFilter:
    """Item pipeline: an article in another language is rejected (rejects file, counted)."""

    def __init__(self, crawler: Crawler, languages: frozenset[str]) -> None:
        self.stats = crawler.stats
        self.languages = languages

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LanguageFilter:
        spider = crawler.spider
        if not isinstance(spider, ReextractSpider) or not spider.languages:
            raise NotConfigured
        return cls(crawler, spider.languages)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        language = item.get("language")
        if language not in self.languages:
            self.stats.inc_value(f"reextract/language_skipped/{language}")
            raise Rejected("language not wanted", item.get("url"), language=language)
        return item

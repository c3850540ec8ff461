"""Extraction stage: a fetched page becomes an ArticleItem, a listing page, or a reject."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

from crawler.drops import ArticleLikeListing, NotAnArticle, Rejected
from crawler.items import ARCHIVE_FIELDS, ARTICLE_FIELDS, ArticleItem, PageItem
from crawler.signals import article_continuation, page_queued, page_read
from crawler.workerserver import start_fork_server
from pipelines.multipage import ArticleContinuation, ArticlePages, MergedArticle
from pipelines.workerpool import ReaderPool
from reader import PageReading, ReadOptions
from reader.classify import ARTICLE_LIKE_LISTING

logger = logging.getLogger(__name__)

# The forms of the body NEWS_BODY_FORMATS may name.
BODY_FORMATS = {"text", "markdown"}


@dataclass(frozen=True)
class ExtractionSettings:
    workers: int
    timeout: float
    max_chars: int
    min_text_chars: int
    reader: str
    max_links: int
    markdown: bool
    images: bool
    max_article_pages: int

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> ExtractionSettings:
        formats = settings.getlist("NEWS_BODY_FORMATS")
        unknown = sorted(set(formats) - BODY_FORMATS)
        if unknown or "text" not in formats:
            raise ValueError(
                f'NEWS_BODY_FORMATS={formats!r}: give "text" and optionally "markdown"'
                + (f" (unknown: {', '.join(unknown)})" if unknown else "")
            )
        return cls(
            markdown="markdown" in formats,
            images=settings.getbool("NEWS_IMAGES"),
            reader=settings.get("NEWS_PAGE_READER"),
            workers=settings.getint("NEWS_EXTRACT_WORKERS"),
            timeout=settings.getfloat("NEWS_EXTRACT_TIMEOUT"),
            max_chars=settings.getint("NEWS_EXTRACT_MAX_CHARS"),
            min_text_chars=settings.getint("NEWS_MIN_TEXT_CHARS"),
            max_links=settings.getint("NEWS_MAX_LINKS_PER_PAGE"),
            max_article_pages=settings.getint("NEWS_MAX_ARTICLE_PAGES"),
        )


class ExtractionPipeline:
    """Reads each PageItem in the worker pool (trafilatura + our metadata and DOM cleaning)."""

    def __init__(self, crawler: Crawler, config: ExtractionSettings) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.pool: ReaderPool | None = None
        self.pages: ArticlePages | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        # `scrapy crawl` has started it already; other entry points (CrawlerProcess) start here.
        start_fork_server()
        return cls(crawler, ExtractionSettings.from_settings(crawler.settings))

    def open_spider(self) -> None:
        reader = load_object(self.config.reader)
        self.pool = ReaderPool(reader, self.config.workers, self.config.timeout)
        self.pages = ArticlePages(self.crawler, self.pool.read, self.config.max_article_pages)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.close()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        url = item["url"]
        if item.get("reject"):
            self._count("rejected")
            raise Rejected(item["reject"], url)
        body = item.get("body")
        if body is None:
            self._count("rejected")
            raise Rejected(
                "not html", url, content_type=item.get("headers", {}).get("content-type")
            )
        # A character takes at most 4 bytes in the charsets pages use: a body over 4x the
        # character limit is too large before decoding. The worker checks the characters.
        if len(body) > 4 * self.config.max_chars:
            self._count("rejected")
            raise Rejected("too large", url, bytes=len(body))
        assert self.pool is not None
        self.crawler.signals.send_catch_log(page_queued, url=url)
        options = self._options(item)
        reading = await self.pool.read(body, item.get("charset"), url, options)
        assert self.pages is not None
        self.pages.links_to_follow(reading)
        self.crawler.signals.send_catch_log(page_read, site=item["site"], reading=reading)
        if reading.decoding:
            self.stats.inc_value(f"decoding/{reading.decoding}")
        if reading.bad_links:
            self.stats.inc_value("reader/bad_links_skipped", reading.bad_links)
        self._count(reading.kind)
        if reading.kind == "listing":
            if reading.reason == ARTICLE_LIKE_LISTING:
                # A later page of an article, read as a listing by its "?page=3" URL.
                self._drop_continuation(item, reading)
                self.stats.inc_value("extraction/article_like_listing")
                self.stats.inc_value(f"extraction/article_like_listing/{item['site']}")
                raise ArticleLikeListing(reading.reason, url, **reading.details)
            raise NotAnArticle(url)
        if reading.kind == "reject":
            raise Rejected(reading.reason or "unreadable", url, **reading.details)
        merged = None
        if self.config.max_article_pages > 1 and reading.pagination.paginated:
            self._drop_continuation(item, reading)
            merged = await self.pages.merge(reading, item["site"], options)
        return self._article(item, reading, merged)

    def _drop_continuation(self, item: PageItem, reading: PageReading) -> None:
        """Page 2..n of an article is never an item: dropped (counted), its first page handed
        to the spider, which merges every page (pipelines.multipage)."""
        if self.config.max_article_pages <= 1 or not reading.pagination.continuation:
            return
        self.stats.inc_value("multipage/continuations_dropped")
        first = reading.pagination.first_url
        if first:
            self.crawler.signals.send_catch_log(article_continuation, site=item["site"], url=first)
        raise ArticleContinuation(item["url"], first)

    def _options(self, item: PageItem) -> ReadOptions:
        hints = item.get("hints") or {}
        return ReadOptions(
            language_hint=hints.get("language"),
            timezone_hint=hints.get("timezone"),
            prune_xpaths=tuple(hints.get("prune_xpaths") or ()),
            link_prefixes=tuple(hints.get("url_prefixes") or ()),
            rules=hints.get("rules"),
            min_text_chars=self.config.min_text_chars,
            max_chars=self.config.max_chars,
            max_links=self.config.max_links,
            markdown=self.config.markdown,
            images=self.config.images,
        )

    def _article(
        self, item: PageItem, reading: PageReading, merged: MergedArticle | None = None
    ) -> ArticleItem:
        article = ArticleItem({k: v for k, v in reading.fields.items() if k in ARTICLE_FIELDS})
        article["url"] = item["url"]
        article["fetched_at"] = item["fetched_at"]
        for name in ARCHIVE_FIELDS:
            if name in item:
                article[name] = item[name]
        article["site"] = item["site"]
        article["simhash"] = reading.simhash
        article["headers"] = item.get("headers") or {}  # ETag, Last-Modified for the state store
        if merged is not None and len(merged.urls) + len(merged.missing) > 1:
            merged.describe(article)
        for reason, count in reading.removed.items():
            self.stats.inc_value(f"cleaning/removed/{reason}", count)
        return article

    def _count(self, kind: str) -> None:
        self.stats.inc_value(f"extraction/{kind}")

"""Articles split over several pages become one item: the later pages are fetched and merged.

The reader finds an article's own pagination (reader.pagination). For a first
page read as an article, this stage fetches the next pages one after another through the
engine's downloader (``engine.download_async``: the downloader middlewares apply, robots.txt,
the address policy, retries and the WARC archive included), reads each in the worker pool and
merges them into the first page's reading: pages in order, the lines a later page repeats at
its head or foot (headline, dateline, byline, editor line) kept once. Bounded: at most
``NEWS_MAX_ARTICLE_PAGES`` pages, a page already merged (a loop) or a page whose text is one
already merged (a server ignoring the page parameter) ends the chain. A page that fails is
named in ``pages_missing`` and makes the item ``incomplete``: part of an article is never
shipped as if whole.

A later page that reaches the crawl on its own (a sitemap, a listing, a link) is never an item:
it is dropped as a continuation (counted) and its first page is handed to the spider instead
(the ``article_continuation`` signal), which requests it unless it is already requested.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

import scrapy
from scrapy.crawler import Crawler
from w3lib.encoding import http_content_type_encoding

from crawler.canonical import url_key
from crawler.drops import NotAnArticle
from crawler.failures import failure_reason
from crawler.items import ArticleItem
from crawler.signals import page_queued, page_read, request_rejected
from reader import PageReading, ReadOptions
from reader.shape import merge_shapes
from reader.text import text_fingerprint, word_count

logger = logging.getLogger(__name__)

# Request meta key: the first page of the article this request fetches a later page of.
ARTICLE_PAGE_META = "news_article_page_of"
# A later page's first and last lines that repeat another page's (headline, dateline,
# byline, editor line, share bar) are dropped when at most this long and within this many
# lines of the page's start or end.
REPEAT_LINE_CHARS = 160
REPEAT_EDGE_LINES = 4

Read = Callable[[bytes, str | None, str, ReadOptions], Awaitable[PageReading]]


class ArticleContinuation(NotAnArticle):
    """Page 2..n of an article reached on its own: never an item; its first page merges it."""

    def __init__(self, url: str, first_url: str | None) -> None:
        super().__init__(url)
        self.reason = "article continuation page"
        self.url = url
        self.first_url = first_url


@dataclass
class MergedArticle:
    """The first page's reading with the later pages' text merged in, and what went wrong."""

    reading: PageReading
    urls: list[str]
    missing: list[str] = field(default_factory=list)
    capped: bool = False
    blocks: list[str] = field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        return bool(self.missing) or self.capped

    def describe(self, article: ArticleItem) -> None:
        """Write the page fields on the first page's article. No ETag/Last-Modified is kept
        for it: they are the first page's, and a later page can change alone, so revalidating
        the article fetches every page again (the dedupe stage compares the merged text)."""
        article["pages"] = len(self.urls) + len(self.missing)
        article["page_urls"] = list(self.urls)
        if self.incomplete:
            article["incomplete"] = True
            article["pages_missing"] = list(self.missing)
        article["headers"] = {}


class ArticlePages:
    """Fetches, reads and merges the later pages of a multi-page article."""

    def __init__(self, crawler: Crawler, read: Read, max_pages: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.read = read
        self.max_pages = max_pages

    def links_to_follow(self, reading: PageReading, later: bool = False) -> None:
        """Keep an article's later pages out of the links the spider follows: this stage
        fetches them. A continuation page's first page is requested through the
        article_continuation signal instead (a known first page is revalidated then)."""
        pagination = reading.pagination
        if not pagination.paginated or self.max_pages <= 1:
            return
        if reading.kind != "article" and not later:  # a listing's next pages are followed
            return
        own = set(pagination.urls)
        if later:  # a later page linking itself: the spider does not know it was fetched
            own.add(reading.url)
        reading.links = [u for u in reading.links if u not in own]

    async def merge(self, first: PageReading, site: str, options: ReadOptions) -> MergedArticle:
        """Fetch the pages after ``first`` (an article's first page) and merge them."""
        merged = MergedArticle(first, [first.url], blocks=list(first.blocks))
        # A later page may read as a listing: its Markdown and pictures are the article's.
        options = replace(options, shape_listings=True)
        known = dict(first.pagination.pages)
        seen = {url_key(first.url)}
        texts = [first.fields.get("text") or ""]
        shapes = [dict(first.fields)]  # each page's Markdown and pictures, merged at the end
        fingerprints = {first.fields.get("fingerprint")}
        number = 1
        current: PageReading | None = first
        while True:
            # The page the current one links as next; after a failed page (or a page that
            # does not say), the next number a page-number bar listed.
            linked = current.pagination.next_url if current is not None else None
            following = linked or known.get(number + 1)
            if following is None:
                break
            if url_key(following) in seen:
                self.stats.inc_value("multipage/loops")
                logger.info("article pages loop back at %s (article %s)", following, first.url)
                break
            if len(merged.urls) + len(merged.missing) >= self.max_pages:
                self.stats.inc_value("multipage/max_pages_reached")
                merged.capped = True
                # The pages beyond the cut that the pages read so far list (a bar).
                beyond = [known[n] for n in sorted(known) if n > number + 1]
                merged.missing.extend(dict.fromkeys([following, *beyond]))
                logger.warning(
                    "article %s has more than %d pages: cut at %s",
                    first.url,
                    self.max_pages,
                    following,
                )
                break
            seen.add(url_key(following))
            number += 1
            page, why = await self._fetch(following, first.url, site, options)
            if page is None:
                self.stats.inc_value("multipage/pages_failed")
                logger.warning("article %s: page %s failed (%s)", first.url, following, why)
                # In the rejects file like any request that ended without a page.
                self.crawler.signals.send_catch_log(
                    request_rejected, url=following, reason=why, details={"article": first.url}
                )
                merged.missing.append(following)
                current = None
                continue
            text = page.fields.get("text") or ""
            if page.fields.get("fingerprint") in fingerprints:
                # The "next page" served a page already merged: no further pages.
                self.stats.inc_value("multipage/repeated_pages")
                break
            fingerprints.add(page.fields.get("fingerprint"))
            self.stats.inc_value("multipage/pages_merged")
            merged.urls.append(page.url)
            merged.blocks.extend(page.blocks)
            texts.append(text)
            shapes.append(page.fields)
            for n, url in page.pagination.pages.items():
                known.setdefault(n, url)
            current = page
        if len(merged.urls) + len(merged.missing) > 1:
            self.stats.inc_value("multipage/articles")
            if merged.incomplete:
                self.stats.inc_value("multipage/articles_incomplete")
            merge_page_texts(first, texts)
            merge_shapes(first.fields, shapes)
        return merged

    async def _fetch(
        self, url: str, first_url: str, site: str, options: ReadOptions
    ) -> tuple[PageReading | None, str]:
        """One later page, read; None and why when it cannot be fetched or holds no text."""
        request = scrapy.Request(
            url,
            dont_filter=True,
            cb_kwargs={"site_name": site},
            meta={ARTICLE_PAGE_META: first_url},
        )
        assert self.crawler.engine is not None
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # noqa: BLE001 - refused (IgnoreRequest) or failed: the page's
            return None, failure_reason(exc, url)
        self.stats.inc_value("multipage/pages_fetched")
        if response.status != 200:
            return None, f"http {response.status}"
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if ctype and "html" not in ctype.lower():
            return None, "not html"
        # Like any page read: the read gate counts it, the spider follows its links (not its
        # article's pages), the cleaning stage learns the site's template from it.
        signals = self.crawler.signals
        signals.send_catch_log(page_queued, url=url)
        reading = await self.read(response.body, http_content_type_encoding(ctype), url, options)
        # A later page may read as a listing (its URL says "page=3"): its article's pages
        # are fetched here all the same, never by the spider.
        self.links_to_follow(reading, later=True)
        signals.send_catch_log(page_read, site=site, reading=reading)
        if not (reading.fields.get("text") or "").strip():
            return None, reading.reason or "no text"
        return reading, ""


def merge_page_texts(first: PageReading, texts: list[str]) -> None:
    """The first page's fields with every page's text, in order; the lines a later page
    repeats from an earlier page's head (headline, dateline, byline) left out, and those it
    repeats from its foot (editor line, share bar) kept once, at the end."""
    merged: list[str] = [line for line in texts[0].split("\n") if line.strip()]
    for text in texts[1:]:
        lines = [line for line in text.split("\n") if line.strip()]
        foot = {
            _squash(line) for line in lines[-REPEAT_EDGE_LINES:] if len(line) <= REPEAT_LINE_CHARS
        }
        for _ in range(REPEAT_EDGE_LINES):
            if merged and _squash(merged[-1]) in foot:
                merged.pop()
        merged.extend(_without_repeats(lines, merged))
    text = "\n".join(merged)
    first.fields.update(text=text, word_count=word_count(text), fingerprint=text_fingerprint(text))
    first.simhash = None  # the worker hashed the first page's text: the dedupe stage rehashes


def _without_repeats(lines: list[str], before: list[str]) -> list[str]:
    """``lines`` without the short lines near its start that an earlier page has (headline,
    dateline, byline, a lead image's caption repeated under each page's first paragraph)."""
    earlier = {_squash(line) for line in before if len(line) <= REPEAT_LINE_CHARS}
    return [
        line
        for i, line in enumerate(lines)
        if i >= REPEAT_EDGE_LINES or len(line) > REPEAT_LINE_CHARS or _squash(line) not in earlier
    ]


def _squash(text: str) -> str:
    return "".join(text.split())

"""The ``news`` spider: crawls the sites the user named, follows their links, yields pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from w3lib.encoding import http_content_type_encoding

from crawler.decoding import decode_html
from crawler.failures import failure_reason
from crawler.items import PageItem
from crawler.signals import request_rejected
from crawler.sites import Site, origin_of, sites_from_start_urls
from crawler.spiders.arguments import parse_arguments

HTML_TYPES = (b"text/html", b"application/xhtml+xml")
# Response headers the pipelines may use.
KEPT_HEADERS = ("content-type", "last-modified", "etag", "content-language")


class NewsSpider(scrapy.Spider):
    """Finds article and listing pages on the named sites and hands each one on as a PageItem."""

    name = "news"

    @classmethod
    def check_arguments(cls, args: dict[str, Any]) -> None:
        """Raise SpiderArgumentError for bad ``-a`` arguments (used before the crawl starts)."""
        parse_arguments(args)

    def __init__(self, **kwargs: Any) -> None:
        args = parse_arguments(kwargs)
        super().__init__()
        self._args = args
        # Names this run's files (feed, rejects, summary): UTC, sortable, safe in file names.
        self.run_start = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.sites: list[Site] = []
        self._pages: dict[str, int] = {}
        self._seen: dict[str, set[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        max_pages = spider._args.max_pages or settings.getint("NEWS_MAX_PAGES_PER_SITE")
        spider.sites = sites_from_start_urls(list(spider._args.start_urls), max_pages)
        spider.link_extractor = LinkExtractor(
            deny_extensions=settings.getlist("NEWS_SKIP_EXTENSIONS"),
            unique=True,
            canonicalize=False,
        )
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for site in self.sites:
            for url in site.start_urls:
                request = self._request(site, url, dont_filter=True)
                if request is not None:
                    yield request

    def site_for(self, url: str) -> Site | None:
        return next((s for s in self.sites if s.owns(url)), None)

    def _request(self, site: Site, url: str, dont_filter: bool = False) -> scrapy.Request | None:
        """A request for ``url`` if the site's page budget allows it and it is new."""
        seen = self._seen.setdefault(site.name, set())
        key = url.split("#", 1)[0]
        if key in seen:
            return None
        if len(seen) >= site.max_pages:
            self.crawler.stats.inc_value("spider/max_pages_reached")
            return None
        seen.add(key)
        return scrapy.Request(
            key,
            callback=self.parse,
            errback=self.failed,
            dont_filter=dont_filter,
            cb_kwargs={"site_name": site.name},
        )

    def parse(self, response: Response, site_name: str) -> Iterator[Any]:
        site = next(s for s in self.sites if s.name == site_name)
        item = self._page_item(response, site)
        yield item
        if (
            not item.get("reject")
            and isinstance(response, TextResponse)
            and self._is_html(response)
        ):
            yield from self._follow(response, site)

    def _follow(self, response: TextResponse, site: Site) -> Iterator[scrapy.Request]:
        for link in self.link_extractor.extract_links(response):
            url = link.url
            if not site.owns(url):
                if urlsplit(url).scheme in ("http", "https") and origin_of(url) not in site.origins:
                    self.crawler.stats.inc_value("spider/offsite_links_skipped")
                continue
            request = self._request(site, url)
            if request is not None:
                yield request

    def _is_html(self, response: Response) -> bool:
        ctype = response.headers.get(b"Content-Type", b"").lower()
        return not ctype or any(t in ctype for t in HTML_TYPES)

    def _page_item(self, response: Response, site: Site, reject: str | None = None) -> PageItem:
        """One PageItem per response that reached the spider: the unit of page accounting."""
        self.crawler.stats.inc_value("pages/fetched")
        item = PageItem(
            url=response.url,
            html=None,
            encoding=None,
            status=response.status,
            site=site.name,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            headers={
                name: response.headers.get(name).decode("latin-1")
                for name in KEPT_HEADERS
                if response.headers.get(name)
            },
            hints=site.hints(),
        )
        if reject is not None:
            item["reject"] = reject
        elif self._is_html(response):
            self._decode(response, item)
        return item

    def _decode(self, response: Response, item: PageItem) -> None:
        """Fill the item's html and encoding, or its reject reason (see crawler.decoding)."""
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
        decoded = decode_html(response.body, http_content_type_encoding(ctype))
        if decoded.reject is not None:
            item["reject"] = decoded.reject
            item["reject_details"] = {"detail": decoded.detail} if decoded.detail else {}
            return
        item["html"] = decoded.text
        item["encoding"] = decoded.encoding
        self.crawler.stats.inc_value(f"decoding/{decoded.how}")

    def failed(self, failure: Any) -> Iterator[PageItem]:
        """A response with an error status becomes a rejected page; other failures a reject."""
        request = failure.request
        site = self.site_for(request.url) or self._site_named(request.cb_kwargs.get("site_name"))
        if failure.check(HttpError) and site is not None:
            response = failure.value.response
            yield self._page_item(response, site, reject=f"http {response.status}")
            return
        reason = failure_reason(failure.value, request.url)
        stats = self.crawler.stats
        stats.inc_value("requests/failed")
        stats.inc_value(f"requests/failed/{reason}")
        if failure.check(IgnoreRequest):
            # robots.txt or a policy said no: listed in the rejects, not a failure of the site.
            stats.inc_value("spider/request_ignored")
            self.logger.info("request refused: %s (%s)", request.url, reason)
        else:
            stats.inc_value("spider/request_failed")
            if site is not None:
                stats.inc_value(f"spider/request_failed/{site.name}")
            self.logger.warning("request failed: %s (%s)", request.url, reason)
        self.crawler.signals.send_catch_log(
            request_rejected,
            url=request.url,
            reason=reason,
            details={
                "error": failure.getErrorMessage()[:300],
                **(
                    {"redirected_from": request.meta["redirect_urls"][0]}
                    if request.meta.get("redirect_urls")
                    else {}
                ),
            },
        )

    def _site_named(self, name: str | None) -> Site | None:
        return next((s for s in self.sites if s.name == name), None)

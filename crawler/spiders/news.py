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

from crawler.distributed.connection import redis_url
from crawler.items import PageItem
from crawler.sites import Site, origin_of, sites_from_start_urls
from crawler.spiders.arguments import SpiderArgumentError, parse_arguments

HTML_TYPES = (b"text/html", b"application/xhtml+xml")
# Response headers the pipelines may use.
KEPT_HEADERS = ("content-type", "last-modified", "etag", "content-language")


class NewsSpider(scrapy.Spider):
    """Finds article and listing pages on the named sites and hands each one on as a PageItem."""

    name = "news"

    @classmethod
    def check_arguments(cls, args: dict[str, Any], settings: Any = None) -> None:
        """Raise SpiderArgumentError for bad ``-a`` arguments (used before the crawl starts)."""
        distributed = settings is not None and redis_url(settings) is not None
        parse_arguments(args, require_start_urls=not distributed)

    def __init__(self, **kwargs: Any) -> None:
        args = parse_arguments(kwargs, require_start_urls=False)
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
        # Distributed crawl: the sites and the frontier live in Redis (crawler/distributed/).
        spider.distributed = redis_url(settings) is not None
        if not spider._args.start_urls and not spider.distributed:
            raise SpiderArgumentError("no start URL: pass -a start_urls=URL[,URL...]")
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
                # Shared frontier: seeds go through the seen set, so N workers fetch them once.
                request = self._request(site, url, dont_filter=not self.distributed)
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
        site = next((s for s in self.sites if s.name == site_name), None)
        if site is None:
            self.crawler.stats.inc_value("spider/unknown_site")
            self.logger.error("no site %r for %s", site_name, response.url)
            return
        yield self._page_item(response, site)
        if isinstance(response, TextResponse) and self._is_html(response):
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

    def _page_item(self, response: Response, site: Site) -> PageItem:
        html = (
            response.text
            if isinstance(response, TextResponse) and self._is_html(response)
            else None
        )
        return PageItem(
            url=response.url,
            html=html,
            encoding=getattr(response, "encoding", None),
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

    def failed(self, failure: Any) -> None:
        """Count a request that failed after retries; the run summary reports it per site."""
        request = failure.request
        if failure.check(IgnoreRequest):
            # robots.txt or a policy said no: not a failure of the site.
            self.crawler.stats.inc_value("spider/request_ignored")
            return
        site = self.site_for(request.url)
        self.crawler.stats.inc_value("spider/request_failed")
        if site is not None:
            self.crawler.stats.inc_value(f"spider/request_failed/{site.name}")
        self.logger.warning("request failed: %s (%s)", request.url, failure.getErrorMessage())

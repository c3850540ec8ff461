"""The ``news`` spider: crawls the sites the user named, follows their links, yields pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.items import PageItem
from crawler.signals import page_read
from crawler.sites import Site, origin_of, sites_from_start_urls
from crawler.spiders.arguments import parse_arguments

HTML_TYPES = (b"text/html", b"application/xhtml+xml")
# Response headers the pipelines may use.
KEPT_HEADERS = ("content-type", "last-modified", "etag", "content-language")


class NewsSpider(scrapy.Spider):
    """Finds article and listing pages on the named sites and hands each one on as a PageItem."""

    name = "news"
    links_from_reader = False

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
        spider.links_from_reader = settings.getbool("NEWS_LINKS_FROM_READER")
        if spider.links_from_reader:
            spider.skip_extensions = tuple(
                "." + ext.lower() for ext in settings.getlist("NEWS_SKIP_EXTENSIONS")
            )
            crawler.signals.connect(spider.follow_read_links, signal=page_read)
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
        yield self._page_item(response, site)
        if (
            not self.links_from_reader
            and isinstance(response, TextResponse)
            and self._is_html(response)
        ):
            yield from self._follow(
                (link.url for link in self.link_extractor.extract_links(response)), site
            )

    def follow_read_links(self, site: str, reading: Any) -> None:
        """Schedule the links the reader found on a page (page_read signal): the reader's
        worker already parsed the page, so the spider does not parse it a second time."""
        owner = next((s for s in self.sites if s.name == site), None)
        links = getattr(reading, "links", None) or ()
        if owner is None or not links:
            return
        followed = (u for u in links if not self._skipped_extension(u))
        for request in self._follow(followed, owner):
            self.crawler.engine.crawl(request)

    def _skipped_extension(self, url: str) -> bool:
        """The URL's path ends in a NEWS_SKIP_EXTENSIONS suffix (media, documents)."""
        rest = url.split("?", 1)[0]
        slash = rest.find("/", rest.find("//") + 2)
        return slash > 0 and rest[slash:].lower().endswith(self.skip_extensions)

    def _follow(self, urls: Iterable[str], site: Site) -> Iterator[scrapy.Request]:
        """Requests for the new URLs of ``site``; runs on the reactor for every link of every
        page, so the cheap test (seen before) comes first and off-site counts are summed."""
        seen = self._seen.setdefault(site.name, set())
        offsite = 0
        for url in urls:
            if url.split("#", 1)[0] in seen:
                continue
            if not site.owns(url):
                if urlsplit(url).scheme in ("http", "https") and origin_of(url) not in site.origins:
                    offsite += 1
                continue
            request = self._request(site, url)
            if request is not None:
                yield request
        if offsite:
            self.crawler.stats.inc_value("spider/offsite_links_skipped", offsite)

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

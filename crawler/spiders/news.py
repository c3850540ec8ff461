"""The ``news`` spider: crawls the sites the user named, follows their links, yields pages.

Pages are found three ways, combined per site: links of listing pages, sitemaps (given, or
listed in robots.txt; indexes, gzip, Google News) and RSS/Atom feeds (given, or announced by
a start page's ``<link rel="alternate">``). Every found URL must belong to the site; article
URLs a previous run delivered are not requested again (see ``crawler.incremental``).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from w3lib.encoding import http_content_type_encoding

from crawler.canonical import clean_url, fetchable, url_key
from crawler.discovery import DiscoveryError, Entry, feed_links, parse_feed, parse_sitemap
from crawler.discovery import robots_sitemaps as sitemaps_in_robots
from crawler.distributed.connection import redis_url
from crawler.failures import failure_reason
from crawler.incremental import REVALIDATE_META, IncrementalFilter
from crawler.items import PageItem
from crawler.middlewares.robotstxt import RobotsUnavailable
from crawler.run import RunContext, run_context
from crawler.signals import article_continuation, page_read, request_rejected, robots_read
from crawler.sites import Site, origin_of, sites_from_start_urls
from crawler.spiders.arguments import SpiderArgumentError, parse_arguments
from crawler.state import store_for

if TYPE_CHECKING:
    from reader import PageReading

HTML_TYPES = (b"text/html", b"application/xhtml+xml")
ROBOTS_MIDDLEWARE = "crawler.middlewares.robotstxt.StrictRobotsTxtMiddleware"
# Response headers the pipelines may use.
KEPT_HEADERS = ("content-type", "last-modified", "etag", "content-language")


class NewsSpider(scrapy.Spider):
    """Finds article and listing pages on the named sites and hands each one on as a PageItem."""

    name = "news"
    links_from_reader = False
    # Set in from_crawler from the settings.
    distributed: bool
    link_extractor: LinkExtractor
    max_links: int
    max_url_length: int
    skip_extensions: tuple[str, ...]
    robots_sitemaps: bool
    robots_from_middleware: bool
    discover_feeds: bool
    max_documents: int
    # Set by start() (and by `scrapy parse`).
    incremental: IncrementalFilter

    @classmethod
    def check_arguments(cls, args: dict[str, Any], settings: Any = None) -> None:
        """Raise SpiderArgumentError for bad ``-a`` arguments (used before the crawl starts)."""
        distributed = settings is not None and redis_url(settings) is not None
        parse_arguments(args, require_start_urls=not distributed)

    def __init__(self, **kwargs: Any) -> None:
        args = parse_arguments(kwargs, require_start_urls=False)
        super().__init__()
        self._args = args
        # The run's start, id and sites: the crawl's own context once from_crawler runs.
        self.run = RunContext()
        self.since: datetime | None = args.since
        self._pages: dict[str, int] = {}
        self._seen: dict[str, set[str]] = {}
        self._links_done: dict[str, set[str]] = {}
        # Per site, built on first use: every page of the site carries the same hints.
        self._hints: dict[str, dict[str, object]] = {}
        self._documents: dict[str, set[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.run = run_context(crawler)
        settings = crawler.settings
        # Distributed crawl: the sites and the frontier live in Redis (crawler/distributed/).
        spider.distributed = redis_url(settings) is not None
        if not (spider._args.start_urls or spider._args.sites or spider.distributed):
            raise SpiderArgumentError(
                "no start URL: pass -a start_urls=URL[,URL...] or -a sites=FILE"
            )
        max_pages = spider._args.max_pages or settings.getint("NEWS_MAX_PAGES_PER_SITE")
        for site in spider._args.sites:
            if spider._args.max_pages or not site.max_pages:
                site.max_pages = max_pages
        spider.sites = list(spider._args.sites) + sites_from_start_urls(
            list(spider._args.start_urls), max_pages
        )
        spider.link_extractor = LinkExtractor(
            deny_extensions=settings.getlist("NEWS_SKIP_EXTENSIONS"),
            unique=True,
            canonicalize=False,
        )
        spider.links_from_reader = settings.getbool("NEWS_LINKS_FROM_READER")
        spider.max_links = settings.getint("NEWS_MAX_LINKS_PER_PAGE")
        # Scrapy's UrlLengthMiddleware sees only callback output; the reader's links are
        # scheduled from a signal, so every request is checked here.
        spider.max_url_length = settings.getint("URLLENGTH_LIMIT")
        if spider.links_from_reader:
            spider.skip_extensions = tuple(
                "." + ext.lower() for ext in settings.getlist("NEWS_SKIP_EXTENSIONS")
            )
            crawler.signals.connect(spider.follow_read_links, signal=page_read)
        crawler.signals.connect(spider.continue_article, signal=article_continuation)
        spider.robots_sitemaps = settings.getbool("NEWS_DISCOVER_ROBOTS_SITEMAPS")
        # The robots.txt middleware fetches each site's robots.txt anyway: its Sitemap: lines
        # come from that download (robots_read), so robots.txt is fetched once per site.
        spider.robots_from_middleware = settings.getbool("ROBOTSTXT_OBEY") and bool(
            settings.getwithbase("DOWNLOADER_MIDDLEWARES").get(ROBOTS_MIDDLEWARE)
        )
        if spider.robots_sitemaps and spider.robots_from_middleware:
            crawler.signals.connect(spider.read_robots, signal=robots_read)
        spider.discover_feeds = settings.getbool("NEWS_DISCOVER_FEEDS")
        spider.max_documents = settings.getint("NEWS_MAX_DOCUMENTS_PER_SITE")
        spider._name_run_apart(settings.get("NEWS_DEFAULT_FEED"))
        return spider

    def _name_run_apart(self, feed_template: str | None) -> None:
        """Move the run's start on until no earlier run's file has this run's name."""
        for _ in range(20):
            if not feed_template:
                return
            path = Path(feed_template % {"name": self.name, "run_start": self.run_start})
            if not any(p.exists() for p in (path, path.with_name(path.name + ".part"))):
                return
            time.sleep(0.25)
            self._set_start(datetime.now(UTC))

    def _set_start(self, started_at: datetime) -> None:
        self.run.started_at = started_at

    @property
    def run_start(self) -> str:
        """``%(run_start)s`` in feed URIs (Scrapy fills them in from the spider's attributes)."""
        return self.run.run_start

    @property
    def sites(self) -> list[Site]:
        return self.run.sites

    @sites.setter
    def sites(self, sites: list[Site]) -> None:
        self.run.sites = sites

    async def start(self) -> AsyncIterator[Any]:
        store = store_for(self.crawler)
        error = self.crawler.stats.get_value("run/startup_error")
        if error:
            self.logger.error("not crawling: %s", error)
            return
        self.incremental = IncrementalFilter(store, self.crawler.stats)
        if self.since is None and store is not None:
            self.since = store.last_successful_start()
        if self.since is not None:
            self.logger.info("sitemap and feed entries older than %s are skipped", self.since)
        for site in self.sites:
            for request in self._site_start(site):
                yield request

    def _site_start(self, site: Site) -> Iterator[scrapy.Request]:
        if self.robots_sitemaps and not self.robots_from_middleware:
            origins = dict.fromkeys(
                urlunsplit((urlsplit(u).scheme, urlsplit(u).netloc, "/robots.txt", "", ""))
                for u in site.start_urls + site.feeds + site.sitemaps
            )
            for url in origins:
                yield from self._document(site, url, self.parse_robots)
        for url in site.sitemaps:
            yield from self._document(site, url, self.parse_sitemap)
        for url in site.feeds:
            yield from self._document(site, url, self.parse_feed)
        for url in site.start_urls:
            # Shared frontier: seeds go through the seen set, so N workers fetch them once.
            request = self._request(site, url, dont_filter=not self.distributed, start=True)
            if request is not None:
                yield request

    def site_for(self, url: str) -> Site | None:
        return self.run.site_for(url)

    def _site(self, name: str) -> Site:
        return next(s for s in self.sites if s.name == name)

    # --- requests ----------------------------------------------------------------------
    def _request(
        self,
        site: Site,
        url: str,
        dont_filter: bool = False,
        start: bool = False,
        changed: datetime | None = None,
    ) -> scrapy.Request | None:
        """A request for ``url`` if it is new in this run, unknown (or changed) and in budget.

        A URL counts as handled in this run only once it is requested (or over budget): a
        known article skipped on an undated listing link is looked at again when its sitemap
        or feed entry arrives later with a newer date (crawler.incremental).
        """
        if self.max_url_length and len(url) > self.max_url_length:
            self.crawler.stats.inc_value("urllength/request_ignored_count")
            return None
        if not start and not fetchable(url):
            self.crawler.stats.inc_value("spider/bad_links_skipped")
            return None
        url = url if start else clean_url(url)
        seen = self._seen.setdefault(site.name, set())
        key = url_key(url)
        if key in seen:
            return None
        request = scrapy.Request(
            url,
            callback=self.parse,
            errback=self.failed,
            dont_filter=dont_filter,
            cb_kwargs={"site_name": site.name},
            meta={"news_start": start},
        )
        if not start and self.incremental.admit(request, changed) is None:
            return None
        seen.add(key)
        if self._pages.get(site.name, 0) >= site.max_pages:
            self.crawler.stats.inc_value("spider/max_pages_reached")
            return None
        self._pages[site.name] = self._pages.get(site.name, 0) + 1
        return request

    def _document(
        self, site: Site, url: str, callback: Callable[..., Any], dont_filter: bool = True
    ) -> Iterator[scrapy.Request]:
        """A robots.txt, sitemap or feed request: always fetched, once per run, capped per site.

        ``dont_filter=False``: through the shared seen set of a distributed crawl, where every
        worker may find the same document (each worker reads robots.txt)."""
        documents = self._documents.setdefault(site.name, set())
        if url in documents:
            return
        if len(documents) >= self.max_documents:
            self.crawler.stats.inc_value("discovery/max_documents_reached")
            return
        documents.add(url)
        meta: dict[str, Any] = {"news_document": callback.__name__}
        if callback == self.parse_robots:
            meta["handle_httpstatus_list"] = [404, 410]  # no robots.txt: no sitemaps listed
        yield scrapy.Request(
            url,
            callback=callback,
            errback=self.failed,
            dont_filter=dont_filter,
            cb_kwargs={"site_name": site.name},
            meta=meta,
        )

    # --- callbacks ---------------------------------------------------------------------
    def parse(self, response: Response, site_name: str) -> Iterator[Any]:
        site = self._site(site_name)
        self._count_ok(site)
        if response.status == 304 and response.meta.get(REVALIDATE_META):
            self.crawler.stats.inc_value("incremental/not_modified")
            return
        item = self._page_item(response, site)
        yield item
        if (
            not item.get("reject")
            and isinstance(response, TextResponse)
            and self._is_html(response)
        ):
            if not self.links_from_reader and not self._budget_spent(site):
                links = [link.url for link in self.link_extractor.extract_links(response)]
                yield from self._follow(self._capped(links), site)
            if self.discover_feeds and response.meta.get("news_start"):
                for url in feed_links(response.text, response.url):
                    if site.owns(url):
                        self.crawler.stats.inc_value("discovery/feeds_found")
                        yield from self._document(site, url, self.parse_feed)

    def parse_robots(self, response: Response, site_name: str) -> Iterator[scrapy.Request]:
        """robots.txt fetched by the spider itself (the robots.txt middleware is off)."""
        site = self._site(site_name)
        text = (
            response.text if isinstance(response, TextResponse) and response.status == 200 else ""
        )
        yield from self._robots_sitemaps(site, text, response.url)

    def read_robots(self, url: str, text: str) -> None:
        """The robots.txt middleware read a robots.txt (robots_read signal): its sitemaps are
        scheduled for every site on that origin."""
        origin = origin_of(url)
        for site in self.sites:
            if origin in site.origins:
                for request in self._robots_sitemaps(site, text, url, not self.distributed):
                    self.crawler.engine.crawl(request)

    def _robots_sitemaps(
        self, site: Site, text: str, base: str, dont_filter: bool = True
    ) -> Iterator[scrapy.Request]:
        for url in sitemaps_in_robots(text, base):
            if origin_of(url) in site.origins:
                yield from self._document(site, url, self.parse_sitemap, dont_filter)
            else:
                self.crawler.stats.inc_value("discovery/offsite_skipped")

    def parse_sitemap(self, response: Response, site_name: str) -> Iterator[scrapy.Request]:
        site = self._site(site_name)
        self._count_ok(site)
        try:
            document = parse_sitemap(response.body, response.url)
        except DiscoveryError as exc:
            self._bad_document(response, exc)
            return
        self.crawler.stats.inc_value("discovery/sitemaps")
        if document.is_index:
            for entry in self._fresh(site, document.entries, "sitemap", own_origin=True):
                yield from self._document(site, entry.url, self.parse_sitemap)
        else:
            yield from self._entries(site, document.entries, "sitemap")

    def parse_feed(self, response: Response, site_name: str) -> Iterator[scrapy.Request]:
        site = self._site(site_name)
        self._count_ok(site)
        try:
            entries = parse_feed(response.body, response.url)
        except DiscoveryError as exc:
            self._bad_document(response, exc)
            return
        self.crawler.stats.inc_value("discovery/feeds")
        yield from self._entries(site, entries, "feed")

    def _entries(self, site: Site, entries: Iterable[Entry], kind: str) -> Iterator[Any]:
        for entry in self._fresh(site, entries, kind):
            if self._budget_spent(site):
                # Nothing more can be requested for the site: the rest costs no work.
                self.crawler.stats.inc_value("spider/max_pages_reached")
                return
            request = self._request(site, entry.url, changed=entry.changed)
            if request is not None:
                self.crawler.stats.inc_value(f"discovery/{kind}_requests")
                yield request

    def _fresh(
        self, site: Site, entries: Iterable[Entry], kind: str, own_origin: bool = False
    ) -> Iterator[Entry]:
        """Entries on the site's hosts (and patterns) not older than the cut-off."""
        stats = self.crawler.stats
        for entry in entries:
            allowed = origin_of(entry.url) in site.origins if own_origin else site.owns(entry.url)
            if not entry.url:
                stats.inc_value("discovery/bad_urls_skipped")
            elif not allowed:
                stats.inc_value("discovery/offsite_skipped")
            elif self.since and entry.changed and entry.changed < self.since:
                stats.inc_value(f"discovery/{kind}_older_than_since")
            else:
                yield entry

    def _bad_document(self, response: Response, exc: DiscoveryError) -> None:
        self.crawler.stats.inc_value("discovery/unreadable")
        self.logger.warning("unreadable sitemap or feed %s: %s", response.url, exc)

    def follow_read_links(self, site: str, reading: PageReading) -> None:
        """Schedule the links the reader found on a page (page_read signal): the reader's
        worker already parsed the page, so the spider does not parse it a second time."""
        owner = self.run.site_named(site)
        if owner is None:
            return
        # The reader's worker kept the links that start with one of the site's URL prefixes
        # (hints["url_prefixes"]) and counted the rest: most links of a page lead off the site.
        links = reading.links
        offsite = reading.offsite_links
        if offsite:
            self.crawler.stats.inc_value("spider/offsite_links_skipped", offsite)
        cut = reading.links_cut
        if cut:
            self.crawler.stats.inc_value("links/cut", cut)
            self.crawler.stats.inc_value("links/pages_cut")
        followed = (u for u in self._capped(links) if not self._skipped_extension(u))
        for request in self._follow(followed, owner):
            self.crawler.engine.crawl(request)

    def continue_article(self, site: str, url: str) -> None:
        """A later page of a multi-page article came on its own (article_continuation
        signal): its first page is requested, which merges it, unless it is already
        requested in this run. A known first page is revalidated: that a later page was new
        or changed is the evidence (crawler.incremental)."""
        owner = self._site_named(site)
        if owner is None or not owner.owns(url):
            return
        request = self._request(owner, url, changed=datetime.now(UTC))
        if request is not None:
            self.crawler.stats.inc_value("multipage/first_pages_requested")
            self.crawler.engine.crawl(request)

    def _capped(self, links: list[str]) -> list[str]:
        """At most NEWS_MAX_LINKS_PER_PAGE links of a page; the rest counted in links/cut."""
        if not self.max_links or len(links) <= self.max_links:
            return links
        self.crawler.stats.inc_value("links/cut", len(links) - self.max_links)
        self.crawler.stats.inc_value("links/pages_cut")
        return links[: self.max_links]

    def _budget_spent(self, site: Site) -> bool:
        return self._pages.get(site.name, 0) >= site.max_pages

    def _skipped_extension(self, url: str) -> bool:
        """The URL's path ends in a NEWS_SKIP_EXTENSIONS suffix (media, documents)."""
        rest = url.split("?", 1)[0]
        slash = rest.find("/", rest.find("//") + 2)
        return slash > 0 and rest[slash:].lower().endswith(self.skip_extensions)

    def _follow(self, urls: Iterable[str], site: Site) -> Iterator[scrapy.Request]:
        """Requests for the new URLs of ``site``; runs on the reactor for every link of every
        page, so the cheap test (seen before) comes first and off-site counts are summed."""
        # Links as written, already handed to _request: menus repeat on every page, and a
        # repeat would only be canonicalised again to find its key seen.
        done = self._links_done.setdefault(site.name, set())
        offsite = 0
        pending = iter(urls)
        for url in pending:
            if self._budget_spent(site):
                # No link work once the site's page budget is spent: a flood costs nothing.
                rest = 1 + sum(1 for _ in pending)
                self.crawler.stats.inc_value("links/skipped_budget_spent", rest)
                self.crawler.stats.inc_value("spider/max_pages_reached")
                break
            raw = url.split("#", 1)[0]
            if raw in done:
                continue
            if not site.owns(url):
                # Counted once per page; on_origin is cached per host, urlsplit is not.
                if url.startswith(("http://", "https://")) and not site.on_origin(url):
                    offsite += 1
                continue
            done.add(raw)
            request = self._request(site, url)
            if request is not None:
                yield request
        if offsite:
            self.crawler.stats.inc_value("spider/offsite_links_skipped", offsite)

    def _count_ok(self, site: Site) -> None:
        """A response for the site came back: the site did not fail entirely."""
        self.crawler.stats.inc_value(f"spider/response_ok/{site.name}")

    def _is_html(self, response: Response) -> bool:
        ctype = (response.headers.get(b"Content-Type") or b"").lower()
        return not ctype or any(t in ctype for t in HTML_TYPES)

    def _page_item(self, response: Response, site: Site, reject: str | None = None) -> PageItem:
        """One PageItem per response that reached the spider: the unit of page accounting."""
        self.crawler.stats.inc_value("pages/fetched")
        self.crawler.stats.inc_value(f"pages/fetched/{site.name}")
        item = PageItem(
            url=response.url,
            status=response.status,
            site=site.name,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            headers={
                name: value.decode("latin-1")
                for name in KEPT_HEADERS
                if (value := response.headers.get(name))
            },
            hints=self._site_hints(site),
        )
        if reject is not None:
            item["reject"] = reject
        elif self._is_html(response):
            self._attach_body(response, item)
        return item

    def _site_hints(self, site: Site) -> dict[str, object]:
        if site.name not in self._hints:
            self._hints[site.name] = site.hints()
        return self._hints[site.name]

    def _attach_body(self, response: Response, item: PageItem) -> None:
        """The page's bytes and declared charset: the reader's worker decodes them (see
        crawler.decoding), off the reactor thread."""
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        item["body"] = response.body
        item["charset"] = http_content_type_encoding(ctype)

    def failed(self, failure: Any) -> Iterator[PageItem]:
        """An error status on a page makes a rejected page; any other failure a reject record.

        Both count as a failed request of the site (the run summary's per-site errors), except
        refusals (robots.txt, address policy), which are not the site's fault.
        """
        request = failure.request
        site = self._site_named(request.cb_kwargs.get("site_name")) or self.site_for(request.url)
        is_page = not request.meta.get("news_document")
        if failure.check(IgnoreRequest) and not failure.check(HttpError, RobotsUnavailable):
            self.crawler.stats.inc_value("spider/request_ignored")
        else:
            self.crawler.stats.inc_value("spider/request_failed")
            if site is not None and not request.url.endswith("/robots.txt"):
                self.crawler.stats.inc_value(f"spider/request_failed/{site.name}")
        if failure.check(HttpError):
            response = failure.value.response
            if is_page and site is not None:
                yield self._page_item(response, site, reject=f"http {response.status}")
                return
            self._reject_request(request, f"http {response.status}", failure)
            return
        self._reject_request(request, failure_reason(failure.value, request.url), failure)

    def _reject_request(self, request: scrapy.Request, reason: str, failure: Any) -> None:
        """A request that ended without a page: counted, logged, listed in the rejects file."""
        stats = self.crawler.stats
        stats.inc_value("requests/failed")
        stats.inc_value(f"requests/failed/{reason}")
        refused = failure.check(IgnoreRequest) and not failure.check(HttpError, RobotsUnavailable)
        log = self.logger.info if refused else self.logger.warning
        log("request %s: %s (%s)", "refused" if refused else "failed", request.url, reason)
        details: dict[str, Any] = {"error": failure.getErrorMessage()[:300]}
        if request.meta.get("redirect_urls"):
            details["redirected_from"] = request.meta["redirect_urls"][0]
        self.crawler.signals.send_catch_log(
            request_rejected, url=request.url, reason=reason, details=details
        )

    def _site_named(self, name: str | None) -> Site | None:
        return next((s for s in self.sites if s.name == name), None)

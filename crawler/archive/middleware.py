"""The crawl's WARC archive as Scrapy components (off by default; see docs/archive.md).

``WarcArchiveMiddleware`` is the downloader middleware next to the downloader: it sees every
response as it came off the wire (redirects, error statuses, robots.txt, sitemaps; bodies
still content-encoded) and appends a response and a request record for it to the run's
WARC files. Records are built, compressed and written in one thread of their own, so the
reactor only copies the headers. ``ArchiveLocation`` (a spider middleware) puts where the
response was archived on the page item, and the extraction stage carries it to the article.

A write that fails is an output failure like a feed's (crawler.delivery): counted, logged
once, the run stopped, exit status 74.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.python.threadpool import ThreadPool

from crawler.archive.writer import (
    Exchange,
    Location,
    WarcFileSet,
    recover_open_files,
    run_prefix,
)
from crawler.delivery import output_error, output_failed
from crawler.items import PageItem
from crawler.sites import origin_of
from crawler.spiders.news import NewsSpider

logger = logging.getLogger(__name__)

ARCHIVE_META = "news_warc"


def archive_folder(template: str, spider_name: str, run_start: str) -> Path:
    """The folder NEWS_WARC_DIR names (``%(name)s``: spider, ``%(time)s``: run start);
    a ``file://`` URI or a plain path (no other storage is supported)."""
    if template.startswith("file://"):
        template = template[len("file://") :]
    elif "://" in template:
        raise ValueError(f"NEWS_WARC_DIR must be a local folder or file:// URI: {template!r}")
    return Path(template % {"name": spider_name, "time": run_start})


def archiving(crawler: Crawler) -> bool:
    """The archive is on for the whole crawl or for one of its sites (``archive = true``)."""
    spider = crawler.spider
    if not isinstance(spider, NewsSpider):
        return False
    return crawler.settings.getbool("NEWS_WARC_ENABLED") or any(s.archive for s in spider.sites)


class WarcArchiveMiddleware:
    """Archives each response (and its request) of the archived sites."""

    def __init__(self, crawler: Crawler, spider: NewsSpider, everything: bool) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.everything = everything
        self.origins: set[str] = set()
        for site in spider.sites:
            if site.archive:
                self.origins |= site.origins
        settings = crawler.settings
        self.template = settings.get("NEWS_WARC_DIR")
        self.max_bytes = settings.getint("NEWS_WARC_MAX_BYTES")
        self.files: WarcFileSet | None = None
        self.failed = False
        self._pool = ThreadPool(minthreads=1, maxthreads=1, name="warc-writer")
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        spider = crawler.spider
        if not isinstance(spider, NewsSpider) or not archiving(crawler):
            raise NotConfigured
        return cls(crawler, spider, crawler.settings.getbool("NEWS_WARC_ENABLED"))

    def spider_opened(self, spider: NewsSpider) -> None:
        """Finish the files a killed run left, then get ready to write this run's."""
        try:
            folder = archive_folder(self.template, spider.name, spider.run_start)
            folder.mkdir(parents=True, exist_ok=True)
            for done in recover_open_files(folder):
                self.stats.inc_value("archive/recovered_files")
                self.stats.inc_value("archive/recovered_cut_bytes", done.cut_bytes)
                logger.warning(
                    "WARC file left open by an earlier run %s: %s (%d bytes of a cut record "
                    "dropped)",
                    "removed (no whole record)" if done.removed else "finished",
                    done.path,
                    done.cut_bytes,
                )
        except (OSError, ValueError) as exc:
            self.failed = True
            output_failed(self.crawler, "archive", self.template, exc, stop=False)
            self.stats.set_value("run/startup_error", output_error(self.crawler))
            return
        info = {"run": spider.run.run_id, "isPartOf": spider.name, "robots": "obey"}
        self.files = WarcFileSet(
            folder, run_prefix(spider.name, spider.run.run_id), self.max_bytes, info
        )
        self._pool.start()
        logger.info("archiving fetched pages as WARC files in %s", folder)

    def spider_closed(self, spider: NewsSpider) -> None:
        if self.files is None:
            return
        self._pool.stop()
        try:
            self.files.close()
        except OSError as exc:
            self._failed(exc)
        self.stats.set_value("archive/files", len(self.files.finished))

    def wanted(self, response: Response) -> bool:
        return self.everything or origin_of(response.url) in self.origins

    async def process_response(self, request: Request, response: Response) -> Response:
        if self.files is None or self.failed or not self.wanted(response):
            return response
        from twisted.internet import reactor

        exchange = _exchange(request, response)
        deferred = threads.deferToThreadPool(reactor, self._pool, self.files.write, exchange)
        try:
            location: Location = await maybe_deferred_to_future(deferred)
        except OSError as exc:
            self._failed(exc)
            return response
        self.stats.inc_value("archive/responses")
        self.stats.inc_value("archive/response_bytes", len(response.body))
        request.meta[ARCHIVE_META] = location
        return response

    def _failed(self, exc: OSError) -> None:
        self.failed = True
        path = self.files.current_path if self.files is not None else None
        output_failed(self.crawler, "archive", path, exc)


def _exchange(request: Request, response: Response) -> Exchange:
    ip = response.ip_address
    return Exchange(
        url=response.url,
        method=request.method,
        request_headers=list(_header_pairs(request.headers)),
        request_body=request.body,
        protocol=response.protocol or "HTTP/1.1",
        status=response.status,
        response_headers=list(_header_pairs(response.headers)),
        body=response.body,
        ip_address=str(ip) if ip is not None else None,
    )


def _header_pairs(headers: Any) -> Iterable[tuple[str, str]]:
    for name, values in headers.items():
        for value in values:
            yield name.decode("latin-1"), value.decode("latin-1")


class ArchiveLocation:
    """Spider middleware: a page item says where its response was archived."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveLocation:
        if not archiving(crawler):
            raise NotConfigured
        return cls()

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        location = response.meta.get(ARCHIVE_META)
        for output in result:
            if location is not None and isinstance(output, PageItem):
                mark(output, location)
            yield output

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        location = response.meta.get(ARCHIVE_META)
        async for output in result:
            if location is not None and isinstance(output, PageItem):
                mark(output, location)
            yield output


def mark(item: PageItem, location: Location) -> None:
    item["warc_file"] = location.file
    item["warc_offset"] = location.offset
    item["warc_length"] = location.length

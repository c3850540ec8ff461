"""Requests of a re-extraction answered from its WARC inputs, never from the network.

A re-extraction runs the crawl's pipelines, and the extraction stage asks the downloader for
a multi-page article's later pages (pipelines.multipage). ``ArchiveAnswerMiddleware``, the
first downloader middleware of a re-extraction (``scrapy reextract`` enables it), answers
every request with the archived response of its URL (``reextract/archive_answers``) or
refuses it, ``IgnoreRequest("not in the archive")`` (``reextract/archive_misses``): a page
the crawl could not fetch is missing from the re-extracted article as it was from the
crawled one. No request goes further down to the network.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads

from crawler.archive.lookup import ArchiveIndex, read_page
from crawler.archive.middleware import ARCHIVE_META
from crawler.archive.reader import warc_inputs
from crawler.archive.writer import Location

logger = logging.getLogger(__name__)

NOT_ARCHIVED = "not in the archive"
# The reader undid these (crawler.archive.reader): the body handed on is decoded.
_DECODED = {"content-encoding", "transfer-encoding", "content-length"}
# Seconds between two looks at whether the run began to stop while the index is being built.
WATCH_SECONDS = 0.2


class ArchiveSource:
    """A spider whose pages come from WARC inputs (the reextract spider): the requests of
    its run are answered from them."""

    inputs: list[str]


class ArchiveAnswerMiddleware:
    """Answers each request from the archive's index, or refuses it."""

    def __init__(self, crawler: Crawler, inputs: list[str]) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.inputs = inputs
        self.max_bytes = crawler.settings.getint("DOWNLOAD_MAXSIZE") or 2**62
        self._index: asyncio.Future[ArchiveIndex] | None = None
        self._stop = threading.Event()
        self._counted = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveAnswerMiddleware:
        spider = crawler.spider
        if not isinstance(spider, ArchiveSource):
            raise NotConfigured("answers only a re-extraction's requests")
        return cls(crawler, list(spider.inputs))

    async def index(self) -> ArchiveIndex:
        """Built once, in a thread, when the first request comes (most runs send none); a
        run that begins to stop meanwhile (Ctrl-C, CLOSESPIDER_*) ends the scan early."""
        if self._index is None:
            inputs = warc_inputs(self.inputs)
            logger.info("indexing %d WARC input(s) to answer requests from", len(inputs))
            building = threads.deferToThread(ArchiveIndex.build, inputs, self.max_bytes, self._stop)
            self._index = asyncio.ensure_future(maybe_deferred_to_future(building))
        while not self._index.done():
            await asyncio.wait([self._index], timeout=WATCH_SECONDS)
            if not self._stop.is_set() and _stopping(self.crawler.engine):
                logger.info("the run is stopping: the archive index is left unfinished")
                self._stop.set()
        index = self._index.result()
        if not self._counted:
            self._counted = True
            self.stats.set_value("reextract/archive_index_pages", len(index.places))
            logger.info("archive index: %d pages in %d file(s)", len(index.places), index.files)
        return index

    async def process_request(self, request: Request) -> HtmlResponse:
        index = await self.index()
        place = index.find(request.url)
        page = None
        if place is not None:
            page = await maybe_deferred_to_future(
                threads.deferToThread(read_page, place, self.max_bytes)
            )
        if page is None:
            self.stats.inc_value("reextract/archive_misses")
            logger.info("not answered (%s): %s", NOT_ARCHIVED, request.url)
            raise IgnoreRequest(NOT_ARCHIVED)
        self.stats.inc_value("reextract/archive_answers")
        request.meta[ARCHIVE_META] = Location(page.file, page.offset, page.length)
        headers: dict[str, list[str]] = {}
        for name, value in page.headers:
            if name.lower() not in _DECODED:
                headers.setdefault(name, []).append(value)
        return HtmlResponse(
            url=page.url, status=page.status, headers=headers, body=page.body, request=request
        )


def _stopping(engine: Any) -> bool:
    """The engine is stopping (Ctrl-C) or closing the spider (CLOSESPIDER_*, an error)."""
    if engine is None:
        return False
    slot = engine.scraper.slot
    return not engine.running or slot is None or slot.closing is not None

"""Back-pressure from the reader pool to the downloader.

Reading a page (worker processes) is slower than downloading it from a fast site. Without a
gate, Scrapy keeps downloading while pages pile up in the pool's queue. This downloader
middleware holds a request before it is downloaded while the pages already downloading or
waiting to be read fill the pool's capacity: enough to keep every worker busy plus the
downloads needed to cover the observed download latency (Little's law), no more.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from crawler.signals import page_queued, page_read

if TYPE_CHECKING:
    from reader import PageReading

_ADMITTED = "_news_read_gate"
# Weight of the newest sample in the moving averages of download and read times.
EWMA_WEIGHT = 0.1


@dataclass(frozen=True)
class ReadGateSettings:
    workers: int
    backlog: int
    per_worker: int
    max_ahead: int

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> ReadGateSettings:
        workers = settings.getint("NEWS_EXTRACT_WORKERS")
        return cls(
            workers=workers if workers > 0 else max(1, os.cpu_count() or 1),
            backlog=settings.getint("NEWS_READ_BACKLOG"),
            per_worker=settings.getint("NEWS_READ_BACKLOG_PER_WORKER"),
            max_ahead=max(1, settings.getint("CONCURRENT_REQUESTS")),
        )


class ReadGate:
    """Holds requests while downloading + unread pages >= the pool's capacity."""

    def __init__(self, crawler: Crawler, config: ReadGateSettings) -> None:
        self.stats = crawler.stats
        self.config = config
        self.downloading = 0
        self.in_reader = 0
        self._waiters: list[Deferred[None]] = []
        self._queued_at: dict[str, float] = {}
        self.download_seconds = 0.0
        self.read_seconds = 0.0
        crawler.signals.connect(self.page_queued, signal=page_queued)
        crawler.signals.connect(self.page_read, signal=page_read)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReadGate:
        if not crawler.settings.getbool("NEWS_READ_GATE_ENABLED"):
            raise NotConfigured
        return cls(crawler, ReadGateSettings.from_settings(crawler.settings))

    def capacity(self) -> int:
        """Pages allowed downloading or unread: fixed, or workers' slots + latency cover."""
        if self.config.backlog > 0:
            return self.config.backlog
        slots = self.config.workers * self.config.per_worker
        if self.read_seconds <= 0:
            return slots
        ahead = math.ceil(self.config.workers * self.download_seconds / self.read_seconds)
        return slots + min(ahead, self.config.max_ahead)

    def _full(self) -> bool:
        return self.downloading + self.in_reader >= self.capacity()

    async def process_request(self, request: Request) -> None:
        if self._full() or self._waiters:
            waiter: Deferred[None] = Deferred()
            self._waiters.append(waiter)
            self.stats.inc_value("readgate/held")
            await maybe_deferred_to_future(waiter)
        else:
            self._admit()
        request.meta[_ADMITTED] = time.monotonic()

    def _admit(self) -> None:
        self.downloading += 1
        self.stats.max_value("readgate/max_pages", self.downloading + self.in_reader)

    def process_response(self, request: Request, response: Response) -> Response:
        self._downloaded(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._downloaded(request)

    def _downloaded(self, request: Request) -> None:
        started = request.meta.pop(_ADMITTED, None)
        if started is None:  # never passed this gate (answered by an earlier middleware)
            return
        self.downloading -= 1
        self.download_seconds = _ewma(self.download_seconds, time.monotonic() - started)
        self._release()

    def page_queued(self, url: str) -> None:
        self.in_reader += 1
        self._queued_at[url] = time.monotonic()

    def page_read(self, site: str, reading: PageReading) -> None:
        self.in_reader = max(0, self.in_reader - 1)
        started = self._queued_at.pop(reading.url, None)
        if started is not None:
            self.read_seconds = _ewma(self.read_seconds, time.monotonic() - started)
        self._release()

    def _release(self) -> None:
        while self._waiters and not self._full():
            self._admit()
            self._waiters.pop(0).callback(None)

    def spider_closed(self) -> None:
        """Let held requests go so the engine can finish closing."""
        while self._waiters:
            self._admit()
            self._waiters.pop(0).callback(None)


def _ewma(average: float, sample: float) -> float:
    return sample if average <= 0 else average + EWMA_WEIGHT * (sample - average)

"""Reactor lag: how late a short timer fires on the reactor thread during the crawl.

Everything the main process does (downloads, callbacks, pipelines, the feed) shares one
thread; a timer that fires late shows how long that thread was busy in one go. Max and p99
go to the stats (``reactor_lag/max_ms``, ``reactor_lag/p99_ms``).
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class ReactorLag:
    """Schedules a timer every ``NEWS_REACTOR_LAG_INTERVAL`` seconds and records its delay."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.stats = crawler.stats
        self.interval = interval
        # Delays in whole milliseconds -> how often: bounded however long the crawl runs.
        self.delays: Counter[int] = Counter()
        self.max_ms = 0.0
        self._expected = 0.0
        self._call: Any = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReactorLag:
        if not crawler.settings.getbool("NEWS_REACTOR_LAG_ENABLED"):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("NEWS_REACTOR_LAG_INTERVAL"))

    def spider_opened(self) -> None:
        self._schedule()

    def _schedule(self) -> None:
        # Imported here: importing the reactor module installs a reactor, which must not
        # happen when this module is merely loaded.
        from twisted.internet import reactor

        self._expected = time.perf_counter() + self.interval
        self._call = reactor.callLater(self.interval, self._tick)  # type: ignore[attr-defined]

    def _tick(self) -> None:
        late_ms = max(0.0, (time.perf_counter() - self._expected) * 1000)
        self.delays[int(late_ms)] += 1
        self.max_ms = max(self.max_ms, late_ms)
        self._schedule()

    def percentile(self, share: float) -> int:
        """The delay (whole ms) that ``share`` of the timer's firings did not exceed."""
        total = sum(self.delays.values())
        seen = 0
        for ms in sorted(self.delays):
            seen += self.delays[ms]
            if seen >= share * total:
                return ms
        return 0

    def spider_closed(self) -> None:
        if self._call is not None and self._call.active():
            self._call.cancel()
        self.stats.set_value("reactor_lag/samples", sum(self.delays.values()))
        self.stats.set_value("reactor_lag/max_ms", round(self.max_ms, 1))
        self.stats.set_value("reactor_lag/p99_ms", self.percentile(0.99))
        self.stats.set_value("reactor_lag/p50_ms", self.percentile(0.5))

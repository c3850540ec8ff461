"""Reactor lag: how late a short timer fires on the reactor thread during the crawl.

Everything the main process does (downloads, callbacks, pipelines, the feed) shares one
thread; a timer that fires late shows how long that thread was busy in one go. Max and p99
go to the stats (``reactor_lag/max_ms``, ``reactor_lag/p99_ms``).

A process that was stopped (SIGSTOP, Ctrl-Z) and continued was not busy: the firing that
spans the stop is not a delay of the thread, so it is counted apart
(``reactor_lag/continued``). ``make bench`` stops the crawl to time the bound in slices.

The SIGCONT may be taken by another thread of the process, whose Python handler then waits
until the main thread next checks for signals, possibly after the late firing. So a firing
at least ``SUSPECT_MS`` late makes the main thread check at once, and if no SIGCONT has shown
by then it is judged a tick later, once the thread that took the signal has had time to run.
"""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

SUSPECT_MS = 20.0


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
        self._continued = False
        self.continued = 0
        # A late firing held for one more tick, in case a SIGCONT explains it.
        self._suspect: float | None = None
        self._previous_handler: Any = None
        self._handling_continue = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReactorLag:
        if not crawler.settings.getbool("NEWS_REACTOR_LAG_ENABLED"):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("NEWS_REACTOR_LAG_INTERVAL"))

    def spider_opened(self) -> None:
        # Signal handlers can only be set from the main thread (where ``scrapy crawl`` runs).
        if threading.current_thread() is threading.main_thread():
            self._previous_handler = signal.signal(signal.SIGCONT, self._on_continue)
            self._handling_continue = True
        self._schedule()

    def _on_continue(self, signum: int, frame: Any) -> None:
        self._continued = True

    def _schedule(self) -> None:
        # Imported here: importing the reactor module installs a reactor, which must not
        # happen when this module is merely loaded.
        from twisted.internet import reactor

        self._expected = time.perf_counter() + self.interval
        self._call = reactor.callLater(self.interval, self._tick)  # type: ignore[arg-type]

    def _tick(self) -> None:
        late_ms = max(0.0, (time.perf_counter() - self._expected) * 1000)
        self._schedule()
        if late_ms >= SUSPECT_MS or self._suspect is not None:
            _run_signal_handlers()
        if self._continued:
            # The stop spans the later of the held firing and this one.
            self._continued = False
            self.continued += 1
            held, self._suspect = self._suspect, None
            if held is None or late_ms >= held:
                if held is not None:
                    self._record(held)
                return
        elif self._suspect is not None:
            self._record(self._suspect)
            self._suspect = None
        if late_ms >= SUSPECT_MS and self._handling_continue:
            self._suspect = late_ms
        else:
            self._record(late_ms)

    def _record(self, late_ms: float) -> None:
        self.delays[int(late_ms)] += 1
        self.max_ms = max(self.max_ms, late_ms)

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
        if self._suspect is not None:
            self._record(self._suspect)
            self._suspect = None
        if self._handling_continue:
            signal.signal(signal.SIGCONT, self._previous_handler or signal.SIG_DFL)
            self._handling_continue = False
        self.stats.set_value("reactor_lag/continued", self.continued)
        self.stats.set_value("reactor_lag/samples", sum(self.delays.values()))
        self.stats.set_value("reactor_lag/max_ms", round(self.max_ms, 1))
        self.stats.set_value("reactor_lag/p99_ms", self.percentile(0.99))
        self.stats.set_value("reactor_lag/p50_ms", self.percentile(0.5))


def _run_signal_handlers() -> None:
    """Run the Python handlers of signals taken by any thread, now: ``pthread_kill`` with
    signal 0 sends nothing, then checks for them (in the main thread)."""
    signal.pthread_kill(threading.main_thread().ident or 0, 0)

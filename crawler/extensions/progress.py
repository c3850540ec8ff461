"""A live progress line: pages, articles, rejects, queue, rate, per site.

On a terminal (stderr is a TTY) the line is redrawn in place (``\\r``) every
``NEWS_PROGRESS_TTY_INTERVAL`` seconds; otherwise (cron, a log file) it is one INFO log line
every ``NEWS_PROGRESS_INTERVAL`` seconds, and a last one when the run ends. The counts are the
run summary's (crawler.extensions.runsummary), not counted again here.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.extensions.runsummary import RunSummary, run_summary_of

logger = logging.getLogger(__name__)

# Sites shown on the line at most (the busiest); the rest are summed as "+N sites".
MAX_SITES_SHOWN = 6


def progress_line(
    summary: dict[str, Any], queued: int, rate: float, max_sites: int = MAX_SITES_SHOWN
) -> str:
    """``pages 120 (4.0/s) | articles 80 | rejects 5 | queue 33 | a.com 60/41/2 ...``: per
    site pages fetched / articles / rejects."""
    sites = summary["sites"]
    articles = sum(s["articles"] for s in sites.values())
    rejects = sum(sum(s["rejects"].values()) for s in sites.values())
    head = (
        f"pages {summary['pages_fetched']} ({rate:.1f}/s) | articles {articles}"
        f" | rejects {rejects} | queue {queued}"
    )
    busiest = sorted(sites.items(), key=lambda kv: -kv[1]["pages_fetched"])
    parts = [
        f"{name} {s['pages_fetched']}/{s['articles']}/{sum(s['rejects'].values())}"
        for name, s in busiest[:max_sites]
    ]
    if len(busiest) > max_sites:
        parts.append(f"+{len(busiest) - max_sites} sites")
    return head + (" | " + " ".join(parts) if parts else "")


class Progress:
    """Shows the run's progress while it runs (see the module docstring)."""

    def __init__(self, crawler: Crawler, stream: TextIO) -> None:
        self.crawler = crawler
        self.stream = stream
        self.tty = stream.isatty()
        settings = crawler.settings
        key = "NEWS_PROGRESS_TTY_INTERVAL" if self.tty else "NEWS_PROGRESS_INTERVAL"
        self.interval = settings.getfloat(key)
        self.summary: RunSummary | None = None
        self.loop: task.LoopingCall | None = None
        self.started = time.monotonic()
        self.drawn = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("NEWS_PROGRESS_ENABLED"):
            raise NotConfigured
        if crawler.settings.getfloat("NEWS_PROGRESS_INTERVAL") <= 0:
            raise NotConfigured
        return cls(crawler, sys.stderr)

    def spider_opened(self, spider: Any) -> None:
        self.summary = run_summary_of(self.crawler)
        if self.summary is None:
            logger.info("no progress line: the run summary (NEWS_RUN_SUMMARY_ENABLED) is off")
            return
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.summary is None:
            return
        self.show()
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()

    def line(self) -> str:
        assert self.summary is not None and self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        queued = stats.get("scheduler/enqueued", 0) - stats.get("scheduler/dequeued", 0)
        summary = self.summary.summary("running")
        elapsed = max(time.monotonic() - self.started, 1e-6)
        return progress_line(summary, max(queued, 0), summary["pages_fetched"] / elapsed)

    def show(self) -> None:
        text = self.line()
        if self.tty:
            self.stream.write("\r" + text + "\x1b[K")
            self.stream.flush()
            self.drawn = True
        else:
            logger.info("progress: %s", text)

"""The run's final stats as a JSON file, for benchmarks and monitoring that read them."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.delivery import output_failed, write_durably

logger = logging.getLogger(__name__)


class StatsFile:
    """Writes ``crawler.stats`` to ``NEWS_STATS_FILE`` once the engine has stopped."""

    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        path = crawler.settings.get("NEWS_STATS_FILE")
        if not path:
            raise NotConfigured
        return cls(crawler, Path(path))

    def engine_stopped(self) -> None:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        try:
            write_durably(self.path, json.dumps(stats, default=str, indent=1).encode("utf-8"))
        except OSError as exc:
            output_failed(self.crawler, "stats file", self.path, exc)
            return
        logger.info("stats written to %s", self.path)

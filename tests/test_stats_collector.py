"""The crawl's stats collector: Scrapy's methods, called without Scrapy's per-call shim."""

from __future__ import annotations

import warnings

from scrapy.statscollectors import MemoryStatsCollector, StatsCollector
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.stats import PlainStatsCollector


def test_the_project_collects_stats_with_the_plain_collector() -> None:
    assert load_object(get_project_settings()["STATS_CLASS"]) is PlainStatsCollector


def test_methods_are_scrapys_own_looked_up_without_a_wrapper() -> None:
    stats = PlainStatsCollector(get_crawler())
    for name in ("inc_value", "set_value", "get_value", "max_value", "min_value"):
        assert getattr(stats, name).__func__ is getattr(StatsCollector, name)
    assert isinstance(stats, MemoryStatsCollector)


def test_counts_as_scrapys_collector_does_and_accepts_the_old_spider_argument() -> None:
    stats = PlainStatsCollector(get_crawler())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats.inc_value("pages/article")
        stats.inc_value("pages/article", 2)
        stats.max_value("readgate/max_pages", 3)
        stats.max_value("readgate/max_pages", 2)
        stats.min_value("lag", 5)
        stats.min_value("lag", 7)
        stats.set_value("finish_reason", "finished", spider=None)
    assert stats.get_stats() == {
        "pages/article": 3,
        "readgate/max_pages": 3,
        "lag": 5,
        "finish_reason": "finished",
    }

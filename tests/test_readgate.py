"""The read gate: capacity from the pool's workers and the measured latencies."""

from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler import settings as defaults
from crawler.middlewares.readgate import ReadGate
from crawler.signals import page_queued, page_read
from reader import PageReading

NEWS_DEFAULTS = {k: v for k, v in vars(defaults).items() if k.startswith("NEWS_")}


def gate(**settings: object) -> ReadGate:
    crawler = get_crawler(settings_dict={**NEWS_DEFAULTS, "NEWS_EXTRACT_WORKERS": 2, **settings})
    return build_from_crawler(ReadGate, crawler)


def test_capacity_is_four_pages_a_worker_until_latencies_are_known() -> None:
    assert gate().capacity() == 8


def test_capacity_covers_download_latency_by_littles_law() -> None:
    g = gate(CONCURRENT_REQUESTS=32)
    g.read_seconds, g.download_seconds = 0.05, 0.5  # a slow site: 10 reads per download
    assert g.capacity() == 8 + 20
    g.download_seconds = 50.0  # never more downloads ahead than Scrapy may run at once
    assert g.capacity() == 8 + 32


def test_a_fixed_backlog_overrides_the_estimate() -> None:
    g = gate(NEWS_READ_BACKLOG=9)
    g.read_seconds, g.download_seconds = 0.05, 0.5
    assert g.capacity() == 9


def test_pages_in_the_reader_are_counted_by_the_crawl_signals() -> None:
    crawler = get_crawler(
        settings_dict={
            **NEWS_DEFAULTS,
            "NEWS_EXTRACT_WORKERS": 1,
            "NEWS_READ_BACKLOG_PER_WORKER": 2,
        }
    )
    g = build_from_crawler(ReadGate, crawler)
    for n in range(2):
        crawler.signals.send_catch_log(page_queued, url=f"http://h/{n}")
    assert g.in_reader == 2 and g._full()
    crawler.signals.send_catch_log(
        page_read, site="h", reading=PageReading("http://h/0", "article")
    )
    assert g.in_reader == 1 and not g._full()
    assert g.read_seconds > 0

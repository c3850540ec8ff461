"""Run metrics in Prometheus's text format (prometheus-client).

Two ways out, both off by default:

- ``NEWS_METRICS_TEXTFILE``: written atomically when the run ends, for node_exporter's
  textfile collector (name it ``*.prom`` in the collector's folder). Under cron this is the
  way: the figures of the last run stay there until the next one replaces them.
- ``NEWS_METRICS_PORT``: a ``/metrics`` endpoint during the run (bound to
  ``NEWS_METRICS_ADDRESS``, 127.0.0.1 by default), for long runs scraped by Prometheus.

The figures are the run summary's (crawler.extensions.runsummary): read live from it while
the run goes on, and from its final content (alarms included) at the end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.threads import blockingCallFromThread

from crawler.delivery import output_failed, write_durably
from crawler.extensions.runsummary import run_summary_of
from crawler.signals import run_summarised

logger = logging.getLogger(__name__)

PREFIX = "newscrawler"


def _gauge(name: str, doc: str, labels: list[str] | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"{PREFIX}_{name}", doc, labels=labels)


def summary_metrics(summary: dict[str, Any], running: bool) -> list[GaugeMetricFamily]:
    """The run summary as metric families (per-run figures: gauges, not counters)."""
    sites: dict[str, dict[str, Any]] = summary.get("sites", {})
    run_running = _gauge("run_running", "1 while the run goes on, 0 once it ended")
    run_running.add_metric([], 1 if running else 0)
    duration = _gauge("run_duration_seconds", "How long the run took (so far)")
    duration.add_metric([], float(summary.get("duration_seconds") or 0))
    pages = _gauge("run_pages_fetched", "Pages fetched in the run")
    pages.add_metric([], summary.get("pages_fetched", 0))
    success = _gauge("run_success", "1 when the run did its job (no failure), else 0")
    success.add_metric([], 0 if summary.get("failure") else 1)
    alarms = summary.get("alarms") or []
    alarm_count = _gauge("run_alarms", "Site figures far below their baseline in the run")
    alarm_count.add_metric([], len(alarms))
    families = [run_running, duration, pages, success, alarm_count]

    per_site = {
        "pages_fetched": _gauge("site_pages_fetched", "Pages of the site fetched", ["site"]),
        "articles": _gauge("site_articles", "New or updated articles delivered", ["site"]),
        "read": _gauge("site_articles_read", "Articles the reader recognised", ["site"]),
        "unchanged": _gauge("site_unchanged", "Articles found unchanged", ["site"]),
        "known": _gauge("site_known_skipped", "Known articles found, not fetched", ["site"]),
        "duplicates": _gauge("site_duplicates", "Duplicate articles dropped", ["site"]),
        "errors": _gauge("site_errors", "Requests of the site that failed", ["site"]),
    }
    rejects = _gauge("site_rejects", "Pages rejected, by reason", ["site", "reason"])
    cover = _gauge(
        "site_field_coverage", "Share of read articles with the field", ["site", "field"]
    )
    text = _gauge("site_mean_text_chars", "Mean text length of a read article", ["site"])
    for name, s in sites.items():
        for key, family in per_site.items():
            family.add_metric([name], s.get(key, 0))
        for reason, count in s.get("rejects", {}).items():
            rejects.add_metric([name, reason], count)
        for key, share in (s.get("coverage") or {}).items():
            if share is not None:
                cover.add_metric([name, key], share)
        if s.get("mean_text_chars") is not None:
            text.add_metric([name], s["mean_text_chars"])
    site_alarm = _gauge(
        "site_alarm", "1 for each site figure far below its baseline", ["site", "metric"]
    )
    for alarm in alarms:
        site_alarm.add_metric([alarm["site"], alarm["metric"]], 1)
    return [*families, *per_site.values(), rejects, cover, text, site_alarm]


class SummaryCollector(Collector):
    """Renders whatever summary ``source`` returns when scraped."""

    def __init__(self, source: Callable[[], tuple[dict[str, Any], bool]]) -> None:
        self.source = source

    def collect(self) -> Iterator[GaugeMetricFamily]:
        summary, running = self.source()
        yield from summary_metrics(summary, running)


def render_metrics(summary: dict[str, Any], running: bool = False) -> bytes:
    """The summary in Prometheus's text exposition format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SummaryCollector(lambda: (summary, running)))
    return generate_latest(registry)


class RunMetrics:
    """Serves live metrics (NEWS_METRICS_PORT) and writes the textfile at the end."""

    def __init__(self, crawler: Crawler, textfile: str, port: int, address: str) -> None:
        self.crawler = crawler
        self.textfile = Path(textfile) if textfile else None
        self.port = port
        self.address = address
        self.final: dict[str, Any] | None = None
        self.server: Any = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.run_summarised, signal=run_summarised)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunMetrics:
        settings = crawler.settings
        textfile = settings.get("NEWS_METRICS_TEXTFILE") or ""
        port = settings.getint("NEWS_METRICS_PORT")
        if not textfile and not port:
            raise NotConfigured
        return cls(crawler, textfile, port, settings.get("NEWS_METRICS_ADDRESS"))

    def _current(self) -> tuple[dict[str, Any], bool]:
        """Called in the HTTP server's thread: the counts are read in the reactor's."""
        if self.final is not None:
            return self.final, False
        summary = run_summary_of(self.crawler)
        if summary is None:
            return {}, True
        from twisted.internet import reactor  # the installed one, looked up at call time

        return blockingCallFromThread(reactor, summary.summary, "running"), True

    def spider_opened(self, spider: Any) -> None:
        if not self.port:
            return
        registry = CollectorRegistry(auto_describe=False)
        registry.register(SummaryCollector(self._current))
        try:
            self.server, _ = start_http_server(self.port, addr=self.address, registry=registry)
        except OSError as exc:  # port taken, address not local: the crawl goes on without
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("metrics/port_failed")
            logger.error(
                "cannot serve metrics on %s:%d: %s; the crawl goes on without them",
                self.address,
                self.port,
                exc,
            )
            return
        logger.info("metrics served on http://%s:%d/metrics", self.address, self.port)

    def run_summarised(self, summary: dict[str, Any], path: Path | None) -> None:
        self.final = summary
        if self.textfile is None:
            return
        try:
            write_durably(self.textfile, render_metrics(summary))
        except OSError as exc:
            output_failed(self.crawler, "metrics textfile", self.textfile, exc)
            return
        logger.info("metrics written to %s", self.textfile)

    def engine_stopped(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

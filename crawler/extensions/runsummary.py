"""The run summary: a JSON file beside the feed with per-site counts, written when the run ends."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from crawler.delivery import output_failed, state_failed, write_durably
from crawler.distributed.connection import redis_url
from crawler.drops import NotAnArticle, Rejected, Unchanged
from crawler.extensions.rejects import uri_params
from crawler.feedstorage import path_beside_feed
from crawler.health import Alarm, AlarmPolicy, Assessment, alarms_for, baseline
from crawler.outcome import ALARM_SITES_STAT, ALARMS_STAT, crawl_sites, run_failure
from crawler.run import run_context
from crawler.signals import run_summarised
from crawler.state import StateStoreError, store_for
from crawler.state.store import SiteMetrics

logger = logging.getLogger(__name__)

DUPLICATE_REASONS = {"duplicate", "near duplicate"}


def summary_path_for(feed_uri: str) -> Path | None:
    """``out.jsonl`` -> ``out.summary.json``; None for feeds that are not local files."""
    return path_beside_feed(feed_uri, ".summary.json")


class SiteTally:
    """What happened to one site in this run."""

    def __init__(self) -> None:
        self.responses = 0
        self.articles = 0
        self.updates = 0
        self.duplicates = 0
        self.unchanged = 0
        self.rejects: Counter[str] = Counter()
        # Articles the reader recognised (new, updated, unchanged, duplicate) and how many
        # of them had each field: the site's figures for its baseline (crawler.health).
        self.read = 0
        self.fields: Counter[str] = Counter()
        self.text_chars = 0
        self.first: float | None = None
        self.last: float | None = None

    def touch(self) -> None:
        now = time.monotonic()
        self.first = self.first if self.first is not None else now
        self.last = now

    def count_read(self, item: Any) -> None:
        """One article the reader recognised: which fields it has, how long its text is."""
        self.read += 1
        for name in ("title", "authors", "published"):
            if _get(item, name):
                self.fields[name] += 1
        self.text_chars += len(_get(item, "text") or "")

    def metrics(self, site: str, pages_fetched: int, known: int) -> SiteMetrics:
        return SiteMetrics(
            site,
            pages=pages_fetched,
            read=self.read,
            articles=self.articles,
            title=self.fields["title"],
            authors=self.fields["authors"],
            published=self.fields["published"],
            text_chars=self.text_chars,
            known=known,
        )

    def as_dict(self, pages_fetched: int, errors: int) -> dict[str, Any]:
        duration = (self.last - self.first) if self.first is not None and self.last else 0.0
        return {
            "pages_fetched": pages_fetched,
            "responses": self.responses,
            "articles": self.articles,
            "updates": self.updates,
            "duplicates": self.duplicates,
            "unchanged": self.unchanged,
            "rejects": dict(sorted(self.rejects.items())),
            "errors": errors,
            "duration_seconds": round(duration, 3),
            "read": self.read,
            "coverage": {
                name: round(self.fields[name] / self.read, 3) if self.read else None
                for name in ("title", "authors", "published")
            },
            "mean_text_chars": round(self.text_chars / self.read) if self.read else None,
        }


class RunSummary:
    """Counts per site from signals; writes ``<feed>.summary.json`` atomically at the end."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run = run_context(crawler)
        self.sites: defaultdict[str, SiteTally] = defaultdict(SiteTally)
        self.started = time.monotonic()
        # A distributed crawl's judgement over all its workers, set by the worker's
        # crawler.distributed.summary.CrawlSummary before this summary is made; None when
        # this worker did not judge (another was still running).
        self.crawl_assessment: Assessment | None = None
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        if not crawler.settings.getbool("NEWS_RUN_SUMMARY_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    def response_received(self, response: Response, request: Request, spider: Any) -> None:
        site = request.cb_kwargs.get("site_name")
        if site:
            self.sites[site].responses += 1
            self.sites[site].touch()

    def item_scraped(self, item: Any, spider: Any) -> None:
        tally = self.sites[_get(item, "site") or "?"]
        tally.articles += 1
        tally.updates += 1 if item.get("is_update") else 0
        tally.count_read(item)
        tally.touch()

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        site = _get(item, "site") or "?"
        tally = self.sites[site]
        tally.touch()
        if isinstance(exception, NotAnArticle):
            return
        if isinstance(exception, Unchanged):
            tally.unchanged += 1
            tally.count_read(item)
            return
        reason = getattr(exception, "reason", None) or type(exception).__name__
        if isinstance(exception, Rejected) and reason in DUPLICATE_REASONS:
            tally.duplicates += 1
            tally.count_read(item)
        tally.rejects[reason] += 1

    def site_names(self) -> list[str]:
        return [s.name for s in self.run.sites] or sorted(self.sites)

    def site_metrics(self) -> list[SiteMetrics]:
        """This run's figures of every site, as its baseline counts them (crawler.health)."""
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        return [
            self.sites[name].metrics(
                name,
                stats.get(f"pages/fetched/{name}", 0),
                stats.get(f"incremental/skipped_known/{name}", 0),
            )
            for name in self.site_names()
        ]

    def summary(self, reason: str) -> dict[str, Any]:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        run = self.run
        names = self.site_names()
        return {
            "run_id": run.run_id,
            "run_start": run.run_start,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "duration_seconds": round(time.monotonic() - self.started, 3),
            "finish_reason": reason,
            "failure": run_failure({**stats, "finish_reason": reason}, crawl_sites(self.crawler)),
            "requests": stats.get("downloader/request_count", 0),
            # The spider's count, as in the log's "pages: N fetched = ..." line.
            "pages_fetched": stats.get("pages/fetched", 0),
            "incremental": {
                k.split("/", 1)[1]: v
                for k, v in stats.items()
                if k.startswith("incremental/") and k.count("/") == 1  # not per site
            },
            "sites": {
                name: {
                    **self.sites[name].as_dict(
                        stats.get(f"pages/fetched/{name}", 0),
                        stats.get(f"spider/request_failed/{name}", 0),
                    ),
                    # Links to articles an earlier run delivered, found and not fetched.
                    "known": stats.get(f"incremental/skipped_known/{name}", 0),
                }
                for name in names
            },
        }

    def spider_closed(self, spider: Any, reason: str) -> None:
        summary = self.summary(reason)
        self._assess(summary)
        path = self._path()
        if path is not None:
            text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
            try:
                write_durably(path, text.encode("utf-8"))
                logger.info("run summary written to %s", path)
            except OSError as exc:
                output_failed(self.crawler, "run summary", path, exc)
        self.crawler.signals.send_catch_log(run_summarised, summary=summary, path=path)

    def _assess(self, summary: dict[str, Any]) -> None:
        """Each answering site against its baseline in the state store: alarms into the
        summary (and the log, and the stats for the exit status); then this run's figures
        are recorded for later runs, unless the run failed outright."""
        summary["alarms"] = []
        if redis_url(self.crawler.settings):
            self._assess_crawl(summary)
            return
        store = store_for(self.crawler)
        summary["baselines"] = store is not None  # no state store (a one-off run): none
        if store is None:
            return
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        policy = AlarmPolicy.from_settings(self.crawler.settings)
        measured: list[SiteMetrics] = []
        alarms: list[Alarm] = []
        try:
            for name, entry in summary["sites"].items():
                if not stats.get(f"spider/response_ok/{name}"):
                    continue  # a failed site has its own exit status
                known = stats.get(f"incremental/skipped_known/{name}", 0)
                metrics = self.sites[name].metrics(name, entry["pages_fetched"], known)
                base = baseline(store.site_history(name, policy.baseline_runs))
                entry["baseline"] = base.as_dict() if base else None
                alarms.extend(alarms_for(metrics, base, policy))
                measured.append(metrics)
            if summary["finish_reason"] == "finished" and not stats.get("run/output_error"):
                store.record_site_metrics(str(summary["run_id"] or "run"), measured)
        except (StateStoreError, OSError) as exc:
            state_failed(self.crawler, exc)
        self._raise(summary, alarms)

    def _assess_crawl(self, summary: dict[str, Any]) -> None:
        """A worker of a distributed crawl: its share of a site is no run to compare, so only
        the crawl's judgement over all workers counts (crawler.distributed.alarms), made by
        the last worker to finish."""
        verdict = self.crawl_assessment
        summary["baselines"] = verdict is not None and store_for(self.crawler) is not None
        summary["judged"] = verdict is not None  # False: another worker judges the crawl
        if verdict is None:
            return
        for name, entry in summary["sites"].items():
            if name in verdict.baselines:
                base = verdict.baselines[name]
                entry["baseline"] = base.as_dict() if base else None
        self._raise(summary, verdict.alarms)

    def _raise(self, summary: dict[str, Any], alarms: list[Alarm]) -> None:
        """Alarms into the log, the summary and the stats (for the exit status)."""
        assert self.crawler.stats is not None
        for alarm in alarms:
            logger.warning("site alarm: %s", alarm.message)
        summary["alarms"] = [alarm.as_dict() for alarm in alarms]
        if alarms:
            self.crawler.stats.set_value(ALARMS_STAT, len(alarms))
            names = sorted({a.site for a in alarms})
            self.crawler.stats.set_value(ALARM_SITES_STAT, ", ".join(names))

    def _path(self) -> Path | None:
        explicit = self.crawler.settings.get("NEWS_RUN_SUMMARY_FILE")
        if explicit:
            return Path(explicit)
        for uri in self.crawler.settings.getdict("FEEDS"):
            path = summary_path_for(str(uri))
            if path is not None:
                return Path(str(path) % uri_params(self.crawler))
        return None


def _get(item: Any, key: str) -> Any:
    try:
        return item.get(key)
    except AttributeError:
        return None


def run_summary_of(crawler: Crawler) -> RunSummary | None:
    """The crawl's RunSummary extension (None when disabled), for the components that show
    its counts while the run goes on."""
    extensions = crawler.extensions.middlewares if crawler.extensions else ()
    return next((e for e in extensions if isinstance(e, RunSummary)), None)

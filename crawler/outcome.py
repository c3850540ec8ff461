"""Whether a finished run did its job, read from its stats, and the exit status that says so.

The exit statuses of ``scrapy crawl`` (and of ``bin/crawl-cron``, which passes them on) are
defined here and nowhere else; docs/operations.md lists them for operators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler

from crawler.exitcodes import ExitCode
from crawler.spiders.news import NewsSpider

# Finish reasons that mean the run did not do its job.
FAILED_FINISH_REASONS = {
    "shutdown": "stopped by a signal before it finished",
    "closespider_errorcount": "closed after too many errors",
    "memusage_exceeded": "closed at the memory limit",
    "cancelled": "cancelled",
    "redis_unavailable": "Redis stayed unreachable (distributed crawl)",
}


@dataclass(frozen=True)
class Outcome:
    """The run's exit status and, unless it is OK, a one-line reason."""

    code: ExitCode
    reason: str | None = None


def stopped_outcome(stats: dict[str, Any]) -> Outcome | None:
    """The failures every kind of run shares (a crawl, a re-extraction): an output write that
    failed, an early stop, a start-up error; None when there was none of them."""
    error = stats.get("run/output_error")
    if error:
        return Outcome(ExitCode.OUTPUT_FAILED, str(error))
    reason = stats.get("finish_reason")
    if reason == "redis_unavailable":
        return Outcome(ExitCode.REDIS_UNAVAILABLE, FAILED_FINISH_REASONS[reason])
    if reason in FAILED_FINISH_REASONS:
        return Outcome(ExitCode.FAILED, FAILED_FINISH_REASONS[reason])
    if stats.get("run/startup_error"):
        return Outcome(ExitCode.FAILED, str(stats["run/startup_error"]))
    return None


def run_outcome(stats: dict[str, Any], sites: Sequence[str] | None = None) -> Outcome:
    """What the run's stats say about it.

    ``sites``: every site the run was asked to crawl (single-process runs); a site none of
    whose pages, sitemaps or feeds answered failed, whether its requests failed or were
    refused (a start URL redirected to a host not named). Without it (a worker of a
    distributed crawl, which need not touch every site) a site failed when it had failed
    requests and no answer.
    """
    stopped = stopped_outcome(stats)
    if stopped is not None:
        return stopped
    if not stats.get("response_received_count") and not stats.get("redis/crawl_done"):
        return Outcome(ExitCode.FAILED, "no page was fetched")
    failed = sites_that_failed(stats, sites)
    if not failed:
        return Outcome(ExitCode.OK)
    names = ", ".join(failed)
    if sites is not None and len(failed) >= len(set(sites)):
        return Outcome(ExitCode.FAILED, f"no site answered: {names}")
    return Outcome(ExitCode.SITES_FAILED, f"some sites failed, no page of theirs answered: {names}")


# Stats the run summary sets when sites fell far below their baselines (crawler.health).
ALARMS_STAT = "health/alarms"
ALARM_SITES_STAT = "health/alarm_sites"


def exit_outcome(stats: dict[str, Any], sites: Sequence[str] | None = None) -> Outcome:
    """The exit status of the run: ``run_outcome``'s, or SITE_ALARM when the run otherwise
    succeeded but a site fell far below its baseline (every failure takes precedence)."""
    outcome = run_outcome(stats, sites)
    if outcome.code is ExitCode.OK and stats.get(ALARMS_STAT):
        names = stats.get(ALARM_SITES_STAT) or "?"
        return Outcome(ExitCode.SITE_ALARM, f"far below their baseline: {names}")
    return outcome


def crawl_sites(crawler: Crawler) -> list[str] | None:
    """Names of the sites a single-process run was asked to crawl; None for a worker of a
    distributed crawl (it need not touch every site) or a spider without sites."""
    if crawler.settings.get("NEWS_REDIS_URL") or not isinstance(crawler.spider, NewsSpider):
        return None
    return [site.name for site in crawler.spider.sites]


def run_failure(stats: dict[str, Any], sites: Sequence[str] | None = None) -> str | None:
    """A one-line reason the run failed (in full or for some sites), or None."""
    return run_outcome(stats, sites).reason


def sites_that_failed(stats: dict[str, Any], sites: Sequence[str] | None = None) -> list[str]:
    """Sites that had not one answer (robots.txt aside): of ``sites`` when given, else of
    the sites with failed requests."""
    if sites is None:
        prefix = "spider/request_failed/"
        sites = [
            key[len(prefix) :] for key, count in stats.items() if key.startswith(prefix) and count
        ]
    return sorted({name for name in sites if not stats.get(f"spider/response_ok/{name}")})

"""Breakage alarms of a distributed crawl: the run is the sum of its workers (crawler.health).

A worker sees only its share of each site, so no worker judges its own figures. Each worker
stores its per-site figures with its summary in ``<prefix>:workers``. A worker that closes
when no other worker of the crawl is still running (the last to finish; workers that finish
together all judge, alike) adds the figures up over every worker, compares each site with its
baseline in the Redis state store (``<prefix>:state:site-metrics:<site>``), records the run
there (keyed by the crawl's run id, so a second judge overwrites the same entry), and raises
the alarms: WARNING lines, the crawl summary, its own run summary and report, exit status 4.

A worker that stopped renewing its registration (killed) does not hold the judgement up: it
is named under ``lost_workers``, and the run is judged but not recorded (figures are missing).
What is read back from Redis is untrusted (docs/operations-redis.md): a worker record whose
figures are not in the shape written here is left out of the merge, logged and counted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from typing import Any

from crawler.health import Alarm, AlarmPolicy, Assessment, Baseline, alarms_for, baseline
from crawler.state.store import SiteMetrics, StateStore, StateStoreError

logger = logging.getLogger(__name__)

# The figures of a site, in the order SiteMetrics declares them (site aside).
FIGURES = tuple(f.name for f in fields(SiteMetrics) if f.name != "site")
# Bounds on a worker record's figures: more sites, longer names or larger counts than any
# crawl has are not what a worker wrote (sites-file names have no limit of their own).
MAX_SITES = 100_000
MAX_SITE_NAME = 1000
MAX_FIGURE = 10**12


def figures_record(metrics: Iterable[SiteMetrics]) -> dict[str, dict[str, int]]:
    """A worker's per-site figures as stored in its summary record."""
    return {m.site: dict(zip(FIGURES, astuple(m)[1:], strict=True)) for m in metrics}


def checked_figures(site: str, figures: Any) -> SiteMetrics | None:
    """One site's figures as ``figures_record`` writes them, or None (counts out of range,
    more articles with a field than articles read, a field missing or added)."""
    if not isinstance(figures, dict) or set(figures) != set(FIGURES):
        return None
    numbers = [figures[name] for name in FIGURES]
    if not all(
        isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_FIGURE for n in numbers
    ):
        return None
    metrics = SiteMetrics(site, *numbers)
    if max(metrics.title, metrics.authors, metrics.published) > metrics.read:
        return None
    return metrics


def figures_of(value: Any) -> dict[str, SiteMetrics] | None:
    """The per-site figures of a stored worker record; None unless all are in the shape
    ``figures_record`` writes."""
    if not isinstance(value, dict) or len(value) > MAX_SITES:
        return None
    found = {}
    for site, figures in value.items():
        if not isinstance(site, str) or not 0 < len(site) <= MAX_SITE_NAME:
            return None
        metrics = checked_figures(site, figures)
        if metrics is None:
            return None
        found[site] = metrics
    return found


def crawl_figures(records: Iterable[dict[str, Any]]) -> dict[str, SiteMetrics]:
    """Each site's figures summed over the workers' records."""
    total: dict[str, list[int]] = {}
    for record in records:
        for site, metrics in (figures_of(record.get("sites")) or {}).items():
            sums = total.setdefault(site, [0] * len(FIGURES))
            for i, n in enumerate(astuple(metrics)[1:]):
                sums[i] += n
    return {site: SiteMetrics(site, *sums) for site, sums in sorted(total.items())}


def crawl_run_id(records: Iterable[dict[str, Any]]) -> str:
    """The crawl's id in the site histories: the start of its first worker (the same for
    every judge, and for a worker that joins after the judgement)."""
    starts = sorted(r["started"] for r in records if r.get("started"))
    return f"crawl@{starts[0] if starts else 'unknown'}"


@dataclass(frozen=True)
class Judgement:
    """What the last worker found: the assessment, and what the crawl summary says of it."""

    assessment: Assessment
    summary: dict[str, Any]


def judge(
    records: list[dict[str, Any]],
    lost: list[str],
    stats: dict[str, Any],
    store: StateStore | None,
    policy: AlarmPolicy,
) -> Judgement:
    """Judge the crawl whose workers' records are ``records`` (all finished but ``lost``);
    ``stats`` are the workers' stats summed. A site with no answer is not compared (its
    failure has its own exit status)."""
    run_id = crawl_run_id(records)
    finished = [r for r in records if r.get("status", "finished") == "finished"]
    silent = sorted(r["worker"] for r in finished if figures_of(r.get("sites")) is None)
    part: dict[str, Any] = {
        "run_id": run_id,
        "baselines": store is not None,
        "lost_workers": sorted(lost),
        "recorded": False,
        "alarms": [],
        "sites": {},
    }
    if store is None or silent:
        if silent:
            logger.warning(
                "crawl not judged against baselines: no per-site figures from %s",
                ", ".join(silent),
            )
            part["not_judged"] = f"no per-site figures from {', '.join(silent)}"
        return Judgement(Assessment([], {}), part)
    measured = [
        m for site, m in crawl_figures(finished).items() if stats.get(f"spider/response_ok/{site}")
    ]
    alarms: list[Alarm] = []
    baselines: dict[str, Baseline | None] = {}
    try:
        for metrics in measured:
            base = baseline(
                store.site_history(metrics.site, policy.baseline_runs, exclude_run=run_id)
            )
            baselines[metrics.site] = base
            alarms.extend(alarms_for(metrics, base, policy))
        complete = not lost and all(r.get("finish_reason") == "finished" for r in finished)
        if complete and not stats.get("run/output_error"):
            store.record_site_metrics(run_id, measured)
            part["recorded"] = True
    except (StateStoreError, OSError) as exc:
        logger.error("crawl baselines unusable: %s", exc)
        part["baselines_error"] = str(exc)
    part["alarms"] = [a.as_dict() for a in alarms]
    part["sites"] = {
        m.site: {
            **figures_record([m])[m.site],
            "baseline": (known.as_dict() if (known := baselines.get(m.site)) else None),
        }
        for m in measured
    }
    return Judgement(Assessment(alarms, baselines), part)

"""Breakage alarms: a site whose volume or field coverage falls far below its own baseline.

A portal that changes its template rarely fails outright: it answers, and the reader finds
fewer articles, or no byline, or only a teaser. Each run's per-site figures
(``SiteMetrics``) are kept in the state store; the baseline of a site is the median of its
last ``NEWS_BASELINE_RUNS`` recorded runs, and a figure far below it raises an alarm (logged
as WARNING, listed in the run summary and report, exit status ``ExitCode.SITE_ALARM``).

The figures compared: the volume (articles the reader recognised, new, updated, unchanged or
duplicate, plus the links to known articles an incremental run found and left alone, so a
quiet hour with nothing new is not an alarm but a listing that lost its links is), and over
the articles read: the share with a title, authors, a published date, and the mean text
length. No alarm until a site has ``NEWS_ALARM_MIN_RUNS`` recorded runs, and none for a
figure whose baseline is too small to say anything (a site that never has bylines).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from statistics import median
from typing import Any

from scrapy.settings import BaseSettings

from crawler.state.store import SiteMetrics

COVERAGE_FIELDS = ("title", "authors", "published")


@dataclass(frozen=True)
class AlarmPolicy:
    """What "far below the baseline" means (settings NEWS_BASELINE_RUNS, NEWS_ALARM_*)."""

    baseline_runs: int = 10
    min_runs: int = 3
    volume_share: float = 0.2
    min_volume: float = 5
    coverage_share: float = 0.5
    min_coverage: float = 0.3
    text_share: float = 0.5
    min_articles: int = 5

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> AlarmPolicy:
        return cls(
            baseline_runs=settings.getint("NEWS_BASELINE_RUNS"),
            min_runs=settings.getint("NEWS_ALARM_MIN_RUNS"),
            volume_share=settings.getfloat("NEWS_ALARM_VOLUME_SHARE"),
            min_volume=settings.getfloat("NEWS_ALARM_MIN_VOLUME"),
            coverage_share=settings.getfloat("NEWS_ALARM_COVERAGE_SHARE"),
            min_coverage=settings.getfloat("NEWS_ALARM_MIN_COVERAGE"),
            text_share=settings.getfloat("NEWS_ALARM_TEXT_SHARE"),
            min_articles=settings.getint("NEWS_ALARM_MIN_ARTICLES"),
        )


@dataclass(frozen=True)
class Baseline:
    """A site's usual figures: medians over its recorded runs."""

    runs: int
    volume: float
    coverage: dict[str, float]
    text_chars: float  # mean text length of an article

    def as_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "volume": round(self.volume, 1),
            "coverage": {k: round(v, 3) for k, v in self.coverage.items()},
            "text_chars": round(self.text_chars),
        }


@dataclass(frozen=True)
class Alarm:
    """One figure of one site far below its baseline."""

    site: str
    metric: str  # "volume", "coverage:authors", "text_length", ...
    value: float
    baseline: float
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Assessment:
    """A run judged against the baselines: its alarms and each judged site's baseline (a
    distributed crawl's, judged over all its workers, handed to each worker's run summary)."""

    alarms: list[Alarm]
    baselines: dict[str, Baseline | None]


def coverage(metrics: SiteMetrics) -> dict[str, float]:
    """Share of the read articles with each field (0 when none was read)."""
    if not metrics.read:
        return dict.fromkeys(COVERAGE_FIELDS, 0.0)
    return {name: getattr(metrics, name) / metrics.read for name in COVERAGE_FIELDS}


def mean_text(metrics: SiteMetrics) -> float:
    return metrics.text_chars / metrics.read if metrics.read else 0.0


def baseline(history: list[SiteMetrics]) -> Baseline | None:
    """Medians over the recorded runs; coverage and length only over runs that read
    articles (a run with none says nothing about bylines). None without history."""
    if not history:
        return None
    reading = [m for m in history if m.read] or history
    return Baseline(
        runs=len(history),
        volume=median(m.volume for m in history),
        coverage={f: median(coverage(m)[f] for m in reading) for f in COVERAGE_FIELDS},
        text_chars=median(mean_text(m) for m in reading),
    )


def alarms_for(now: SiteMetrics, base: Baseline | None, policy: AlarmPolicy) -> list[Alarm]:
    """The figures of this run far below the site's baseline."""
    if base is None or base.runs < policy.min_runs:
        return []
    found: list[Alarm] = []
    if base.volume >= policy.min_volume and now.volume < base.volume * policy.volume_share:
        found.append(
            Alarm(
                now.site,
                "volume",
                now.volume,
                base.volume,
                f"{now.site}: {now.volume} articles found, baseline {base.volume:g}"
                f" (median of {base.runs} runs)",
            )
        )
    if now.read < policy.min_articles:
        return found  # too few articles for shares to mean anything
    current = coverage(now)
    for name in COVERAGE_FIELDS:
        usual = base.coverage[name]
        if usual >= policy.min_coverage and current[name] < usual * policy.coverage_share:
            found.append(
                Alarm(
                    now.site,
                    f"coverage:{name}",
                    round(current[name], 3),
                    round(usual, 3),
                    f"{now.site}: {name} on {current[name]:.0%} of articles, baseline {usual:.0%}",
                )
            )
    length = mean_text(now)
    if base.text_chars and length < base.text_chars * policy.text_share:
        found.append(
            Alarm(
                now.site,
                "text_length",
                round(length),
                round(base.text_chars),
                f"{now.site}: mean text {length:.0f} characters, baseline {base.text_chars:.0f}",
            )
        )
    return found

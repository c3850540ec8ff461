"""Retention of scheduled runs' files: old runs under the default feed's folder are removed.

A scheduled run writes ``<run_start>.jsonl``, ``.rejects.jsonl`` and ``.summary.json`` (a
distributed worker ``<run_start>-<worker>.jsonl`` and so on) into one folder; at 30-minute
intervals that is 96 files a day. When the run ends, the files of runs older than
``NEWS_OUTPUT_KEEP_DAYS`` days or beyond the newest ``NEWS_OUTPUT_KEEP_RUNS`` runs are
removed (0 turns a limit off). A run's age is read from its name (its start, UTC), not from
file times; the current run, ``.part`` files (recovered by the state store) and files not
named like a run are never touched. A feed named with ``-o``/``-O`` is never pruned, nor
is the folder of a distributed crawl (its workers write their files in place).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.extensions.rejects import uri_params

logger = logging.getLogger(__name__)

RUN_STAMP = "%Y%m%dT%H%M%SZ"
# A run's file: its start stamp, then "." (extension) or "-" (a worker's suffix).
_RUN_FILE = re.compile(r"^(\d{8}T\d{6}Z)[.-]")


def run_files(folder: Path) -> dict[str, list[Path]]:
    """Finished run files in ``folder`` by run start stamp (``.part``/``.tmp`` left out)."""
    runs: defaultdict[str, list[Path]] = defaultdict(list)
    if not folder.is_dir():
        return {}
    for path in folder.iterdir():
        match = _RUN_FILE.match(path.name)
        if match and path.is_file() and not path.name.endswith((".part", ".tmp")):
            runs[match.group(1)].append(path)
    return dict(runs)


def runs_to_prune(
    stamps: list[str], current: str, now: datetime, keep_runs: int, keep_days: float
) -> list[str]:
    """Stamps of the runs to remove: beyond the newest ``keep_runs`` or older than
    ``keep_days`` days (0 = no such limit); never ``current``."""
    older = sorted((s for s in stamps if s != current), reverse=True)
    doomed: set[str] = set()
    if keep_runs > 0:
        doomed.update(older[max(keep_runs - 1, 0) :])  # the current run is one of the kept
    if keep_days > 0:
        cutoff = now - timedelta(days=keep_days)
        for stamp in older:
            try:
                started = datetime.strptime(stamp, RUN_STAMP).replace(tzinfo=UTC)
            except ValueError:
                continue
            if started < cutoff:
                doomed.add(stamp)
    return sorted(doomed)


class RunRetention:
    """Prunes old runs' files from the default feed's folder when the engine stops."""

    def __init__(self, crawler: Crawler, template: str) -> None:
        self.crawler = crawler
        self.template = template
        self.keep_runs = crawler.settings.getint("NEWS_OUTPUT_KEEP_RUNS")
        self.keep_days = crawler.settings.getfloat("NEWS_OUTPUT_KEEP_DAYS")
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRetention:
        template = crawler.settings.get("NEWS_DEFAULT_FEED") or ""
        feeds = crawler.settings.getdict("FEEDS")
        if list(feeds) != [template] or "%(run_start)s" not in template:
            raise NotConfigured  # a feed named on the command line: the user's file
        settings = crawler.settings
        if settings.get("NEWS_REDIS_URL"):
            raise NotConfigured  # workers write their files in place while they run
        no_limit = settings.getint("NEWS_OUTPUT_KEEP_RUNS") <= 0
        if no_limit and settings.getfloat("NEWS_OUTPUT_KEEP_DAYS") <= 0:
            raise NotConfigured
        return cls(crawler, template)

    def engine_stopped(self) -> None:
        params: dict[str, Any] = uri_params(self.crawler)
        current = str(params["run_start"])
        folder = Path(self.template % params).parent
        runs = run_files(folder)
        doomed = runs_to_prune(
            list(runs), current, datetime.now(UTC), self.keep_runs, self.keep_days
        )
        stats = self.crawler.stats
        assert stats is not None
        removed = 0
        for stamp in doomed:
            for path in runs[stamp]:
                try:
                    path.unlink()
                    removed += 1
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    logger.warning("cannot remove the old run file %s: %s", path, exc)
                    stats.inc_value("output/prune_failed")
        if doomed:
            stats.inc_value("output/pruned_runs", len(doomed))
            stats.inc_value("output/pruned_files", removed)
            logger.info("removed %d files of %d old runs from %s", removed, len(doomed), folder)

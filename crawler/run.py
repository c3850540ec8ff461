"""The run context: what the components of one crawl share about the run (id, start, sites).

One ``RunContext`` per crawl, made at the first ``run_context(crawler)`` call and the same
object after. The spider takes it in ``from_crawler`` and fills in the sites (and may move
the start on, see ``NewsSpider._name_run_apart``); pipelines, middlewares, the scheduler and
the extensions read it, never attributes of the spider. A crawl whose spider sets none
(``scrapy fetch``, ``shell``) has an empty one: no sites, started when first asked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from crawler.sites import Site

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class RunContext:
    """The run's start, its id in the state store, and the sites it crawls."""

    started_at: datetime = field(default_factory=_now)
    # Every site of the run: the spider's, and those a distributed worker takes from Redis.
    sites: list[Site] = field(default_factory=list)
    pid: int = field(default_factory=os.getpid)

    @property
    def run_start(self) -> str:
        """Names this run's files (feed, rejects, summary): UTC, sortable, safe in file names."""
        return self.started_at.strftime("%Y%m%dT%H%M%SZ")

    @property
    def run_id(self) -> str:
        """Identifies the run in the state store (two runs may start within one second)."""
        return f"{self.run_start}-{self.pid}"

    def site_for(self, url: str) -> Site | None:
        """The run's site that owns ``url``."""
        return next((s for s in self.sites if s.owns(url)), None)

    def site_named(self, name: str) -> Site | None:
        return next((s for s in self.sites if s.name == name), None)

    def origins(self) -> set[str]:
        """Every origin ("host[:port]") of the run's sites."""
        return {origin for site in self.sites for origin in site.origins}


_RUNS: WeakKeyDictionary[Crawler, RunContext] = WeakKeyDictionary()


def run_context(crawler: Crawler) -> RunContext:
    """The crawl's run context (made at the first call)."""
    run = _RUNS.get(crawler)
    if run is None:
        run = _RUNS[crawler] = RunContext()
    return run

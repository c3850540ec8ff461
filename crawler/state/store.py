"""What the incremental state store must do, independent of where it keeps its data.

A run's articles are *pending* until the run's output file is safely on disk; then one
atomic step marks them seen and records "this run delivers tmp -> final"; only then is the
file renamed into place. A run killed before that step leaves nothing marked seen; a run
killed after it is finished by the next run's ``recover()``. That is how every article is
delivered exactly once across SIGKILLs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime


class StateStoreError(RuntimeError):
    """The store cannot be used for this run (busy, unreadable): the run must not start."""


class StateWriteError(StateStoreError):
    """A write the store could not make (disk full, read-only, I/O error): an output
    failure of the run (crawler.delivery), not a configuration error."""


@dataclass(frozen=True)
class ArticleState:
    """What one emitted article leaves behind for the next runs."""

    key: str  # url_key of the canonical URL
    url: str
    canonical_url: str
    site: str
    fingerprint: str
    simhash: int  # unsigned 64-bit
    fetched_at: str  # ISO 8601 UTC of the fetch that produced the text
    etag: str | None = None
    last_modified: str | None = None
    aliases: tuple[str, ...] = field(default=())  # other url_keys that reach it (fetch URL)


@dataclass(frozen=True)
class KnownArticle:
    """An article a previous run delivered."""

    key: str
    canonical_key: str
    url: str
    fingerprint: str
    simhash: int
    first_seen: str
    last_seen: str  # ISO 8601 UTC of the last fetch
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class SiteMetrics:
    """One site's figures in one run: the baseline a later run is compared with
    (crawler.health). ``read`` counts the articles the reader recognised (new, updated,
    unchanged or duplicate); the field counts are over those. ``known``: links to articles
    an earlier run delivered, found again and not fetched (incremental runs)."""

    site: str
    pages: int = 0
    read: int = 0
    articles: int = 0
    title: int = 0
    authors: int = 0
    published: int = 0
    text_chars: int = 0
    known: int = 0

    @property
    def volume(self) -> int:
        """Articles the run found: read, or known and left alone."""
        return self.read + self.known


@dataclass
class Recovery:
    """What ``recover()`` did with the leftovers of earlier runs."""

    delivered: list[str] = field(default_factory=list)  # committed files renamed into place
    discarded: list[str] = field(default_factory=list)  # temporary files of dead runs removed
    lost: list[str] = field(default_factory=list)  # committed but neither file found


class StateStore(ABC):
    """Incremental state: known articles, runs, and the delivery protocol of their files."""

    @abstractmethod
    def recover(self) -> Recovery:
        """Finish committed deliveries of dead runs, discard the uncommitted ones."""

    @abstractmethod
    def begin_run(self, run_id: str, started_at: datetime) -> None:
        """Record that a run started (its files are not delivered yet)."""

    @abstractmethod
    def finish_run(self, run_id: str, succeeded: bool) -> None:
        """Record the run's outcome; a succeeded run's start is the next default cut-off."""

    @abstractmethod
    def last_successful_start(self) -> datetime | None:
        """Start time of the latest run that succeeded, or None."""

    @abstractmethod
    def seen(self, key: str) -> KnownArticle | None:
        """The delivered article reachable by this url_key, or None."""

    @abstractmethod
    def recent_simhashes(self, limit: int) -> list[tuple[int, str, str]]:
        """(simhash, canonical key, url) of the ``limit`` most recently seen articles."""

    @abstractmethod
    def add_pending(self, run_id: str, article: ArticleState) -> None:
        """An article this run exported; it becomes seen only at ``commit_delivery``."""

    @abstractmethod
    def register_file(self, run_id: str, tmp: str, final: str) -> None:
        """Before ``tmp`` is created: if the run dies uncommitted, recovery removes ``tmp``."""

    @abstractmethod
    def commit_delivery(self, run_id: str, tmp: str, final: str) -> int:
        """In one atomic step: mark the run's pending articles seen and record that ``tmp``
        (already fsynced) becomes ``final``. Returns how many articles were marked."""

    @abstractmethod
    def mark_delivered(self, run_id: str, final: str) -> None:
        """``final`` is in place."""

    def site_history(self, site: str, limit: int, exclude_run: str = "") -> list[SiteMetrics]:
        """The site's figures in its ``limit`` latest recorded runs, newest first, leaving out
        ``exclude_run`` (the run being judged, if already recorded). A store that keeps none
        returns [] (no baseline, so no alarm)."""
        return []

    def record_site_metrics(self, run_id: str, metrics: list[SiteMetrics]) -> None:
        """Keep this run's per-site figures for the baselines of later runs (a store that
        keeps none drops them)."""
        return None

    @abstractmethod
    def close(self) -> None:
        """Release the store (and its lock)."""

"""The SQLite state store: one file, one writer at a time (an exclusive lock file)."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from crawler.state.store import (
    ArticleState,
    KnownArticle,
    Recovery,
    SiteMetrics,
    StateStore,
    StateStoreError,
    StateWriteError,
)

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY,          -- a url_key that reaches the article
    canonical_key TEXT NOT NULL,   -- the article's own key (equal to key for the main row)
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    site TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    simhash INTEGER NOT NULL,      -- signed storage of the unsigned 64-bit hash
    etag TEXT,
    last_modified TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    run_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_last_seen ON articles (last_seen);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    status TEXT NOT NULL,          -- running, committed, succeeded, failed, killed
    finished_at TEXT
);
CREATE TABLE IF NOT EXISTS files (
    run_id TEXT NOT NULL,
    tmp_path TEXT NOT NULL,
    final_path TEXT NOT NULL,
    status TEXT NOT NULL,          -- writing, committed, delivered, discarded, lost
    PRIMARY KEY (run_id, final_path)
);
CREATE TABLE IF NOT EXISTS site_metrics (  -- per-site figures of each run (crawler.health)
    run_id TEXT NOT NULL,
    site TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    pages INTEGER NOT NULL,
    read INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    title INTEGER NOT NULL,
    authors INTEGER NOT NULL,
    published INTEGER NOT NULL,
    text_chars INTEGER NOT NULL,
    known INTEGER NOT NULL,
    PRIMARY KEY (run_id, site)
);
"""
# Apart, so that a site_metrics table of another shape costs the baselines, not the store.
SITE_METRICS_INDEX = (
    "CREATE INDEX IF NOT EXISTS site_metrics_site ON site_metrics (site, recorded_at)"
)

_UPSERT = """
INSERT INTO articles (key, canonical_key, url, canonical_url, site, fingerprint, simhash, etag,
                      last_modified, first_seen, last_seen, run_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET
    canonical_key = excluded.canonical_key, url = excluded.url,
    canonical_url = excluded.canonical_url, site = excluded.site,
    fingerprint = excluded.fingerprint, simhash = excluded.simhash, etag = excluded.etag,
    last_modified = excluded.last_modified, last_seen = excluded.last_seen,
    run_id = excluded.run_id
"""


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# SQLite result codes of a write the system refused (not of a corrupt or busy store).
_WRITE_FAILURES = {
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PERM,
}


@contextmanager
def _writing(what: str, path: Path) -> Iterator[None]:
    """SQLite's errors as the store's: a write the system refused (disk full, read-only, I/O
    error) as StateWriteError, which stops the run as an output failure (crawler.delivery);
    any other (a corrupt file) as StateStoreError."""
    try:
        yield
    except sqlite3.Error as exc:
        code = (exc.sqlite_errorcode or 0) & 0xFF  # primary result code (Python 3.11+)
        error = StateWriteError if code in _WRITE_FAILURES else StateStoreError
        raise error(f"cannot {what} in {path}: {exc}") from exc


def fsync_directory(path: Path) -> None:
    """Make a rename in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SQLiteStateStore(StateStore):
    """State in one SQLite file; ``<path>.lock`` is held (flock) while a run uses it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = self._acquire_lock()
        with _writing("open the store", self.path):
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
        try:
            self._db.execute(SITE_METRICS_INDEX)
        except sqlite3.OperationalError as exc:
            logger.warning("site baselines unusable in %s: %s", self.path, exc)
        self._pending: dict[str, list[ArticleState]] = {}

    def _acquire_lock(self) -> IO[str]:
        lock = self.path.with_name(self.path.name + ".lock").open("a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise StateStoreError(f"the state store {self.path} is in use by another run") from None
        return lock

    # --- runs and recovery -------------------------------------------------------------
    def recover(self) -> Recovery:
        """Safe only while holding the lock: every run recorded as unfinished is dead."""
        with _writing("recover the runs of killed crawls", self.path):
            return self._recover()

    def _recover(self) -> Recovery:
        report = Recovery()
        rows = self._db.execute(
            "SELECT run_id, tmp_path, final_path, status FROM files"
            " WHERE status IN ('writing', 'committed')"
        ).fetchall()
        for run_id, tmp, final, status in rows:
            if status == "committed":
                self._finish_rename(run_id, Path(tmp), Path(final), report)
            else:
                Path(tmp).unlink(missing_ok=True)
                self._set_file(run_id, final, "discarded")
                report.discarded.append(tmp)
        self._db.execute(
            "UPDATE runs SET status = 'killed', finished_at = ? WHERE status = 'running'",
            (_now(),),
        )
        return report

    def _finish_rename(self, run_id: str, tmp: Path, final: Path, report: Recovery) -> None:
        if tmp.exists():
            os.replace(tmp, final)
            fsync_directory(final.parent)
            self._set_file(run_id, str(final), "delivered")
            report.delivered.append(str(final))
        elif final.exists():
            self._set_file(run_id, str(final), "delivered")
        else:
            self._set_file(run_id, str(final), "lost")
            report.lost.append(str(final))

    def begin_run(self, run_id: str, started_at: datetime) -> None:
        with _writing("record the run", self.path):
            self._db.execute(
                "INSERT OR REPLACE INTO runs (run_id, started_at, status) VALUES (?, ?, 'running')",
                (run_id, started_at.astimezone(UTC).isoformat()),
            )

    def finish_run(self, run_id: str, succeeded: bool) -> None:
        with _writing("record the run's outcome", self.path):
            self._db.execute(
                "UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ?",
                ("succeeded" if succeeded else "failed", _now(), run_id),
            )

    def last_successful_start(self) -> datetime | None:
        row = self._db.execute(
            "SELECT MAX(started_at) FROM runs WHERE status = 'succeeded'"
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    # --- articles ----------------------------------------------------------------------
    def seen(self, key: str) -> KnownArticle | None:
        row = self._db.execute(
            "SELECT key, canonical_key, url, fingerprint, simhash, first_seen, last_seen, etag,"
            " last_modified FROM articles WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        return KnownArticle(
            row[0], row[1], row[2], row[3], _unsigned(row[4]), row[5], row[6], row[7], row[8]
        )

    def recent_simhashes(self, limit: int) -> list[tuple[int, str, str]]:
        rows = self._db.execute(
            "SELECT simhash, canonical_key, url FROM articles WHERE key = canonical_key"
            " ORDER BY last_seen DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [(_unsigned(h), k, u) for h, k, u in rows]

    def add_pending(self, run_id: str, article: ArticleState) -> None:
        self._pending.setdefault(run_id, []).append(article)

    # --- delivery ----------------------------------------------------------------------
    def register_file(self, run_id: str, tmp: str, final: str) -> None:
        with _writing("register an output file", self.path):
            self._db.execute(
                "INSERT OR REPLACE INTO files (run_id, tmp_path, final_path, status)"
                " VALUES (?, ?, ?, 'writing')",
                (run_id, tmp, final),
            )

    def commit_delivery(self, run_id: str, tmp: str, final: str) -> int:
        pending = self._pending.pop(run_id, [])
        db = self._db
        try:
            with _writing("mark the run's articles seen", self.path):
                db.execute("BEGIN IMMEDIATE")
                try:
                    for article in pending:
                        self._upsert(run_id, article)
                    self._set_file(run_id, final, "committed")
                    db.execute("UPDATE runs SET status = 'committed' WHERE run_id = ?", (run_id,))
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
        except BaseException:
            self._pending[run_id] = pending
            raise
        return len(pending)

    def _upsert(self, run_id: str, article: ArticleState) -> None:
        now = article.fetched_at
        for key in (article.key, *article.aliases):
            self._db.execute(
                _UPSERT,
                (
                    key,
                    article.key,
                    article.url,
                    article.canonical_url,
                    article.site,
                    article.fingerprint,
                    _signed(article.simhash),
                    article.etag,
                    article.last_modified,
                    now,
                    now,
                    run_id,
                ),
            )

    def mark_delivered(self, run_id: str, final: str) -> None:
        with _writing("record a delivery", self.path):
            self._set_file(run_id, final, "delivered")

    def _set_file(self, run_id: str, final: str, status: str) -> None:
        self._db.execute(
            "UPDATE files SET status = ? WHERE run_id = ? AND final_path = ?",
            (status, run_id, final),
        )

    # --- per-site baselines -------------------------------------------------------------
    def site_history(self, site: str, limit: int, exclude_run: str = "") -> list[SiteMetrics]:
        try:
            rows = self._db.execute(
                "SELECT site, pages, read, articles, title, authors, published, text_chars, known"
                " FROM site_metrics WHERE site = ? AND run_id != ?"
                " ORDER BY recorded_at DESC, rowid DESC LIMIT ?",
                (site, exclude_run, limit),
            ).fetchall()
        except sqlite3.OperationalError as exc:  # a store from before the table: no baseline
            logger.warning("no site baselines in %s: %s", self.path, exc)
            return []
        return [SiteMetrics(*row) for row in rows]

    def record_site_metrics(self, run_id: str, metrics: list[SiteMetrics]) -> None:
        """A refused write (disk full, read-only) is the store's write failure; a table not
        shaped as this code expects (another version's store) only loses the baselines."""
        try:
            with _writing("record the sites' figures", self.path):
                self._record_site_metrics(run_id, metrics)
        except StateStoreError as exc:
            if isinstance(exc, StateWriteError):
                raise
            logger.warning("site baselines not kept: %s", exc)

    def _record_site_metrics(self, run_id: str, metrics: list[SiteMetrics]) -> None:
        now = _now()
        self._db.executemany(
            "INSERT OR REPLACE INTO site_metrics (run_id, site, recorded_at, pages, read,"
            " articles, title, authors, published, text_chars, known)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    run_id,
                    m.site,
                    now,
                    m.pages,
                    m.read,
                    m.articles,
                    m.title,
                    m.authors,
                    m.published,
                    m.text_chars,
                    m.known,
                )
                for m in metrics
            ],
        )

    def close(self) -> None:
        self._db.close()
        self._lock.close()

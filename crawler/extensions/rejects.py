"""The rejects file: every page the pipelines refused, with its URL and reason, beside the feed."""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.delivery import GuardedFile, output_failed, state_failed
from crawler.drops import ArticleLikeListing, NotAnArticle, Unchanged
from crawler.export import json_line
from crawler.feedstorage import path_beside_feed
from crawler.run import run_context
from crawler.signals import request_rejected
from crawler.state import StateStoreError, store_for
from crawler.state.sqlite import fsync_directory

logger = logging.getLogger(__name__)


def rejects_path_for(feed_uri: str) -> Path | None:
    """``out.jsonl`` -> ``out.rejects.jsonl``; None for feeds that are not local files."""
    return path_beside_feed(feed_uri, ".rejects.jsonl")


class RejectsFile:
    """Writes one JSON line per rejected page: url, reason, details, time.

    Like the feed, the file is written as ``<path>.part`` and renamed into place at the end.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = self._path(crawler)
        self._file: GuardedFile | None = None
        self._opened = False
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.request_rejected, signal=request_rejected)
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RejectsFile:
        if not crawler.settings.getbool("NEWS_REJECTS_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    def _path(self, crawler: Crawler) -> Path:
        explicit = crawler.settings.get("NEWS_REJECTS_FILE")
        if explicit:
            return Path(explicit)
        feeds = crawler.settings.getdict("FEEDS")
        for uri in feeds:
            path = rejects_path_for(str(uri))
            if path is not None:
                return Path(str(path) % uri_params(crawler))
        return Path("output") / "rejects.jsonl"

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        if isinstance(exception, Unchanged) or (
            isinstance(exception, NotAnArticle) and not isinstance(exception, ArticleLikeListing)
        ):
            return
        record = {
            "url": getattr(exception, "url", None) or _get(item, "url"),
            "reason": getattr(exception, "reason", None) or str(exception),
            **getattr(exception, "details", {}),
            "at": _now(),
        }
        self.write(record)

    def request_rejected(self, url: str, reason: str, details: dict[str, Any]) -> None:
        """A request that ended without a page (failed download, refused, robots.txt)."""
        self.write({"url": url, "reason": reason, **details, "at": _now()})

    def write(self, record: dict[str, Any]) -> None:
        """Append one record as one unbuffered write: every record written is whole on disk
        (a SIGKILL mid-write can cut only the last line of the ``.part``, never delivered).
        A failed write is counted and stops the run (crawler.delivery)."""
        if not self._opened:
            self._file = self._open()
        if self._file is None:
            self._failed(None)
            return
        self._file.write(json_line(json.dumps(record, ensure_ascii=False, default=str)))
        if self._file.failed is None:
            self.crawler.stats.inc_value("rejects/written")

    def _failed(self, exc: OSError | StateStoreError | None) -> None:
        error = exc or OSError(errno.EIO, "the rejects file could not be opened")
        output_failed(self.crawler, "rejects file", self.path, error)

    @property
    def part(self) -> Path:
        return self.path.with_name(self.path.name + ".part")

    def _open(self) -> GuardedFile | None:
        """The ``.part`` file, or None (counted, run stopped) when it cannot be made."""
        self._opened = True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            store = store_for(self.crawler)
            if store is not None:
                store.register_file(_run_id(self.crawler), str(self.part), str(self.path))
            if self.path.exists():
                shutil.copyfile(self.path, self.part)  # an explicit rejects file is appended to
            return GuardedFile(self.part, append=True, on_failure=self._failed)
        except (OSError, StateStoreError) as exc:
            self._failed(exc)
            return None

    def close(self, spider: Any) -> None:
        """fsync and rename into place: every line in it is whole, even in a run whose
        output failed (nothing in the state depends on this file)."""
        file = self._file
        if file is None:
            return
        try:
            if file.failed is None:
                file.sync()
            file.close()
            os.replace(self.part, self.path)
            fsync_directory(self.path.parent)
        except OSError as exc:
            self._failed(exc)
            self.part.unlink(missing_ok=True)
            return
        store = store_for(self.crawler)
        try:
            if store is not None:
                store.mark_delivered(_run_id(self.crawler), str(self.path))
        except StateStoreError as exc:
            state_failed(self.crawler, exc)
        logger.info("rejects written to %s", self.path)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _run_id(crawler: Crawler) -> str:
    return run_context(crawler).run_id


def _get(item: Any, key: str) -> Any:
    try:
        return item.get(key)
    except AttributeError:
        return None


def uri_params(crawler: Crawler) -> dict[str, str]:
    """The same %(name)s / %(time)s values Scrapy fills into feed URIs."""
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat().replace(":", "-")
    return {
        "name": crawler.spider.name if crawler.spider is not None else "crawl",
        "run_start": run_context(crawler).run_start,
        "time": now,
    }

"""Local feed files that appear only when complete: written as ``<file>.part``, renamed at the end.

With the state store on, the rename follows the delivery protocol of ``crawler.state``:
fsync the part file, commit "articles seen + part -> final" in one step, rename, record it
delivered. A consumer of ``output/`` never sees a partial file, and a SIGKILL at any point
leaves either no trace in the state or a commit the next run completes.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FileFeedStorage

from crawler.state import store_for
from crawler.state.sqlite import fsync_directory

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"


def path_beside_feed(feed_uri: str, suffix: str) -> Path | None:
    """A file named after a local feed: ``out.jsonl`` + ``.rejects.jsonl`` ->
    ``out.rejects.jsonl``; None for feeds that are not local files."""
    if "://" in feed_uri and not feed_uri.startswith("file://"):
        return None
    path = Path(feed_uri.removeprefix("file://"))
    return path.with_name(path.name.split(".")[0] + suffix)


class AtomicFileFeedStorage(FileFeedStorage):
    """FileFeedStorage that writes ``<path>.part`` and renames it into place at the end."""

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.crawler: Crawler | None = None
        self.final = Path(self.path).absolute()
        self.part = self.final.with_name(self.final.name + PART_SUFFIX)

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> AtomicFileFeedStorage:
        storage = cls(uri, feed_options=feed_options)
        storage.crawler = crawler
        return storage

    def _run_id(self) -> str:
        assert self.crawler is not None
        return str(getattr(self.crawler.spider, "run_id", "run"))

    def open(self, spider: Spider) -> IO[bytes]:
        self.final.parent.mkdir(parents=True, exist_ok=True)
        store = store_for(self.crawler) if self.crawler else None
        if store is not None:
            store.register_file(self._run_id(), str(self.part), str(self.final))
        if self.write_mode == "ab" and self.final.exists():
            shutil.copyfile(self.final, self.part)  # -o appends: start from the old file
        return self.part.open(self.write_mode)

    def store(self, file: IO[bytes]) -> None:
        """fsync, commit (articles seen + part -> final), rename, record delivered."""
        file.flush()
        os.fsync(file.fileno())
        file.close()
        stats = self.crawler.stats if self.crawler else None
        if stats is not None and stats.get_value("run/startup_error"):
            self.part.unlink(missing_ok=True)
            return
        self._commit()
        self._rename()
        self._mark_delivered()

    def _commit(self) -> None:
        store = store_for(self.crawler) if self.crawler else None
        if store is not None:
            marked = store.commit_delivery(self._run_id(), str(self.part), str(self.final))
            logger.info("state: %d articles marked seen for %s", marked, self.final)

    def _rename(self) -> None:
        os.replace(self.part, self.final)
        fsync_directory(self.final.parent)

    def _mark_delivered(self) -> None:
        store = store_for(self.crawler) if self.crawler else None
        if store is not None:
            store.mark_delivered(self._run_id(), str(self.final))

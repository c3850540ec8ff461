"""Local feed files that appear only when complete: written as ``<file>.part``, renamed at the end.

With the state store on, the rename follows the delivery protocol of ``crawler.state``:
fsync the part file, commit "articles seen + part -> final" in one step, rename, record it
delivered. A consumer of ``output/`` never sees a partial file, and a SIGKILL at any point
leaves either no trace in the state or a commit the next run completes.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any, cast

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FileFeedStorage

from crawler.delivery import (
    OUTPUT_ERROR,
    GuardedFile,
    output_error,
    output_failed,
    state_failed,
)
from crawler.run import run_context
from crawler.state import StateStoreError, store_for
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


class DeliveryFailed(Exception):
    """The feed file was not delivered: a write of the run's output failed (crawler.delivery)."""


class AtomicFileFeedStorage(FileFeedStorage):
    """FileFeedStorage that writes ``<path>.part`` and renames it into place at the end.

    The part file is a ``GuardedFile``: a failed write stops the run, and a run with a failed
    output write delivers no feed and marks nothing seen (its articles come again next run).
    """

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
        if "%(" not in uri:  # Scrapy's support check builds one from the URI template too
            storage.check_writable()
        return storage

    def check_writable(self) -> None:
        """Fail the run before it crawls when the feed's folder cannot be made or written
        (the file itself is opened at the first article)."""
        assert self.crawler is not None and self.crawler.stats is not None
        folder = self.final.parent
        try:
            if folder.exists() and not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder, prefix=".probe-"):
                pass
        except OSError as exc:
            output_failed(self.crawler, "feed", self.final, exc, stop=False)
            self.crawler.stats.set_value("run/startup_error", output_error(self.crawler))

    def _run_id(self) -> str:
        assert self.crawler is not None
        return run_context(self.crawler).run_id

    def _failed(self, exc: BaseException) -> None:
        if self.crawler is not None:
            output_failed(self.crawler, "feed", self.final, exc)

    def open(self, spider: Spider) -> IO[bytes]:
        try:
            self.final.parent.mkdir(parents=True, exist_ok=True)
            store = store_for(self.crawler) if self.crawler else None
            if store is not None:
                store.register_file(self._run_id(), str(self.part), str(self.final))
            append = self.write_mode == "ab"
            if append and self.final.exists():
                shutil.copyfile(self.final, self.part)  # -o appends: start from the old file
            # A feed with a failed write is never delivered: emptied at once, which frees
            # the space the rejects file and summary need to record the failure.
            file = GuardedFile(
                self.part, append=append, on_failure=self._failed, empty_on_failure=True
            )
            return cast(IO[bytes], file)  # a binary file, to Scrapy's feed exporter
        except (OSError, StateStoreError) as exc:
            self._failed(exc)
            # Items still coming are dropped into the void; nothing is delivered or marked.
            void = GuardedFile(Path(os.devnull), append=True, on_failure=self._failed)
            return cast(IO[bytes], void)

    def store(self, file: IO[bytes]) -> None:
        """fsync, commit (articles seen + part -> final), rename, record delivered; or, when
        any output write of the run failed, remove the part file and deliver nothing."""
        try:
            if isinstance(file, GuardedFile) and file.failed is None and not self._refused():
                file.sync()
            file.close()
        except OSError as exc:
            self._failed(exc)
        if self._refused():
            self._discard()
            return
        try:
            self._commit()
        except (OSError, StateStoreError) as exc:
            if self.crawler is not None:
                state_failed(self.crawler, exc)
            self._discard()
            return
        try:
            self._rename()
        except OSError as exc:
            self._failed(exc)  # committed: the next run's recovery renames it
            raise DeliveryFailed(output_error(self.crawler) if self.crawler else str(exc)) from None
        try:
            self._mark_delivered()
        except (OSError, StateStoreError) as exc:
            if self.crawler is not None:
                state_failed(self.crawler, exc)

    def _refused(self) -> bool:
        """The run must not deliver: it never started, or an output write failed."""
        stats = self.crawler.stats if self.crawler else None
        return stats is not None and bool(
            stats.get_value("run/startup_error") or stats.get_value(OUTPUT_ERROR)
        )

    def _discard(self) -> None:
        self.part.unlink(missing_ok=True)
        error = output_error(self.crawler) if self.crawler else None
        if error:
            logger.error("feed %s not delivered; its articles stay unseen", self.final)
            raise DeliveryFailed(error)

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

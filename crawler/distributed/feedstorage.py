"""Feed files written line by line: an item reported as exported is in the file, even if the
worker is killed the next instant (the distributed crawl acks a page right after that).

Each line is one write into a ``GuardedFile`` (crawler.delivery), fsynced before the write
returns (``NEWS_REDIS_FEED_FSYNC``). A write that fails (disk full, I/O error, quota) is cut
back to the last whole line, counted (``output/write_failed/feed``) and stops the worker
(exit 74); from then on the worker confirms nothing: the article whose line did not land is
not marked seen, its claims stay open and its page's lease goes back to the queue, so another
worker (or the next run) delivers it (crawler.distributed.scheduler).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import IO, Any, cast

from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FileFeedStorage

from crawler.delivery import GuardedFile, output_failed

logger = logging.getLogger(__name__)

# How far back from the end a cut last line is looked for (a line is one article).
_TAIL_SCAN = 1 << 20


def drop_cut_tail(path: Path) -> int:
    """Truncate ``path`` after its last newline; the number of bytes dropped.

    A worker killed in the middle of a write leaves the line it was writing cut short (Linux
    stops a write to a file at a page boundary on SIGKILL). That article was never acked, so
    another worker delivers it; appending after the cut would glue the next line onto it.
    """
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("r+b") as handle:
        start = max(0, size - _TAIL_SCAN)
        handle.seek(start)
        tail = handle.read()
        if tail.endswith(b"\n"):
            return 0
        newline = tail.rfind(b"\n")
        if newline < 0 and start > 0:  # a line longer than the scan: left for a human
            return 0
        keep = start + newline + 1
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
    return size - keep


class UnbufferedFileFeedStorage(FileFeedStorage):
    """Scrapy's local file storage without the write buffer: each JSON line is one write().
    Appending to a file a killed worker left, the cut line it was writing is dropped first.
    A failed write stops the worker (see the module docstring)."""

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.crawler: Crawler | None = None
        self.sync_each_write = True

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> UnbufferedFileFeedStorage:
        storage = cls(uri, feed_options=feed_options)
        storage.crawler = crawler
        storage.sync_each_write = crawler.settings.getbool("NEWS_REDIS_FEED_FSYNC", True)
        return storage

    def _failed(self, exc: OSError) -> None:
        if self.crawler is not None:
            output_failed(self.crawler, "feed", Path(self.path).absolute(), exc)

    def open(self, spider: Any) -> IO[bytes]:
        path = Path(self.path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if self.write_mode == "ab" and path.exists():
                dropped = drop_cut_tail(path)
                if dropped:
                    logger.warning(
                        "%s ended with a cut line (%d bytes) from a killed run; dropped it",
                        path,
                        dropped,
                    )
            file = GuardedFile(
                path,
                append=self.write_mode == "ab",
                on_failure=self._failed,
                sync_each_write=self.sync_each_write,
            )
            return cast(IO[bytes], file)  # a binary file, to Scrapy's feed exporter
        except OSError as exc:
            self._failed(exc)
            # Every item is then reported as not written: none is confirmed in Redis.
            void = GuardedFile(Path(os.devnull), append=True, on_failure=self._failed)
            void.fail(exc)
            return cast(IO[bytes], void)

    def store(self, file: IO[bytes]) -> None:
        try:
            file.close()
        except OSError as exc:
            self._failed(exc)

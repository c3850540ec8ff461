"""Writes of the run's output whose failure must stop the run, never pass in silence.

Every file the run delivers (feed, rejects, summary, stats) and every write to the state
store goes through here when it fails: the failure is counted (``output/write_failed`` and
``output/write_failed/<what>``), the first one is logged as one ERROR line and kept in
``run/output_error``, and the run is closed (finish reason ``output_failed``). The feed
storage then delivers nothing and marks nothing seen (crawler.feedstorage), so the next run
fetches and delivers every article this one could not; the exit status is
``ExitCode.OUTPUT_FAILED`` (crawler.outcome).

``GuardedFile`` is the file the feed and rejects writers write into: a record is written
whole or the file is cut back to its last whole record, and a failed write is reported here
instead of raising into a signal handler (where Scrapy would log and forget it).
"""

from __future__ import annotations

import errno
import io
import logging
import os
from collections.abc import Callable
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)

OUTPUT_ERROR = "run/output_error"
OUTPUT_FAILED_REASON = "output_failed"


def describe(exc: BaseException) -> str:
    """``No space left on device (ENOSPC)`` for an OSError; the message otherwise."""
    if isinstance(exc, OSError) and exc.errno is not None:
        name = errno.errorcode.get(exc.errno, str(exc.errno))
        return f"{exc.strerror or os.strerror(exc.errno)} ({name})"
    return str(exc) or type(exc).__name__


def output_failed(
    crawler: Crawler, what: str, path: object, exc: BaseException, *, stop: bool = True
) -> None:
    """A write of the run's output failed: count it, report the first one, stop the run
    (``stop=False`` while the spider is still opening: it then makes no request)."""
    stats = crawler.stats
    assert stats is not None
    stats.inc_value("output/write_failed")
    stats.inc_value(f"output/write_failed/{what}")
    if stats.get_value(OUTPUT_ERROR):
        logger.debug("another failed write of the %s %s: %s", what, path, describe(exc))
        return
    where = f" {path}" if path else ""
    message = f"cannot write the {what}{where}: {describe(exc)}"
    stats.set_value(OUTPUT_ERROR, message)
    logger.error("%s; stopping the run", message)
    if stop:
        stop_run(crawler)


def state_failed(crawler: Crawler, exc: BaseException, *, stop: bool = True) -> None:
    """A write of the state store failed (its error names the store)."""
    output_failed(crawler, "state store", "", exc, stop=stop)


def feed_failed(crawler: Crawler) -> bool:
    """A write of a feed failed in this run: the line being written then, and every later
    one, did not land (``GuardedFile`` drops them). In Redis mode an article is confirmed
    (marked seen, its claims final, its page's lease released) only while this is False."""
    assert crawler.stats is not None
    return bool(crawler.stats.get_value("output/write_failed/feed"))


def output_error(crawler: Crawler) -> str | None:
    """The run's first failed output write, or None."""
    assert crawler.stats is not None
    error = crawler.stats.get_value(OUTPUT_ERROR)
    return str(error) if error else None


def stop_run(crawler: Crawler) -> None:
    """Close the spider (reason ``output_failed``) unless it is not open or already closing."""
    engine = crawler.engine
    if engine is None or engine.spider is None or not engine.running:
        return
    deferred_from_coro(engine.close_spider_async(reason=OUTPUT_FAILED_REASON))


def write_durably(path: Path, data: bytes, *, tmp_suffix: str = ".tmp") -> None:
    """Write a small file whole or not at all: ``<path><tmp_suffix>``, fsync, rename, fsync
    the folder. Raises OSError (the temporary file removed) when any step fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + tmp_suffix)
    try:
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class GuardedFile(io.RawIOBase):
    """An append-only file whose content always ends with a whole record.

    ``write`` writes all its bytes (looping over short writes) or, when the system refuses
    (disk full, I/O error, quota), cuts the file back to where that write began (or, with
    ``empty_on_failure``, to nothing, freeing the space at once for a file that will not be
    delivered), calls ``on_failure`` and from then on drops every write (each one counted by
    ``on_failure``). ``failed`` tells the owner what happened. With ``sync_each_write``
    every record is fsynced before ``write`` returns (a failed fsync is a failed write): a
    record written is durable (the Redis mode confirms an article right after its line).
    """

    def __init__(
        self,
        path: Path,
        *,
        append: bool,
        on_failure: Callable[[OSError], None],
        empty_on_failure: bool = False,
        sync_each_write: bool = False,
    ) -> None:
        super().__init__()
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
        self.path = path
        self._fd = os.open(path, flags, 0o666)  # not inherited (PEP 446)
        self._good = os.lseek(self._fd, 0, os.SEEK_END)
        self._on_failure = on_failure
        self._empty_on_failure = empty_on_failure
        self._sync_each_write = sync_each_write
        self.failed: OSError | None = None

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(data).cast("B")
        if self.failed is not None:
            self._on_failure(self.failed)
            return len(view)
        done = 0
        try:
            while done < len(view):
                done += os.write(self._fd, view[done:])
            if self._sync_each_write:
                os.fsync(self._fd)
        except OSError as exc:
            self.failed = exc
            self._cut_back()
            self._on_failure(exc)
            return len(view)
        self._good += done
        return done

    def _cut_back(self) -> None:
        """Drop the part of the failed record that reached the file (truncating needs no
        free space)."""
        if self._empty_on_failure:
            self._good = 0
        try:
            os.ftruncate(self._fd, self._good)
        except OSError as exc:
            logger.error("cannot cut %s back to its last whole record: %s", self.path, exc)

    def fail(self, exc: OSError) -> None:
        """Mark the file failed without writing (it could not be opened): every write is
        then dropped and reported."""
        self.failed = exc

    def sync(self) -> None:
        """fsync: raises OSError when the data cannot be made durable."""
        os.fsync(self._fd)

    def close(self) -> None:
        if not self.closed:
            try:
                os.close(self._fd)
            finally:
                super().close()

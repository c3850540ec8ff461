"""Worker processes that read pages off the reactor thread, each page under a time limit.

Built on pebble's ProcessPool: a page that overruns its time limit has its worker killed and
replaced, so one pathological page never stalls the crawl.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from pebble import ProcessExpired, ProcessPool

from pipelines.cleaning.normalise import normalise_text
from pipelines.extraction import PageReading, ReadOptions, read_page
from pipelines.extraction.text import text_fingerprint, word_count
from pipelines.similarity.simhash import simhash

# The reader: read_page or a function with its signature, named by NEWS_PAGE_READER.
Reader = Callable[[str, str, ReadOptions], PageReading]

logger = logging.getLogger(__name__)

# A worker is replaced after this many pages, which also resets trafilatura's caches.
TASKS_PER_WORKER = 500


def _warm_up(reader: Reader) -> None:
    """Import and exercise the reader once so the first real page pays no start-up cost."""
    reader("<html><body><p>warm up</p></body></html>", "http://localhost/", ReadOptions())


def worker_context() -> multiprocessing.context.BaseContext:
    """Workers fork from a server process that has already imported and warmed the reader.

    A fresh interpreter per worker ("spawn") costs about a second of CPU to import lxml and
    trafilatura, paid again every TASKS_PER_WORKER pages; a fork of the preloaded, warmed
    server (pipelines.extraction.warmup) costs milliseconds. The server is single-threaded,
    so forking it is safe (unlike forking the reactor's process). Falls back to spawn where
    forkserver does not exist.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipelines.extraction", "pipelines.extraction.warmup"])
    return context


def read_and_hash(reader: Reader, html: str, url: str, options: ReadOptions) -> PageReading:
    """The worker's task: read the page, and hash an article's text for the dedupe stage
    here, off the reactor thread (the dedupe stage falls back to hashing it itself).

    An article's text leaves normalised, with its word count and fingerprint: read_page
    makes it so, and another reader's text is made so here. The cleaning stage then redoes
    them only when it strips template lines.
    """
    reading = reader(html, url, options)
    fields = reading.fields
    if reading.kind == "article" and fields.get("text"):
        if reader is not read_page:
            fields["text"] = normalise_text(fields["text"])
            fields["word_count"] = word_count(fields["text"])
            fields["fingerprint"] = text_fingerprint(fields["text"])
        reading.simhash = simhash(fields["text"])
    return reading


def pool_size(configured: int) -> int:
    return configured if configured > 0 else max(1, os.cpu_count() or 1)


class ReaderPool:
    """Reads pages in worker processes; ``read`` is awaitable from the reactor thread."""

    def __init__(self, reader: Reader, workers: int, timeout: float) -> None:
        self.reader = reader
        self.workers = pool_size(workers)
        self.timeout = timeout
        self._pool = ProcessPool(
            max_workers=self.workers,
            max_tasks=TASKS_PER_WORKER,
            initializer=_warm_up,
            initargs=(reader,),
            context=worker_context(),
        )

    async def read(self, html: str, url: str, options: ReadOptions) -> PageReading:
        """The page's reading, or a reject reading on timeout or a crashed worker."""
        future = self._pool.schedule(
            read_and_hash, args=(self.reader, html, url, options), timeout=self.timeout
        )
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout:
            return PageReading(url, "reject", "extraction timeout")
        except ProcessExpired as exc:
            logger.warning("extraction worker died on %s: %s", url, exc)
            return PageReading(url, "reject", f"extraction worker died: {exc}")
        except Exception as exc:  # noqa: BLE001 - the boundary: a page never stops the crawl
            logger.exception("extraction failed on %s", url)
            return PageReading(url, "reject", f"extraction error: {type(exc).__name__}")

    def close(self) -> None:
        self._pool.stop()
        self._pool.join(timeout=10)

    def __getstate__(self) -> Any:  # pragma: no cover - the pool never crosses processes
        raise TypeError("ReaderPool cannot be pickled")

"""Worker processes that read pages off the reactor thread, each page under a time limit.

Built on pebble's ProcessPool: a page that overruns its time limit has its worker killed and
replaced, so one pathological page never stalls the crawl.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from pebble import ProcessExpired, ProcessPool
from trafilatura.meta import reset_caches

from crawler.decoding import decode_html
from pipelines.cleaning.normalise import normalise_text
from pipelines.extraction import PageReading, ReadOptions, read_page
from pipelines.extraction.text import text_fingerprint, word_count
from pipelines.similarity.simhash import simhash
from pipelines.workerserver import worker_context

# The reader: read_page or a function with its signature, named by NEWS_PAGE_READER.
Reader = Callable[[str, str, ReadOptions], PageReading]

logger = logging.getLogger(__name__)

# trafilatura's caches (htmldate, courlan, its own LRUs) are reset in the worker after this many
# pages: they grow with the variety of pages read. A reset costs a few milliseconds.
CACHE_RESET_PAGES = 500
# A worker is replaced after this many pages, against slow growth nothing else bounds. Rare:
# while a worker is replaced its core idles (the pool notices the exit within a few tenths of
# a second), so replacing every CACHE_RESET_PAGES would cost the crawl several per cent.
TASKS_PER_WORKER = 2_000


def _warm_up(reader: Reader) -> None:
    """Import and exercise the reader once so the first real page pays no start-up cost.
    Needed only where the fork server has not warmed it: another reader, or spawned workers."""
    reader("<html><body><p>warm up</p></body></html>", "http://localhost/", ReadOptions())


def decode_and_read(
    reader: Reader, body: bytes, charset: str | None, url: str, options: ReadOptions
) -> PageReading:
    """The worker's task: decode the page's bytes (crawler.decoding: charset evidence,
    detection, mojibake checks), then read it. Bytes cross the process boundary as they are,
    and charset detection, which can take tens of milliseconds, stays off the reactor."""
    decoded = decode_html(body, charset)
    if decoded.text is None:
        reading = PageReading(url, "reject", decoded.reject or "undecodable text")
        reading.details = {"detail": decoded.detail} if decoded.detail else {}
        return reading
    if len(decoded.text) > options.max_chars:
        reading = PageReading(url, "reject", "too large")
        reading.details = {"characters": len(decoded.text)}
        return reading
    reading = read_and_hash(reader, decoded.text, url, options)
    reading.decoding = decoded.how
    return reading


def read_and_hash(reader: Reader, html: str, url: str, options: ReadOptions) -> PageReading:
    """Read the decoded page, and hash an article's text for the dedupe stage here, off the
    reactor thread (the dedupe stage falls back to hashing it itself).

    An article's text leaves normalised, with its word count and fingerprint: read_page
    makes it so, and another reader's text is made so here. The cleaning stage then redoes
    them only when it strips template lines.
    """
    reading = reader(html, url, options)
    _reset_caches_on_schedule()
    if options.link_prefixes and reading.links:
        _keep_site_links(reading, options.link_prefixes)
    fields = reading.fields
    if reading.kind == "article" and fields.get("text"):
        if reader is not read_page:
            fields["text"] = normalise_text(fields["text"])
            fields["word_count"] = word_count(fields["text"])
            fields["fingerprint"] = text_fingerprint(fields["text"])
        reading.simhash = simhash(fields["text"])
    return reading


def _keep_site_links(reading: PageReading, prefixes: tuple[str, ...]) -> None:
    """Most links of a news page lead off the site: dropping them here, in C-level prefix
    tests, spares the reactor thread their transfer and handling; they are only counted."""
    links = reading.links
    on_site = [u for u in links if u.startswith(prefixes)]
    absolute = sum(1 for u in links if u.startswith(("http://", "https://")))
    reading.links = on_site
    reading.offsite_links = absolute - len(on_site)


# Pages this worker process has read (each worker has its own count).
_PAGES_READ = itertools.count(1)


def _reset_caches_on_schedule() -> None:
    if next(_PAGES_READ) % CACHE_RESET_PAGES == 0:
        reset_caches()


def pool_size(configured: int) -> int:
    return configured if configured > 0 else max(1, os.cpu_count() or 1)


class ReaderPool:
    """Reads pages in worker processes; ``read`` is awaitable from the reactor thread."""

    def __init__(self, reader: Reader, workers: int, timeout: float) -> None:
        self.reader = reader
        self.workers = pool_size(workers)
        self.timeout = timeout
        context = worker_context()
        warmed = reader is read_page and context.get_start_method() == "forkserver"
        self._pool = ProcessPool(
            max_workers=self.workers,
            max_tasks=TASKS_PER_WORKER,
            initializer=None if warmed else _warm_up,
            initargs=() if warmed else (reader,),
            context=context,
        )

    async def read(
        self, body: bytes, charset: str | None, url: str, options: ReadOptions
    ) -> PageReading:
        """The page's reading, or a reject reading on timeout or a crashed worker."""
        future = self._pool.schedule(
            decode_and_read, args=(self.reader, body, charset, url, options), timeout=self.timeout
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

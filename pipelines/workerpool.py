"""Worker processes that read pages off the reactor thread, each page under a time limit.

The event loop feeds the workers itself: each worker has its own pipe, the loop writes a page
to an idle worker and watches the pipe for the reading. No helper threads, so the reactor
thread never hands the GIL to a pool thread (with pebble's feeder and result threads that
cost about a millisecond of the reactor process's CPU a page, an eighth of its work). A page
that overruns its time limit has its worker killed and replaced, so one pathological page
never stalls the crawl; a worker that dies is replaced and its page rejected.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import signal
import traceback
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

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
# Workers dying one after another before they are ready (a reader that fails to import or
# warm up): after this many the pool stops starting them and rejects every page.
START_FAILURES = 3


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


class _Worker:
    """One worker process, the loop's end of its pipe, and the page it is reading."""

    def __init__(self, process: Any, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.ready = False  # until the worker says it has started (warm-up done)
        self.pages = 0
        self.task: _Task | None = None
        self.timer: asyncio.TimerHandle | None = None


class _Task:
    __slots__ = ("args", "future", "url")

    def __init__(self, args: tuple[Any, ...], future: asyncio.Future[PageReading]) -> None:
        self.args = args
        self.future = future
        self.url: str = args[2]


def serve_pages(conn: Connection, reader: Reader, warm: bool) -> None:
    """A worker's life: say it is ready, then read each page sent until the pipe closes.

    SIGINT is left to the crawl's process, which stops the crawl gracefully: a Ctrl-C in the
    terminal reaches the whole process group, and must not kill the pages being read.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if warm:
        _warm_up(reader)
    conn.send(("ready",))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            answer: tuple[Any, ...] = ("read", decode_and_read(reader, *task))
            conn.send(answer)
        except Exception as exc:  # noqa: BLE001 - reported to the loop, which rejects the page
            conn.send(("error", type(exc).__name__, traceback.format_exc()))


class ReaderPool:
    """Reads pages in worker processes; ``read`` is awaitable from the reactor thread.

    Workers start on the first ``read`` (the event loop must be running). A task goes to an
    idle worker in one blocking ``send``: the worker is waiting in ``recv`` and drains the
    pipe as it is written, so the loop waits only for the copy.
    """

    def __init__(self, reader: Reader, workers: int, timeout: float) -> None:
        self.reader = reader
        self.workers = pool_size(workers)
        self.timeout = timeout
        self.context = worker_context()
        # The fork server has imported and warmed read_page already; anything else warms up
        # in each worker before it says it is ready.
        self.warm = not (reader is read_page and self.context.get_start_method() == "forkserver")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._workers: list[_Worker] = []
        self._idle: deque[_Worker] = deque()
        self._pending: deque[_Task] = deque()
        self._closed = False
        # Workers that died before saying they were ready, in a row; at START_FAILURES the
        # pool gives up (a reader that cannot start would be restarted forever).
        self._failed_starts = 0
        self._broken: str | None = None

    async def read(
        self, body: bytes, charset: str | None, url: str, options: ReadOptions
    ) -> PageReading:
        """The page's reading, or a reject reading on timeout, a dead worker or an error."""
        if self._closed or self._broken:
            return PageReading(url, "reject", self._broken or "extraction pool closed")
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            for _ in range(self.workers):
                self._start_worker()
        future: asyncio.Future[PageReading] = self._loop.create_future()
        self._pending.append(_Task((body, charset, url, options), future))
        self._dispatch()
        return await future

    # --- workers -------------------------------------------------------------------------

    def _start_worker(self) -> None:
        assert self._loop is not None
        ours, theirs = self.context.Pipe()
        process = self.context.Process(
            target=serve_pages, args=(theirs, self.reader, self.warm), daemon=True
        )
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self._workers.append(worker)
        self._loop.add_reader(ours.fileno(), self._readable, worker)

    def _retire(self, worker: _Worker, kill: bool) -> None:
        """Stop watching the worker and let it go (asked to exit, or killed)."""
        assert self._loop is not None
        self._loop.remove_reader(worker.conn.fileno())
        if worker.timer is not None:
            worker.timer.cancel()
            worker.timer = None
        if kill:
            worker.process.kill()
        else:
            with contextlib.suppress(OSError):  # already gone: nothing to ask
                worker.conn.send(None)
        worker.conn.close()
        self._workers.remove(worker)
        if worker in self._idle:
            self._idle.remove(worker)

    def _replace(self, worker: _Worker, kill: bool) -> None:
        self._retire(worker, kill)
        if not self._closed:
            self._start_worker()

    # --- tasks ---------------------------------------------------------------------------

    def _dispatch(self) -> None:
        assert self._loop is not None
        while self._idle and self._pending:
            task = self._pending.popleft()
            if task.future.done():  # its reader gave up (the crawl is closing)
                continue
            worker = self._idle.popleft()
            try:
                worker.conn.send(task.args)
            except OSError:  # the worker died while idle: its pipe says so next
                self._pending.appendleft(task)
                self._replace(worker, kill=True)
                continue
            worker.task = task
            if self.timeout > 0:
                worker.timer = self._loop.call_later(self.timeout, self._overran, worker)

    def _readable(self, worker: _Worker) -> None:
        try:
            answer = worker.conn.recv()
        except (EOFError, OSError):
            self._died(worker)
            return
        if answer[0] == "ready":
            worker.ready = True
            self._failed_starts = 0
        else:
            self._finish(worker, self._reading(worker, answer))
            worker.pages += 1
            if worker.pages >= TASKS_PER_WORKER:
                self._replace(worker, kill=False)
                self._dispatch()
                return
        self._idle.append(worker)
        self._dispatch()

    def _reading(self, worker: _Worker, answer: tuple[Any, ...]) -> PageReading:
        assert worker.task is not None
        if answer[0] == "read":
            return answer[1]
        _, name, trace = answer
        logger.error("extraction failed on %s\n%s", worker.task.url, trace.rstrip())
        return PageReading(worker.task.url, "reject", f"extraction error: {name}")

    def _finish(self, worker: _Worker, reading: PageReading) -> None:
        task, worker.task = worker.task, None
        if worker.timer is not None:
            worker.timer.cancel()
            worker.timer = None
        if task is not None and not task.future.done():
            task.future.set_result(reading)

    def _overran(self, worker: _Worker) -> None:
        """The page took longer than the time limit: reject it, kill and replace its worker."""
        worker.timer = None
        if worker.task is not None:
            self._finish(worker, PageReading(worker.task.url, "reject", "extraction timeout"))
        self._replace(worker, kill=True)
        self._dispatch()

    def _died(self, worker: _Worker) -> None:
        """The worker's pipe closed: it died (killed, crashed, out of memory)."""
        worker.process.join(1)  # its exit code follows the closed pipe within milliseconds
        code = worker.process.exitcode
        cause = f"exit code {code}" if code is not None else "pipe closed"
        if worker.task is not None:
            logger.warning("extraction worker died on %s: %s", worker.task.url, cause)
            self._finish(
                worker,
                PageReading(worker.task.url, "reject", f"extraction worker died: {cause}"),
            )
        else:
            logger.warning("idle extraction worker died: %s", cause)
        if not worker.ready:
            self._failed_starts += 1
        if self._broken or self._failed_starts >= START_FAILURES:
            self._give_up(worker, cause)
            return
        self._replace(worker, kill=False)
        self._dispatch()

    def _give_up(self, worker: _Worker, cause: str) -> None:
        if self._broken is None:
            self._broken = f"extraction workers cannot start: {cause}"
            logger.error("%s; every page is rejected with that reason", self._broken)
        self._retire(worker, kill=False)
        for task in self._pending:
            if not task.future.done():
                task.future.set_result(PageReading(task.url, "reject", self._broken))
        self._pending.clear()

    def close(self) -> None:
        """Answer every page still waiting, kill the workers reading one, ask the others to
        exit and wait for them a while (then kill them too)."""
        self._closed = True
        for task in self._pending:
            if not task.future.done():
                task.future.set_result(PageReading(task.url, "reject", "extraction pool closed"))
        self._pending.clear()
        workers = list(self._workers)
        for worker in workers:
            busy = worker.task is not None
            if busy:  # its page is answered now; nothing would read the rest of it
                self._finish(
                    worker, PageReading(worker.task.url, "reject", "extraction pool closed")
                )
            self._retire(worker, kill=busy)
        for worker in workers:
            worker.process.join(timeout=5 / max(1, len(workers)))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(1)

    def __getstate__(self) -> Any:  # pragma: no cover - the pool never crosses processes
        raise TypeError("ReaderPool cannot be pickled")

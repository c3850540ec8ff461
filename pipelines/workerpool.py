"""Worker processes that read pages off the reactor thread, each page under a time limit.

The event loop feeds the workers itself: each worker has a pipe for pages and one for
readings, the loop writes pages without blocking and watches the reading pipes. No helper
threads, so the reactor thread never hands the GIL to a pool thread (pebble's feeder and
result threads cost the reactor process about 1.4 ms of CPU a page, a sixth of its work).
Each worker has its next page waiting in its pipe while it reads one, so it never waits for
the reactor between pages. A page that overruns its time limit has its worker killed and
replaced, so one pathological page never stalls the crawl; a worker that dies is replaced
and its page rejected. Pages queued behind either go to another worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import itertools
import logging
import os
import signal
import struct
import traceback
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any

from trafilatura.meta import reset_caches

from crawler.decoding import decode_html
from crawler.workerserver import worker_context
from reader import PageReading, ReadOptions, read_page
from reader.normalise import normalise_text
from reader.simhash import simhash
from reader.text import text_fingerprint, word_count

# The reader: read_page or a function with its signature, named by NEWS_PAGE_READER.
Reader = Callable[[str, str, ReadOptions], PageReading]

logger = logging.getLogger(__name__)

# trafilatura's caches (htmldate, courlan, its own LRUs) are reset in the worker after this many
# pages: they grow with the variety of pages read. A reset costs a few milliseconds.
CACHE_RESET_PAGES = 500
# A worker is replaced after this many pages, against slow growth nothing else bounds. Its
# replacement starts as it exits (not before: two workers' memory at once would be the crawl's
# peak); forked from the warm fork server, it is ready within milliseconds.
TASKS_PER_WORKER = 2_000
# Workers dying one after another before they are ready (a reader that fails to import or
# warm up): after this many the pool stops starting them and rejects every page.
START_FAILURES = 3
# Pages a worker holds at once: the one it reads and the next, waiting in its pipe.
PAGES_IN_FLIGHT = 2
# A page pipe's capacity (Linux; 64 KiB otherwise): most pages are then one write.
PIPE_BYTES = 1 << 20


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
    if options.max_links and len(reading.links) > options.max_links:
        # A flood of links is cut here, before it crosses to the reactor thread.
        reading.links_cut += len(reading.links) - options.max_links
        del reading.links[options.max_links :]
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


class _Task:
    __slots__ = ("args", "future", "url")

    def __init__(self, args: tuple[Any, ...], future: asyncio.Future[PageReading]) -> None:
        self.args = args
        self.future = future
        self.url: str = args[2]


class _Worker:
    """One worker process, the loop's ends of its two pipes, and the pages it holds."""

    def __init__(self, process: Any, pages: Connection, readings: Connection) -> None:
        self.process = process
        self.pages = pages  # the loop writes pages here, without blocking
        self.readings = readings  # and reads each reading whole when the pipe is readable
        self.ready = False  # until the worker says it has started (warm-up done)
        self.sent = 0  # pages sent over its life
        self.retiring = False  # asked to exit after the pages it holds
        self.held: deque[_Task] = deque()  # in order: the one being read first
        self.unsent = bytearray()
        self.timer: asyncio.TimerHandle | None = None


def _reading_url(worker: _Worker) -> str:
    """The URL of the page the worker is reading ("?" if none)."""
    return worker.held[0].url if worker.held else "?"


def _frame(message: Any) -> bytes:
    """``message`` as multiprocessing's Connection.send writes it (the worker's recv reads it)."""
    payload = ForkingPickler.dumps(message)
    return struct.pack("!i", len(payload)) + payload


def serve_pages(pages: Connection, readings: Connection, reader: Reader, warm: bool) -> None:
    """A worker's life: say it is ready, then read each page sent until told to stop.

    SIGINT is left to the crawl's process, which stops the crawl gracefully: a Ctrl-C in the
    terminal reaches the whole process group, and must not kill the pages being read.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if warm:
            _warm_up(reader)
        readings.send(("ready",))
        while True:
            try:
                task = pages.recv()
            except (EOFError, OSError):
                return
            if task is None:
                return
            try:
                readings.send(("read", decode_and_read(reader, *task)))
            except BrokenPipeError:
                raise
            except Exception as exc:  # noqa: BLE001 - the loop rejects the page with this
                readings.send(("error", type(exc).__name__, traceback.format_exc()))
    except BrokenPipeError:  # the pool was closed: nobody is listening
        return


class ReaderPool:
    """Reads pages in worker processes; ``read`` is awaitable from the reactor thread.

    Workers start on the first ``read`` (the event loop must be running). A page's time limit
    runs from when its worker starts on it: when it is sent to an idle worker, or when the
    reading of the page before it arrives.
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
            if self._broken:
                return PageReading(url, "reject", self._broken)
        future: asyncio.Future[PageReading] = self._loop.create_future()
        self._pending.append(_Task((body, charset, url, options), future))
        self._dispatch()
        return await future

    # --- workers -------------------------------------------------------------------------

    def _start_worker(self) -> None:
        """Start a worker; if that fails (the fork server is gone, no file descriptors left)
        with no other worker running, give up rather than leave pages waiting forever."""
        assert self._loop is not None
        ends: list[Connection] = []
        try:
            ends.extend(self.context.Pipe(duplex=False))
            ends.extend(self.context.Pipe(duplex=False))
            pages_in, pages_out, readings_in, readings_out = ends
            process = self.context.Process(
                target=serve_pages,
                args=(pages_in, readings_out, self.reader, self.warm),
                daemon=True,
            )
            process.start()
        except Exception as exc:  # noqa: BLE001 - logged; the pool goes on or gives up
            for end in ends:
                end.close()
            logger.error("could not start an extraction worker: %r", exc)
            if not self._workers:
                self._give_up(f"could not start a worker: {type(exc).__name__}")
            return
        pages_in.close()
        readings_out.close()
        for end in (pages_out, readings_in):
            with contextlib.suppress(AttributeError, OSError):  # Linux only; 64 KiB will do
                fcntl.fcntl(end.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        os.set_blocking(pages_out.fileno(), False)
        worker = _Worker(process, pages_out, readings_in)
        self._workers.append(worker)
        self._loop.add_reader(readings_in.fileno(), self._readable, worker)

    def _retire(self, worker: _Worker, kill: bool) -> None:
        """Stop watching the worker and let it go (it exits on its own, or is killed)."""
        assert self._loop is not None
        self._loop.remove_reader(worker.readings.fileno())
        self._loop.remove_writer(worker.pages.fileno())
        if worker.timer is not None:
            worker.timer.cancel()
            worker.timer = None
        if kill:
            worker.process.kill()
        worker.pages.close()
        worker.readings.close()
        self._workers.remove(worker)

    def _release(self, worker: _Worker, kill: bool) -> None:
        """Retire the worker; the pages it held but had not started go back to the queue."""
        self._pending.extendleft(reversed(worker.held))
        worker.held.clear()
        self._retire(worker, kill)

    def _replace(self, worker: _Worker, kill: bool) -> None:
        """Release the worker and start another."""
        self._release(worker, kill)
        if not self._closed and not self._broken:
            self._start_worker()

    # --- pages out -----------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Give queued pages to ready workers, the emptiest first, up to PAGES_IN_FLIGHT."""
        while self._pending:
            open_workers = [
                w
                for w in self._workers
                if w.ready and not w.retiring and len(w.held) < PAGES_IN_FLIGHT
            ]
            if not open_workers:
                return
            worker = min(open_workers, key=lambda w: len(w.held))
            task = self._pending.popleft()
            if task.future.done():  # its reader gave up (the crawl is closing)
                continue
            worker.held.append(task)
            worker.sent += 1
            if len(worker.held) == 1:
                self._start_timer(worker)
            message = _frame(task.args)
            if worker.sent >= TASKS_PER_WORKER:
                # Its last page: it exits after reading it, and a fresh worker starts then.
                worker.retiring = True
                message += _frame(None)
            self._send(worker, message)

    def _send(self, worker: _Worker, data: bytes) -> None:
        worker.unsent += data
        self._flush(worker)

    def _flush(self, worker: _Worker) -> None:
        assert self._loop is not None
        try:
            written = os.write(worker.pages.fileno(), worker.unsent)
        except BlockingIOError:
            written = 0
        except OSError:  # the worker is gone: its readings pipe reports that
            worker.unsent.clear()
            self._loop.remove_writer(worker.pages.fileno())
            return
        del worker.unsent[:written]
        if worker.unsent:
            self._loop.add_writer(worker.pages.fileno(), self._flush, worker)
        else:
            self._loop.remove_writer(worker.pages.fileno())

    def _start_timer(self, worker: _Worker) -> None:
        assert self._loop is not None
        if self.timeout > 0:
            worker.timer = self._loop.call_later(self.timeout, self._overran, worker)

    # --- readings in ---------------------------------------------------------------------

    def _readable(self, worker: _Worker) -> None:
        try:
            answer = worker.readings.recv()
        except (EOFError, OSError):
            self._ended(worker)
            return
        except Exception as exc:  # noqa: BLE001 - a reading this process cannot unpickle
            url = _reading_url(worker)
            logger.error("unreadable reading from the worker on %s: %r", url, exc)
            if worker.held:
                reason = f"extraction error: unreadable reading ({type(exc).__name__})"
                self._finish(worker, PageReading(url, "reject", reason))
            self._replace(worker, kill=True)  # out of step with its pipe: start afresh
            self._dispatch()
            return
        if answer[0] == "ready":
            worker.ready = True
            self._failed_starts = 0
        else:
            self._finish(worker, self._reading(worker, answer))
            if worker.held:
                self._start_timer(worker)  # the next page is being read from now on
            elif worker.retiring:
                self._retire(worker, kill=False)
                self._start_worker()
        self._dispatch()

    def _reading(self, worker: _Worker, answer: tuple[Any, ...]) -> PageReading:
        url = _reading_url(worker)
        if answer[0] == "read":
            return answer[1]
        _, name, trace = answer
        logger.error("extraction failed on %s\n%s", url, trace.rstrip())
        return PageReading(url, "reject", f"extraction error: {name}")

    def _finish(self, worker: _Worker, reading: PageReading) -> None:
        """Answer the page the worker was reading."""
        if worker.timer is not None:
            worker.timer.cancel()
            worker.timer = None
        if worker.held:
            task = worker.held.popleft()
            if not task.future.done():
                task.future.set_result(reading)

    def _overran(self, worker: _Worker) -> None:
        """The page took longer than the time limit: reject it, kill and replace its worker."""
        worker.timer = None
        if worker.held:
            self._finish(worker, PageReading(worker.held[0].url, "reject", "extraction timeout"))
        self._replace(worker, kill=True)
        self._dispatch()

    def _ended(self, worker: _Worker) -> None:
        """The worker's readings pipe closed: it died (killed, crashed, out of memory) and its
        page is rejected. (A retiring worker is let go at its last reading, before it exits.)"""
        worker.process.join(1)  # its exit code follows the closed pipe within milliseconds
        code = worker.process.exitcode
        cause = f"exit code {code}" if code is not None else "pipe closed"
        if worker.held:
            url = worker.held[0].url
            logger.warning("extraction worker died on %s: %s", url, cause)
            self._finish(worker, PageReading(url, "reject", f"extraction worker died: {cause}"))
        else:
            logger.warning("idle extraction worker died: %s", cause)
        if not worker.ready:
            self._failed_starts += 1
        if self._broken or self._failed_starts >= START_FAILURES:
            self._release(worker, kill=False)
            self._give_up(cause)
            return
        self._replace(worker, kill=False)
        self._dispatch()

    def _give_up(self, cause: str) -> None:
        """Workers cannot be started: every page waiting, and every page to come, is a
        reject with the reason (logged once)."""
        if self._broken is None:
            self._broken = f"extraction workers cannot start: {cause}"
            logger.error("%s; every page is rejected with that reason", self._broken)
        for task in self._pending:
            if not task.future.done():
                task.future.set_result(PageReading(task.url, "reject", self._broken))
        self._pending.clear()

    def close(self) -> None:
        """Answer every page still waiting, kill the workers reading one, ask the others to
        exit and wait for them a while (then kill them too)."""
        self._closed = True
        closed = "extraction pool closed"
        waiting = [*self._pending, *(task for w in self._workers for task in w.held)]
        for task in waiting:
            if not task.future.done():
                task.future.set_result(PageReading(task.url, "reject", closed))
        self._pending.clear()
        workers = list(self._workers)
        for worker in workers:
            busy = bool(worker.held)
            worker.held.clear()
            if not busy and not worker.unsent:
                with contextlib.suppress(OSError):  # already gone: nothing to ask
                    os.write(worker.pages.fileno(), _frame(None))
            self._retire(worker, kill=busy)
        for worker in workers:
            worker.process.join(timeout=5 / max(1, len(workers)))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(1)

    def __getstate__(self) -> Any:  # pragma: no cover - the pool never crosses processes
        raise TypeError("ReaderPool cannot be pickled")

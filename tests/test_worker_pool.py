"""The worker pool: real worker processes fed from an event loop, as the crawl feeds them.

Pages are golden portal pages; the misbehaving ones hang, kill their worker or raise
(tests/pool_readers.py). Each case checks what the crawl relies on: the page comes back as a
reject with its reason, the pool keeps its number of workers, and later pages are read.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

import pipelines.workerpool as workerpool
from pipelines.workerpool import ReaderPool, decode_and_read
from reader import ReadOptions, read_page
from tests.pool_readers import misbehaving_reader, unloadable_reader, unstartable_reader

GOLDEN = Path(__file__).parent / "golden"
PAGE = GOLDEN / "en_herald_river_exhibit"
EXPECTED = json.loads((PAGE / "expected.json").read_text(encoding="utf-8"))
BODY = (PAGE / "page.html").read_bytes()
SITE = "http://www.exampleherald.test"


def run(pool: ReaderPool, scenario: Callable[[ReaderPool], Awaitable[Any]]) -> Any:
    """Run a scenario against the pool on a fresh event loop, closing the pool after."""

    async def main() -> Any:
        try:
            return await asyncio.wait_for(scenario(pool), 60)
        finally:
            pool.close()

    return asyncio.run(main())


def read(pool: ReaderPool, path: str) -> Awaitable[Any]:
    return pool.read(BODY, None, SITE + path, ReadOptions())


def alive(pool: ReaderPool) -> list[int]:
    return [w.process.pid for w in pool._workers if w.process.is_alive()]


def test_a_page_read_in_a_worker_equals_the_task_run_in_this_process() -> None:
    pool = ReaderPool(read_page, workers=2, timeout=30)
    readings = run(pool, lambda p: asyncio.gather(*(read(p, f"/page-{i}") for i in range(4))))
    here = decode_and_read(read_page, BODY, None, SITE + "/page-0", ReadOptions())
    assert [r.kind for r in readings] == ["article"] * 4
    assert readings[0].fields == here.fields
    assert readings[0].simhash == here.simhash
    assert readings[0].fields["title"] == EXPECTED["title"]
    assert [r.url for r in readings] == [SITE + f"/page-{i}" for i in range(4)]


def test_a_page_over_the_time_limit_is_rejected_and_its_worker_replaced() -> None:
    pool = ReaderPool(misbehaving_reader, workers=2, timeout=2)

    async def scenario(p: ReaderPool) -> Any:
        first = await read(p, "/warm")  # both workers up
        before = set(alive(p))
        readings = await asyncio.gather(read(p, "/hang"), *(read(p, f"/ok-{i}") for i in range(3)))
        return first, before, readings, set(alive(p))

    first, before, readings, after = run(pool, scenario)
    assert first.kind == "article"
    assert (readings[0].kind, readings[0].reason) == ("reject", "extraction timeout")
    assert [r.kind for r in readings[1:]] == ["article"] * 3  # the other worker went on
    assert len(after) == 2 and len(before & after) == 1  # the hung worker was replaced


def test_a_worker_that_dies_rejects_its_page_and_is_replaced(caplog) -> None:
    pool = ReaderPool(misbehaving_reader, workers=2, timeout=30)

    async def scenario(p: ReaderPool) -> Any:
        crashed = await read(p, "/crash")
        later = await asyncio.gather(*(read(p, f"/ok-{i}") for i in range(3)))
        return crashed, later, alive(p)

    with caplog.at_level(logging.WARNING, logger="pipelines.workerpool"):
        crashed, later, pids = run(pool, scenario)
    assert crashed.kind == "reject"
    assert crashed.reason == f"extraction worker died: exit code {-signal.SIGKILL}"
    assert [r.kind for r in later] == ["article"] * 3
    assert len(pids) == 2
    assert f"extraction worker died on {SITE}/crash" in caplog.text


def test_an_error_in_the_reader_rejects_the_page_and_logs_the_workers_traceback(caplog) -> None:
    pool = ReaderPool(misbehaving_reader, workers=1, timeout=30)
    with caplog.at_level(logging.ERROR, logger="pipelines.workerpool"):
        failed, after = run(pool, lambda p: asyncio.gather(read(p, "/fail"), read(p, "/ok")))
    assert (failed.kind, failed.reason) == ("reject", "extraction error: ValueError")
    assert after.kind == "article"
    assert "ValueError: a reader bug" in caplog.text
    assert "misbehaving_reader" in caplog.text  # the worker's own traceback


def test_a_worker_is_replaced_after_its_page_budget(monkeypatch) -> None:
    monkeypatch.setattr(workerpool, "TASKS_PER_WORKER", 3)
    pool = ReaderPool(read_page, workers=1, timeout=30)

    async def scenario(p: ReaderPool) -> Any:
        pids = []
        for i in range(7):
            reading = await read(p, f"/page-{i}")
            assert reading.kind == "article"
            pids.append(alive(p))
        return pids

    pids = run(pool, scenario)
    assert len({tuple(p) for p in pids}) == 3  # seven pages, three pages a worker
    assert all(len(p) == 1 for p in pids)


def test_ctrl_c_reaches_the_crawl_not_the_pages_being_read() -> None:
    pool = ReaderPool(read_page, workers=1, timeout=30)

    async def scenario(p: ReaderPool) -> Any:
        await read(p, "/warm")
        (pid,) = alive(p)
        os.kill(pid, signal.SIGINT)  # what a terminal's Ctrl-C sends the process group
        reading = await read(p, "/after")
        return pid, reading, alive(p)

    pid, reading, pids = run(pool, scenario)
    assert reading.kind == "article" and pids == [pid]


def test_close_stops_every_worker_and_answers_waiting_pages() -> None:
    pool = ReaderPool(misbehaving_reader, workers=1, timeout=30)
    processes: list[Any] = []

    async def scenario(p: ReaderPool) -> Any:
        await read(p, "/warm")
        processes.extend(w.process for w in p._workers)
        hanging = asyncio.ensure_future(read(p, "/hang"))
        waiting = asyncio.ensure_future(read(p, "/queued"))
        await asyncio.sleep(0.2)
        p.close()
        return await hanging, await waiting, await read(p, "/late")

    hanging, waiting, late = run(pool, scenario)
    assert hanging.reason == waiting.reason == late.reason == "extraction pool closed"
    assert processes and not any(proc.is_alive() for proc in processes)


def test_workers_that_cannot_start_make_every_page_a_reject_not_a_restart_loop(caplog) -> None:
    pool = ReaderPool(unstartable_reader, workers=2, timeout=30)
    with caplog.at_level(logging.ERROR, logger="pipelines.workerpool"):
        first, later = run(pool, lambda p: asyncio.gather(read(p, "/a"), read(p, "/b")))
    reason = "extraction workers cannot start: exit code 3"
    assert first.reason == later.reason == reason
    assert caplog.text.count(reason) == 1
    assert pool._workers == []


@pytest.mark.parametrize("first", ["/hang", "/crash"])
def test_a_page_queued_behind_a_page_that_kills_its_worker_is_still_read(first: str) -> None:
    # One worker holds two pages: the one it reads and the next, waiting in its pipe.
    pool = ReaderPool(misbehaving_reader, workers=1, timeout=2)
    lost, queued = run(pool, lambda p: asyncio.gather(read(p, first), read(p, "/queued")))
    assert lost.kind == "reject" and lost.url == SITE + first
    assert queued.kind == "article" and queued.url == SITE + "/queued"


def test_a_large_page_waiting_for_a_busy_worker_does_not_block_the_event_loop(
    tmp_path: Path,
) -> None:
    # 4 MB is many times a pipe's capacity: written as the worker drains it, while the loop
    # goes on with other work (here a ticker). The one worker is held by a page until the
    # loop, having ticked with the large page waiting, releases it. A blocking write would
    # hold the loop until the worker drained it, i.e. for ever: a watchdog thread then
    # releases the worker instead, and the test fails (no clock is asserted on).
    large = BODY + b"<!-- " + b"x" * 4_000_000 + b" -->"
    flag = tmp_path / "release"
    pool = ReaderPool(misbehaving_reader, workers=1, timeout=30)

    def release(by: str) -> str | None:
        try:
            os.close(os.open(flag, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return None
        return by

    watchdog = threading.Timer(25, release, ("watchdog",))

    async def scenario(p: ReaderPool) -> Any:
        await read(p, "/warm")
        held = asyncio.ensure_future(read(p, f"/held?{flag}"))
        big = asyncio.ensure_future(p.read(large, None, SITE + "/large", ReadOptions()))
        watchdog.start()
        ticks = 0
        while ticks < 3:  # the loop runs on while the large page waits for the worker
            await asyncio.sleep(0.01)
            ticks += 1
        pending = not big.done()
        released = release("loop")
        return await held, await big, pending, released

    try:
        held, big, pending, released = run(pool, scenario)
    finally:
        watchdog.cancel()
    assert released == "loop", "the event loop was blocked while the worker was busy"
    assert pending  # the large page did wait for the worker
    assert held.kind == big.kind == "article"


def test_a_reading_the_crawl_cannot_load_rejects_its_page_not_the_next_one(caplog) -> None:
    pool = ReaderPool(unloadable_reader, workers=1, timeout=30)
    with caplog.at_level(logging.ERROR, logger="pipelines.workerpool"):
        odd, queued = run(pool, lambda p: asyncio.gather(read(p, "/odd"), read(p, "/queued")))
    assert (odd.url, odd.reason) == (
        SITE + "/odd",
        "extraction error: unreadable reading (RuntimeError)",
    )
    assert queued.kind == "article" and queued.url == SITE + "/queued"
    assert "only the worker can load this" in caplog.text


class _NoProcesses:
    """A start method whose processes cannot start (the fork server gone, no descriptors)."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def Pipe(self, duplex: bool = True) -> Any:  # noqa: N802 - multiprocessing's name
        return self.real.Pipe(duplex)

    def Process(self, **kwargs: Any) -> Any:  # noqa: N802
        process = self.real.Process(**kwargs)
        process.start = lambda: (_ for _ in ()).throw(OSError(24, "Too many open files"))
        return process


def test_workers_that_cannot_be_started_make_pages_rejects_not_waits(caplog) -> None:
    pool = ReaderPool(read_page, workers=2, timeout=30)
    pool.context = _NoProcesses(pool.context)
    with caplog.at_level(logging.ERROR, logger="pipelines.workerpool"):
        first, later = run(pool, lambda p: asyncio.gather(read(p, "/a"), read(p, "/b")))
    reason = "extraction workers cannot start: could not start a worker: OSError"
    assert first.reason == later.reason == reason
    assert "Too many open files" in caplog.text

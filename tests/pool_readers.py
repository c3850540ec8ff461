"""Readers for the worker-pool tests: read_page, except on pages that misbehave on purpose.

They live in a module of their own because the pool's workers import a reader by name.
"""

from __future__ import annotations

import os
import signal
import time

from reader import PageReading, ReadOptions, read_page


def misbehaving_reader(html: str, url: str, options: ReadOptions) -> PageReading:
    """read_page, but a URL ending in /hang never returns, /slow takes a second and a half,
    /held?FILE holds its worker until FILE exists,
    /crash kills its worker outright (as the kernel's OOM killer would) and /fail raises."""
    if url.endswith("/slow"):
        time.sleep(1.5)
    if "/held?" in url:  # busy until the test creates the file the query names
        flag = url.split("/held?", 1)[1]
        for _ in range(12_000):
            if os.path.exists(flag):
                break
            time.sleep(0.01)
    if url.endswith("/hang"):
        time.sleep(3600)
    if url.endswith("/crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    if url.endswith("/fail"):
        raise ValueError("a reader bug")
    return read_page(html, url, options)


def unstartable_reader(html: str, url: str, options: ReadOptions) -> PageReading:
    """A reader whose warm-up (its first call, in each new worker) kills the worker."""
    os._exit(3)


def _refuse_to_load() -> None:
    raise RuntimeError("only the worker can load this")


class OnlyInTheWorker:
    """Pickles in the worker; unpickling it (in the crawl's process) raises."""

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return _refuse_to_load, ()


def unloadable_reader(html: str, url: str, options: ReadOptions) -> PageReading:
    """read_page, but a URL ending in /odd comes back with a value the crawl cannot load."""
    reading = read_page(html, url, options)
    if url.endswith("/odd"):
        reading.fields["odd"] = OnlyInTheWorker()
    return reading

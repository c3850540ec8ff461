"""The process the reader's workers fork from, kept free of heavy imports.

``scrapy crawl`` starts it as soon as its arguments are checked, so that importing and warming
the reader overlaps Scrapy's own start-up; this module therefore imports nothing but
multiprocessing.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing import forkserver
from multiprocessing.context import ForkServerContext, SpawnContext

# Imported by the fork server before it forks any worker: the reader, its warm-up (see
# reader.warmup), the worker's task and the page decoder.
PRELOAD = [
    "reader",
    "reader.warmup",
    "pipelines.workerpool",
    "crawler.decoding",
]


def worker_context() -> SpawnContext | ForkServerContext:
    """Workers fork from a server process that has already imported and warmed the reader.

    A fresh interpreter per worker ("spawn") costs about a second of CPU to import lxml and
    trafilatura, paid again for each replacement worker; a fork of the preloaded, warmed
    server costs milliseconds. The server is single-threaded, so forking it is safe (unlike
    forking the reactor's process). Falls back to spawn where forkserver does not exist.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_fork_server() -> None:
    """Start the fork server now rather than when the pool first needs a worker."""
    if worker_context().get_start_method() == "forkserver":
        forkserver.ensure_running()

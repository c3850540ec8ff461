"""The crawl under measurement (a real ``scrapy crawl`` subprocess) and the in-process bound."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import psutil

REPO = Path(__file__).resolve().parent.parent
SAMPLE_SECONDS = 0.1
# The politeness switches of the issue, Scrapy's own settings, as anyone would pass them.
POLITENESS_OFF = [
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32",
    "-s", "CONCURRENT_REQUESTS=32",
]  # fmt: skip


@dataclass
class CrawlResult:
    command: list[str]
    returncode: int
    wall_seconds: float
    cpu_seconds: float
    main_cpu_seconds: float
    peak_rss: int
    rss_at_mark: int | None
    stats: dict[str, Any]
    # (articles so far, RSS of all crawl processes, RSS of the main process)
    rss_trace: list[tuple[int, int, int]] = field(default_factory=list)
    load_before: str = ""
    load_after: str = ""


def crawl(
    start_url: str,
    max_pages: int,
    out: Path,
    mark: int,
    extra: list[str],
    slices: Slices | None = None,
) -> CrawlResult:
    """Run the crawl, sampling the RSS of all its processes; CPU from the reaped children.
    With ``slices``, the bound is timed in slices during the crawl, once articles flow."""
    out.mkdir(parents=True, exist_ok=True)
    feed, stats_file = out / "items.jsonl", out / "stats.json"
    command = [
        sys.executable, "-m", "scrapy", "crawl", "news",
        "-a", f"start_urls={start_url}", "-a", f"max_pages={max_pages}",
        *POLITENESS_OFF,
        "-O", str(feed),
        "-s", "NEWS_REACTOR_LAG_ENABLED=True",
        "-s", f"NEWS_STATS_FILE={stats_file}",
        "-s", f"NEWS_REJECTS_FILE={out / 'rejects.jsonl'}",
        "-s", "NEWS_TEMPLATE_STORE=",
        *extra,
    ]  # fmt: skip
    load_before = _load()
    cpu_before = children_cpu()
    started = time.perf_counter()
    with (out / "crawl.log").open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        peak, at_mark, trace, others_cpu = _sample(process, feed, mark, slices)
    wall = time.perf_counter() - started
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return CrawlResult(
        command=command,
        returncode=process.returncode,
        wall_seconds=wall,
        cpu_seconds=children_cpu() - cpu_before + others_cpu,
        main_cpu_seconds=children_cpu() - cpu_before,
        peak_rss=peak,
        rss_at_mark=at_mark,
        stats=stats,
        rss_trace=trace,
        load_before=load_before,
        load_after=_load(),
    )


def _load() -> str:
    """The 1-minute load average: other work on the machine skews every figure."""
    return f"{os.getloadavg()[0]:.1f}"


def _sample(
    process: subprocess.Popen[bytes], feed: Path, mark: int, slices: Slices | None
) -> tuple[int, int | None, list[tuple[int, int, int]], float]:
    """Peak RSS (sum over the crawl's process tree), the peak until ``mark`` articles, a trace,
    and the CPU seconds of the tree's other processes (last seen of each).

    The crawl's own CPU comes from waiting for it; its workers fork from a server process it
    never waits for, so their CPU is sampled here (missing at most the last sample interval).
    """
    tree = ProcessTree(psutil.Process(process.pid))
    peak, at_mark, lines, offset = 0, None, 0, 0
    trace: list[tuple[int, int, int]] = []
    last_trace = 0.0
    while process.poll() is None:
        rss, main_rss = tree.sample()
        peak = max(peak, rss)
        lines, offset = _count_lines(feed, lines, offset)
        if at_mark is None and lines >= mark:
            at_mark = peak
        if time.monotonic() - last_trace >= 2:
            trace.append((lines, rss, main_rss))
            last_trace = time.monotonic()
        if slices is not None and lines > 0 and slices.due():
            slices.run(tree.root)
        time.sleep(SAMPLE_SECONDS)
    return peak, at_mark, trace, sum(tree.cpu.values())


class ProcessTree:
    """The crawl's processes, read every sample; the list of them is found again only every
    ``LIST_SECONDS`` or when one has gone. Finding it scans all of /proc (about 3 ms), which
    ten times a second took CPU from the crawl under measurement; reading a known process
    costs about 0.1 ms. A worker is listed at most ``LIST_SECONDS`` late, and its CPU is
    cumulative, so only a worker living less than that would be missed."""

    LIST_SECONDS = 1.0

    def __init__(self, root: psutil.Process) -> None:
        self.root = root
        # CPU seconds of each process but the root, by (pid, create time): last seen.
        self.cpu: dict[tuple[int, float], float] = {}
        self._members: list[psutil.Process] = [root]
        self._listed = float("-inf")

    def sample(self) -> tuple[int, int]:
        """RSS of the whole tree and of its root; records each descendant's CPU seconds."""
        if time.monotonic() - self._listed >= self.LIST_SECONDS:
            self._list()
        total = main = 0
        gone = False
        for proc in self._members:
            try:
                with proc.oneshot():
                    rss = proc.memory_info().rss
                    total += rss
                    if proc.pid == self.root.pid:
                        main = rss
                    else:
                        times = proc.cpu_times()
                        self.cpu[(proc.pid, proc.create_time())] = times.user + times.system
            except psutil.Error:
                gone = True
        if gone:
            self._listed = float("-inf")
        return total, main

    def _list(self) -> None:
        try:
            self._members = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            self._members = [self.root]
        self._listed = time.monotonic()


def _count_lines(path: Path, lines: int, offset: int) -> tuple[int, int]:
    """Lines in the growing feed file, reading only what was appended since last time. The
    crawl writes ``<feed>.part`` and renames it to the feed when done."""
    part = path.with_name(path.name + ".part")
    path = part if part.exists() else path
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            chunk = handle.read()
    except OSError:
        return lines, offset
    return lines + chunk.count(b"\n"), offset + len(chunk)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Timing:
    pages: int
    articles: int
    wall_seconds: float
    cpu_seconds: float

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.wall_seconds / self.pages

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu_seconds / self.pages

    def __add__(self, other: Timing) -> Timing:
        return Timing(
            self.pages + other.pages,
            self.articles + other.articles,
            self.wall_seconds + other.wall_seconds,
            self.cpu_seconds + other.cpu_seconds,
        )

    def __sub__(self, other: Timing) -> Timing:
        return Timing(
            self.pages - other.pages,
            self.articles - other.articles,
            self.wall_seconds - other.wall_seconds,
            self.cpu_seconds - other.cpu_seconds,
        )


Reader = Callable[[str, str], bool]


class Slices(Protocol):
    """What the crawl's sampler asks of the bound timed in slices (``bench.slices.BoundSlices``,
    which builds on ``TakingTurns`` here: a protocol keeps the import one way)."""

    def due(self) -> bool: ...
    def run(self, root: psutil.Process) -> None: ...


class Pages(Protocol):
    """(html, url) of pages by position: a list, or pages rendered when asked for."""

    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> tuple[str, str]: ...


class TakingTurns:
    """Readers timed over the pages in this process, taking turns page by page, so that a
    change in the machine's speed (other load, steal, clock) weighs on every reader alike.

    A reader says whether a page gave an article. Each is made fresh by its factory (a reader
    may keep state, such as the fingerprints it has seen), and made afresh whenever the pages
    start over; a throwaway one reads a few pages first, since imports and first-call caches
    are not the steady state. ``read(n)`` times the next ``n`` pages, so the timing can be
    spread over a crawl in slices.
    """

    def __init__(self, pages: Pages, readers: dict[str, Callable[[], Reader]]) -> None:
        self.pages = pages
        self.readers = readers
        for make in readers.values():
            warm = make()
            # The end of the pages: the last to be timed.
            for index in range(max(0, len(pages) - 5), len(pages)):
                warm(*pages[index])
        self.totals = {name: Timing(0, 0, 0.0, 0.0) for name in readers}
        self._live: dict[str, Reader] = {}
        self._index = 0

    def read(self, count: int) -> None:
        names = list(self.readers)
        for _ in range(count):
            position = self._index % len(self.pages)
            if position == 0:
                self._live = {name: make() for name, make in self.readers.items()}
            html, url = self.pages[position]
            for name in names if self._index % 2 == 0 else names[::-1]:
                wall, cpu = time.perf_counter(), time.process_time()
                article = self._live[name](html, url)
                self.totals[name] += Timing(
                    1, int(article), time.perf_counter() - wall, time.process_time() - cpu
                )
            self._index += 1


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

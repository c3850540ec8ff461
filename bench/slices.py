"""The bound timed in slices during the crawl, with the crawl stopped while each slice runs.

This host's speed drifts by tens of per cent within minutes (other tenants), more than the
margin the ratios measure. A bound timed before or after the crawl samples other minutes
than the crawl does; slices taken every couple of seconds during it sample the same ones.
While a slice runs, every process of the crawl is stopped (SIGSTOP), so the slice has the
machine to itself as a one-process bound should, and the crawl loses no time to it: the
stopped seconds are taken off the crawl's time (``paused_within``). The crawl's reactor-lag
extension does not count the timer firing that spans a stop (``reactor_lag/continued``).
"""

from __future__ import annotations

import signal
import time
from datetime import datetime

import psutil

from bench.measure import TakingTurns, Timing

# How long a stopped process may take to show as stopped before the slice starts anyway.
STOP_WAIT_SECONDS = 0.2


class BoundSlices:
    """Times ``pages`` pages of the bound after every ``every`` seconds of crawling."""

    def __init__(self, turns: TakingTurns, every: float, pages: int) -> None:
        self.turns = turns
        self.every = every
        self.pages = pages
        # (start, end) of each stop, wall-clock seconds since the epoch (as the crawl's stats).
        self.pauses: list[tuple[float, float]] = []
        # Each slice's timing by reader, to show the drift the slices absorbed.
        self.timings: list[dict[str, Timing]] = []
        self._last = time.monotonic()

    def due(self) -> bool:
        return time.monotonic() - self._last >= self.every

    def run(self, root: psutil.Process) -> None:
        """Stop the crawl's process tree, time one slice, continue the tree."""
        started = time.time()
        stopped = _signal_tree(root, signal.SIGSTOP)
        try:
            _wait_stopped(stopped)
            before = dict(self.turns.totals)
            self.turns.read(self.pages)
            self.timings.append({name: t - before[name] for name, t in self.turns.totals.items()})
        finally:
            for proc in reversed(stopped):
                _send(proc, signal.SIGCONT)
            self.pauses.append((started, time.time()))
            self._last = time.monotonic()

    def paused_within(self, start: datetime | None, finish: datetime | None) -> float:
        """Seconds the crawl was stopped between ``start`` and ``finish`` (its engine's
        start and finish times; the whole run when unknown)."""
        low = start.timestamp() if start else float("-inf")
        high = finish.timestamp() if finish else float("inf")
        return sum(max(0.0, min(end, high) - max(begin, low)) for begin, end in self.pauses)


def _signal_tree(root: psutil.Process, signum: int) -> list[psutil.Process]:
    """Signal the root first (so it starts no new child meanwhile), then its descendants."""
    signalled = [root] if _send(root, signum) else []
    try:
        children = root.children(recursive=True)
    except psutil.Error:
        return signalled
    return signalled + [proc for proc in children if _send(proc, signum)]


def _send(proc: psutil.Process, signum: int) -> bool:
    try:
        proc.send_signal(signum)
    except psutil.Error:
        return False
    return True


def _wait_stopped(processes: list[psutil.Process]) -> None:
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    for proc in processes:
        while time.monotonic() < deadline:
            try:
                if proc.status() in (psutil.STATUS_STOPPED, psutil.STATUS_ZOMBIE):
                    break
            except psutil.Error:
                break
            time.sleep(0.001)

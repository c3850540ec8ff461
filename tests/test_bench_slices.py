"""The bench times its bound in slices during the crawl, with the crawl stopped meanwhile.

Two promises make that fair: while a slice runs, no process of the crawl runs (it does not
compete with the bound, and its stopped time is taken off its own), and the crawl's
reactor-lag figure does not count a stop as the reactor being busy.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psutil

from bench.measure import TakingTurns
from bench.slices import BoundSlices
from tests.hostile_server import Handler, ScriptedServer

ROOT = Path(__file__).resolve().parent.parent
# A parent that starts a child, both spinning: a crawl's process tree in miniature.
SPINNING_TREE = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "while True: pass"])
while True:
    pass
"""


def _statuses(root: psutil.Process) -> list[str]:
    return [proc.status() for proc in [root, *root.children(recursive=True)]]


def _until(check: Callable[[], bool], limit: float = 60) -> bool:
    """Poll ``check`` until it holds; the limit only keeps a broken bench from hanging."""
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_slice_stops_the_whole_tree_and_its_time_is_counted() -> None:
    tree = subprocess.Popen([sys.executable, "-c", SPINNING_TREE])
    root = psutil.Process(tree.pid)
    try:
        assert _until(lambda: len(root.children()) >= 1), "the child process did not start"
        seen: list[list[str]] = []
        calls: list[float] = []
        in_slices: list[bool] = []  # empty while TakingTurns warms a throwaway reader up

        def reader(html: str, url: str) -> bool:
            if not in_slices:  # the warm-up runs outside any slice: nothing is stopped
                return True
            # Runs inside the slice: every process of the tree is (or becomes) stopped.
            calls.append(time.time())
            stopped = _until(lambda: set(_statuses(root)) == {psutil.STATUS_STOPPED})
            seen.append(_statuses(root) if stopped else ["not stopped"])
            calls.append(time.time())
            return True

        slices = BoundSlices(TakingTurns([("<p>x</p>", "u")], {"r": lambda: reader}), 0.0, 2)
        in_slices.append(True)
        slices.run(root)

        assert seen == [[psutil.STATUS_STOPPED] * 2] * 2, seen
        assert slices.turns.totals["r"].pages == 2 and slices.timings[0]["r"].pages == 2
        # The stop recorded spans the slice's reading.
        ((begin, end),) = slices.pauses
        assert begin <= min(calls) and max(calls) <= end
        assert slices.paused_within(None, None) == end - begin
        # Only the stopped time inside the crawl's own start..finish counts.
        inside = datetime.fromtimestamp(begin + (end - begin) / 2, UTC)
        assert abs(slices.paused_within(inside, None) - (end - begin) / 2) < 1e-6
        after = datetime.fromtimestamp(end + 1, UTC)
        assert slices.paused_within(after, None) == 0.0
        # And the tree runs again afterwards.
        assert psutil.STATUS_STOPPED not in _statuses(root)
    finally:
        for proc in [*root.children(recursive=True), root]:
            proc.kill()
        tree.wait(10)


def test_reactor_lag_does_not_count_a_stopped_crawl(tmp_path: Path) -> None:
    release = threading.Event()

    def held_page(handler: Handler) -> None:
        release.wait(30)
        handler.send_body(b"<html><head><title>t</title></head><body><p>short</p></body></html>")

    server = ScriptedServer(routes={"/": held_page})
    stats_file = tmp_path / "stats.json"
    crawl = subprocess.Popen(
        [
            sys.executable, "-m", "scrapy", "crawl", "news",
            "-a", f"start_urls={server.base}/",
            "-O", str(tmp_path / "items.jsonl"),
            "-s", "NEWS_REACTOR_LAG_ENABLED=True",
            "-s", f"NEWS_STATS_FILE={stats_file}",
            "-s", f"NEWS_REJECTS_FILE={tmp_path / 'rejects.jsonl'}",
            "-s", "NEWS_TEMPLATE_STORE=",
        ],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not server.count("/") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.count("/"), "the crawl never asked for its start page"
        time.sleep(0.5)  # the reactor idles, waiting for the held page
        os.kill(crawl.pid, signal.SIGSTOP)
        time.sleep(1.0)
        os.kill(crawl.pid, signal.SIGCONT)
        time.sleep(0.3)
        release.set()
        _, stderr = crawl.communicate(timeout=120)
    finally:
        release.set()
        if crawl.poll() is None:
            crawl.kill()
        server.close()
    assert crawl.returncode == 0, stderr[-3000:]
    stats = json.loads(stats_file.read_text())
    # The firing that spans the stop is set apart, not counted as the reactor being busy.
    # (How late the other firings were is a figure of `make bench`, not asserted here.)
    assert stats["reactor_lag/continued"] == 1
    assert stats["reactor_lag/samples"] > 0

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


def _tree_cpu(root: psutil.Process) -> float:
    total = 0.0
    for proc in [root, *root.children(recursive=True)]:
        times = proc.cpu_times()
        total += times.user + times.system
    return total


def test_a_slice_stops_the_whole_tree_and_its_time_is_counted() -> None:
    tree = subprocess.Popen([sys.executable, "-c", SPINNING_TREE])
    root = psutil.Process(tree.pid)
    try:
        deadline = time.monotonic() + 10
        while len(root.children()) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert root.children(), "the child process did not start"
        seen: list[float] = []

        def reader(html: str, url: str) -> bool:
            # Runs inside the slice: the tree must not gain CPU while it sleeps here.
            before = _tree_cpu(root)
            time.sleep(0.3)
            seen.append(_tree_cpu(root) - before)
            return True

        slices = BoundSlices(TakingTurns([("<p>x</p>", "u")], {"r": lambda: reader}), 0.0, 2)
        seen.clear()  # TakingTurns warmed a throwaway reader up
        slices.run(root)

        assert len(seen) == 2 and max(seen) < 0.05, seen
        assert slices.turns.totals["r"].pages == 2 and slices.timings[0]["r"].pages == 2
        ((begin, end),) = slices.pauses
        assert end - begin >= 0.6
        assert slices.paused_within(None, None) == end - begin
        # Only the stopped time inside the crawl's own start..finish counts.
        inside = datetime.fromtimestamp(begin + 0.1, UTC)
        assert abs(slices.paused_within(inside, None) - (end - begin - 0.1)) < 1e-6
        after = datetime.fromtimestamp(end + 1, UTC)
        assert slices.paused_within(after, None) == 0.0
        # And the tree runs again afterwards.
        resumed = _tree_cpu(root)
        time.sleep(0.3)
        assert _tree_cpu(root) - resumed > 0.2
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
    assert stats["reactor_lag/continued"] == 1
    assert stats["reactor_lag/max_ms"] < 500  # the stop lasted 1,000 ms
    assert stats["reactor_lag/samples"] > 50

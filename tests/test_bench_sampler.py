"""The bench's sampler of the crawl's process tree: RSS of all its processes, and the CPU of
the ones the crawl does not wait for (its workers), even those started after the first look."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from bench.measure import ProcessTree

# A parent that starts, after a pause, a child that holds 64 MB and burns CPU for a while.
TREE = """
import subprocess, sys, time
time.sleep(0.3)
child = subprocess.Popen([sys.executable, "-c", '''
import time
block = bytearray(64 * 1024 * 1024)
for i in range(0, len(block), 4096):
    block[i] = 1
end = time.process_time() + 0.6
while time.process_time() < end:
    pass
time.sleep(30)
'''])
child.wait()
"""


def test_sampler_finds_a_worker_started_later_and_counts_its_memory_and_cpu() -> None:
    parent = subprocess.Popen([sys.executable, "-c", TREE])
    try:
        tree = ProcessTree(psutil.Process(parent.pid))
        first_total, first_main = tree.sample()
        assert first_total == first_main  # no child yet
        deadline = time.monotonic() + 15
        peak = 0
        while time.monotonic() < deadline:
            total, main = tree.sample()
            peak = max(peak, total - main)
            if tree.cpu and max(tree.cpu.values()) >= 0.5 and peak >= 64 * 1024 * 1024:
                break
            time.sleep(0.1)
        assert peak >= 64 * 1024 * 1024, "the child's RSS is not in the tree's"
        assert len(tree.cpu) == 1
        assert max(tree.cpu.values()) >= 0.5, "the child's CPU seconds were not recorded"
    finally:
        for proc in psutil.Process(parent.pid).children(recursive=True):
            proc.kill()
        parent.kill()
        parent.wait()

"""The bench's sampler of the crawl's process tree: RSS of all its processes, and the CPU of
the ones the crawl does not wait for (its workers), even those started after the first look."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from bench.measure import ProcessTree

# A parent that starts, when told to (a line on stdin), a child that holds 64 MB, burns some
# CPU, then says how much CPU it has used (its pid and its own CPU seconds) and waits.
TREE = """
import subprocess, sys
sys.stdin.readline()
child = subprocess.Popen([sys.executable, "-c", '''
import os, time
block = bytearray(64 * 1024 * 1024)
for i in range(0, len(block), 4096):
    block[i] = 1
sum(range(20_000_000))
times = os.times()
print(os.getpid(), times.user + times.system, flush=True)
time.sleep(120)
'''])
child.wait()
"""


def test_sampler_finds_a_worker_started_later_and_counts_its_memory_and_cpu() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", TREE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdin is not None and parent.stdout is not None
    try:
        tree = ProcessTree(psutil.Process(parent.pid))
        first_total, first_main = tree.sample()
        assert first_total == first_main  # no child yet
        parent.stdin.write("go\n")
        parent.stdin.flush()
        pid, used = parent.stdout.readline().split()  # the child has burnt its CPU
        # Sample as the bench does until the child is listed (at most LIST_SECONDS late);
        # the deadline only keeps a broken sampler from hanging the suite.
        deadline = time.monotonic() + 120
        peak = 0
        while time.monotonic() < deadline:
            total, main = tree.sample()
            peak = max(peak, total - main)
            if tree.cpu and peak >= 64 * 1024 * 1024:
                break
            time.sleep(0.1)
        assert peak >= 64 * 1024 * 1024, "the child's RSS is not in the tree's"
        assert [p for p, _ in tree.cpu] == [int(pid)], "the child was not found"
        # What the sampler recorded is at least what the child had used when it said so
        # (its own clock, in ticks of 10 ms).
        assert max(tree.cpu.values()) >= float(used) - 0.01, (tree.cpu, used)
    finally:
        for proc in psutil.Process(parent.pid).children(recursive=True):
            proc.kill()
        parent.kill()
        parent.wait()

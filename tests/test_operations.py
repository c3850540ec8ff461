"""Operating scheduled runs: retention of run files, empty runs, one count of pages fetched,
and bin/crawl-cron's lock per sites file. Real `scrapy crawl` runs against local portals."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.extensions.retention import runs_to_prune
from crawler.outcome import ExitCode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scheduled_crawl import crawl, feed_files, read_jsonl  # noqa: E402
from scheduled_portal import Portal, PortalServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OLD = datetime(2024, 5, 2, 8, tzinfo=UTC)
STAMP = "%Y%m%dT%H%M%SZ"


def portal_of(name: str, count: int) -> Portal:
    portal = Portal(name)
    for ident in range(1, count + 1):
        portal.add_plain(ident, OLD)
    return portal


def fake_run(folder: Path, started: datetime) -> str:
    """The three files a finished run leaves."""
    stamp = started.strftime(STAMP)
    for suffix in (".jsonl", ".rejects.jsonl", ".summary.json"):
        (folder / f"{stamp}{suffix}").write_text("{}\n")
    return stamp


def stamps(folder: Path) -> set[str]:
    """The runs whose finished files are in ``folder``."""
    return {
        p.name.split(".")[0]
        for p in folder.iterdir()
        if re.match(r"\d{8}T", p.name) and not p.name.endswith(".part")
    }


def test_which_runs_are_pruned() -> None:
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    names = [(now - timedelta(days=d)).strftime(STAMP) for d in (0, 1, 2, 40, 41)]
    current = names[0]
    assert runs_to_prune(names, current, now, keep_runs=0, keep_days=30) == sorted(names[3:])
    assert runs_to_prune(names, current, now, keep_runs=2, keep_days=0) == sorted(names[2:])
    assert runs_to_prune(names, current, now, keep_runs=4, keep_days=30) == sorted(names[3:])
    assert runs_to_prune(names, current, now, keep_runs=0, keep_days=0) == []
    assert runs_to_prune(names, names[4], now, keep_runs=1, keep_days=0) == sorted(names[:4])


def test_retention_empty_runs_and_one_count_of_pages(tmp_path: Path) -> None:
    output = tmp_path / "output"
    output.mkdir()
    now = datetime.now(UTC)
    ancient = fake_run(output, now - timedelta(days=45))
    recent = [fake_run(output, now - timedelta(days=1, hours=h)) for h in (3, 2, 1)]
    (output / "notes.txt").write_text("not a run file\n")
    (output / f"{recent[0]}.jsonl.part").write_text("")  # a run's part file: recovery's
    keep = ("-s", "NEWS_OUTPUT_KEEP_RUNS=3")
    portal = portal_of("Tidy Tribune", 6)
    with PortalServer(portal, "127.0.0.31") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.tidy]\nstart_urls = ["{server.base}/"]\n')
        first = crawl(tmp_path, sites, *keep)
        assert first.returncode == ExitCode.OK, first.stderr[-3000:]
        time.sleep(1.1)  # runs are named by the second they start
        second = crawl(tmp_path, sites, *keep)
        assert second.returncode == ExitCode.OK, second.stderr[-3000:]  # nothing new

    # Run 1: the 45-day-old run (age) and the oldest recent one (count) are gone.
    (run1,) = [p for p in feed_files(output) if p.name.split(".")[0] not in recent]
    run1_stamp = run1.name.split(".")[0]
    assert len(read_jsonl(run1)) == 6
    # Run 2 delivered nothing: no items file, a summary saying so; the count limit then
    # took the next recent run.
    run2_stamps = stamps(output) - {run1_stamp, *recent}
    (run2_stamp,) = run2_stamps
    assert not (output / f"{run2_stamp}.jsonl").exists()
    summary2 = json.loads((output / f"{run2_stamp}.summary.json").read_text())
    assert summary2["sites"]["tidy"]["articles"] == 0
    assert stamps(output) == {run1_stamp, run2_stamp, recent[2]}
    assert ancient not in stamps(output)
    assert (output / "notes.txt").exists() and (output / f"{recent[0]}.jsonl.part").exists()

    # One count of pages fetched: the summary's equals the log's, per site and in all.
    summary1 = json.loads((output / f"{run1_stamp}.summary.json").read_text())
    logged = int(re.search(r"pages: (\d+) fetched = ", first.stderr).group(1))
    assert summary1["pages_fetched"] == logged == 6 + 2  # six articles, front and "Latest"
    assert summary1["sites"]["tidy"]["pages_fetched"] == logged


def cron(
    tmp: Path, sites: Path, *extra: str, background: bool = False
) -> subprocess.Popen[str] | subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CRAWL_CRON_DATA_DIR": str(tmp),
        "CRAWL_CRON_LOG_DIR": str(tmp / "logs"),
    }
    env.pop("CRAWL_CRON_LOCK", None)
    fast = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWS_EXTRACT_WORKERS=1"]
    args = [str(ROOT / "bin" / "crawl-cron"), str(sites), *fast, *extra]
    if background:
        return subprocess.Popen(args, cwd="/", env=env, stderr=subprocess.PIPE, text=True)
    return subprocess.run(args, cwd="/", env=env, capture_output=True, text=True, timeout=120)


def test_a_lock_per_sites_file(tmp_path: Path) -> None:
    """Two cron lines with different sites files run side by side; the same file twice does
    not (75), and each sites file keeps its own state and run folder."""
    with (
        PortalServer(portal_of("Slow Sentinel", 6), "127.0.0.32") as slow,
        PortalServer(portal_of("Quick Quill", 3), "127.0.0.33") as quick,
    ):
        slow_sites = tmp_path / "slow.toml"
        slow_sites.write_text(f'[sites.slow]\nstart_urls = ["{slow.base}/"]\n')
        quick_sites = tmp_path / "quick.toml"
        quick_sites.write_text(f'[sites.quick]\nstart_urls = ["{quick.base}/"]\n')
        # The slow run's portal answers nothing until the two other runs are over: it is
        # mid-crawl, holding its lock, all along, however long they take on a busy machine
        # (the timeout only guards against a hang).
        slow.release.clear()
        slow_run = ("-s", "DOWNLOAD_DELAY=0", "-s", "DOWNLOAD_TIMEOUT=300")
        first = cron(tmp_path, slow_sites, *slow_run, background=True)
        assert isinstance(first, subprocess.Popen)
        try:
            assert slow.arrived.wait(60), "the slow run sent no request"
            same = cron(tmp_path, slow_sites, "-s", "DOWNLOAD_DELAY=0")
            other = cron(tmp_path, quick_sites, "-s", "DOWNLOAD_DELAY=0")
            overlapped = first.poll() is None  # the slow run was still going all along
        finally:
            slow.release.set()
        assert first.wait(timeout=180) == 0, first.stderr.read() if first.stderr else ""
    assert isinstance(other, subprocess.CompletedProcess)
    assert isinstance(same, subprocess.CompletedProcess)
    assert other.returncode == ExitCode.OK, other.stderr
    assert overlapped
    assert same.returncode == ExitCode.LOCKED
    assert "another crawl is still running" in same.stderr
    assert len(read_jsonl(feed_files(tmp_path / "output" / "quick")[0])) == 3
    assert len(read_jsonl(feed_files(tmp_path / "output" / "slow")[0])) == 6
    assert {p.name for p in (tmp_path / "state").glob("*.sqlite")} == {
        "slow.sqlite",
        "quick.sqlite",
    }

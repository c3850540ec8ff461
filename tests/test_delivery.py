"""Delivery is confirmed before state moves; exit codes tell the truth.

Real `scrapy crawl` runs against portals on 127.0.0.1: a feed on a full disk (a 1 MiB
tmpfs; needs root, skipped otherwise), a feed path that cannot be made, the one-off ``-O``
mode, and the exit status of each kind of run (crawler.outcome.ExitCode).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from crawler.outcome import ExitCode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scheduled_crawl import crawl, feed_files, read_jsonl  # noqa: E402
from scheduled_portal import Portal, PortalServer, Story, paragraphs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OLD = datetime(2024, 5, 2, 8, tzinfo=UTC)


def seen_urls(tmp: Path) -> set[str]:
    """URLs the state store marks delivered."""
    with sqlite3.connect(tmp / "state" / "news.sqlite") as db:
        return {row[0] for row in db.execute("SELECT canonical_url FROM articles")}


def big_portal(name: str, count: int) -> Portal:
    """``count`` articles of ~25 KB each: together far more than 1 MiB of feed."""
    portal = Portal(name, page_size=500)
    for ident in range(1, count + 1):
        title = f"{name} report {ident}: " + paragraphs(f"title{ident}", 1)[0][:60]
        portal.add(Story(ident, title, paragraphs(f"{name}-{ident}", 60), OLD))
    return portal


def stderr_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("crawl failed:")]


def test_a_full_disk_fails_the_run_and_the_next_run_delivers_what_was_lost(
    tmp_path: Path, small_disk: Path
) -> None:
    portal = big_portal("Full Disk Gazette", 80)
    with PortalServer(portal, "127.0.0.21") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.gazette]\nstart_urls = ["{server.base}/"]\n')

        first = crawl(tmp_path, sites, feed_dir=small_disk / "output")
        assert first.returncode == ExitCode.OUTPUT_FAILED, first.stderr[-3000:]
        (line,) = stderr_lines(first)
        assert "No space left on device (ENOSPC)" in line and "output" in line
        # Nothing is marked seen that is not in a finished file (none was finished), and no
        # file with a cut line was delivered.
        delivered = [
            item["url"] for p in feed_files(small_disk / "output") for item in read_jsonl(p)
        ]
        assert seen_urls(tmp_path) <= set(delivered)
        assert not list((small_disk / "output").glob("*.part"))
        # The feed was emptied when its write failed: the summary had room to say why.
        (summary,) = (small_disk / "output").glob("*.summary.json")
        assert "ENOSPC" in json.loads(summary.read_text())["failure"]

        # The next run, with space, delivers every article exactly once.
        second = crawl(tmp_path, sites)
        assert second.returncode == ExitCode.OK, second.stderr[-3000:]
    urls = [item["url"] for p in feed_files(tmp_path / "output") for item in read_jsonl(p)]
    urls += delivered
    expected = {server.base + story.path for story in portal.stories.values()}
    assert sorted(urls) == sorted(expected)
    assert seen_urls(tmp_path) == expected


def fill(folder: Path) -> Path:
    """A file that takes every free byte of ``folder``'s filesystem."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def test_a_full_disk_under_the_state_store(tmp_path: Path, small_disk: Path) -> None:
    """The state store cannot record the run: nothing is delivered, the next run does it."""
    portal = big_portal("Ledger Ledger", 4)
    state_home = small_disk  # crawl() keeps its state in <tmp>/state
    with PortalServer(portal, "127.0.0.30") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.ledger]\nstart_urls = ["{server.base}/"]\n')
        output = tmp_path / "output"
        first = crawl(state_home, sites, feed_dir=output)
        assert first.returncode == ExitCode.OK, first.stderr[-3000:]
        for ident in range(5, 9):
            portal.add(Story(ident, f"Ledger later {ident}", paragraphs(f"l{ident}", 8), OLD))
        filler = fill(small_disk)
        second = crawl(state_home, sites, feed_dir=output)
        assert second.returncode == ExitCode.OUTPUT_FAILED, second.stderr[-3000:]
        (line,) = stderr_lines(second)
        assert line.startswith("crawl failed: cannot write the state store: ")
        filler.unlink()
        seen_after_failure = seen_urls(state_home)
        third = crawl(state_home, sites, feed_dir=output)
        assert third.returncode == ExitCode.OK, third.stderr[-3000:]
    runs = [[item["url"] for item in read_jsonl(p)] for p in feed_files(output)]
    assert [len(urls) for urls in runs] == [4, 4]  # the failed run delivered no file
    assert seen_after_failure == set(runs[0])
    assert seen_urls(state_home) == {server.base + s.path for s in portal.stories.values()}


def test_failed_writes_are_counted(tmp_path: Path, small_disk: Path) -> None:
    portal = big_portal("Counted Courier", 60)
    with PortalServer(portal, "127.0.0.22") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.courier]\nstart_urls = ["{server.base}/"]\n')
        stats_file = tmp_path / "stats.json"
        result = crawl(
            tmp_path,
            sites,
            "-s",
            f"NEWS_STATS_FILE={stats_file}",
            feed_dir=small_disk / "output",
        )
    assert result.returncode == ExitCode.OUTPUT_FAILED, result.stderr[-3000:]
    stats = json.loads(stats_file.read_text())
    assert stats["output/write_failed"] >= 1
    assert stats["output/write_failed/feed"] >= 1
    assert stats["finish_reason"] == "output_failed"
    assert stats["run/output_error"].startswith("cannot write the feed ")


def test_one_off_feed_on_a_full_disk_fails_the_run(tmp_path: Path, small_disk: Path) -> None:
    portal = big_portal("One Off Observer", 60)
    with PortalServer(portal, "127.0.0.23") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.observer]\nstart_urls = ["{server.base}/"]\n')
        out = small_disk / "out.jsonl"
        result = crawl(tmp_path, sites, "-O", str(out))
    assert result.returncode == ExitCode.OUTPUT_FAILED, result.stderr[-3000:]
    (line,) = stderr_lines(result)
    assert str(out) in line and "ENOSPC" in line
    # No file that looks complete and is not: neither the feed nor its part file.
    assert not out.exists()
    assert not list(small_disk.glob("*.part"))


def test_a_feed_path_that_cannot_be_made_fails_before_crawling(tmp_path: Path) -> None:
    portal = big_portal("Nowhere Times", 5)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be\n")
    with PortalServer(portal, "127.0.0.24") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.nowhere]\nstart_urls = ["{server.base}/"]\n')
        scheduled = crawl(tmp_path, sites, feed_dir=blocker / "output")
        one_off = crawl(tmp_path, sites, "-O", str(blocker / "out.jsonl"))
    for result in (scheduled, one_off):
        assert result.returncode == ExitCode.OUTPUT_FAILED, result.stderr[-3000:]
        (line,) = stderr_lines(result)
        assert "Not a directory (ENOTDIR)" in line
    assert not server.article_requests()  # it stopped before crawling


def test_the_feed_folder_check_uses_the_run_s_own_path(tmp_path: Path) -> None:
    """Scrapy builds a storage for the feed URI template before the run (to check it is
    supported); only the run's own path is checked and made, never a "%(name)s" folder."""
    portal = big_portal("Template Tribune", 2)
    with PortalServer(portal, "127.0.0.35") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.tribune]\nstart_urls = ["{server.base}/"]\n')
        result = crawl(tmp_path, sites, feed_dir=tmp_path / "out" / "%(name)s")
    assert result.returncode == ExitCode.OK, result.stderr[-3000:]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["news"]
    assert len(read_jsonl(feed_files(tmp_path / "out" / "news")[0])) == 2


def test_a_read_only_output_folder_fails_before_crawling(tmp_path: Path, small_disk: Path) -> None:
    (small_disk / "output").mkdir()
    remount = ["mount", "-o", "remount,ro", str(small_disk)]
    subprocess.run(remount, check=True, capture_output=True)
    portal = big_portal("Read Only Record", 3)
    with PortalServer(portal, "127.0.0.34") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.record]\nstart_urls = ["{server.base}/"]\n')
        result = crawl(tmp_path, sites, feed_dir=small_disk / "output")
    assert result.returncode == ExitCode.OUTPUT_FAILED, result.stderr[-3000:]
    (line,) = stderr_lines(result)
    assert "Read-only file system (EROFS)" in line
    assert not server.article_requests()


class Redirector:
    """Answers every request with a redirect to ``target`` (a portal that moved domain)."""

    def __init__(self, host: str, target: str) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path == "/robots.txt":
                    body = b"User-agent: *\nAllow: /\n"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_response(301)
                self.send_header("Location", target + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Redirector:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_exit_codes(tmp_path: Path) -> None:
    """0 delivered or nothing new; 3 some sites failed; 1 no site answered."""
    portal = big_portal("Steady Standard", 3)
    with (
        PortalServer(portal, "127.0.0.25") as good,
        PortalServer(big_portal("Moved Mirror", 2), "127.0.0.27") as elsewhere,
        Redirector("127.0.0.26", elsewhere.base) as moved,
    ):
        good_site = f'[sites.steady]\nstart_urls = ["{good.base}/"]\n'
        down_site = '[sites.down]\nstart_urls = ["http://127.0.0.28:9/"]\n'
        moved_site = f'[sites.moved]\nstart_urls = ["{moved.base}/"]\n'
        files = {}
        for name, text in {
            "good": good_site,
            "good_and_down": good_site + "\n" + down_site,
            "good_and_moved": good_site + "\n" + moved_site,
            "down": down_site,
            "moved": moved_site,
        }.items():
            files[name] = tmp_path / f"{name}.toml"
            files[name].write_text(text)

        def run(name: str) -> subprocess.CompletedProcess[str]:
            folder = tmp_path / name
            return crawl(folder, files[name], "-O", str(folder / "out.jsonl"))

        delivered = crawl(tmp_path / "sched", files["good"])
        nothing_new = crawl(tmp_path / "sched", files["good"])
        partly_down = run("good_and_down")
        partly_moved = run("good_and_moved")
        all_down = run("down")
        all_moved = run("moved")
    assert delivered.returncode == ExitCode.OK, delivered.stderr[-3000:]
    assert nothing_new.returncode == ExitCode.OK, nothing_new.stderr[-3000:]
    assert partly_down.returncode == ExitCode.SITES_FAILED, partly_down.stderr[-3000:]
    assert stderr_lines(partly_down) == [
        "crawl failed: some sites failed, no page of theirs answered: down"
    ]
    assert len(read_jsonl(tmp_path / "good_and_down" / "out.jsonl")) == 3
    assert partly_moved.returncode == ExitCode.SITES_FAILED, partly_moved.stderr[-3000:]
    assert "moved" in stderr_lines(partly_moved)[0]
    assert all_down.returncode == ExitCode.FAILED, all_down.stderr[-3000:]
    assert all_moved.returncode == ExitCode.FAILED, all_moved.stderr[-3000:]
    assert stderr_lines(all_moved) == ["crawl failed: no site answered: moved"]

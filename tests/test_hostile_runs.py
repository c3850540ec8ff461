"""Whole-run behaviour under kills, signals and limits: exit status, whole lines, clean stops."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.hostile_crawl import ROOT, crawl_command, parse_stats, run_crawl
from tests.hostile_pages import article_html, listing_html
from tests.hostile_server import ScriptedServer

ARTICLES = 400
KILL_RUNS = 20


def send(body: str):  # noqa: ANN201
    data = body.encode()
    return lambda h: h.send_body(data)


def long_article(i: int) -> str:
    """An article whose feed line (~2 KB) is smaller than a file buffer: a buffered writer
    would leave partial lines behind when killed."""
    rng = random.Random(i)
    words = [
        "harbour",
        "council",
        "budget",
        "river",
        "school",
        "station",
        "market",
        "bridge",
        "festival",
        "election",
    ]
    paragraphs = [
        " ".join(rng.choice(words) for _ in range(40)) + f" (story {i}, paragraph {p})."
        for p in range(4)
    ]
    return article_html(f"Story number {i} from the town", paragraphs)


@pytest.fixture(scope="module")
def portal() -> Iterator[ScriptedServer]:
    server = ScriptedServer("127.0.0.1")
    pages = [f"/news/2024/story-{i}.html" for i in range(ARTICLES)]
    server.routes["/"] = send(listing_html(pages[:50]))
    for i, path in enumerate(pages):
        nxt = pages[(i * 7 + 50) % ARTICLES : (i * 7 + 50) % ARTICLES + 3]
        page = long_article(i).replace("</article>", listing_html(nxt) + "</article>")
        server.routes[path] = send(page)
    server.routes["/boom"] = send(article_html("A page that makes the spider fail"))
    yield server
    server.close()


def start(tmp: Path, portal: ScriptedServer, **settings: str) -> subprocess.Popen[str]:
    """The crawl in its own process group, so a kill reaches its worker processes too."""
    command = crawl_command(tmp, [portal.base + "/"], settings)
    with (tmp / "crawl.log").open("w") as log:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )


def wait_for_first_line(feed: Path, process: subprocess.Popen[str], limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    part = feed.with_name(feed.name + ".part")
    while time.monotonic() < deadline and process.poll() is None:
        if any(f.exists() and f.stat().st_size > 0 for f in (feed, part)):
            return
        time.sleep(0.1)


def whole_lines(feed: Path, killed: bool = False) -> list[dict]:
    """Every line of the feed parsed; fails on a partial or broken line.

    A killed run leaves its feed as ``<feed>.part`` (crawler.feedstorage renames it only at
    the end; the next run with the state store discards it), so nothing it wrote is
    delivered. Only there may the last line be cut short: on SIGKILL, Linux stops a write()
    to a regular file at a page boundary, so no single write makes a line atomic. Such a tail
    has no newline and is not among the lines the exporter reported written.
    """
    delivered = feed.exists()
    if not delivered:
        feed = feed.with_name(feed.name + ".part")
    if not feed.exists():
        return []
    raw = feed.read_bytes()
    if raw and not raw.endswith(b"\n"):
        assert killed and not delivered, "feed ends with a partial line"
        raw = raw[: raw.rfind(b"\n") + 1]
    return [json.loads(line) for line in raw.decode("utf-8").splitlines()]


def kill_at_random(tmp: Path, portal: ScriptedServer, seed: int) -> int:
    """SIGKILL the crawl (all its processes) at a random moment while it writes items.

    Returns the number of whole lines; fails on a broken line, on a cut line anywhere but at
    the end of the undelivered ``.part``, or on a lost line: every line the exporter reported
    written (DEBUG log, after its flush) must be in the feed, whole.
    """
    process = start(tmp, portal, NEWS_EXTRACT_WORKERS="1", LOG_LEVEL="DEBUG")
    try:
        wait_for_first_line(tmp / "out.jsonl", process)
        time.sleep(random.Random(seed).uniform(0.0, 4.0))
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
    items = whole_lines(tmp / "out.jsonl", killed=True)
    written = (tmp / "crawl.log").read_text("utf-8", "replace").count("feed line written: ")
    assert len(items) >= written > 0 or not items, (len(items), written)
    whole_lines(tmp / "out.rejects.jsonl", killed=True)
    return len(items)


def test_sigkill_at_random_moments_leaves_only_whole_lines(
    portal: ScriptedServer, tmp_path: Path
) -> None:
    dirs = [tmp_path / f"run{i}" for i in range(KILL_RUNS)]
    for d in dirs:
        d.mkdir()
    with ThreadPoolExecutor(max_workers=5) as pool:
        counts = list(pool.map(lambda i: kill_at_random(dirs[i], portal, i), range(KILL_RUNS)))
    # The kills landed while items were being written, not only before the first one.
    assert sum(1 for c in counts if c > 0) >= KILL_RUNS // 2, counts


def test_sigterm_cut_off_exits_non_zero(portal: ScriptedServer, tmp_path: Path) -> None:
    process = start(tmp_path, portal)
    feed = tmp_path / "out.jsonl"
    wait_for_first_line(feed, process)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=120)
    output = (tmp_path / "crawl.log").read_text("utf-8")
    assert process.returncode == 1, output[-2000:]
    assert parse_stats(output)["finish_reason"] == "shutdown"
    assert "crawl failed: stopped by a signal" in output
    assert whole_lines(feed)


def test_error_count_close_exits_non_zero(portal: ScriptedServer, tmp_path: Path) -> None:
    result = run_crawl(
        tmp_path,
        [portal.base + "/boom", portal.base + "/"],
        {
            "CLOSESPIDER_ERRORCOUNT": "1",
            "SPIDER_MIDDLEWARES": json.dumps({"tests.faults.RaiseOnBoomMiddleware": 10}),
        },
        timeout=180,
    )
    assert result.stats["finish_reason"] == "closespider_errorcount"
    assert result.returncode == 1
    assert "crawl failed: closed after too many errors" in result.log


def test_memory_limit_stops_cleanly_and_exits_non_zero(
    portal: ScriptedServer, tmp_path: Path
) -> None:
    result = run_crawl(
        tmp_path,
        [portal.base + "/"],
        {
            "MEMUSAGE_LIMIT_MB": "1",
            "MEMUSAGE_WARNING_MB": "0",
            "MEMUSAGE_CHECK_INTERVAL_SECONDS": "1",
        },
        timeout=180,
    )
    assert result.stats["finish_reason"] == "memusage_exceeded"
    assert result.returncode == 1
    assert "crawl failed: closed at the memory limit" in result.log
    whole_lines(result.feed)
    assert result.stats["pages/unaccounted"] >= 0


def test_resolver_refuses_a_name_that_resolves_to_loopback(
    portal: ScriptedServer, tmp_path: Path
) -> None:
    """With the URL check off, the connect-time check alone stops a redirect to localhost."""
    server = ScriptedServer("127.0.0.1")
    server.routes["/"] = lambda h: h.send_body(
        b"",
        302,
        "text/html",
        {"Location": f"http://localhost:{portal.port}/news/2024/story-1.html"},
    )
    try:
        result = run_crawl(
            tmp_path, [server.base + "/"], {"NEWS_ADDRESS_POLICY_ENABLED": "False"}, timeout=180
        )
    finally:
        server.close()
    assert not [hit for hit in portal.hits if hit.host.startswith("localhost")]
    reasons = {r["url"]: r["reason"] for r in result.rejects}
    assert reasons[f"http://localhost:{portal.port}/news/2024/story-1.html"] == (
        "refused: loopback address"
    )
    assert result.stats["requests/failed/refused: loopback address"] == 1


def test_page_budget_per_site_stops_the_crawl(portal: ScriptedServer, tmp_path: Path) -> None:
    result = run_crawl(tmp_path, [portal.base + "/"], {}, "-a", "max_pages=25", timeout=180)
    assert result.returncode == 0, result.log[-2000:]
    assert result.stats["pages/fetched"] <= 25
    assert result.stats["spider/max_pages_reached"] > 0
    assert result.stats["pages/unaccounted"] == 0

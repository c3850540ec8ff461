"""A real `scrapy crawl` of the bench portal with politeness off (Scrapy's own settings).

One crawl checks many things: every article arrives once (links came from the reader, the
spider parsed nothing), only the portal was requested, the read gate kept the backlog at the
pool's capacity, and the reactor-lag and stats-file extensions reported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import _default_benchmarks
from bench.measure import POLITENESS_OFF
from bench.server import PortalServer

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = 30


@pytest.fixture(scope="module")
def portal_server():
    benchmarks = _default_benchmarks()
    if not benchmarks.is_dir():
        pytest.skip(f"no benchmark pages at {benchmarks}")
    server = PortalServer(benchmarks, ARTICLES)
    yield server
    server.stop()


def test_crawl_follows_reader_links_behind_the_read_gate(portal_server, tmp_path: Path) -> None:
    stats_file, feed = tmp_path / "stats.json", tmp_path / "items.jsonl"
    done = subprocess.run(
        [
            sys.executable, "-m", "scrapy", "crawl", "news",
            "-a", f"start_urls={portal_server.base_url}/",
            *POLITENESS_OFF,
            "-O", str(feed),
            "-s", "NEWS_EXTRACT_WORKERS=2",
            "-s", "NEWS_REACTOR_LAG_ENABLED=True",
            "-s", f"NEWS_STATS_FILE={stats_file}",
            "-s", f"NEWS_REJECTS_FILE={tmp_path / 'rejects.jsonl'}",
            "-s", "NEWS_TEMPLATE_STORE=",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    stats = json.loads(stats_file.read_text())
    items = [json.loads(line) for line in feed.read_text().splitlines()]
    urls = {item["url"] for item in items}
    # Every article page of the portal is exported once: reached only through reader links.
    assert len(urls) == len(items) >= ARTICLES - 3
    assert all(u.startswith(portal_server.base_url + "/") and "/story-" in u for u in urls)
    # Nothing outside the portal was requested; the pages' own (outside) links were skipped.
    assert stats["downloader/request_count"] == stats["downloader/response_status_count/200"]
    assert stats["spider/offsite_links_skipped"] > 0
    # The read gate held requests and never let more pages in than its capacity (2 workers x 4
    # plus the latency cover, at most CONCURRENT_REQUESTS=32).
    assert stats.get("readgate/held", 0) > 0
    assert stats["readgate/max_pages"] <= 8 + 32
    assert stats["reactor_lag/samples"] > 0 and stats["reactor_lag/max_ms"] >= 0

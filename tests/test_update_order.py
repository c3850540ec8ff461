"""Update detection does not depend on the order links arrive in (issue 19, defect 2).

A known article reaches a scheduled run twice: as an undated link of a listing page and as a
sitemap entry whose lastmod says it was edited. Whichever comes first, the edit is delivered
as an update exactly once, and the run after that delivers nothing. The portal server forces
each order: it holds the sitemap until the second listing page is asked for (the front page's
links were read first), or holds the front page until an edited article is asked for (the
sitemap was read first), or, with an RSS feed that dates the edit too, holds the feed until
the listing was read and the sitemap until the feed's entries were requested (listing, feed,
sitemap: two dated entries and an undated link for one edit).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scheduled_portal import HOLD_SECONDS, Portal, PortalServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OLD = datetime(2024, 5, 2, 8, tzinfo=UTC)
STORIES = 30
EDITED = (30, 29, 28)  # on the front page (the newest ten), and in the sitemap
SITEMAP = "/sitemaps/articles.xml.gz"
FEED = "/feed.xml"
ORDERS = ["listing first", "sitemap first", "listing, feed, sitemap"]


def crawl(tmp: Path, sites: Path) -> subprocess.CompletedProcess[str]:
    pairs = {
        "NEWS_STATE_PATH": tmp / "state" / "news.sqlite",
        "NEWS_TEMPLATE_STORE": tmp / "state" / "templates.json",
        "NEWS_DEFAULT_FEED": tmp / "output" / "%(run_start)s.jsonl",
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "NEWS_EXTRACT_WORKERS": 1,
        "NEWS_TEMPLATE_HOLD_SECONDS": 2,
        "LOG_LEVEL": "INFO",
        # A held document waits for its release (scheduled_portal.HOLD_SECONDS) unanswered.
        "DOWNLOAD_TIMEOUT": HOLD_SECONDS + 30,
    }
    settings = [arg for k, v in pairs.items() for arg in ("-s", f"{k}={v}")]
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={sites}", *settings],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=HOLD_SECONDS * 3,
        env={**os.environ, "PYTHONPATH": str(ROOT / "tests")},
    )


def items_of(tmp: Path, files: set[Path]) -> list[dict[str, Any]]:
    """Items in the run files of ``tmp/output`` not in ``files`` (the ones of earlier runs)."""
    found = []
    for path in sorted((tmp / "output").glob("*.jsonl")):
        if path in files or path.name.endswith(".rejects.jsonl"):
            continue
        found += [json.loads(line) for line in path.read_text().splitlines() if line]
    return found


def run(tmp: Path, sites: Path, server: PortalServer, order: str) -> list[dict[str, Any]]:
    """One scheduled run with the arrival order forced; the items it delivered."""
    before = set((tmp / "output").glob("*.jsonl")) if (tmp / "output").exists() else set()
    server.holds.clear()
    server.hold_timeouts.clear()
    if order == "listing first":
        server.hold(SITEMAP, until="/list/2.html")
    elif order == "sitemap first":
        server.hold("/", until=Portal.story_path(EDITED[-1]))
    else:
        server.hold(FEED, until="/list/2.html")
        server.hold(SITEMAP, until=Portal.story_path(EDITED[-1]))
    result = crawl(tmp, sites)
    assert result.returncode == 0, result.stderr[-3000:]
    return items_of(tmp, before)


@pytest.mark.parametrize("order", ORDERS)
def test_an_edit_is_delivered_once_whatever_the_arrival_order(tmp_path: Path, order: str) -> None:
    portal = Portal("Order Gazette", page_size=10)
    in_feed = order == "listing, feed, sitemap"
    for ident in range(1, STORIES + 1):
        portal.add_plain(ident, OLD, in_listing=True, in_sitemap=True, in_feed=in_feed)
    with PortalServer(portal) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.gazette]\nstart_urls = ["{server.base}/"]\nlanguage = "en"\n')

        first = run(tmp_path, sites, server, "listing first")
        assert len(first) == STORIES
        assert not server.hold_timeouts

        time.sleep(1.1)  # the edit's lastmod is later than run 1's fetch (second precision)
        for ident in EDITED:
            portal.edit(ident, datetime.now(UTC))
        server.log.clear()
        server.arrivals.clear()
        second = run(tmp_path, sites, server, order)
        # The forced order really happened: each held document was answered, and only after
        # its release path came in (none waited out its time).
        answered = [p for p, _, _ in server.log]
        assert set(server.holds) <= set(answered)
        assert not server.hold_timeouts
        paths = list(server.arrivals)
        # Each edited article was asked for once, however many entries named it.
        assert sorted(p for p in paths if p.startswith("/news/")) == sorted(
            Portal.story_path(i) for i in EDITED
        )
        assert sorted(i["url"].rsplit("/", 1)[1] for i in second) == sorted(
            f"{i}.html" for i in EDITED
        )
        assert all(i["is_update"] for i in second)
        assert all("Update:" in i["text"] for i in second)

        third = run(tmp_path, sites, server, "listing first")
        assert third == []

"""Site-template learning in a real crawl: a block on every page of a site leaves the text.

A small portal on 127.0.0.1 repeats a promotional paragraph inside every article body, where
trafilatura keeps it. Run 1 learns it (the first articles are held until enough pages were
seen) and saves what it learned; run 2, against the same site with holding switched off,
starts from the saved store and cleans its very first article; a control run with an empty
store shows the paragraph would otherwise stay.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = (
    "The Valley Courier is an independent newspaper owned by its readers since 1921, and "
    "every story is free to read because members pay for it: become a member today."
)
TOPICS = [
    ("library", "The town library will open on Sundays from next month", "librarians"),
    ("bridge", "Repairs to the old stone bridge finished two weeks early", "engineers"),
    ("market", "The Saturday farmers market moves to the station square", "traders"),
    ("school", "A new primary school wing opens after the spring break", "teachers"),
    ("orchard", "Volunteers replant the community orchard by the canal", "volunteers"),
    ("tram", "The tram line extension gets its final approval", "planners"),
    ("pool", "The public swimming pool reopens with a solar roof", "swimmers"),
    ("choir", "The youth choir wins the regional competition", "singers"),
]


def article(slug: str, headline: str, people: str, index: int) -> str:
    body = "".join(
        f"<p>{sentence}</p>"
        for sentence in (
            f"{headline}, the council confirmed on Monday after a long consultation in which "
            f"{people} and residents of the valley took part in record numbers.",
            f"Story {index}: the plan was first put forward {index + 2} years ago, when a "
            f"group of {people} wrote to the mayor asking for a decision before the winter.",
            f"Officials said the cost of the {slug} project, about {index + 3} million, is "
            f"covered by a regional grant and by savings made elsewhere in this year's budget.",
            TEMPLATE,
            f"Residents can read the full {slug} plan at the town hall and send comments "
            f"until the end of the month, and {people} will present it at an open evening.",
        )
    )
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{headline}</title>"
        "<meta property='og:type' content='article'>"
        f"<meta property='article:published_time' content='2024-05-0{index % 9 + 1}T08:00:00Z'>"
        "</head><body><nav><a href='/'>Home</a> <a href='/news/'>News</a></nav>"
        f"<article><h1>{headline}</h1><div class='content'>{body}</div></article>"
        "</body></html>"
    )


def build_site(topics: list[tuple[str, str, str]]) -> dict[str, str]:
    pages = {}
    links = []
    for index, (slug, headline, people) in enumerate(topics):
        path = f"/news/2024/05/{index + 10:02d}/{slug}-{1000 + index}.html"
        pages[path] = article(slug, headline, people, index)
        links.append(f"<li><a href='{path}'>{headline}</a></li>")
    pages["/"] = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>The Valley Courier</title>"
        f"</head><body><h1>The Valley Courier</h1><ul>{''.join(links)}</ul></body></html>"
    )
    return pages


class Portal:
    """Serves ``pages`` on 127.0.0.1 (port 0); ``pages`` may be swapped between runs."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                html = portal.pages.get(self.path)
                self.send_response(200 if html else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((html or "not found").encode("utf-8"))

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def portal() -> Iterator[Portal]:
    served = Portal()
    yield served
    served.close()


def crawl(portal: Portal, workdir: Path, name: str, store: Path, *settings: str) -> list[dict]:
    feed = workdir / f"{name}.jsonl"
    args = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"start_urls={portal.url}"]
    args += ["-O", str(feed), "-s", f"NEWS_TEMPLATE_STORE={store}", "-s", "NEWS_EXTRACT_WORKERS=1"]
    args += ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO"]
    for setting in settings:
        args += ["-s", setting]
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]


def test_template_learned_held_and_persisted(portal: Portal, tmp_path: Path) -> None:
    store = tmp_path / "templates.json"
    portal.pages = build_site(TOPICS[:6])
    first = crawl(portal, tmp_path, "run1", store, "NEWS_TEMPLATE_HOLD_PAGES=5")
    assert len(first) == 6
    for item in first:
        assert TEMPLATE[:40] not in item["text"], item["url"]
        assert "Residents can read the full" in item["text"]
    saved = json.loads(store.read_text(encoding="utf-8"))
    assert saved["sites"], "nothing was persisted"

    # The next cron run sees new stories; holding is off, so only the store can clean them.
    portal.pages = build_site(TOPICS[6:])
    second = crawl(portal, tmp_path, "run2", store, "NEWS_TEMPLATE_HOLD_SECONDS=0")
    assert len(second) == 2
    assert all(TEMPLATE[:40] not in item["text"] for item in second)

    control = crawl(
        portal, tmp_path, "control", tmp_path / "empty.json", "NEWS_TEMPLATE_HOLD_SECONDS=0"
    )
    assert any(TEMPLATE[:40] in item["text"] for item in control), "fixture proves nothing"

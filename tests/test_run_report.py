"""The run report: a crawl of the demo portals writes ``<feed>.report.html`` beside its
summary, and a real headless Chromium (Debian's ``chromium``, `make system-deps`) shows the
sites, their counts and sample articles from it, with no network and no script. The progress
line is in the log of the same crawl (not a terminal: periodic INFO lines)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest

from crawler.exitcodes import ExitCode
from crawler.extensions.progress import progress_line
from crawler.extensions.report import render_report, report_path_for, sample_of
from demo.server import PortalServer as DemoServer
from demo.server import serve_demo
from tests.crawl_harness import ROOT, crawl_command, run_crawl
from tests.scheduled_portal import Portal, PortalServer

CHROMIUM = "/usr/bin/chromium"


def chromium_dom(page: Path, profile: Path) -> lxml.html.HtmlElement:
    """The DOM Chromium rendered from ``page`` (headless, nothing fetched but the file)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make system-deps installs Debian's package)")
    proc = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return lxml.html.document_fromstring(proc.stdout)


def table_rows(dom: lxml.html.HtmlElement, table_id: str) -> dict[str, list[str]]:
    """First cell -> the row's cells, of the table with that id."""
    rows = dom.xpath(f"//table[@id='{table_id}']//tr[td]")
    cells = [[" ".join(td.text_content().split()) for td in row.xpath("td")] for row in rows]
    return {row[0]: row for row in cells}


@pytest.mark.slow
def test_demo_crawl_report_shows_sites_counts_and_samples_in_chromium(tmp_path: Path) -> None:
    with DemoServer() as server:
        portals = serve_demo(server)
        result = run_crawl(
            [p.start_url for p in portals],
            settings={"NEWS_PROGRESS_INTERVAL": "0.5", "LOG_LEVEL": "INFO"},
            workdir=tmp_path,
        )
    assert result.returncode == 0, result.tail()
    summary = json.loads((tmp_path / "items.summary.json").read_text(encoding="utf-8"))
    report = tmp_path / "items.report.html"
    assert report.exists(), result.tail()
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert not lxml.html.fromstring(html).xpath("//*[@src] | //link[@href]"), "external resource"

    dom = chromium_dom(report, tmp_path / "chromium-profile")
    sites = table_rows(dom, "sites")
    assert set(sites) == set(summary["sites"]), sites
    for name, counts in summary["sites"].items():
        row = sites[name]
        assert row[1:4] == [str(counts["pages_fetched"]), str(counts["articles"]), "0"], row
        assert counts["articles"] > 0
    # Sample articles: their titles are articles of the feed, kept text beside removed lines.
    titles = {item["title"] for item in result.items}
    samples = dom.xpath("//h3[@class='sample-title']")
    assert len(samples) >= len(portals), "a sample per site"
    for heading in samples:
        site, _, title = heading.text_content().partition(": ")
        assert site in summary["sites"] and title in titles, heading.text_content()
    kept = dom.xpath("//div[@class='kept']/p")
    removed = dom.xpath("//div[@class='removed']/p")
    assert kept and removed
    body_text = {
        " ".join(line.split()) for item in result.items for line in item["text"].split("\n")
    }
    assert {p.text_content() for p in kept[:3]} <= body_text
    assert not {p.text_content() for p in removed} & body_text, "a removed line is in a text"
    assert "No site fell below its baseline" in dom.xpath("string(//div[@id='alarms'])")
    # The progress line: not a terminal, so INFO lines while the crawl ran, and a last one.
    lines = [line for line in result.log.splitlines() if "progress: pages" in line]
    assert lines, result.tail()
    last = lines[-1]
    assert f"pages {summary['pages_fetched']} " in last
    assert all(name in last for name in summary["sites"]), last


def test_report_path_is_beside_the_summary() -> None:
    assert report_path_for(Path("out/20260101T000000Z.summary.json")) == Path(
        "out/20260101T000000Z.report.html"
    )
    assert report_path_for(Path("items.summary.json")).name == "items.report.html"


def test_sample_splits_page_lines_into_kept_and_removed() -> None:
    html = (
        "<html><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav><article>"
        "<h1>Bridge opens</h1><p>The new bridge opened on Monday after four years.</p>"
        "<p>Traffic is expected to ease.</p></article><footer>Copyright Example</footer>"
        "</body></html>"
    )
    text = "The new bridge opened on Monday after four years.\nTraffic is expected to ease."
    sample = sample_of("http://x/a", html, "Bridge opens", text, {"navigation": 1})
    assert sample.kept == text.split("\n")
    assert "Copyright Example" in sample.removed and "Home World" in sample.removed
    assert not set(sample.kept) & set(sample.removed)


def test_report_escapes_page_text() -> None:
    summary = {
        "run_id": "r",
        "sites": {
            "<b>site</b>": {
                "pages_fetched": 1,
                "articles": 1,
                "updates": 0,
                "unchanged": 0,
                "duplicates": 0,
                "rejects": {"<i>bad</i>": 1},
                "errors": 0,
            }
        },
        "alarms": [],
    }
    sample = sample_of("http://x/<a>", "<html><body><p>&lt;script&gt;</p></body></html>", "t", "")
    html = render_report(summary, {"<b>site</b>": [sample]})
    assert "<b>site</b>" not in html and "<i>bad</i>" not in html and "<script>" not in html


def test_progress_line_names_the_busiest_sites() -> None:
    def site(pages: int, articles: int, rejects: int) -> dict[str, object]:
        return {"pages_fetched": pages, "articles": articles, "rejects": {"x": rejects}}

    summary = {"pages_fetched": 30, "sites": {"a": site(10, 5, 1), "b": site(20, 9, 0)}}
    line = progress_line(summary, queued=7, rate=2.5, max_sites=1)
    assert line == "pages 30 (2.5/s) | articles 14 | rejects 1 | queue 7 | b 20/9/0 +1 sites"


def test_chromium_is_in_the_system_deps() -> None:
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text(encoding="utf-8")
    assert "chromium" in makefile.split("system-deps:", 1)[1].split("\n\n", 1)[0]


def small_portal() -> Portal:
    portal = Portal("Harbour Gazette")
    for ident in range(1, 7):
        portal.add_plain(ident, datetime(2024, 5, 2, tzinfo=UTC))
    return portal


@pytest.mark.slow
def test_progress_line_is_redrawn_in_place_on_a_terminal(tmp_path: Path) -> None:
    """stderr on a real pseudo-terminal: the line is redrawn with a carriage return."""
    with PortalServer(small_portal(), "127.0.0.1") as server:
        command = crawl_command(
            [f"{server.base}/"],
            tmp_path / "items.jsonl",
            tmp_path / "rejects.jsonl",
            [],
            {"NEWS_PROGRESS_TTY_INTERVAL": "0.2", "LOG_LEVEL": "WARNING"},
        )
        leader, follower = pty.openpty()
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=follower)
        os.close(follower)
        screen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the crawl closed its end
                break
            if not chunk:
                break
            screen += chunk
        os.close(leader)
        assert proc.wait(timeout=180) == 0, screen[-3000:]
    text = screen.decode("utf-8", "replace")
    redraws = text.count("\rpages ")
    assert redraws >= 1 and "\x1b[K" in text, text[-2000:]
    assert "progress:" not in text  # no log lines on a terminal, the line itself
    last = text.rsplit("\rpages ", 1)[1]  # the last redraw: the run's final state
    assert "| articles 6 | rejects 0 | queue 0 |" in last, last


@pytest.mark.slow
def test_a_report_that_cannot_be_written_fails_the_run_with_74(tmp_path: Path) -> None:
    (tmp_path / "items.report.html").mkdir()  # a folder in the way of the file
    with PortalServer(small_portal(), "127.0.0.1") as server:
        result = run_crawl([f"{server.base}/"], workdir=tmp_path)
    assert result.returncode == ExitCode.OUTPUT_FAILED, result.tail()
    assert "cannot write the run report" in result.log
    assert result.stats.get("output/write_failed/run report") == 1

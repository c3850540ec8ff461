"""Breakage alarms: scheduled runs of a local portal keep per-site baselines in the state
store; when the portal changes its template (the byline vanishes, then no article is listed)
the run names the site in its log, summary and report, writes the alarm to the metrics
textfile, and exits with ``ExitCode.SITE_ALARM``. The live /metrics port is scraped once
while a crawl waits on the portal."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from crawler.exitcodes import ExitCode
from crawler.health import AlarmPolicy, alarms_for, baseline
from crawler.state.sqlite import SQLiteStateStore
from crawler.state.store import SiteMetrics
from tests.scheduled_crawl import ROOT, crawl
from tests.scheduled_portal import ChangingPortal, Portal, PortalServer

WHEN = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
PER_RUN = 6  # new stories each run


def add_stories(portal: Portal, run: int, listed: bool = True) -> None:
    for ident in range(run * 100, run * 100 + PER_RUN):
        portal.add_plain(ident, WHEN, in_listing=listed)


def metrics(path: Path | str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = Path(path).read_text(encoding="utf-8") if isinstance(path, Path) else path
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def newest(folder: Path, suffix: str) -> Path:
    return sorted(folder.glob(f"*{suffix}"))[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


ALARM_SETTINGS = ("-s", "NEWS_ALARM_MIN_RUNS=2")


@pytest.mark.slow
def test_template_change_raises_alarms_with_their_exit_code(tmp_path: Path) -> None:
    portal = ChangingPortal("Harbour Gazette")
    prom = tmp_path / "metrics" / "newscrawler.prom"
    with PortalServer(portal, "127.0.0.1") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.harbour]\nstart_urls = ["{server.base}/"]\nlanguage = "en"\n')
        extra = (*ALARM_SETTINGS, "-s", f"NEWS_METRICS_TEXTFILE={prom}")
        output = tmp_path / "output"

        # Runs 1 and 2: new stories with bylines; the baseline is built, no alarm.
        for run in (1, 2):
            add_stories(portal, run)
            proc = crawl(tmp_path, sites, *extra)
            assert proc.returncode == ExitCode.OK, proc.stderr[-3000:]
            summary = json.loads(newest(output, ".summary.json").read_text())
            assert summary["alarms"] == []
            assert summary["sites"]["harbour"]["coverage"]["authors"] == 1.0
        assert summary["sites"]["harbour"]["baseline"]["runs"] == 1
        figures = metrics(prom)
        assert figures[("newscrawler_site_articles_read", (("site", "harbour"),))] == PER_RUN
        assert figures[("newscrawler_run_alarms", ())] == 0
        assert summary["sites"]["harbour"]["known"] == PER_RUN  # run 1's, listed again

        # Run 3: the byline is gone from the template.
        portal.byline = False
        add_stories(portal, 3)
        proc = crawl(tmp_path, sites, *extra)
        assert proc.returncode == ExitCode.SITE_ALARM, proc.stderr[-3000:]
        assert "site alarm: far below their baseline: harbour" in proc.stderr
        assert "WARNING: site alarm: harbour: authors on 0% of articles" in proc.stderr
        summary = json.loads(newest(output, ".summary.json").read_text())
        assert [(a["site"], a["metric"]) for a in summary["alarms"]] == [
            ("harbour", "coverage:authors")
        ]
        assert summary["failure"] is None  # the articles were delivered: not a failure
        report = newest(output, ".report.html").read_text(encoding="utf-8")
        assert "harbour: authors on 0% of articles, baseline 100%" in report
        figures = metrics(prom)
        alarm = ("newscrawler_site_alarm", (("metric", "coverage:authors"), ("site", "harbour")))
        assert figures[alarm] == 1
        coverage = (
            "newscrawler_site_field_coverage",
            (("field", "authors"), ("site", "harbour")),
        )
        assert figures[coverage] == 0

        # Run 4: the listing template lost its links (new and old): the volume alarm. The
        # baseline counts the known articles each run found listed again (6, 12, 18).
        add_stories(portal, 4)
        for story in portal.stories.values():
            story.in_listing = False
        proc = crawl(tmp_path, sites, *extra)
        assert proc.returncode == ExitCode.SITE_ALARM, proc.stderr[-3000:]
        summary = json.loads(newest(output, ".summary.json").read_text())
        assert [a["metric"] for a in summary["alarms"]] == ["volume"]
        assert "harbour: 0 articles found, baseline 12" in proc.stderr


@pytest.mark.slow
def test_metrics_port_is_scraped_during_a_crawl(tmp_path: Path) -> None:
    portal = Portal("Harbour Gazette")
    add_stories(portal, 1)
    port = free_port()
    with PortalServer(portal, "127.0.0.1") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.harbour]\nstart_urls = ["{server.base}/"]\n')
        server.release.clear()  # every answer waits until the metrics were scraped
        args = [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "news",
            "-a",
            f"sites={sites}",
            "-s",
            f"NEWS_METRICS_PORT={port}",
            "-s",
            f"NEWS_STATE_PATH={tmp_path / 'state.sqlite'}",
            "-s",
            f"NEWS_TEMPLATE_STORE={tmp_path / 'templates.json'}",
            "-s",
            f"NEWS_DEFAULT_FEED={tmp_path / 'output'}/%(run_start)s.jsonl",
            "-s",
            "DOWNLOAD_DELAY=0",
        ]
        proc = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            assert server.arrived.wait(120), "the crawl made no request"
            page = scrape(f"http://127.0.0.1:{port}/metrics", proc)
        finally:
            server.release.set()
        _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err[-3000:]
    figures = metrics(page)
    assert figures[("newscrawler_run_running", ())] == 1
    assert figures[("newscrawler_run_pages_fetched", ())] == 0  # the portal holds every answer
    assert f"metrics served on http://127.0.0.1:{port}/metrics" in err


def scrape(url: str, proc: subprocess.Popen[str]) -> str:
    """GET ``url``; the server starts with the spider, so retry until it answers."""
    for _ in range(600):
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                return answer.read().decode()
        except OSError:
            assert proc.poll() is None, "the crawl ended before /metrics answered"
            time.sleep(0.1)
    raise AssertionError("/metrics never answered")


# --- the rules, on figures ------------------------------------------------------------------

POLICY = AlarmPolicy()


def usual(site: str = "s", read: int = 50) -> SiteMetrics:
    return SiteMetrics(site, 60, read, read, read, int(read * 0.9), read, read * 2000)


def test_no_alarm_before_enough_runs() -> None:
    broken = SiteMetrics("s", 10, 0)
    assert alarms_for(broken, baseline([usual()]), POLICY) == []
    assert alarms_for(broken, baseline([usual()] * 2), POLICY) == []
    assert [a.metric for a in alarms_for(broken, baseline([usual()] * 3), POLICY)] == ["volume"]


def test_authors_falling_from_90_to_10_percent_is_an_alarm() -> None:
    today = SiteMetrics("s", 60, 50, 50, 50, 5, 50, 50 * 2000)
    found = alarms_for(today, baseline([usual()] * 5), POLICY)
    assert [(a.metric, a.value, a.baseline) for a in found] == [("coverage:authors", 0.1, 0.9)]


def test_ordinary_variation_and_rare_fields_raise_nothing() -> None:
    history = [usual(read=n) for n in (40, 55, 50, 60, 45)]
    today = SiteMetrics("s", 50, 30, 30, 30, 20, 25, 30 * 1500)
    assert alarms_for(today, baseline(history), POLICY) == []
    # A site that seldom has bylines (20%) has no authors alarm when it has none today.
    rare = [SiteMetrics("s", 60, 50, 50, 50, 10, 50, 100_000)] * 5
    today = SiteMetrics("s", 60, 50, 50, 50, 0, 50, 100_000)
    assert alarms_for(today, baseline(rare), POLICY) == []
    # A site that usually has fewer than NEWS_ALARM_MIN_VOLUME articles has no volume alarm.
    quiet = [SiteMetrics("s", 5, 2, 2, 2, 2, 2, 4000)] * 5
    assert alarms_for(SiteMetrics("s", 5, 0), baseline(quiet), POLICY) == []


def test_text_length_collapse_is_an_alarm() -> None:
    today = SiteMetrics("s", 60, 50, 50, 50, 45, 50, 50 * 300)
    assert [a.metric for a in alarms_for(today, baseline([usual()] * 3), POLICY)] == ["text_length"]


def test_store_keeps_history_newest_first_and_survives_an_old_store(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    store = SQLiteStateStore(path)
    store.record_site_metrics("r1", [SiteMetrics("a", 10, 8), SiteMetrics("b", 5, 1)])
    store.record_site_metrics("r2", [SiteMetrics("a", 12, 9)])
    assert [m.read for m in store.site_history("a", 10)] == [9, 8]
    assert store.site_history("a", 1) == [SiteMetrics("a", 12, 9)]
    # A store from before the baselines (no site_metrics table): no history, no crash...
    with sqlite3.connect(path) as other:
        other.execute("DROP TABLE site_metrics")
    assert store.site_history("a", 10) == []
    store.close()
    # ... and the next open adds the table.
    store = SQLiteStateStore(path)
    assert store.site_history("a", 10) == []
    store.record_site_metrics("r3", [SiteMetrics("a", 1, 1)])
    assert [m.read for m in store.site_history("a", 10)] == [1]
    store.close()


def test_a_site_metrics_table_of_another_shape_loses_only_the_baselines(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE site_metrics (run_id TEXT, site TEXT)")
    store = SQLiteStateStore(path)
    store.record_site_metrics("r1", [SiteMetrics("a", 10, 8)])  # logged, not raised
    assert store.site_history("a", 10) == []
    store.close()

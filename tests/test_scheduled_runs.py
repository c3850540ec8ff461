"""Scheduled runs end to end: real `scrapy crawl` runs against portals that change between runs.

One scenario, three runs (incremental, discovery, dedupe); one chain of killed runs
(exactly-once delivery); two overlapping bin/crawl-cron calls.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler import settings as project_settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scheduled_portal import Portal, PortalServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OLD = datetime(2024, 5, 2, 8, tzinfo=UTC)


def settings(tmp: Path) -> list[str]:
    """Settings that keep a test's crawl to its own folder, fast on loopback."""
    pairs = {
        "NEWS_STATE_PATH": tmp / "state" / "news.sqlite",
        "NEWS_TEMPLATE_STORE": tmp / "state" / "templates.json",
        "NEWS_DEFAULT_FEED": tmp / "output" / "%(run_start)s.jsonl",
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "NEWS_EXTRACT_WORKERS": 1,
        "NEWS_TEMPLATE_HOLD_SECONDS": 2,
    }
    return [arg for k, v in pairs.items() for arg in ("-s", f"{k}={v}")]


def crawl(tmp: Path, sites: Path, *extra: str, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent)}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={sites}"]
        + settings(tmp)
        + list(extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def delivered(tmp: Path) -> list[Path]:
    """The run files a consumer of output/ would read."""
    return sorted(
        p for p in (tmp / "output").glob("*.jsonl") if not p.name.endswith(".rejects.jsonl")
    )


def newest_run(tmp: Path) -> tuple[list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
    """Items, summary and rejects of the latest run (a run with no article leaves no items
    file, only its summary)."""
    summary_path = sorted((tmp / "output").glob("*.summary.json"))[-1]
    stem = summary_path.name.split(".")[0]
    summary = json.loads(summary_path.read_text())
    feed = summary_path.parent / f"{stem}.jsonl"
    rejects_path = feed.parent / f"{stem}.rejects.jsonl"
    rejects = read_jsonl(rejects_path) if rejects_path.exists() else []
    return (read_jsonl(feed) if feed.exists() else []), summary, rejects


def sites_file(tmp: Path, alpha: PortalServer, beta: PortalServer | None = None) -> Path:
    text = (
        f'[sites.alpha]\nstart_urls = ["{alpha.base}/"]\nfeeds = ["{alpha.base}/atom.xml"]\n'
        'deny = ["/private/"]\nlanguage = "en"\n'
    )
    if beta is not None:
        text += f'\n[sites.beta]\nstart_urls = ["{beta.base}/"]\nlanguage = "en"\n'
    path = tmp / "sites.toml"
    path.write_text(text)
    return path


def build_alpha() -> Portal:
    """12 stories, each reachable one way only: listing, RSS (auto-discovered), Atom
    (given), the gzipped child of the sitemap index, or the Google News sitemap."""
    alpha = Portal("Alpha Herald")
    ways = ["in_listing", "in_feed", "in_sitemap", "in_news_sitemap", "in_atom", "in_listing"]
    for ident in range(1, 13):
        alpha.add_plain(ident, OLD, **{w: w == ways[ident % len(ways)] for w in ways})
    # Story 6 is also linked with tracking parameters and as its mobile variant.
    story = alpha.stories[6]
    story.extra_links = [f"{story.path}?utm_source=tw&fbclid=abc#top", f"/m{story.path}"]
    return alpha


def build_beta(alpha: Portal) -> Portal:
    """3 own stories and a syndicated copy of alpha's story 1 (own URL and title, one line
    added: a near duplicate, not an exact one)."""
    beta = Portal("Beta Daily")
    for ident in (101, 102, 103):
        beta.add_plain(ident, OLD)
    copy = beta.add_plain(104, OLD)
    copy.body = [*alpha.stories[1].body, "This story first appeared in the Alpha Herald."]
    return beta


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("scheduled")
    alpha = build_alpha()
    beta = build_beta(alpha)
    with PortalServer(alpha, "127.0.0.1") as a, PortalServer(beta, "127.0.0.2") as b:
        yield tmp, alpha, beta, a, b, sites_file(tmp, a, b)


def test_incremental_runs_discovery_and_dedupe(scenario: Any) -> None:
    tmp, alpha, beta, a, b, sites = scenario

    # --- run 1: everything, each article once ------------------------------------------------
    result = crawl(tmp, sites)
    assert result.returncode == 0, result.stderr[-3000:]
    items, summary, rejects = newest_run(tmp)
    urls = Counter(item["url"] for item in items)
    assert all(count == 1 for count in urls.values()), urls
    alpha_paths = {s.path for s in alpha.stories.values()}
    got_alpha = {
        item["url"].removeprefix(a.base) for item in items if item["url"].startswith(a.base)
    }
    got_beta = {
        item["url"].removeprefix(b.base) for item in items if item["url"].startswith(b.base)
    }
    assert len(items) == 15
    # The syndicated copy of alpha's story 1 is emitted once, on one of the two sites.
    syndicated = {alpha.stories[1].path} ^ {beta.stories[104].path}
    assert len(got_alpha | got_beta) == 15
    assert (alpha.stories[1].path in got_alpha) != (beta.stories[104].path in got_beta)
    assert got_alpha | got_beta >= (alpha_paths | {"/news/2024/05/101.html"}) - syndicated
    duplicate = [r for r in rejects if r["reason"] in ("duplicate", "near duplicate")]
    assert len(duplicate) == 1 and duplicate[0]["duplicate_of"], rejects
    assert duplicate[0]["reason"] == "near duplicate"
    assert sum(s["duplicates"] for s in summary["sites"].values()) == 1
    assert all(item["is_update"] is False for item in items)
    # Feed, Atom, sitemap index with a gzipped child, news sitemap: all followed.
    requested = [path for path, _, _ in a.log]
    for document in (
        "/robots.txt",
        "/sitemap_index.xml",
        "/sitemaps/articles.xml.gz",
        "/sitemaps/news.xml",
        "/feed.xml",
        "/atom.xml",
    ):
        assert document in requested, document
    # Tracking-parameter and mobile variants of story 6 are one request, one item.
    assert a.article_requests().count(alpha.stories[6].path) == 1
    assert not any("utm_source" in p or p.startswith("/m/") for p in requested)
    assert summary["sites"]["alpha"]["articles"] + summary["sites"]["beta"]["articles"] == 15
    assert summary["sites"]["alpha"]["pages_fetched"] > 12

    # --- run 2: nothing changed -> nothing emitted, no article requested -----------------------
    a.log.clear()
    b.log.clear()
    result = crawl(tmp, sites)
    assert result.returncode == 0, result.stderr[-3000:]
    items, summary, _ = newest_run(tmp)
    assert items == []
    assert a.article_requests() == [] and b.article_requests() == []
    assert "/sitemaps/news.xml" in [p for p, _, _ in a.log]  # sitemaps are re-read
    assert summary["incremental"]["skipped_known"] >= 1

    # --- run 3: 3 added, 1 edited (news sitemap says so), 1 touched without change ------------
    now = datetime.now(UTC)
    alpha.add_plain(13, now, in_feed=True)
    alpha.add_plain(14, now, in_sitemap=True)
    alpha.add_plain(15, now, in_listing=True)
    edited = next(s for s in alpha.stories.values() if s.in_news_sitemap)
    alpha.edit(edited.id, now)
    touched = next(s for s in alpha.stories.values() if s.in_sitemap and s.id < 13)
    touched.modified = now  # lastmod moves, text does not: a conditional GET gets 304
    a.log.clear()
    result = crawl(tmp, sites)
    assert result.returncode == 0, result.stderr[-3000:]
    items, summary, _ = newest_run(tmp)
    by_path = {item["url"].removeprefix(a.base): item for item in items}
    assert sorted(by_path) == sorted(alpha.stories[i].path for i in (13, 14, 15, edited.id))
    assert by_path[edited.path]["is_update"] is True
    assert "Update:" in by_path[edited.path]["text"]
    assert sum(item["is_update"] for item in items) == 1
    assert sorted(a.article_requests()) == sorted(
        alpha.stories[i].path for i in (13, 14, 15, edited.id, touched.id)
    )
    conditional = {p: h for p, h, _ in a.log if p in (edited.path, touched.path)}
    assert all("If-None-Match" in h for h in conditional.values()), conditional
    assert [s for p, _, s in a.log if p == touched.path] == [304]
    assert summary["incremental"]["not_modified"] == 1
    assert summary["sites"]["alpha"]["updates"] == 1
    assert not list((tmp / "output").glob("*.part"))


def test_kill_9_at_any_point_delivers_each_article_exactly_once(tmp_path: Path) -> None:
    portal = Portal("Gamma Times")
    for ident in range(1, 9):
        portal.add_plain(ident, OLD)
    with PortalServer(portal, "127.0.0.3") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.gamma]\nstart_urls = ["{server.base}/"]\n')
        kills = [
            ("-s", "KILLPOINT_ITEM=3"),
            ("-s", "KILLPOINT_DELIVERY=before_commit"),
            ("-s", "KILLPOINT_DELIVERY=before_rename"),
            ("-s", "KILLPOINT_DELIVERY=before_mark"),
        ]
        extensions = {**project_settings.EXTENSIONS, "killpoints.KillAtItem": 50}
        killers = (
            "-s",
            f"EXTENSIONS={json.dumps(extensions)}",
            "-s",
            'FEED_STORAGES={"": "killpoints.KillingFeedStorage"}',
        )
        next_id = 100
        logs = []
        for kill in kills:
            result = crawl(tmp_path, sites, *killers, *kill)
            logs.append(result.stderr)
            assert result.returncode == -9, (kill, result.returncode, result.stderr[-2000:])
            for _ in range(2):  # new stories for every run, so each run has items to deliver
                portal.add_plain(next_id, datetime.now(UTC))
                next_id += 1
        result = crawl(tmp_path, sites)
        assert result.returncode == 0, result.stderr[-3000:]
    # The run after "before_rename" finished that run's delivery; the first two left nothing.
    assert "recovered the output of a killed run" in logs[3]
    assert sum("discarded the partial output" in log for log in logs[1:3]) == 2
    delivered_items = [item for path in delivered(tmp_path) for item in read_jsonl(path)]
    counts = Counter(item["url"].removeprefix(server.base) for item in delivered_items)
    assert set(counts) == {s.path for s in portal.stories.values()}
    assert all(c == 1 for c in counts.values()), counts
    assert not list((tmp_path / "output").glob("*.part"))


def test_overlapping_cron_calls(tmp_path: Path) -> None:
    portal = Portal("Delta Post")
    for ident in range(1, 6):
        portal.add_plain(ident, OLD)
    env = {
        **os.environ,
        "CRAWL_CRON_LOCK": str(tmp_path / "cron.lock"),
        "CRAWL_CRON_LOG_DIR": str(tmp_path / "logs"),
        "CRAWL_CRON_KEEP_LOGS": "2",
    }
    cron = [str(ROOT / "bin" / "crawl-cron")]
    with PortalServer(portal, "127.0.0.4") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.delta]\nstart_urls = ["{server.base}/"]\n')
        server.release.clear()  # the first run waits on its first answer, holding the lock
        first = subprocess.Popen(
            [*cron, str(sites), *settings(tmp_path)],
            cwd="/",
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert server.arrived.wait(120), "the first run never asked for a page"
        second = subprocess.run(
            [*cron, str(sites), *settings(tmp_path)],
            cwd="/tmp",
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        server.release.set()
        assert first.wait(timeout=180) == 0, first.stderr.read() if first.stderr else ""
    assert second.returncode == 75
    assert "another crawl is still running" in second.stderr
    assert len(list((tmp_path / "logs").glob("crawl-*.log"))) == 1
    assert len(read_jsonl(delivered(tmp_path)[-1])) == 5
    # A bad sites file: the run's own status (2), the reason on stderr, one more log.
    bad = tmp_path / "bad.toml"
    bad.write_text('[sites.delta]\nstart_urls = ["http://127.0.0.4/"]\ncolour = "red"\n')
    time.sleep(1.1)  # logs are named by the second a run starts
    result = subprocess.run([*cron, str(bad)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "'colour'" in result.stderr
    assert len(list((tmp_path / "logs").glob("crawl-*.log"))) == 2


def test_a_site_whose_every_request_failed_fails_the_run(tmp_path: Path) -> None:
    portal = Portal("Epsilon News")
    portal.add_plain(1, OLD)
    with PortalServer(portal, "127.0.0.5") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(
            f'[sites.up]\nstart_urls = ["{server.base}/"]\n\n'
            '[sites.down]\nstart_urls = ["http://127.0.0.6:9/"]\n'
        )
        result = crawl(tmp_path, sites, "-s", "RETRY_TIMES=0")
    assert result.returncode == 3  # some sites failed (crawler.outcome.ExitCode)
    assert "some sites failed, no page of theirs answered: down" in result.stderr
    items, summary, _ = newest_run(tmp_path)
    assert len(items) == 1
    assert summary["sites"]["down"]["errors"] >= 1 and summary["failure"]

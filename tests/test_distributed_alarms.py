"""Breakage alarms in the Redis mode: two workers share a crawl, so neither judges its own
share. Each stores its per-site figures with its summary; the last to finish adds them up,
compares each site with its baseline in Redis (``<prefix>:state:site-metrics:<site>``, one
entry per crawl whichever worker recorded it), and names a site that fell far below it in its
log, the crawl summary, its run summary and report, and exits 4 (``ExitCode.SITE_ALARM``).
Against a real redis-server (the workers run as the documented ``crawler`` ACL user) and a
portal on 127.0.0.1 whose article template loses its byline between runs. What is read back
from Redis is untrusted: bad history entries and forged worker figures are counted, not
believed."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis as redis_client
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.distributed.alarms import MAX_SITE_NAME, figures_of, figures_record
from crawler.exitcodes import ExitCode
from crawler.state.redis import SITE_METRICS_KEPT, RedisStateStore
from crawler.state.store import SiteMetrics
from tests.distributed_fixtures import (
    ROOT,
    RedisServer,
    redis_server,
    scrapy_env,
    start_worker,
    wait_all,
)
from tests.scheduled_portal import ChangingPortal, PortalServer

CRAWL_TIMEOUT = 150
WHEN = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
PER_RUN = 6  # new stories each run
# Scheduled runs (state kept) whose workers name their feed with -o; two recorded runs make
# a baseline.
RUN_SETTINGS = {"NEWS_STATE_ENABLED": "True", "NEWS_ALARM_MIN_RUNS": "2"}
HISTORY = "news:state:site-metrics:harbour"


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


def seed_sites(redis: RedisServer, sites: Path) -> None:
    """The operator's step of every run: a fresh frontier (the state, baselines included, is
    kept), as the seeding user."""
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "seed", "--reset", "-a", f"sites={sites}",
         "-s", f"NEWS_REDIS_URL={redis.seeder_url}"],
        cwd=ROOT, env=scrapy_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


def run(redis: RedisServer, sites: Path, workdir: Path) -> tuple[list[int], dict[str, Any]]:
    """One scheduled run: seed, two workers; their exit codes and the crawl summary."""
    workdir.mkdir()
    seed_sites(redis, sites)
    workers = [start_worker(redis.crawler_url, workdir, f"w{i}", RUN_SETTINGS) for i in range(2)]
    codes = wait_all(workers, CRAWL_TIMEOUT)
    summary = json.loads((workdir / "crawl-summary.json").read_text(encoding="utf-8"))
    return codes, summary


def add_stories(portal: ChangingPortal, run: int) -> None:
    for ident in range(run * 100, run * 100 + PER_RUN):
        portal.add_plain(ident, WHEN)


def judges(workdir: Path) -> list[str]:
    """The workers whose run summary holds the crawl's judgement."""
    found = []
    for path in sorted(workdir.glob("w*.summary.json")):
        if json.loads(path.read_text(encoding="utf-8")).get("judged"):
            found.append(path.name.split(".")[0])
    return found


def logs(workdir: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(workdir.glob("w*.log")))


@pytest.mark.slow
def test_template_change_raises_the_alarm_across_workers(
    redis: RedisServer, tmp_path: Path
) -> None:
    portal = ChangingPortal("Harbour Gazette")
    client = redis.client()
    with PortalServer(portal, "127.0.0.1") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.harbour]\nstart_urls = ["{server.base}/"]\nlanguage = "en"\n')

        # Runs 1 and 2 build the baseline: one history entry per crawl, not per worker.
        for number in (1, 2):
            add_stories(portal, number)
            codes, summary = run(redis, sites, tmp_path / f"run{number}")
            assert codes == [0, 0], logs(tmp_path / f"run{number}")[-4000:]
            assert summary["alarms"] == [] and summary["recorded"] is True
            assert summary["sites"]["harbour"]["read"] == PER_RUN  # summed over the workers
            assert client.hlen(HISTORY) == number
        assert summary["sites"]["harbour"]["baseline"]["runs"] == 1

        # Run 3, an ordinary run (new stories with bylines): judged, no alarm.
        add_stories(portal, 3)
        workdir = tmp_path / "run3"
        codes, summary = run(redis, sites, workdir)
        assert codes == [0, 0], logs(workdir)[-4000:]
        assert summary["alarms"] == [] and summary["baselines"] is True
        assert summary["sites"]["harbour"]["baseline"]["runs"] == 2
        assert summary["sites"]["harbour"]["authors"] == PER_RUN
        assert judges(workdir), "no worker judged the crawl"
        assert "site alarm" not in logs(workdir)

        # Run 4: the byline is gone from the article template.
        portal.byline = False
        add_stories(portal, 4)
        workdir = tmp_path / "run4"
        codes, summary = run(redis, sites, workdir)
        assert ExitCode.SITE_ALARM in codes and set(codes) <= {0, ExitCode.SITE_ALARM}, codes
        assert [(a["site"], a["metric"]) for a in summary["alarms"]] == [
            ("harbour", "coverage:authors")
        ]
        assert summary["sites"]["harbour"]["authors"] == 0
        assert summary["sites"]["harbour"]["baseline"]["runs"] == 3
        assert client.hlen(HISTORY) == 4
        # Each worker that exits 4 judged the crawl and says why: log, run summary, report.
        alarmed = [f"w{i}" for i, code in enumerate(codes) if code == ExitCode.SITE_ALARM]
        assert judges(workdir) == alarmed
        for name in alarmed:
            log = (workdir / f"{name}.log").read_text(encoding="utf-8")
            assert "WARNING: site alarm: harbour: authors on 0% of articles" in log
            own = json.loads((workdir / f"{name}.summary.json").read_text(encoding="utf-8"))
            assert [a["metric"] for a in own["alarms"]] == ["coverage:authors"]
            report = (workdir / f"{name}.report.html").read_text(encoding="utf-8")
            assert "harbour: authors on 0% of articles, baseline 100%" in report


@pytest.mark.slow
def test_bad_history_and_forged_figures_are_counted_not_believed(
    redis: RedisServer, tmp_path: Path
) -> None:
    """The crawler user can write the history and the workers' records: garbage there gives
    no alarm and no crash, and is counted (``redis/bad_state_entries``)."""
    portal = ChangingPortal("Harbour Gazette")
    attacker = redis_client.Redis.from_url(redis.crawler_url)  # the workers' own user
    history = "news:state:site-metrics:quay"
    with PortalServer(portal, "127.0.0.1") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.quay]\nstart_urls = ["{server.base}/"]\n')
        # Three forged runs that would make any real run "far below" them, all malformed.
        huge = {"pages": 10, "read": 10**13, "articles": 0, "title": 0, "authors": 0,
                "published": 0, "text_chars": 0, "known": 0}  # fmt: skip
        attacker.hset(history, "forged-1", json.dumps({"at": 1, "figures": huge}))
        attacker.hset(history, "forged-2", b"{not json")
        attacker.hset(history, "forged-3", json.dumps({"at": "x", "figures": {}}))
        add_stories(portal, 1)
        workdir = tmp_path / "run"
        workdir.mkdir()
        seed_sites(redis, sites)
        # A record in the workers' hash with more bylines than articles.
        forged = {"worker": "ghost", "status": "finished", "stats": {},
                  "sites": {"quay": {**huge, "read": 1, "authors": 1000}}}  # fmt: skip
        attacker.hset("news:workers", "ghost@1", json.dumps(forged))
        # A registration valid for ever would hold the judgement up: not believed. One that
        # lapsed is a worker killed without a summary: the crawl is judged, not recorded.
        now_ms = attacker.time()[0] * 1000
        for name, until in (("zombie", now_ms + 10**9), ("dead", now_ms - 1)):
            registration = {"worker": name, "status": "running", "started": "2024-01-01",
                            "alive_until": until, "stats": {}}  # fmt: skip
            attacker.hset("news:workers", f"{name}@1", json.dumps(registration))
        workers = [
            start_worker(redis.crawler_url, workdir, f"w{i}", RUN_SETTINGS) for i in range(2)
        ]
        codes = wait_all(workers, CRAWL_TIMEOUT)
    assert codes == [0, 0], logs(workdir)[-4000:]
    summary = json.loads((workdir / "crawl-summary.json").read_text(encoding="utf-8"))
    assert summary["alarms"] == [] and summary["lost_workers"] == ["dead"]
    assert summary["recorded"] is False
    assert summary["sites"]["quay"]["read"] == PER_RUN  # the forged record is left out
    assert summary["sites"]["quay"]["baseline"] is None  # no valid history
    text = logs(workdir)
    assert "ignoring malformed worker summary 'ghost@1'" in text
    assert "'redis/bad_worker_summaries': 2" in text  # the ghost and the zombie
    assert "ignoring worker registration 'zombie'" in text
    assert "'redis/bad_state_entries/bad_value': 1" in text
    assert "'redis/bad_state_entries/bad_json': 1" in text
    assert "'redis/bad_state_entries/bad_date': 1" in text


# --- the store's history, against a real redis-server ---------------------------------------


class _Crawler:
    def __init__(self) -> None:
        self.settings = Settings()


def store(redis: RedisServer, prefix: str) -> tuple[RedisStateStore, MemoryStatsCollector]:
    settings = Settings()
    settings.setmodule("crawler.settings")
    settings.set("NEWS_REDIS_URL", redis.crawler_url if prefix == "news" else redis.url)
    settings.set("NEWS_REDIS_PREFIX", prefix)
    stats = MemoryStatsCollector(_Crawler())  # type: ignore[arg-type]
    return RedisStateStore.from_settings(settings, stats), stats


def test_history_is_newest_first_without_the_judged_run_and_bounded(redis: RedisServer) -> None:
    # As the documented crawler user: its ACL grant covers the history keys.
    keeper, _ = store(redis, "news")
    for run in range(3):
        keeper.record_site_metrics(f"r{run}", [SiteMetrics("unit", 10, run + 5, run + 5)])
    assert [m.read for m in keeper.site_history("unit", 10)] == [7, 6, 5]
    assert [m.read for m in keeper.site_history("unit", 10, exclude_run="r2")] == [6, 5]
    assert keeper.site_history("unit", 1) == [SiteMetrics("unit", 10, 7, 7)]
    keeper.record_site_metrics("r2", [SiteMetrics("unit", 10, 9, 9)])  # judged twice: one entry
    assert [m.read for m in keeper.site_history("unit", 10)] == [9, 6, 5]
    for run in range(3, SITE_METRICS_KEPT + 5):
        keeper.record_site_metrics(f"r{run}", [SiteMetrics("unit", 1, 1)])
    assert redis.client().hlen("news:state:site-metrics:unit") == SITE_METRICS_KEPT
    keeper.close()


BAD_HISTORY = [
    (b"\xff\xfe", "not_utf8"),
    (b"[1, 2]", "bad_json"),
    (json.dumps({"at": 1, "figures": {"read": 1}}).encode(), "bad_value"),
    (json.dumps({"at": "soon", "figures": {}}).encode(), "bad_date"),
]


def test_bad_history_entries_are_counted_and_left_out(redis: RedisServer) -> None:
    keeper, stats = store(redis, "trust")
    keeper.record_site_metrics("good", [SiteMetrics("s", 3, 2, 2, 2, 1, 0, 900)])
    client = redis.client()
    for number, (value, _) in enumerate(BAD_HISTORY):
        client.hset("trust:state:site-metrics:s", f"bad{number}", value)
    negative = figures_record([SiteMetrics("s", 1, 1)])["s"] | {"pages": -1}
    client.hset("trust:state:site-metrics:s", "neg", json.dumps({"at": 2, "figures": negative}))
    assert keeper.site_history("s", 10) == [SiteMetrics("s", 3, 2, 2, 2, 1, 0, 900)]
    counted = {k: v for k, v in stats.get_stats().items() if k.startswith("redis/bad_state")}
    assert counted == {
        "redis/bad_state_entries": 5,
        "redis/bad_state_entries/not_utf8": 1,
        "redis/bad_state_entries/bad_json": 1,
        "redis/bad_state_entries/bad_value": 2,
        "redis/bad_state_entries/bad_date": 1,
    }
    # A key of another type: no history, counted; recording replaces it.
    client.delete("trust:state:site-metrics:t")
    client.set("trust:state:site-metrics:t", "x")
    assert keeper.site_history("t", 10) == []
    keeper.record_site_metrics("r", [SiteMetrics("t", 1, 1)])
    assert keeper.site_history("t", 10) == [SiteMetrics("t", 1, 1)]
    assert stats.get_value("redis/bad_state_entries/wrong_type") == 1  # once per key
    # A history too long to be one this store wrote is not read at all.
    client.hset("trust:state:site-metrics:u", mapping={f"f{i}": "x" for i in range(1001)})
    assert keeper.site_history("u", 10) == []
    assert stats.get_value("redis/bad_state_entries/too_large") == 1
    keeper.close()


def test_forged_worker_figures_are_refused() -> None:
    good = figures_record([SiteMetrics("s", 3, 2, 2, 2, 1, 0, 900)])
    assert figures_of(good) == {"s": SiteMetrics("s", 3, 2, 2, 2, 1, 0, 900)}
    assert figures_of({"s": {**good["s"], "authors": 3}}) is None  # more bylines than articles
    assert figures_of({"s": {**good["s"], "read": True}}) is None
    assert figures_of({"s": {**good["s"], "extra": 1}}) is None
    assert figures_of({"": good["s"]}) is None
    assert figures_of({"x" * (MAX_SITE_NAME + 1): good["s"]}) is None
    assert figures_of([good]) is None

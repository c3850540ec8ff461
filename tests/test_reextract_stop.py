"""Stopping a re-extraction early (issue 21): CLOSESPIDER_ITEMCOUNT, CLOSESPIDER_TIMEOUT or
one Ctrl-C (SIGINT) ends `scrapy reextract` with its summary, the progress file records what went through, and
the next run with it reads the rest: every article once, none twice.

The WARC file is built by the test in CC-NEWS's shape from 16 local portals' pages (8
templates, English and Chinese, 2 portals each): about 200 pages, 600 records. Timeouts are
only guards against a hang, never a measure.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from demo.server import PortalServer
from tests.ccnews import Fetched, build_ccnews_warc, fetch
from tests.crawl_harness import ROOT
from tests.test_reextract import read_items, reextract, reextract_command

pytestmark = pytest.mark.slow

TEMPLATES = (
    "en_herald",
    "en_local",
    "en_modern",
    "en_wire",
    "zh_classic",
    "zh_mobile",
    "zh_people",
    "zh_portal_163",
)
# Each portal is its own site; the same story on two portals is two articles. Few pages are
# read ahead of the pipelines, so a stop comes while the file is still being read (and held
# pages, which take up that room, wait 1 s for their site's template, not 10).
SETTINGS = {
    "NEWS_DEDUPE_ACROSS_SITES": "False",
    "NEWS_REEXTRACT_MAX_PENDING": "8",
    "NEWS_TEMPLATE_HOLD_SECONDS": "1",
}
HANG_GUARD = 300  # seconds


@pytest.fixture(scope="module")
def many_sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """A CC-NEWS-shaped file of 16 portals' home pages and articles, interleaved; and the
    article URLs (what a whole run exports)."""
    folder = tmp_path_factory.mktemp("stop")
    per_portal: list[list[Fetched]] = []
    articles: set[str] = set()
    with PortalServer() as server:
        for seed in (0, 1):
            for template in TEMPLATES:
                portal = server.serve(template, seed=seed)
                urls = [portal.article_url(a.id) for a in portal.articles]
                articles.update(urls)
                per_portal.append([fetch(u) for u in (portal.start_url, *urls)])
    mixed = [p for row in zip(*per_portal, strict=False) for p in row]
    path = folder / "CC-NEWS-20261204120000-00002.warc.gz"
    build_ccnews_warc(path, mixed)
    return path, articles


def progress_of(progress: Path, warc: Path) -> dict[str, Any]:
    return json.loads(progress.read_text())["inputs"][str(warc.resolve())]


def finish_with_the_same_progress(
    warc: Path, progress: Path, work: Path, first: dict[str, dict[str, Any]], articles: set[str]
) -> None:
    """The next run with the progress file reads the rest: each article exported once over
    the two runs, all of them."""
    work.mkdir()
    proc = reextract([warc], work, "-a", f"progress={progress}", settings=SETTINGS)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rest = read_items(work / "items.jsonl")
    assert "resuming" in proc.stderr
    assert progress_of(progress, warc)["done"]
    assert not set(first) & set(rest)  # nothing exported twice
    assert set(first) | set(rest) == articles


@pytest.mark.parametrize(
    ("setting", "value", "reason", "least"),
    [
        ("CLOSESPIDER_ITEMCOUNT", "5", "closespider_itemcount", 5),
        ("CLOSESPIDER_TIMEOUT", "2", "closespider_timeout", 0),
    ],
)
def test_closespider_ends_the_run_and_the_next_run_reads_the_rest(
    many_sites: tuple[Path, set[str]],
    tmp_path: Path,
    setting: str,
    value: str,
    reason: str,
    least: int,
) -> None:
    warc, articles = many_sites
    progress = tmp_path / "progress.json"
    first = tmp_path / "first"
    first.mkdir()
    proc = reextract(
        [warc],
        first,
        "-a",
        f"progress={progress}",
        settings={**SETTINGS, setting: value},
        timeout=HANG_GUARD,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"'finish_reason': '{reason}'" in proc.stderr
    feed = first / "items.jsonl"
    items = read_items(feed) if feed.exists() else {}
    assert least <= len(items) < len(articles)
    assert (first / "items.summary.json").exists()
    assert "pages/unaccounted': 0" in proc.stderr
    saved = progress_of(progress, warc)
    assert not saved["done"] and saved["offset"] > 0

    finish_with_the_same_progress(warc, progress, tmp_path / "second", items, articles)


def test_one_ctrl_c_ends_the_run_with_its_summary_and_the_next_run_reads_the_rest(
    many_sites: tuple[Path, set[str]], tmp_path: Path
) -> None:
    warc, articles = many_sites
    progress = tmp_path / "progress.json"
    first = tmp_path / "first"
    first.mkdir()
    cmd = reextract_command([warc], first, "-a", f"progress={progress}", settings=SETTINGS)
    cmd += ["-s", "LOG_LEVEL=DEBUG"]  # a line per exported item
    log = tmp_path / "first.log"
    with log.open("w") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + HANG_GUARD
            while "Scraped from" not in log.read_text(errors="replace"):
                assert process.poll() is None, log.read_text()[-3000:]
                if time.monotonic() > deadline:  # a hang guard, not a measurement
                    pytest.fail("no item came")
                time.sleep(0.1)
            process.send_signal(signal.SIGINT)
            process.wait(timeout=HANG_GUARD)
        finally:
            if process.poll() is None:
                process.kill()
    stderr = log.read_text(errors="replace")
    assert "'finish_reason': 'shutdown'" in stderr, stderr[-3000:]
    assert "Dumping Scrapy stats" in stderr and "pages/unaccounted': 0" in stderr
    assert (first / "items.summary.json").exists()
    items = read_items(first / "items.jsonl")
    assert 1 <= len(items) < len(articles)
    saved = progress_of(progress, warc)
    assert not saved["done"] and saved["offset"] > 0

    finish_with_the_same_progress(warc, progress, tmp_path / "second", items, articles)


def test_held_pages_wait_for_nobody_once_every_input_is_read(tmp_path: Path) -> None:
    """Sites with fewer pages than the template hold wants: once the file is read, their held
    pages go on at once, not after NEWS_TEMPLATE_HOLD_SECONDS (an hour here: a run that
    waited for it would meet the hang guard)."""
    with PortalServer() as server:
        portals = [server.serve(t, seed=0, n_articles=3) for t in ("en_wire", "zh_mobile")]
        pages = [fetch(u) for p in portals for u in (p.start_url, *map(p.article_url, _ids(p)))]
    warc = tmp_path / "few.warc.gz"
    build_ccnews_warc(warc, pages)
    proc = reextract(
        [warc], tmp_path, settings={"NEWS_TEMPLATE_HOLD_SECONDS": "3600"}, timeout=HANG_GUARD
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "'cleaning/held_for_template'" in proc.stderr  # they were held, then let go
    articles = {p.article_url(i) for p in portals for i in _ids(p)}
    assert set(read_items(tmp_path / "items.jsonl")) == articles


def _ids(portal: Any) -> list[int]:
    return [a.id for a in portal.articles]

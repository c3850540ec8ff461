"""Re-extraction of multi-page articles (issues 21 and 22): `scrapy reextract` of a crawl's
WARC archive merges each article's later pages from the archive, as the crawl merged them
from the site, and gives the crawl's items field by field; pages 2..n are never items; a
later page missing from the archive makes the item ``incomplete``, and nothing is fetched
from the network (the portal keeps serving while the re-extraction runs: a fetch would
succeed and be counted)."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.archive.lookup import ArchiveIndex, read_page
from crawler.archive.reader import ArchivedPage, read_file_records, warc_inputs
from demo.runner import parse_stats
from tests.crawl_harness import CrawlResult, run_crawl
from tests.multipage_portal import MultipagePortal
from tests.test_reextract import CRAWL_TIME_FIELDS, read_items, reextract

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def portal() -> Iterator[MultipagePortal]:
    server = MultipagePortal()
    yield server
    server.close()


@pytest.fixture(scope="module")
def archived(
    portal: MultipagePortal, tmp_path_factory: pytest.TempPathFactory
) -> tuple[CrawlResult, Path]:
    """A crawl of the portal with the archive on: its result and its WARC folder."""
    work = tmp_path_factory.mktemp("crawl")
    folder = work / "warc"
    settings = {
        "RETRY_TIMES": "0",
        "NEWS_WARC_ENABLED": "True",
        "NEWS_WARC_DIR": str(folder),
        "NEWS_WARC_MAX_BYTES": "60000",  # several files: later pages in other files
        "LOG_LEVEL": "INFO",
    }
    crawl = run_crawl([portal.url("/")], settings=settings, workdir=work, timeout=240)
    assert crawl.returncode in (0, 1), crawl.tail()
    assert len(list(folder.iterdir())) > 1
    return crawl, folder


def _hits(portal: MultipagePortal) -> dict[str, int]:
    return dict(portal.hits)


def test_reextraction_merges_later_pages_from_the_archive(
    portal: MultipagePortal,
    archived: tuple[CrawlResult, Path],
    tmp_path: Path,
) -> None:
    crawl, folder = archived
    crawled = {item["url"]: item for item in crawl.items}
    assert len(crawled) == len(portal.articles) + len(portal.singles)
    before = _hits(portal)
    proc = reextract([folder], tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = read_items(tmp_path / "items.jsonl")
    # The same items: one per article, whole, and no page 2..n of its own.
    assert set(got) == set(crawled), sorted(set(got) ^ set(crawled))
    for url, item in crawled.items():
        for name in (set(item) | set(got[url])) - CRAWL_TIME_FIELDS:
            assert got[url].get(name) == item.get(name), (url, name)
    for art in portal.articles:
        assert got[portal.url(art.first)]["pages"] == len(art.paths), art.key
    broken = next(a for a in portal.articles if a.failing)
    assert got[portal.url(broken.first)]["incomplete"] is True  # its page 3 answered 500
    stats = parse_stats(proc.stderr)
    later = sum(len(a.paths) - 1 for a in portal.articles)
    assert stats["reextract/archive_answers"] >= later - len(broken.failing) - 1
    assert stats["reextract/archive_misses"] == len(broken.failing)
    assert stats.get("multipage/continuations_dropped", 0) >= later - len(broken.failing)
    assert "pages/unaccounted': 0" in proc.stderr
    # Nothing reached the downloader, nor the portal (still serving).
    assert "downloader/request_count" not in proc.stderr
    assert _hits(portal) == before


def _without(src: Path, dst: Path, url: str) -> int:
    """A copy of the WARC folder ``src`` without the response records of ``url``."""
    shutil.copytree(src, dst)
    removed = 0
    for name in warc_inputs([str(dst)]):
        cut = [
            (entry.offset, entry.length)
            for entry in read_file_records(name, 2**62)
            if isinstance(entry, ArchivedPage) and entry.url == url
        ]
        if not cut:
            continue
        data = Path(name).read_bytes()
        kept, at = [], 0
        for offset, length in sorted(cut):
            kept.append(data[at:offset])
            at = offset + length
        kept.append(data[at:])
        Path(name).write_bytes(b"".join(kept))
        removed += len(cut)
    return removed


def test_a_later_page_missing_from_the_archive_makes_the_item_incomplete(
    portal: MultipagePortal,
    archived: tuple[CrawlResult, Path],
    tmp_path: Path,
) -> None:
    crawl, folder = archived
    art = next(a for a in portal.articles if len(a.paths) >= 4 and not a.failing)
    page3 = portal.url(art.paths[2])
    assert _without(folder, tmp_path / "warc", page3) >= 1
    before = _hits(portal)
    proc = reextract([tmp_path / "warc"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = read_items(tmp_path / "items.jsonl")
    item: dict[str, Any] = got[portal.url(art.first)]
    assert item["incomplete"] is True
    assert item["pages_missing"] == [page3]
    assert item["pages"] == len(art.paths)
    assert item["page_urls"] == [portal.url(p) for i, p in enumerate(art.paths) if i != 2]
    # The pages around the missing one are merged (the page after it known from the bar).
    for i, page in enumerate(art.paragraphs):
        assert (page[0] in item["text"]) == (i != 2), (i, item["text"])
    # Refused, never fetched: the portal still serves the page and was not asked for it.
    assert _hits(portal) == before
    stats = parse_stats(proc.stderr)
    assert stats["reextract/archive_misses"] >= 1
    rejects = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    (record,) = [r for r in rejects if r["url"] == page3]
    assert record["reason"] == "not in the archive" and record["article"] == item["url"]
    assert not {portal.url(p) for a in portal.articles for p in a.paths[1:]} & set(got)


def test_the_index_finds_each_archived_page_and_reads_it_back(
    portal: MultipagePortal, archived: tuple[CrawlResult, Path]
) -> None:
    _, folder = archived
    inputs = warc_inputs([str(folder)])
    index = ArchiveIndex.build(inputs, 2**62)
    assert index.files == len(inputs) and not index.stopped
    art = next(a for a in portal.articles if not a.failing)
    for path in art.paths:
        place = index.find(portal.url(path) + "#top")  # compared as crawler.canonical does
        assert place is not None, path
        page = read_page(place, 2**62)
        assert page is not None and page.url == portal.url(path)
        assert portal.pages[path][1].replace("{BASE}", portal.base).encode() == page.body
    broken = next(a for a in portal.articles if a.failing)
    assert index.find(portal.url(broken.paths[2])) is None  # answered 500: no page
    stop = threading.Event()
    stop.set()
    stopped = ArchiveIndex.build(inputs, 2**62, stop)
    assert stopped.stopped and not stopped.places

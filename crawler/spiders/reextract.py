"""The ``reextract`` spider: pages out of WARC files instead of the web (``scrapy reextract``).

Its start yields one PageItem per HTML response record, built as the news spider builds it
from a live response (same site, hints, headers, charset), so the same item pipelines read,
clean, deduplicate, validate and export it: worker pool, template learning, rejects file and
run summary included. Nothing is fetched. Records that are not pages are counted
(``reextract/skipped/<reason>``) and logged at DEBUG; a file that cannot be read to its end
is logged and counted (``reextract/unreadable_files``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import scrapy
from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.internet.defer import Deferred
from w3lib.encoding import http_content_type_encoding

from crawler.archive.reader import ArchivedPage, Skipped, fetched_at, read_records, warc_paths
from crawler.items import ArticleItem, PageItem
from crawler.sites import Site, origin_of
from crawler.sitesfile import SitesFileError, load_sites_file
from crawler.spiders.arguments import SpiderArgumentError
from crawler.spiders.news import KEPT_HEADERS

KNOWN_ARGUMENTS = {
    "paths": "WARC files or folders of them (the command's arguments)",
    "sites": "a sites file: only its sites' pages are read, with their settings",
}
# Records read from a file per trip to the reading thread.
BATCH = 32


class ReextractSpider(scrapy.Spider):
    """Reads archived responses back into the crawl's item pipelines."""

    name = "reextract"

    @classmethod
    def check_arguments(cls, args: dict[str, Any], settings: Any = None) -> None:
        unknown = sorted(set(args) - KNOWN_ARGUMENTS.keys())
        if unknown:
            known = ", ".join(sorted(KNOWN_ARGUMENTS))
            raise SpiderArgumentError(f"unknown argument {unknown[0]!r} (known: {known})")
        paths = _paths(args.get("paths"))
        if not paths:
            raise SpiderArgumentError("no WARC file: give one or more files or folders")
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise SpiderArgumentError(f"no such file or folder: {missing[0]}")
        _sites_file(args.get("sites"))

    def __init__(self, paths: Any = None, sites: Any = None, **kwargs: Any) -> None:
        self.check_arguments({"paths": paths, "sites": sites, **kwargs})
        super().__init__()
        self.inputs = _paths(paths)
        self.listed = _sites_file(sites)
        self.sites: list[Site] = list(self.listed)
        self._by_origin: dict[str, Site] = {}
        self._hints: dict[str, dict[str, object]] = {}
        self.started_at = datetime.now(UTC)
        self.run_start = self.started_at.strftime("%Y%m%dT%H%M%SZ")
        self.run_id = f"{self.run_start}-{os.getpid()}"
        self._pending = 0
        self._room: Deferred[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ReextractSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_pending = max(1, settings.getint("NEWS_REEXTRACT_MAX_PENDING"))
        spider.max_bytes = settings.getint("DOWNLOAD_MAXSIZE") or 2**62
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_done, signal=signal)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        if stats.get_value("run/startup_error"):
            self.logger.error("not reading: %s", stats.get_value("run/startup_error"))
            return
        files = warc_paths(self.inputs)
        self.logger.info("re-extracting %d WARC file(s)", len(files))
        for number, path in enumerate(files, 1):
            pages = 0
            records = _records(path, self.max_bytes)
            while True:
                batch = await maybe_deferred_to_future(threads.deferToThread(_take, records, BATCH))
                if not batch:
                    break
                for entry in batch:
                    if isinstance(entry, Exception):
                        self._unreadable(path, entry)
                        continue
                    item = self._item(entry)
                    if item is None:
                        continue
                    pages += 1
                    while self._pending >= self.max_pending:
                        self._room = Deferred()
                        await maybe_deferred_to_future(self._room)
                    self._pending += 1
                    yield item
            stats.inc_value("reextract/files")
            self.logger.info("read %s (%d/%d): %d pages", path, number, len(files), pages)

    def _item(self, entry: ArchivedPage | Skipped) -> PageItem | None:
        stats = self.crawler.stats
        stats.inc_value("reextract/records")
        if isinstance(entry, Skipped) and not entry.page:
            stats.inc_value(f"reextract/other_records/{entry.reason}")
            return None
        if isinstance(entry, Skipped):
            stats.inc_value(f"reextract/skipped/{entry.reason}")
            self.logger.debug("skipped %s at %d: %s", entry.url, entry.offset, entry.reason)
            return None
        site = self._site(entry.url)
        if site is None:
            stats.inc_value("reextract/skipped/not a listed site")
            return None
        stats.inc_value("pages/fetched")
        stats.inc_value(f"pages/fetched/{site.name}")
        stats.inc_value("response_received_count")
        stats.inc_value(f"spider/response_ok/{site.name}")
        headers = {}
        for name, value in entry.headers:
            if name.lower() in KEPT_HEADERS and name.lower() not in headers:
                headers[name.lower()] = value
        return PageItem(
            url=entry.url,
            status=entry.status,
            site=site.name,
            fetched_at=fetched_at(entry.date),
            headers=headers,
            hints=self._site_hints(site),
            body=entry.body,
            charset=http_content_type_encoding(headers.get("content-type", "")),
            warc_file=entry.file,
            warc_offset=entry.offset,
            warc_length=entry.length,
        )

    def _site(self, url: str) -> Site | None:
        """The listed site that owns the URL; without a sites file, one site per host."""
        if self.listed:
            return next((s for s in self.listed if s.owns(url)), None)
        origin = origin_of(url)
        site = self._by_origin.get(origin)
        if site is None:
            site = Site(name=origin, start_urls=[url], max_pages=0, origins={origin})
            self._by_origin[origin] = site
            self.sites.append(site)
        return site

    def _site_hints(self, site: Site) -> dict[str, object]:
        if site.name not in self._hints:
            self._hints[site.name] = site.hints()
        return self._hints[site.name]

    def _unreadable(self, path: Path, exc: Exception) -> None:
        self.crawler.stats.inc_value("reextract/unreadable_files")
        self.logger.warning("cannot read %s to its end: %s", path, exc)

    def _item_done(self, item: Any, **kwargs: Any) -> None:
        if not isinstance(item, (PageItem, ArticleItem)):
            return
        self._pending -= 1
        room, self._room = self._room, None
        if room is not None and not room.called:
            room.callback(None)


def _sites_file(value: Any) -> list[Site]:
    if value is None or value == "":
        return []
    try:
        return load_sites_file(str(value))
    except SitesFileError as exc:
        raise SpiderArgumentError(f"bad sites file: {exc}") from None


def _paths(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [v for v in str(value).split(",") if v]


def _records(path: Path, max_bytes: int) -> Iterator[ArchivedPage | Skipped | Exception]:
    try:
        with path.open("rb") as stream:
            yield from read_records(stream, str(path), max_bytes)
    except Exception as exc:  # a damaged file: what was read stands, the rest is reported
        yield exc


def _take(records: Iterator[Any], count: int) -> list[Any]:
    batch = []
    for entry in records:
        batch.append(entry)
        if len(batch) >= count:
            break
    return batch

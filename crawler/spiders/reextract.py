"""The ``reextract`` spider: pages out of WARC files instead of the web (``scrapy reextract``).

Its start yields one PageItem per HTML response record, built as the news spider builds it
from a live response (same site, hints, headers, charset), so the same item pipelines read,
clean, deduplicate, validate and export it: worker pool, template learning, rejects file and
run summary included. Nothing is fetched from the sites: the requests the pipelines make (a
multi-page article's later pages) are answered from the inputs or refused
(crawler.archive.answer). An input may be an http(s) URL of a WARC file (Common Crawl's
CC-NEWS), streamed. Records that are not pages are counted
(``reextract/skipped/<reason>``, ``reextract/other_records/<type>``); an input that cannot
be read to its end is logged and counted (``reextract/unreadable_inputs``).

Once every input is read it says so (``pages_exhausted``: pages held for site-template
learning wait for nobody) and waits for its pages to go through, so the run ends when its
last item does. Any stop (CLOSESPIDER_*, Ctrl-C, an error) ends the reading at once.

``-a sites=FILE`` keeps only the pages of the file's sites (with their settings);
``-a languages=en,zh`` only articles in those languages; ``-a progress=FILE`` records how
far each input was read once the run's output is delivered, and the next run with the same
file resumes there.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy import signals
from scrapy.settings import get_settings_priority
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.internet.defer import Deferred
from w3lib.encoding import http_content_type_encoding

from crawler.archive.answer import ArchiveSource
from crawler.archive.progress import InputProgress, InputTracker, ProgressFile
from crawler.archive.reader import (
    ArchivedPage,
    Skipped,
    fetched_at,
    is_url,
    open_input,
    read_file_records,
    read_records,
    warc_inputs,
)
from crawler.delivery import output_error, output_failed
from crawler.items import ArticleItem, PageItem
from crawler.run import RunContext, run_context
from crawler.signals import pages_exhausted
from crawler.sites import Site, origin_of
from crawler.sitesfile import SitesFileError, load_sites_file
from crawler.spiders.arguments import SpiderArgumentError
from crawler.spiders.news import KEPT_HEADERS

KNOWN_ARGUMENTS = {
    "paths": "WARC files, folders of them or http(s) URLs (the command's arguments)",
    "sites": "a sites file: only its sites' pages are read, with their settings",
    "languages": "comma-separated ISO 639-1 codes: only articles in these languages",
    "progress": "a JSON file recording how far each input was read (resumed from)",
    "max_pages": "pages read in this run at most (the next run with the progress file goes on)",
}
# Records read from an input per trip to the reading thread.
BATCH = 32
# Seconds between two looks at whether the engine began to close (Scrapy sends no signal then).
WATCH_SECONDS = 0.2
_LANGUAGE = re.compile(r"^[a-z]{2}$")
ARCHIVE_ANSWER = "crawler.archive.answer.ArchiveAnswerMiddleware"


class ReextractSpider(scrapy.Spider, ArchiveSource):
    """Reads archived responses back into the crawl's item pipelines."""

    name = "reextract"
    # Set in from_crawler from the settings.
    max_pending: int
    max_bytes: int
    agent: str

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Nothing is fetched: every request (a multi-page article's later pages) is answered
        from the inputs by a downloader middleware that runs before every other one, added
        to the middlewares the run has (so they treat the answers as in a crawl)."""
        super().update_settings(settings)
        middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        every = {**settings.getdict("DOWNLOADER_MIDDLEWARES_BASE"), **middlewares}
        first = min((p for p in every.values() if p is not None), default=1) - 1
        middlewares[ARCHIVE_ANSWER] = first
        spider = get_settings_priority("spider")
        priority = max(settings.getpriority("DOWNLOADER_MIDDLEWARES") or spider, spider)
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority=priority)

    @classmethod
    def check_arguments(cls, args: dict[str, Any], settings: Any = None) -> None:
        unknown = sorted(set(args) - KNOWN_ARGUMENTS.keys())
        if unknown:
            known = ", ".join(sorted(KNOWN_ARGUMENTS))
            raise SpiderArgumentError(f"unknown argument {unknown[0]!r} (known: {known})")
        paths = _list(args.get("paths"))
        if not paths:
            raise SpiderArgumentError("no WARC file: give one or more files, folders or URLs")
        missing = [p for p in paths if not is_url(p) and not Path(p).exists()]
        if missing:
            raise SpiderArgumentError(f"no such file or folder: {missing[0]}")
        _sites_file(args.get("sites"))
        _languages(args.get("languages"))
        _positive(args.get("max_pages"))
        if args.get("progress"):
            try:
                ProgressFile.load(Path(str(args["progress"])))
            except ValueError as exc:
                raise SpiderArgumentError(str(exc)) from None

    def __init__(
        self,
        paths: Any = None,
        sites: Any = None,
        languages: Any = None,
        progress: Any = None,
        max_pages: Any = None,
        **kwargs: Any,
    ) -> None:
        args = {"paths": paths, "sites": sites, "languages": languages, "progress": progress}
        args["max_pages"] = max_pages
        self.check_arguments({**args, **kwargs})
        super().__init__()
        self.inputs = _list(paths)
        self.listed = _sites_file(sites)
        self.languages = _languages(languages)
        self.progress = ProgressFile.load(Path(str(progress))) if progress else None
        self.max_pages = _positive(max_pages)
        self._handed_on = 0
        self.sites: list[Site] = list(self.listed)
        self._by_origin: dict[str, Site] = {}
        self._hints: dict[str, dict[str, object]] = {}
        # The run's start, id and sites (the same list): the crawl's context in from_crawler.
        self.run = RunContext(sites=self.sites)
        self._pending = 0
        self._room: Deferred[None] | None = None
        self._trackers: dict[str, InputTracker] = {}
        self._stopping = False  # the engine is closing: read no more
        self._exhausted_sent = False
        self._watch: asyncio.TimerHandle | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ReextractSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.run = run_context(crawler)
        spider.run.sites = spider.sites
        settings = crawler.settings
        spider.max_pending = max(1, settings.getint("NEWS_REEXTRACT_MAX_PENDING"))
        spider.max_bytes = settings.getint("DOWNLOAD_MAXSIZE") or 2**62
        spider.agent = settings.get("USER_AGENT")
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_done, signal=signal)
        crawler.signals.connect(spider._save_progress, signal=signals.feed_exporter_closed)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    @property
    def run_start(self) -> str:
        """``%(run_start)s`` in feed URIs (Scrapy fills them in from the spider's attributes)."""
        return self.run.run_start

    async def start(self) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        if stats.get_value("run/startup_error"):
            self.logger.error("not reading: %s", stats.get_value("run/startup_error"))
            return
        self._look()
        try:
            async for item in self._read_inputs():
                yield item
            self._no_more_pages()
            while self._pending and not self._stopping:
                await self._wait()
        finally:
            # Also when the engine cancels the reading (Ctrl-C): held pages wait for nobody.
            self._no_more_pages()
        if not self._stopping:
            # The last item's pipeline task ends just after its signal: let it, so the engine
            # finds the scraper idle at once and closes (not at its next 5 s heartbeat).
            await asyncio.sleep(0)

    async def _read_inputs(self) -> AsyncIterator[PageItem]:
        stats = self.crawler.stats
        inputs = warc_inputs(self.inputs)
        self.logger.info("re-extracting %d WARC input(s)", len(inputs))
        for number, name in enumerate(inputs, 1):
            key = _key(name)
            known = self.progress.inputs.get(key) if self.progress else None
            if known is not None and known.done:
                stats.inc_value("reextract/inputs_already_done")
                self.logger.info("already read to its end (progress file): %s", name)
                continue
            start = known.offset if known is not None else 0
            if start:
                self.logger.info("resuming %s at byte %d", name, start)
            tracker = self._trackers[key] = InputTracker(start)
            pages = 0
            records = _records(name, start, self.max_bytes, self.agent)
            while not self._budget_spent() and not self._stopping:
                batch = await maybe_deferred_to_future(threads.deferToThread(_take, records, BATCH))
                if not batch:
                    break
                for entry in batch:
                    if self._budget_spent() or self._stopping:
                        break
                    if isinstance(entry, Exception):
                        self._unreadable(name, entry)
                        continue
                    while self._pending >= self.max_pending and not self._stopping:
                        await self._wait()
                    if self._stopping:
                        break
                    item = self._item(entry)
                    if item is not None:
                        pages += 1
                        self._pending += 1
                        self._handed_on += 1
                        tracker.handed_on(entry.offset)
                    # Only now: a record not handed on (the run stopped) is read again next time.
                    tracker.read_to = entry.offset + entry.length
                    if item is not None:
                        yield item
            if self._stopping:
                self.logger.info("stopped reading %s at byte %d", name, tracker.read_to)
                return
            if self._budget_spent():
                self.logger.info(
                    "max_pages reached: stopped in %s at byte %d", name, tracker.read_to
                )
                return
            tracker.finished_reading = True
            stats.inc_value("reextract/inputs")
            self.logger.info("read %s (%d/%d): %d pages", name, number, len(inputs), pages)

    async def _wait(self) -> None:
        """Until an item finishes or the run begins to stop."""
        self._room = Deferred()
        await maybe_deferred_to_future(self._room)

    def _wake(self) -> None:
        room, self._room = self._room, None
        if room is not None and not room.called:
            room.callback(None)

    def _no_more_pages(self) -> None:
        if not self._exhausted_sent:
            self._exhausted_sent = True
            self.crawler.signals.send_catch_log(pages_exhausted)

    def _look(self) -> None:
        """Every WATCH_SECONDS while the spider is open: has the engine begun to close?"""
        self._watch = None
        engine = self.crawler.engine
        if engine is None or engine.spider is None:
            return
        if _closing(engine):
            self._stop_reading()
            _finish_scraper_close(engine)
        self._watch = asyncio.get_running_loop().call_later(WATCH_SECONDS, self._look)

    def _stop_reading(self) -> None:
        if not self._stopping:
            self._stopping = True
            if not self._exhausted_sent:
                self.logger.info("the run is stopping: no more records are read")
        self._wake()
        self._no_more_pages()

    def _closed(self, spider: Any, reason: str) -> None:
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None

    def _budget_spent(self) -> bool:
        return self.max_pages is not None and self._handed_on >= self.max_pages

    def _item(self, entry: ArchivedPage | Skipped) -> PageItem | None:
        stats = self.crawler.stats
        stats.inc_value("reextract/records")
        if isinstance(entry, Skipped) and not entry.page:
            stats.inc_value(f"reextract/other_records/{entry.reason}")
            return None
        if isinstance(entry, Skipped):
            stats.inc_value(f"reextract/skipped/{entry.reason}")
            log = self.logger.warning if entry.reason.startswith("damaged") else self.logger.debug
            log("skipped %s at byte %d: %s", entry.url, entry.offset, entry.reason)
            return None
        site = self._site(entry.url)
        if site is None:
            stats.inc_value("reextract/skipped/not a listed site")
            return None
        stats.inc_value("pages/fetched")
        stats.inc_value(f"pages/fetched/{site.name}")
        stats.inc_value("response_received_count")
        stats.inc_value(f"spider/response_ok/{site.name}")
        headers: dict[str, str] = {}
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

    def _unreadable(self, name: str, exc: Exception) -> None:
        self.crawler.stats.inc_value("reextract/unreadable_inputs")
        self.logger.warning("cannot read %s to its end: %s", name, exc)

    def _item_done(self, item: Any, **kwargs: Any) -> None:
        if not isinstance(item, (PageItem, ArticleItem)):
            return
        tracker = self._trackers.get(_key(str(item.get("warc_file", ""))))
        if tracker is not None:
            tracker.finished(int(item.get("warc_offset", -1)))
        self._pending -= 1
        self._wake()
        engine = self.crawler.engine
        if engine is not None and _closing(engine):
            # After the item's pipeline task has ended (it ends just after this signal).
            asyncio.get_running_loop().call_soon(_finish_scraper_close, engine)

    def _save_progress(self) -> None:
        """After the feed was delivered: how far each input got (nothing when the output
        failed, so the next run reads those records again)."""
        if self.progress is None or output_error(self.crawler):
            return
        for key, tracker in self._trackers.items():
            self.progress.inputs[key] = InputProgress(tracker.resume_offset(), tracker.done())
        try:
            self.progress.save()
        except OSError as exc:
            output_failed(self.crawler, "progress file", self.progress.path, exc, stop=False)
        else:
            self.logger.info("progress written to %s", self.progress.path)


def _closing(engine: Any) -> bool:
    """The engine is stopping (Ctrl-C) or closing the spider (CLOSESPIDER_*, an error)."""
    slot = engine.scraper.slot
    return not engine.running or slot is None or slot.closing is not None


def _finish_scraper_close(engine: Any) -> None:
    """Let a closing scraper finish once its last item is through.

    Scrapy (2.19, scrapy/scrapy#7029) re-checks a closing scraper only when a response's
    scraping ends, never when an item yielded by start() does: a close that begins while
    such items are in the pipelines waits forever. This is the check it misses, made with
    the scraper slot's public state.
    """
    slot = engine.scraper.slot
    closing = slot.closing if slot is not None else None
    if closing is not None and not closing.called and slot.is_idle():
        closing.callback(engine.spider)


def _key(name: str) -> str:
    return name if is_url(name) or not name else str(Path(name).resolve())


def _sites_file(value: Any) -> list[Site]:
    if value is None or value == "":
        return []
    try:
        return load_sites_file(str(value))
    except SitesFileError as exc:
        raise SpiderArgumentError(f"bad sites file: {exc}") from None


def _languages(value: Any) -> frozenset[str]:
    codes = [c.strip().lower() for c in _list(value)]
    bad = [c for c in codes if not _LANGUAGE.match(c)]
    if bad:
        raise SpiderArgumentError(f"languages: expected ISO 639-1 codes like en,zh, got {bad[0]!r}")
    return frozenset(codes)


def _positive(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        raise SpiderArgumentError(f"max_pages must be a positive integer, got {value!r}")
    return number


def _list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _records(
    name: str, start: int, max_bytes: int, user_agent: str
) -> Iterator[ArchivedPage | Skipped | Exception]:
    """The input's records from ``start``; a failure to open or read it ends them with the
    exception (what was read before stands)."""
    if not is_url(name):
        try:
            yield from read_file_records(name, max_bytes, start)
        except Exception as exc:
            yield exc
        return
    try:
        stream = open_input(name, start, user_agent)
    except Exception as exc:
        yield exc
        return
    with stream:
        try:
            yield from read_records(stream, name, max_bytes, start)
        except Exception as exc:
            yield exc


def _take(records: Iterator[Any], count: int) -> list[Any]:
    batch = []
    for entry in records:
        batch.append(entry)
        if len(batch) >= count:
            break
    return batch

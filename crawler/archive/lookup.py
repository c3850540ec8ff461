"""Pages of a re-extraction's WARC inputs found by URL: what a crawl would have fetched.

A re-extraction reads its inputs in order; a multi-page article's first page needs its
later pages, wherever they are in the inputs. ``ArchiveIndex`` maps each HTML response
record's URL (``crawler.canonical.url_key``) to where the record is, built by one scan of
the local inputs the first time a page is looked up; ``read_page`` reads one record back.
Inputs given as URLs (streamed CC-NEWS) are not indexed: their pages are never found.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from crawler.archive.reader import ArchivedPage, is_url, read_file_records, read_records
from crawler.canonical import url_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordPlace:
    """Where a response record is: a byte range of a local WARC file."""

    file: str
    offset: int
    length: int


class ArchiveIndex:
    """``url_key(url)`` -> the place of the first HTML response record for it."""

    def __init__(
        self, places: dict[str, RecordPlace], files: int, unreadable: int, stopped: bool = False
    ) -> None:
        self.places = places
        self.files = files
        self.unreadable = unreadable
        self.stopped = stopped  # the scan was stopped: some inputs' pages are not in it

    @classmethod
    def build(
        cls, inputs: Iterable[str], max_bytes: int, stop: threading.Event | None = None
    ) -> ArchiveIndex:
        """Scan the local inputs (blocking: run it in a thread; ``stop`` ends it early, with
        what was read). An input that cannot be read to its end keeps the records read
        before the failure (logged)."""
        places: dict[str, RecordPlace] = {}
        files = unreadable = 0
        for name in inputs:
            if is_url(name):
                continue
            files += 1
            try:
                for entry in read_file_records(name, max_bytes):
                    if stop is not None and stop.is_set():
                        return cls(places, files, unreadable, stopped=True)
                    if isinstance(entry, ArchivedPage):
                        key = url_key(entry.url)
                        if key not in places:
                            places[key] = RecordPlace(name, entry.offset, entry.length)
            except Exception as exc:  # noqa: BLE001 - a damaged input costs its own pages
                unreadable += 1
                logger.warning("archive index: cannot read %s to its end: %s", name, exc)
        return cls(places, files, unreadable)

    def find(self, url: str) -> RecordPlace | None:
        return self.places.get(url_key(url))


def read_page(place: RecordPlace, max_bytes: int) -> ArchivedPage | None:
    """The page of the record at ``place`` (blocking), or None when it is no longer one."""
    with open(place.file, "rb") as stream:
        stream.seek(place.offset)
        raw = stream.read(place.length)
    for entry in read_records(io.BytesIO(raw), place.file, max_bytes, place.offset):
        if isinstance(entry, ArchivedPage):
            return ArchivedPage(**{**entry.__dict__, "length": place.length})
        return None
    return None

"""Pages out of WARC files: the response records a re-extraction reads, and why each other
record is not one (counted by the caller, never dropped in silence).

Works for the crawl's own archive and for other crawlers' WARC files (Common Crawl's
CC-NEWS): HTTP response records, one gzip member per record or uncompressed, bodies with
their transfer and content encodings, which are undone here as the crawl's downloader
undoes them.
"""

from __future__ import annotations

import io
import logging
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from crawler.archive.members import scan_members

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
# A member up to this size decompressed is parsed from what the scan decompressed (not
# decompressed twice); a larger one is read again, streaming.
KEEP_DECOMPRESSED = 8 << 20
WARC_NAMES = (".warc.gz", ".warc")


@dataclass(frozen=True)
class ArchivedPage:
    """One HTML response record, decoded as the crawl's downloader would have handed it on."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: str  # WARC-Date
    file: str
    offset: int
    length: int  # bytes of the record in the file (compressed, for a .warc.gz)


@dataclass(frozen=True)
class Skipped:
    """A record that is not a page to read, and why (a stat name's last part)."""

    reason: str
    url: str | None
    offset: int
    length: int = 0
    page: bool = True  # False: a record that never holds a page (request, warcinfo, metadata)


def is_url(name: str) -> bool:
    return name.startswith(("http://", "https://"))


def warc_inputs(inputs: Iterable[str]) -> list[str]:
    """The WARC files and URLs named, folders expanded (sorted; ``.open`` files of a crawl
    still writing are left out)."""
    found: list[str] = []
    for name in inputs:
        path = Path(name)
        if is_url(name):
            found.append(name)
        elif path.is_dir():
            found += sorted(
                str(p) for p in path.rglob("*") if p.is_file() and p.name.endswith(WARC_NAMES)
            )
        else:
            found.append(name)
    return found


def open_input(name: str, start: int, user_agent: str, timeout: float = 60.0) -> BinaryIO:
    """A local file or an http(s) URL, positioned at byte ``start`` (a Range request; a
    server that ignores it is read past the first ``start`` bytes)."""
    if not is_url(name):
        stream = open(name, "rb")  # noqa: SIM115 - the caller closes it
        stream.seek(start)
        return stream
    request = urllib.request.Request(name, headers={"User-Agent": user_agent})
    if start:
        request.add_header("Range", f"bytes={start}-")
    response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - http(s) only
    if start and response.status != 206:
        left = start
        while left > 0:
            chunk = response.read(min(left, 1 << 20))
            if not chunk:
                break
            left -= len(chunk)
    return response


def read_records(
    stream: BinaryIO, name: str, max_bytes: int, start: int = 0
) -> Iterator[ArchivedPage | Skipped]:
    """Every record of a WARC stream from offset ``start``, as a page or a skip."""
    iterator = ArchiveIterator(stream, check_digests=False)
    for record in iterator:
        # Where this record began (get_record_offset() would read the record to its end).
        offset = iterator.offset + start
        url = record.rec_headers.get_header("WARC-Target-URI")
        kind = record.rec_type
        page: ArchivedPage | Skipped
        if kind != "response":
            page = Skipped(f"{kind} record", url, offset, page=kind == "revisit")
        elif record.http_headers is None or not record.http_headers.get_statuscode():
            page = Skipped("not an HTTP response", url, offset)
        else:
            page = _page(record, url or "", name, offset, max_bytes)
        iterator.read_to_end()
        length = iterator.get_record_length()
        if isinstance(page, ArchivedPage):
            page = ArchivedPage(**{**page.__dict__, "length": length})
        else:
            page = Skipped(page.reason, page.url, page.offset, length, page.page)
        yield page


def read_file_records(
    path: str, max_bytes: int, start: int = 0
) -> Iterator[ArchivedPage | Skipped]:
    """A local WARC file's records, gzip member by member: a member that is cut, not gzip
    or not one whole record of its declared length is skipped with that reason, and the
    reading goes on at the next member (a damaged record costs itself, not the file).
    An uncompressed file is read in one stream."""
    with open(path, "rb") as scan, open(path, "rb") as data:
        for member in scan_members(scan, start, keep=KEEP_DECOMPRESSED):
            if member.problem == "not gzip" and member.offset == start:
                data.seek(start)
                yield from read_records(data, path, max_bytes, start)
                return
            if member.problem is not None:
                yield Skipped(
                    f"damaged record ({member.problem})", None, member.offset, member.length
                )
                continue
            if member.record is not None:  # decompressed by the scan already
                for entry in read_records(
                    io.BytesIO(member.record), path, max_bytes, member.offset
                ):
                    yield replace(entry, length=member.length)
                continue
            data.seek(member.offset)
            raw = io.BytesIO(data.read(member.length))
            yield from read_records(raw, path, max_bytes, member.offset)


def _page(record, url: str, name: str, offset: int, max_bytes: int) -> ArchivedPage | Skipped:
    http = record.http_headers
    try:
        status = int(http.get_statuscode())
    except ValueError:
        return Skipped("bad HTTP status", url, offset)
    if not 200 <= status < 300:
        return Skipped(f"http {status}", url, offset)
    ctype = (http.get_header("Content-Type") or "").lower()
    if ctype and not any(t in ctype for t in HTML_TYPES):
        return Skipped("not html", url, offset)
    if not url.startswith(("http://", "https://")):
        return Skipped("not an http(s) URL", url, offset)
    body = read_at_most(record.content_stream(), max_bytes + 1)
    if len(body) > max_bytes:
        return Skipped("too large", url, offset)
    return ArchivedPage(
        url=url,
        status=status,
        headers=list(http.headers),
        body=body,
        date=record.rec_headers.get_header("WARC-Date") or "",
        file=name,
        offset=offset,
        length=0,
    )


def read_at_most(stream: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes (a decompressing stream returns one block a read)."""
    parts = []
    left = limit
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def fetched_at(warc_date: str) -> str:
    """WARC-Date (any precision) as the crawl's fetched_at: seconds, UTC, ``Z``."""
    if len(warc_date) >= 19:
        return warc_date[:19] + "Z"
    return warc_date

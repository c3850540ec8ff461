"""Rotating WARC/1.1 files of one run: one gzip member per record, finished files renamed.

A file being written is ``<name>.warc.gz.open`` and holds an exclusive ``flock``; when it
reaches the size limit (or the run ends) it is fsynced and renamed to ``<name>.warc.gz``, so
a name without ``.open`` is always a finished file. A record is built and compressed in
memory and appended with one loop of ``os.write``: a SIGKILL can cut only the last record.
The next run (``recover_open_files``) cuts a left-over ``.open`` file back to its last whole
record and renames it; a file whose lock is held belongs to a live writer and is left alone.
"""

from __future__ import annotations

import fcntl
import io
import logging
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.archive.members import whole_records_end

logger = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
WARC_SUFFIX = ".warc.gz"
# Hop-by-hop framing the HTTP client already undid: kept under another name, so a reader
# does not try to undo it a second time.
_UNDONE_FRAMING = ("transfer-encoding",)


def software() -> str:
    try:
        return f"newscrawler/{version('newscrawler')}"
    except PackageNotFoundError:
        return "newscrawler"


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, as the crawler sent and received them."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    protocol: str
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes
    ip_address: str | None = None


@dataclass(frozen=True)
class Location:
    """Where a response record is: the finished file's path, the record's offset and its
    compressed length (a byte range a reader can seek to)."""

    file: str
    offset: int
    length: int


@dataclass(frozen=True)
class Recovered:
    path: Path
    cut_bytes: int
    removed: bool


class WarcFileSet:
    """The run's WARC files in one folder: ``<prefix>-<NNNNN>.warc.gz``, rotated at
    ``max_bytes`` (a record is never split). Not thread-safe: one writer thread."""

    def __init__(
        self, folder: Path, prefix: str, max_bytes: int, info: dict[str, str] | None = None
    ) -> None:
        self.folder = folder
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.info = dict(info or {})
        self.sequence = 0
        self.finished: list[Path] = []
        self._fd: int | None = None
        self._path: Path | None = None
        self._size = 0

    @property
    def current_path(self) -> Path | None:
        """The final name of the file being written (None between files)."""
        return self._path

    def write(self, exchange: Exchange) -> Location:
        """Append the response and request records; OSError when the file cannot take them
        (the file is cut back to its last whole record first)."""
        response, request = exchange_records(exchange)
        if self._fd is None:
            self._open()
        assert self._path is not None
        offset = self._size
        self._append(response + request)
        location = Location(str(self._path), offset, len(response))
        if self._size >= self.max_bytes:
            self.close()
        return location

    def close(self) -> None:
        """Finish the current file: fsync, rename without ``.open``, fsync the folder."""
        if self._fd is None:
            return
        fd, path = self._fd, self._path
        assert path is not None
        self._fd, self._path = None, None
        try:
            os.fsync(fd)
            os.rename(_open_name(path), path)
            _fsync_folder(path.parent)
        finally:
            os.close(fd)
        self.finished.append(path)

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        while True:
            self.sequence += 1
            path = self.folder / f"{self.prefix}-{self.sequence:05d}{WARC_SUFFIX}"
            if path.exists():
                continue
            try:
                fd = os.open(_open_name(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            break
        fcntl.flock(fd, fcntl.LOCK_EX)
        self._fd, self._path, self._size = fd, path, 0
        self._append(warcinfo_record(path.name, self.info))

    def _append(self, data: bytes) -> None:
        assert self._fd is not None
        view = memoryview(data)
        done = 0
        try:
            while done < len(view):
                done += os.write(self._fd, view[done:])
        except OSError:
            try:
                os.ftruncate(self._fd, self._size)
            except OSError as exc:
                logger.error("cannot cut %s back to its last whole record: %s", self._path, exc)
            raise
        self._size += done


def _open_name(path: Path) -> Path:
    return path.with_name(path.name + OPEN_SUFFIX)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _record_bytes(record: object) -> bytes:
    out = io.BytesIO()
    WARCWriter(out, gzip=True, warc_version="WARC/1.1").write_record(record)
    return out.getvalue()


_BUILDER = WARCWriter(io.BytesIO(), gzip=True, warc_version="WARC/1.1")


def warcinfo_record(filename: str, info: dict[str, str]) -> bytes:
    fields = {"software": software(), "format": "WARC File Format 1.1", **info}
    record = _BUILDER.create_warcinfo_record(filename, fields)
    return _record_bytes(record)


def exchange_records(exchange: Exchange) -> tuple[bytes, bytes]:
    """The gzipped response record and the request record (WARC-Concurrent-To it)."""
    date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    phrase = _phrase(exchange.status)
    response_headers = StatusAndHeaders(
        f"{exchange.status} {phrase}".strip(),
        list(_kept(exchange.response_headers)),
        protocol=exchange.protocol,
    )
    warc_headers = {"WARC-Date": date}
    if exchange.ip_address:
        warc_headers["WARC-IP-Address"] = exchange.ip_address
    response = _BUILDER.create_warc_record(
        exchange.url,
        "response",
        payload=io.BytesIO(exchange.body),
        length=len(exchange.body),
        http_headers=response_headers,
        warc_headers_dict=warc_headers,
    )
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request_headers = list(exchange.request_headers)
    if not any(name.lower() == "host" for name, _ in request_headers):
        request_headers.insert(0, ("Host", parts.netloc))
    request = _BUILDER.create_warc_record(
        exchange.url,
        "request",
        payload=io.BytesIO(exchange.request_body),
        length=len(exchange.request_body),
        http_headers=StatusAndHeaders(
            f"{exchange.method} {target} {exchange.protocol}", request_headers, is_http_request=True
        ),
        warc_headers_dict={
            "WARC-Date": date,
            "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
        },
    )
    return _record_bytes(response), _record_bytes(request)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _kept(headers: Iterable[tuple[str, str]]) -> Iterable[tuple[str, str]]:
    for name, value in headers:
        if name.lower() in _UNDONE_FRAMING:
            yield f"X-Crawler-{name}", value
        else:
            yield name, value


def recover_open_files(folder: Path) -> list[Recovered]:
    """Finish the ``.open`` files a killed run left in ``folder``: cut each back to its last
    whole record and rename it (removed when not even its warcinfo record is whole). Files
    whose lock a live writer holds are skipped."""
    recovered: list[Recovered] = []
    if not folder.is_dir():
        return recovered
    for open_path in sorted(folder.glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}")):
        try:
            fd = os.open(open_path, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live writer's file
            size = os.fstat(fd).st_size
            with os.fdopen(os.dup(fd), "rb") as reader:
                end = whole_records_end(reader)
            final = open_path.with_name(open_path.name[: -len(OPEN_SUFFIX)])
            if end == 0:
                open_path.unlink()
                recovered.append(Recovered(final, size, True))
                continue
            os.ftruncate(fd, end)
            os.fsync(fd)
            os.rename(open_path, final)
            recovered.append(Recovered(final, size - end, False))
        finally:
            os.close(fd)
    if recovered:
        _fsync_folder(folder)
    return recovered


def run_prefix(spider_name: str, run_id: str) -> str:
    """File name prefix of a run: spider, run id and host (runs on several hosts may share
    one folder)."""
    host = socket.gethostname().split(".")[0] or "host"
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in f"{spider_name}-{run_id}-{host}")
    return safe

"""Where the complete records of a ``.warc.gz`` file end, found without trusting the file.

A file cut by a SIGKILL (or a full disk) ends with part of a gzip member; a damaged one may
hold a member whose record does not match its own Content-Length. ``scan_members`` walks the
gzip members one by one, decompressing each to its end, and says for each whether it holds
one whole WARC record; the writer's recovery cuts a file back to its last whole one and the
reader skips (and counts) the rest.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 1 << 16
# Bytes of a record's header block read at most (a longer one is not a WARC record).
MAX_HEADER_BYTES = 1 << 16
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)[ \t]*\r\n", re.I)


@dataclass(frozen=True)
class Member:
    """One gzip member of a file: where it is and what is wrong with it (None: a whole record)."""

    offset: int
    length: int  # compressed bytes
    problem: str | None = None
    # The decompressed record, when the scan was asked to keep it and it fitted (a reader
    # then parses it without decompressing the member a second time).
    record: bytes | None = None


def scan_members(file: BinaryIO, start: int = 0, keep: int = 0) -> Iterator[Member]:
    """The members of a gzip-per-record WARC file from ``start``; stops after the first
    member that is cut short or not gzip (its problem names why), since nothing after it
    can be found reliably. A whole member of at most ``keep`` decompressed bytes comes with
    its record."""
    file.seek(start)
    offset = start
    pending = b""
    while True:
        if not pending:
            pending = file.read(CHUNK)
            if not pending:
                return
        member, pending = _one_member(file, offset, pending, keep)
        yield member
        if member.problem in ("truncated", "not gzip"):
            return
        offset += member.length


def _one_member(file: BinaryIO, offset: int, data: bytes, keep: int) -> tuple[Member, bytes]:
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    consumed = 0
    header = b""
    size = 0
    tail = b""
    kept: list[bytes] | None = [] if keep > 0 else None
    while True:
        try:
            out = inflater.decompress(data)
        except zlib.error:
            return Member(offset, consumed + len(data), "not gzip"), b""
        if len(header) < MAX_HEADER_BYTES:
            header += out[: MAX_HEADER_BYTES - len(header)]
        size += len(out)
        tail = (tail + out)[-4:]
        if kept is not None:
            kept.append(out)
            if size > keep:
                kept = None  # too large to hold: the reader decompresses it again, streaming
        if inflater.eof:
            rest = inflater.unused_data
            consumed += len(data) - len(rest)
            problem = _record_problem(header, size, tail)
            record = b"".join(kept) if kept is not None and problem is None else None
            return Member(offset, consumed, problem, record), rest
        consumed += len(data)
        data = file.read(CHUNK)
        if not data:
            return Member(offset, consumed, "truncated"), b""


def _record_problem(header: bytes, size: int, tail: bytes) -> str | None:
    """None when the decompressed member is one WARC record of its declared length."""
    if not header.startswith(b"WARC/"):
        return "not a WARC record"
    end = header.find(b"\r\n\r\n")
    if end < 0:
        return "header block unterminated"
    match = _CONTENT_LENGTH.search(header, 0, end + 2)
    if match is None:
        return "no Content-Length"
    expected = end + 4 + int(match.group(1)) + 4
    if size != expected or tail != b"\r\n\r\n":
        return "wrong length"
    return None


def whole_records_end(file: BinaryIO) -> int:
    """Offset just after the last member before the first cut or damaged one."""
    end = 0
    for member in scan_members(file):
        if member.problem is not None:
            break
        end = member.offset + member.length
    return end

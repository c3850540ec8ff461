"""Bad archives (issue 21, part 4): a damaged or odd WARC file is read as far as it can be,
every record it could not use is counted with a reason, and the run never crashes."""

from __future__ import annotations

import gzip
import io
import random
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.archive.reader import ArchivedPage, Skipped, read_records
from tests.test_reextract import read_items, reextract

pytestmark = pytest.mark.slow

ARTICLE = (
    "<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1>"
    + "<p>{text}</p>" * 6
    + "</article></body></html>"
)
TEXT = (
    "The river council voted on Tuesday to rebuild the old stone bridge, which has been closed "
    "since the spring floods damaged two of its arches and cut the town in half for months."
)


WORDS = (
    TEXT + " harbour mayor budget school teachers strike election winter festival market "
    "orchestra railway museum hospital nurses farmers harvest drought airport runway "
    "library reopened volunteers storm coast ferry tourists bakery prices wages"
).split()


def story(n: int) -> str:
    """A text of its own per story (the pipelines drop near-duplicates)."""
    rng = random.Random(n)
    return " ".join(rng.choice(WORDS) for _ in range(45)) + "."


def page(n: int, meta: str = "", text: str | None = None) -> bytes:
    body = text if text is not None else story(n)
    return ARTICLE.format(title=f"Bridge story number {n}", meta=meta, text=body).encode()


def member(url: str, body: bytes, ctype: str = "text/html; charset=utf-8") -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.0")
    http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
        )
    )
    return out.getvalue()


def test_damaged_records_are_counted_and_the_good_ones_read(tmp_path: Path) -> None:
    base = "http://news.example.org/story/"
    latin = "Café crème à la Gare du Nord, où les trains reprennent après la grève. "
    parts = [
        member(base + "1", page(1)),
        # wrong length: the record says more bytes than its member holds
        gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort"),
        member(base + "2", page(2)),
        # declared charset wrong (says utf-8, bytes are cp1252), and none declared at all
        member(base + "3", page(3, text=latin * 4).replace(b"\xc3\xa9", b"\xe9")),
        member(base + "4", page(4, text=latin + story(4)).decode().encode("cp1252"), "text/html"),
        # a 50 MB record
        member(base + "5", b"<html><body>" + b"x" * (50 * 1024 * 1024) + b"</body></html>"),
        member(base + "6", page(6)),
    ]
    last = member(base + "7", page(7))
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(b"".join(parts) + last[: len(last) // 2])  # a cut last member
    proc = reextract([path], tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = read_items(tmp_path / "items.jsonl")
    assert {base + n for n in "1246"} == set(items), sorted(items)
    # A missing charset is found by the reader; bytes that contradict the declared charset
    # throughout are a reject with its reason (rejects file), never mojibake in the feed.
    assert "Café crème" in items[base + "4"]["text"]
    rejects = (tmp_path / "rejects.jsonl").read_text()
    assert '"url": "http://news.example.org/story/3", "reason": "undecodable text"' in rejects
    assert "'reextract/skipped/too large'" in proc.stderr
    assert "damaged" in proc.stderr  # the wrong-length and cut members, counted and logged
    assert "Traceback" not in proc.stderr


def test_records_of_a_damaged_file_stop_with_a_reason(tmp_path: Path) -> None:
    data = member("http://a.example/1", page(1)) + member("http://a.example/2", page(2))[:-30]
    seen = list(read_records(io.BytesIO(data), "x", 10**7))
    assert isinstance(seen[0], ArchivedPage)
    assert all(isinstance(s, (ArchivedPage, Skipped)) for s in seen)

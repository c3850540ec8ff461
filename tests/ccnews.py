"""WARC files in the shape of Common Crawl's news archive (CC-NEWS), built by the tests from
pages a local portal serves: WARC/1.0, one gzip member per record, a warcinfo record, HTTP
response records with the server's headers (payloads stored decoded, the original
Content-Encoding and Content-Length renamed X-Crawler-*, as Common Crawl does; some left
content-encoded), request and metadata records, revisit records, images and PDFs, errors."""

from __future__ import annotations

import gzip
import io
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def fetch(url: str) -> Fetched:
    """One page of a loopback portal, as a crawler received it."""
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
        return Fetched(url, response.status, list(response.headers.items()), response.read())


def build_ccnews_warc(path: Path, pages: Iterable[Fetched], *, encoded_every: int = 3) -> None:
    """Write ``pages`` as CC-NEWS does, with the other kinds of records between them."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="WARC/1.0")
        writer.write_record(
            writer.create_warcinfo_record(
                path.name,
                {"software": "StormCrawler 2.x", "isPartOf": "CC-NEWS", "format": "WARC 1.0"},
            )
        )
        for n, page in enumerate(pages):
            headers = [(k, v) for k, v in page.headers if k.lower() != "content-length"]
            body = page.body
            if n % encoded_every == 1:  # kept content-encoded, as some crawlers store it
                body = gzip.compress(body)
                headers.append(("Content-Encoding", "gzip"))
            else:
                headers.append(("X-Crawler-Content-Length", str(len(page.body))))
            headers.append(("Content-Length", str(len(body))))
            _request(writer, page.url)
            response = _response(writer, page.url, page.status, headers, body)
            writer.write_record(response)
            writer.write_record(
                writer.create_warc_record(
                    page.url,
                    "metadata",
                    payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
                    warc_content_type="application/warc-fields",
                )
            )
            if n == 2:  # the same page again, unchanged: a revisit record
                revisit = writer.create_revisit_record(
                    page.url,
                    digest=response.rec_headers.get_header("WARC-Payload-Digest"),
                    refers_to_uri=page.url,
                    refers_to_date=response.rec_headers.get_header("WARC-Date"),
                    http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
                )
                writer.write_record(revisit)
            if n == 3:  # what a news crawl also fetches
                base = page.url.split("/", 3)[:3]
                root = "/".join(base)
                image = [("Content-Type", "image/jpeg")]
                writer.write_record(_response(writer, root + "/lead.jpg", 200, image, b"\xff\xd8"))
                pdf = [("Content-Type", "application/pdf")]
                writer.write_record(_response(writer, root + "/report.pdf", 200, pdf, b"%PDF-1"))
                html = [("Content-Type", "text/html")]
                writer.write_record(_response(writer, root + "/gone", 404, html, b"<p>gone"))


def _request(writer: WARCWriter, url: str) -> None:
    target = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    headers = StatusAndHeaders(
        f"GET {target} HTTP/1.1", [("User-Agent", "CCBot/3.1")], is_http_request=True
    )
    writer.write_record(
        writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=headers)
    )


def _response(
    writer: WARCWriter, url: str, status: int, headers: list[tuple[str, str]], body: bytes
):
    phrase = {200: "OK", 404: "Not Found"}.get(status, "")
    http = StatusAndHeaders(f"{status} {phrase}", headers, protocol="HTTP/1.1")
    return writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
    )

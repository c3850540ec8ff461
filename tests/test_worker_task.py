"""The worker's task on a page's bytes: decode, read, hash, keep the site's links.

Runs the task function itself on saved golden pages (the pool around it is exercised by the
crawl tests).
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.workerpool import decode_and_read
from reader import ReadOptions, read_page

GOLDEN = Path(__file__).parent / "golden"
SITE = ("http://www.exampleherald.test/", "https://www.exampleherald.test/")


def test_a_cp1252_page_is_decoded_read_and_hashed_with_only_its_sites_links() -> None:
    folder = GOLDEN / "en_herald_river_exhibit"
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    body = (folder / "page.html").read_bytes()
    everything = read_page(body.decode("cp1252"), expected["url"])
    reading = decode_and_read(
        read_page, body, None, expected["url"], ReadOptions(link_prefixes=SITE)
    )
    assert reading.kind == "article"
    assert reading.fields["title"] == expected["title"]
    assert reading.decoding in ("meta", "detected")  # no header charset was given
    assert reading.simhash
    assert reading.links and all(link.startswith(SITE) for link in reading.links)
    off_site = [u for u in everything.links if u.startswith("http") and not u.startswith(SITE)]
    assert reading.offsite_links == len(off_site) > 0


def test_bodies_that_are_not_pages_come_back_as_rejects_with_their_details() -> None:
    url = "http://www.exampleherald.test/file"
    pdf = decode_and_read(read_page, b"%PDF-1.7\n" + bytes(2000), None, url, ReadOptions())
    assert (pdf.kind, pdf.reason, pdf.details) == ("reject", "binary content", {"detail": "pdf"})
    empty = decode_and_read(read_page, b"  \n", None, url, ReadOptions())
    assert (empty.kind, empty.reason) == ("reject", "empty body")
    page = ("<html><body>" + "<p>word</p>" * 500 + "</body></html>").encode()
    huge = decode_and_read(read_page, page, "utf-8", url, ReadOptions(max_chars=1000))
    assert (huge.kind, huge.reason, huge.details) == (
        "reject",
        "too large",
        {"characters": len(page)},
    )

"""Golden pages: each saved portal page reads into its expected clean item.

The page is decoded as Scrapy decodes a response (header, BOM, then meta charset) and read
by the same function the crawl's workers run; text is then normalised as the cleaning stage
does. Title, authors and date must match; body snippets must (not) appear.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from w3lib.encoding import html_to_unicode

from pipelines.cleaning.normalise import normalise_text
from pipelines.extraction import read_page

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if (p / "expected.json").exists())


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(params=CASES, ids=[p.name for p in CASES])
def case(request: pytest.FixtureRequest) -> tuple[dict, dict]:
    expected = json.loads((request.param / "expected.json").read_text(encoding="utf-8"))
    _, html = html_to_unicode(
        expected.get("content_type", "text/html"), (request.param / "page.html").read_bytes()
    )
    reading = read_page(html, expected["url"])
    assert reading.kind == "article", (reading.kind, reading.reason, reading.signals)
    fields = dict(reading.fields, text=normalise_text(reading.fields["text"]))
    return expected, fields


def test_title(case: tuple[dict, dict]) -> None:
    expected, fields = case
    assert fields["title"] == expected["title"]


def test_authors(case: tuple[dict, dict]) -> None:
    expected, fields = case
    assert sorted(fields["authors"]) == sorted(expected["authors"])


def test_published(case: tuple[dict, dict]) -> None:
    expected, fields = case
    assert (fields["published"] or "").startswith(expected["published"])


def test_language(case: tuple[dict, dict]) -> None:
    expected, fields = case
    assert fields["language"] == expected["language"]


def test_body_keeps_the_article(case: tuple[dict, dict]) -> None:
    expected, fields = case
    text = squash(fields["text"])
    missing = [s for s in expected["must_contain"] if squash(s) not in text]
    assert not missing
    assert text.startswith(squash(expected["text_starts_with"]))
    assert text.endswith(squash(expected["text_ends_with"]))


def test_body_has_no_chrome(case: tuple[dict, dict]) -> None:
    expected, fields = case
    text = squash(fields["text"])
    present = [s for s in expected["must_not_contain"] if squash(s) in text]
    assert not present

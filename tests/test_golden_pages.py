"""Golden pages: each saved portal page reads into its expected clean item.

The page is decoded as Scrapy decodes a response (header, BOM, then meta charset) and read
by the same function the crawl's workers run; text is then normalised as the cleaning stage
does. Title, authors and date must match; body snippets must (not) appear.
"""

from __future__ import annotations

import pytest

from reader import read_page
from reader.normalise import normalise_text
from tests.golden import CASES, load_golden


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(params=CASES, ids=[p.name for p in CASES])
def case(request: pytest.FixtureRequest) -> tuple[dict, dict]:
    expected, html = load_golden(request.param)
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


TEXT_CASES = [p for p in CASES if (p / "text.txt").exists()]


@pytest.mark.parametrize("folder", TEXT_CASES, ids=[p.name for p in TEXT_CASES])
def test_text_is_exactly_the_article(folder) -> None:
    """Where the page's whole expected text is written beside it (``text.txt``), the text is
    exactly that: every paragraph of the article, one a line, nothing else."""
    expected, html = load_golden(folder)
    reading = read_page(html, expected["url"])
    want = (folder / "text.txt").read_text(encoding="utf-8").strip()
    assert normalise_text(reading.fields["text"]).strip() == normalise_text(want)

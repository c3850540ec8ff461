"""Short articles and the article/listing decision on realistic pages written for it.

Each folder under tests/short_articles/ holds ``page.html`` and ``expected.json``: the
decision (and, for a listing, the reason it is recorded with), the fields, and the exact
lines of the text (paragraphs are lines; no headline or dateline at its start).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader import ReadOptions, read_page
from reader.classify import ARTICLE_LIKE_LISTING
from reader.text import text_length

CASES = Path(__file__).parent / "short_articles"
FOLDERS = sorted(p.parent for p in CASES.glob("*/expected.json"))


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_short_page(folder: Path) -> None:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    html = (folder / "page.html").read_text(encoding="utf-8")
    reading = read_page(html, expected["url"])
    why = expected["why"]
    assert reading.kind == expected["kind"], (reading.reason, reading.signals, why)
    if "reason" in expected:
        assert reading.reason == expected["reason"], why
    fields = reading.fields
    if "text_lines" in expected:
        assert fields["text"].split("\n") == expected["text_lines"], why
    if "title" in expected:
        assert fields["title"] == expected["title"], why
    if "published" in expected:
        assert (fields["published"] or "").startswith(expected["published"]), why


def test_article_like_listing_says_why() -> None:
    """The record of an article-like listing carries the evidence the decision was made on."""
    folder = CASES / "zh_dated_digest_listing"
    url = json.loads((folder / "expected.json").read_text(encoding="utf-8"))["url"]
    reading = read_page((folder / "page.html").read_text(encoding="utf-8"), url)
    assert reading.reason == ARTICLE_LIKE_LISTING
    assert "text:headline-list" in reading.details["signals"]
    assert "looks:article" in reading.details["signals"]
    assert reading.details["why"] == "listing by its evidence"
    assert isinstance(reading.details["score"], int)


def test_minimum_length_counts_cjk_characters_as_words() -> None:
    assert text_length("The ferry is back.") == 18
    assert text_length("渡轮恢复运行。") == 7 * 6 - 5  # six CJK characters, one full stop
    brief = (CASES / "zh_brief_mobile" / "page.html").read_text(encoding="utf-8")
    url = "https://m.linan-online.example/local/2025/0304/81234.html"
    # 51 characters of Chinese are over the default minimum (80): they read as ~300.
    assert read_page(brief, url).kind == "article"
    # A minimum that even the brief does not reach still rejects it, with the reason.
    too_short = read_page(brief, url, ReadOptions(min_text_chars=400))
    assert (too_short.kind, too_short.reason) == ("reject", "no usable body")

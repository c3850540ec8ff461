"""The validation stage passes what the published schema accepts and names the broken field.

Items come from the golden pages, read as the crawl reads them; each is then broken in the
ways a reader bug would break it (missing, mistyped, malformed or extra fields) and the stage
must reject every variant with a reason that names the field.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from crawler.decoding import decode_html
from crawler.drops import Rejected
from crawler.items import ARTICLE_FIELDS, ArticleItem
from pipelines.validate import ValidationPipeline
from reader import read_page

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if (p / "expected.json").exists())


def _item(folder: Path) -> dict[str, Any]:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    decoded = decode_html((folder / "page.html").read_bytes())
    assert decoded.text is not None
    reading = read_page(decoded.text, expected["url"])
    item = {k: v for k, v in reading.fields.items() if k in ARTICLE_FIELDS}
    item.update(url=expected["url"], fetched_at="2026-01-05T08:00:00Z")
    return item


# Optional fields an item may lack, and values the schema allows (null, a whole float).
# markdown and images are written only when the crawl's settings ask for them.
OPTIONAL = {
    "modified",
    "site_name",
    "section",
    "description",
    "image",
    "source",
    "editor",
    "markdown",
    "images",
}


def _variants(item: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(field, item with that field broken) for each way a reader bug breaks an item."""
    broken: list[tuple[str, dict[str, Any]]] = []
    for key in set(item) - OPTIONAL:
        without = dict(item)
        del without[key]
        broken.append((key, without))
    for key, bad in [
        ("url", "ftp://example.com/a"),
        ("url", 17),
        ("title", ""),
        ("authors", ["Ann", ""]),
        ("authors", "Ann"),
        ("published", "11 January 2025"),
        ("modified", "2025-01-11T10:40:00+0100"),
        ("language", "eng"),
        ("word_count", 0),
        ("word_count", True),
        ("word_count", 12.5),
        ("fetched_at", "2026-01-05 08:00:00"),
        ("fingerprint", "ABC"),
        ("tags", [1, 2]),
        ("is_update", 1),
        ("markdown", ["# a"]),
        ("images", [{"src": "/relative.jpg", "alt": None, "caption": None}]),
        ("images", [{"src": "https://example.com/a.jpg", "alt": None}]),
        ("images", "https://example.com/a.jpg"),
    ]:
        changed = copy.deepcopy(item)
        changed[key] = bad
        broken.append((key, changed))
    return broken


@pytest.mark.parametrize("folder", CASES, ids=[p.name for p in CASES])
def test_every_broken_item_is_rejected_naming_its_field(folder: Path) -> None:
    crawler = get_crawler()
    stage = ValidationPipeline.from_crawler(crawler)
    item = _item(folder)
    good = ArticleItem(item)
    assert stage.process_item(good) is good
    for field, variant in _variants(item):
        with pytest.raises(Rejected) as refused:
            stage.process_item(ArticleItem(variant))
        assert refused.value.reason.startswith("invalid ")
        assert field in refused.value.reason, (field, refused.value.reason)
    assert crawler.stats.get_value("validation/rejected") == len(_variants(item))


def test_values_the_schema_allows_pass() -> None:
    stage = ValidationPipeline.from_crawler(get_crawler())
    item = _item(CASES[0])
    for key, allowed in [("published", None), ("language", None), ("word_count", 12.0)]:
        changed = ArticleItem(item)
        changed[key] = allowed
        assert stage.process_item(changed) is changed


def test_the_stage_passes_a_good_item_and_rejects_a_bad_one_naming_the_field() -> None:
    crawler = get_crawler()
    stage = ValidationPipeline.from_crawler(crawler)
    good = ArticleItem(_item(CASES[0]))
    assert stage.process_item(good) is good
    bad = ArticleItem(_item(CASES[0]), language="english")
    with pytest.raises(Rejected) as refused:
        stage.process_item(bad)
    assert refused.value.reason.startswith("invalid language:")
    assert refused.value.url == bad["url"]
    assert crawler.stats.get_value("validation/ok") == 1
    assert crawler.stats.get_value("validation/rejected") == 1

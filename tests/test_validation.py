"""The validation stage's compiled check accepts exactly what the published schema accepts.

Items come from the golden pages, read as the crawl reads them; each is then broken in the
ways a reader bug would break it (missing, mistyped, malformed or extra fields) and the
compiled check must agree with jsonschema on every variant.
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
from pipelines.extraction import read_page
from pipelines.validate import (
    ValidationPipeline,
    article_check,
    article_schema,
    article_validator,
    compile_schema,
)

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


def _variants(item: dict[str, Any]) -> list[dict[str, Any]]:
    broken: list[dict[str, Any]] = []
    for key in item:
        without = dict(item)
        del without[key]
        broken.append(without)
    for key, bad in [
        ("url", "ftp://example.com/a"),
        ("url", 17),
        ("title", ""),
        ("authors", ["Ann", ""]),
        ("authors", "Ann"),
        ("published", "11 January 2025"),
        ("published", None),
        ("modified", "2025-01-11T10:40:00+0100"),
        ("language", "eng"),
        ("language", None),
        ("word_count", 0),
        ("word_count", True),
        ("word_count", 12.0),
        ("word_count", 12.5),
        ("fetched_at", "2026-01-05 08:00:00"),
        ("fingerprint", "ABC"),
        ("tags", [1, 2]),
        ("is_update", 1),
        ("surprise", "field"),
    ]:
        changed = copy.deepcopy(item)
        changed[key] = bad
        broken.append(changed)
    return broken


@pytest.mark.parametrize("folder", CASES, ids=[p.name for p in CASES])
def test_compiled_check_agrees_with_jsonschema(folder: Path) -> None:
    check, validator = article_check(), article_validator()
    assert check is not None, "the article schema uses a keyword the compiled check lacks"
    item = _item(folder)
    assert check(item) and validator.is_valid(item)
    for variant in _variants(item):
        assert check(variant) == validator.is_valid(variant), variant


def test_a_schema_with_unknown_keywords_is_left_to_jsonschema() -> None:
    schema = copy.deepcopy(article_schema())
    schema["properties"]["title"]["maxLength"] = 200
    assert compile_schema(schema) is None


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

"""The feed exporter: Scrapy's JSON Lines output, one whole line per article.

The golden pages are read as the crawl's workers read them; their articles, with fields set
in an order other than the item's declaration, must export exactly as Scrapy's own
JsonLinesItemExporter writes them, with and without a field list (FEED_EXPORT_FIELDS).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from scrapy.exporters import JsonLinesItemExporter

from crawler.export import LineJsonLinesExporter
from crawler.items import ARTICLE_FIELDS, ArticleItem
from reader import read_page
from tests.golden import CASES, load_golden


def golden_article(folder: Path) -> ArticleItem:
    expected, html = load_golden(folder)
    fields = read_page(html, expected["url"]).fields
    item = ArticleItem()
    for name in reversed(ARTICLE_FIELDS):  # not the declaration order
        if name in fields:
            item[name] = fields[name]
    item["fetched_at"] = "2026-12-03T10:00:00Z"
    item["is_update"] = False
    return item


def exported(exporter_class: type, item: ArticleItem, **options: object) -> bytes:
    out = io.BytesIO()
    exporter = exporter_class(out, encoding="utf-8", ensure_ascii=False, **options)
    exporter.start_exporting()
    exporter.export_item(item)
    exporter.finish_exporting()
    return out.getvalue()


@pytest.mark.parametrize("folder", CASES, ids=[p.name for p in CASES])
def test_an_article_exports_as_scrapy_writes_it(folder: Path) -> None:
    item = golden_article(folder)
    ours = exported(LineJsonLinesExporter, item)
    assert ours == exported(JsonLinesItemExporter, item)
    assert list(json.loads(ours)) == [name for name in ArticleItem.fields if name in item]


def test_a_field_list_is_honoured_as_scrapy_honours_it() -> None:
    item = golden_article(CASES[0])
    del item["image"]
    fields = ["title", "url", "word_count", "image"]
    ours = exported(LineJsonLinesExporter, item, fields_to_export=fields)
    assert ours == exported(JsonLinesItemExporter, item, fields_to_export=fields)
    assert list(json.loads(ours)) == ["title", "url", "word_count"]  # unset fields left out


def test_line_breaks_inside_text_stay_escaped_on_one_line() -> None:
    item = golden_article(next(p for p in CASES if p.name.startswith("zh_")))
    item["text"] = item["text"] + "\u2028尾\u2029注\u0085"
    line = exported(LineJsonLinesExporter, item).decode("utf-8")
    assert line.count("\n") == 1 and line.endswith("\n")
    assert "\u2028" not in line and "\\u2028" in line and "\\u0085" in line
    assert json.loads(line)["text"] == item["text"]

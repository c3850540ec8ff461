"""Golden pages: the crawl's page reader on real-looking portal pages, checked against specs.

Each folder under tests/cleaning/ holds ``page.html`` and ``expected.json``: the decision, the
metadata fields, snippets the text must contain and chrome it must not contain, and a ``why``.
The reader is loaded from ``NEWS_PAGE_READER``, exactly as the crawl's worker pool loads it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings

CASES = Path(__file__).parent
FOLDERS = sorted(p.parent for p in CASES.glob("*/expected.json"))


@pytest.fixture(scope="module")
def reader():
    return load_object(get_project_settings()["NEWS_PAGE_READER"])


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_golden_page(folder: Path, reader) -> None:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    html = (folder / "page.html").read_text(encoding="utf-8")
    url = expected.get("url", f"https://news.example.com/2024/05/02/{folder.name}-10234.html")
    reading = reader(html, url)
    text = reading.fields.get("text", "")
    assert reading.kind == expected.get("kind", "article"), reading.signals
    for snippet in expected.get("must_contain", []):
        assert snippet in text, f"missing {snippet!r} ({expected['why']})"
    for snippet in expected.get("must_not_contain", []):
        assert snippet not in text, f"chrome {snippet!r} kept ({expected['why']})"
    for signal in expected.get("signals_include", []):
        assert signal in reading.signals, f"{signal} not in {reading.signals} ({expected['why']})"
    for name in ("title", "authors", "source", "editor"):
        if name in expected:
            assert reading.fields.get(name) == expected[name], name

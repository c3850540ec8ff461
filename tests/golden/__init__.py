"""Golden pages: one folder per saved portal page, ``page.html`` beside ``expected.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from w3lib.encoding import html_to_unicode

GOLDEN = Path(__file__).resolve().parent
CASES = sorted(p for p in GOLDEN.iterdir() if (p / "expected.json").exists())


def load_golden(folder: Path) -> tuple[dict[str, Any], str]:
    """The page's expectations, and its HTML decoded as Scrapy decodes a response (header,
    BOM, then meta charset)."""
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    _, html = html_to_unicode(
        expected.get("content_type", "text/html"), (folder / "page.html").read_bytes()
    )
    return expected, html

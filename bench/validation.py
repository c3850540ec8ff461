"""``python -m bench.validation``: what validating one article with jsonschema costs.

Items are the golden pages (tests/golden) read as the crawl reads them. Each is validated
many times with the stage's validator (jsonschema's Draft 2020-12, ``iter_errors`` for the
first error, as the stage calls it); the time per item is set against the time one page
takes to read (``--page-ms``, 30-50 ms on the bench machine, see bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from crawler.decoding import decode_html
from crawler.items import ARTICLE_FIELDS
from pipelines.validate import article_validator
from reader import read_page

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"


def golden_items() -> list[dict[str, Any]]:
    items = []
    for folder in sorted(p for p in GOLDEN.iterdir() if (p / "expected.json").exists()):
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        decoded = decode_html((folder / "page.html").read_bytes())
        assert decoded.text is not None
        fields = read_page(decoded.text, expected["url"]).fields
        item = {k: v for k, v in fields.items() if k in ARTICLE_FIELDS}
        item.update(url=expected["url"], fetched_at="2026-01-05T08:00:00Z")
        items.append(item)
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--page-ms", type=float, default=30.0)
    args = parser.parse_args()
    items = golden_items()
    validator = article_validator()
    for item in items:
        assert next(iter(validator.iter_errors(item)), None) is None, item["url"]
    start = time.process_time()  # CPU time: a busy host stretches wall time, not this
    for _ in range(args.rounds):
        for item in items:
            next(iter(validator.iter_errors(item)), None)
    per_item_ms = (time.process_time() - start) * 1000 / (args.rounds * len(items))
    share = per_item_ms / args.page_ms
    print(f"{len(items)} golden items x {args.rounds} rounds")
    print(f"jsonschema: {per_item_ms * 1000:.1f} us CPU per item")
    print(f"share of a {args.page_ms:.0f} ms page: {share:.3%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

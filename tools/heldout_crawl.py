"""Crawl the four held-out portal templates end to end and score the items against truth.

A real `scrapy crawl news -a start_urls=... -O ...` (through tests/crawl_harness.py) over
zh_people, zh_portal_163, en_wire and en_local served on 127.0.0.1-4:
    .venv/bin/python tools/heldout_crawl.py [--seed N]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from crawl_harness import run_crawl  # noqa: E402

from crawler.benchmark import score_page  # noqa: E402
from crawler.canonical import url_key  # noqa: E402
from demo.server import PortalServer  # noqa: E402
from demo.templates import HELD_OUT_TEMPLATES  # noqa: E402


def main(argv: list[str]) -> None:
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 3
    with PortalServer() as server:
        portals = [
            server.serve(name, host=f"127.0.0.{i + 1}", seed=seed)
            for i, name in enumerate(HELD_OUT_TEMPLATES)
        ]
        result = run_crawl([p.start_url for p in portals], timeout=400)
    truth = {url_key(u): t for p in portals for u, t in p.truth.articles.items()}
    found, f1s, wrong_title, wrong_date, chrome, extra = {}, [], 0, 0, 0, []
    for item in result.items:
        expected = truth.get(url_key(item["canonical_url"])) or truth.get(url_key(item["url"]))
        if expected is None:
            extra.append(item["url"])
            continue
        found[expected.url] = item
        text = item["text"]
        f1s.append(
            score_page("\n".join(expected.paragraphs), text, cjk=expected.language == "zh").f1
        )
        wrong_title += item["title"] != expected.title
        wrong_date += not (item["published"] or "").startswith(expected.published[:16])
        chrome += any(c in text for c in expected.chrome)
    print(
        f"exit {result.returncode}; articles found {len(found)} of {len(truth)}; "
        f"items that are not articles {len(extra)}"
    )
    print(
        f"mean body F1 {sum(f1s) / max(1, len(f1s)):.3f}; titles wrong {wrong_title}; "
        f"dates wrong {wrong_date}; texts with chrome {chrome}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])

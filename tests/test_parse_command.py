"""``scrapy parse --spider news URL`` prints the article that page yields, every field, as a
crawl would export it (the pipelines read and clean it), and under its site's rules when a
sites file is given; it writes nothing."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.items import ARTICLE_FIELDS, ArticleItem, exported_fields
from demo.server import PortalServer as DemoServer
from tests.scheduled_crawl import ROOT
from tests.scheduled_portal import PortalServer
from tests.test_site_rules import NOTICE, RULES_TOML, HouseStylePortal


def parse(url: str, *extra: str, cwd: Path) -> tuple[list[dict[str, Any]], str]:
    """The items `scrapy parse` printed, and its log."""
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "parse", "--spider", "news", "--nocolour", *extra, url],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    printed = proc.stdout.split("# Scraped Items", 1)[1].split("\n", 1)[1]
    printed = printed.split("# Requests", 1)[0]
    return ast.literal_eval(printed.strip()), proc.stderr


@pytest.mark.slow
def test_parse_prints_the_article_of_a_demo_page(tmp_path: Path) -> None:
    with DemoServer() as server:
        portal = server.serve("en_modern")
        story = portal.articles[0]
        items, log = parse(portal.article_url(story.id), cwd=ROOT)
    assert len(items) == 1, log[-3000:]
    (item,) = items
    assert set(ARTICLE_FIELDS) <= set(item), sorted(item)
    assert set(item) <= set(exported_fields(ArticleItem)), sorted(item)  # no internal field
    assert item["title"] == story.title
    assert item["url"] == portal.article_url(story.id)
    assert item["word_count"] > 50 and item["authors"]
    assert "written to" not in log  # no feed, summary or report
    assert "Traceback" not in log


@pytest.mark.slow
def test_parse_reads_the_page_under_its_sites_rules(tmp_path: Path) -> None:
    portal = HouseStylePortal("Harbour Gazette")
    story = portal.add_plain(1, datetime(2024, 5, 2, tzinfo=UTC))
    with PortalServer(portal, "127.0.0.1") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.harbour]\nstart_urls = ["{server.base}/"]\n' + RULES_TOML)
        url = server.base + story.path
        (generic,), _ = parse(url, cwd=ROOT)
        (ruled,), _ = parse(url, "-a", f"sites={sites}", cwd=ROOT)
    assert generic["authors"] == [] and NOTICE in generic["text"]
    assert ruled["authors"] == ["Maria Keller"] and NOTICE not in ruled["text"]
    assert ruled["title"] == story.title

"""Per-site extraction rules in the sites file: a rule fixes a page the generic reader gets
wrong (its byline is in markup nothing generic recognises, a house notice sits inside the
body), a bad rule is refused at load with one line and exit status 2 before any fetch."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.exitcodes import ExitCode
from crawler.sitesfile import SitesFileError, load_sites_file
from reader.page import ReadOptions, read_page
from reader.siterules import RuleError, SiteRules, compile_rules
from tests.scheduled_crawl import ROOT, crawl, feed_files, read_jsonl
from tests.scheduled_portal import Portal, PortalServer, paragraphs

NOTICE = (
    "The harbour museum shop sells prints of the old bridge; ask at the front desk on"
    " weekdays between nine and five."
)
ARTICLE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Harbour Gazette</title></head><body>
<nav><a href="/">Home</a> <a href="/list/1.html">Latest</a></nav>
<div class="wrap"><h1>{title}</h1>
<div class="kx-meta"><span class="kx-who">Maria Keller</span>
<span class="kx-when">2024-05-02 08:30</span></div>
<div class="kx-text">{body}<p class="kx-house">{notice}</p></div>
<a class="kx-more" href="{path}?page=2">Continue</a></div>
<footer>Copyright Harbour Gazette</footer></body></html>"""

RULES = {
    "body": "css:div.kx-text",
    "remove": ["css:p.kx-house"],
    "authors": "css:.kx-who",
    "published": "//span[@class='kx-when']",
    "title": "//h1",
    "next_page": "css:a.kx-more",
}
RULES_TOML = """[sites.harbour.rules]
body = "css:div.kx-text"
remove = ["css:p.kx-house"]
authors = "css:.kx-who"
published = "//span[@class='kx-when']"
title = "//h1"
next_page = "css:a.kx-more"
"""


class HouseStylePortal(Portal):
    """The scheduled portal with an article template of its own house style."""

    def article_html(self, story: Any) -> str:
        body = "".join(f"<p>{p}</p>" for p in story.body)
        return ARTICLE.format(title=story.title, body=body, notice=NOTICE, path=story.path)


def article(ident: int = 7) -> tuple[str, str]:
    body = "".join(f"<p>{p}</p>" for p in paragraphs(f"rules-{ident}"))
    path = f"/news/2024/05/{ident}.html"
    html = ARTICLE.format(title="Harbour bridge reopens", body=body, notice=NOTICE, path=path)
    return html, f"http://127.0.0.1{path}"


def test_rules_fix_what_the_generic_reader_gets_wrong() -> None:
    html, url = article()
    generic = read_page(html, url)
    assert generic.kind == "article"
    assert generic.fields["authors"] == []  # the byline markup says nothing generic
    assert NOTICE in generic.fields["text"]  # the house notice reads like body text

    ruled = read_page(html, url, ReadOptions(rules=compile_rules(RULES)))
    assert ruled.kind == "article"
    assert ruled.fields["authors"] == ["Maria Keller"]
    assert ruled.fields["title"] == "Harbour bridge reopens"
    assert ruled.fields["published"].startswith("2024-05-02T08:30")
    assert NOTICE not in ruled.fields["text"]
    assert ruled.fields["text"].startswith(paragraphs("rules-7")[0][:60])
    assert f"{url}?page=2" in ruled.links


def test_rules_that_match_nothing_leave_the_reader_alone() -> None:
    html, url = article()
    rules = compile_rules({"body": "//div[@id='absent']", "authors": "css:.absent"})
    assert read_page(html, url, ReadOptions(rules=rules)).fields == read_page(html, url).fields


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"body": "//div[@class='x'"}, "rule 'body': bad XPath"),
        ({"remove": ["css:div..x"]}, "rule 'remove': bad CSS selector"),
        ({"authors": 3}, "rule 'authors': expected a string or a list of strings"),
        ({"byline": "//span"}, "unknown rule 'byline'"),
    ],
)
def test_bad_rules_are_refused(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError, match=message):
        compile_rules(spec)


def test_rules_load_from_the_sites_file_and_travel_to_the_workers(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text('[sites.harbour]\nstart_urls = ["http://127.0.0.1:8000/"]\n' + RULES_TOML)
    (site,) = load_sites_file(path)
    assert site.rules == compile_rules(RULES)
    assert isinstance(site.hints()["rules"], SiteRules)
    assert pickle.loads(pickle.dumps(site.rules)) == site.rules
    path.write_text('[sites.harbour]\nstart_urls = ["http://127.0.0.1:8000/"]\nrules = 5\n')
    with pytest.raises(SitesFileError, match="key 'rules': expected a table"):
        load_sites_file(path)


@pytest.mark.slow
def test_a_bad_rule_stops_the_crawl_before_any_fetch(tmp_path: Path) -> None:
    portal = HouseStylePortal("Harbour Gazette")
    portal.add_plain(1, datetime(2024, 5, 2, tzinfo=UTC))
    with PortalServer(portal, "127.0.0.1") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(
            f'[sites.harbour]\nstart_urls = ["{server.base}/"]\n'
            "[sites.harbour.rules]\nauthors = \"//span[@class='kx-who'\"\n"
        )
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={sites}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert server.log == []
    assert proc.returncode == ExitCode.USAGE
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "site 'harbour': key 'rules': rule 'authors': bad XPath" in lines[0]


@pytest.mark.slow
def test_crawl_applies_the_sites_rules(tmp_path: Path) -> None:
    portal = HouseStylePortal("Harbour Gazette")
    for ident in range(1, 7):
        portal.add_plain(ident, datetime(2024, 5, 2, tzinfo=UTC))
    with PortalServer(portal, "127.0.0.1") as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.harbour]\nstart_urls = ["{server.base}/"]\n' + RULES_TOML)
        proc = crawl(tmp_path, sites)
        assert proc.returncode == 0, proc.stderr[-3000:]
        requested = [path for path, _, _ in server.log]
    items = [item for feed in feed_files(tmp_path / "output") for item in read_jsonl(feed)]
    stories = {s.path: s for s in portal.stories.values()}
    articles = [i for i in items if i["url"].split(server.base, 1)[1] in stories]
    assert len(articles) == 6, json.dumps(items)[:2000]
    for item in articles:
        assert item["authors"] == ["Maria Keller"]
        assert NOTICE not in item["text"]
        assert item["published"].startswith("2024-05-02T08:30")
    assert any("?page=2" in path for path in requested)  # next_page links are followed

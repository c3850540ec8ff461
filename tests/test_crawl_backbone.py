"""End-to-end: `scrapy crawl news` over two loopback portals (zh + en) in one run.

All tests read the one session crawl (conftest `backbone`). Items are matched to the
portals' truth by canonical_url (falling back to url without its query string).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from demo.model import ArticleTruth
from tests.conftest import Backbone

ITEM_FIELDS = (
    "url",
    "canonical_url",
    "title",
    "authors",
    "published",
    "modified",
    "language",
    "site_name",
    "section",
    "tags",
    "description",
    "text",
    "image",
    "word_count",
    "fetched_at",
    "fingerprint",
)
QUALITY_FLOOR = 0.95


def squash(text: str) -> str:
    """Whitespace-free form: extraction may join paragraphs with newlines or spaces."""
    return re.sub(r"\s+", "", text or "")


def truth_of(bb: Backbone) -> dict[str, ArticleTruth]:
    return {url: art for p in bb.portals for url, art in p.truth.articles.items()}


def item_key(item: dict[str, Any], known: dict[str, ArticleTruth]) -> str:
    """The truth URL an item stands for."""
    for candidate in (item.get("canonical_url"), item.get("url")):
        if candidate in known:
            return str(candidate)
    parts = urlsplit(str(item.get("url", "")))
    return urlunsplit(parts._replace(query="", fragment=""))


def matched(bb: Backbone) -> list[tuple[dict[str, Any], ArticleTruth]]:
    known = truth_of(bb)
    return [
        (it, known[item_key(it, known)]) for it in bb.result.items if item_key(it, known) in known
    ]


def same_time(got: str | None, want: str) -> bool:
    """Equal instants when both carry an offset, else equal local wall-clock to the minute."""
    if not got:
        return False
    try:
        g, w = datetime.fromisoformat(got.replace("Z", "+00:00")), datetime.fromisoformat(want)
    except ValueError:
        return False
    if g.tzinfo and w.tzinfo:
        return g == w
    return g.replace(tzinfo=None, second=0, microsecond=0) == w.replace(
        tzinfo=None, second=0, microsecond=0
    )


def share(hits: int, total: int) -> float:
    return hits / total if total else 0.0


# -- the run -----------------------------------------------------------------------------
def test_crawl_succeeds(backbone: Backbone) -> None:
    assert backbone.result.returncode == 0, backbone.result.tail()
    assert backbone.result.items, backbone.result.tail()


def test_items_have_all_fields(backbone: Backbone) -> None:
    for item in backbone.result.items:
        missing = [f for f in ITEM_FIELDS if f not in item]
        assert not missing, (item.get("url"), missing)


# -- coverage ----------------------------------------------------------------------------
def test_every_article_exactly_once(backbone: Backbone) -> None:
    known = truth_of(backbone)
    counts = Counter(item_key(it, known) for it in backbone.result.items)
    missing = [u for u in known if counts[u] == 0]
    doubled = [u for u in known if counts[u] > 1]
    assert not missing, f"articles never emitted: {missing}"
    assert not doubled, f"articles emitted twice: {doubled}"


def test_no_listing_or_other_page_as_item(backbone: Backbone) -> None:
    known = truth_of(backbone)
    not_articles = {u for p in backbone.portals for u in (*p.truth.listings, *p.truth.other_pages)}
    keys = {item_key(it, known) for it in backbone.result.items} | {
        it.get("url") for it in backbone.result.items
    }
    assert not keys & not_articles, sorted(keys & not_articles)
    strays = [k for k in (item_key(it, known) for it in backbone.result.items) if k not in known]
    assert not strays, f"items that are not articles: {strays}"


def test_two_portals_on_two_hosts_in_one_run(backbone: Backbone) -> None:
    hosts = {urlsplit(str(it.get("url"))).netloc for it in backbone.result.items}
    assert hosts == {urlsplit(p.base_url).netloc for p in backbone.portals}


# -- staying on the given hosts ------------------------------------------------------------
def test_no_request_to_any_other_host(backbone: Backbone) -> None:
    given = {urlsplit(u).netloc for u in backbone.start_urls}
    assert backbone.server.paths(backbone.decoy) == [], "crawler followed a link to another host"
    assert backbone.server.hosts_requested() <= given
    logged = backbone.result.requested_hosts()
    assert logged, "no request lines in the log (is LOG_LEVEL=DEBUG honoured?)"
    assert logged <= given, logged - given


def test_downloader_count_matches_server_log(backbone: Backbone) -> None:
    """Every download the crawler made reached our servers: nothing went to the outside."""
    sent = backbone.result.stats.get("downloader/request_count")
    assert sent == len(backbone.server.request_log), (sent, len(backbone.server.request_log))


def test_robots_disallowed_pages_never_fetched(backbone: Backbone) -> None:
    for portal in backbone.portals:
        fetched = set(backbone.server.paths(portal))
        assert "/robots.txt" in fetched
        blocked = {urlsplit(u).path for u in portal.truth.disallowed}
        assert not {p.split("?")[0] for p in fetched} & blocked


def test_media_never_becomes_an_item(backbone: Backbone) -> None:
    media = {u for p in backbone.portals for u in p.truth.media}
    assert not {it.get("url") for it in backbone.result.items} & media


# -- quality -------------------------------------------------------------------------------
def test_chrome_absent_from_text(backbone: Backbone) -> None:
    leaks = {}
    for item, truth in matched(backbone):
        text = squash(item.get("text", ""))
        found = [c for c in truth.chrome if squash(c) and squash(c) in text]
        if found:
            leaks[truth.url] = found[:5]
    assert not leaks, leaks


def test_text_holds_first_and_last_paragraph(backbone: Backbone) -> None:
    pairs = matched(backbone)
    ok = sum(
        squash(t.paragraphs[0]) in squash(it.get("text", ""))
        and squash(t.paragraphs[-1]) in squash(it.get("text", ""))
        for it, t in pairs
    )
    assert share(ok, len(pairs)) >= QUALITY_FLOOR, f"{ok}/{len(pairs)}"


def test_text_starts_and_ends_like_the_article(backbone: Backbone) -> None:
    pairs = matched(backbone)
    ok = sum(
        squash(it.get("text", "")).startswith(squash(t.paragraphs[0])[:10])
        and squash(it.get("text", "")).endswith(squash(t.paragraphs[-1])[-10:])
        for it, t in pairs
    )
    assert share(ok, len(pairs)) >= QUALITY_FLOOR, f"{ok}/{len(pairs)}"


def test_titles_match_truth(backbone: Backbone) -> None:
    pairs = matched(backbone)
    bad = [
        (t.title, it.get("title"))
        for it, t in pairs
        if squash(it.get("title", "")) != squash(t.title)
    ]
    assert share(len(pairs) - len(bad), len(pairs)) >= QUALITY_FLOOR, bad


def test_published_dates_match_truth(backbone: Backbone) -> None:
    pairs = matched(backbone)
    bad = [
        (t.url, t.published, it.get("published"))
        for it, t in pairs
        if not same_time(it.get("published"), t.published)
    ]
    assert share(len(pairs) - len(bad), len(pairs)) >= QUALITY_FLOOR, bad


def test_authors_match_truth(backbone: Backbone) -> None:
    pairs = matched(backbone)
    bad = [
        (t.url, list(t.authors), it.get("authors"))
        for it, t in pairs
        if list(it.get("authors") or []) != list(t.authors)
    ]
    assert share(len(pairs) - len(bad), len(pairs)) >= QUALITY_FLOOR, bad


def test_language_per_portal(backbone: Backbone) -> None:
    for item, truth in matched(backbone):
        assert str(item.get("language", "")).lower().startswith(truth.language), (
            truth.url,
            item.get("language"),
        )

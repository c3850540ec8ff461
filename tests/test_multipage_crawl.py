"""Multi-page articles, crawled as a user would: `scrapy crawl news` against a loopback portal
(tests/multipage_portal.py) whose articles are split over 2 to 5 pages in every pagination
form (下一页, 下页 bar, 第N页, ?page=N bar, /N/, rel=next, Seite N, Página siguiente), beside a
listing with its own pagination and single-page stories linking "Next story".

Every multi-page article must come out as ONE item with all its pages' paragraphs in order,
whatever order the crawl finds its pages in (a listing links one article's page 2, the
sitemap another's page 3); no page 2..n is ever an item; a failing page makes the item
``incomplete``; a loop of "next" links ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawl_harness import CrawlResult, run_crawl
from tests.multipage_portal import MultipagePortal

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def portal() -> Iterator[MultipagePortal]:
    server = MultipagePortal()
    yield server
    server.close()


@pytest.fixture(scope="module")
def crawl(portal: MultipagePortal, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    folder: Path = tmp_path_factory.mktemp("multipage")
    # No retries: the failing page answers 500 at once instead of after backoff.
    result = run_crawl(
        [portal.url("/")], settings={"RETRY_TIMES": "0"}, workdir=folder, timeout=240
    )
    assert result.returncode in (0, 1), result.tail()
    return result


def _by_url(crawl: CrawlResult) -> dict[str, dict]:
    return {item["url"]: item for item in crawl.items}


def test_every_multipage_article_is_one_item_with_all_pages_in_order(
    portal: MultipagePortal, crawl: CrawlResult
) -> None:
    items = _by_url(crawl)
    for art in portal.articles:
        item = items.get(portal.url(art.first))
        assert item is not None, (art.key, sorted(items), crawl.tail(60))
        text = item["text"]
        expected = [
            p for i, page in enumerate(art.paragraphs) if i not in art.failing for p in page
        ]
        positions = [text.find(p) for p in expected]
        assert all(pos >= 0 for pos in positions), (art.key, text)
        assert positions == sorted(positions), (art.key, "pages out of order")
        assert item["pages"] == len(art.paths), (art.key, item.get("page_urls"))
        # The headline and the dateline each page repeats are not in the text.
        assert art.title not in text, art.key
        assert "By Jane Carter" not in text and "本报记者" not in text, (art.key, text)
        # No line repeats (the editor line every zh page ends with goes to `editor`).
        lines = text.split("\n")
        assert len(lines) == len(set(lines)), (art.key, text)
        assert text.count("责任编辑") <= 1, text


def test_no_later_page_is_an_item(portal: MultipagePortal, crawl: CrawlResult) -> None:
    later = {portal.url(p) for art in portal.articles for p in art.paths[1:]}
    assert not later & {item["url"] for item in crawl.items}
    assert len(crawl.items) == len(portal.articles) + len(portal.singles), sorted(
        item["url"] for item in crawl.items
    )


def test_pages_reached_first_are_handed_to_their_first_page(
    portal: MultipagePortal, crawl: CrawlResult
) -> None:
    """The listing links "enquery" only by its page 2, the sitemap "zhnext" only by its page
    3 (and "enrel" by its page 2 beside its first page): they still come out whole (see the
    first test), and those pages are dropped as continuations, their first page requested
    from them when nothing else had."""
    assert crawl.stats.get("multipage/continuations_dropped") == len(portal.reached_alone)
    assert crawl.stats.get("multipage/first_pages_requested", 0) >= 1, crawl.stats


def test_failed_page_marks_the_item_incomplete(portal: MultipagePortal, crawl: CrawlResult) -> None:
    art = next(a for a in portal.articles if a.failing)
    item = _by_url(crawl)[portal.url(art.first)]
    assert item["incomplete"] is True
    assert item["pages_missing"] == [portal.url(art.paths[i]) for i in sorted(art.failing)]
    # The failed page is in the rejects file, with its article.
    (record,) = [r for r in crawl.rejects if r["url"] == item["pages_missing"][0]]
    assert record["reason"] == "http 500" and record["article"] == item["url"]
    # The page after the failed one is still merged (known from the page-number bar).
    assert art.paragraphs[-1][0] in item["text"]
    complete = [a for a in portal.articles if not a.failing]
    for other in complete:
        assert "incomplete" not in _by_url(crawl)[portal.url(other.first)], other.key


def test_a_loop_of_next_links_ends(portal: MultipagePortal, crawl: CrawlResult) -> None:
    art = next(a for a in portal.articles if a.loop_back)
    item = _by_url(crawl)[portal.url(art.first)]
    assert item["page_urls"] == [portal.url(p) for p in art.paths]
    assert crawl.stats.get("multipage/loops", 0) >= 1
    assert portal.hits.get(art.paths[1], 0) <= 2  # fetched once by the merge (+ never again)


def test_listing_pagination_is_followed_as_listing(
    portal: MultipagePortal, crawl: CrawlResult
) -> None:
    """The listing's "下一页" leads to more stories: followed like any link, the listing's pages
    are no article, and the single-page stories with "Next story" links stay single."""
    items = _by_url(crawl)
    for single in portal.singles:
        item = items.get(portal.url(single.first))
        assert item is not None, single.key
        assert "pages" not in item
    assert portal.url("/news/index_1.html") not in items
    assert portal.hits.get("/news/index_1.html") == 1


def test_each_later_page_is_fetched_once(portal: MultipagePortal, crawl: CrawlResult) -> None:
    """The merge fetches pages 2..n; the spider does not fetch them a second time, except the
    ones the crawl reached first on its own (listing, sitemap)."""
    reached_alone = set(portal.reached_alone)
    for art in portal.articles:
        for path in art.paths[1:]:
            allowed = 2 if path in reached_alone else 1
            assert portal.hits.get(path, 0) <= allowed, (path, portal.hits.get(path))


def test_at_most_max_article_pages_are_merged(
    portal: MultipagePortal, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """NEWS_MAX_ARTICLE_PAGES=3: the 5-page article keeps its first 3 pages' text, names the
    other 2 in pages_missing and is incomplete; the 2- and 3-page ones are whole."""
    folder = tmp_path_factory.mktemp("capped")
    settings = {"RETRY_TIMES": "0", "NEWS_MAX_ARTICLE_PAGES": "3"}
    result = run_crawl([portal.url("/")], settings=settings, workdir=folder, timeout=240)
    items = _by_url(result)
    art = next(a for a in portal.articles if len(a.paths) == 5)
    item = items[portal.url(art.first)]
    assert item["incomplete"] is True
    assert item["pages"] == 5
    assert item["pages_missing"] == [portal.url(p) for p in art.paths[3:]]
    assert art.paragraphs[2][0] in item["text"] and art.paragraphs[3][0] not in item["text"]
    whole = next(a for a in portal.articles if a.key == "enrel")
    assert "incomplete" not in items[portal.url(whole.first)]
    longer = [a for a in portal.articles if len(a.paths) > 3]
    assert result.stats.get("multipage/max_pages_reached") == len(longer)
    later = {portal.url(p) for a in portal.articles for p in a.paths[1:]}
    assert not later & set(items)

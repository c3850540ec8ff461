"""The demo portals' multi-page articles (demo/pages.py: each portal's longest article over 3
pages, "上一页 1 2 3 下一页" / "Pages: 1 2 3 Next page", ``_2.html``, ``_2.htm``, ``/2/``,
``?page=2``), crawled in the backbone run: each is one item holding every page's paragraphs in
order, under page 1's URL, and no page 2..n is an item."""

from __future__ import annotations

from tests.conftest import Backbone


def _squash(text: str) -> str:
    return "".join(text.split())


def test_every_demo_portal_has_a_multipage_article(backbone: Backbone) -> None:
    for portal in backbone.portals:
        assert len(portal.truth.article_pages) == 1, portal.template.name
        (later,) = portal.truth.article_pages.values()
        assert len(later) == 2


def test_multipage_articles_are_one_item_with_all_pages_in_order(backbone: Backbone) -> None:
    items = {item["url"]: item for item in backbone.result.items}
    for portal in backbone.portals:
        for url, later in portal.truth.article_pages.items():
            item = items.get(url)
            assert item is not None, (url, backbone.result.tail())
            assert item["pages"] == 1 + len(later)
            assert item["page_urls"] == [url, *later]
            assert "incomplete" not in item
            text = _squash(item["text"])
            truth = portal.truth.articles[url]
            at = [text.find(_squash(p)[:30]) for p in truth.paragraphs if len(p) >= 30]
            assert all(pos >= 0 for pos in at), (url, item["text"])
            assert at == sorted(at), url
            # What every page repeats (headline, dateline, byline, a lead image's caption,
            # an author line at its foot) is in the text once at most.
            lines = item["text"].split("\n")
            assert len(lines) == len(set(lines)), (url, item["text"])
            assert not set(later) & set(items)

"""The pagination recogniser (reader/pagination.py) on saved pages, each beside
its expected reading (tests/pagination/<name>.json): this page's number, whether it continues
an article, the next page, the first page, the numbered pages it links; and that the bar is
kept out of the article's text while the body stays.

Pages cover the forms portals use: a TRS-style bar (``_1.html`` is page 2, "下一页", "尾页"),
"第N页" links on a last page, WordPress ``/2/`` page links beside rel=prev/next to *other*
posts, a ``&page=N`` bar with an active item, "Seite 1 von 2 / Nächste Seite", "Página
siguiente", a head-only ``<link rel="next">``; and what is not an article's pagination: a story
whose "Next ›" and rel=next lead to other stories, a calendar, comment pages, and a listing's
own pagination (read, but the page is a listing: the crawl never merges it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.multipage import merge_page_texts
from reader import read_page
from reader.page import parse_html
from reader.pagination import page_stem, read_pagination

HERE = Path(__file__).parent / "pagination"
CASES = sorted(p.stem for p in HERE.glob("*.html"))


def _expected(name: str) -> dict:
    return json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))


def _reading(pagination) -> dict:
    return {
        "number": pagination.number,
        "continuation": pagination.continuation,
        "next_url": pagination.next_url,
        "first_url": pagination.first_url,
        "pages": {str(n): url for n, url in sorted(pagination.pages.items())},
    }


@pytest.mark.parametrize("name", CASES)
def test_pagination_golden(name: str) -> None:
    expected = _expected(name)
    html = (HERE / f"{name}.html").read_text(encoding="utf-8")
    pagination, _ = read_pagination(parse_html(html, 10**7), expected["url"])
    want = {k: expected[k] for k in ("number", "continuation", "next_url", "first_url", "pages")}
    assert _reading(pagination) == want


@pytest.mark.parametrize("name", CASES)
def test_reader_keeps_the_bar_out_of_the_text(name: str) -> None:
    expected = _expected(name)
    html = (HERE / f"{name}.html").read_text(encoding="utf-8")
    reading = read_page(html, expected["url"])
    assert reading.kind == expected.get("kind", "article"), reading.reason
    assert reading.pagination.next_url == expected["next_url"]
    text = reading.fields.get("text") or ""
    for gone in expected["text_without"]:
        assert gone not in text, (gone, text)
    for kept in expected["text_with"]:
        assert kept in text, (kept, text)


@pytest.mark.parametrize(
    ("url", "stem", "number"),
    [
        (
            "http://a.example/n/t20240418_3381942_1.html",
            "http://a.example/n/t20240418_3381942.html",
            1,
        ),
        (
            "http://a.example/n/t20240418_3381942.html",
            "http://a.example/n/t20240418_3381942.html",
            None,
        ),
        ("http://a.example/n/index_2.html", "http://a.example/n", 2),
        ("http://a.example/n/index.html", "http://a.example/n", None),
        ("http://a.example/a.php?id=7&page=3", "http://a.example/a.php?id=7", 3),
        ("http://a.example/slug/2/", "http://a.example/slug", 2),
        ("http://a.example/slug/?utm_source=rss&page=2", "http://a.example/slug", 2),
        # A month of a date archive is no page number; an id of 3+ digits neither.
        ("http://a.example/2024/05/", "http://a.example/2024/05", None),
        ("http://a.example/a/story_123.html", "http://a.example/a/story_123.html", None),
    ],
)
def test_page_stem(url: str, stem: str, number: int | None) -> None:
    assert page_stem(url) == (stem, number)


def test_merge_keeps_repeated_head_and_foot_lines_once() -> None:
    """Each page repeats the dateline and byline at its head and the editor line at its foot:
    the merged text has the head lines of page 1 only and the editor line once, at the end."""

    class First:
        fields: dict = {}
        simhash = 1

    first = First()
    first.fields = {
        "text": "2024-04-18 来源：滨江日报\n第一页第一段。\n第一页第二段。\n【责任编辑：陈静】"
    }
    merge_page_texts(
        first,  # type: ignore[arg-type]
        [
            first.fields["text"],
            "2024-04-18 来源：滨江日报\n第二页第一段。\n【责任编辑：陈静】",
            "2024-04-18 来源：滨江日报\n第三页第一段。\n【责任编辑：陈静】",
        ],
    )
    assert first.fields["text"].split("\n") == [
        "2024-04-18 来源：滨江日报",
        "第一页第一段。",
        "第一页第二段。",
        "第二页第一段。",
        "第三页第一段。",
        "【责任编辑：陈静】",
    ]
    assert first.simhash is None  # rehashed by the dedupe stage


def test_merge_drops_a_caption_each_page_repeats_near_its_start() -> None:
    """A lead image rendered under every page's first paragraph: its caption once."""

    class First:
        fields: dict = {}
        simhash = 1

    caption = "| Workers assemble heat pumps at the plant. (Photo: Daniel Okafor) |"
    first = First()
    pages = [
        f"Page one opens the story.\n{caption}\nPage one goes on.",
        f"Page two opens.\n{caption}\nPage two goes on.",
        f"Page three opens.\n{caption}\nThe end.",
    ]
    merge_page_texts(first, pages)  # type: ignore[arg-type]
    assert first.fields["text"].split("\n") == [
        "Page one opens the story.",
        caption,
        "Page one goes on.",
        "Page two opens.",
        "Page two goes on.",
        "Page three opens.",
        "The end.",
    ]

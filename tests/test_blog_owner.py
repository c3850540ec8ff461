"""``reader.people.blog_owner`` reads only the elements that can name a blog's owner.

A name is read off "X的博客" in a ``<title>``, a heading or a link (its text or its title
attribute). libxml2 picks the elements of those tags whose text or title holds 的
(``_NAMING_BLOG``); the plain way reads every such element's text and title in Python. The two
must pick the same elements in the same order on every saved page and on the edge cases
below, or a blog's owner would be lost or another name credited.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml.html import HtmlElement

from reader.page import parse_html
from reader.people import _NAMING_BLOG, blog_owner

TESTS = Path(__file__).resolve().parent
SAVED = sorted(TESTS.glob("**/page.html"))

_EDGES = [
    # in a link's child, in a link's title only, in a tail inside a link, after a link
    "<a href='/u'><span>小</span>心的博客</a><a title='海姑娘的博客' href='/b'>博客</a>"
    "<a href='/c'><b>x</b>的博客</a><a href='/d'>x</a>的博客",
    # in a comment inside a heading (not text), upper-case tags, headings h1/h2 but not h3
    "<H1>标题<!-- 某人的博客 --></H1><H2>bjreader的博客</H2><h3>别人的博客</h3>",
    # the title of an element of another tag, a script's text
    "<div title='甲的博客'>x</div><script>var s = '乙的博客';</script><p>丙的博客</p>",
    # no 的 anywhere but in a title attribute
    "<a href='/x' title='[海姑娘]的博客历史'>link</a>",
    "<p>nothing here</p>",
    # two titled elements nested, one of another tag; a titled element with no 的 in its title
    "<a href='/n' title='甲的博客'><h2 title='乙的博客'>x</h2><img title='丙的'></a>"
    "<h1 title='none'>的</h1>",
]


def _plain(tree: HtmlElement) -> list[HtmlElement]:
    """The plain way: every title, h1, h2 and link, its text and title read in Python."""
    return [
        el
        for el in tree.iter("title", "h1", "h2", "a")
        if "的" in el.text_content() or "的" in (el.get("title") or "")
    ]


@pytest.mark.parametrize(
    "html",
    [
        *(f"<html><head><title>太小心的博客</title></head><body>{e}</body></html>" for e in _EDGES),
        *(p.read_text(encoding="utf-8", errors="replace") for p in SAVED),
    ],
)
def test_the_elements_read_are_the_plain_ways(html: str) -> None:
    tree = parse_html(html, 10_000_000)
    assert _NAMING_BLOG(tree) == _plain(tree)
    for el in tree.iter("a", "h1", "div"):  # (from any element, itself included)
        assert _NAMING_BLOG(el) == _plain(el)


def test_the_owner_named_in_title_and_link_is_found() -> None:
    html = (
        "<html><head><title>太小心的博客 - 博客</title></head><body>"
        "<div class='profile'>太小心</div><a href='/blog' title='太小心的博客'>博客首页</a>"
        "<p>正文。</p></body></html>"
    )
    assert blog_owner(parse_html(html, 10_000_000)) == ["太小心"]

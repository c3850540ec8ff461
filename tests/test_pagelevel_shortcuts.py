"""The page-level shortcuts answer as the plain readings do.

A page's ``<title>``, canonical ``<link>`` and ``<base>`` are head elements: they are looked
for in the head first and the body is walked only when the head holds none; the links'
own walk watches for a ``<base>`` in the body and reads the page again with it; the
pagination finds its base only when a link needs it and skips the anchors ``PageLinks``
left out (no href). The plain readings (the code before the shortcuts) live here; both
must agree on crafted pages built to hit the edges (a base or a title only in the body, an
empty base href, a canonical link without an href, a second head) and on every saved page.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from lxml.html import HtmlElement

from reader import bylines
from reader import links as links_module
from reader.links import PageLinks, read_links
from reader.markdown import line_key, read_structure
from reader.page import _canonical_href, parse_html
from reader.pagination import read_pagination
from reader.structured import first_link, head_first
from reader.titles import headings, title_sources, url_slug
from reader.urls import fetchable, join

TESTS = Path(__file__).resolve().parent
SAVED = sorted(TESTS.glob("**/page.html"))
URL = "https://news.example.com/2024/05/story.html"


def plain_base_href(tree: HtmlElement, url: str) -> str:
    """``read_links``' base before the shortcut: ``.//base[@href]`` over the whole tree."""
    base = tree.find(".//base[@href]")
    if base is None:
        return url
    try:
        joined = join(url, base.get("href").strip())
    except ValueError:
        return url
    return joined if fetchable(joined) else url


def plain_read_links(tree: HtmlElement, url: str, limit: int = 0) -> PageLinks:
    """``read_links`` with the base found by the whole-tree search, no watching."""
    links = links_module._read_links(tree, url, plain_base_href(tree, url), (), limit, False)
    assert links is not None
    return links


def plain_canonical(tree: HtmlElement, with_href: bool) -> HtmlElement | None:
    for el in tree.iter("link"):
        if el.get("rel") == "canonical" and (not with_href or el.get("href") is not None):
            return el
    return None


def plain_pagination_base(tree: HtmlElement, url: str) -> str:
    base = url
    for el in tree.iter("base"):
        if el.get("href"):
            with contextlib.suppress(ValueError):
                base = join(url, el.get("href").strip())
            break
    return base


def assert_same_links(tree: HtmlElement, url: str) -> None:
    for limit in (0, 3):
        got, want = read_links(tree, url, (), limit), plain_read_links(tree, url, limit)
        assert (got.follow, got.headlines, got.bad, got.cut) == (
            want.follow,
            want.headlines,
            want.bad,
            want.cut,
        )
        assert list(got.texts.values()) == list(want.texts.values())


def assert_same_head_reads(tree: HtmlElement) -> None:
    doc = tree.find(".//title")
    canonical = plain_canonical(tree, False)
    sources = title_sources(tree, {}, None)  # no URL: the slug is the canonical link's
    assert sources.document == (doc.text_content() if doc is not None else None)
    assert sources.slug == frozenset(
        url_slug((canonical.get("href") if canonical is not None else None) or "")
    )
    for with_href in (False, True):
        assert first_link(tree, "canonical", with_href) is plain_canonical(tree, with_href)


def assert_same_pagination(tree: HtmlElement, url: str) -> None:
    """With ``PageLinks.texts`` and without (every anchor's text read): the same reading."""
    texts = read_links(tree, url).texts
    with_texts, elements = read_pagination(tree, url, texts)
    alone, alone_elements = read_pagination(tree, url)
    assert with_texts == alone
    assert elements == alone_elements


def page(head: str, body: str) -> HtmlElement:
    return parse_html(f"<html><head>{head}</head><body>{body}</body></html>", 10**7)


ANCHORS = (
    '<a href="/2024/05/other-story.html">Another story of the day</a>'
    '<a href="rel/page.html">A relative link to a page</a>'
    '<a href="story.html?page=2">2</a><a href="story.html?page=2">Next</a>'
    '<a>An anchor without an href at all</a><a href="  ">Blank href anchor text</a>'
)
CRAFTED = {
    "base in the head": page('<base href="https://cdn.example.org/x/">', ANCHORS),
    "base only in the body, after links": page("", ANCHORS + '<base href="/mirror/">'),
    "empty base href first": page("", ANCHORS + '<base href=""><base href="/later/">'),
    "blank base in the body": page("", ANCHORS + '<base href="   ">'),
    "unusable base": page('<base href="http://[bad/">', ANCHORS),
    "base without href then one with": page('<base target="_top">', ANCHORS + '<base href="/b/">'),
    "title only in the body": page("", "<svg><title>Icon</title></svg>" + ANCHORS),
    "titles in the head and the body": page(
        "<title>Head title</title>", "<svg><title>Icon</title></svg>" + ANCHORS
    ),
    "canonical only in the body": page(
        '<link rel="stylesheet" href="/s.css">',
        ANCHORS + '<link rel="canonical" href="/2024/06/body-canon-story-page.html">',
    ),
    "canonical without an href in the head": page(
        '<link rel="canonical"><title>Story</title>',
        ANCHORS + '<link rel="canonical" href="/2024/06/the-canon-story-here.html">',
    ),
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_crafted_pages_read_as_the_plain_searches(name: str) -> None:
    tree = CRAFTED[name]
    assert_same_links(tree, URL)
    assert_same_head_reads(tree)
    assert_same_pagination(tree, URL)


def test_a_body_base_applies_to_the_links_before_it() -> None:
    links = read_links(CRAFTED["base only in the body, after links"], URL)
    assert "https://news.example.com/mirror/rel/page.html" in links.follow
    links = read_links(CRAFTED["empty base href first"], URL)
    assert "https://news.example.com/2024/05/rel/page.html" in links.follow


def test_the_head_is_only_the_first_child_of_html() -> None:
    tree = page("<title>T</title>", "")
    assert head_first(tree) is tree[0]
    assert head_first(tree[1]) is None  # a body is no html tree
    fragment = parse_html("<div><head></head></div>", 10**7)
    assert head_first(fragment.find(".//div")) is None


def test_title_sources_read_the_h1s_once() -> None:
    tree = page(
        "<title>Story - Site</title>",
        "<h1>First headline here</h1><h1>abc</h1><h1>Second headline</h1><h1>Third one</h1>"
        '<div class="title">Titled block text</div><h2>A section heading</h2>',
    )
    sources = title_sources(tree, {}, None, URL)
    assert list(sources.headings) == headings(tree)
    assert sources.h1[:3] == ("First headline here", "abc", "Second headline")
    assert sources.document == "Story - Site"


def saved_trees() -> list[tuple[Path, HtmlElement]]:
    return [(p, parse_html(p.read_bytes().decode("utf-8", "replace"), 10**8)) for p in SAVED]


def test_saved_pages_read_as_the_plain_searches() -> None:
    trees = saved_trees()
    assert len(trees) > 20
    for path, tree in trees:
        url = f"https://{path.parent.name}.example.com/news/{path.parent.name}.html"
        assert_same_links(tree, url)
        assert_same_head_reads(tree)
        assert_same_pagination(tree, url)
        assert _canonical_href(tree) == (
            None if (link := plain_canonical(tree, True)) is None else link.get("href")
        )
        assert headings(tree) == list(title_sources(tree, {}, None, url).headings)


POSTER_LINES = (
    "老张的茶 发表于 2005-9-15 10:21",
    "楼主：老张的茶 发布于 2005-9-15",
    "river_fan posted on 2024-05-03",
    "Posted by Jane Doe on 3 May 2024",
    "POSTED BY Jane Doe AT 10:21",
    "Poſted by Jane Doe on 3 May 2024",  # re.IGNORECASE reads "ſ" as "s"; lower() does not
    "A line about the weather, posted nowhere 2024",
    "本文发表于 2024-05-03",
)


def test_a_poster_line_is_searched_whenever_the_pattern_can_match() -> None:
    lines = list(POSTER_LINES)
    for path in SAVED:
        text = path.read_bytes().decode("utf-8", "replace")
        lines.extend(line.strip() for line in text.split("\n") if line.strip())
    matched = 0
    for line in lines:
        if bylines._POSTER.search(line) is not None:
            matched += 1
            assert bylines._may_post(line), line
    assert matched >= 5
    assert [bylines._poster(line) for line in POSTER_LINES[:6]] == [
        ["老张的茶"],
        ["老张的茶"],
        ["river_fan"],
        ["Jane Doe"],
        ["Jane Doe"],
        ["Jane Doe"],
    ]


def test_a_structure_of_wanted_lines_gives_the_units_the_whole_one_does() -> None:
    checked = 0
    for path, tree in saved_trees():
        body = tree.find("body")
        if body is None:
            continue
        url = f"https://{path.parent.name}.example.com/a/b.html"
        whole = read_structure(body, url)
        plains = [unit.plain for units in whole.units.values() for unit in units]
        # Every other line, one line twice (a repeated line takes the next unit) and a
        # line the page does not render.
        lines = plains[::2] + plains[:1] + ["a line the page does not render"]
        keys = [line_key(line) for line in lines]
        wanted = read_structure(body, url, set(keys))
        assert set(wanted.units) <= set(keys)
        plain = read_structure(body, url)
        for key in keys:
            got, want = wanted.take_key(key), plain.take_key(key)
            assert (got and (got.element, got.plain, got.kind, got.markdown)) == (
                want and (want.element, want.plain, want.kind, want.markdown)
            )
            checked += 1
    assert checked > 500

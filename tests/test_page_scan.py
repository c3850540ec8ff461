"""``reader.dom.scan_page``: one walk of the unpruned page gathers what three walks did.

The chrome tests and the byline markup read every element; the scan reads each once. What
it gathers must be what the separate readings found, in the same order (the order decides
which byline repeats and in which order reasons are counted), on every saved test page.
"""

from __future__ import annotations

from pathlib import Path

import lxml.etree
import pytest

from reader.dom import _token_reason, scan_page
from reader.page import parse_html
from reader.people import byline_markup, byline_names
from reader.rules import CHROME_TAGS

TESTS = Path(__file__).resolve().parent
SAVED = sorted(TESTS.glob("**/page.html"))

# The elements that can be named chrome, as chrome pruning found them before the scan: an
# XPath for a class, an id or a chrome tag, children first.
NAMED = lxml.etree.XPath(
    "descendant-or-self::*[@class or @id or contains('|"
    + "|".join(CHROME_TAGS)
    + "|', concat('|', name(), '|'))]"
)


def named_chrome(body: lxml.etree._Element) -> list[tuple[object, str, bool, str | None]]:
    found = []
    for el in reversed(NAMED(body)):
        cls, ident = el.get("class"), el.get("id")
        if el.tag in CHROME_TAGS:
            found.append((el, CHROME_TAGS[el.tag], True, cls))
        elif reason := _token_reason(cls, ident):
            found.append((el, reason, False, cls))
    return found


def test_saved_pages_are_there() -> None:
    assert len(SAVED) >= 20


@pytest.mark.parametrize("path", SAVED, ids=lambda p: str(p.parent.relative_to(TESTS)))
def test_the_scan_gathers_what_the_separate_walks_found(path: Path) -> None:
    tree = parse_html(path.read_bytes().decode("utf-8", "replace"), 10**8)
    scan = scan_page(tree)
    marked: list[lxml.etree._Element] = []
    named: list[lxml.etree._Element] = []
    byline_markup(tree.iter(), marked, named)
    assert scan.marked == marked
    assert scan.bylines == named
    assert scan.body is tree.find("body")
    assert scan.chrome == named_chrome(scan.body)
    assert byline_names(tree, (scan.marked, scan.bylines)) == byline_names(tree)


def test_byline_markup_in_the_head_and_after_the_body_keeps_document_order() -> None:
    tree = parse_html(
        '<html><head><meta itemprop="author" content="Head Author"><title>T</title></head>'
        '<body class="page"><nav id="menu"><a href="/">Home</a></nav>'
        '<p class="byline">By <a rel="author" href="/a">Ann Lee</a></p>'
        '<footer class="site-footer"><span class="author">Bo Chan</span></footer></body></html>',
        10**7,
    )
    scan = scan_page(tree)
    marked: list[lxml.etree._Element] = []
    named: list[lxml.etree._Element] = []
    byline_markup(tree.iter(), marked, named)
    assert [el.tag for el in scan.marked] == ["meta", "a"]
    assert scan.marked == marked
    assert [el.get("class") for el in scan.bylines] == ["byline", "author"]
    assert scan.bylines == named
    # Children first (reverse document order), as chrome pruning reads them.
    assert [(el.tag, by_tag) for el, _, by_tag, _ in scan.chrome] == [
        ("footer", True),
        ("p", False),
        ("nav", True),
    ]
    assert scan.chrome == named_chrome(scan.body)


def test_a_page_without_a_body_still_has_its_byline_markup() -> None:
    tree = lxml.etree.fromstring('<html><div class="byline">Ann Lee</div></html>')
    scan = scan_page(tree)
    assert scan.body is None
    assert [el.get("class") for el in scan.bylines] == ["byline"]
    assert scan.chars == {} and scan.chrome == []

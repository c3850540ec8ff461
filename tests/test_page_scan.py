"""``reader.dom.scan_page``: one walk of the unpruned page gathers what three walks did.

The chrome tests and the byline markup read every element; the scan reads each once. What
it gathers must be what the separate readings found, in the same order (the order decides
which byline repeats and in which order reasons are counted), on every saved test page.
"""

from __future__ import annotations

from pathlib import Path

import lxml.etree
import pytest

from reader.classnames import tokens_of
from reader.dom import _link_only_paragraphs, _names, _token_reason, scan_page
from reader.page import parse_html
from reader.people import byline_markup, byline_names, names_byline
from reader.rules import CHROME_TAGS, CHROME_TOKENS

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


def reference_names(cls: str | None, ident: str | None) -> tuple[bool, str | None]:
    """What a class/id pair names, by the definition: ``tokens_of``'s tokens of the pair."""
    hits = tokens_of(f"{cls or ''} {ident or ''}") & CHROME_TOKENS.keys()
    return names_byline(cls, ident), CHROME_TOKENS[min(hits)] if hits else None


# Pairs where cutting tokens with str methods could go wrong: camelCase, capitals in a row,
# separators in runs, Unicode spaces, letters whose lower case is ASCII or two characters.
TRICKY = [
    ("shareBar", None),
    ("postShareBar", "mainAuthor"),
    ("SHAREBAR", None),
    ("SHARE-bar", None),
    ("sHaRe", None),
    ("ShareThis adBox", None),
    ("aShare", None),
    ("a_B-cD e\u00a0Share\u3000ads", None),
    ("__ad--slot__", "x"),
    (None, "relatedPosts"),
    ("byline-wrap", None),
    ("BylineWrap", None),
    ("bylineAuthor", None),
    ("ARTICLE-AUTHOR", None),
    ("writerName", None),
    ("post-writer-x", "Contributor"),
    ("\u212ael-share", None),
    ("\u0130d comment", None),
    ("\u03a3\u0391\u03a3 share", None),
    ("cookie", "gdprBanner"),
    ("", ""),
    ("x", None),
]


@pytest.mark.parametrize(("cls", "ident"), TRICKY)
def test_names_cut_tokens_as_tokens_of_does(cls: str | None, ident: str | None) -> None:
    assert _names(cls, ident) == reference_names(cls, ident)
    assert _token_reason(cls, ident) == reference_names(cls, ident)[1]


def test_names_of_every_class_and_id_on_the_saved_pages() -> None:
    pairs = set()
    for path in SAVED:
        tree = parse_html(path.read_bytes().decode("utf-8", "replace"), 10**8)
        pairs.update(
            (el.get("class"), el.get("id")) for el in tree.iter() if el.get("class") or el.get("id")
        )
    assert len(pairs) > 200
    assert all(_names(cls, ident) == reference_names(cls, ident) for cls, ident in pairs)


@pytest.mark.parametrize("path", SAVED, ids=lambda p: str(p.parent.relative_to(TESTS)))
def test_the_scan_lists_h1s_and_per_element_link_text_as_the_walks_do(path: Path) -> None:
    tree = parse_html(path.read_bytes().decode("utf-8", "replace"), 10**8)
    scan = scan_page(tree)
    assert scan.body is not None
    assert scan.h1s == list(reversed(list(scan.body.iter("h1"))))
    if not scan.nested_links:
        for el in scan.body.iter("p", "li"):
            assert scan.links[el] == sum(scan.chars[a] for a in el.iter("a"))


# A link holding a control: its text holds the inner link's, so a paragraph's link text is
# summed per link (the inner link's text counted again), as before the scan.
NESTED = (
    "<html><body><p><a href='/a'>Headline of another story <span role='button'>here"
    "</span></a></p><p><a href='/b'>A plain link to a story</a> and its teaser</p></body></html>"
)


def test_a_link_holding_a_control_is_noted_and_paragraphs_sum_per_link() -> None:
    tree = parse_html(NESTED, 10**8)
    scan = scan_page(tree)
    assert scan.nested_links
    assert scan.body is not None
    plain = parse_html(NESTED.replace("role='button'", ""), 10**8)
    assert not scan_page(plain).nested_links
    assert _link_only_paragraphs(scan.body, scan.chars, None) == [scan.body[0]]

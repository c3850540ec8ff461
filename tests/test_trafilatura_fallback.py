"""trafilatura's body with its readability/jusText comparison gated (reader/fallback).

The gate may skip the comparison only where it would keep the main extractor's text: a long
text of clean prose that our densest block does not outgrow. Everything else is trafilatura's
own sequence, so with the gate open the body is ``bare_extraction``'s, page for page.
"""

from __future__ import annotations

from copy import copy
from pathlib import Path

import lxml.html
import pytest

from reader.fallback import (
    COMPARE_BELOW_CHARS,
    needs_comparison,
    plain_body,
    read_body,
)
from reader.mainblock import best_block
from reader.page import parse_html
from tests.golden import load_golden

TESTS = Path(__file__).resolve().parent
# Every saved page of the golden sets: portal pages in many templates and languages.
PAGES = sorted(
    p.parent for p in [*TESTS.glob("golden/*/page.html"), *TESTS.glob("cleaning/*/page.html")]
)


def _tree(folder: Path) -> tuple[lxml.html.HtmlElement, str]:
    expected, html = load_golden(folder)
    return parse_html(html, 10_000_000), expected.get("url") or "http://example.com/a.html"


def _block_chars(tree: lxml.html.HtmlElement) -> int:
    block = best_block(tree)
    return len(" ".join(block.element.text_content().split())) if block is not None else 0


@pytest.mark.parametrize("folder", PAGES, ids=[p.name for p in PAGES])
def test_open_gate_is_trafilaturas_own_reading(folder: Path) -> None:
    tree, url = _tree(folder)
    assert read_body(tree, url, None) == plain_body(tree, url)


@pytest.mark.parametrize("folder", PAGES, ids=[p.name for p in PAGES])
def test_gated_reading_keeps_the_text(folder: Path) -> None:
    """Where the gate skips the comparison, the comparison would have kept the text."""
    tree, url = _tree(folder)
    assert read_body(tree, url, _block_chars(tree)) == plain_body(tree, url)


def _article(paragraphs: int, extra: str = "") -> str:
    sentence = "The council voted on the new budget for the river district on Tuesday. "
    body = "".join(f"<p>{sentence * 3}</p>" for _ in range(paragraphs))
    return (
        "<html><head><title>Budget</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Budget passes</h1>{body}{extra}</article>"
        "<footer>© Example News</footer></body></html>"
    )


def _main_text(html: str) -> tuple[lxml.html.HtmlElement, str, int]:
    """The main extractor's body and text, as the gate sees them, and our block's length."""
    from trafilatura.core import _prepare_tree
    from trafilatura.main_extractor import extract_content
    from trafilatura.settings import Extractor

    options = Extractor(output_format="python", comments=False)
    tree = parse_html(html, 10_000_000)
    chars = _block_chars(tree)
    cleaned, _ = _prepare_tree(tree, options, None)
    body, text = extract_content(cleaned, options)
    return body, text, chars


def test_long_clean_prose_skips_the_comparison() -> None:
    from trafilatura.settings import Extractor

    body, text, chars = _main_text(_article(12))
    assert len(text) >= COMPARE_BELOW_CHARS
    assert not needs_comparison(body, text, chars, Extractor(output_format="python"))


def test_short_text_runs_the_comparison() -> None:
    from trafilatura.settings import Extractor

    body, text, chars = _main_text(_article(2))
    assert len(text) < COMPARE_BELOW_CHARS
    assert needs_comparison(body, text, chars, Extractor(output_format="python"))


def test_a_block_twice_the_text_runs_the_comparison() -> None:
    """Our densest block holding over twice trafilatura's text: readability may find it."""
    from trafilatura.settings import Extractor

    body, text, _ = _main_text(_article(12))
    assert needs_comparison(body, text, 2 * len(text) + 1, Extractor(output_format="python"))


def test_tables_over_paragraphs_run_the_comparison() -> None:
    from trafilatura.settings import Extractor

    body, text, chars = _main_text(_article(12))
    for _ in range(len(body.findall(".//p")) + 1):
        body.append(lxml.html.fromstring("<table><tr><td>1</td></tr></table>"))
    assert needs_comparison(body, text, chars, Extractor(output_format="python"))


def test_chrome_left_in_the_text_runs_the_comparison() -> None:
    """An unclean body (a nav, a button, a figure left in it) is jusText's case."""
    from trafilatura.settings import Extractor

    body, text, chars = _main_text(_article(12))
    body.append(lxml.html.fromstring("<nav><a href='/'>Home</a></nav>"))
    assert needs_comparison(body, text, chars, Extractor(output_format="python"))


def test_no_block_reading_runs_trafilatura_as_is() -> None:
    from trafilatura.settings import Extractor

    body, text, _ = _main_text(_article(12))
    assert needs_comparison(body, text, None, Extractor(output_format="python"))


# Pages where each of trafilatura's raw-tree prunes deletes something: a comment section, an
# ordered comment list, an infinite-scroll box of follow-up articles, a share-button widget.
# (A class before the comments: their markers need not be the page's first class or id.)
_PRUNED_EXTRAS = {
    "comments": "<p class='note'>Corrected.</p><div id='comments'><p>First! Great article, thanks for writing it up.</p></div>",
    "comment-list": "<p id='note'>Corrected.</p><ol class='commentlist'><li>Reader remark on the budget vote.</li></ol>",
    "post-comments": "<section class='post-comments'><p>A remark from a reader.</p></section>",
    "infinite-scroll": (
        "<div class='infinite-scroll-wrap'><h2>Next story</h2>"
        + "<p>The next article about another topic entirely, appended below.</p>" * 8
        + "</div>"
    ),
    "mvp-post-add": "<div id='mvp-post-add-box'><h1>Another article</h1><p>Appended.</p></div>",
    "elementor": "<div class='elementor-share-buttons'><a href='/s'>Share on X</a></div>",
}


@pytest.mark.parametrize("paragraphs", [1, 2, 12])
@pytest.mark.parametrize("extra", sorted(_PRUNED_EXTRAS))
def test_raw_tree_prunes_as_trafilatura(extra: str, paragraphs: int) -> None:
    """The prunes trafilatura runs on the raw page apply here too, comparison gated or not."""
    html = _article(paragraphs, _PRUNED_EXTRAS[extra])
    tree = parse_html(html, 10_000_000)
    expected = plain_body(tree, "http://example.com/a.html")
    for block_chars in (None, _block_chars(tree)):
        assert read_body(tree, "http://example.com/a.html", block_chars) == expected


@pytest.mark.parametrize("extra", ["", *sorted(_PRUNED_EXTRAS)])
def test_the_callers_page_is_left_as_it_was(extra: str) -> None:
    """read_body reads the caller's tree and changes nothing in it (the page is read again)."""
    tree = parse_html(_article(2, _PRUNED_EXTRAS.get(extra, "")), 10_000_000)
    before = lxml.html.tostring(tree)
    read_body(tree, "http://example.com/a.html", None)
    read_body(tree, "http://example.com/a.html", _block_chars(tree))
    assert lxml.html.tostring(tree) == before


def test_every_raw_tree_prune_has_its_prefilter() -> None:
    """An upgrade that rewrites one of these XPaths loses only speed (the XPath always runs
    then), but should be seen: the pattern beside it must be checked against the new text."""
    from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH

    from reader.fallback import _SELECTS_ONLY_BY

    for expression in [*RAW_TREE_PRUNE_XPATH, *REMOVE_COMMENTS_AND_LISTS_XPATH]:
        assert " ".join(expression.path.split()) in _SELECTS_ONLY_BY


# A value for each way each prefilter pattern can match, and near misses.
_PREFILTER_VALUES = [
    "mvp-post-add-box",
    "x mvp-post-add-wrap",
    "infinitescroll",
    "page infinite-scroll",
    "elementor-share-buttons",
    "Comment",
    "comments",
    "comol",
    "disqus_thread",
    "dsq-comments",
    "main article-comments",
    "post-comments",
    "x\ncomment",
    "commentary",
    "infinite",
    "mvp-post-add-",
]


def test_every_match_of_a_prefilter_holds_one_of_its_pieces() -> None:
    """``_pruned`` skips a pattern's scan when none of its literal pieces is in the values:
    that may only skip patterns that would find nothing there."""
    from reader.fallback import _CLASS_AND_ID, _SELECTS_ONLY_BY

    values = list(_PREFILTER_VALUES)
    for folder in PAGES:
        values += _CLASS_AND_ID(_tree(folder)[0])
    found = 0
    for pieces, pattern in _SELECTS_ONLY_BY.values():
        for value in values:
            if pattern.search(value):
                found += 1
                assert any(piece in value for piece in pieces), (pattern.pattern, value)
    assert found >= 13  # (each crafted value that matches was tried)


_ODD_TEXT = (
    "<html><body><script>var a = 'x y  z';</script><style>p { color: red }</style>"
    "<div>one\u00a0\u00a0two\u3000three</div><aside>side text</aside><p>a\u0007b</p>"
    "<span>run</span><span>on</span><footer>foot</footer><br>tail<script> </script>"
    "<div class='footer'>x</div><div class='cookie-banner'>We use cookies</div></body></html>"
)


@pytest.mark.parametrize(
    "html",
    [
        *(load_golden(folder)[1] for folder in PAGES),
        _article(3, "".join(_PRUNED_EXTRAS.values())),
        _ODD_TEXT,
        "<html><head><title>t</title></head></html>",
        "<html><body><script>a b c d e f g h</script>x</body></html>",
    ],
)
def test_page_text_bound_holds(html: str) -> None:
    """The escalation test's cheap bound is never below html2txt's length (what it spares)."""
    from trafilatura.baseline import html2txt

    from reader.fallback import _page_text_bound

    tree = parse_html(html, 10_000_000)
    assert _page_text_bound(tree) >= len(html2txt(tree))


_COMMENT_EDGES = [
    "<div id='Comments'>x</div>",
    "<div id='commentary'>not comments</div>",
    "<ol id='comol'>list</ol>",
    "<ul id='disqus_thread'>a list: id not enough</ul>",
    "<ul id='dsq-comments' class='post-comments'>class enough</ul>",
    "<section class='x article-comments'>anywhere in the class</section>",
    "<details class=' comments'>not at the start</details>",
    "<span id='comments'>not a candidate tag</span>",
    "<div class='' id=''>empty</div><p>none</p>",
]


@pytest.mark.parametrize(
    "html",
    [*(load_golden(folder)[1] for folder in PAGES), *_COMMENT_EDGES],
)
def test_comment_section_matcher_is_the_xpath(html: str) -> None:
    """The matcher for the comment-section prune selects what its XPath selects, on every
    saved page and on the edge cases; the page pruned by it is the page trafilatura prunes."""
    from trafilatura.htmlprocessing import prune_unwanted_nodes
    from trafilatura.xpaths import REMOVE_COMMENTS_AND_LISTS_XPATH

    from reader.fallback import _prune_nodes, _selected

    (expression,) = REMOVE_COMMENTS_AND_LISTS_XPATH
    tree = parse_html(
        f"<html><body>{html}</body></html>" if html in _COMMENT_EDGES else html, 10**7
    )
    for top in (tree, *tree.iterdescendants("body", "div")):
        assert _selected(expression, top, first_only=False) == expression(top)
        assert _selected(expression, top, first_only=True) == expression(top)[:1]
    ours = _prune_nodes(copy(tree), [expression])
    theirs = prune_unwanted_nodes(copy(tree), [expression])
    assert lxml.html.tostring(ours) == lxml.html.tostring(theirs)


@pytest.mark.parametrize("folder", PAGES, ids=[p.name for p in PAGES])
def test_comparison_is_trafilaturas(folder: Path) -> None:
    """Our ``compare_extraction`` (the cleaned tree made only when jusText runs) answers as
    trafilatura's: with the main extractor's body and with an empty one, in each focus, and
    with a minimum size no text reaches (jusText always runs)."""
    from copy import deepcopy

    from lxml.etree import Element, tostring
    from trafilatura.external import compare_extraction as trafilaturas
    from trafilatura.htmlprocessing import convert_tags, tree_cleaning
    from trafilatura.settings import Extractor

    from reader.fallback import compare_extraction
    from reader.mainextract import extract_content

    tree, url = _tree(folder)
    cleanings: list[str] = []
    for focus, min_size in (("balanced", 0), ("precision", 0), ("recall", 0), ("balanced", 10**9)):
        options = Extractor(output_format="python", comments=False, url=url)
        options.focus = focus
        if min_size:
            options.min_extracted_size = min_size
        body, text = extract_content(
            convert_tags(tree_cleaning(copy(tree), options), options, url), options
        )
        for given_body, given_text in ((body, text), (Element("body"), "")):

            def clean(options: Extractor = options, focus: str = focus) -> lxml.html.HtmlElement:
                cleanings.append(focus)
                return tree_cleaning(copy(tree), options)

            ours = compare_extraction(clean, copy(tree), deepcopy(given_body), given_text, options)
            theirs = trafilaturas(
                tree_cleaning(copy(tree), options),
                copy(tree),
                deepcopy(given_body),
                given_text,
                options,
            )
            assert ours[1] == theirs[1]
            assert tostring(ours[0], encoding="unicode") == tostring(theirs[0], encoding="unicode")
    assert cleanings  # (jusText ran, at least where no text is long enough)


@pytest.mark.parametrize("folder", PAGES, ids=[p.name for p in PAGES])
def test_recall_retry_is_trafilaturas(folder: Path) -> None:
    """The escalation's recall retry, by our extractor and comparison, is trafilatura's."""
    from lxml.etree import tostring
    from trafilatura.core import _recall_retry as trafilaturas
    from trafilatura.settings import Extractor

    from reader.fallback import _recall_retry

    tree, url = _tree(folder)
    options = Extractor(output_format="python", comments=False, url=url)
    options.focus = "recall"
    ours = _recall_retry(copy(tree), options, url)
    theirs = trafilaturas(copy(tree), options, url)
    assert ours[1] == theirs[1]
    assert tostring(ours[0], encoding="unicode") == tostring(theirs[0], encoding="unicode")

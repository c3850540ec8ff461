"""``reader.mainextract``: trafilatura's main extractor with the section guard in linear time
gives what trafilatura's own ``extract_content`` gives, on every saved page.

Both run on the same cleaned tree (trafilatura's ``_prepare_tree`` of the page, as our
sequence prepares it); the result body is compared as XML and the text as is. ``outermost``
is checked against its definition (no match among the element's ancestors) on every
element set the discard XPaths select and on random sets.
"""

from __future__ import annotations

import random
from copy import copy, deepcopy
from pathlib import Path

import pytest
from lxml.etree import tostring
from lxml.html import fromstring
from trafilatura.core import _prepare_tree
from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
from trafilatura.htmlprocessing import delete_by_link_density as trafilatura_delete_by_link_density
from trafilatura.htmlprocessing import link_density_test as trafilatura_link_density_test
from trafilatura.main_extractor import extract_content as trafilatura_extract_content
from trafilatura.settings import Extractor
from trafilatura.utils import trim
from trafilatura.xpaths import (
    BODY_XPATH,
    DISCARD_IMAGE_ELEMENTS,
    OVERALL_DISCARD_XPATH,
    PRECISION_DISCARD_XPATH,
    TEASER_DISCARD_XPATH,
)

from reader.mainextract import (
    _discard_matches,
    body_candidate,
    delete_by_link_density_passes,
    extract_content,
    link_density_test,
    outermost,
    prune_nodes,
)
from reader.page import parse_html

TESTS = Path(__file__).resolve().parent
SAVED = sorted(TESTS.glob("**/page.html"))


def cleaned(path: Path):
    tree = parse_html(path.read_bytes().decode("utf-8", "replace"), 10**8)
    options = Extractor(output_format="python", comments=False, url="https://example.org/a")
    return _prepare_tree(tree, options, "https://example.org/a")[0], options


def rebuilder(path: Path):
    """The sequence's way to make the recovery's backup: the same cleaning of the same page."""
    tree = parse_html(path.read_bytes().decode("utf-8", "replace"), 10**8)
    options = Extractor(output_format="python", comments=False, url="https://example.org/a")
    return lambda: convert_tags(
        tree_cleaning(copy(tree), options), options, "https://example.org/a"
    ), options


def definition(matches: dict) -> list:
    return [e for e in matches if not any(a in matches for a in e.iterancestors())]


def test_saved_pages_are_there() -> None:
    assert len(SAVED) >= 20


@pytest.mark.parametrize("path", SAVED, ids=lambda p: str(p.parent.relative_to(TESTS)))
def test_the_same_body_as_trafilatura(path: Path) -> None:
    tree, options = cleaned(path)
    theirs_body, theirs_text = trafilatura_extract_content(deepcopy(tree), options)
    ours_body, ours_text = extract_content(tree, options)
    assert ours_text == theirs_text
    assert tostring(ours_body, encoding="unicode") == tostring(theirs_body, encoding="unicode")


@pytest.mark.parametrize("path", SAVED, ids=lambda p: str(p.parent.relative_to(TESTS)))
def test_outermost_matches_by_definition(path: Path) -> None:
    tree, _ = cleaned(path)
    matches = dict.fromkeys(e for x in OVERALL_DISCARD_XPATH for e in x(tree))
    assert outermost(matches) == definition(matches)
    elements = list(tree.iter())
    rng = random.Random(path.name)
    for share in (0.02, 0.1, 0.3, 0.7):
        picked = [e for e in elements if rng.random() < share]
        for order in (picked, rng.sample(picked, len(picked))):
            chosen = dict.fromkeys(order)
            assert outermost(chosen) == definition(chosen)


@pytest.mark.parametrize("path", SAVED, ids=lambda p: str(p.parent.relative_to(TESTS)))
def test_the_recovery_on_a_rebuilt_backup(path: Path) -> None:
    """With a minimum no text reaches, every page goes to the recovery of wild text: its
    backup rebuilt on demand is the cleaned tree as it was, element for element, so what the
    main pass consumed pairs with its twin and the body is trafilatura's."""
    rebuild, options = rebuilder(path)
    options.min_extracted_size = 10**9
    assert tostring(rebuild(), encoding="unicode") == tostring(cleaned(path)[0], encoding="unicode")
    theirs_body, theirs_text = trafilatura_extract_content(rebuild(), options)
    ours_body, ours_text = extract_content(rebuild(), options, rebuild)
    assert ours_text == theirs_text
    assert tostring(ours_body, encoding="unicode") == tostring(theirs_body, encoding="unicode")


# Elements whose attributes stand where the discard matchers could part from the XPaths:
# which of id/class (id/style) comes first, a name in another case, empty and missing values,
# one class alone and with other attributes (the answer is remembered per class alone).
TRICKY = """<html><body><div>
<div class="x">the class alone: its answer is not the answer with an id beside it</div>
<span class="x">the same class on another tag</span><i class="x" style="display:none">x</i>
<div class="x" id="cookie-bar">class first: id not read by the first-of test</div>
<div id="x" class="cookie-bar">id first: class not read by it</div>
<span id="share-box">id token</span><p class="sidebar">class token</p>
<section role="NAVigation">role</section><div role="Nav">role N only</div>
<div data-lp-replacement-content="">empty but there</div>
<div data-component="x MostPopularStories y">component</div>
<article class="sidebar">not a section tag</article>
<b class="comments-title">title</b><b class="comments-title x">not equal</b>
<i class="reply-x">reply</i><i id="a" class="reply-x">id first</i><i class="reply-x" id="a">class first</i>
<u style="color:red" id="hidden">style first</u><u id="hidden" style="">id first</u>
<u style="display: none">style</u><u style="display:none;">style</u>
<em id="akismet-1">id</em><em class="a hide-print">class</em><em class="Hide-x">case</em>
<em aria-hidden="true">aria</em><em aria-hidden="false">aria</em><em aria-hidden="">aria</em>
<em class="" id="">empty</em><!-- a comment --><em>bare</em>
</div></body></html>"""


@pytest.mark.parametrize(
    "path", [*SAVED, None], ids=lambda p: str(p.parent.relative_to(TESTS)) if p else "tricky"
)
def test_discard_matchers_select_what_the_xpaths_select(path: Path | None) -> None:
    trees = (
        [fromstring(TRICKY)]
        if path is None
        else [cleaned(path)[0], parse_html(path.read_bytes().decode("utf-8", "replace"), 10**8)]
    )
    for tree in trees:
        for top in (tree, *tree.iterdescendants("body", "div", "article")):
            assert _discard_matches(top, OVERALL_DISCARD_XPATH) == [
                e for x in OVERALL_DISCARD_XPATH for e in x(top)
            ]


# Where the teaser and caption matchers could part from the XPaths: "T" read as "t" (and no
# other letter), the word in id or class, tags outside the XPaths' list, nested matches (the
# outer deleted first, the inner then inside it), tails kept.
NAMED_TRICKY = """<html><body><div>
<div class="Teaser">T read as t</div><p id="story-TEASER">only T is read as t</p>
<span class="teaSer">an S is not read</span><section id="x-teaser-y">id</section>
<article class="teaser">not a tag of theirs</article><li class="caption">nor this</li>
<div class="image-caption">caption <span id="caption-2">inner</span> after</div>tail
<p class="Caption">case counts</p><div class="" id="">empty</div><div>bare</div>
<list class="teaser">converted tag</list><item id="caption">converted tag</item>
</div></body></html>"""


@pytest.mark.parametrize(
    "path", [*SAVED, None], ids=lambda p: str(p.parent.relative_to(TESTS)) if p else "tricky"
)
def test_prune_nodes_is_trafilaturas(path: Path | None) -> None:
    trees = (
        [fromstring(NAMED_TRICKY)]
        if path is None
        else [cleaned(path)[0], parse_html(path.read_bytes().decode("utf-8", "replace"), 10**8)]
    )
    for tree in trees:
        for nodelist in (
            TEASER_DISCARD_XPATH,
            DISCARD_IMAGE_ELEMENTS,
            OVERALL_DISCARD_XPATH,
            PRECISION_DISCARD_XPATH,
            [*DISCARD_IMAGE_ELEMENTS, *TEASER_DISCARD_XPATH],
        ):
            ours, theirs = deepcopy(tree), deepcopy(tree)
            assert tostring(prune_nodes(ours, nodelist)) == tostring(
                prune_unwanted_nodes(theirs, nodelist)
            )


def test_the_tricky_page_has_teasers_and_captions_to_prune() -> None:
    tree = fromstring(NAMED_TRICKY)
    before = tostring(tree)
    assert tostring(prune_nodes(deepcopy(tree), TEASER_DISCARD_XPATH)) != before
    assert tostring(prune_nodes(deepcopy(tree), DISCARD_IMAGE_ELEMENTS)) != before


BODY_TRICKY = [
    '<div><p class="post">not a body tag</p><div><section class="post x">not equal</section>'
    '<main class="post">first</main></div><div class="post">second</div></div>',
    '<div><div itemprop="articleBody">itemprop</div><div id="articleContent">id</div></div>',
    '<div><span id="main-article-body">span</span><article id="x-article__body">id</article></div>',
    '<div><div class="a"><div class="b"><div class="my-FullText">deep, case</div></div></div>'
    '<div role="article">role</div></div>',
    '<div><div class="article x">not at the start</div><div class="article x">x</div></div>',
    '<div><section id="Main-Content">id case CM</section><div class="MAIN-CONTENT">no</div></div>',
    '<div><div class="x Page-Content">class case CP</div><div id="content">id</div></div>',
    '<div><div class="">empty</div><div id="">empty</div><div>none</div></div>',
]


@pytest.mark.parametrize(
    "path",
    [*SAVED, *range(len(BODY_TRICKY))],
    ids=lambda p: str(p.parent.relative_to(TESTS)) if isinstance(p, Path) else f"tricky{p}",
)
def test_body_candidate_is_the_xpaths_first(path: Path | int) -> None:
    if isinstance(path, int):
        trees = [fromstring(f"<html><body>{BODY_TRICKY[path]}</body></html>")]
    else:
        trees = [cleaned(path)[0], parse_html(path.read_bytes().decode("utf-8", "replace"), 10**8)]
    for tree in trees:
        for top in (tree, *tree.iterdescendants("body", "div")):
            for expression in BODY_XPATH:
                expected = next((s for s in expression(top) if s is not None), None)
                assert body_candidate(expression, top) is expected


# A second round that deletes: the paragraph (one long link) goes in the first round's "p"
# pass, and only then is the block above it short and all links, for the second round's "div"
# pass. A skip of that pass because the first "div" pass deleted nothing would keep it.
_LONG_LINK = (
    "A headline of another story that runs on for quite a long time indeed, more than a "
    "hundred characters, surely by now."
)
LINK_ROUNDS = (
    "<html><body><div><div id='x'>Read <ref>a1</ref> <ref>a2</ref>"
    f"<p><ref>{_LONG_LINK}</ref></p></div><div>Tail text that is prose, and more prose after"
    " it, so that this outer block holds plenty of its own words.</div></div>"
    "<list><item><ref>one</ref></item><item><ref>two</ref></item></list></body></html>"
)


def _trafilaturas_link_rounds(tree, favor_precision: bool) -> None:
    for _ in range(2):
        for tagname, backtracking in (("div", True), ("list", False), ("p", False)):
            trafilatura_delete_by_link_density(tree, tagname, backtracking, favor_precision)


@pytest.mark.parametrize(
    "path", [*SAVED, None], ids=lambda p: str(p.parent.relative_to(TESTS)) if p else "rounds"
)
def test_link_density_passes_are_trafilaturas(path: Path | None) -> None:
    """The passes skipped because they would read a tree they found nothing in delete what
    trafilatura's two full rounds delete."""
    tree = fromstring(LINK_ROUNDS) if path is None else cleaned(path)[0]
    for top in (tree, *tree.iterdescendants("body", "article")):
        for favor_precision in (False, True):
            ours, theirs = deepcopy(top), deepcopy(top)
            delete_by_link_density_passes(ours, favor_precision)
            _trafilaturas_link_rounds(theirs, favor_precision)
            assert tostring(ours, encoding="unicode") == tostring(theirs, encoding="unicode")


def test_the_crafted_page_needs_its_second_round() -> None:
    one_round = fromstring(LINK_ROUNDS)
    for tagname, backtracking in (("div", True), ("list", False), ("p", False)):
        trafilatura_delete_by_link_density(one_round, tagname, backtracking, False)
    two_rounds = fromstring(LINK_ROUNDS)
    _trafilaturas_link_rounds(two_rounds, False)
    assert tostring(one_round) != tostring(two_rounds)


@pytest.mark.parametrize(
    "path", [*SAVED, None], ids=lambda p: str(p.parent.relative_to(TESTS)) if p else "rounds"
)
def test_link_density_test_is_trafilaturas(path: Path | None) -> None:
    """Our link-density test answers as trafilatura's for every element it may be asked
    about, the link texts read once for all of them, and gives the element's trimmed length."""
    tree = fromstring(LINK_ROUNDS) if path is None else cleaned(path)[0]
    for favor_precision in (False, True):
        link_texts: dict = {}
        for elem in tree.iter("div", "list", "p", "head", "quote", "item", "section"):
            result, short, text_len = link_density_test(elem, favor_precision, link_texts)
            assert (result, short) == trafilatura_link_density_test(elem, favor_precision)
            if text_len >= 0:
                assert text_len == len(trim(elem.text_content()))


@pytest.mark.parametrize("path", SAVED, ids=lambda p: str(p.parent.relative_to(TESTS)))
def test_the_same_body_as_trafilatura_in_each_focus(path: Path) -> None:
    """The recall retry and precision runs read pages by the same extractor."""
    for focus in ("precision", "recall"):
        tree, options = cleaned(path)
        options.focus = focus
        theirs_body, theirs_text = trafilatura_extract_content(deepcopy(tree), options)
        ours_body, ours_text = extract_content(tree, options)
        assert ours_text == theirs_text
        assert tostring(ours_body, encoding="unicode") == tostring(theirs_body, encoding="unicode")

"""trafilatura's body, its readability/jusText comparison run only when it can matter.

``bare_extraction`` compares its main extractor's text with readability's (and jusText's) on
every page: a second and third reading of the whole page, about a fifth of trafilatura's time,
that changes the text on a few pages in a hundred. The comparison keeps trafilatura's text
unless that text is short (jusText runs under ``min_extracted_size``; readability wins when
its own text is more than twice as long), unclean (chrome elements left in it: jusText), or
not prose (no paragraph text, more tables than paragraphs: readability). All of these are
read off the main extractor's result here, before the comparison; the one thing only
readability's run would tell, how long its text is, is estimated by our own densest block
(``best_block``), the candidate readability picks by much the same rule (paragraph text per
container). So the comparison runs when the text is short, unclean, not prose, or when our
block holds over twice trafilatura's text; otherwise its result would be trafilatura's text.

``fast=True`` is not that: it also keeps teaser sections in the main extractor and drops the
escalation's jusText candidate (docs/reading.md). Here everything but the gated comparison
is trafilatura's own sequence (``trafilatura_sequence`` with comments off), step for step;
``tests/test_trafilatura_fallback.py`` checks that with the gate open the body is
``bare_extraction``'s on saved pages, so an upgrade that changes the sequence is caught.

What the sequence copies is copied only when something will change it: the caller's tree is
read in place unless a raw-tree prune deletes something (then a pruned copy), and the cleaned
backup for the comparison is made only when the comparison hands it to jusText (unclean or
short text after readability's; ``compare_extraction`` here is trafilatura's step for step).
The main extractor is ``reader.mainextract``'s, trafilatura's own step for step with its
guarded section prune in linear time; the escalation's recall retry runs it and the
comparison here (``_recall_retry``). Each of these copies is held to trafilatura's function
on every saved page by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from copy import copy

from lxml.etree import XPath, _Element, strip_tags, tostring
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.baseline import _BLOCK_ELEMS, baseline, html2txt
from trafilatura.core import (
    ESCALATION_ACCEPT_RATIO,
    ESCALATION_JUSTEXT_RATIO,
    ESCALATION_MAX_LENGTH,
    ESCALATION_PAGE_SHARE,
    _forum_thread_page,
)
from trafilatura.external import (
    JUSTEXT_OVERRIDE_RATIO,
    SANITIZED_XPATH,
    _prefer_readability,
    justext_rescue,
    sanitize_tree,
    try_readability,
)
from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
from trafilatura.settings import Document, Extractor
from trafilatura.utils import trim
from trafilatura.xml import delete_element, xmltotxt
from trafilatura.xpaths import (
    OVERALL_DISCARD_XPATH,
    RAW_TREE_PRUNE_XPATH,
    REMOVE_COMMENTS_AND_LISTS_XPATH,
)

from reader.mainextract import extract_content

# The comparison runs on every text shorter than this (characters): on the benchmark pages
# readability replaced texts of up to 1,032 characters (its own text four to forty times
# longer); the two longer texts it changed (about 5,000 characters) were unclean or tables.
COMPARE_BELOW_CHARS = 1500
# readability's text replaces trafilatura's when more than this many times longer.
READABILITY_RATIO = 2


def read_body(tree: HtmlElement, url: str | None, block_chars: int | None) -> str | None:
    """``bare_extraction(tree, url=url, include_comments=False).text``, with the fallback
    comparison skipped where it cannot change the text. ``block_chars`` is the text length
    (spaces collapsed) of our densest block; None runs the comparison as trafilatura does."""
    options = Extractor(output_format="python", comments=False, url=url)
    try:
        body, text = _sequence(tree, options, url, block_chars)
        if options.max_tree_size and len(body) > options.max_tree_size:
            strip_tags(body, "hi")
            if len(body) > options.max_tree_size:
                return None
        if len(text) < options.min_output_size and options.min_output_comm_size > 0:
            return None
    except (TypeError, ValueError):
        return None
    return xmltotxt(body, options.formatting)


def plain_body(tree: HtmlElement, url: str | None) -> str | None:
    """trafilatura's own call, for comparison: ``bare_extraction``'s text."""
    doc = bare_extraction(tree, url=url, include_comments=False, with_metadata=False)
    return doc.text if isinstance(doc, Document) else None


# ``bool(body.xpath(".//p//text()"))`` and ``bool(body.xpath(SANITIZED_XPATH))`` asked as
# XPath booleans: the same answers, without a Python string for every paragraph text.
_HAS_PARAGRAPH_TEXT = XPath("boolean(.//p//text())")
# ``len(body.findall(".//p"))`` and ``.//table``'s, counted in C.
_PARAGRAPHS = XPath("count(.//p)")
_TABLES = XPath("count(.//table)")
_HAS_SANITIZED = XPath(f"boolean({SANITIZED_XPATH})")


def needs_comparison(
    body: _Element, text: str, block_chars: int | None, options: Extractor
) -> bool:
    """Whether readability or jusText could replace the main extractor's text (see above)."""
    if block_chars is None or options.focus != "balanced":
        return True
    if len(text) < max(COMPARE_BELOW_CHARS, options.min_extracted_size):
        return True
    if block_chars > READABILITY_RATIO * len(text):
        return True
    paragraphs = _PARAGRAPHS(body)
    if not paragraphs or _TABLES(body) > paragraphs:
        return True
    if not _HAS_PARAGRAPH_TEXT(body):
        return True
    return bool(_HAS_SANITIZED(body))


# trafilatura's raw-tree prunes, by their XPath text (spaces collapsed), each with a pattern
# that finds, among the page's class and id values (one a line), every value its XPath can
# select an element by, and more. Where the pattern finds none, the XPath selects nothing, and
# its walk of the page (a Python regex call per element) is skipped. An XPath not listed here
# (trafilatura changed it) is always run. Beside each pattern, literal pieces one of which
# every match of the pattern holds: ``in`` finds them in the values many times faster than the
# pattern's scan (an unanchored alternative is tried at every character), and most pages hold
# none of them.
_SELECTS_ONLY_BY: dict[str, tuple[tuple[str, ...], re.Pattern[str]]] = {
    ".//*[self::div or self::section or self::aside]["
    " re:test(@id, 'mvp-post-add-(?:box|wrap)|infinite-?scroll') or"
    " re:test(@class, 'mvp-post-add-(?:box|wrap)|infinite-?scroll')]["
    " not(.//h1) or re:test(@id, 'mvp-post-add-(?:box|wrap)') or"
    " re:test(@class, 'mvp-post-add-(?:box|wrap)')]": (
        ("mvp-post-add-", "infinite"),
        re.compile(r"mvp-post-add-(?:box|wrap)|infinite-?scroll"),
    ),
    ".//*[self::div or self::section or self::aside]"
    "[contains(@class, 'elementor-share-buttons')]": (
        ("elementor-share-buttons",),
        re.compile("elementor-share-buttons"),
    ),
    ".//*[self::div or self::list or self::section or self::details or self::ol or self::ul]["
    " re:test(@id, '^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)') or"
    " re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments')]["
    " not(self::ol or self::ul) or re:test(@id, '^(?:[Cc]omment(?!ary)|comol)') or"
    " re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments')]": (
        # ("omment" is in "Comment", "comment", "dsq-comments" and "-comments")
        ("omment", "comol", "disqus_thread"),
        re.compile(
            r"^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)|(?:article|post)-comments",
            re.MULTILINE,
        ),
    ),
}
# The comment-section prune's test (its XPath text above), asked of each candidate's own
# attributes with the same regular expressions (EXSLT's re:test is Python's re.search): a
# Python loop stopping at the first match, where the XPath calls from libxml2 into Python
# twice for every candidate element of the page.
_COMMENT_ID = re.compile(r"^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)")
_COMMENT_LIST_ID = re.compile(r"^(?:[Cc]omment(?!ary)|comol)")
_COMMENT_CLASS = re.compile(r"^[Cc]omment(?!ary)|(?:article|post)-comments")


def _comment_sections(page: HtmlElement) -> Iterator[HtmlElement]:
    """What the comment-section prune's XPath selects in ``page``, in document order."""
    for elem in page.iterdescendants("div", "list", "section", "details", "ol", "ul"):
        attrib = elem.attrib
        if not attrib:
            continue  # ("" is found by none of the three)
        ident, cls = attrib.get("id", ""), attrib.get("class", "")
        if _COMMENT_CLASS.search(cls) or (
            _COMMENT_ID.search(ident)
            and (elem.tag not in ("ol", "ul") or _COMMENT_LIST_ID.search(ident))
        ):
            yield elem


# XPaths (by their text, spaces collapsed) whose selection a matcher gives.
_SELECTED_BY: dict[str, Callable[[HtmlElement], Iterator[HtmlElement]]] = {
    ".//*[self::div or self::list or self::section or self::details or self::ol or self::ul]["
    " re:test(@id, '^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)') or"
    " re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments')]["
    " not(self::ol or self::ul) or re:test(@id, '^(?:[Cc]omment(?!ary)|comol)') or"
    " re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments')]": _comment_sections,
}


def _selected(expression: XPath, page: HtmlElement, first_only: bool) -> list[HtmlElement]:
    """``expression(page)`` (only its first element if ``first_only``), by its matcher
    where it has one."""
    matcher = _SELECTED_BY.get(" ".join(expression.path.split()))
    if matcher is None:
        found: list[HtmlElement] = expression(page)
        return found[:1] if first_only else found
    if first_only:
        first = next(matcher(page), None)
        return [] if first is None else [first]
    return list(matcher(page))


def _prune_nodes(tree: HtmlElement, expressions: list[XPath]) -> HtmlElement:
    """trafilatura's ``prune_unwanted_nodes(tree, expressions)``, selections by ``_selected``."""
    for expression in expressions:
        for subtree in _selected(expression, tree, first_only=False):
            delete_element(subtree)  # the tail text is preserved
    return tree


# (plain strings: a "smart" string per value, which knows its element, costs as much again)
_CLASS_AND_ID = XPath("//@class|//@id", smart_strings=False)
_COLLAPSED_LENGTH = XPath("string-length(normalize-space(.))")


def _pruned(page: HtmlElement, expressions: list[XPath]) -> HtmlElement:
    """``prune_unwanted_nodes(copy(page), expressions)``, or the page itself when no
    expression selects anything (nothing to delete, nothing to copy): every later step
    copies the tree before changing it, so the page is read, never written."""
    values: str | None = None
    for at, expression in enumerate(expressions):
        prefilter = _SELECTS_ONLY_BY.get(" ".join(expression.path.split()))
        if prefilter is not None:
            if values is None:
                values = "\n".join(_CLASS_AND_ID(page))
            pieces, pattern = prefilter
            if not any(piece in values for piece in pieces) or pattern.search(values) is None:
                continue
        if _selected(expression, page, first_only=True):
            return _prune_nodes(copy(page), expressions[at:])
    return page


def _page_text_bound(tree: HtmlElement) -> float:
    """At least ``len(html2txt(tree))``, without its copy and regex walk of the page: the page
    text's length, spaces collapsed (XPath's normalize-space collapses fewer kinds of space
    than ``str.split``), less each script's and style's own (html2txt drops them; cutting a
    run of n collapsed characters from a text shortens it by n - 1 at least), plus the two
    spaces html2txt may add at each block element. html2txt's other deletions only shorten."""
    body = tree.find(".//body")
    if body is None:
        body = tree
    chars: float = _COLLAPSED_LENGTH(body)
    for element in body.iter("script", "style"):
        if not len(element):  # (raw text; were one inside another, it would count twice)
            chars -= max(0.0, _COLLAPSED_LENGTH(element) - 1)
    return chars + 2 * len(list(body.iter(*_BLOCK_ELEMS)))


def compare_extraction(
    clean: Callable[[], HtmlElement],
    raw_tree: HtmlElement,
    body: _Element,
    text: str,
    options: Extractor,
) -> tuple[_Element, str]:
    """trafilatura's ``compare_extraction`` step for step, its cleaned tree (jusText's input,
    ``tree_cleaning`` of a copy of the page) made by ``clean`` only when jusText runs: a copy
    and cleaning of the whole page that trafilatura makes for every comparison, and jusText
    reads on a few comparisons in a hundred (unclean or short text after readability's)."""
    len_text = len(text)
    if options.focus == "recall" and len_text > options.min_extracted_size * 10:
        return body, text
    if options.focus == "precision":
        raw_tree = prune_unwanted_nodes(raw_tree, OVERALL_DISCARD_XPATH)
    temppost_algo = try_readability(raw_tree)
    algo_text = trim(tostring(temppost_algo, method="text", encoding="utf-8").decode("utf-8"))
    len_algo = len(algo_text)
    use_readability = _prefer_readability(
        body, temppost_algo, algo_text, len_text, len_algo, options
    )
    if use_readability:
        body, text, len_text = temppost_algo, algo_text, len_algo
    unclean = bool(body.xpath(SANITIZED_XPATH))
    if unclean or len_text < options.min_extracted_size:
        body2, text2 = justext_rescue(clean(), options)
        len_text2 = len(text2)
        if unclean:
            accept = len_text <= JUSTEXT_OVERRIDE_RATIO * len_text2 and (
                len_text2 > len_text or not options.images or body.find(".//graphic") is None
            )
        else:
            accept = len_text < len_text2
        if text2 and accept:
            body, text, len_text = body2, text2, len_text2
            use_readability = False
    if use_readability:
        body, text = sanitize_tree(body, options)
    return body, text


def _recall_retry(tree: HtmlElement, r_options: Extractor, url: str | None) -> tuple[_Element, str]:
    """trafilatura's ``_recall_retry`` (its stages 1 and 2 again, in recall mode) by our main
    extractor and comparison: its cleaned trees made only when they are read."""

    def prepared() -> HtmlElement:
        return convert_tags(tree_cleaning(copy(tree), r_options), r_options, url)

    postbody, temp_text = extract_content(prepared(), r_options, prepared)
    if not r_options.fast:
        postbody, temp_text = compare_extraction(
            lambda: tree_cleaning(copy(tree), r_options), copy(tree), postbody, temp_text, r_options
        )
    return postbody, temp_text


def _sequence(
    page: HtmlElement, options: Extractor, url: str | None, block_chars: int | None
) -> tuple[_Element, str]:
    """``trafilatura_sequence`` with comments off, the comparison gated by ``needs_comparison``.
    The caller's ``page`` is left as it is (bare_extraction reads a copy)."""
    is_forum = _forum_thread_page(page)
    expressions = list(RAW_TREE_PRUNE_XPATH)
    if options.focus == "precision" or not is_forum:
        expressions += REMOVE_COMMENTS_AND_LISTS_XPATH
    tree = _pruned(page, expressions)
    # ``_prepare_tree`` without its backup copy: the comparison alone reads the backup, and
    # the gate usually skips it; tree_cleaning on a fresh copy of ``tree`` makes the same.
    cleaned_tree = convert_tags(tree_cleaning(copy(tree), options), options, url)
    # (focus is balanced: the precision-only post-conversion prune does not apply)
    # The recovery's backup, made only when the recovery runs: the same cleaning again.
    postbody, temp_text = extract_content(
        cleaned_tree,
        options,
        lambda: convert_tags(tree_cleaning(copy(tree), options), options, url),
    )
    if needs_comparison(postbody, temp_text, block_chars, options):
        postbody, temp_text = compare_extraction(
            lambda: tree_cleaning(copy(tree), options), copy(tree), postbody, temp_text, options
        )
    if len(temp_text) < options.min_extracted_size and options.focus != "precision":
        b_body, b_text, b_len = baseline(tree)
        if b_len > len(temp_text):
            postbody, temp_text = b_body, b_text
    if (
        options.focus == "balanced"
        and 0 < len(temp_text) < ESCALATION_MAX_LENGTH
        and len(temp_text) < ESCALATION_PAGE_SHARE * _page_text_bound(tree)
        and len(temp_text) < ESCALATION_PAGE_SHARE * len(html2txt(tree))
    ):
        r_options = copy(options)
        r_options.focus = "recall"
        # As trafilatura: a retry or a jusText run that fails is no candidate.
        r_body, r_text = postbody, ""
        with suppress(Exception):
            r_body, r_text = _recall_retry(tree, r_options, url)
        j_body, j_text = postbody, ""
        with suppress(Exception):
            j_body, j_text = justext_rescue(copy(tree), options)
        len_text, r_len, j_len = len(temp_text), len(r_text), len(j_text)
        if j_len > r_len and j_len > ESCALATION_JUSTEXT_RATIO * len_text:
            postbody, temp_text = j_body, j_text
        elif r_len >= options.min_extracted_size and r_len > ESCALATION_ACCEPT_RATIO * len_text:
            postbody, temp_text = r_body, r_text
    return postbody, temp_text

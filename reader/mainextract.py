"""trafilatura's main extractor (``extract_content``) step for step, its section guard in
linear time.

Before it reads a page's body, trafilatura 2.3 removes the sections its discard XPaths
select, guarded: nothing goes if that would take too much of the text. To know what would
go, ``prune_unwanted_nodes(..., with_backup=True)`` keeps the outermost matches, testing
every match's ancestors up to the document's root, one by one: matches times depth
(hundreds of matches on a busy page), about a twentieth of our reading of a page.
``outermost`` finds the same elements remembering each ancestor's answer, so no ancestor is
asked twice. Its XPaths with ``re:test`` (the two section discards, three of the body
candidates) call from libxml2 into Python for every element they test; here the same
regular expressions are asked of the elements' attributes in one Python loop (the body
candidate's stopping at the first), where trafilatura's XPath text is the one written here.
The whole cleaned tree is copied for the recovery of wild text only when that recovery
runs (``rebuild``). The link-density deletions run in two rounds (div, list, p); a pass that
would read the tree its last run deleted nothing from, untouched since, is skipped (on most
pages the whole second round), a pass tests only the elements that hold a link (picked by
libxml2), and each link's text is read once a pass. Everything else is trafilatura's own
sequence, calling its own functions (``extract_content``, ``_extract``,
``prune_unwanted_sections``, ``recover_wild_text`` of ``trafilatura.main_extractor``,
``delete_by_link_density`` and ``link_density_test`` of ``trafilatura.htmlprocessing``,
copied with comments on what differs; the recovery prunes with the sections guard here). ``tests/test_mainextract.py`` holds the result to
``trafilatura.main_extractor.extract_content`` on every saved page (the recovery forced on
each), so an upgrade of trafilatura that changes the sequence is caught.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from copy import deepcopy

from lxml.etree import Element, XPath, _Element, strip_elements, strip_tags
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import (
    is_paragraph_listing,
    link_density_test_tables,
    process_node,
)
from trafilatura.main_extractor import (
    NOT_AT_THE_END,
    REBUILT_BLOCKS,
    _elem_text,
    handle_textelem,
)
from trafilatura.settings import (
    DEDUPE_SCAN_CAP,
    INLINE_FORMATTABLE,
    MIN_DUPLICATE_LENGTH,
    TAG_CATALOG,
    Extractor,
)
from trafilatura.utils import LINK_FARM_RATIO, SPACING_PROTECTED, text_chars_test, trim
from trafilatura.xml import delete_element
from trafilatura.xpaths import (
    _ARTICLE_CONTENT_CLASS_TOKENS,
    _ARTICLE_CONTENT_ID_TOKENS,
    _CONSENT_ID_CLASS_TOKENS,
    _MAIN_CONTENT_CLASS_TOKENS,
    _MAIN_CONTENT_ID_TOKENS,
    _OVERALL_DISCARD_BOTH_TOKENS,
    _OVERALL_DISCARD_CLASS_TOKENS,
    _OVERALL_DISCARD_ID_TOKENS,
    _STORY_CLASS_TOKENS,
    _STORY_ID_TOKENS,
    BODY_XPATH,
    DISCARD_IMAGE_ELEMENTS,
    OVERALL_DISCARD_XPATH,
    PRECISION_DISCARD_XPATH,
    TEASER_DISCARD_XPATH,
    _alt,
)


def outermost(matches: Mapping[_Element, object]) -> list[_Element]:
    """The matches (in their order) that have no match among their ancestors:
    ``[e for e in matches if not any(a in matches for a in e.iterancestors())]``, with each
    ancestor's answer (is it or one of its ancestors a match) found once."""
    covered: dict[_Element, bool] = {}
    outer = []
    for elem in matches:
        path = []
        node = elem.getparent()
        answer = False
        while node is not None:
            known = covered.get(node)
            if known is not None:
                answer = known
                break
            if node in matches:
                answer = True
                break
            path.append(node)
            node = node.getparent()
        for passed in path:
            covered[passed] = answer
        if not answer:
            outer.append(elem)
    return outer


# trafilatura's two section discard XPaths, as its source writes them (the tokens are its
# own). Each ``re:test`` in them is a call from libxml2 into Python for every element; the
# matchers below ask the same of each element's attributes in one Python loop. Where
# trafilatura's expression is no longer this text (an upgrade), its XPath runs instead.
_DISCARD_SECTIONS = f"""
        .//*[self::div or self::item or self::list or self::p or self::section or self::span][
        @data-lp-replacement-content or
        contains(translate(@role, 'N', 'n'), 'nav') or
        contains(@data-component, 'MostPopularStories') or
        re:test(@id|@class, '{_alt(_CONSENT_ID_CLASS_TOKENS)}') or
        re:test(@id, '{_alt(_OVERALL_DISCARD_BOTH_TOKENS + _OVERALL_DISCARD_ID_TOKENS)}') or
        re:test(@class, '{_alt(_OVERALL_DISCARD_BOTH_TOKENS + _OVERALL_DISCARD_CLASS_TOKENS)}')]
        """
_DISCARD_HIDDEN = """
        .//*[@class='comments-title' or
        starts-with(@id|@class, 'reply-') or
        re:test(@id|@style, 'hidden') or
        contains(@style, 'display:none') or contains(@style, 'display: none') or
        re:test(@id, 'reader-comments|akismet') or
        re:test(@class, '^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print| hidden| hide|noprint|notloaded') or @aria-hidden='true']
        """
_SECTION_TAGS = frozenset({"div", "item", "list", "p", "section", "span"})
_CONSENT = re.compile(_alt(_CONSENT_ID_CLASS_TOKENS))
_DISCARD_ID = re.compile(_alt(_OVERALL_DISCARD_BOTH_TOKENS + _OVERALL_DISCARD_ID_TOKENS))
_DISCARD_CLASS = re.compile(_alt(_OVERALL_DISCARD_BOTH_TOKENS + _OVERALL_DISCARD_CLASS_TOKENS))
_HIDDEN = re.compile("hidden")
_HIDDEN_ID = re.compile("reader-comments|akismet")
_HIDDEN_CLASS = re.compile(
    "^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print"
    "| hidden| hide|noprint|notloaded"
)


def _first_of(attrib: Mapping[str, str], one: str, other: str) -> str:
    """XPath's ``string(@one|@other)``: the value of whichever comes first in the element."""
    for name, value in attrib.items():
        if name in (one, other):
            return value
    return ""


def _discards_section(elem: _Element) -> bool:
    """``_DISCARD_SECTIONS``'s predicate on one element (its tag tested by the caller)."""
    attrib = elem.attrib
    if not attrib:
        return False  # (no pattern finds anything in "": checked at import)
    ident, cls = attrib.get("id", ""), attrib.get("class", "")
    if _DISCARD_ID.search(ident) or _DISCARD_CLASS.search(cls):
        return True
    if "data-lp-replacement-content" in attrib:
        return True
    if "nav" in attrib.get("role", "").replace("N", "n"):
        return True
    if "MostPopularStories" in attrib.get("data-component", ""):
        return True
    # (the first of id and class can hold the token only if one of them does)
    if _CONSENT.search(ident) or _CONSENT.search(cls):
        return _CONSENT.search(_first_of(attrib, "id", "class")) is not None
    return False


def _discards_hidden(elem: _Element) -> bool:
    """``_DISCARD_HIDDEN``'s predicate on one element."""
    attrib = elem.attrib
    if not attrib:
        return False
    ident, cls = attrib.get("id", ""), attrib.get("class", "")
    if cls == "comments-title" or _HIDDEN_ID.search(ident) or _HIDDEN_CLASS.search(cls):
        return True
    style = attrib.get("style", "")
    if "display:none" in style or "display: none" in style:
        return True
    if attrib.get("aria-hidden") == "true":
        return True
    # (the first of two attributes can pass only if one of them does)
    if (ident.startswith("reply-") or cls.startswith("reply-")) and _first_of(
        attrib, "id", "class"
    ).startswith("reply-"):
        return True
    return bool(
        (_HIDDEN.search(ident) or _HIDDEN.search(style))
        and _HIDDEN.search(_first_of(attrib, "id", "style"))
    )


def _passing(elements: Iterable[_Element], test: Callable[[_Element], bool]) -> list[_Element]:
    """``[e for e in elements if test(e)]`` for a test of the element's attributes alone:
    where the class is an element's one attribute (most elements with any), the answer is
    the class's, asked once per class (a site's cards and rows repeat theirs)."""
    verdicts: dict[str, bool] = {}
    found = []
    for elem in elements:
        attrib = elem.attrib
        if len(attrib) == 1:
            cls = attrib.get("class")
            if cls is not None:
                verdict = verdicts.get(cls)
                if verdict is None:
                    verdict = verdicts[cls] = test(elem)
                if verdict:
                    found.append(elem)
                continue
        if test(elem):
            found.append(elem)
    return found


def _discard_matches(tree: HtmlElement, nodelist: Iterable[XPath]) -> list[_Element]:
    """What ``expression(tree)`` gives for each expression, one after the other."""
    found: list[_Element] = []
    for expression in nodelist:
        if expression.path == _DISCARD_SECTIONS and _MATCHERS_HOLD:
            found += _passing(tree.iterdescendants(*_SECTION_TAGS), _discards_section)
        elif expression.path == _DISCARD_HIDDEN and _MATCHERS_HOLD:
            found += _passing(tree.iterdescendants(Element), _discards_hidden)
        else:
            found += expression(tree)
    return found


# trafilatura's teaser and caption discards, as its source writes them: a substring of the
# id or class (the teaser's with "T" read as "t"). libxml2 evaluates ``translate`` and
# ``contains`` with a string made for every attribute of every element it tests, about
# three times the time of the same test asked in a Python loop over the tagged elements.
_DISCARD_TEASERS = """
    .//*[self::div or self::item or self::list or self::p or self::section or self::span][
    contains(translate(@id, 'T', 't'), 'teaser') or contains(translate(@class, 'T', 't'), 'teaser')]
    """
_DISCARD_CAPTIONS = """
    .//*[self::div or self::item or self::list or self::p or self::section or self::span][
    contains(@id, 'caption') or contains(@class, 'caption')]
    """
_BLOCK_TAGS = ("div", "item", "list", "p", "section", "span")


def _named(tree: HtmlElement, word: str, fold: dict[int, int] | None) -> list[_Element]:
    """The tagged elements under ``tree`` whose id or class holds ``word`` (``fold``: the
    value's characters mapped first, as ``translate``), in document order."""
    found: list[_Element] = []
    for elem in tree.iterdescendants(*_BLOCK_TAGS):
        attrib = elem.attrib
        if not attrib:
            continue
        for name in ("id", "class"):
            value = attrib.get(name)
            if value is not None and word in (value.translate(fold) if fold else value):
                found.append(elem)
                break
    return found


_T = str.maketrans("T", "t")


def prune_nodes(tree: HtmlElement, nodelist: Iterable[XPath]) -> HtmlElement:
    """trafilatura's ``prune_unwanted_nodes(tree, nodelist)`` (no backup): each expression's
    selection deleted before the next is asked, the section discards selected by the
    matchers of ``_discard_matches`` and the teaser and caption discards by ``_named`` where
    trafilatura's text is the one written here."""
    for expression in nodelist:
        if expression.path == _DISCARD_TEASERS:
            selected = _named(tree, "teaser", _T)
        elif expression.path == _DISCARD_CAPTIONS:
            selected = _named(tree, "caption", None)
        elif expression.path in (_DISCARD_SECTIONS, _DISCARD_HIDDEN) and _MATCHERS_HOLD:
            selected = _discard_matches(tree, (expression,))
        else:
            selected = expression(tree)
        for subtree in selected:
            delete_element(subtree)  # the tail text is preserved
    return tree


# The matchers' shortcut for an element without attributes holds if no pattern finds "".
_MATCHERS_HOLD = not any(
    pattern.search("")
    for pattern in (_CONSENT, _DISCARD_ID, _DISCARD_CLASS, _HIDDEN, _HIDDEN_ID, _HIDDEN_CLASS)
)


# trafilatura's first, third and fourth body XPaths, as its source writes them; each takes
# the first element (document order) that passes its test, found below by one Python loop
# that stops there, where the XPath calls from libxml2 into Python for every ``re:test`` on
# every element of the page. Where trafilatura's expression is no longer this text, it runs.
_BODY_ARTICLE = f"""
        .//*[self::article or self::div or self::main or self::section][
        @class='post' or @class='entry' or
        @itemprop='articleBody' or @id='articleContent' or
        re:test(@id, '{_alt(_ARTICLE_CONTENT_ID_TOKENS)}') or
        re:test(@class, '{_alt(_ARTICLE_CONTENT_CLASS_TOKENS)}')
        ][1]
        """
_BODY_STORY = f"""
        (.//*[self::article or self::div or self::main or self::section][
        @role='article' or
        @id='article' or @id='story' or
        @class='postarea' or @class='art-postcontent' or @class='text' or @class='cell' or @class='story' or
        re:test(@id, '{_alt(_STORY_ID_TOKENS)}') or
        re:test(@class, 'fulltext', 'i') or
        re:test(@class, '{_alt(_STORY_CLASS_TOKENS)}')
        ])[1]
        """
_BODY_MAIN = f"""
        (.//*[self::article or self::div or self::main or self::section][
        @id='content' or @class='content' or
        re:test(@id, '{_alt(_MAIN_CONTENT_ID_TOKENS)}') or
        re:test(@class, '{_alt(_MAIN_CONTENT_CLASS_TOKENS)}') or
        contains(translate(@id, 'CM','cm'), 'main-content') or contains(translate(@class, 'CM','cm'), 'main-content') or
        contains(translate(@class, 'CP','cp'), 'page-content')
        ])[1]
        """
_BODY_TAGS = ("article", "div", "main", "section")
_ARTICLE_ID = re.compile(_alt(_ARTICLE_CONTENT_ID_TOKENS))
_ARTICLE_CLASS = re.compile(_alt(_ARTICLE_CONTENT_CLASS_TOKENS))
_STORY_ID = re.compile(_alt(_STORY_ID_TOKENS))
_FULLTEXT = re.compile("fulltext", re.IGNORECASE)
_STORY_CLASS = re.compile(_alt(_STORY_CLASS_TOKENS))
_MAIN_ID = re.compile(_alt(_MAIN_CONTENT_ID_TOKENS))
_MAIN_CLASS = re.compile(_alt(_MAIN_CONTENT_CLASS_TOKENS))
_CM = str.maketrans("CM", "cm")
_CP = str.maketrans("CP", "cp")


def _article_body(attrib: Mapping[str, str]) -> bool:
    """``_BODY_ARTICLE``'s test of one element's attributes."""
    cls, ident = attrib.get("class"), attrib.get("id", "")
    return (
        cls in ("post", "entry")
        or attrib.get("itemprop") == "articleBody"
        or ident == "articleContent"
        or _ARTICLE_ID.search(ident) is not None
        or _ARTICLE_CLASS.search(cls or "") is not None
    )


def _story_body(attrib: Mapping[str, str]) -> bool:
    """``_BODY_STORY``'s test of one element's attributes."""
    cls, ident = attrib.get("class", ""), attrib.get("id", "")
    return (
        attrib.get("role") == "article"
        or ident in ("article", "story")
        or cls in ("postarea", "art-postcontent", "text", "cell", "story")
        or _STORY_ID.search(ident) is not None
        or _FULLTEXT.search(cls) is not None
        or _STORY_CLASS.search(cls) is not None
    )


def _main_body(attrib: Mapping[str, str]) -> bool:
    """``_BODY_MAIN``'s test of one element's attributes."""
    cls, ident = attrib.get("class", ""), attrib.get("id", "")
    return (
        ident == "content"
        or cls == "content"
        or _MAIN_ID.search(ident) is not None
        or _MAIN_CLASS.search(cls) is not None
        or "main-content" in ident.translate(_CM)
        or "main-content" in cls.translate(_CM)
        or "page-content" in cls.translate(_CP)
    )


_BODY_TESTS: dict[str, Callable[[Mapping[str, str]], bool]] = {
    _BODY_ARTICLE: _article_body,
    _BODY_STORY: _story_body,
    _BODY_MAIN: _main_body,
}
# (A missing attribute is "" to re:test: the shortcuts hold if no pattern finds "".)
_BODY_TESTS_HOLD = not any(
    p.search("")
    for p in (_ARTICLE_ID, _ARTICLE_CLASS, _STORY_ID, _STORY_CLASS, _MAIN_ID, _MAIN_CLASS)
)


def body_candidate(expression: XPath, tree: HtmlElement) -> HtmlElement | None:
    """``next((s for s in expression(tree) if s is not None), None)``: the first element the
    body expression selects, by the tests above where trafilatura's text is theirs."""
    test = _BODY_TESTS.get(expression.path) if _BODY_TESTS_HOLD else None
    if test is None:
        return next((s for s in expression(tree) if s is not None), None)
    for elem in tree.iterdescendants(*_BODY_TAGS):
        attrib = elem.attrib
        if attrib and test(attrib):
            return elem
    return None


def prune_guarded(tree: HtmlElement, nodelist: Iterable[XPath]) -> HtmlElement:
    """``prune_unwanted_nodes(tree, nodelist, with_backup=True)``, the outermost matches
    found by ``outermost``. Without a match there is nothing to delete, whatever the guard
    says: the text's length is not read."""
    matches = dict.fromkeys(_discard_matches(tree, nodelist))
    outer = outermost(matches)
    if not outer:
        return tree
    old_len = len(tree.text_content())
    if old_len - sum(len(elem.text_content()) for elem in outer) > old_len / 7:
        for elem in outer:
            delete_element(elem)
    return tree


def _link_text(link: _Element, link_texts: dict[_Element, str]) -> str:
    """``trim(link.text_content())``, each link's read once in a pass: the containers around
    a link (nested divs) each read all their links."""
    text = link_texts.get(link)
    if text is None:
        text = link_texts[link] = trim(link.text_content())
    return text


def _link_info(links: list[_Element], link_texts: dict[_Element, str]) -> tuple[int, int, int]:
    """trafilatura's ``collect_link_info``: the links' text length, how many have text, and
    how many of those are short."""
    lengths = [len(text) for text in (_link_text(link, link_texts) for link in links) if text]
    return sum(lengths), len(lengths), sum(1 for length in lengths if length < 10)


def link_density_test(
    element: _Element, favor_precision: bool, link_texts: dict[_Element, str]
) -> tuple[bool, bool, int]:
    """trafilatura's ``link_density_test`` (its two answers), and the length of the element's
    trimmed text (-1 where it was not read), which the backtracking test reads again. The
    links and images found by iterators in C (trafilatura's ElementPath ``findall`` goes
    through Python generators), each link's text read once a pass (``link_texts``)."""
    links = list(element.iterdescendants("ref"))
    if not links:
        return False, False, -1
    if next(element.iterdescendants("graphic"), None) is not None:
        return False, False, -1
    text_len = len(trim(element.text_content()))
    if len(links) == 1:
        len_threshold = 10 if favor_precision else 100
        link_len = len(_link_text(links[0], link_texts))
        if link_len > len_threshold and link_len > text_len * 0.9:
            return True, False, text_len
    if element.tag == "p":
        limitlen = 60 if element.getnext() is None else 30
    elif element.getnext() is None:
        limitlen = 300
    else:
        limitlen = 100
    if text_len < limitlen:
        linklen, elemnum, shortelems = _link_info(links, link_texts)
        if elemnum == 0:
            return True, False, text_len
        short = elemnum > 1 and shortelems / elemnum > 0.8
        return linklen > text_len * 0.8 or short, True, text_len
    if len(links) > 4:
        linklen, elemnum, _ = _link_info(links, link_texts)
        if (
            linklen > text_len * LINK_FARM_RATIO
            and linklen < 100 * elemnum
            and not is_paragraph_listing(links)
        ):
            return True, False, text_len
    return False, False, text_len


_LINKED: dict[str, XPath] = {}


def _linked(tagname: str) -> XPath:
    """An XPath giving ``subtree.iter(tagname)``'s elements (document order, the subtree
    itself first if it is one) that hold a link (a ``ref`` below them)."""
    expression = _LINKED.get(tagname)
    if expression is None:
        expression = _LINKED[tagname] = XPath(f"descendant-or-self::{tagname}[descendant::ref]")
    return expression


def delete_by_link_density(
    subtree: HtmlElement,
    tagname: str,
    backtracking: bool = False,
    favor_precision: bool = False,
) -> bool:
    """trafilatura's ``delete_by_link_density``, telling whether it deleted anything (the
    caller skips a rerun on a tree it left as it was). Its test passes every element without
    a link (``link_density_test`` answers (False, False) for it at once): libxml2 picks the
    elements with one (``_linked``), where a Python loop asked each element for its links."""
    deletions = []
    len_threshold = 200 if favor_precision else 100
    depth_threshold = 1 if favor_precision else 3
    link_texts: dict[_Element, str] = {}  # (the tree is not changed before the loop ends)
    for elem in _linked(tagname)(subtree):
        result, short_with_links, text_len = link_density_test(elem, favor_precision, link_texts)
        if result or (
            backtracking
            and short_with_links
            and len(elem) >= depth_threshold
            and text_len < len_threshold
        ):
            # (a paragraph holding a list item's content is kept: trafilatura's GH #788)
            parent = elem.getparent()
            if tagname == "p" and parent is not None and parent.tag in ("item", "td", "th"):
                continue
            deletions.append(elem)
    for elem in dict.fromkeys(deletions):
        delete_element(elem)
    return bool(deletions)


# trafilatura's link-density passes: each tag twice, in this order.
_LINK_DENSITY_PASSES = (("div", True), ("list", False), ("p", False)) * 2


def delete_by_link_density_passes(tree: HtmlElement, favor_precision: bool) -> None:
    """trafilatura's two rounds of ``delete_by_link_density`` (div, list, p), a pass skipped
    where it would read the very tree its last run read and deleted nothing from (no pass has
    deleted anything since): it would find nothing again. On most pages the first round
    deletes nothing and the second is skipped whole."""
    clean_since: dict[str, bool] = {}  # per tag: its last run deleted nothing, nor any since
    for tagname, backtracking in _LINK_DENSITY_PASSES:
        if clean_since.get(tagname):
            continue
        if delete_by_link_density(tree, tagname, backtracking, favor_precision):
            clean_since.clear()
        else:
            clean_since[tagname] = True


def prune_unwanted_sections(
    tree: HtmlElement, potential_tags: set[str], options: Extractor, keep_teasers: bool = False
) -> HtmlElement:
    """trafilatura's ``prune_unwanted_sections``, the guarded prune by ``prune_guarded`` and
    the link-density passes by ``delete_by_link_density_passes``."""
    favor_precision = options.focus == "precision"
    tree = prune_guarded(tree, OVERALL_DISCARD_XPATH)
    if "graphic" not in potential_tags:
        tree = prune_nodes(tree, DISCARD_IMAGE_ELEMENTS)
    if options.focus != "recall":
        if not keep_teasers:
            tree = prune_nodes(tree, TEASER_DISCARD_XPATH)
        if favor_precision:
            tree = prune_nodes(tree, PRECISION_DISCARD_XPATH)
    delete_by_link_density_passes(tree, favor_precision)
    if "table" in potential_tags or favor_precision:
        boilerplate_tables = [
            elem for elem in tree.iter("table") if link_density_test_tables(elem) is True
        ]
        for elem in boilerplate_tables:
            delete_element(elem, keep_tail=False)
    if favor_precision:
        while len(tree) > 0 and (tree[-1].tag == "head"):
            delete_element(tree[-1], keep_tail=False)
        delete_by_link_density(tree, "head", backtracking=False, favor_precision=True)
        delete_by_link_density(tree, "quote", backtracking=False, favor_precision=True)
    strip_tags(tree, "span", *(() if "ref" in potential_tags else ("ref",)))
    return tree


# trafilatura's ``subtree.xpath("//p//text()")`` (the whole document's, as it writes it), as
# plain strings: only their length is read, and a "smart" string per text costs as much again.
_PARAGRAPH_TEXTS = XPath("//p//text()", smart_strings=False)


def _extract(tree: HtmlElement, options: Extractor) -> tuple[_Element, str, set[str]]:
    """trafilatura's ``_extract``, pruning with ``prune_unwanted_sections`` above."""
    potential_tags = set(TAG_CATALOG)
    if options.tables is True:
        potential_tags.update(["table", "td", "th", "tr"])
    if options.images is True:
        potential_tags.add("graphic")
    if options.links is True:
        potential_tags.add("ref")
    result_body = Element("body")
    for expr in BODY_XPATH:
        subtree = body_candidate(expr, tree)
        if subtree is None:
            continue
        subtree = prune_unwanted_sections(subtree, potential_tags, options)
        if len(subtree) == 0:
            continue
        ptest = _PARAGRAPH_TEXTS(subtree)
        factor = 1 if options.focus == "precision" else 3
        if not ptest or len("".join(ptest)) < options.min_extracted_size * factor:
            potential_tags.add("div")
        subelems = subtree.xpath(".//*")
        tags = {e.tag for e in subelems}
        if tags == {"lb"} or (
            subtree.tag == "div" and "div" in potential_tags and tags <= INLINE_FORMATTABLE | {"lb"}
        ):
            subelems = [subtree]
        lead, start = None, len(result_body)
        if subelems != [subtree] and text_chars_test(subtree.text):
            lead = Element("p")
            lead.text = subtree.text
            lead = process_node(lead, options)
        for elem in subelems:
            if elem.getroottree().getroot() is result_body:
                continue
            tag, tail = elem.tag, elem.tail
            processed_elem = handle_textelem(elem, potential_tags, options)
            if processed_elem is not None:
                result_body.append(processed_elem)
                if elem.getroottree().getroot() is not result_body:
                    elem.tag = "done"
            if (
                tag in REBUILT_BLOCKS
                and text_chars_test(tail)
                and (processed_elem is None or processed_elem.tail is None)
            ):
                tail_elem = Element("p")
                tail_elem.text = tail
                if process_node(tail_elem, options) is not None:
                    result_body.append(tail_elem)
        while len(result_body) > 0 and (result_body[-1].tag in NOT_AT_THE_END):
            delete_element(result_body[-1], keep_tail=False)
        if sum(e.tag != "graphic" for e in result_body) > 1:
            if lead is not None:
                result_body.insert(start, lead)
            break
    temp_text = " ".join(result_body.itertext()).strip()
    return result_body, temp_text, potential_tags


def recover_wild_text(
    tree: HtmlElement,
    result_body: _Element,
    options: Extractor,
    potential_tags: set[str],
    consumed: set[_Element],
) -> _Element:
    """trafilatura's ``recover_wild_text``, pruning with ``prune_unwanted_sections`` above
    (trafilatura's own walks each discard match's ancestors and asks libxml2 to call into
    Python for every ``re:test``: on the pages where the recovery runs, most of its time)."""
    potential_tags = set(potential_tags)
    search_expr = ".//code|.//p|.//quote|.//table|.//div[contains(@class, 'w3-code')]"
    if options.focus == "recall":
        potential_tags.update(["div", "lb"])
        search_expr += "|.//div|.//lb|.//list"
    search_tree = prune_unwanted_sections(tree, potential_tags, options, keep_teasers=options.fast)
    subelems = search_tree.xpath(search_expr)
    elem_texts = [_elem_text(el) for el in result_body]
    existing = "\n".join(filter(None, elem_texts))
    existing_elems = set(elem_texts)
    handled: set[_Element] = set()
    for subelem in subelems:
        if (consumed and subelem in consumed) or (
            handled and any(a in handled for a in subelem.iterancestors())
        ):
            continue
        processed = handle_textelem(subelem, potential_tags, options)
        if processed is None:
            continue
        if processed is subelem:
            handled.add(subelem)
        text = _elem_text(processed)
        images = {img.get("src") for img in processed.iter("graphic")}
        if not text and images and images <= {g.get("src") for g in result_body.iter("graphic")}:
            continue
        under_cap = len(existing) <= DEDUPE_SCAN_CAP
        fragment = trim(text + (processed.tail or "")) if text_chars_test(processed.tail) else ""
        if text and (
            text in existing_elems
            or (
                under_cap
                and (
                    (len(text) > MIN_DUPLICATE_LENGTH and text in existing)
                    or (fragment and fragment in existing)
                )
            )
        ):
            continue
        result_body.append(processed)
        if under_cap:
            existing += "\n" + (fragment or text)
        existing_elems.add(text)
    return result_body


def extract_content(
    cleaned_tree: HtmlElement,
    options: Extractor,
    rebuild: Callable[[], HtmlElement] | None = None,
) -> tuple[_Element, str]:
    """trafilatura's ``extract_content``, its main pass by ``_extract`` above.

    trafilatura copies the whole cleaned tree on every page for the recovery of wild text,
    which runs only when the main pass finds little. ``rebuild`` (optional) makes a tree
    identical to ``cleaned_tree`` as given (the same cleaning of the same input again): the
    backup is then made only when the recovery runs. Its elements pair with ``order`` by
    position, as the copy's do."""
    if rebuild is None:
        backup = deepcopy(cleaned_tree)
        rebuild = lambda: backup  # noqa: E731
    order = list(cleaned_tree.iter())
    result_body, temp_text, potential_tags = _extract(cleaned_tree, options)
    if len(result_body) == 0 or len(temp_text) < options.min_extracted_size:
        backup_tree = rebuild()
        consumed: set[_Element] = {
            twin for elem, twin in zip(order, backup_tree.iter(), strict=True) if elem.tag == "done"
        }
        result_body = recover_wild_text(backup_tree, result_body, options, potential_tags, consumed)
        temp_text = " ".join(result_body.itertext()).strip()
    previous = None
    for el in list(result_body):
        current = _elem_text(el)
        if current and current == previous and len(current) > MIN_DUPLICATE_LENGTH:
            delete_element(el, keep_tail=False)
        else:
            previous = current
    strip_elements(result_body, "done")
    strip_tags(result_body, "div")
    for linebreak in result_body.iter("lb"):
        if (
            linebreak.tail
            and not text_chars_test(linebreak.tail)
            and not any(anc.tag in SPACING_PROTECTED for anc in linebreak.iterancestors())
        ):
            linebreak.tail = None
    return result_body, temp_text

"""DOM-level chrome removal, before the page-level extractor runs.

Structure says more than names here. A class/id name is one weak signal: a named container
goes unless its structure says it holds the article's text (prose with few links inside the
main block, or a large or adjacent share of it outside); lists of teaser links, share and
tool bars (found by their shape: a run of short labels, mostly controls) go whatever their
names. See docs/reading.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache

import lxml.etree
from lxml.html import HtmlElement

from reader.cjk import CJK_COMMON
from reader.people import BYLINE_TOKENS, byline_markup, names_byline
from reader.rules import CHROME_TAGS, CHROME_TOKENS, COMMENT_REASON

# A container holding more than this share of the page's text is never removed by a token
# match: a wrapper named "main-share-layout" around the whole article must survive.
MAX_SHARE_REMOVED = 0.35


def prune_chrome(
    tree: HtmlElement, extra_xpaths: list[str] | None = None, scan: PageScan | None = None
) -> Counter[str]:
    """Remove chrome containers in place; returns the reasons and how often each applied.
    ``scan`` is ``scan_page(tree)`` when the caller took it (on the tree as it is now)."""
    removed: Counter[str] = Counter()
    scan = scan or scan_page(tree)
    body = scan.body
    if body is None:
        return removed
    # Every test below reads the unpruned tree: all text is measured once, not per element.
    chars, links, controls = scan.chars, scan.links, scan.controls
    total = chars[body] or 1
    protected, main = _protected(tree, scan)
    main_text = chars[main] - links[main] if main is not None and main in chars else 0
    # The main block's descendants, listed once (not each named element's ancestors).
    inside = frozenset(main.iterdescendants()) if main is not None else frozenset()
    doomed: list[tuple[HtmlElement, str]] = []
    named: list[tuple[HtmlElement, str]] = []
    kept_markup: set[tuple[str, str]] = set()
    # Elements named chrome by their tag or class/id, children first, as in ``chars``.
    for el, reason, by_tag, cls in scan.chrome:
        if el in protected:
            continue
        if not by_tag:
            # (an element without text holds none: most named ones, asked without a call)
            if chars.get(el, 0) and _holds_article_text(
                el, reason, chars, links, main, main_text, inside
            ):
                removed[KEPT_BY_EVIDENCE] += 1
                kept_markup.add((el.tag, cls or ""))
                continue
            named.append((el, reason))
            continue
        if chars[el] <= total * MAX_SHARE_REMOVED:
            doomed.append((el, reason))
    for el, reason in named:
        # The same markup as a paragraph kept above, a sentence too: a short paragraph of it.
        if (
            kept_markup
            and (el.tag, el.get("class") or "") in kept_markup
            and _short_paragraph(el, chars, links)
        ):
            removed[KEPT_BY_EVIDENCE] += 1
        elif chars[el] <= total * MAX_SHARE_REMOVED:
            doomed.append((el, reason))
    # The order of ``doomed`` does not matter: an element goes unless an ancestor is doomed.
    doomed.extend(
        (el, TEASER_LINK_REASON)
        for el in _link_only_paragraphs(body, chars, None if scan.nested_links else links)
    )
    doomed.extend((el, TEASER_LIST_REASON) for el in _teaser_lists(body, chars))
    doomed.extend((el, CAPTION_REASON) for el in _image_captions(body, chars))
    doomed.extend((el, FURNITURE_REASON) for el in _headline_furniture(body, chars))
    doomed.extend(
        (el, LABEL_BAR_REASON) for el in label_bars(body, chars, controls, scan.clickable)
    )
    for xpath in extra_xpaths or []:
        doomed.extend((el, "site hint") for el in tree.xpath(xpath))
    doomed_set = {el for el, _ in doomed}
    # Whether an element or one of its ancestors is doomed, remembered along each path up:
    # nested chrome (a named list in a named bar) walked each ancestor chain to the root.
    covered: dict[HtmlElement, bool] = {}
    for el, reason in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        # The memo answers most (siblings share a parent) without a call.
        hit = covered.get(parent)
        if hit is None:
            hit = _covered(parent, doomed_set, covered)
        if not hit:
            _drop(el)
            removed[reason] += 1
    return removed


def _covered(el: HtmlElement, doomed: set[HtmlElement], memo: dict[HtmlElement, bool]) -> bool:
    """``el`` or one of its ancestors is in ``doomed``; every element passed is memoised."""
    path = []
    node: HtmlElement | None = el
    while node is not None and node not in memo:
        path.append(node)
        if node in doomed:
            result = True
            break
        node = node.getparent()
    else:
        result = memo[node] if node is not None else False
    for passed in path:
        memo[passed] = result
    return result


# Counted (not a removal): a container whose class/id names chrome, kept because its
# structure says it holds the article's text.
KEPT_BY_EVIDENCE = "kept: a chrome name on a container that holds article text"
# Inside the main block, a named element with less than this share of link text that reads
# as prose (or is a section heading) is the article's own.
INSIDE_LINK_SHARE = 0.25
# Outside the main block, a named element is kept only when it holds prose with almost no
# links amounting to this share of the main block's own text: the article's other part.
OUTSIDE_LINK_SHARE = 0.2
OUTSIDE_TEXT_SHARE = 0.5
# Beside the main block, a container with a picture is kept only with this much text.
CAPTION_MAX_PROSE = 300
# Prose: at least this many characters of non-link text with a sentence mark in them.
PROSE_MIN_CHARS = 60
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
# A sentence's end: a full stop before a space or the end (not inside a URL or a number).
_SENTENCE_MARK = re.compile(r"[.!?][\"'”’)]?(?:\s|$)|[。！？]")


def _holds_article_text(
    el: HtmlElement,
    reason: str,
    chars: dict[HtmlElement, int],
    links: dict[HtmlElement, int],
    main: HtmlElement | None,
    main_text: int,
    inside: frozenset[HtmlElement],
) -> bool:
    """Whether structure outvotes a chrome name: the element holds the article's own text.

    A class/id name is one weak signal: portals call article wrappers "editor", "sidebar"
    or "share" layouts. Inside the main block, prose with few links and section headings
    stay; outside it, only prose with almost no links amounting to a large share of the main
    block's text or standing right beside it (the article split over containers). Reader comments are prose too:
    outside the main block their name is trusted.
    """
    n = chars.get(el, 0)
    if not n:
        return False
    link_share = links[el] / n
    if el in inside:
        if link_share >= INSIDE_LINK_SHARE:
            return False
        return el.tag in _HEADINGS or _is_prose(el, n - links[el])
    if reason == COMMENT_REASON or link_share >= OUTSIDE_LINK_SHARE:
        return False
    own = n - links[el]
    if not _is_prose(el, own):
        return False
    if own >= OUTSIDE_TEXT_SHARE * main_text:
        return True
    # A picture's holder beside the article holds its caption, not a paragraph: with a
    # picture, only more text than a caption has counts.
    return _next_to(el, main) and (
        own >= CAPTION_MAX_PROSE or next(el.iter("img", "picture", "video", "figure"), None) is None
    )


# Two elements are neighbours when their nearest common ancestor is at most this many levels
# above each: a paragraph's wrapper beside the main block's, not a sidebar column.
NEIGHBOUR_LEVELS = 2


def _next_to(el: HtmlElement, main: HtmlElement | None) -> bool:
    """``el`` stands beside the main block: a sibling of it or of its parent, or their child."""
    if main is None:
        return False
    near_main = [main, *list(main.iterancestors())[:NEIGHBOUR_LEVELS]]
    up = el
    for _ in range(NEIGHBOUR_LEVELS):
        up = up.getparent()
        if up is None:
            return False
        if any(up is a for a in near_main[1:]):
            return True
    return False


def _short_paragraph(
    el: HtmlElement, chars: dict[HtmlElement, int], links: dict[HtmlElement, int]
) -> bool:
    n = chars.get(el, 0)
    return (
        n > 0
        and links[el] < INSIDE_LINK_SHARE * n
        and any(_SENTENCE_MARK.search(t) for t in _visible_texts(el))
    )


def _is_prose(el: HtmlElement, own_chars: int) -> bool:
    """Non-link text long enough for a sentence (a CJK character counts twice), ending one."""
    if own_chars < PROSE_MIN_CHARS / 2:
        return False
    texts = _visible_texts(el)
    if own_chars < PROSE_MIN_CHARS and own_chars + len(_CJK.findall("".join(texts))) < (
        PROSE_MIN_CHARS
    ):
        return False
    return any(_SENTENCE_MARK.search(t) for t in texts)


def _visible_texts(el: HtmlElement) -> list[str]:
    """``el``'s text nodes outside script, style and noscript, in document order.

    The XPath's test climbs every text node's ancestors to the root; most elements have no
    such element in them or above them, and then all their text nodes are the answer (two
    tag-filtered walks in C tell).
    """
    if (
        next(el.iter(*_HIDDEN_TEXT), None) is None
        and next(el.iterancestors(*_HIDDEN_TEXT), None) is None
    ):
        return _ALL_TEXTS(el)  # type: ignore[no-any-return]
    return _VISIBLE_TEXTS(el)  # type: ignore[no-any-return]


_HIDDEN_TEXT = ("script", "style", "noscript")
# Plain strings (no smart strings: nothing asks a text for its parent).
_VISIBLE_TEXTS = lxml.etree.XPath(
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]",
    smart_strings=False,
)
_ALL_TEXTS = lxml.etree.XPath(".//text()", smart_strings=False)


def _token_reason(cls: str | None, ident: str | None) -> str | None:
    """The chrome reason a class/id pair names, if any."""
    return _names(cls, ident)[1]


_ASCII_UPPER = re.compile("[A-Z]")
# A camelCase boundary (a space put there splits it; a literal replacement, no template).
_CAMEL = re.compile("(?<=[a-z])(?=[A-Z])")
_CHROME_TOKEN_SET = frozenset(CHROME_TOKENS)
_NAMED_TOKENS = _CHROME_TOKEN_SET.union(BYLINE_TOKENS)


@lru_cache(maxsize=8192)
def _names(cls: str | None, ident: str | None) -> tuple[bool, str | None]:
    """What a class/id pair names: a byline (``people.names_byline``), and chrome (the
    reason of its least token in ``CHROME_TOKENS``); one cached call per element of the
    page scan.

    The tokens are ``classnames.tokens_of``'s, cut with str methods (its regex split costs
    twice this on a pair met for the first time, most of a page's pairs): a space at each
    camelCase boundary, then the separators, lower-cased.
    """
    raw = f"{cls or ''} {ident or ''}"
    low = raw.lower()
    if low != raw and _ASCII_UPPER.search(raw):
        low = _CAMEL.sub(" ", raw).lower()
    tokens = low.replace("_", " ").replace("-", " ").split()
    # Most pairs name nothing: one disjointness test (with the union of the byline and
    # chrome tokens) tells, with no set built.
    if _NAMED_TOKENS.isdisjoint(tokens):
        return _NAMES_NOTHING
    # Without a byline token among them no pair names a byline; with one, the rule decides.
    if BYLINE_TOKENS.isdisjoint(tokens):
        return False, CHROME_TOKENS[min(_CHROME_TOKEN_SET.intersection(tokens))]
    hits = _CHROME_TOKEN_SET.intersection(tokens)
    return names_byline(cls, ident), CHROME_TOKENS[min(hits)] if hits else None


_NAMES_NOTHING = (False, None)


@dataclass
class PageScan:
    """What chrome pruning and the byline markup read of every element, from one walk of the
    page before anything is pruned (it was three walks and an XPath over every element).

    ``chars``, ``links``, ``controls``, ``clickable`` and ``nested_links`` are ``measure``'s, over the body; ``chrome`` lists
    the body's elements named chrome, by their tag (``by_tag``) or class/id, as (element,
    reason, by_tag, class), children first; ``h1s`` the body's h1 elements; ``marked`` and ``bylines`` are
    ``people.byline_markup``'s lists over the whole tree, in document order. ``densest`` is
    the body's densest text block (``_protected``'s test: the most text of its own and in
    its ``<p>`` children, the first in document order of the longest), ``densest_len`` that
    length; None and 0 when no block has text.
    """

    body: HtmlElement | None
    chars: dict[HtmlElement, int] = field(default_factory=dict)
    links: dict[HtmlElement, int] = field(default_factory=dict)
    controls: dict[HtmlElement, int] = field(default_factory=dict)
    clickable: set[HtmlElement] = field(default_factory=set)
    nested_links: bool = False
    chrome: list[tuple[HtmlElement, str, bool, str | None]] = field(default_factory=list)
    h1s: list[HtmlElement] = field(default_factory=list)
    marked: list[HtmlElement] = field(default_factory=list)
    bylines: list[HtmlElement] = field(default_factory=list)
    densest: HtmlElement | None = None
    densest_len: int = 0


def scan_page(tree: HtmlElement) -> PageScan:
    """The page's ``PageScan``: the body in one walk, the rest (head) for bylines only."""
    body = tree.find("body")
    scan = PageScan(body)
    if body is None:
        byline_markup(tree.iter(), scan.marked, scan.bylines)
        return scan
    marked: list[HtmlElement] = []
    bylines: list[HtmlElement] = []
    (
        scan.chars,
        scan.links,
        scan.controls,
        scan.clickable,
        scan.nested_links,
        scan.densest,
        scan.densest_len,
    ) = measure(body, scan.chrome, marked, bylines, scan.h1s)
    # Document order: the root, then its children, the body's lists (gathered children
    # first) in its place.
    byline_markup((tree,), scan.marked, scan.bylines)
    for child in tree:
        if child is body:
            scan.marked.extend(reversed(marked))
            scan.bylines.extend(reversed(bylines))
        else:
            byline_markup(child.iter(), scan.marked, scan.bylines)
    return scan


def measure(
    root: HtmlElement,
    chrome: list[tuple[HtmlElement, str, bool, str | None]],
    marked: list[HtmlElement],
    bylines: list[HtmlElement],
    h1s: list[HtmlElement],
) -> tuple[
    dict[HtmlElement, int],
    dict[HtmlElement, int],
    dict[HtmlElement, int],
    set[HtmlElement],
    bool,
    HtmlElement | None,
    int,
]:
    """Per element of ``root`` (itself included), in one bottom-up pass: its text length
    (``len(_text(el))``, script and style left out), the length of its link text, and how
    many controls (links, buttons, clickable elements) it holds, a control inside a control
    counted once; the controls themselves (``_is_control``); and whether a link holds a
    control (then a link text length holds the lengths of links inside it). In the same pass, added to the lists: the elements named chrome
    (``PageScan.chrome``), the byline markup (``people.byline_markup``) and the h1 elements, children first.
    Last, the densest text block under ``root`` and its length (``PageScan.densest``).

    Keys run children before parents (reverse document order). Holding the proxies also
    keeps them identical for the caller's sets and dicts.
    """
    chars: dict[HtmlElement, int] = {}
    links: dict[HtmlElement, int] = {}
    controls: dict[HtmlElement, int] = {}
    clickable: set[HtmlElement] = set()
    nested_links = False
    class_names: dict[str | None, tuple[bool, str | None]] = {}
    # The densest text block (``_protected``'s test): its own text and its paragraphs'.
    in_paragraphs: dict[HtmlElement, int] = {}
    densest: HtmlElement | None = None
    densest_len = 0
    # Once per element of the page, so the counts are inlined: "".join(t.split()) drops all
    # space.
    for el in reversed(list(root.iter())):
        tag = el.tag
        if not isinstance(tag, str):
            chars[el] = 0
            links[el] = sum(links[child] for child in el)
            controls[el] = sum(controls[child] for child in el)
            continue
        # Attribute names, listed once: most elements have a class or none at all, few have
        # an id, and only a few the rarer names asked about below (each ``get`` costs more
        # than a test on the list). An element without attributes (one in six) names
        # nothing: only its tag is asked.
        keys = el.keys()
        if keys:
            cls = el.get("class") if "class" in keys else None
            ident = el.get("id") if "id" in keys else None
            rare = not _RARE_NAMES.isdisjoint(keys)
            if rare and (el.get("rel") == "author" or el.get("itemprop") == "author"):
                marked.append(el)
            if cls or ident:
                # Most named elements have a class and no id, and a page repeats its
                # classes: a dict of the page's classes answers before the cache's call.
                if ident is None:
                    named = class_names.get(cls)
                    if named is None:
                        named = class_names[cls] = _names(cls, None)
                else:
                    named = _names(cls, ident)
                # (most names name nothing: one identity test tells)
                if named is not _NAMES_NOTHING:
                    byline, token_reason = named
                    if byline:
                        bylines.append(el)
                    # A chrome tag outranks the name's reason (added below).
                    if token_reason and tag not in CHROME_TAGS:
                        chrome.append((el, token_reason, False, cls))
        else:
            cls = None
            rare = False
        if tag in CHROME_TAGS:
            chrome.append((el, CHROME_TAGS[tag], True, cls))
        if tag in _INVISIBLE:
            # script and style text is not page text; the tail is the parent's
            chars[el] = 0
            links[el] = sum(links[child] for child in el)
            if _is_control(el):
                clickable.add(el)
                controls[el] = 1
            else:
                controls[el] = sum(controls[child] for child in el)
            continue
        text = el.text
        # Most texts and tails are indentation: isspace() tells without splitting them.
        n = len("".join(text.split())) if text and not text.isspace() else 0
        linked = held = 0
        # About half the elements are leaves: len() tells without an iterator.
        if len(el):
            # (a slice lists the children in C, cheaper than the iterator)
            for child in el[:]:
                n += chars[child]
                linked += links[child]
                held += controls[child]
                tail = child.tail
                if tail and not tail.isspace():
                    n += len("".join(tail.split()))
        chars[el] = n
        if tag in _BLOCKS:
            # Its paragraph children came before it; in reverse document order the last of
            # the longest is the first in document order, as ``_protected`` asks.
            own = in_paragraphs.get(el, 0) + (len(text.strip()) if text else 0)
            if own and own >= densest_len:
                densest, densest_len = el, own
            if tag == "p":
                parent = el.getparent()
                if parent is not None:
                    in_paragraphs[parent] = in_paragraphs.get(parent, 0) + n
        elif tag == "h1":
            h1s.append(el)
        # _is_control, inlined: it runs once per element of the page.
        elif tag == "a":
            if held:
                nested_links = True
            links[el] = n
            controls[el] = 1
            clickable.add(el)
            continue
        links[el] = linked
        if tag == "button" or (
            rare and (el.get("onclick") or (tag != "img" and el.get("role") == "button"))
        ):
            controls[el] = 1
            clickable.add(el)
        else:
            controls[el] = held
    return chars, links, controls, clickable, nested_links, densest, densest_len


_INVISIBLE = {"script", "style", "noscript", "template"}
# The tags a text block (``_protected``) may have.
_BLOCKS = frozenset(("p", "div", "article", "section", "td"))
# The attributes ``measure`` reads besides class and id (byline markup, controls).
_RARE_NAMES = frozenset(("rel", "itemprop", "onclick", "role"))


def _chars(el: HtmlElement, chars: dict[HtmlElement, int]) -> int:
    """Measured length, or measured now for an element outside the map (not under body)."""
    n = chars.get(el)
    return len(_text(el)) if n is None else n


TEASER_LINK_REASON = "a paragraph that is one link is a teaser for another story"
# Paragraphs at least this long whose text is (almost) all link text are teasers.
TEASER_MIN_CHARS = 20
TEASER_LINK_SHARE = 0.9


def _link_only_paragraphs(
    body: HtmlElement, chars: dict[HtmlElement, int], links: dict[HtmlElement, int] | None
) -> list[HtmlElement]:
    """Paragraphs and list items whose whole text is a link: headlines of other stories.
    The text of each link inside them counts; ``links`` (``measure``'s) holds that sum when
    no link holds another (else None)."""
    found = []
    for el in body.iter("p", "li"):
        text = chars[el]
        if text < TEASER_MIN_CHARS:
            continue
        linked = links[el] if links is not None else sum(chars[a] for a in el.iter("a"))
        if linked >= TEASER_LINK_SHARE * text:
            found.append(el)
    return found


TEASER_LIST_REASON = "a list of headline links with a teaser sentence each is other stories"
# A list is a teaser list when at least this many items, and this share of them, open with a
# headline-length link.
TEASER_LIST_ITEMS = 3
TEASER_LIST_SHARE = 0.8
TEASER_HEADLINE_CHARS = 15
# ...or whose text is mostly that link ("<b>Topic:</b> <a>headline</a>").
TEASER_ITEM_LINK_SHARE = 0.6


def _teaser_lists(body: HtmlElement, chars: dict[HtmlElement, int]) -> list[HtmlElement]:
    """Lists whose items each lead with a headline link: other stories and their teasers."""
    found = []
    for lst in body.iter("ul", "ol"):
        # (a list with fewer children has fewer items: its children go unlisted)
        if len(lst) < TEASER_LIST_ITEMS:
            continue
        items = [li for li in lst if li.tag == "li"]
        if len(items) < TEASER_LIST_ITEMS:
            continue
        need = TEASER_LIST_SHARE * len(items)
        headed = missed = 0
        for li in items:
            # The item's first link with text.
            first = None
            for link in li.iter("a"):
                if chars[link]:
                    first = link
                    break
            if (
                first is not None
                and chars[first] >= TEASER_HEADLINE_CHARS
                and (
                    chars[first] >= TEASER_ITEM_LINK_SHARE * chars[li]
                    or _text(li).startswith(_text(first))
                )
            ):
                headed += 1
            else:
                missed += 1
                # The share is out of reach: the other items go unread.
                if len(items) - missed < need:
                    break
        if headed >= need:
            found.append(lst)
    return found


CAPTION_REASON = "a short line right under a picture is its caption, not body text"
# Longest caption taken from its position alone (characters without spaces).
CAPTION_MAX_CHARS = 60
# Only text set apart from the body (centred, small, a font colour): a plain short paragraph
# after a picture is often body text (it cost .005 F1 on the English benchmark).
CAPTION_TAGS = {"center", "font", "small", "em", "i", "span"}


def _image_captions(body: HtmlElement, chars: dict[HtmlElement, int]) -> list[HtmlElement]:
    """Short text blocks whose previous sibling is a picture holder with no text of its own."""
    found = []
    for img in body.iter("img"):
        block = img.getparent()
        alt = _squash(img.get("alt") or img.get("title") or "")
        if (
            block is not None
            and len(alt) >= 4
            and block.tag != "body"
            and chars[block] == len(alt)
            and _text(block) == alt
        ):
            found.append(block)  # the block's only text repeats its picture's alt text
            continue
        holder = img
        parent = block
        while parent is not None:
            n = chars.get(parent)
            if n is None:  # (outside the body: measured now)
                n = len(_text(parent))
            if n:
                break
            holder, parent = parent, parent.getparent()
        if (holder.tail or "").strip():
            continue
        caption = holder.getnext()
        if caption is None or not isinstance(caption.tag, str) or caption.tag in ("br", "img"):
            continue
        styled = (
            caption.tag in CAPTION_TAGS
            or caption.get("align") == "center"
            or "text-align:center" in (caption.get("style") or "").replace(" ", "").lower()
        )
        length = _chars(caption, chars)
        if (
            styled
            and 0 < length <= CAPTION_MAX_CHARS
            and next(caption.iter("a", "img"), None) is None
        ):
            found.append(caption)
    return found


FURNITURE_REASON = "a kicker above or a deck below the headline is headline furniture, not body"
# Longest kicker/deck heading taken from its position next to the h1 (characters, no spaces).
FURNITURE_MAX_CHARS = 40


def _headline_furniture(body: HtmlElement, chars: dict[HtmlElement, int]) -> list[HtmlElement]:
    """Short headings standing right before or after the page's h1."""
    found = []
    for h1 in body.iter("h1"):
        for step in (h1.getprevious, h1.getnext):
            sibling = step()
            while sibling is not None and isinstance(sibling.tag, str) and not chars[sibling]:
                sibling = sibling.getprevious() if step == h1.getprevious else sibling.getnext()
            if (
                sibling is not None
                and sibling.tag in ("h2", "h3", "h4", "h5", "h6")
                and chars[sibling] <= FURNITURE_MAX_CHARS
            ):
                found.append(sibling)
        break
    return found


def _squash(text: str) -> str:
    # str.split() splits at exactly what re's \s matches: this is re.sub(r"\s+", "", text).
    return "".join(text.split())


def _protected(tree: HtmlElement, scan: PageScan) -> tuple[set[HtmlElement], HtmlElement | None]:
    """The headline and the ancestors of the densest text block are never removed; the
    second value is that block (the main block), or None.

    The densest block is the first in document order of those with the most text of their
    own and in their ``<p>`` children. ``scan`` found the body's h1 elements and its densest
    block in its walk; the few elements outside the body (the head, rarely more) are read
    here, in document order around the body's answer.
    """
    body = scan.body
    keep: set[HtmlElement] = set()
    others = [child for child in tree if child is not body]
    outside = [h1 for child in others for h1 in child.iter("h1")]
    if tree.tag == "h1":
        outside.append(tree)
    for h1 in (*scan.h1s, *outside):
        keep.add(h1)
        keep.update(h1.iterancestors())
    # Text in <p> children outside the body, tallied per parent (a <p> in the body has its
    # parent there).
    in_paragraphs: dict[HtmlElement, int] = {}
    for child in others:
        for p in child.iter("p"):
            parent = p.getparent()
            if parent is not None:
                in_paragraphs[parent] = in_paragraphs.get(parent, 0) + len(_text(p))
    best, best_len = None, 0
    for part in (tree, *tree):
        if part is body:
            if scan.densest_len > best_len:
                best, best_len = scan.densest, scan.densest_len
            continue
        # (the root alone: its children are parts of their own)
        blocks = [part] if part is tree else part.iter(*_BLOCKS)
        for el in blocks:
            if el.tag not in _BLOCKS:
                continue
            text = el.text
            own = in_paragraphs.get(el, 0) + (len(text.strip()) if text else 0)
            if own > best_len:
                best, best_len = el, own
    if best is not None:
        keep.add(best)
        keep.update(best.iterancestors())
    return keep, best


def _drop(el: HtmlElement) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    el.drop_tree()


def _text(el: HtmlElement) -> str:
    return "".join((el.text_content() or "").split())


# Tags a table cell holds when the table lays out a page rather than tabulating data.
_LAYOUT_CHILDREN = {"table", "div", "p", "ul", "ol", "h1", "h2", "h3", "form", "iframe"}
# A cell with this much text is prose, not a datum.
LAYOUT_CELL_CHARS = 200
# A table whose text is mostly links is a navigation grid, not data.
LAYOUT_LINK_SHARE = 0.5


def flatten_layout_tables(tree: HtmlElement) -> int:
    """Turn layout tables into divs so extractors judge their cells as blocks, not data rows.

    Old portals lay whole pages out in nested tables; extractors then keep the table whole,
    navigation cells included, rendered as ``| cell | cell |`` rows. A table is layout when a
    cell holds block elements or a paragraph's worth of text; data tables are left alone.
    """
    layout = {t for t in tree.iter("table") if _is_layout(t)}
    if not layout:
        return 0
    parts = list(tree.iter("tbody", "thead", "tfoot", "tr", "td", "th"))
    for el in parts:
        if next(el.iterancestors("table"), None) in layout:
            el.tag = "div"
    for table in layout:
        table.tag = "div"
    return len(layout)


def _is_layout(table: HtmlElement) -> bool:
    text = len(_text(table))
    links = sum(len(_text(a)) for a in table.iter("a"))
    if text and links >= LAYOUT_LINK_SHARE * text:
        return True
    for cell in table.iterdescendants("td", "th"):
        if any(isinstance(c.tag, str) and c.tag in _LAYOUT_CHILDREN for c in cell):
            return True
        if len(_text(cell)) >= LAYOUT_CELL_CHARS:
            return True
    return False


LABEL_BAR_REASON = "a run of short link/button labels is a share or tool bar, not text"
# A bar's controls: at least this many (two after a lead-in such as "分享到:" or "Share this").
BAR_MIN_CONTROLS = 3
# A control's label: at most this many characters (no spaces) and words, no sentence marks.
LABEL_MAX_CHARS = 20
LABEL_MAX_WORDS = 3
# A lead-in before the first control: at most this many characters, no digits.
LEAD_IN_MAX_CHARS = 20
# Plain text between controls ("|", "or", "和"): at most this share of the bar's text.
BAR_PLAIN_SHARE = 0.25
BAR_MAX_CHARS = 200
_LABEL_MARKS = re.compile(r"[.!?。！？,，;；]")
_ONLY_PUNCT = re.compile(r"^[\W_]*$")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")
_UNIT_SKIP = {"script", "style", "noscript", "template"}


def label_bars(
    body: HtmlElement,
    chars: dict[HtmlElement, int],
    controls: dict[HtmlElement, int],
    clickable: AbstractSet[HtmlElement],
) -> list[HtmlElement]:
    """Share and tool bars by shape: the largest elements that are a run of short labels,
    mostly links, buttons or icons, with at most a short lead-in; no sentence in them.

    Share bars come in every markup (ul/li, bare links, spans with click handlers, buttons,
    icons with alt text) and under any class name, so the shape decides, not the name.
    ``clickable`` holds the body's controls (``_is_control``), as ``measure`` found them.
    """
    found: list[HtmlElement] = []
    # An element's units, read once: the walk tests nested wrappers of one bar at each level.
    memo: dict[HtmlElement, list[tuple[str, bool]] | None] = {}
    stack = [body]
    while stack:
        el = stack.pop()
        n = chars.get(el, 0)
        if el is not body and 0 < n <= BAR_MAX_CHARS and _is_label_bar(el, chars, clickable, memo):
            found.append(el)
            continue
        # The children and their control counts, read once for the runs and the walk (a
        # slice lists them in C).
        children = el[:]
        held = [controls.get(c, 0) for c in children]
        run = _sibling_bar(children, held, chars, clickable, memo)
        found.extend(run)
        # Only a subtree with two controls or more can hold a bar.
        for c, h in zip(reversed(children), reversed(held), strict=True):
            if h >= BAR_MIN_CONTROLS - 1 and chars.get(c, 0) and c not in run:
                stack.append(c)
    return found


def _sibling_bar(
    children: list[HtmlElement],
    held: list[int],
    chars: dict[HtmlElement, int],
    clickable: AbstractSet[HtmlElement],
    memo: dict[HtmlElement, list[tuple[str, bool]] | None],
) -> list[HtmlElement]:
    """Runs of sibling elements (``children``, holding ``held`` controls each) that are each
    one short control (``<p><a>微信</a></p>``, ``<div><a>Facebook</a></div>``...), after an
    optional lead-in sibling ("分享到：").

    A run's controls each hold one control, and a run has two of them at least (after a
    lead-in; three without): only a streak of two or more such siblings, and the sibling
    just before it (a lead-in), can be part of one. The labels of the other siblings go
    unread: whatever they are, each closes a run too short to count.
    """
    # Most wrappers the walk passes through have no two such siblings in a row.
    if held.count(1) < BAR_MIN_CONTROLS - 1:
        return []
    # Which siblings may belong to a run: those in a streak, and the one before it.
    may = [False] * (len(children) + 1)
    streak = False
    for i in range(1, len(held)):
        if held[i] == 1 and held[i - 1] == 1:
            streak = may[i] = may[i - 1] = True
            if i >= 2:
                may[i - 2] = True
    if not streak:
        return []
    found: list[HtmlElement] = []
    run: list[HtmlElement] = []
    lead = False
    for i, child in enumerate([*children, None]):
        kind = None
        if may[i] and child is not None and isinstance(child.tag, str):
            h = held[i]
            # Bare links in a row are a container's business (``_is_label_bar``): a footer
            # row of links beside other text is not a bar of its own, so a control joins a
            # run only after a lead-in.
            if (h == 1 or (h == 0 and chars.get(child, 0) <= LEAD_IN_MAX_CHARS)) and (
                lead or child not in clickable
            ):
                tail = (child.tail or "").strip()
                # Text between the siblings: a sentence runs through them.
                if not tail or (_ONLY_PUNCT.match(tail) and not _SENTENCE_MARK.search(tail + " ")):
                    kind = _label_kind(child, chars, clickable, memo)
        if kind == "control":
            run.append(child)
            continue
        count = len(run) - lead
        if count >= BAR_MIN_CONTROLS or (lead and count >= BAR_MIN_CONTROLS - 1):
            found.extend(run)
        run, lead = [], False
        if kind == "lead":
            run, lead = [child], True
    return found


def _label_kind(
    el: HtmlElement,
    chars: dict[HtmlElement, int],
    clickable: AbstractSet[HtmlElement],
    memo: dict[HtmlElement, list[tuple[str, bool]] | None],
) -> str | None:
    """ "control" for an element that is one short link/button label, "lead" for a short
    lead-in ending in a colon, else None."""
    if not isinstance(el.tag, str) or chars.get(el, 0) > LABEL_MAX_CHARS * 2:
        return None
    if el in clickable:
        return _unit_kind(_control_label(el), True)
    units = _label_units(el, chars, clickable, memo)
    if units is None or len(units) != 1:
        return None
    return _unit_kind(*units[0])


@lru_cache(maxsize=4096)
def _unit_kind(label: str, control: bool) -> str | None:
    """``_label_kind`` of an element whose one unit is (``label``, ``control``); cached, as
    pages repeat their labels ("Facebook", "分享到：") and sibling runs read each one."""
    if _LABEL_MARKS.search(label) or len(label.split()) > LABEL_MAX_WORDS:
        return None
    if control and _label_len(label) <= LABEL_MAX_CHARS and _LETTER.search(label):
        return "control"
    if (
        not control
        and label.rstrip().endswith((":", "："))
        and len(_squash(label)) <= LEAD_IN_MAX_CHARS
        and not _DIGIT.search(label)
    ):
        return "lead"
    return None


def _is_label_bar(
    el: HtmlElement,
    chars: dict[HtmlElement, int],
    clickable: AbstractSet[HtmlElement],
    memo: dict[HtmlElement, list[tuple[str, bool]] | None],
) -> bool:
    units = _label_units(el, chars, clickable, memo)
    if units is None:
        return False
    controls = [label for label, control in units if control]
    if len(controls) < BAR_MIN_CONTROLS - 1:
        return False
    lead_in = ""
    if units and not units[0][1]:
        lead_in = units[0][0]
        units = units[1:]
        if len(_squash(lead_in)) > LEAD_IN_MAX_CHARS or _DIGIT.search(lead_in):
            return False
    if len(controls) < BAR_MIN_CONTROLS and not lead_in:
        return False
    labels = 0
    for label in controls:
        size = _control_size(label)
        if size < 0:
            return False
        labels += size
    plain = "".join(_squash(label) for label, control in units if not control)
    return (
        bool(labels)
        and not _DIGIT.search(plain)
        and len(plain) <= BAR_PLAIN_SHARE * (labels + len(plain))
    )


_CJK = re.compile(f"[{CJK_COMMON}]")


@lru_cache(maxsize=4096)
def _control_size(label: str) -> int:
    """A bar control's label length without spaces, or -1 when it is too long, has too many
    words or a sentence mark for one. The walk tests a bar's nested wrappers one by one, with
    the same labels each time (and pages repeat "Facebook", "分享到"): cached."""
    if (
        _label_len(label) > LABEL_MAX_CHARS
        or len(label.split()) > LABEL_MAX_WORDS
        or _LABEL_MARKS.search(label)
    ):
        return -1
    return len(_squash(label))


def _label_len(label: str) -> int:
    """Characters without spaces, a CJK character counted twice (分享到微信朋友圈 is a label,
    a twelve-character Chinese headline is not)."""
    squashed = _squash(label)
    return len(squashed) + len(_CJK.findall(squashed))


def _label_units(
    el: HtmlElement,
    chars: dict[HtmlElement, int],
    clickable: AbstractSet[HtmlElement],
    memo: dict[HtmlElement, list[tuple[str, bool]] | None],
) -> list[tuple[str, bool]] | None:
    """``el``'s text as (label, is-control) units: a link, button or clickable element is
    one control (its text, or its icon's alt/title/aria-label); other text is plain.
    None as soon as a unit is too long for any bar, a control's label included (the walk
    stops there). Each element's
    units are read once per page (``memo``); the lists are shared, never changed."""
    if el in memo:
        return memo[el]
    units: list[tuple[str, bool]] | None
    units = []
    # Runs for every element under a candidate bar: most texts and tails are empty or
    # indentation, told apart here without a call to ``_plain``; ``_is_control`` is the
    # set ``clickable``.
    text = el.text
    if text and not text.isspace() and not _plain(text, units):
        units = None
    else:
        for child in el[:]:
            tag = child.tag
            if isinstance(tag, str) and tag not in _UNIT_SKIP:
                if child in clickable:
                    # A control too long or wordy for a bar's label: no element holding it
                    # is a bar (``_is_label_bar``) or one label (``_label_kind``). Its label
                    # has at least its measured text, so a long one goes unread.
                    if chars.get(child, 0) > LABEL_MAX_CHARS:
                        units = None
                        break
                    # Most controls are a link holding its label alone: read in place.
                    label = ""
                    if not len(child):
                        label_text = child.text
                        if label_text:
                            label = " ".join(label_text.split())
                    if not label:
                        label = _control_label(child)
                    if _control_size(label) < 0:
                        units = None
                        break
                    units.append((label, True))
                elif not len(child):
                    # A leaf's units are its text's: read here, not in a call of its own.
                    leaf_text = child.text
                    if leaf_text and not leaf_text.isspace() and not _plain(leaf_text, units):
                        units = None
                        break
                else:
                    inner = _label_units(child, chars, clickable, memo)
                    if inner is None:
                        units = None
                        break
                    units.extend(inner)
            tail = child.tail
            if tail and not tail.isspace() and not _plain(tail, units):
                units = None
                break
    memo[el] = units
    return units


def _plain(text: str | None, units: list[tuple[str, bool]]) -> bool:
    """Add a plain unit; False when it is a sentence or too long for a lead-in."""
    if not text or text.isspace():
        return True
    if _SENTENCE_MARK.search(text):
        return False
    if _ONLY_PUNCT.match(text):
        return True
    label = " ".join(text.split())
    units.append((label, False))
    return len(label) <= LEAD_IN_MAX_CHARS * 2


def _is_control(el: HtmlElement) -> bool:
    tag = el.tag
    if tag in ("a", "button"):
        return True
    if tag == "img":
        return bool(el.get("onclick"))
    return bool(el.get("onclick") or el.get("role") == "button")


def _control_label(el: HtmlElement) -> str:
    # A control with no child node (most links) has its text as its whole text content:
    # read without text_content()'s XPath evaluation.
    text = " ".join(((el.text or "") if not len(el) else el.text_content()).split())
    if text:
        return text
    for node in (el, *el.iter("img", "svg")):
        for name in ("alt", "title", "aria-label"):
            value = node.get(name)
            if value and value.strip():
                return " ".join(value.split())
    return ""

"""DOM-level chrome removal, before the page-level extractor runs.

Structure says more than text here: a container whose class/id names a share bar or a
related list, or a list of links with teaser sentences, is removed as a whole.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import lxml.etree
from lxml.html import HtmlElement

from pipelines.cleaning.rules import CHROME_TAGS, CHROME_TOKENS

_TOKEN_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
# A container holding more than this share of the page's text is never removed by a token
# match: a wrapper named "main-share-layout" around the whole article must survive.
MAX_SHARE_REMOVED = 0.35


def element_tokens(el: HtmlElement) -> frozenset[str]:
    """Lower-case tokens of an element's class and id."""
    cls, ident = el.get("class"), el.get("id")
    if not cls and not ident:
        return _NO_TOKENS
    return _tokens(f"{cls or ''} {ident or ''}")


_NO_TOKENS: frozenset[str] = frozenset()


@lru_cache(maxsize=8192)
def _tokens(raw: str) -> frozenset[str]:
    """Class strings repeat across a page and a site: split each one once per worker."""
    return frozenset(t.lower() for t in _TOKEN_SPLIT.split(raw) if t)


# Elements that can be chrome: a chrome tag, or a class/id to match tokens against. Selected in
# C, in document order, so most of a page's elements never become Python objects.
_chrome_candidates = lxml.etree.XPath(
    "descendant-or-self::*[@class or @id or "
    + " or ".join(f"self::{tag}" for tag in sorted(CHROME_TAGS))
    + "]"
)


def prune_chrome(tree: HtmlElement, extra_xpaths: list[str] | None = None) -> Counter[str]:
    """Remove chrome containers in place; returns the reasons and how often each applied."""
    removed: Counter[str] = Counter()
    body = tree.find("body")
    if body is None:
        return removed
    total = len(_text(body)) or 1
    protected = _protected(tree)
    doomed: list[tuple[HtmlElement, str]] = []
    for el in _chrome_candidates(body):
        if el in protected:
            continue
        reason = CHROME_TAGS.get(el.tag)
        if reason is None:
            hits = element_tokens(el) & CHROME_TOKENS.keys()
            if hits:
                reason = CHROME_TOKENS[sorted(hits)[0]]
        if reason and len(_text(el)) <= total * MAX_SHARE_REMOVED:
            doomed.append((el, reason))
    for xpath in extra_xpaths or []:
        doomed.extend((el, "site hint") for el in tree.xpath(xpath))
    doomed_set = {el for el, _ in doomed}
    for el, reason in doomed:
        if el.getparent() is not None and not _has_doomed_ancestor(el, doomed_set):
            _drop(el)
            removed[reason] += 1
    return removed


def _protected(tree: HtmlElement) -> set[HtmlElement]:
    """The headline and the ancestors of the densest text block are never removed."""
    keep: set[HtmlElement] = set()
    for h1 in tree.iter("h1"):
        keep.add(h1)
        keep.update(h1.iterancestors())
    best, best_len = None, 0
    for el in tree.iter("p", "div", "article", "section", "td"):
        own = sum(len(_text(c)) for c in el if isinstance(c.tag, str) and c.tag == "p")
        own += len((el.text or "").strip())
        if own > best_len:
            best, best_len = el, own
    if best is not None:
        keep.add(best)
        keep.update(best.iterancestors())
    return keep


def _has_doomed_ancestor(el: HtmlElement, doomed: set[HtmlElement]) -> bool:
    return any(ancestor in doomed for ancestor in el.iterancestors())


def _drop(el: HtmlElement) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    el.drop_tree()


def _text(el: HtmlElement) -> str:
    return re.sub(r"\s+", "", el.text_content() or "")

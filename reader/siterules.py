"""Per-site extraction rules from the sites file: where a site's body, title, authors,
published date and next page are, and what to remove, for the pages the generic reader gets
wrong.

A rule is an XPath, or a CSS selector written ``css:SELECTOR``; ``compile_rules`` checks and
translates them when the sites file is loaded (a bad one is an error before any fetch), and
the reader (``read_page``) applies them through ``take_rules`` and ``RuledPage``:

- ``remove``: elements removed before anything reads the page;
- ``body``: the element(s) whose visible lines are the article's body (still cleaned by the
  shared line rules); where it matches nothing the reader's own choice stands;
- ``title``, ``authors``, ``published``: the field from the first (authors: every) match,
  text or attribute (``//meta[@name='author']/@content``); they override what the reader
  found, when they match;
- ``next_page``: links (``a/@href`` or the ``a`` elements) the crawl follows from the page,
  e.g. the pages of a listing a generic reader would not take for links.

Pure functions over an lxml tree; the rules travel to the reader's worker processes as
strings (``SiteRules`` pickles).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import lxml.etree
from lxml.html import HtmlElement

from reader import metadata as md
from reader import published as pub
from reader.mainblock import render_lines

RULE_KEYS = ("body", "remove", "title", "authors", "published", "next_page")
CSS_PREFIX = "css:"


class RuleError(ValueError):
    """A rule that is not a valid XPath or CSS selector."""


@dataclass(frozen=True)
class SiteRules:
    """A site's rules as XPath expressions (CSS already translated); empty means none."""

    body: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    next_page: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any(getattr(self, key) for key in RULE_KEYS)


def to_xpath(rule: str) -> str:
    """The rule as an XPath (``css:...`` translated); RuleError when it is not valid."""
    if rule.startswith(CSS_PREFIX):
        from cssselect import GenericTranslator, SelectorError

        selector = rule[len(CSS_PREFIX) :].strip()
        try:
            return str(GenericTranslator().css_to_xpath(selector))
        except SelectorError as exc:
            raise RuleError(f"bad CSS selector {selector!r}: {exc}") from None
    try:
        lxml.etree.XPath(rule)
    except lxml.etree.XPathSyntaxError as exc:
        raise RuleError(f"bad XPath {rule!r}: {exc}") from None
    return rule


def compile_rules(spec: dict[str, Any]) -> SiteRules:
    """``{"body": "...", "remove": [...], ...}`` from the sites file, checked. Raises
    RuleError (naming the key) for an unknown key, a value that is not a string or a list of
    strings, or an expression that does not compile."""
    unknown = sorted(set(spec) - set(RULE_KEYS))
    if unknown:
        raise RuleError(f"unknown rule {unknown[0]!r} (known: {', '.join(RULE_KEYS)})")
    compiled: dict[str, tuple[str, ...]] = {}
    for key, value in spec.items():
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(
            isinstance(v, str) and v.strip() for v in values
        ):
            raise RuleError(f"rule {key!r}: expected a string or a list of strings")
        try:
            compiled[key] = tuple(to_xpath(v.strip()) for v in values)
        except RuleError as exc:
            raise RuleError(f"rule {key!r}: {exc}") from None
    return SiteRules(**compiled)


def _select(tree: HtmlElement, expressions: tuple[str, ...]) -> list[Any]:
    """Matches of the first expression that matches anything (an XPath that fails on this
    page, e.g. a function given a wrong type, matches nothing)."""
    for expression in expressions:
        try:
            found = tree.xpath(expression)
        except lxml.etree.XPathError:
            continue
        found = found if isinstance(found, list) else [found]
        found = [f for f in found if f is not None and f != ""]
        if found:
            return found
    return []


def _text(match: Any) -> str:
    if isinstance(match, HtmlElement):
        return " ".join(match.text_content().split())
    return " ".join(str(match).split())


@dataclass
class RuledPage:
    """What a site's rules took from one page, before the reader reads it."""

    body_lines: list[str] = field(default_factory=list)
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    next_links: list[str] = field(default_factory=list)
    removed: int = 0

    def apply(self, fields: dict[str, Any], links: list[str], timezone: Any = None) -> None:
        """The rules' fields over the reader's, and the rules' links added to the page's."""
        if self.title:
            fields["title"] = self.title
        if self.authors:
            fields["authors"] = self.authors
        if self.published:
            published = pub.parse_structured(self.published, timezone)
            if published:
                fields["published"] = published
        # First: the worker may keep only the first links of a page (NEWS_MAX_LINKS_PER_PAGE).
        ahead = [link for link in dict.fromkeys(self.next_links) if link not in links]
        links[:0] = ahead


def take_rules(tree: HtmlElement, url: str, rules: SiteRules) -> RuledPage:
    """Remove what ``remove`` names, then take the body lines, fields and links the rules
    point at (in place on ``tree``: the reader then reads what is left)."""
    page = RuledPage()
    for element in _select_all(tree, rules.remove):
        parent = element.getparent()
        if parent is not None:
            element.drop_tree()
            page.removed += 1
    for match in _select(tree, rules.body):
        if isinstance(match, HtmlElement):
            page.body_lines.extend(render_lines(match))
    titles = [_text(m) for m in _select(tree, rules.title)]
    page.title = next((t for t in titles if t), None)
    names = [n for m in _select(tree, rules.authors) for n in md.split_names(_text(m))]
    page.authors = md.unique(names)
    dates = [_text(m) for m in _select(tree, rules.published)]
    page.published = next((d for d in dates if d), None)
    for match in _select(tree, rules.next_page):
        href = match.get("href") if isinstance(match, HtmlElement) else str(match)
        if href and href.strip():
            page.next_links.append(urljoin(url, href.strip()))
    return page


def _select_all(tree: HtmlElement, expressions: tuple[str, ...]) -> list[HtmlElement]:
    """Elements matched by every expression (``remove`` applies them all)."""
    found: list[HtmlElement] = []
    for expression in expressions:
        try:
            matches = tree.xpath(expression)
        except lxml.etree.XPathError:
            continue
        if isinstance(matches, list):
            found.extend(m for m in matches if isinstance(m, HtmlElement))
    return found

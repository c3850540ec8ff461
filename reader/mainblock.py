"""Main-block fallback: pick the article's container by text and link density.

The approach behind CETD and GNE: the body is the element holding the most text of its own
(text directly inside it or in its inline and paragraph children) with few links. It finds
a ``<br>``-separated Chinese body in one ``<div>`` that page-level extractors miss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
from lxml.html import HtmlElement

BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "header",
    "footer",
    "figure",
    "main",
    "hr",
    "center",
}
INLINE_TEXT_TAGS = {"p", "span", "font", "strong", "b", "em", "i", "u", "section", "blockquote"}
SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "title", "select", "option"}


@dataclass
class Block:
    """A candidate container with its own text and link measures."""

    element: HtmlElement
    own_chars: int
    link_chars: int
    punctuation: int

    @property
    def score(self) -> float:
        link_density = self.link_chars / (self.own_chars + self.link_chars or 1)
        return self.own_chars * (1 - link_density) * (1 + min(self.punctuation, 50) / 50)


def _clean_len(text: str | None) -> int:
    # "".join(t.split()) drops exactly what re's \s+ would, and faster.
    return len("".join(text.split())) if text and not text.isspace() else 0


_LINK_OR_INLINE = frozenset({"a", *INLINE_TEXT_TAGS})
# Sentence marks, counted as a sign of prose.
_MARKS = re.compile(r"[。！？.!?，,]")


def own_text_chars(el: HtmlElement) -> tuple[int, int, int]:
    """(own text, link text, sentence marks) of ``el``: its text, tails and paragraph children."""
    # Runs for every container of the page: ``_clean_len`` inlined, and a whitespace-only
    # text or tail (most are indentation) neither counted nor searched for marks. An element
    # without children (most links and paragraphs) has its text as its content: read without
    # text_content()'s XPath (tests/test_best_block.py holds it to the plain reading).
    text = el.text
    if text and not text.isspace():
        own = len("".join(text.split()))
        marks = len(_MARKS.findall(text))
    else:
        own = marks = 0
    links = 0
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        tail = child.tail
        if tail and not tail.isspace():
            own += len("".join(tail.split()))
            marks += len(_MARKS.findall(tail))
        if tag in _LINK_OR_INLINE:
            # A child without children of its own (most are) has its text as its content.
            content = child.text_content() if len(child) else child.text
            if tag == "a":
                links += _clean_len(content)
                continue
            if not content or content.isspace():
                continue  # its links' text is in it: nothing to count
            anchor = (
                sum(_clean_len(a.text_content() if len(a) else a.text) for a in child.iter("a"))
                if len(child)
                else 0
            )
            own += len("".join(content.split())) - anchor
            links += anchor
            marks += len(_MARKS.findall(content))
    return own, links, marks


def best_block(tree: HtmlElement) -> Block | None:
    """The container with the densest own text, or None for an empty page."""
    best: tuple[HtmlElement, int, int, int] | None = None
    best_score = 0.0
    for el in tree.iter("div", "article", "section", "td", "main", "center", "body"):
        own, links, marks = own_text_chars(el)
        if own == 0:
            continue
        # ``Block.score``, without a Block for every container (one is made for the best)
        score = own * (1 - links / (own + links or 1)) * (1 + min(marks, 50) / 50)
        if best is None or score > best_score:
            best, best_score = (el, own, links, marks), score
    return None if best is None else Block(*best)


def _line_breaks_stylesheet() -> lxml.etree.XSLT:
    """The page's line breaks as XSLT, run in C: a block element's text between line breaks, skipped
    elements (and comments, processing instructions) left out, every other text as is."""
    skip = "|".join(sorted(SKIP_TAGS))
    block = "|".join(sorted(BLOCK_TAGS))
    return lxml.etree.XSLT(
        lxml.etree.XML(
            '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
            '<xsl:output method="text" encoding="UTF-8"/>'
            f'<xsl:template match="{skip}"/>'
            '<xsl:template match="comment()|processing-instruction()"/>'
            f'<xsl:template match="{block}">'
            "<xsl:text>&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;</xsl:text>"
            "</xsl:template>"
            "</xsl:stylesheet>"
        )
    )


_LINE_BREAKS = _line_breaks_stylesheet()


def render_lines(el: HtmlElement) -> list[str]:
    """Visible text of ``el`` as lines: one per paragraph, list item or ``<br>`` break.

    The page's text with its breaks comes from ``_LINE_BREAKS``, at about half a Python
    walk's cost on a whole page (tests/test_render_lines.py holds it to the walk that spells
    the rule out); ``el``'s tail is its own.
    """
    if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
        rendered = el.tail or ""
    else:
        rendered = str(_LINE_BREAKS(el)) + (el.tail or "")
    # " ".join(line.split()) is the line with whitespace runs collapsed and its ends stripped;
    # most pieces between block breaks are empty or indentation, and skipped without a split.
    return [" ".join(line.split()) for line in rendered.split("\n") if line and not line.isspace()]

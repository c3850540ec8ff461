"""``reader.mainblock.render_lines``: the page's lines from the XSLT stylesheet are the lines
of the walk that defines them (``render_lines_walked``), for every element of every saved page.

The stylesheet reads the whole page in C; the walk is the rule written out in Python (a block
element breaks the line before and after it, skipped elements and comments give nothing but
their tails). Any difference in what a line is would change the text, the Markdown and the
template keys of every page.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from lxml.html import HtmlElement

from reader.mainblock import BLOCK_TAGS, SKIP_TAGS, render_lines
from reader.page import parse_html

TESTS = Path(__file__).resolve().parent
SAVED = sorted(TESTS.glob("**/page.html"))


def render_lines_walked(el: HtmlElement) -> list[str]:
    """The rule written out as a walk: a block element breaks the line before and after it,
    a skipped element (and a comment or processing instruction) gives only its tail."""
    parts: list[str] = []
    _render(el, parts)
    return [
        " ".join(line.split()) for line in "".join(parts).split("\n") if line and not line.isspace()
    ]


def _render(el: HtmlElement, parts: list[str]) -> None:
    tag = el.tag
    if tag in SKIP_TAGS or not isinstance(tag, str):
        if el.tail:
            parts.append(el.tail)
        return
    block = tag in BLOCK_TAGS
    if block:
        parts.append("\n")
    if el.text:
        parts.append(el.text)
    for child in el:
        _render(child, parts)
    if block:
        parts.append("\n")
    if el.tail:
        parts.append(el.tail)


def test_saved_pages_are_there() -> None:
    assert len(SAVED) >= 20


@pytest.mark.parametrize("path", SAVED, ids=lambda p: str(p.parent.relative_to(TESTS)))
def test_every_element_renders_as_the_walk_does(path: Path) -> None:
    tree = parse_html(path.read_bytes().decode("utf-8", "replace"), 10**8)
    elements = list(tree.iter())
    assert len(elements) > 5
    for el in elements:
        assert render_lines(el) == render_lines_walked(el), el


@pytest.mark.parametrize(
    "html, lines",
    [
        # a block breaks the line; inline markup does not; a tail stays with its parent
        ("<div>a<p>b<br>c</p><b>d</b>e</div>", ["a", "b", "c", "de"]),
        # script, style and select text is not page text; their tails are
        (
            "<div>a<script>x()</script>b<style>p{}</style>c<select><option>o</option></select>d</div>",
            ["abcd"],
        ),
        # comments and processing instructions give their tails only
        ("<div>a<!-- note -->b<?php x ?>c</div>", ["abc"]),
        # whitespace runs collapse, blank lines go, non-breaking and ideographic spaces too
        (
            "<div><p> one \t two </p><p>\u00a0</p><p>\u3000三\u3000四</p></div>",
            ["one two", "三 四"],
        ),
        # unknown and prefixed tags are inline
        ("<div>a<o:p>b</o:p><custom-tag>c</custom-tag></div>", ["abc"]),
    ],
)
def test_lines_by_rule(html: str, lines: list[str]) -> None:
    el = lxml.html.fragment_fromstring(html)
    assert render_lines(el) == lines
    assert render_lines_walked(el) == lines

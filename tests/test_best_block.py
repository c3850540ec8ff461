"""``reader.mainblock.best_block`` scores each container without making a ``Block`` for it:
its choice must be the plain way's (a Block per container, the first with the highest
``Block.score``), on every saved page and where containers tie."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml.html import HtmlElement

from reader.mainblock import Block, best_block, own_text_chars
from reader.page import parse_html

TESTS = Path(__file__).resolve().parent
SAVED = sorted(TESTS.glob("**/page.html"))

_TIES = [
    "<div>one two three.</div><div>one two three.</div>",
    "<div><a href='/a'>all link</a></div><section>text, with marks!</section>",
    "<td>cell</td><main></main><center>x</center>",
    "<p>no container</p>",
]


def _plain(tree: HtmlElement) -> Block | None:
    best: Block | None = None
    for el in tree.iter("div", "article", "section", "td", "main", "center", "body"):
        block = Block(el, *own_text_chars(el))
        if block.own_chars and (best is None or block.score > best.score):
            best = block
    return best


@pytest.mark.parametrize(
    "html",
    [
        *(f"<html><body>{t}</body></html>" for t in _TIES),
        *(p.read_text(encoding="utf-8", errors="replace") for p in SAVED),
    ],
)
def test_the_plain_ways_block(html: str) -> None:
    tree = parse_html(html, 10_000_000)
    ours, plain = best_block(tree), _plain(tree)
    assert ours == plain


_MARKS = "。！？.!?，,"


def _clean(text: str | None) -> int:
    return len("".join(text.split())) if text else 0


def _own_text_chars_plain(el: HtmlElement) -> tuple[int, int, int]:
    """The plain reading: every link's and paragraph's text by text_content()."""
    own, links, marks = _clean(el.text), 0, sum(map((el.text or "").count, _MARKS))
    for child in el:
        if not isinstance(child.tag, str):
            continue
        own += _clean(child.tail)
        marks += sum(map((child.tail or "").count, _MARKS))
        if child.tag == "a":
            links += _clean(child.text_content())
        elif child.tag in (
            "p",
            "span",
            "font",
            "strong",
            "b",
            "em",
            "i",
            "u",
            "section",
            "blockquote",
        ):
            content = child.text_content()
            anchor = sum(_clean(a.text_content()) for a in child.iter("a"))
            own += _clean(content) - anchor
            links += anchor
            marks += sum(map(content.count, _MARKS))
    return own, links, marks


_LEAVES = (
    "<div>lead, <a href='/a'>a leaf link</a> tail. <a href='/b'><b>bold</b> link</a>"
    "<a href='/c'></a><a href='/d'> </a><a href='/e'><!-- c -->after a comment</a>"
    "<p>leaf paragraph.</p><p></p><p><a href='/f'>linked</a> text<a href='/g'></a></p>"
    "<span>\u00a0</span><em>x<!-- c --></em><p><a href='/h'><i>deep</i></a></p></div>"
)


@pytest.mark.parametrize(
    "html",
    [
        f"<html><body>{_LEAVES}</body></html>",
        *(p.read_text(encoding="utf-8", errors="replace") for p in SAVED),
    ],
)
def test_own_text_is_the_plain_reading(html: str) -> None:
    tree = parse_html(html, 10_000_000)
    for el in tree.iter():
        if isinstance(el.tag, str):
            assert own_text_chars(el) == _own_text_chars_plain(el)

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

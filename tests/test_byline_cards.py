"""Byline markup in teaser cards is not the article's (reader.people.byline_names)."""

from __future__ import annotations

import pytest

from reader.page import parse_html
from reader.people import byline_names

_LONG = "A headline long enough to be a teaser card's link text"


@pytest.mark.parametrize(
    ("holder", "kept"),
    [
        # A list item with a headline link: a teaser card, its byline is not the article's.
        (f"<ul><li><a href='/s'>{_LONG}</a><span class='byline'>Jane Roe</span></li></ul>", False),
        # The same with an h1 in the item: the article's own header.
        (
            f"<ul><li><h1>{_LONG}</h1><a href='/s'>{_LONG}</a><span class='byline'>Jane Roe</span></li></ul>",
            True,
        ),
        # The article element holds headline links too, and its byline is the article's.
        (
            f"<article><a href='/s'>{_LONG}</a><p><span class='byline'>Jane Roe</span></p></article>",
            True,
        ),
        # A byline inside a link that holds much more text: a card.
        (f"<a href='/s'><b>{_LONG}</b> <span class='byline'>Jane Roe</span></a>", False),
        # A byline that is the link's whole text: an author page's link.
        ("<a href='/a/jane'><span class='byline'>Jane Roe</span></a>", True),
        # Short links in a list item: not a card.
        ("<ul><li><a href='/a'>Jane</a> <span class='byline'>Jane Roe</span></li></ul>", True),
    ],
)
def test_bylines_of_teaser_cards_are_left_out(holder: str, kept: bool) -> None:
    tree = parse_html(f"<html><body>{holder}</body></html>", 10_000_000)
    assert byline_names(tree) == (["Jane Roe"] if kept else [])

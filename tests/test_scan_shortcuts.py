"""The page scan's shortcuts answer as the plain readings do.

``_protected`` used to find the densest text block in a walk of its own over the whole
tree; the page scan now finds the body's in its one bottom-up walk (children before
parents, so the first in document order of the longest is the last it meets), and
``_protected`` reads only the elements outside the body, in document order around the
body's answer. The plain reading (the code before the shortcut) lives here; both must
agree on crafted pages built for ties, paragraphs in their parents, nested paragraphs and
blocks outside the body, and on every saved test page.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from lxml.html import HtmlElement

from reader import dom
from reader.dom import scan_page
from reader.page import parse_html

TESTS = Path(__file__).resolve().parent
SAVED = sorted(TESTS.glob("**/page.html"))


def plain_protected(
    tree: HtmlElement, body: HtmlElement, h1s: list[HtmlElement], chars: dict[HtmlElement, int]
) -> tuple[set[HtmlElement], HtmlElement | None]:
    """``_protected`` before the shortcut: every block of the tree read in document order."""
    keep: set[HtmlElement] = set()
    outside = [h1 for child in tree if child is not body for h1 in child.iter("h1")]
    if tree.tag == "h1":
        outside.append(tree)
    for h1 in (*h1s, *outside):
        keep.add(h1)
        keep.update(h1.iterancestors())
    best, best_len = None, 0
    for el, own in plain_owns(tree, chars):
        if own > best_len:
            best, best_len = el, own
    if best is not None:
        keep.add(best)
        keep.update(best.iterancestors())
    return keep, best


def plain_owns(tree: HtmlElement, chars: dict[HtmlElement, int]) -> list[tuple[HtmlElement, int]]:
    """Every block of the tree in document order, with its own text and its paragraphs'."""
    in_paragraphs: dict[HtmlElement, int] = {}
    for p in tree.iter("p"):
        parent = p.getparent()
        if parent is not None:
            n = chars.get(p)
            in_paragraphs[parent] = in_paragraphs.get(parent, 0) + (
                len(dom._text(p)) if n is None else n
            )
    owns = []
    for el in tree.iter("p", "div", "article", "section", "td"):
        text = el.text
        owns.append((el, in_paragraphs.get(el, 0) + (len(text.strip()) if text else 0)))
    return owns


def agree(tree: HtmlElement) -> HtmlElement | None:
    """Both readings' answers on ``tree`` are the same; returns the densest block."""
    scan = scan_page(tree)
    assert scan.body is not None
    keep, best = dom._protected(tree, scan)
    plain_keep, plain_best = plain_protected(tree, scan.body, scan.h1s, scan.chars)
    assert best is plain_best
    assert keep == plain_keep
    return best


# Blocks whose texts tie often: the same few lengths, in paragraphs and loose.
PIECES = (
    "<p>Twelve chars</p>",
    "<p>Twelve chars</p><p>Twelve chars</p>",
    "Twelve chars",
    "<span>Twelve chars</span>",
    "<p> spaced   text </p>",
    "<td>Twelve chars</td>",
    "<p></p>",
    "  ",
)
BLOCKS = ("div", "section", "article", "p", "span", "li")


def crafted_page(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        if depth < 3 and rng.random() < 0.5:
            tag = rng.choice(BLOCKS)
            parts.append(f"<{tag}>{rng.choice(PIECES)}{crafted_page(rng, depth + 1)}</{tag}>")
        else:
            parts.append(rng.choice(PIECES))
    return "".join(parts)


def test_the_densest_block_is_what_reading_every_block_found_on_crafted_pages() -> None:
    rng = random.Random(20)
    ties = 0
    for _ in range(400):
        html = f"<html><body>{crafted_page(rng)}</body></html>"
        tree = parse_html(html, 10**8)
        agree(tree)
        owns = [own for _, own in plain_owns(tree, scan_page(tree).chars)]
        ties += bool(owns) and max(owns) > 0 and owns.count(max(owns)) > 1
    # Ties are common here: the first of the longest, not the last, is the answer.
    assert ties > 50


TIE = (
    "<html><body><div><p>Twelvechars</p></div><section>Twelvechars</section>"
    "<div>Twelvechars</div></body></html>"
)


def test_of_blocks_with_as_much_text_the_first_is_the_densest() -> None:
    # (a paragraph's length counts no spaces, a block's own text only its ends')
    tree = parse_html(TIE, 10**8)
    best = agree(tree)
    assert best is not None and best.tag == "div" and best.text is None


def test_a_paragraph_inside_a_paragraph_counts_for_its_parent() -> None:
    # (the HTML parser never nests paragraphs: built by hand)
    tree = parse_html("<html><body><div>Short</div><p>Outer</p></body></html>", 10**8)
    outer = tree.find(".//p")
    assert outer is not None
    inner = outer.makeelement("p", {})
    inner.text = "A much longer inner paragraph"
    outer.append(inner)
    assert agree(tree) is outer


def outside_body(before: str, after: str, root: str = "html") -> HtmlElement:
    """A page with blocks in its head and after its body (built by hand: the HTML parser
    moves them into the body), its root tagged ``root``."""
    tree = parse_html(
        "<html><head><title>t</title></head><body><div>Body text of twenty</div>"
        "<p>Twelve chars</p></body></html>",
        10**8,
    )
    tree.tag = root
    head = tree.find("head")
    assert head is not None
    div = head.makeelement("div", {})
    div.text = before
    head.append(div)
    p = head.makeelement("p", {})
    p.text = before
    div.append(p)
    last = tree.makeelement("section", {})
    last.text = after
    tree.append(last)
    return tree


@pytest.mark.parametrize(
    ("before", "after", "where"),
    [
        ("short", "short", "body"),
        ("a head block longer than any", "short", "head"),
        ("short", "a block after the body, longest", "after"),
        ("Body text of twenty", "Body text of twenty", "head"),
        ("x", "Bodytextoftwenty", "body"),
        # the head's div (its text and its paragraph's) ties the block after the body
        ("abcdefghijk", "abcdefghijklmnopqrstuv", "head"),
    ],
)
def test_blocks_outside_the_body_are_read_in_document_order(
    before: str, after: str, where: str
) -> None:
    tree = outside_body(before, after)
    best = agree(tree)
    assert best is not None
    found = "head" if best.getparent() is tree.find("head") else "body"
    if best.getparent() is tree:
        found = "after"
    assert found == where


def test_a_root_that_is_a_block_is_read_first() -> None:
    tree = outside_body("short", "short", root="div")
    tree.text = "Body text of twenty"
    assert agree(tree) is tree


@pytest.mark.parametrize("path", SAVED, ids=lambda p: str(p.parent.relative_to(TESTS)))
def test_the_densest_block_of_saved_pages_is_what_reading_every_block_found(path: Path) -> None:
    agree(parse_html(path.read_bytes().decode("utf-8", "replace"), 10**8))

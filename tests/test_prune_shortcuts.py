"""The shortcuts of chrome pruning and picture finding answer as the plain readings do.

Each shortcut skips work whose answer it can tell beforehand: the label of a sibling that
cannot join a share bar's run, the ancestor test of text nodes with nothing hidden around
them, the rest of a list already short of teaser items, a URL's split. The plain readings
(the code before the shortcuts) live here; both must agree on crafted pages built to hit
the edges (runs cut one sibling short, a lead-in right before a streak, text inside
noscript) and on every saved test page.
"""

from __future__ import annotations

import random
from collections.abc import Set as AbstractSet
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml.html import HtmlElement

from reader import dom, images
from reader.dom import (
    BAR_MAX_CHARS,
    BAR_MIN_CONTROLS,
    LEAD_IN_MAX_CHARS,
    TEASER_HEADLINE_CHARS,
    TEASER_ITEM_LINK_SHARE,
    TEASER_LIST_ITEMS,
    TEASER_LIST_SHARE,
    label_bars,
    scan_page,
)
from reader.page import parse_html

TESTS = Path(__file__).resolve().parent
SAVED = sorted(TESTS.glob("**/page.html"))

Memo = dict[HtmlElement, list[tuple[str, bool]] | None]


def plain_label_bars(
    body: HtmlElement,
    chars: dict[HtmlElement, int],
    controls: dict[HtmlElement, int],
    clickable: AbstractSet[HtmlElement],
) -> list[HtmlElement]:
    """``label_bars`` before the shortcuts: every sibling's label read."""
    found: list[HtmlElement] = []
    memo: Memo = {}
    stack = [body]
    while stack:
        el = stack.pop()
        n = chars.get(el, 0)
        if (
            el is not body
            and 0 < n <= BAR_MAX_CHARS
            and dom._is_label_bar(el, chars, clickable, memo)
        ):
            found.append(el)
            continue
        run = plain_sibling_bar(el, chars, controls, clickable, memo)
        found.extend(run)
        for c in reversed(el):
            if controls.get(c, 0) >= BAR_MIN_CONTROLS - 1 and chars.get(c, 0) and c not in run:
                stack.append(c)
    return found


def plain_sibling_bar(
    parent: HtmlElement,
    chars: dict[HtmlElement, int],
    controls: dict[HtmlElement, int],
    clickable: AbstractSet[HtmlElement],
    memo: Memo,
) -> list[HtmlElement]:
    found: list[HtmlElement] = []
    run: list[HtmlElement] = []
    lead = False
    for child in [*parent, None]:
        kind = None
        if child is not None and isinstance(child.tag, str):
            held = controls.get(child, 0)
            if (held == 1 or (held == 0 and chars.get(child, 0) <= LEAD_IN_MAX_CHARS)) and (
                lead or child not in clickable
            ):
                tail = (child.tail or "").strip()
                if not tail or (
                    dom._ONLY_PUNCT.match(tail) and not dom._SENTENCE_MARK.search(tail + " ")
                ):
                    kind = dom._label_kind(child, chars, clickable, memo)
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


# Siblings of every kind a run meets: lead-ins, one-control wrappers, bare controls, a
# control too long for a label, wrappers of two controls, plain and sentence text.
SIBLINGS = (
    "<span>分享到：</span>",
    "<span>Share this:</span>",
    "<b>Follow 2024:</b>",
    "<a href='#'>Facebook</a>",
    "<button>Print</button>",
    "<span onclick='x()'>Mail</span>",
    "<p><a href='#'>微信</a></p>",
    "<div><a href='#'>Twitter</a></div>",
    "<li><a href='#'><img alt='LinkedIn' src='i.png'></a></li>",
    "<li><a href='#'>A headline far too long to be any share label</a></li>",
    "<p><a href='#'>Email</a> it to a friend. Now.</p>",
    "<div><a href='#'>One</a><a href='#'>Two</a></div>",
    "<span>|</span>",
    "<p>A sentence of the story. It ends here.</p>",
    "<p></p>",
    "<i class='icon'></i>",
)
TAILS = ("", "", "", " | ", " · ", " and then the story goes on. ", "\n  ")


def crafted_pages(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pages = []
    for _ in range(count):
        rows = []
        for _ in range(rng.randint(1, 4)):
            siblings = "".join(
                rng.choice(SIBLINGS) + rng.choice(TAILS) for _ in range(rng.randint(0, 12))
            )
            rows.append(f"<div class='row'>{siblings}</div>")
        pages.append(f"<html><body><article>{''.join(rows)}</article></body></html>")
    return pages


def agree_on_bars(html: str) -> bool:
    tree = parse_html(html, 10**8)
    scan = scan_page(tree)
    if scan.body is None:
        return True
    args = (scan.body, scan.chars, scan.controls, scan.clickable)
    return label_bars(*args) == plain_label_bars(*args)


def test_share_bars_are_what_reading_every_sibling_found_on_crafted_rows() -> None:
    pages = crafted_pages(400, seed=20)
    found = 0
    for html in pages:
        assert agree_on_bars(html), html
        tree = parse_html(html, 10**8)
        scan = scan_page(tree)
        assert scan.body is not None
        found += bool(label_bars(scan.body, scan.chars, scan.controls, scan.clickable))
    # The rows hold bars and near misses both.
    assert 50 < found < 400


# A lead-in right before a streak of two controls: the one sibling before a streak is read.
LEAD_THEN_TWO = (
    "<html><body><div><p>A sentence of the story. It ends here.</p>"
    "<span>分享到：</span><p><a href='#'>微信</a></p><p><a href='#'>微博</a></p>"
    "<p>More of the story follows. It ends.</p></div></body></html>"
)


def test_a_lead_in_before_two_controls_makes_a_run() -> None:
    tree = parse_html(LEAD_THEN_TWO, 10**8)
    scan = scan_page(tree)
    assert scan.body is not None
    bars = label_bars(scan.body, scan.chars, scan.controls, scan.clickable)
    assert [el.text_content() for el in bars] == ["分享到：", "微信", "微博"]
    assert agree_on_bars(LEAD_THEN_TWO)


@pytest.mark.parametrize("path", SAVED, ids=lambda p: str(p.parent.relative_to(TESTS)))
def test_share_bars_of_saved_pages_are_what_reading_every_sibling_found(path: Path) -> None:
    assert agree_on_bars(path.read_bytes().decode("utf-8", "replace"))


HIDDEN = (
    "<html><body><div id='a'>One. <script>var x = 'Two. ';</script>Three "
    "<noscript><p>Four. <b>Five.</b></p></noscript><style>p{}</style> Six.</div>"
    "<noscript><div id='b'><p>Seven. <i>Eight</i></p></div></noscript>"
    "<div id='c'><p>Nine. <b>Ten</b> eleven.</p></div></body></html>"
)


def test_visible_texts_are_the_xpaths_around_and_under_hidden_elements() -> None:
    tree = parse_html(HIDDEN, 10**8)
    elements = list(tree.iter())
    assert all(dom._visible_texts(el) == dom._VISIBLE_TEXTS(el) for el in elements)
    by_id = {el.get("id"): el for el in elements if el.get("id")}
    # Inside a noscript nothing shows; beside a script only its tail does.
    assert dom._visible_texts(by_id["b"]) == []
    assert dom._visible_texts(by_id["a"]) == ["One. ", "Three ", " Six."]
    assert dom._visible_texts(by_id["c"]) == ["Nine. ", "Ten", " eleven."]


@pytest.mark.parametrize("path", SAVED, ids=lambda p: str(p.parent.relative_to(TESTS)))
def test_visible_texts_of_saved_pages_are_the_xpaths(path: Path) -> None:
    tree = parse_html(path.read_bytes().decode("utf-8", "replace"), 10**8)
    for el in tree.iter():
        if isinstance(el.tag, str):
            assert dom._visible_texts(el) == dom._VISIBLE_TEXTS(el)


def plain_teaser_lists(body: HtmlElement, chars: dict[HtmlElement, int]) -> list[HtmlElement]:
    """``_teaser_lists`` before the shortcuts: every item of every list read."""
    found = []
    for lst in body.iter("ul", "ol"):
        items = [li for li in lst if li.tag == "li"]
        if len(items) < TEASER_LIST_ITEMS:
            continue
        headed = 0
        for li in items:
            for link in li.iter("a"):
                if chars[link]:
                    break
            else:
                continue
            if chars[link] < TEASER_HEADLINE_CHARS:
                continue
            if chars[link] >= TEASER_ITEM_LINK_SHARE * chars[li] or dom._text(li).startswith(
                dom._text(link)
            ):
                headed += 1
        if headed >= TEASER_LIST_SHARE * len(items):
            found.append(lst)
    return found


ITEMS = (
    "<li><a href='/s'>A headline of another story entirely</a></li>",
    "<li><a href='/s'>A headline of another story</a> and a teaser sentence for it</li>",
    "<li><b>Topic:</b> <a href='/s'>A headline of another story</a></li>",
    "<li><a href='/s'>Short</a> and a long teaser sentence that is not a link at all</li>",
    "<li>No link in this item at all, only words</li>",
    "<li><a href='/s'></a><a href='/t'>The second link carries the headline</a></li>",
    "<p>not an item</p>",
)


def test_teaser_lists_are_what_reading_every_item_found() -> None:
    rng = random.Random(7)
    found = 0
    for _ in range(400):
        lists = "".join(
            f"<ul>{''.join(rng.choice(ITEMS) for _ in range(rng.randint(0, 11)))}</ul>"
            for _ in range(3)
        )
        tree = parse_html(f"<html><body><div>{lists}</div></body></html>", 10**8)
        scan = scan_page(tree)
        assert scan.body is not None
        got = dom._teaser_lists(scan.body, scan.chars)
        assert got == plain_teaser_lists(scan.body, scan.chars)
        found += len(got)
    assert found > 50


def plain_furniture_marked(img: HtmlElement) -> bool:
    """``images._furniture_marked`` before the shortcuts: each attribute asked of the img."""
    for name in ("width", "height"):
        value = img.get(name)
        if value:
            value = value.strip().removesuffix("px")
            if value.isdigit() and int(value) < images.MIN_SIDE:
                return True
    if img.get("aria-hidden") == "true" or img.get("role") == "presentation":
        return True
    names = f"{img.get('class') or ''} {img.get('id') or ''}"
    return not names.isspace() and bool(
        set(images._TOKENS.split(names.lower())) & images._FURNITURE_NAMES
    )


def plain_furniture_source(img: HtmlElement, src: str) -> bool:
    path = urlsplit(src).path
    for match in images._URL_SIZE.finditer(path):
        sides = [int(n) for n in match.groups() if n]
        if sides and max(sides) < images.MIN_SIDE:
            return True
    if path.lower().endswith((".svg", ".gif")) and not img.get("alt"):
        return True
    tail = "/".join(path.rsplit("/", 2)[-2:])
    return bool(images.FURNITURE.search(tail))


IMAGES = (
    "<img src='a.jpg' width='80' height='600'>",
    "<img src='a.jpg' width=' 99px '>",
    "<img src='a.jpg' width height>",
    "<img src='a.jpg' aria-hidden='true'>",
    "<img src='a.jpg' role='presentation'>",
    "<img src='a.jpg' class='site-Logo big'>",
    "<img src='a.jpg' id='userAvatar' class=' '>",
    "<img src='a.jpg' class='logos'>",
    "<img src='a.jpg' alt=''>",
    "<img data-src='/w_80/a.png' src='x.gif' class='lazy' alt='A photo'>",
    "<img src='/70x70/b.jpg'>",
    "<img src='/icons;v=2/c.svg'>",
    "<img src='//cdn.example.com/p/1200x800/d.jpg?w=64#x'>",
    "<img src='http://[bad/e.jpg'>",
    "<img src='https://例え.jp/f/logo/g.jpg'>",
    "<img src='https://news.example.com:8080/a b/sprite-1.png'>",
    "<img src='https://news.example.com/a/photo%20one.JPG?x=1;y=2'>",
    # A path parameter (no pattern reads it): a size in the query is not the path's.
    "<img src='https://news.example.com/a;v=1/photo.jpg?crop=/70x70/'>",
)


def test_furniture_is_what_asking_each_attribute_found() -> None:
    html = f"<html><body>{''.join(IMAGES)}</body></html>"
    tree = parse_html(html, 10**8)
    imgs = list(tree.iter("img"))
    assert len(imgs) == len(IMAGES)
    base = "https://news.example.com/a/b.html"
    for img in imgs:
        attrs = dict(img.items())
        assert images._furniture_marked(attrs) == plain_furniture_marked(img)
        src = images.picture_source(img, base)
        assert images.picture_source(img, base, {}, attrs) == src
        if src is not None:
            assert images._furniture_source(src, attrs.get("alt")) == plain_furniture_source(
                img, src
            )
    # Small, hidden, presentational or named a logo (not "userAvatar": one token, "logos").
    assert sum(images._furniture_marked(dict(img.items())) for img in imgs) == 5


def saved_trees() -> list[tuple[Path, HtmlElement]]:
    return [(p, parse_html(p.read_bytes().decode("utf-8", "replace"), 10**8)) for p in SAVED]


def test_furniture_of_saved_pages_is_what_asking_each_attribute_found() -> None:
    checked = 0
    for _, tree in saved_trees():
        for img in tree.iter("img"):
            attrs = dict(img.items())
            assert images._furniture_marked(attrs) == plain_furniture_marked(img)
            src = images.picture_source(img, "https://news.example.com/a/b.html")
            if src is not None:
                assert images._furniture_source(src, attrs.get("alt")) == (
                    plain_furniture_source(img, src)
                )
                checked += 1
    assert checked > 20

"""The article's pictures: absolute source, alt text and caption, in body order.

Pictures are found on the whole tree before chrome pruning (which removes captions and
``<noscript>`` fallbacks) and kept afterwards only when they stand in the article's body:
still in the pruned tree, inside the block that holds the text's lines. Their captions
are what the page sets apart under a picture: a ``<figcaption>``, an element named a
caption, a short centred or styled line, or a short line after an image-only paragraph;
none of them is ever a line of the text (``caption_keys``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from reader.structured import absolute
from reader.urls import split_http

# Attributes lazy loaders put the real source in, best first.
LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src", "data-lazy", "data-url", "src")
LAZY_SRCSETS = ("data-srcset", "data-lazy-srcset", "srcset")
# A picture declared smaller than this (either side, pixels) is an icon, a pixel, a button
# or a byline's head shot; so is one whose URL names a size this small ("/70x70/",
# "-96x96.jpg", "w_80").
MIN_SIDE = 100
_URL_SIZE = re.compile(
    r"(?<![0-9])([0-9]{2,4})x([0-9]{2,4})(?![0-9])|[/_,]w_?([0-9]{2,4})(?![0-9])", re.I
)
# Words in a source's path that name furniture, not the article's pictures.
FURNITURE = re.compile(
    r"(?:^|[/_.\-])(?:logo|icon|sprite|spacer|pixel|blank|transparent|placeholder|avatar|"
    r"badge|emoji|loading|lazy|1x1|tracking|beacon)(?:[/_.\-]|$)",
    re.I,
)
# A caption set apart by position alone is at most this long (characters without spaces);
# one the page names or sets apart (figcaption, a caption class, centred) at most CAPTION_MAX.
CAPTION_SHORT = 80
CAPTION_MAX = 400
# A centred or styled line under a picture is its caption up to this long: a longer one is
# a paragraph of a page that centres its body.
CAPTION_STYLED_MAX = 200
CAPTION_STYLED_TAGS = {"center", "font", "small", "em", "i", "span"}
CAPTION_WORDS = {"caption", "captions", "credit", "credits", "legend", "bildunterschrift"}
_TOKENS = re.compile(r"[^a-z0-9]+")
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)）」]?$")


@dataclass
class Picture:
    """One picture of the page: where it stands (``anchor``) and what it shows."""

    anchor: HtmlElement
    src: str
    alt: str | None
    caption: str | None

    def record(self) -> dict[str, str | None]:
        return {"src": self.src, "alt": self.alt, "caption": self.caption}


def find_pictures(tree: HtmlElement, base_url: str) -> list[Picture]:
    """Every content picture of the page in document order, one per source."""
    body = tree.find("body")
    if body is None:
        return []
    found: list[Picture] = []
    seen: dict[str, Picture] = {}
    texts: dict[HtmlElement, bool] = {}
    joined: dict[str, str | None] = {}  # a source made absolute once (copies, thumbnails)
    for img in body.iter("img"):
        # Its attributes, read at once: a dict's lookups cost less than a dozen ``get``s.
        attrs = dict(img.items())
        if _furniture_marked(attrs):  # before the source: no URL to make for an icon
            continue
        src = picture_source(img, base_url, joined, attrs)
        raw_alt = attrs.get("alt")
        if src is None or _furniture_source(src, raw_alt):
            continue
        alt = " ".join((raw_alt or "").split()) or None
        earlier = seen.get(src)
        if earlier is not None:  # a <noscript> copy of a lazy picture, a repeated thumbnail
            earlier.caption = earlier.caption or _caption(img, texts)
            earlier.alt = earlier.alt or alt
            continue
        picture = Picture(_anchor(img), src, alt, _caption(img, texts))
        seen[src] = picture
        found.append(picture)
    return found


def picture_source(
    img: HtmlElement,
    base_url: str,
    joined: dict[str, str | None] | None = None,
    attrs: Mapping[str, str] | None = None,
) -> str | None:
    """The picture's largest real source, absolute: ``srcset`` (and a ``<picture>``'s
    ``<source>``), then the lazy loaders' attributes, then ``src``. ``joined``: the page's
    sources already made absolute; ``attrs``: the ``<img>``'s attributes, if read."""
    if joined is None:
        joined = {}
    if attrs is None:
        attrs = dict(img.items())
    candidates: list[tuple[float, str]] = []
    for name in LAZY_SRCSETS:
        value = attrs.get(name)
        if value:
            candidates.extend(_srcset(value))
    # The <picture>'s <source>s (an HTML4 parser may nest the <img> inside a <source>).
    picture = next(img.iterancestors("picture"), None)
    if picture is not None:
        for holder in picture.iter("source"):
            for name in LAZY_SRCSETS:
                value = holder.get(name)
                if value:
                    candidates.extend(_srcset(value))
    if candidates:
        for _size, url in sorted(candidates, key=lambda c: -c[0]):
            src = _usable(url, base_url, joined)
            if src is not None:
                return src
    for name in LAZY_SOURCES:
        value = attrs.get(name)
        if value:
            src = _usable(value, base_url, joined)
            if src is not None:
                return src
    return None


_SRCSET_SPLIT = re.compile(r",\s+(?=\S)")
_DESCRIPTOR = re.compile(r"(\d+(?:\.\d+)?)([wx])")


def _srcset(value: str) -> list[tuple[float, str]]:
    """(size, url) of each ``srcset`` entry: "a.jpg 480w, b.jpg 1080w" or "a.jpg 2x"."""
    out = []
    for entry in _SRCSET_SPLIT.split(value.strip()):
        parts = entry.split()
        if not parts:
            continue
        size = 1.0
        if len(parts) > 1:
            match = _DESCRIPTOR.fullmatch(parts[1])
            if match:
                size = float(match.group(1)) * (1 if match.group(2) == "w" else 1000)
        out.append((size, parts[0]))
    return out


def _usable(url: str, base_url: str, joined: dict[str, str | None]) -> str | None:
    url = url.strip()
    if not url or url.startswith("data:") or url.startswith("#"):
        return None
    if url in joined:
        return joined[url]
    src = joined[url] = absolute(url, base_url)
    return src


def _furniture(img: HtmlElement, src: str) -> bool:
    """A tracking pixel, an icon, a logo or a sprite rather than a picture of the article."""
    return _furniture_marked(dict(img.items())) or _furniture_source(src, img.get("alt"))


_FURNITURE_NAMES = {"logo", "icon", "avatar", "emoji", "sprite"}


def _furniture_marked(attrs: Mapping[str, str]) -> bool:
    """Furniture by the ``<img>``'s own attributes (``attrs``): a small declared size,
    hidden from screen readers, or named a logo or an icon by its class or id."""
    for name in ("width", "height"):
        value = attrs.get(name)
        if value:
            value = value.strip().removesuffix("px")
            if value.isdigit() and int(value) < MIN_SIDE:
                return True
    if attrs.get("aria-hidden") == "true" or attrs.get("role") == "presentation":
        return True
    return _furniture_named(attrs.get("class"), attrs.get("id"))


@lru_cache(maxsize=4096)
def _furniture_named(cls: str | None, ident: str | None) -> bool:
    """A class/id pair naming furniture; cached, as a page's pictures repeat their classes."""
    names = f"{cls or ''} {ident or ''}"
    return not names.isspace() and bool(set(_TOKENS.split(names.lower())) & _FURNITURE_NAMES)


def _furniture_source(src: str, alt: str | None) -> bool:
    """Furniture by its source's path: a size too small in it, an unnamed SVG or GIF (no
    ``alt``), or a furniture word in the file's or its folder's name."""
    # The path as urlsplit reads it; a pattern tells it for most sources, without the split.
    split = split_http(src)
    path = split[1] if split is not None else urlsplit(src).path
    for match in _URL_SIZE.finditer(path):
        sides = [int(n) for n in match.groups() if n]
        if sides and max(sides) < MIN_SIDE:
            return True
    if path.lower().endswith((".svg", ".gif")) and not alt:
        return True
    tail = "/".join(path.rsplit("/", 2)[-2:])  # the file and its folder
    return bool(FURNITURE.search(tail))


def _anchor(img: HtmlElement) -> HtmlElement:
    """Where the picture stands: a ``<noscript>`` copy stands where the ``<noscript>`` is."""
    for ancestor in img.iterancestors("noscript"):
        parent = ancestor.getparent()
        return parent if parent is not None else ancestor
    return img


def _text(el: HtmlElement) -> str:
    return " ".join(el.text_content().split())


def _has_text(el: HtmlElement, texts: dict[HtmlElement, bool]) -> bool:
    """Whether ``el`` shows any text; remembered, as a gallery's pictures share holders and
    a picture's holders nest: a child already known is not read again for its parent."""
    known = texts.get(el)
    if known is None:
        known = _shows(el.text)
        if not known:
            for child in el:
                if _shows(child.tail):
                    known = True
                    break
                if isinstance(child.tag, str):
                    inner = texts.get(child)
                    if inner or (inner is None and _any_text(child)):
                        known = True
                        break
        texts[el] = known
    return known


def _shows(text: str | None) -> bool:
    """Whether a text or tail holds more than spaces."""
    if not text:
        return False
    return not text.isspace()


def _any_text(el: HtmlElement) -> bool:
    # A loop rather than any(generator): this runs for every holder of every picture.
    for text in el.itertext():  # noqa: SIM110
        if text and not text.isspace():
            return True
    return False


def _caption(img: HtmlElement, texts: dict[HtmlElement, bool]) -> str | None:
    """The caption the page sets under (or around) this picture, if any."""
    for figure in img.iterancestors("figure"):
        caption = next(figure.iter("figcaption"), None)
        if caption is not None:
            text = _text(caption)
            if text:
                return text[: CAPTION_MAX * 2]
        break
    holder = img
    parent = img.getparent()
    while parent is not None:
        # The memo answers for a gallery's shared holders without a call.
        shows = texts.get(parent)
        if shows is None:
            shows = _has_text(parent, texts)
        if shows:
            break
        holder, parent = parent, parent.getparent()
    if holder.tag == "noscript" or (holder.tail or "").strip():
        return None
    caption = holder.getnext()
    while caption is not None and caption.tag in ("noscript", "script"):
        caption = caption.getnext()
    if caption is None or not isinstance(caption.tag, str) or caption.tag in ("br", "img"):
        return None
    # How the page sets the element apart, asked before its text is read: most elements
    # after a picture are none of the three kinds below (a card's title, the next block),
    # and then no text makes them a caption.
    tag = caption.tag
    named = tag == "figcaption" or _caption_named(caption.get("class"), caption.get("id"))
    styled = (
        tag in CAPTION_STYLED_TAGS
        or caption.get("align") == "center"
        or "text-align:center" in (caption.get("style") or "").replace(" ", "").lower()
    )
    # An image-only paragraph (or block) followed by a short line that is not a sentence
    # ("Light a Wish by OGE Group"): the line is its caption. A sentence there is the
    # body's own (a blog's "Really, have you ever seen anything so gorgeous?").
    short_line = holder is not img and holder.tag in ("p", "div", "center") and tag in ("p", "div")
    if not (named or styled or short_line):
        return None
    # Checked before the text is read: the element after a picture may be a long block.
    if next(caption.iter("img", "a", "h1", "h2", "h3", "h4"), None) is not None:
        return None
    text = _text(caption)
    if not text:
        return None
    length = len(text) - text.count(" ")  # characters without spaces (text is collapsed)
    if named and length <= CAPTION_MAX:
        return text
    after = _next_block(caption)
    # A page that centres its whole body centres the paragraph after the caption too.
    if styled and length <= CAPTION_STYLED_MAX and not _same_style(caption, after):
        return text
    # A tutorial alternates pictures and short steps: a step followed by the next picture
    # is text, not a caption.
    if (
        short_line
        and length <= CAPTION_SHORT
        and not _SENTENCE_END.search(text)
        and not (after is not None and _image_only(after))
    ):
        return text
    return None


@lru_cache(maxsize=4096)
def _caption_named(cls: str | None, ident: str | None) -> bool:
    """A class/id pair with a caption word among its tokens; cached, as a page's captions
    repeat their classes."""
    tokens = set(_TOKENS.split(f"{cls or ''} {ident or ''}".lower()))
    return bool(tokens & CAPTION_WORDS)


def _next_block(el: HtmlElement) -> HtmlElement | None:
    """The element after ``el``, or after its container when ``el`` ends one."""
    after = el.getnext()
    parent = el.getparent()
    if after is None and parent is not None:
        after = parent.getnext()
    return after if after is not None and isinstance(after.tag, str) else None


def _same_style(caption: HtmlElement, after: HtmlElement | None) -> bool:
    """``after`` is a text block set like ``caption`` (same tag, alignment and style)."""
    return (
        after is not None
        and after.tag == caption.tag
        and after.get("align") == caption.get("align")
        and after.get("style") == caption.get("style")
        and bool(_text(after))
    )


def _image_only(el: HtmlElement) -> bool:
    return isinstance(el.tag, str) and next(el.iter("img"), None) is not None and not _text(el)


def in_body(
    pictures: list[Picture], root: HtmlElement, region: HtmlElement | None
) -> list[Picture]:
    """The pictures still in the pruned tree, inside the body's block ``region``."""
    if region is None:
        return []
    kept = []
    for picture in pictures:
        node: HtmlElement | None = picture.anchor
        inside = False
        while node is not None:
            if node is region:
                inside = True
            parent = node.getparent()
            if parent is None:
                break
            node = parent
        if inside and node is root:
            kept.append(picture)
    return kept


def caption_keys(pictures: list[Picture]) -> set[str]:
    """Squashed captions (and their parts, a caption broken over lines) of the pictures."""
    keys = set()
    for picture in pictures:
        if picture.caption:
            keys.add("".join(picture.caption.split()))
    return keys


def with_lead(
    pictures: list[Picture], lead: str | None, on_page: list[Picture]
) -> list[dict[str, str | None]]:
    """The records in body order, the page's lead picture (og:image, JSON-LD image) first
    when it is not in the body: with its alt and caption where the page shows it (a lead
    figure above the text), else its URL alone."""
    records = [p.record() for p in pictures]
    if not lead or not _LEAD.fullmatch(lead):
        return records
    lead_stem = _stem(lead)
    if any(_same_picture(lead, r["src"] or "", lead_stem) for r in records):
        return records
    shown = next((p for p in on_page if _same_picture(lead, p.src, lead_stem)), None)
    records.insert(0, shown.record() if shown else {"src": lead, "alt": None, "caption": None})
    return records


# A lead picture's URL as structured data should give it (not a list written out as text).
_LEAD = re.compile(r"https?://[^\s'\"\[\]<>]+")


def _same_picture(a: str, b: str, name_a: str) -> bool:
    """The same picture, perhaps at another size or format (``…/w1200/x.jpg``,
    ``x.jpg?w=640``, ``x.webp``); ``name_a`` is ``_stem(a)``."""
    if a == b:
        return True
    # (a stem is part of its URL: a name not in ``b`` cannot be its stem)
    return bool(name_a) and name_a in b and name_a == _stem(b)


def _stem(url: str) -> str:
    """The file name without its extension: a .webp and a .jpg of one picture match."""
    return urlsplit(url).path.rsplit("/", 1)[-1].rsplit(".", 1)[0]

"""The headline: the page's own title sources compared, the site's name taken off."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml.html import HtmlElement

from reader.nfkc import nfkc
from reader.structured import first_link, first_meta, head_first, ld_text
from reader.structured import squash as _squash

TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•:»]\s+|\s*[_｜|]\s*|\s+::\s+|\s*--\s*")


@dataclass(frozen=True)
class TitleSources:
    """What the page itself says its headline is, source by source."""

    structured: str | None = None  # JSON-LD headline
    og: str | None = None
    twitter: str | None = None
    h1: tuple[str, ...] = ()
    document: str | None = None  # <title>, usually with the site's name
    headings: tuple[str, ...] = ()  # h1, title-classed blocks, h2: the fallback's candidates
    slug: frozenset[str] = frozenset()  # the words of the article URL's slug


# How much each source's word counts in the vote. twitter:title is mostly a copy of og:title
# and <title> is the SEO string with the site's name, so they count half: the site's <title>
# alone never outvotes the headline that JSON-LD, og:title and the h1 agree on. A visible h1
# breaks ties between the structured sources.
TITLE_WEIGHTS = {"h1": 1.1, "structured": 1.0, "og": 1.0, "twitter": 0.5, "document": 0.5}
# Which agreeing source's wording is returned: og:title and JSON-LD are plain text typed for
# sharing (JSON-LD's often entity-escaped by the CMS), the h1's text can carry layout (line
# breaks, soft hyphens, kicker spans without a space).
TITLE_WORDING = ("og", "structured", "h1", "twitter", "document")


def title_sources(
    tree: HtmlElement, meta: dict[str, list[str]], ld: dict[str, Any] | None, url: str = ""
) -> TitleSources:
    """The page's title sources, read once; ``url`` is the page's address (for its slug)."""
    head = head_first(tree)
    doc = head.find(".//title") if head is not None else None
    if doc is None:
        doc = tree.find(".//title")
    slug = url_slug(url)
    if not slug:
        link = first_link(tree, "canonical")
        canonical = link.get("href") if link is not None else None
        slug = url_slug(canonical or first_meta(meta, "og:url") or "")
    h1s = [_squash(el.text_content()) for el in islice(tree.iter("h1"), 5)]
    return TitleSources(
        slug=frozenset(slug),
        structured=ld_text((ld or {}).get("headline")),
        og=first_meta(meta, "og:title"),
        twitter=first_meta(meta, "twitter:title"),
        h1=tuple(h1s),
        document=doc.text_content() if doc is not None else None,
        headings=tuple(headings(tree, h1s[:3])),
    )


def page_title(sources: TitleSources, site_names: Iterable[str]) -> str | None:
    """The headline the page's own sources agree on; the old <title> reading when none agree.

    Each source (site name taken off) votes for the candidates it equals, or extends only by
    a separator and a site or section name ("Headline | Site"); comparison ignores case,
    quote style, entities and invisible characters. The candidate with the most weight wins
    if at least two sources back it.
    """
    sites = {_squash(s).lower() for s in site_names if _squash(s)}
    offered: list[tuple[str, str]] = []
    for name in ("structured", "og", "twitter", "document"):
        value = _squash(html.unescape(getattr(sources, name) or ""))
        if value:
            offered.append((name, value))
    offered.extend(("h1", _squash(h)) for h in sources.h1 if 4 <= len(_squash(h)) <= 300)
    best: tuple[float, int, str] | None = None
    # Each source's keys (whole, and without the site's name), read once: every candidate
    # asks every source whether it backs it.
    stripped = [_strip_site(t, sites) for _, t in offered]
    keyed = [
        (n, _keys(title_key(t), title_key(s))) for (n, t), s in zip(offered, stripped, strict=True)
    ]
    for rank, (name, text) in enumerate(offered):
        if name == "document":
            candidate = _strip_site(text, sites, drop_short_tail=True)
            key = title_key(candidate)
        else:  # the source without the site's name, and its key: read above
            candidate, key = stripped[rank], keyed[rank][1][1]
        if len(key) < 4 or key in sites:
            continue
        bare = _NOT_WORD.sub("", key)
        backers = {n for n, keys in keyed if _backs(keys, key, bare)}
        if len(backers) < 2:
            continue
        score = sum(TITLE_WEIGHTS[n] for n in backers)
        if best is None or score > best[0]:
            wording = next(
                (
                    said
                    for w in TITLE_WORDING
                    for i, (n, t) in enumerate(offered)
                    if n == w
                    and (said := _as_said(t, key, sites, (stripped[i], *keyed[i][1][:2])))
                    is not None
                ),
                candidate,
            )
            best = (score, rank, wording)
    if best is not None:
        spelled = _spelled_by_slug(sources, sites)
        if spelled is not None and title_key(spelled) != title_key(best[2]):
            return spelled
        winner = _without_kicker(best[2], sources.og)
        return _without_other_kicker(winner, [t for n, t in offered if TITLE_WEIGHTS[n] >= 1])
    return clean_title(
        sources.document,
        [sources.structured or "", sources.og or "", *sources.headings],
        site_names,
    )


# A slug spells one headline when it fits it this well (F1 of words) ...
SLUG_FIT = 0.85
# ... and the other headline this much worse.
SLUG_MARGIN = 0.3


def _spelled_by_slug(sources: TitleSources, sites: set[str]) -> str | None:
    """JSON-LD's headline or og:title, where they differ and the URL's slug spells one of them.

    A publisher that gives two headlines (an SEO or social headline beside the article's)
    writes the slug from the headline the article was filed under; the slug is the page's
    own word on which of the two is the article's. No decision where the slug fits both,
    neither, or is missing."""
    if not sources.slug or not sources.structured or not sources.og:
        return None
    pair = [_strip_site(_squash(html.unescape(t)), sites) for t in (sources.structured, sources.og)]
    keys = [title_key(t) for t in pair]
    if keys[0] == keys[1] or _same_words(*keys):
        return None
    fits = [_slug_fit(sources.slug, key) for key in keys]
    for i in (0, 1):
        if fits[i] >= SLUG_FIT and fits[1 - i] <= fits[i] - SLUG_MARGIN:
            return pair[i]
    return None


_FOLDS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ø": "oe", "æ": "ae", "å": "aa"}
)


def _folded(word: str) -> set[str]:
    """How a word is written in a URL: accents dropped ("tårene" -> "tarene") or spelled out
    ("grünen" -> "gruenen", "går" -> "gaar")."""
    forms = set()
    for form in (word, word.translate(_FOLDS)):
        plain = unicodedata.normalize("NFKD", form)
        forms.add("".join(c for c in plain if not unicodedata.combining(c)))
    return forms


def _slug_fit(slug: frozenset[str], key: str) -> float:
    """F1 of the slug's words against the headline's words (each in its URL spellings)."""
    words = [_folded(w) for w in re.findall(r"\w+", key)]
    if not words:
        return 0.0
    spelled = set().union(*words)
    precision = sum(1 for w in slug if w in spelled) / len(slug)
    recall = sum(1 for forms in words if forms & slug) / len(words)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


_SLUG_SPLIT = re.compile(r"[-_+,.]+")
_ID_WORD = re.compile(r"[a-z]*\d+[a-z\d]*")


def url_slug(url: str) -> list[str]:
    """The words of a URL's slug: the path segment with the most words, ids and the file
    extension dropped ("/politik/article409956720/ampeln-tot-s-bahnen.html" gives
    ampeln, tot, s, bahnen); [] when no segment has three words."""
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return []
    best: list[str] = []
    for segment in path.split("/"):
        segment = re.sub(r"\.[a-z]{2,5}$", "", segment.lower())
        words = [
            w
            for w in _SLUG_SPLIT.split(segment)
            if w and not (_ID_WORD.fullmatch(w) and not (w.isdigit() and len(w) <= 4))
        ]
        if len(words) > len(best):
            best = words
    return best if len(best) >= 3 else []


# A kicker ("Dachzeile", topic label) before the headline: "Olympische Spiele: Headline".
_KICKER_SEP = re.compile(r"\s*(?::|\s[-–—|/])\s+$")


def _without_kicker(winner: str, og: str | None) -> str:
    """The headline without the kicker where ``og:title`` says it without one.

    A kicker is often set inside the ``<h1>`` (a span) and copied into JSON-LD; ``og:title``,
    the headline the publisher typed for sharing, leaves it out. When the winner is exactly
    ``og:title`` with a short label and a separator in front, the label is the kicker."""
    if not og:
        return winner
    og_text = _squash(html.unescape(og))
    full, tail = title_key(winner), title_key(og_text)
    if len(tail.split()) < 3 or full == tail or not full.endswith(tail):
        return winner
    head = full[: len(full) - len(tail)]
    label = _KICKER_SEP.sub("", head)
    if label == head or not label or len(label.split()) > 6 or len(label) > len(tail):
        return winner
    return og_text


# Where a kicker ends and the headline starts: "Kicker: Headline", "Kicker - Headline".
_KICKER_SPLIT = re.compile(r"\s*:\s+|\s+[-–—|/]\s+")


def _without_other_kicker(winner: str, others: Iterable[str]) -> str:
    """The headline two sources share under different kickers.

    og:title may say "Topic A: Headline" where the h1 says "Topic B - Headline" (a kicker
    span): they agree on the headline, on neither kicker, so the headline alone is returned.
    A source that is the winner with one more label in front ("Section | Topic: Headline")
    names no other kicker, nor does one that shares a word with the winner's kicker."""
    splits = list(_kicker_splits(winner))
    if not splits:
        return winner
    bare = _NOT_WORD.sub("", title_key(winner))
    for other in others:
        other_bare = _NOT_WORD.sub("", title_key(other))
        if not other_bare or bare.endswith(other_bare) or other_bare.endswith(bare):
            continue  # the same headline, or it under one more kicker: no second kicker
        for other_head, other_tail in _kicker_splits(other):
            for head, tail in splits:
                if title_key(tail) == title_key(other_tail) and _distinct(head, other_head):
                    return tail
    return winner


def _distinct(head: str, other: str) -> bool:
    """Two kickers with no word in common: "HS Roundup" and "High School Roundup" are one
    kicker spelled two ways, not two."""
    words = set(re.findall(r"\w+", title_key(head)))
    return not words & set(re.findall(r"\w+", title_key(other)))


def _kicker_splits(text: str) -> Iterator[tuple[str, str]]:
    """(kicker, headline) for each place a short label of at most six words could end."""
    for match in _KICKER_SPLIT.finditer(text):
        head, tail = text[: match.start()].strip(), text[match.end() :].strip()
        if head and len(head.split()) <= 6 and len(tail.split()) >= 3:
            yield head, tail


# title_key's character mapping: invisible marks dropped, quotes and dashes made plain (one
# pass: no character is both replaced and a replacement).
_KEY_CHARS = str.maketrans(
    {
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"),
        **dict.fromkeys("‘’‚‛´`", "'"),
        **dict.fromkeys("“”„‟«»‹›", '"'),
        **dict.fromkeys("–—―", "-"),
    }
)


def title_key(text: str) -> str:
    """A title reduced for comparison: case, quote style, entities, invisible marks ignored."""
    text = nfkc(html.unescape(text)).translate(_KEY_CHARS)
    return " ".join(text.split()).casefold()


def _as_said(
    text: str, key: str, sites: set[str], read: tuple[str, str, str] | None = None
) -> str | None:
    """``text``'s own wording of the headline ``key``: it whole, or cut before its tail.
    ``read``: ``text`` without the site's name (``_strip_site``), ``text``'s key and that
    one's, where the caller has them."""
    stripped, whole_key, stripped_key = read or (_strip_site(text, sites), "", "")
    if read is None:
        whole_key, stripped_key = title_key(text), title_key(stripped)
    if whole_key == key or _same_words(whole_key, key):
        return text
    if stripped_key == key or _same_words(stripped_key, key):
        return stripped
    for match in _TRAILING_SEP.finditer(text):
        head = text[: match.start()].rstrip()
        if title_key(head) == key:
            return head
    return None


def _keys(whole: str, stripped: str) -> tuple[str, str, str, str]:
    """A source's ``title_key``, that of it without the site's name (``_strip_site``), and
    both without punctuation and spacing (``_same_words``'s forms), read once a source."""
    return whole, stripped, _NOT_WORD.sub("", whole), _NOT_WORD.sub("", stripped)


def _backs(keys: tuple[str, str, str, str], key: str, bare: str) -> bool:
    """A text says ``key``: equal to it, or to it plus a separated tail ("Headline | Site").
    ``keys`` are the text's (``_keys``), ``bare`` is ``key`` without punctuation and spacing.

    A kicker before the headline ("Section: Headline") is not taken off: where the sources
    carry it, it is part of the headline they agree on."""
    whole, stripped, whole_bare, stripped_bare = keys
    if whole == key or stripped == key:
        return True
    if len(bare) >= 8 and bare in (whole_bare, stripped_bare):  # _same_words
        return True
    if whole.startswith(key):
        return _TRAILING_SEP.match(whole[len(key) :]) is not None
    return False


_TRAILING_SEP = re.compile(r"\s*[|\-·•:»_｜/]")
_NOT_WORD = re.compile(r"[\W_]+")


def _same_words(a: str, b: str) -> bool:
    """Two keys that differ only in punctuation and spacing: "Label / Headline" written
    "Label Headline" in the ``<title>`` and "LabelHeadline" in the h1 (a kicker span with no
    space after it) are one headline."""
    bare = _NOT_WORD.sub("", a)
    return len(bare) >= 8 and bare == _NOT_WORD.sub("", b)


def clean_title(raw: str | None, headings: Iterable[str], site_names: Iterable[str]) -> str | None:
    """The headline without the portal's prefix or suffix.

    A heading (JSON-LD headline, og:title, h1) that the ``<title>`` contains is the headline;
    otherwise the ``<title>`` is split on separators and the parts naming the site, or the
    shorter trailing part, are dropped.
    """
    raw = _squash(raw)
    candidates = [_squash(h) for h in headings if _squash(h)]
    sites = {_squash(s).lower() for s in site_names if _squash(s)}
    for heading in candidates:
        stripped = _strip_site(heading, sites)
        if raw and stripped and stripped in raw and len(stripped) >= 4:
            return stripped
    if not raw:
        return _strip_site(candidates[0], sites) if candidates else None
    return _strip_site(raw, sites, drop_short_tail=True)


def _strip_site(title: str, sites: set[str], drop_short_tail: bool = False) -> str:
    parts = [p for p in TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    seps = TITLE_SEPARATORS.findall(title)
    keep = [not _is_site_part(p, sites) for p in parts]
    if all(keep) and drop_short_tail:
        longest = max(range(len(parts)), key=lambda i: len(parts[i]))
        # Portal names sit at one end; keep everything from/to the longest part.
        if longest == 0:
            keep = [True] + [False] * (len(parts) - 1)
        elif longest == len(parts) - 1:
            keep = [False] * (len(parts) - 1) + [True]
        if len(parts) > 2 and longest not in (0, len(parts) - 1):
            keep = [False] + [True] * (len(parts) - 2) + [False]
    if not any(keep):
        return title
    first = keep.index(True)
    last = len(keep) - 1 - keep[::-1].index(True)
    out = parts[first]
    for i in range(first + 1, last + 1):
        out += seps[i - 1] + parts[i]
    return out.strip()


def _is_site_part(part: str, sites: set[str]) -> bool:
    low = part.strip().lower()
    if low in sites:
        return True
    return any(low and (low in s or s in low) and len(low) <= len(s) + 4 for s in sites)


def headings(tree: HtmlElement, h1s: list[str] | None = None) -> list[str]:
    """Visible top headings, most likely headline first (``h1s``: the first three h1s'
    texts, squashed, where the caller read them: the tree is not walked for them again)."""
    if h1s is None:
        h1s = [_squash(el.text_content()) for el in islice(tree.iter("h1"), 3)]
    found = [text for text in h1s if 4 <= len(text) <= 300]
    # tree.iter(tag) filters in C; the same XPath predicates were evaluated on every element.
    for elements in (_titled_blocks(tree), tree.iter("h2")):
        for el in islice(elements, 3):
            text = _squash(el.text_content())
            if 4 <= len(text) <= 300:
                found.append(text)
    return found


def _titled_blocks(tree: HtmlElement) -> Iterator[HtmlElement]:
    """``//*[contains(@class,'title')][self::h2 or self::div][1]``: each parent's first h2 or
    div child whose class contains "title", in document order."""
    parents: set[HtmlElement | None] = set()
    for el in tree.iter("h2", "div"):
        if "title" in (el.get("class") or ""):
            parent = el.getparent()
            if parent not in parents:
                parents.add(parent)
                yield el

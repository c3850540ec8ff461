"""The headline: the page's own title sources compared, the site's name taken off."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice

from lxml.html import HtmlElement

from pipelines.extraction.structured import squash as _squash

TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•:»]\s+|\s*[_｜|]\s*|\s+::\s+|\s*--\s*")


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


def headings(tree: HtmlElement) -> list[str]:
    """Visible top headings, most likely headline first."""
    found = []
    # tree.iter(tag) filters in C; the same XPath predicates were evaluated on every element.
    for elements in (tree.iter("h1"), _titled_blocks(tree), tree.iter("h2")):
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

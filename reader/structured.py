"""Structured data a page declares about itself: JSON-LD objects and ``<meta>`` tags.

The other metadata modules read these; this module imports none of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from reader.urls import join_http

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "liveblogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
    "posting",
    "socialmediaposting",
}
LISTING_TYPES = {"collectionpage", "itemlist", "website", "searchresultspage", "profilepage"}


# --- The head first ----------------------------------------------------------------------


def head_first(tree: HtmlElement) -> HtmlElement | None:
    """The ``<head>`` of an ``<html>`` tree when it is the tree's first child, else None.

    Its subtree then comes first in document order, so the first match of a search inside
    it is the first in the whole tree: a head element (``<title>``, a canonical ``<link>``)
    is found without walking the body, which costs far more than its handful of elements.
    Only where the head holds none must the whole tree be searched."""
    if tree.tag == "html" and len(tree):
        first = tree[0]
        if first.tag == "head":
            return first
    return None


def first_link(tree: HtmlElement, rel: str, with_href: bool = False) -> HtmlElement | None:
    """The first ``<link rel="{rel}">`` of the tree (with an href when ``with_href``), in
    document order; looked for in the head first (``head_first``)."""
    head = head_first(tree)
    for root in (tree,) if head is None else (head, tree):
        for el in root.iter("link"):
            if el.get("rel") == rel and (not with_href or el.get("href") is not None):
                return el
    return None


# --- JSON-LD ------------------------------------------------------------------------------


def json_ld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` members flattened."""
    found: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if script.get("type") != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:
                data = json.loads(re.sub(r"[\x00-\x1f]", " ", raw))
            except ValueError:
                continue
        found.extend(_flatten_ld(data))
    return found


def _flatten_ld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _flatten_ld(entry)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten_ld(data["@graph"])


def ld_types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def ld_article(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The JSON-LD object that describes the article itself, if any."""
    for obj in objects:
        if ld_types(obj) & ARTICLE_TYPES:
            return obj
    return None


def ld_text(value: Any) -> str | None:
    """A JSON-LD value as text: the first of a list, an object's name, value or URL, as deep as
    they nest (an ImageObject whose ``url`` is a list of URLs); never a list's or an object's
    printed form."""
    for _ in range(8):
        if isinstance(value, list):
            value = value[0] if value else None
        elif isinstance(value, dict):
            value = value.get("name") or value.get("@value") or value.get("url")
        else:
            break
    if value is None or isinstance(value, (list, dict)):
        return None
    text = " ".join(str(value).split())  # re.sub(r"\s+", " ", ...).strip(), faster
    return text or None


# --- meta tags --------------------------------------------------------------------------------


def meta_values(tree: HtmlElement) -> dict[str, list[str]]:
    """``<meta>`` contents keyed by lower-cased name/property/itemprop."""
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        content = meta.get("content")
        if key and content and content.strip():
            values.setdefault(key.strip().lower(), []).append(content.strip())
    return values


def first_meta(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key][0]
    return None


def squash(text: str | None) -> str:
    """Whitespace runs as one space, ends trimmed; None as ""."""
    # str.split() splits where re's \s+ matches: the same as re.sub(r"\s+", " ", t).strip().
    return " ".join(text.split()) if text else ""


def absolute(url: str | None, base: str) -> str | None:
    if not url:
        return None
    try:  # a page-provided URL (canonical, og:url, image) may not parse: "http://[x]"
        return join_http(base, url.strip())
    except ValueError:
        return None

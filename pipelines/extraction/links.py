"""A page's links, read from the tree the reader already parsed (the spider parses nothing).

One pass over the page's ``<a>`` and ``<area>`` elements gives both the URLs the crawl
follows and the teaser-link count the article/listing decision uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

# Anchor text at least this long (whitespace collapsed) reads like a headline: a teaser.
TEASER_TEXT_CHARS = 8
_SCHEMES = ("http://", "https://")


@dataclass
class PageLinks:
    """``follow``: absolute http(s) URLs, unique, in page order, fragments dropped, resolved
    against ``<base href>`` like a browser; ``teasers``: same-host links with headline-like text
    (resolved against the page URL, as before links were collected here)."""

    follow: list[str] = field(default_factory=list)
    teasers: int = 0


def read_links(tree: HtmlElement, url: str) -> PageLinks:
    """The page's links and teaser count in one pass; call before chrome is pruned."""
    base = _base_href(tree, url)
    host = urlsplit(url).netloc
    links = PageLinks()
    seen: set[str] = set()
    for a in tree.iter("a", "area"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        target = href if href.startswith(_SCHEMES) else urljoin(base, href)
        target = target.split("#", 1)[0]
        if target.startswith(_SCHEMES) and target not in seen:
            seen.add(target)
            links.follow.append(target)
        if a.tag == "a" and _is_teaser(a, href, url, host):
            links.teasers += 1
    return links


def _base_href(tree: HtmlElement, url: str) -> str:
    base = tree.find(".//base[@href]")
    return urljoin(url, base.get("href").strip()) if base is not None else url


def _is_teaser(a: HtmlElement, href: str, url: str, host: str) -> bool:
    if len(" ".join(a.text_content().split())) < TEASER_TEXT_CHARS:
        return False
    parts = urlsplit(href if href.startswith(_SCHEMES) else urljoin(url, href))
    return (
        parts.scheme in ("http", "https") and parts.netloc == host and parts.path not in ("", "/")
    )

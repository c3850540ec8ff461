"""A page's links, read from the tree the reader already parsed (the spider parses nothing).

One pass over the page's ``<a>`` and ``<area>`` elements gives both the URLs the crawl
follows and the headline-like anchors the article/listing decision uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from reader.structured import head_first
from reader.urls import fetchable, join, split_http

# Anchor text at least this long (whitespace collapsed) reads like a headline: a teaser.
HEADLINE_CHARS = 8
_SCHEMES = ("http://", "https://")


@dataclass
class PageLinks:
    """``follow``: absolute http(s) URLs, unique, in page order, fragments dropped, resolved
    against ``<base href>`` like a browser; ``headlines``: anchor texts (8+ characters) of
    links to another page of the same host (resolved against the page URL); ``bad``: hrefs
    skipped because they make no fetchable URL (``http://[x]``, a bad port, a control
    character), counted once per distinct href."""

    follow: list[str] = field(default_factory=list)
    headlines: set[str] = field(default_factory=set)
    bad: int = 0
    cut: int = 0  # hrefs not looked at: the limit of on-site links was reached
    # The text (spaces collapsed) of each <a> with an href, for the pagination's reading.
    texts: dict[HtmlElement, str] = field(default_factory=dict)


def read_links(
    tree: HtmlElement, url: str, prefixes: tuple[str, ...] = (), limit: int = 0
) -> PageLinks:
    """The page's links and headline anchors in one pass; call before chrome is pruned.

    With a ``limit``, links stop being resolved once ``limit`` of them start with one of
    ``prefixes`` (any link, without prefixes): the hrefs left are counted in ``cut``, so a
    page with a flood of links costs a bounded amount of work.
    """
    head = head_first(tree)
    if head is None:
        return _read_links(tree, url, _base_href(tree, url), prefixes, limit, False) or PageLinks()
    found = head.find(".//base[@href]")
    if found is not None:
        return _read_links(tree, url, _base_of(found, url), prefixes, limit, False) or PageLinks()
    # No <base> in the head (most pages): the walk of the links watches for one in the
    # body, and a page that has one is read again with it (it applies to every link).
    links = _read_links(tree, url, url, prefixes, limit, True)
    if links is None:
        links = _read_links(tree, url, _base_href(tree, url), prefixes, limit, False)
    return links or PageLinks()


def _read_links(
    tree: HtmlElement, url: str, base: str, prefixes: tuple[str, ...], limit: int, watch: bool
) -> PageLinks | None:
    """``read_links`` with the base URL known; with ``watch``, None as soon as a ``<base
    href>`` turns up (the base was assumed to be the page's URL)."""
    origin = _origin(base)
    host = _netloc(url)
    links = PageLinks()
    texts, headlines, follow = links.texts, links.headlines, links.follow
    seen: set[str] = set()
    # Pages repeat hrefs (nav, teaser image + title): resolve and test each href once.
    on_site: dict[str, bool] = {}
    resolved: set[str] = set()
    hosts: dict[str, bool] = {}
    kept = 0
    for a in tree.iter("a", "area", "base"):
        href = a.get("href")
        if not href or not (href := href.strip()):
            # (A blank <base href> matters only before another <base>: that one is watched.)
            continue
        tag = a.tag  # read only for an element with an href
        if tag == "base":
            if watch:
                return None
            continue
        if tag == "a":
            # A leaf anchor's text is its text_content(), without an XPath evaluation.
            text = " ".join((a.text_content() if len(a) else a.text or "").split())
            texts[a] = text
            if len(text) >= HEADLINE_CHARS:
                same = on_site.get(href)
                if same is None:
                    try:
                        same = _same_site_path(href, url, host)
                    except ValueError:  # counted below, where the href is resolved
                        same = False
                    on_site[href] = same
                if same:
                    headlines.add(text)
        if href in resolved or href.startswith(_SKIPPED):
            continue
        resolved.add(href)
        if limit and kept >= limit:
            links.cut += 1
            continue
        try:
            if href.startswith(_SCHEMES):
                target, checked = href, False
            elif origin is not None and _ROOTED.match(href):
                # The shared origin parsed, and a path cannot make the URL unfetchable.
                target, checked = _join_rooted(origin, href), True
            else:
                target, checked = join(base, href), False
        except ValueError:
            links.bad += 1
            continue
        if "#" in target:
            target = target.split("#", 1)[0]
        if target in seen or not target.startswith(_SCHEMES):
            continue
        if not checked and not _fetchable_host(target, hosts):
            links.bad += 1
            continue
        seen.add(target)
        follow.append(target)
        if not prefixes or target.startswith(prefixes):
            kept += 1
    return links


_SKIPPED = ("#", "javascript:", "mailto:", "tel:", "data:")


# An http(s) URL's scheme and authority, as urlsplit cuts them (up to the first "/", "?" or "#").
_AUTHORITY = re.compile(r"https?://[^/?#]*")


def _fetchable_host(target: str, hosts: dict[str, bool]) -> bool:
    """``fetchable(target)`` for an http(s) URL, remembered per scheme and authority (all it
    reads of the URL): a page's links share a few hosts. A URL with a tab or a line break
    is asked whole, as urlsplit deletes those before cutting."""
    if "\t" in target or "\r" in target or "\n" in target:
        return fetchable(target)
    match = _AUTHORITY.match(target)
    if match is None:
        return fetchable(target)
    key = match.group()
    known = hosts.get(key)
    if known is None:
        known = hosts[key] = fetchable(key)
    return known


def _base_href(tree: HtmlElement, url: str) -> str:
    """The URL relative links resolve against: ``<base href>``, unless it is unusable."""
    base = tree.find(".//base[@href]")
    return url if base is None else _base_of(base, url)


def _base_of(base: HtmlElement, url: str) -> str:
    """The URL a ``<base href>`` element makes, unless it is unusable (then ``url``)."""
    try:
        joined = join(url, base.get("href").strip())
    except ValueError:
        return url
    return joined if fetchable(joined) else url


def _netloc(url: str) -> str:
    try:
        return urlsplit(url).netloc
    except ValueError:
        return ""


def _origin(base: str) -> str | None:
    """``scheme://host/`` of an http(s) base URL: all a rooted href is resolved against."""
    if not base.startswith(_SCHEMES):
        return None
    try:
        parts = urlsplit(base)
        parts.port  # noqa: B018 - a bad port makes every join fail: no shared origin
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}/" if parts.netloc else None


# A rooted href ("/a/b") reads only the base's scheme and host, so its join is shared by
# every page of the site (menus repeat on every page): "/path", not "//host" and free of the
# tab/newline bytes urlsplit deletes (which could turn it into "//"): urljoin then never
# reads the base's path or query.
_ROOTED = re.compile(r"/(?!/)[^\t\r\n]*\Z")


@lru_cache(maxsize=4096)
def _join_rooted(origin: str, href: str) -> str:
    return join(origin, href)


def _same_site_path(href: str, url: str, host: str) -> bool:
    """A link to a page of this host other than its home; urljoin only when it can matter."""
    if href.startswith(("#", "?")):
        return False
    if ":" not in href.split("/", 1)[0] and not href.startswith("//"):
        return href != "/"  # relative: this host; "/" is the home page
    if href.startswith(_SCHEMES) and ";" not in href:
        # Absolute with a host: urljoin would hand back the same scheme, host and path (";"
        # is left to it: it moves path parameters, "/;" becomes "/").
        split = split_http(href)
        if split is None:
            parts = urlsplit(href)
            split = (parts.netloc, parts.path)
        netloc, path = split
        if netloc:
            return netloc == host and path not in ("", "/")
    parts = urlsplit(join(url, href))
    on_host = parts.scheme in ("http", "https") and parts.netloc == host
    return on_host and parts.path not in ("", "/")

"""Finding article URLs in sitemaps, RSS/Atom feeds, robots.txt and HTML ``<link>`` tags.

Pure functions over bytes, no Scrapy. XML is parsed without entity resolution, without
network access and without lxml's huge-tree mode, so a hostile sitemap cannot read files,
call out, or blow up memory; gzip is inflated under a size cap.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from lxml import etree, html
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.canonical import fetchable

# A sitemap or feed larger than this (after gunzip) is not read: the sitemaps.org limit is 50 MB.
MAX_XML_BYTES = 50 * 1024 * 1024
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
_GZIP_MAGIC = b"\x1f\x8b"
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DiscoveryError(ValueError):
    """A sitemap or feed that cannot be read (bad XML, too large, bad gzip)."""


@dataclass(frozen=True)
class Entry:
    """One URL found in a sitemap or feed, with the date that says when it last changed."""

    url: str
    changed: datetime | None = None
    title: str | None = None


@dataclass(frozen=True)
class SitemapDocument:
    """A parsed sitemap: either an index of child sitemaps or a set of page entries."""

    is_index: bool
    entries: list[Entry]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
        load_dtd=False,
    )


def inflate(body: bytes, limit: int = MAX_XML_BYTES) -> bytes:
    """``body`` un-gzipped when it is gzip, refusing output over ``limit`` bytes."""
    if not body.startswith(_GZIP_MAGIC):
        if len(body) > limit:
            raise DiscoveryError(f"document larger than {limit} bytes")
        return body
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            while chunk := stream.read(64 * 1024):
                out.write(chunk)
                if out.tell() > limit:
                    raise DiscoveryError(f"gzip inflates beyond {limit} bytes")
    except (OSError, EOFError, zlib.error) as exc:
        raise DiscoveryError(f"bad gzip: {exc}") from None
    return out.getvalue()


def parse_xml(body: bytes) -> etree._Element:
    """The root element of a (possibly gzipped) XML document, parsed safely."""
    data = inflate(body)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"bad XML: {exc}") from None
    if root is None:
        raise DiscoveryError("empty XML document")
    return root


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *names: str) -> str | None:
    """Text of the first direct or grandchild element with one of the local ``names``."""
    for child in element.iter():
        if child is not element and _local(child.tag) in names and child.text:
            return child.text.strip()
    return None


def join(base_url: str, href: str) -> str:
    """``href`` resolved against ``base_url``; "" when it makes no URL (``http://[x]/``, a bad
    port): one bad entry must not cost the rest of its sitemap or feed."""
    try:
        joined = urljoin(base_url, href)
    except ValueError:
        return ""
    return joined if fetchable(joined) else ""


def parse_date(value: str | None) -> datetime | None:
    """W3C datetime, ISO 8601 date or RFC 822 date as an aware UTC datetime; None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if _DATE_ONLY.match(value):
        # A bare date may hide a change later that day: read it as the day's last second.
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None
        return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_sitemap(body: bytes, base_url: str) -> SitemapDocument:
    """A urlset or sitemapindex: URLs with lastmod (or news:publication_date) and news:title."""
    root = parse_xml(body)
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise DiscoveryError(f"not a sitemap (root element <{kind}>)")
    item_tag = "sitemap" if kind == "sitemapindex" else "url"
    entries = []
    for node in root:
        if _local(node.tag) != item_tag:
            continue
        loc = _child_text(node, "loc")
        if not loc:
            continue
        changed = parse_date(_child_text(node, "lastmod")) or parse_date(
            _child_text(node, "publication_date")
        )
        title = _child_text(node, "title")
        entries.append(Entry(join(base_url, loc), changed, title))
    return SitemapDocument(kind == "sitemapindex", entries)


def parse_feed(body: bytes, base_url: str) -> list[Entry]:
    """Entries of an RSS 2.0 (or RSS 1.0/RDF) or Atom feed: link, date, title."""
    root = parse_xml(body)
    kind = _local(root.tag)
    if kind == "feed":
        return [_atom_entry(node, base_url) for node in root if _local(node.tag) == "entry"]
    if kind in ("rss", "rdf"):
        return [
            entry
            for node in root.iter()
            if _local(node.tag) == "item" and (entry := _rss_entry(node, base_url)).url
        ]
    raise DiscoveryError(f"not a feed (root element <{kind}>)")


def _rss_entry(node: etree._Element, base_url: str) -> Entry:
    link = _child_text(node, "link") or ""
    if not link:
        guid = next((c for c in node if _local(c.tag) == "guid"), None)
        if guid is not None and guid.get("isPermaLink", "true") != "false" and guid.text:
            link = guid.text.strip()
    changed = parse_date(_child_text(node, "pubdate", "date", "updated"))
    return Entry(join(base_url, link) if link else "", changed, _child_text(node, "title"))


def _atom_entry(node: etree._Element, base_url: str) -> Entry:
    links = [c for c in node if _local(c.tag) == "link"]
    chosen = next((c for c in links if c.get("rel", "alternate") == "alternate"), None)
    href = chosen.get("href", "") if chosen is not None else ""
    changed = parse_date(_child_text(node, "updated")) or parse_date(_child_text(node, "published"))
    return Entry(join(base_url, href) if href else "", changed, _child_text(node, "title"))


def robots_sitemaps(robots_txt: str, base_url: str) -> list[str]:
    """The ``Sitemap:`` URLs a robots.txt lists (Scrapy's reader; each URL joined here, so that
    one unjoinable URL costs only itself)."""
    listed = sitemap_urls_from_robots(robots_txt.encode("utf-8", "replace"), base_url=None)
    return [url for value in listed if (url := join(base_url, value))]


def feed_links(page_html: str, base_url: str) -> list[str]:
    """Feeds an HTML page announces with ``<link rel="alternate" type="application/rss+xml">``."""
    try:
        tree = html.fromstring(page_html)
    except (etree.ParserError, ValueError):
        return []
    found = []
    for link in tree.iterfind(".//link"):
        rels = (link.get("rel") or "").lower().split()
        ctype = (link.get("type") or "").lower().strip()
        href = (link.get("href") or "").strip()
        if (
            "alternate" in rels
            and ctype in FEED_TYPES[:2]
            and href
            and (url := join(base_url, href))
        ):
            found.append(url)
    return found


def parse_since(value: str) -> datetime:
    """``YYYY-MM-DD`` or an ISO date-time as an aware UTC datetime; ValueError otherwise."""
    value = value.strip()
    if _DATE_ONLY.match(value):
        day = date.fromisoformat(value)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    parsed = parse_date(value)
    if parsed is None or not value[:4].isdigit():
        raise ValueError(f"not a date: {value!r}")
    return parsed

"""Parsing untrusted XML (sitemaps, RSS/Atom feeds) without entity expansion or network access.

A sitemap or feed is read from the web like any page: it may hold a "billion laughs" entity
bomb, external entities pointing at local files or internal URLs (XXE), or be a gzip bomb.
``parse_xml`` refuses all of these with XMLRefused instead of resolving anything.
"""

from __future__ import annotations

import re
import zlib

import lxml.etree

# Sitemaps are at most 50 MB uncompressed (sitemaps.org); feeds are far smaller.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
# Any entity declaration is refused: sitemaps and feeds never need one, bombs always do.
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


class XMLRefused(ValueError):
    """The document is not parsed: too large, has entity declarations, or is not XML."""


def _parser() -> lxml.etree.XMLParser:
    return lxml.etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip data, refusing output past ``max_bytes`` (a gzip bomb stops early)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise XMLRefused(f"bad gzip data: {exc}") from None
    if len(out) > max_bytes:
        raise XMLRefused(f"too large: more than {max_bytes} bytes when decompressed")
    return out


def parse_xml(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> lxml.etree._Element:
    """The root element of ``data`` (plain or gzip XML); XMLRefused when it is unsafe.

    Never resolves entities, never loads a DTD, never touches the network or local files.
    """
    if len(data) > max_bytes:
        raise XMLRefused(f"too large: {len(data)} bytes (limit {max_bytes})")
    if data.startswith(_GZIP_MAGIC):
        data = gunzip_capped(data, max_bytes)
    if _ENTITY_DECLARATION.search(data):
        raise XMLRefused("entity declarations are not allowed")
    try:
        root = lxml.etree.fromstring(data, parser=_parser())
    except lxml.etree.XMLSyntaxError as exc:
        raise XMLRefused(f"not well-formed XML: {exc}") from None
    if root is None:
        raise XMLRefused("empty document")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None and list(docinfo.internalDTD.iterentities()):
        raise XMLRefused("entity declarations are not allowed")
    return root

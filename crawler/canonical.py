"""URL canonicalisation: one article, one identity, however many URLs carry it.

Two forms:

- ``clean_url(url)`` is still a fetchable URL: tracking parameters, fragments, default
  ports, ``index.html`` and AMP switches removed. The spider requests this form.
- ``url_key(url)`` is an identity, not a URL to fetch: ``clean_url`` plus scheme dropped,
  ``www.``/``m.``/``wap.``/``amp.`` host prefixes and ``/m/``, ``/amp/`` path variants folded.
  Requests, the state store and the dedupe stage all compare keys.

Pure functions, no Scrapy: tested on strings alone.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

# Re-exported: the spider and discovery ask the reader's question, and a URL's query is cleaned
# the same way where the reader tells an article's pages apart.
from reader.urls import clean_query as clean_query
from reader.urls import fetchable as fetchable

# Leaf names that mean "the directory itself".
INDEX_LEAVES = re.compile(r"/(index|default)\.(s?html?|php|aspx?)$", re.I)
# Host prefixes of mobile, AMP and www variants of the same site.
HOST_VARIANTS = re.compile(r"^(www\d*|m|wap|mobile|amp)\.", re.I)
# Path variants: a leading /m/, /amp/ or /mobile/ segment, a trailing /amp segment or .amp leaf.
PATH_PREFIX_VARIANTS = re.compile(r"^/(m|amp|mobile|wap)(?=/)", re.I)
PATH_SUFFIX_VARIANTS = re.compile(r"(/amp/?|\.amp)$", re.I)
DEFAULT_PORTS = {"http": 80, "https": 443}


def _netloc(scheme: str, host: str, port: int | None) -> str:
    if port is None or DEFAULT_PORTS.get(scheme) == port:
        return host
    return f"{host}:{port}"


def clean_url(url: str) -> str:
    """A fetchable URL for the same page without tracking, fragment, default port or index leaf.

    Unparseable URLs (bad port, a bracketed host that is no IPv6 address) come back stripped
    of their fragment only; ``fetchable`` tells them apart.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.split("#", 1)[0]
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    path = INDEX_LEAVES.sub("/", parts.path or "/") or "/"
    return urlunsplit((scheme, _netloc(scheme, host, port), path, clean_query(parts.query), ""))


# The keys made last: the spider keys a link when it requests it, the dedupe stage keys the
# page's URL and canonical URL (mostly that same URL) when its article comes back.
@lru_cache(maxsize=4096)
def url_key(url: str) -> str:
    """The identity of the page at ``url``: equal for its tracking, mobile and AMP variants."""
    try:
        parts = urlsplit(clean_url(url))
        port = parts.port
    except ValueError:
        return url.split("#", 1)[0]
    host = parts.hostname or ""
    while HOST_VARIANTS.match(host) and host.count(".") >= 2:
        host = HOST_VARIANTS.sub("", host, count=1)
    path = PATH_PREFIX_VARIANTS.sub("", parts.path)
    path = PATH_SUFFIX_VARIANTS.sub("", path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    netloc = _netloc(parts.scheme, host, port)
    return f"{netloc}{path}" + (f"?{parts.query}" if parts.query else "")

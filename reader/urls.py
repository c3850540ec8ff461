"""Which URLs can be fetched at all: the reader skips links that are none, and the crawl's
spider and discovery ask the same question (``crawler.canonical`` re-exports it)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Characters no host name holds: controls and space (a path may hold them: Scrapy escapes it).
_BAD_HOST = re.compile(r"[\x00-\x20\x7f]")


def fetchable(url: str) -> bool:
    """An absolute http(s) URL that parses: a host without control characters or spaces, a
    port that is a number in range. Pages carry links that are none of these
    (``http://[ccpa-preferences]``, ``//[x]/y``, ``:99999``): those are skipped, never
    fetched, never allowed to raise. (urlsplit drops tabs and newlines, as browsers do.)"""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not _BAD_HOST.search(parts.netloc)
    )

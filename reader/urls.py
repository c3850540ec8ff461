"""Which URLs can be fetched at all: the reader skips links that are none, and the crawl's
spider and discovery ask the same question; and a query without its tracking parameters
(``crawler.canonical`` re-exports both)."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

# Characters no host name holds: controls and space (a path may hold them: Scrapy escapes it).
_BAD_HOST = re.compile(r"[\x00-\x20\x7f]")
# An http(s) URL whose host is plain ASCII letters, digits, dots, hyphens and underscores, no
# port: urlsplit reads that host, and it is fetchable, whatever follows it.
_PLAIN_HOST = re.compile(r"https?://[A-Za-z0-9._-]+(?:[/?#][^\t\r\n]*)?")


def fetchable(url: str) -> bool:
    """An absolute http(s) URL that parses: a host without control characters or spaces, a
    port that is a number in range. Pages carry links that are none of these
    (``http://[ccpa-preferences]``, ``//[x]/y``, ``:99999``): those are skipped, never
    fetched, never allowed to raise. (urlsplit drops tabs and newlines, as browsers do.)"""
    if _PLAIN_HOST.fullmatch(url):
        return True
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


# An absolute http(s) URL that urllib splits and joins back to itself: an ASCII host without
# brackets or spaces, a path without ";" (path parameters), a query and a fragment each
# non-empty if marked (urlunsplit drops a bare "?" or "#"), no tab or line break anywhere
# (urlsplit deletes them). urljoin hands such a URL back as it is, whatever the base.
_PLAIN_ABSOLUTE = re.compile(
    r"https?://([^/?#\[\]\x00-\x20\x7f-\U0010ffff]+)(/[^;?#\t\r\n]*)?"
    r"(?:\?[^#\t\r\n]+)?(?:#[^\t\r\n]+)?"
)
# A rooted path ("/a/b?q#f", not "//host") of the same kind, no segment starting with a dot
# ("." and ".." are resolved): joined to a base, only the base's scheme and host are read.
_PLAIN_ROOTED = re.compile(
    r"/(?![/.])[^/;?#\t\r\n]*(?:/(?!\.)[^/;?#\t\r\n]*)*(?:\?[^#\t\r\n]+)?(?:#[^\t\r\n]+)?"
)


def join(base: str, href: str) -> str:
    """``urljoin(base, href)`` (raising ValueError where it does), by string operations where
    their answer is the same: a plain absolute href, or a plain rooted one on an http(s) base.
    A page's links are most often one or the other."""
    return _plain_join(base, href) or urljoin(base, href)


def join_http(base: str, href: str) -> str | None:
    """``urljoin(base, href)`` if urlsplit reads it as an http(s) URL, else None (raising
    ValueError where they do)."""
    joined = _plain_join(base, href)
    if joined is not None:
        return joined
    joined = urljoin(base, href)
    return joined if urlsplit(joined).scheme in ("http", "https") else None


def _plain_join(base: str, href: str) -> str | None:
    """``urljoin(base, href)``, an http(s) URL urlsplit reads, where string operations give
    it; None where they cannot tell."""
    origin = _http_origin(base)
    if origin is None:  # not an http(s) base, or one urljoin cannot split (it raises)
        return None
    if _PLAIN_ABSOLUTE.fullmatch(href):
        return href
    if _PLAIN_ROOTED.fullmatch(href):
        return origin + href
    return None


@lru_cache(maxsize=256)
def _http_origin(base: str) -> str | None:
    """``scheme://host`` of an http(s) base as urlsplit reads it; None for any other base."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


def split_http(url: str) -> tuple[str, str] | None:
    """(host, path) of an absolute http(s) URL as urlsplit gives them, where a pattern can tell
    (``_PLAIN_ABSOLUTE``); None where it cannot."""
    match = _PLAIN_ABSOLUTE.fullmatch(url)
    return None if match is None else (match.group(1), match.group(2) or "")


# Query parameters that only say where a reader came from: never part of an article's identity.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "spm",
        "scm",
        "from",
        "share",
        "shareid",
        "share_token",
        "ref",
        "ref_src",
        "_ga",
        "_gl",
        "cmpid",
        "wt.mc_id",
        "ncid",
        "sr_share",
        "isappinstalled",
        "timestamp",
    }
)
TRACKING_PREFIXES = ("utm_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci")
# Parameters that switch an article page to its AMP rendering.
AMP_PARAMS = {"amp": {"1", "true", ""}, "outputtype": {"amp"}, "output": {"amp"}}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _is_amp_switch(name: str, value: str) -> bool:
    values = AMP_PARAMS.get(name.lower())
    return values is not None and value.lower() in values


def clean_query(query: str) -> str:
    """The query without tracking parameters or AMP switches, parameters sorted."""
    pairs = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if not _is_tracking(k) and not _is_amp_switch(k, v)
    ]
    return urlencode(sorted(pairs))

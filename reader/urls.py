"""Which URLs can be fetched at all: the reader skips links that are none, and the crawl's
spider and discovery ask the same question; and a query without its tracking parameters
(``crawler.canonical`` re-exports both)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

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
